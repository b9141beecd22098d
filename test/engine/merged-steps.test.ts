// A call or return that touches nothing shared runs in its neighbour's step (frame.ts
// call_now / now()); a lock held across a scheduling point keeps that point. Checked on the
// traces of real hunt executions: which functions share a step, and which never may.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { SCHED, P } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { Replayer } from "../../src/explore/execute.js";
import { huntConfig, HUNT_MACHINE, HUNT_LOGCAP } from "../../src/explore/machine.js";
import { huntOps, executionSeed } from "../../src/explore/workload.js";
import type { TraceRecord } from "../../src/report/trace.js";

const workload = { cpus: 2, opsPerCpu: 5, pagesPerMm: HUNT_MACHINE.pagesPerMm, mms: 1, shareMm: true, writeRatio: 0.5 };

/** The procedures each (step, agent) ran, over `n` random executions of the hunt machine. */
async function stepsOf(modelName: string, n: number): Promise<Set<number>[]> {
  const flags = resolveModel(modelName);
  const rep = await Replayer.create(HUNT_MACHINE, flags);
  const e = Engine.wasm();
  e.configure(huntConfig(HUNT_MACHINE, flags, SCHED.RANDOM));
  const out: Set<number>[] = [];
  for (let i = 0; i < n; i++) {
    const seed = executionSeed(11, i);
    const ops = huntOps(workload, seed);
    e.setSeed(seed);
    e.reset();
    e.loadOps(ops);
    e.run(HUNT_LOGCAP);
    const records = rep.run({ ops, seed, schedule: e.choiceLog() }, { trace: true }).records as TraceRecord[];
    let key = "";
    for (const r of records) {
      const k = `${r.step}/${r.agent}`;
      if (k !== key) {
        out.push(new Set());
        key = k;
      }
      out[out.length - 1].add(r.proc);
    }
  }
  return out;
}

const together = (steps: Set<number>[], a: number, b: number) => steps.filter((s) => s.has(a) && s.has(b)).length;

describe("merged steps", () => {
  it("valid_swaphandles' return runs swapin_readahead's next section in its step (now())", async () => {
    const steps = await stepsOf("linux-2.4.10-pre", 300);
    expect(together(steps, P.valid_swaphandles, P.swapin_readahead)).toBeGreaterThan(0);
    // ... and do_swap_page's lookup miss calls on into swapin_readahead in one step (call_now).
    expect(together(steps, P.lookup_swap_cache, P.do_swap_page)).toBeGreaterThan(0);
  });

  it("never merges handle_pte_fault's PTL section with a handler that drops PTL", async () => {
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre", "linux-2.4.16"]) {
      const steps = await stepsOf(m, 300);
      expect(steps.filter((s) => s.has(P.handle_mm_fault)).length, m).toBeGreaterThan(0);
      for (const h of [P.do_anonymous_page, P.do_swap_page, P.do_wp_page]) expect(together(steps, P.handle_mm_fault, h), m).toBe(0);
    }
  });
});
