// `faultsim hunt --workers N` (src/workers/hunt-workers.ts): the hunt as a campaign over worker
// threads finds the seed's duplicate on linux-2.4.10-pre, the same execution for any number
// of workers, investigates it as hunt() does (its repro replays), keeps going past a finding
// when asked, and on linux-2.4.16 runs its whole budget clean.
// The workers are dist/src/workers/worker.js (`npm run build`, or `npx tsc -p tsconfig.json`).
import { describe, it, expect } from "vitest";
import { huntInWorkers, ROUND } from "../../src/workers/hunt-workers.js";
import { HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import { diagramOf } from "../../src/explore/replay.js";
import { drawFinding } from "../../src/report/finding.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { resolveModel } from "../../src/model/models.js";

const opts = (model: string, over: Partial<typeof HUNT_DEFAULTS> = {}) => ({
  ...HUNT_DEFAULTS,
  model: resolveModel(model),
  machine: HUNT_MACHINE,
  seed: 3,
  shrinkMs: 0,
  budgetMs: 120_000,
  ...over, // the execution counts decide; the clock only guards
});

describe("hunt with worker threads", () => {
  it("finds the swap-cache duplicate on linux-2.4.10-pre, at the same execution with 2 and 3 workers, and its repro replays", async () => {
    const [two, three] = [
      await huntInWorkers(opts("linux-2.4.10-pre", { executions: 400_000 }), 2),
      await huntInWorkers(opts("linux-2.4.10-pre", { executions: 400_000 }), 3),
    ];
    expect(two.findings.map((f) => f.signature)).toEqual(["swapcache-unique@add_to_swap_cache"]);
    const f = two.findings[0];
    expect(three.findings.map((g) => [g.execution, g.signature])).toEqual([[f.execution, f.signature]]);
    expect(two.executions).toBe(f.execution + 1); // stops at the first finding
    expect(two.pct?.k).toBe(three.pct?.k);
    const again = await diagramOf(f.repro);
    expect(again.reproduced).toBe(true);
    expect(again.diagram).toBe(drawFinding(f));
  }, 120_000);

  it("keeps going past a finding when asked: runs its whole budget and reports each signature once", async () => {
    const executions = 2 * ROUND + 1000;
    const r = await huntInWorkers(opts("linux-2.4.10-pre", { executions, keepGoing: true }), 2);
    expect(r.executions).toBe(executions);
    expect(r.findings.length).toBeGreaterThanOrEqual(1);
    expect(new Set(r.findings.map((f) => f.signature)).size).toBe(r.findings.length);
  }, 120_000);

  it("keeps going to the same findings whatever the rounds: they are sized from the clock, the findings are not", async () => {
    // Rounds last ~ROUND_MS at the measured rate, so two runs cut them differently; every
    // failure is still looked at in execution order, so the findings are the same.
    const o = opts("linux-2.4.10-pre", { executions: 120_000, keepGoing: true, sched: "random" as const, opsPerCpu: 6 });
    const [two, three] = [await huntInWorkers(o, 2), await huntInWorkers(o, 3)];
    expect(two.findings.length).toBeGreaterThanOrEqual(1);
    expect(three.findings.map((f) => [f.execution, f.signature])).toEqual(two.findings.map((f) => [f.execution, f.signature]));
    expect(three.executions).toBe(two.executions);
    expect(two.executions).toBe(120_000);
  }, 120_000);

  it("finds nothing on linux-2.4.16 in 300,000 executions, and states PCT's bound for its fixed k", async () => {
    const r = await huntInWorkers(opts("linux-2.4.16", { executions: 300_000 }), 2);
    expect(r.findings).toEqual([]);
    expect(r.executions).toBe(300_000);
    expect(r.steps).toBeGreaterThan(100 * r.executions);
    expect(r.pct?.n).toBe(HUNT_MACHINE.cpus + 2); // the CPUs, the disk and kswapd
    expect(r.pct?.k).toBeGreaterThan(50);
  }, 120_000);
});
