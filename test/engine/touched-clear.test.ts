// The hunt's boots between executions clear only what the last executions touched
// (assembly/kernel/state.ts clear_state): every execution must run exactly as after a whole
// clear. Two engines run the same executions, one clearing whole (whole_clear), one not; the
// run codes, choice logs and end states (engine.ts stateHashWhole: every state word) must agree.
import { threadsWorkload } from "../helpers/machine.js";
import { describe, expect, it } from "vitest";
import { Engine, wasmModule } from "../../src/wasm/engine.js";
import { SCHED } from "../../src/wasm/abi.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase, type HuntWorkload } from "../../src/explore/workload.js";
import { parseMix } from "../../src/explore/mix.js";
import { resolveModel } from "../../src/model/models.js";
import type { ReproMachine } from "../../src/report/repro.js";

interface Case {
  model: string;
  machine: ReproMachine;
  workload: HuntWorkload;
  sched: number;
}

const threads = (m: ReproMachine, opsPerCpu: number): HuntWorkload => threadsWorkload(m, opsPerCpu);
const big: ReproMachine = { ...HUNT_MACHINE, frames: 300, pagesPerMm: 64, slotsPerArea: 64 };
const mixed: ReproMachine = { ...HUNT_MACHINE, mms: 2, areas: 2 };
const CASES: Case[] = [
  // The seed race's model: violations stop executions midway, in any state.
  { model: "linux-2.4.10-pre", machine: HUNT_MACHINE, workload: threads(HUNT_MACHINE, 5), sched: SCHED.PCT },
  { model: "linux-2.4.0", machine: HUNT_MACHINE, workload: threads(HUNT_MACHINE, 6), sched: SCHED.RANDOM },
  // More frames than the executions reach, and more pages than frames: reclaim on some.
  { model: "linux-2.4.16", machine: big, workload: threads(big, 12), sched: SCHED.RANDOM },
  { model: "linux-2.4.16", machine: { ...big, frames: 24 }, workload: threads({ ...big, frames: 24 }, 12), sched: SCHED.PCT },
  // Forks, exits, munmaps, swapoff and swapon.
  {
    model: "linux-2.4.10-pre",
    machine: mixed,
    workload: { ...threads(mixed, 6), mix: parseMix("all"), areas: 2 },
    sched: SCHED.RANDOM,
  },
];

function engineFor(c: Case, whole: boolean, js?: Engine): Engine {
  const e = js ?? Engine.wasm(wasmModule("untraced"));
  e.configure(huntConfig(c.machine, resolveModel(c.model), c.sched, 4, 40));
  configureHuntWorkload(e.m, c.workload);
  e.m.whole_clear(whole ? 1 : 0);
  return e;
}

describe("the hunt's touched clear", () => {
  it.each(CASES.map((c, i) => [i, c] as const))("case %i runs every execution as after a whole clear", (_i, c) => {
    const touched = engineFor(c, false),
      whole = engineFor(c, true);
    const base = huntSeedBase(11);
    for (let n = 0; n < 400; n++) {
      const a = touched.m.hunt_execution(base, n, HUNT_LOGCAP),
        b = whole.m.hunt_execution(base, n, HUNT_LOGCAP);
      expect(a, `execution ${n}: run code`).toBe(b);
      expect(touched.stateHashWhole(), `execution ${n}: end state`).toBe(whole.stateHashWhole());
      if (n % 50 === 0) expect(touched.choiceLog()).toEqual(whole.choiceLog());
    }
  });

  it("the JS build of the model clears as the Wasm does", async () => {
    const c = CASES[4];
    const js = engineFor(c, false, await Engine.js()),
      wasm = engineFor(c, true);
    const base = huntSeedBase(5);
    for (let n = 0; n < 100; n++) {
      expect(js.m.hunt_execution(base, n, HUNT_LOGCAP)).toBe(wasm.m.hunt_execution(base, n, HUNT_LOGCAP));
      expect(js.stateHashWhole(), `execution ${n}`).toBe(wasm.stateHashWhole());
    }
  });

  it("a host reset after the executions leaves the state it leaves after whole clears", () => {
    const c = CASES[2];
    const touched = engineFor(c, false),
      whole = engineFor(c, true);
    for (const e of [touched, whole]) {
      for (let n = 0; n < 50; n++) e.m.hunt_execution(huntSeedBase(3), n, HUNT_LOGCAP);
      e.reset(); // (the last execution's seed stays in the config words of both)
    }
    expect(touched.stateHashWhole()).toBe(whole.stateHashWhole());
  });
});
