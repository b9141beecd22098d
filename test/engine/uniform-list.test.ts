// The uniform scheduler (bulk runs: SCHED_RANDOM without the hunt's walk) picks among more than
// two runnable agents from a list it keeps per runnable mask in linear memory (assembly/kernel/
// sched.ts uniform_list, at state.ts RUN_LIST: outside the state hash, derived from the mask).
// The host may write memory between two run() calls (the exhaustive search restores copies of
// it), so run() derives the list anew (sched_begin) and never trusts what it finds there. Here
// the host overwrites the list before every run() of an 8-CPU bulk run: the run must make the
// same choices, and end in the same state, as the run the list was left alone in.
import { describe, expect, it } from "vitest";
import { Engine, wasmModule, type Backend } from "../../src/wasm/engine.js";
import { SCHED } from "../../src/wasm/abi.js";
import { runBulk } from "../../src/bulk/run.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";
import { resolveModel } from "../../src/model/models.js";

// state.ts: PCT_BEST is the 64 bytes below the config block, RUN_LIST the 16 below those.
const RUN_LIST_BELOW_CONFIG = 64 + 16;
const CPUS = 8;

async function bulk(backend: Backend, meddle: boolean): Promise<{ hash: string; steps: number; lists: number }> {
  const engine = backend === "wasm" ? Engine.wasm(wasmModule("untraced")) : await Engine.js();
  const listAt = engine.m.config_addr() - RUN_LIST_BELOW_CONFIG;
  const bytes = () => new Uint8Array(engine.memory.buffer, listAt, 16);
  const { flags, flags2 } = resolveModel("linux-2.4.16");
  let lists = 0;
  const res = await runBulk({
    backend,
    machine: bulkMachineConfig(
      { cpus: CPUS, mms: 2, pagesPerMm: 256, frames: 1024, areas: 1, slotsPerArea: 1024 },
      { flags, flags2, kswapd: false, seed: 7, sched: SCHED.RANDOM },
    ),
    workload: {
      cpus: CPUS,
      mms: 2,
      pagesPerMm: 256,
      areas: 1,
      pattern: "uniform",
      writeRatio: 0.3,
      threads: true,
      forkRate: 0,
      exitRate: 0,
      munmapRate: 0.02,
      swapoffRate: 0,
      swaponRate: 0,
    },
    seed: 7,
    ops: 20000,
    checkInterval: 500,
    engine,
    // Called between two run()s: the list the last one left is the address's (ascending agent
    // ids, 0 past them), then, when meddling, a wrong one (every agent CPU 0).
    checker: () => {
      const b = bytes();
      let n = 0;
      while (n < 16 && (n === 0 || b[n] > b[n - 1])) n++;
      if (n >= 3 && b.slice(0, n).every((a) => a <= CPUS)) lists++;
      if (meddle) b.fill(0);
      return [];
    },
  });
  return { hash: res.stateHash, steps: res.steps, lists };
}

describe("the uniform scheduler's list of runnable agents", () => {
  for (const backend of ["wasm", "js"] as const) {
    it(`is derived anew at each run(), whatever the host wrote there (${backend})`, async () => {
      const left = await bulk(backend, false);
      const meddled = await bulk(backend, true);
      // The address holds the list: most checks found one of three agents or more.
      expect(left.lists).toBeGreaterThan(10);
      expect(meddled.steps).toBe(left.steps);
      expect(meddled.hash).toBe(left.hash);
    });
  }
});
