// PCT's runs of one agent (assembly/kernel/sched.ts burstMask): while the runnable mask and the
// priorities stay as they were at a choice, and no change point is within reach, choose() takes
// the same agent again by two compares instead of pct_choose and record. Each execution must be
// the one the full choice makes at every step: two engines run the same executions, one with the
// runs (the default), one without (pct_runs(0)); their run codes, choice logs, fingerprints,
// decision and switch counts and end states must agree. Small k puts change points inside the
// executions; 2.4.16's swapoff yields (sched_yield reorders), and the mix blocks and wakes.
import { threadsWorkload } from "../helpers/machine.js";
import { describe, expect, it } from "vitest";
import { Engine, wasmModule } from "../../src/wasm/engine.js";
import { G, R, SCHED } from "../../src/wasm/abi.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase, type HuntWorkload } from "../../src/explore/workload.js";
import { parseMix } from "../../src/explore/mix.js";
import { resolveModel } from "../../src/model/models.js";
import type { ReproMachine } from "../../src/report/repro.js";

interface Case {
  model: string;
  machine: ReproMachine;
  workload: HuntWorkload;
  depth: number;
  k: number;
}

const mixed: ReproMachine = { ...HUNT_MACHINE, mms: 2, areas: 2 };
const two: ReproMachine = { ...HUNT_MACHINE, cpus: 2 }; // 4 agents: PCT's 2-bit table, not the byte table
const CASES: Case[] = [
  { model: "linux-2.4.16", machine: HUNT_MACHINE, workload: threadsWorkload(HUNT_MACHINE, 5), depth: 4, k: 20 },
  { model: "linux-2.4.16", machine: two, workload: threadsWorkload(two, 6), depth: 4, k: 60 },
  { model: "linux-2.4.10-pre", machine: HUNT_MACHINE, workload: threadsWorkload(HUNT_MACHINE, 5), depth: 3, k: 8 },
  // Swapoff's try_to_unuse yields at the end of each entry (2.4.16 unuse_release): in 76 of
  // these 400 executions.
  {
    model: "linux-2.4.16",
    machine: mixed,
    workload: { ...threadsWorkload(mixed, 6), mix: parseMix("all"), areas: 2 },
    depth: 4,
    k: 30,
  },
  {
    model: "linux-2.4.0",
    machine: mixed,
    workload: { ...threadsWorkload(mixed, 6), mix: parseMix("all"), areas: 2 },
    depth: 5,
    k: 30,
  },
];

function engineFor(c: Case, runs: boolean, js?: Engine): Engine {
  const e = js ?? Engine.wasm(wasmModule("untraced"));
  e.configure(huntConfig(c.machine, resolveModel(c.model), SCHED.PCT, c.depth, c.k));
  configureHuntWorkload(e.m, c.workload);
  e.m.pct_runs(runs ? 1 : 0);
  return e;
}

/** What an execution left that the host reads: its code, fingerprint, agents, counts, log. */
function outcome(e: Engine, code: number) {
  const g = e.region(R.GLOBALS) >> 2;
  const print = e.m.hunt_print();
  return {
    code,
    print,
    agents: e.m.hunt_agents(),
    steps: e.I32[g + G.STEP],
    decisions: e.I32[g + G.PCT_DECISIONS],
    switches: e.I32[g + G.PCT_SWITCHES],
  };
}

describe("PCT's runs of one agent", () => {
  it.each(CASES.map((c, i) => [i, c] as const))("case %i makes every execution the full choice makes", (_i, c) => {
    const runs = engineFor(c, true),
      full = engineFor(c, false);
    const base = huntSeedBase(7);
    let switched = 0;
    for (let n = 0; n < 400; n++) {
      const a = outcome(runs, runs.m.hunt_execution(base, n, HUNT_LOGCAP)),
        b = outcome(full, full.m.hunt_execution(base, n, HUNT_LOGCAP));
      expect(a, `execution ${n}`).toEqual(b);
      expect(runs.stateHashWhole(), `execution ${n}: end state`).toBe(full.stateHashWhole());
      if (n % 50 === 0) expect(runs.choiceLog()).toEqual(full.choiceLog());
      if (b.steps > b.switches + 1) switched++;
    }
    // The runs were there to take: executions with steps that ran the agent of the step before.
    expect(switched).toBeGreaterThan(300);
  });

  it("the JS build of the model takes the runs as the Wasm does", async () => {
    const c = CASES[3]; // the yields
    const js = engineFor(c, true, await Engine.js()),
      wasm = engineFor(c, false);
    const base = huntSeedBase(5);
    for (let n = 0; n < 100; n++) {
      const a = outcome(js, js.m.hunt_execution(base, n, HUNT_LOGCAP)),
        b = outcome(wasm, wasm.m.hunt_execution(base, n, HUNT_LOGCAP));
      expect(a, `execution ${n}`).toEqual(b);
      expect(js.stateHashWhole(), `execution ${n}`).toBe(wasm.stateHashWhole());
    }
  });
});
