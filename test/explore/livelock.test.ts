// No false livelocks from the hunt's own step bound (issue 9, part 5): an execution stopped
// at HUNT_LOGCAP steps is a livelock only when a run of HUNT_LIVELOCK_STEPS does not end
// either. The case (2.4.16, 8 CPUs x 32 ops) runs clean; a real livelock (2.4.16 with
// 8 CPUs in 6 frames, every CPU in direct reclaim) is still reported; the largest legal hunt
// options run.
import { describe, it, expect } from "vitest";
import { resolveModel } from "../../src/model/models.js";
import { hunt, HUNT_DEFAULTS, huntWorkloadOf, type HuntOptions } from "../../src/explore/hunt.js";
import { HUNT_LIMITS, HUNT_LOGCAP, HUNT_MACHINE, HUNT_OPCAP, huntConfig } from "../../src/explore/machine.js";
import { confirmLimit } from "../../src/explore/livelock.js";
import { configureHuntWorkload, huntSeedBase } from "../../src/explore/workload.js";
import { Engine } from "../../src/wasm/engine.js";
import { G, RUN, SCHED } from "../../src/wasm/abi.js";

const model = resolveModel("linux-2.4.16");
const big = { ...HUNT_MACHINE, cpus: HUNT_LIMITS.cpus.max };
const opts = (over: Partial<HuntOptions> = {}): HuntOptions => ({
  ...HUNT_DEFAULTS,
  model,
  machine: big,
  opsPerCpu: HUNT_OPCAP,
  seed: 1,
  executions: 40,
  budgetMs: 120_000,
  shrinkMs: 0,
  ...over,
});

describe("the hunt's step bound", () => {
  it("2.4.16, 8 CPUs x 32 ops: executions past the bound end in a longer run, so no livelock is reported", async () => {
    // Find an execution of this hunt that stops at the bound (the false livelock).
    const o = opts();
    const e = await Engine.create("wasm", "untraced");
    e.configure(huntConfig(o.machine, model.flags, SCHED.PCT, o.depth, 64));
    configureHuntWorkload(e.m, huntWorkloadOf(o));
    const base = huntSeedBase(o.seed);
    let long = -1;
    for (let n = 0; n < 40 && long < 0; n++) if (e.m.hunt_execution(base, n, HUNT_LOGCAP) === RUN.LIMIT) long = n;
    expect(long).toBeGreaterThanOrEqual(0);
    const log = e.choiceLog();
    expect(confirmLimit(e, base, long)).toBeUndefined(); // it ends: not a livelock
    expect(e.global(G.STEP)).toBe(HUNT_LOGCAP); // the engine is back at the recorded run
    expect(e.choiceLog()).toEqual(log);
    const r = await hunt(o);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
    expect(r.executions).toBe(40);
  }, 120_000);

  it("a real livelock is still one: 2.4.16 with 8 CPUs in 6 frames under the random scheduler", async () => {
    const r = await hunt(opts({ sched: "random", executions: 200 }));
    expect(r.findings.map((f) => f.signature)).toEqual(["livelock"]);
    expect(r.findings[0].verdict.id).toBe("livelock");
  }, 120_000);

  it("the largest legal hunt options run (every size at its maximum)", async () => {
    const machine = {
      ...HUNT_MACHINE,
      cpus: HUNT_LIMITS.cpus.max,
      frames: HUNT_LIMITS.frames.max,
      pagesPerMm: HUNT_LIMITS.pages.max,
      slotsPerArea: HUNT_LIMITS.slots.max,
      pageCluster: HUNT_LIMITS.pageCluster.max,
      mms: HUNT_LIMITS.cpus.max,
    };
    for (const sched of ["pct", "random"] as const) {
      const r = await hunt(opts({ machine, sched, depth: HUNT_LIMITS.depth.max, shareMm: false, executions: 30 }));
      expect(r.executions).toBe(30);
      expect(r.findings.map((f) => f.signature)).toEqual([]);
    }
  }, 120_000);
});
