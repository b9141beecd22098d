// The build's table of PCT's k (src/workers/pct-k-table.ts, written by `npm run build` into
// dist/src/workers/pct-k.json): each entry is what the probe gives for its inputs, and the
// default campaign of every shipped model finds its k there, so a shard of one runs no probe.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/wasm/files.js";
import { Engine } from "../../src/wasm/engine.js";
import { calibratePctK } from "../../src/workers/hunt-range.js";
import { probeKey, tabledPctK, type PctKTable } from "../../src/workers/pct-k-table.js";
import { defaultHuntOptions } from "../helpers/default-campaign.js";
import { huntLoopSpec } from "../../src/explore/hunt-options.js";
import { MODELS } from "../../src/model/models.js";
import { modelId } from "../../src/report/version.js";

const built = (): PctKTable => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "dist/src/workers/pct-k.json"), "utf8")) as PctKTable;

/** The hunt params of `faultsim hunt --model M` (every other option at its default). */
function defaultParams(model: string) {
  return { backend: "wasm" as const, ...huntLoopSpec(defaultHuntOptions(model), 1) };
}

describe("the build's table of PCT's k", () => {
  it("holds, for each entry, the k the probe gives on this build", async () => {
    const t = built();
    expect(t.entries.length).toBeGreaterThan(0);
    const e = await Engine.create("wasm", "untraced");
    for (const x of t.entries) {
      expect(x.modelId).toBe(modelId("wasm"));
      expect(calibratePctK(e, { backend: "wasm", ...x.params, pctK: 1, huntSeed: 1 })).toBe(x.k);
    }
  });

  it("has the default campaign of every shipped model; a private model build probes", () => {
    const keys = new Set(built().entries.map((x) => probeKey(x.modelId, x.params)));
    for (const { name } of MODELS) expect(keys.has(probeKey(modelId("wasm")!, defaultParams(name))), name).toBe(true);
    // From the sources there is no table beside the module: the probe decides.
    expect(tabledPctK(defaultParams("linux-2.4.16"))).toBeUndefined();
    expect(tabledPctK(defaultParams("linux-2.4.16"), { FAULTSIM_WASM: "x.wasm" })).toBeUndefined();
  });
});
