// The bulk watchdog and a swapoff that makes no progress. try_to_unuse may run long, so the
// watchdog does not count a running swapoff as stuck while the area's slots in use go down;
// one that frees no slot for livelockSteps steps is a livelock like any other (it used to be
// exempt, and a looping try_to_unuse hung `run`). The planted fault: a leaked reference on a
// slot of the area being swapped off (a swap_map count no pte or cache page holds), which
// 2.4.16's try_to_unuse rereads and drops from the cache forever.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { A, G, R, SCHED } from "../../src/wasm/abi.js";
import { runBulk, type BulkOptions } from "../../src/bulk/run.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { resolveModel } from "../../src/model/models.js";

// Frames enough for every page: no allocation fails, so no swapoff gives up with -ENOMEM
// (under pressure the model's OOM path ends a stuck try_to_unuse, as the kernel's would).
const sizes = { cpus: 3, mms: 4, pagesPerMm: 128, frames: 640, areas: 2, slotsPerArea: 64 };

async function options(e: Engine, seed: number): Promise<BulkOptions> {
  const machine = bulkMachineConfig(sizes, { ...resolveModel("linux-2.4.16"), kswapd: true, seed, sched: SCHED.RANDOM });
  return {
    backend: "wasm",
    engine: e,
    machine,
    workload: {
      cpus: sizes.cpus,
      mms: sizes.mms,
      pagesPerMm: sizes.pagesPerMm,
      areas: sizes.areas,
      pattern: "uniform",
      writeRatio: 0.5,
      threads: true,
      forkRate: 0,
      exitRate: 0,
      munmapRate: 0,
      swapoffRate: 0.002,
      swaponRate: 0.002,
    },
    seed,
    ops: 6000,
    checkInterval: 4096,
    checker: checkInvariants,
    livelockSteps: 1 << 19,
  };
}

/** Wraps e.run: when `plant`, before the first chunk gives slot 1 of area 0 a reference
 *  nobody holds (taken as get_swap_page takes a slot: nr_swap_pages and inuse_pages follow);
 *  gives up with an Error after `maxCalls` chunks instead of hanging. */
function instrument(e: Engine, plant: boolean, maxCalls = 2_000): void {
  const run = e.run.bind(e);
  let calls = 0;
  e.run = (budget: number) => {
    if (++calls > maxCalls) throw new Error("still running: the watchdog did not stop it");
    if (plant && calls === 1) {
      e.U16[(e.region(R.SWAP_MAP) >> 1) + 1] = 1;
      const g = e.region(R.GLOBALS) >> 2;
      e.I32[g + G.NR_SWAP_PAGES]--;
      e.I32[(e.region(R.AREAS) >> 2) + A.INUSE]++;
    }
    return run(budget);
  };
}

describe("the bulk watchdog and swapoff", () => {
  it("reports a swapoff that frees no slot as a livelock (planted: a leaked swap count)", async () => {
    const e = Engine.wasm();
    const o = await options(e, 3);
    instrument(e, true);
    const r = await runBulk(o);
    const v = r.violations.find((x) => x.source === "watchdog");
    expect(v, JSON.stringify(r.violations.slice(0, 3))).toBeDefined();
    expect(v!.signature).toBe("livelock@swapoff");
    expect(v!.message).toMatch(/^swapoff of area \d freed no slot \(\d+ still in use\)/);
    // Still swapping off area 0, whose planted slot's count never went down.
    expect(e.global(G.SWAPOFF_AREA)).toBe(0);
    expect(e.U16[(e.region(R.SWAP_MAP) >> 1) + 1]).toBeGreaterThan(0);
    expect(r.stats.swapoffEnomem).toBe(0);
  }, 60_000);

  it("lets the same runs' swapoffs finish when nothing is planted", async () => {
    for (const seed of [3, 4]) {
      const e = Engine.wasm();
      const o = await options(e, seed);
      instrument(e, false);
      const r = await runBulk(o);
      expect(r.violations).toEqual([]);
      expect(r.stats.swapoffs, "swapoffs ran").toBeGreaterThan(0);
    }
  }, 60_000);
});
