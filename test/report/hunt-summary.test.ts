// The hunt's text summary says when its rates are mostly the model's warm-up: a cold process
// spends its first ~0.1 s compiling and tiering up the model, and the default hunt finds its
// race in about that long, so its printed rate alone would read as a slow tool.
import { describe, it, expect } from "vitest";
import { hunt, HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import type { HuntOptions } from "../../src/explore/hunt-options.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { resolveModel } from "../../src/model/models.js";
import { huntText } from "../../src/report/hunt-summary.js";
import { parseMix } from "../../src/explore/mix.js";

const o: HuntOptions = {
  ...HUNT_DEFAULTS,
  model: resolveModel("linux-2.4.16"),
  machine: HUNT_MACHINE,
  executions: 200,
  budgetMs: 60_000,
  shrinkMs: 0,
};
const WARM_UP = /^ {2}\(under 1 s of hunting the rates are mostly the model's warm-up\)$/m;

describe("hunt's text summary", () => {
  it("marks the rates of a hunt under a second as warm-up, and only those", async () => {
    const r = await hunt(o);
    expect(r.executions).toBe(200);
    const text = (huntingMs: number) => huntText({ o, r: { ...r, huntingMs }, files: [], workers: 1, earlier: [], draw: { full: false } });
    expect(text(300)).toMatch(WARM_UP);
    expect(text(300)).toMatch(/^executions 200 in 0\.30 s: /m);
    expect(text(2_000)).not.toMatch(WARM_UP);
  });

  it("names the mms, pages, areas, page_cluster and mix in its first line where they are not the default hunt's", async () => {
    const r = await hunt({ ...o, executions: 1 });
    const first = (x: HuntOptions) => huntText({ o: x, r, files: [], workers: 1, earlier: [], draw: { full: false } }).split("\n")[0];
    expect(first(o)).toMatch(/, 5 ops per CPU; pct depth 4, seed 1$/);
    const shaped: HuntOptions = {
      ...o,
      shareMm: false,
      machine: { ...HUNT_MACHINE, mms: 5, areas: 2, pageCluster: 2 },
      mix: parseMix("read=1,write=1,swapoff=1"),
    };
    expect(first(shaped)).toMatch(
      /, 5 ops per CPU, 5 mms x 4 pages \(processes\), 2 areas, page_cluster 2, mix write=1,read=1,swapoff=1; pct depth 4/,
    );
  });
});
