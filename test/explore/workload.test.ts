// The hunt's op lists: the model's hunt_execution (the hot path, assembly/kernel/hunt.ts)
// runs exactly the ops huntOp defines (what repros and error messages list), for any
// workload shape, in both builds of the model.
import { describe, it, expect } from "vitest";
import { configureHuntWorkload, executionSeed, huntOp, huntOps, huntSeedBase, type HuntWorkload } from "../../src/explore/workload.js";
import { CFG, OP, R, RUN, SCHED, opKind, opMm, opPage, opArg } from "../../src/wasm/abi.js";
import { Engine } from "../../src/wasm/engine.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE, HUNT_OPCAP } from "../../src/explore/machine.js";
import { resolveModel } from "../../src/model/models.js";

const BASE: HuntWorkload = { cpus: 2, opsPerCpu: 5, pagesPerMm: 4, mms: 1, shareMm: true, writeRatio: 0.5 };
const SHAPES: HuntWorkload[] = [
  BASE,
  { ...BASE, cpus: 8, opsPerCpu: 32, pagesPerMm: 4096 },
  { ...BASE, pagesPerMm: 7, writeRatio: 0.3 }, // not a power of two: the modulo path
  { ...BASE, pagesPerMm: 1, writeRatio: 0 },
  { ...BASE, cpus: 3, mms: 2, shareMm: false, writeRatio: 1 },
  { ...BASE, cpus: 5, mms: 3, shareMm: false, pagesPerMm: 100, writeRatio: 0.77 },
];

/** An engine whose machine fits workload w, with the hunt's op rings (HUNT_OPCAP words). */
function engineFor(e: Engine, w: HuntWorkload): void {
  e.configure(huntConfig({ ...HUNT_MACHINE, cpus: w.cpus, mms: w.mms, pagesPerMm: w.pagesPerMm }, { flags: 0, flags2: 0 }, SCHED.RANDOM));
  configureHuntWorkload(e.m, w);
}

describe.each(["wasm", "js"] as const)("the model's hunt executions (%s)", (backend) => {
  it("run huntOp's ops, for every CPU and op, under the execution's seed", async () => {
    const e = await Engine.create(backend);
    const wrong: string[] = [];
    for (const w of SHAPES) {
      engineFor(e, w);
      const opsBase = e.region(R.OPS) >> 2,
        seedAt = (e.m.config_addr() >> 2) + CFG.SEED;
      for (let n = 0; n < 300; n++) {
        const huntSeed = n % 7,
          index = n * 131;
        // No steps: the ops are in the rings as the execution starts.
        e.m.hunt_execution(huntSeedBase(huntSeed), index, 0);
        const s = executionSeed(huntSeed, index);
        if (e.I32[seedAt] !== s) wrong.push(`${JSON.stringify(w)} execution ${index}: seed ${e.I32[seedAt]}, not ${s}`);
        for (let cpu = 0; cpu < w.cpus; cpu++) {
          for (let j = 0; j < w.opsPerCpu; j++) {
            const got = e.I32[opsBase + cpu * HUNT_OPCAP + j],
              want = huntOp(w, s, cpu, j);
            if (got !== want) wrong.push(`${JSON.stringify(w)} seed ${s} cpu ${cpu} op ${j}: ${got}, not ${want}`);
          }
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("is the execution the host would run from huntOps: same choices, same end state", async () => {
    const e = await Engine.create(backend);
    const w = { ...BASE, cpus: HUNT_MACHINE.cpus, pagesPerMm: HUNT_MACHINE.pagesPerMm };
    const flags = resolveModel("linux-2.4.10-pre");
    const byHost: string[] = [],
      byModel: string[] = [];
    for (const [into, inModel] of [
      [byHost, false],
      [byModel, true],
    ] as const) {
      e.configure(huntConfig(HUNT_MACHINE, flags, SCHED.PCT, 4, 100));
      configureHuntWorkload(e.m, w);
      for (let n = 0; n < 40; n++) {
        let code: number;
        if (inModel) {
          code = e.m.hunt_execution(huntSeedBase(9), n, HUNT_LOGCAP);
          // A RUN.DONE the model found clean at rest (test/invariants/fused.test.ts holds that).
          if (code === RUN.CLEAN) code = RUN.DONE;
        } else {
          const s = executionSeed(9, n);
          e.setSeed(s);
          e.reset();
          e.loadOps(huntOps(w, s));
          code = e.run(HUNT_LOGCAP);
        }
        into.push(`${code} ${e.choiceLog().join("")} ${e.stateHash()}`);
      }
    }
    expect(byModel).toEqual(byHost);
    expect(new Set(byHost).size).toBeGreaterThan(30); // the executions differ from one another
  });
});

describe("huntOps", () => {
  it("ops are reads and writes of the workload's pages and mms, in the write ratio", () => {
    const w = { ...BASE, cpus: 3, mms: 2, shareMm: false, pagesPerMm: 6, opsPerCpu: 32 };
    let writes = 0,
      total = 0;
    const wrong: string[] = [];
    for (let n = 0; n < 200; n++) {
      huntOps(w, executionSeed(1, n)).forEach((list, cpu) => {
        for (const op of list) {
          const kind = opKind(op);
          if ((kind !== OP.READ && kind !== OP.WRITE) || opMm(op) !== cpu % w.mms || opPage(op) >= w.pagesPerMm || opArg(op) !== 0) {
            wrong.push(`execution ${n} cpu ${cpu}: op 0x${(op >>> 0).toString(16)}`);
          }
          if (kind === OP.WRITE) writes++;
          total++;
        }
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(Math.abs(writes / total - w.writeRatio)).toBeLessThan(0.05);
  });
});
