// Bulk mode: determinism (same seed → same stats and state, across engines and backends),
// op accounting, deep-check cadence, and how violations and traps are reported.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { AG, G, P, R, SCHED, VIOLATION_IDS } from "../../src/wasm/abi.js";
import { runBulk, type BulkOptions } from "../../src/bulk/run.js";
import { bootPageCluster, bootPagesMin, bulkMachineConfig, estimateBytes, type WorkloadOptions } from "../../src/bulk/config.js";
import type { Checker } from "../../src/bulk/run.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { resolveModel } from "../../src/model/models.js";
import { InternalError, UsageError } from "../../src/errors.js";

const sizes = { cpus: 3, mms: 4, pagesPerMm: 256, frames: 160, areas: 2, slotsPerArea: 512 };
const workload = (over: Partial<WorkloadOptions> = {}): WorkloadOptions => ({
  cpus: sizes.cpus,
  mms: sizes.mms,
  pagesPerMm: sizes.pagesPerMm,
  areas: sizes.areas,
  pattern: "hotcold",
  writeRatio: 0.4,
  threads: true,
  forkRate: 0.01,
  exitRate: 0.005,
  munmapRate: 0.01,
  swapoffRate: 0.001,
  swaponRate: 0.001,
  ...over,
});

async function options(over: Partial<BulkOptions> = {}, seed = 7): Promise<BulkOptions> {
  const machine = bulkMachineConfig(sizes, {
    flags: resolveModel("linux-2.4.10-pre", [], []).flags,
    flags2: resolveModel("linux-2.4.10-pre").flags2,
    kswapd: true,
    seed,
    sched: SCHED.RANDOM,
  });
  return {
    backend: "wasm",
    machine,
    workload: workload(),
    seed,
    ops: 20000,
    checkInterval: 5000,
    checker: checkInvariants,
    ...over,
  };
}

describe("bulk run determinism", () => {
  it("same seed twice in one engine gives identical stats and state hash", async () => {
    const e = Engine.wasm();
    const a = await runBulk(await options({ engine: e }));
    const b = await runBulk(await options({ engine: e }));
    expect(a.outcome).toBe(b.outcome);
    expect(b.stats).toEqual(a.stats);
    expect(b.stateHash).toBe(a.stateHash);
    expect(b.steps).toBe(a.steps);
  });

  it("same seed in two separate engines gives identical results", async () => {
    const a = await runBulk(await options({ engine: Engine.wasm() }));
    const b = await runBulk(await options({ engine: Engine.wasm() }));
    expect(b.stats).toEqual(a.stats);
    expect(b.stateHash).toBe(a.stateHash);
  });

  it("the Wasm and JS backends agree bit for bit", async () => {
    const w = await runBulk(await options({ backend: "wasm" }));
    const j = await runBulk(await options({ backend: "js", engine: await Engine.js() }));
    expect(j.backend).toBe("js");
    expect(w.backend).toBe("wasm");
    expect(j.stats).toEqual(w.stats);
    expect(j.stateHash).toBe(w.stateHash);
  });

  it("a different seed gives a different execution", async () => {
    const a = await runBulk(await options({}, 7));
    const b = await runBulk(await options({}, 8));
    expect(b.stateHash).not.toBe(a.stateHash);
  });
});

// Reads only, plenty of frames: the zero page everywhere, so the model's own checks stay quiet
// while these tests look at bulk mode's plumbing.
const quiet = workload({ writeRatio: 0, forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0 });

describe("bulk run accounting", () => {
  it("refuses a workload that does not fit the machine with a UsageError", async () => {
    await expect(runBulk(await options({ workload: workload({ mms: sizes.mms + 1 }) }))).rejects.toThrow(UsageError);
    await expect(runBulk(await options({ workload: workload({ forkRate: 0.7, exitRate: 0.7 }) }))).rejects.toThrow(/add up to/);
  });

  it("the model generates the ops: each CPU runs its share, no host refill", async () => {
    const e = Engine.wasm();
    const r = await runBulk(await options({ engine: e, ops: 3 * 7000 + 1, workload: quiet }));
    expect(r.outcome).toBe("done");
    expect([0, 1, 2].map((c) => e.agentWord(c, AG.OPS_DONE))).toEqual([7001, 7000, 7000]);
  });

  it("runs exactly the requested ops, shared across the CPUs, and reports rates", async () => {
    const r = await runBulk(await options({ ops: 12345 }));
    if (r.outcome === "done") expect(r.ops).toBe(12345);
    else expect(r.ops).toBeLessThanOrEqual(12345);
    expect(r.steps).toBeGreaterThanOrEqual(r.ops);
    expect(r.faults).toBe(r.stats.minorFaults + r.stats.majorFaults);
    expect(r.accesses).toBe(r.stats.accesses);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.rates.opsPerSec).toBeCloseTo(r.ops / r.seconds, 0);
    expect(r.pressure.pages).toBe(sizes.mms * sizes.pagesPerMm); // threads: every mm
    expect(r.pressure.frames).toBe(sizes.frames - 1);
  });

  it("deep-checks every checkInterval steps while running and once, quiescent, at the end", async () => {
    const calls: { quiescent: boolean; step: number }[] = [];
    const checker: Checker = (e, { quiescent }) => {
      calls.push({ quiescent, step: e.global(G.STEP) });
      return [];
    };
    const r = await runBulk(await options({ checker, checkInterval: 3000, workload: quiet }));
    expect(r.outcome).toBe("done");
    expect(calls.length).toBe(Math.ceil(r.steps / 3000));
    expect(r.checks).toBe(calls.length);
    expect(calls.at(-1)!.quiescent).toBe(true);
    for (const [i, c] of calls.slice(0, -1).entries()) {
      expect(c.quiescent).toBe(false);
      expect(c.step).toBe(3000 * (i + 1)); // on the exact step, whatever the chunking
    }
  });

  it("asks the checker for touched checks, or with fullCheck for whole ones", async () => {
    for (const fullCheck of [false, true]) {
      const asked: string[] = [];
      const checker: Checker = (_e, o) => {
        asked.push(`${o.quiescent ? "rest" : "running"} ${o.touched ? "touched" : "whole"}`);
        return [];
      };
      await runBulk(await options({ checker, checkInterval: 3000, workload: quiet, fullCheck }));
      const how = fullCheck ? "whole" : "touched";
      expect(asked.length).toBeGreaterThan(2);
      expect(asked).toEqual([...asked.slice(0, -1).map(() => `running ${how}`), `rest ${how}`]);
    }
  });

  it("stops at a deep-checker violation the checks after its ops have ended find again, reported at the step it was first seen", async () => {
    let n = 0;
    const bad = { id: "swapcache-unique", signature: "swapcache-unique@E0:5", message: "two pages for E0:5" };
    const checker: Checker = () => (++n >= 2 ? [bad] : []);
    const r = await runBulk(await options({ checker, checkInterval: 1000, workload: quiet }));
    expect(r.outcome).toBe("violation");
    expect(r.violations).toEqual([{ source: "checker", invariant: bad.id, signature: bad.signature, message: bad.message, step: 2000 }]);
    // Seen first, then at two checks each after every op open at the sighting before ended.
    expect(n).toBeGreaterThanOrEqual(4);
    expect(r.ops).toBeLessThan(20000);
  });

  it("a violation one check mid-run sees and the next does not (a window an op had open) is not reported", async () => {
    let n = 0;
    const bad = { id: "swap-count", signature: "swap-count", message: "swap_map[E0:5] = 1 but 2 ptes hold it" };
    const checker: Checker = () => (++n === 2 ? [bad] : []);
    const r = await runBulk(await options({ checker, checkInterval: 1000, workload: quiet }));
    expect(n).toBeGreaterThan(3);
    expect(r.outcome).toBe("done");
    expect(r.violations).toEqual([]);
  });

  it("linux-2.4.0 mid-run: the windows its unlocked paths leave open are seen and not reported", async () => {
    // 2.4.0's add_to_swap_cache sets PG_swapcache before it hashes the page, and its
    // do_swap_page frees the slot before it sets the pte, neither under a lock the checker
    // can see held: a check between those sections finds a broken state that the path
    // mends a few steps on. Each such finding is gone at the next check.
    const m = resolveModel("linux-2.4.0", [], []);
    const o = await options(
      { ops: 3000, checkInterval: 97, workload: workload({ forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0 }) },
      7,
    );
    o.machine.flags = m.flags;
    o.machine.flags2 = m.flags2;
    const seen: string[] = [];
    const checker: Checker = (e, c) => {
      const v = checkInvariants(e, c);
      if (!c.quiescent && v.length > 0) seen.push(v[0].message);
      return v;
    };
    const r = await runBulk({ ...o, checker });
    expect(seen.length).toBeGreaterThan(0);
    expect(r.outcome).toBe("done");
    expect(r.violations).toEqual([]);
  }, 60_000);

  it("reports an in-model violation (G.VIOL) with its invariant name", async () => {
    const o = await options();
    const e = Engine.wasm();
    // Plant a BUG_ON record right after reset: the run loop must stop at its first step and
    // the result must name the invariant.
    const reset = e.reset.bind(e);
    e.reset = () => {
      reset();
      e.I32[(e.region(R.GLOBALS) >> 2) + G.VIOL] = VIOLATION_IDS.indexOf("bug-on");
    };
    const r = await runBulk({ ...o, engine: e, checker: undefined });
    expect(r.outcome).toBe("violation");
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0].source).toBe("model");
    expect(r.violations[0].invariant).toBe("bug-on");
    expect(r.steps).toBe(1);
  });

  it("reports a livelock when no op completes for livelockSteps steps", async () => {
    // Checking after every step makes every run() call one step long, so the watchdog sees
    // each step; a write fault takes more than 3 sections, so 3 steps without an op ending come.
    const r = await runBulk(
      await options({ checker: () => [], checkInterval: 1, livelockSteps: 3, workload: workload({ writeRatio: 1 }) }),
    );
    expect(r.outcome).toBe("violation");
    const v = r.violations[0];
    expect(v.source).toBe("watchdog");
    expect(v.invariant).toBe("livelock");
    expect(v.message).toMatch(/no operation completed in the last 3 steps/);
    const calm = await runBulk(await options({ checker: () => [], workload: quiet }));
    expect(calm.violations.filter((x) => x.source === "watchdog")).toEqual([]);
  });

  it("turns a model trap into an InternalError naming the step", async () => {
    const e = Engine.wasm();
    const o = await options({ engine: e });
    // The first chunk traps, as the model does on an out-of-bounds access or `unreachable`.
    e.run = () => {
      throw new WebAssembly.RuntimeError("unreachable");
    };
    const err = await runBulk(o).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as Error).message).toMatch(/trapped after step 0: unreachable/);
  });
});

describe("bulk machine sizing", () => {
  const rest = { flags: 0, flags2: 0, kswapd: true, seed: 1, sched: SCHED.RANDOM };
  it.each([
    ["negative frames", { frames: -1 }],
    ["zero cpus", { cpus: 0 }],
    ["fractional pages", { pagesPerMm: 1.5 }],
    ["too many cpus", { cpus: 9 }],
    ["too many mms", { mms: 65 }],
    ["too many pages", { pagesPerMm: 65537 }],
    ["frames below the watermarks", { frames: 16, cpus: 8 }],
    ["more than 4 GiB", { slotsPerArea: 1 << 24, areas: 32 }],
    ["between 2 and 4 GiB (the model's i32 bump pointer)", { slotsPerArea: 16000000, areas: 16 }],
  ])("refuses %s with a UsageError", (_name, over) => {
    expect(() => bulkMachineConfig({ ...sizes, ...over }, rest)).toThrow(UsageError);
  });

  it("boots page_cluster from the memory size as 2.4's swap_setup: 2 below 16 MB, else 3", () => {
    // 4 KiB frames: 16 MB is 4096 of them (mm/swap.c swap_setup, megs = num_physpages >> 8).
    expect([16, 1024, 2048, 4095].map(bootPageCluster)).toEqual([2, 2, 2, 2]);
    expect([4096, 4608, 1 << 20].map(bootPageCluster)).toEqual([3, 3, 3]);
    expect(bulkMachineConfig({ ...sizes, frames: 1024 }, rest).pageCluster).toBe(2);
    expect(bulkMachineConfig({ ...sizes, frames: 5000, slotsPerArea: 7000 }, rest).pageCluster).toBe(3);
  });

  it("boots the watermarks as 2.4.16's free_area_init_core: pages_min a 128th of the frames, 20 to 255", () => {
    expect([320, 1024, 2560, 4096, 32640, 1 << 20].map(bootPagesMin)).toEqual([20, 20, 20, 32, 255, 255]);
    // Below 320 frames (no 2.4 booted on so little) the floor is a sixteenth of the frames, at least 2.
    expect([16, 48, 160, 319].map(bootPagesMin)).toEqual([2, 3, 10, 19]);
    const c = bulkMachineConfig({ ...sizes, frames: 1024 }, rest);
    // The model's words are the thresholds, one above pages_min 20, pages_low 40, pages_high 60.
    expect([c.freeMin, c.freeLow, c.freeHigh]).toEqual([21, 41, 61]);
  });

  // 2.4.16 mm/page_alloc.c __alloc_pages: "min = 1UL << order; ... min += z->pages_low; if
  // (z->free_pages > min) { page = rmqueue(z, order); ...}", else need_balance and kswapd's wake.
  it("wakes kswapd as 2.4.16's __alloc_pages does: at pages_low + 1 free pages, not above", () => {
    const c = bulkMachineConfig({ ...sizes, frames: 1024 }, rest);
    const pagesLow = 2 * bootPagesMin(1024);
    for (const [free, woken] of [
      [pagesLow + 1, 1],
      [pagesLow + 2, 0],
    ]) {
      const e = Engine.wasm();
      e.configure({ ...c, sched: SCHED.RTC });
      e.reset();
      // Hide all but `free` frames from the allocator (the frames above stay unused).
      e.I32[(e.region(R.GLOBALS) >> 2) + G.NR_FREE] = free;
      e.m.start_proc(0, P.alloc_page, 0, 0, 0, 0);
      e.run(1);
      expect(e.global(G.KSWAPD_WAKE), `${free} free`).toBe(woken);
    }
  });

  it("estimates at least what the model's layout really uses", () => {
    const c = bulkMachineConfig({ ...sizes, frames: 5000, pagesPerMm: 3000, slotsPerArea: 7000 }, rest);
    const e = Engine.wasm();
    e.configure(c);
    const used = e.region(R.END);
    expect(estimateBytes(c)).toBeGreaterThanOrEqual(used);
    expect(estimateBytes(c)).toBeLessThan(used * 1.1 + 128 * 1024);
  });
});
