// The hunter on linux-2.4.0 finds Marcelo's 14 Sep race ("has been there forever"): kswapd's
// try_to_swap_out gets E from get_swap_page; a CPU's swapin readahead counts E in use
// (valid_swaphandles) and swap_duplicate(E)s it; both add a page for E. No slot is freed.
//
// On the faithful 2.4.0 (issue 14) valid_swaphandles starts each window at its aligned slot,
// the header slot 0 included, and stops there: only windows clear of slot 0 read ahead. The
// hunt machine's 2-slot windows ({0,1}, {2,3}, {4}) leave one such window of two usable
// slots; its three threads give the reader, the swapper's victim and a third fault (2.4.0's
// exclusive mmap_sem keeps the threads' faults apart, so kswapd is the swapper). The PCT
// hunt (depth 4, 5 ops per CPU) on this machine, the default one when this test was written
// (linux-2.4.0's hunt defaults have moved since), finds it: measured seeds 1-10 at executions
// 25,049-244,892 (median 64K, mean 90K) since 2.4.0's __alloc_pages lets the BKL go
// (schedule()) before its PAGES_MIN try (flag alloc-wait-kswapd, 6 Dec 2026); 4,207-152,579
// (median 45K) since 2.4.0 has its own swap_out (flag swap-cnt, 5 Dec 2026: the mm with the
// largest swap_cnt, walked alone, swap_cnt spent per present page); 643-204,744 (median 57K)
// when measured on 2 Dec 2026. CLI: faultsim hunt --model linux-2.4.0 --slots 5
// --pages 4 --threads --mms 1 --ops 5 --seed N --executions 1000000 --budget-ms 600000
// --shrink-ms 0
//
// The route classifier (src/explore/route.ts) reads the replayed trace of a finding; it is
// checked here against directed runs of all four of the seed mail's routes (test/races/rig.ts)
// so that "14 Sep" is a verdict it can withhold.
import { addersOf, huntRoutes, type HuntAndRoute } from "../helpers/hunt-routes.js";
import { describe, it, expect, beforeAll } from "vitest";
import { resolveModel } from "../../src/model/models.js";
import { HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import type { ReproMachine } from "../../src/report/repro.js";
import { classifyRoute, callStacks, type RouteVerdict } from "../../src/explore/route.js";
import { readTrace, type TraceRecord } from "../../src/report/trace.js";
import { P, PROC_NAMES, OP, makeOp } from "../../src/wasm/abi.js";
import { rig, EV, LINUX_2_4_0, LINUX_2_4_10 } from "../races/rig.js";

const model = resolveModel("linux-2.4.0");
/** The hunt machine (src/explore/machine.ts), written out so a change of the hunt's defaults
 *  does not move this test's machine. */
const machine: ReproMachine = {
  cpus: 3,
  frames: 6,
  mms: 1,
  pagesPerMm: 4,
  areas: 1,
  slotsPerArea: 5,
  kswapd: true,
  pageCluster: 1,
  freeMin: 1,
  freeLow: 4,
  freeHigh: 5,
  swapCluster: 2,
  areaPrioEqual: false,
};
/** Measured (faithful models, Wasm, __alloc_pages' BKL drop: 6 Dec 2026): seeds 1-3 first find
 *  at executions 25,049 / 144,106 / 42,964 (campaign hashes c3b16ef9, 6d4c9f25, 20ed6d96;
 *  7,856 / 32,679 / 4,207 with swap-cnt on 5 Dec 2026, 7,856 / 169,894 / 204,744 on 2 Dec
 *  2026). The bound leaves room for model changes that move these numbers (at a mean of 90K,
 *  seeds 1-10's, a seed misses 1M executions with probability e^-11; at 51K, the mean on 5
 *  Dec, e^-19). */
const SEEDS = [1, 2, 3];
const MAX_EXECUTIONS = 1_000_000;
const opts = {
  ...HUNT_DEFAULTS,
  model,
  machine,
  sched: "pct" as const,
  depth: 4,
  shareMm: true,
  opsPerCpu: 5, // the executions measured above
  executions: MAX_EXECUTIONS,
  budgetMs: 60_000, // the execution bound decides; the clock only guards
  // No shrinking: the repro is the execution as hunted, the same on every run. (A budget of
  // 0 ms still tries candidates until the clock ticks, and the shrinker's first candidate,
  // a CPU with no ops, can pass on a replayer that ran the full ops before: an empty op list
  // leaves the CPU running its buffer's old ops.)
  shrinkMs: -1,
};

let results: Map<number, HuntAndRoute>;
beforeAll(async () => {
  results = await huntRoutes(opts, SEEDS);
}, 120_000);

describe("hunt --model linux-2.4.0 --slots 5 --pages 4 --threads --mms 1 --ops 5 (PCT, the hunt machine of 2 Dec 2026)", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: finds swapcache-unique within ${MAX_EXECUTIONS.toLocaleString("en-US")} executions, by the 14 Sep route`, () => {
      const { hunt: r, replay } = results.get(seed)!;
      expect(r.findings.map((f) => f.signature)).toEqual(["swapcache-unique@add_to_swap_cache"]);
      const f = r.findings[0];
      expect(r.executions).toBe(f.execution + 1); // stopped at its first finding
      expect(f.shrunk).toEqual(f.original);
      expect(f.repro.model).toBe("linux-2.4.0");
      expect(f.repro.machine).toMatchObject({ cpus: 3, pageCluster: 1 });
      // A fresh machine replays the repro into the same duplicate, and its trace tells the
      // 14 Sep story.
      expect(replay.reproduced).toBe(true);
      const v = replay.route!;
      expect(v.route, v.why).toBe("14 Sep");
      expectFourteenSep(v);
    });
  }
});

/** The 14 Sep facts, beyond the label: who added, in what order E was handed out and counted. */
function expectFourteenSep(v: RouteVerdict) {
  const { swapper, reader } = addersOf(v); // each expected to be there
  expect(swapper.agent).not.toBe(reader.agent);
  expect(reader.callers).toContain("swapin_readahead");
  expect(v.handedOut!.agent).toBe(swapper.agent);
  expect(v.counted!.agent).toBe(reader.agent);
  expect(v.handedOut!.step).toBeLessThan(v.counted!.step); // get_swap_page → E, then counted in use
  expect(v.entry - v.counted!.from).toBeLessThan(v.counted!.slots); // E inside the counted run
  expect(v.freed).toBeUndefined();
}

// ---- the classifier on the seed mail's four routes, driven by hand ----------------------

/** Classifies the directed machine's trace so far. */
const routeOf = (e: { e: Parameters<typeof readTrace>[0] }) => classifyRoute(readTrace(e.e));

describe("classifyRoute tells the seed mail's routes apart", () => {
  it("14 Sep (linux-2.4.0): get_swap_page → E, readahead counts E, two adds, nothing freed", () => {
    const B = 0,
      A = 1;
    // page_cluster 2 and X at E0:4: a window clear of the header slot 0, which 2.4.0's
    // valid_swaphandles does not skip (its scan stops there at once).
    const r = rig(LINUX_2_4_0, { cpus: 2, pageCluster: 2 });
    r.swapOut(3, [0, 1, 2]);
    const [X] = r.swapOut(0, [1]);
    r.victim(2, 0);
    r.start(B, P.swap_out_mm, [2, 1]);
    r.start(A, P.access, [0, 1, 0]);
    const E = r.until(B, EV.TSO_GET_SWAP).c;
    r.until(A, EV.VALID_HANDLES);
    r.until(A, EV.LOOKUP_MISS, { a: E });
    r.until(A, EV.LOOKUP_MISS, { a: E });
    r.until(B, EV.ADD, { b: E });
    expect(r.d.step(B)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    r.d.drain(A);
    expect(r.d.violation()).toBe("swapcache-unique");
    const v = routeOf(r)!;
    expect(v.route, v.why).toBe("14 Sep");
    expect(v.entry).toBe(E);
    expect(v.counted!.from).toBe(X);
    expect(v.first).toMatchObject({ agent: B, callers: ["swap_out_mm", "try_to_swap_out"] });
    expect(v.second.agent).toBe(A);
    expect(v.second.callers).toEqual(["access", "handle_mm_fault", "do_swap_page", "swapin_readahead", "read_swap_cache_async"]);
    expectFourteenSep(v);
  });

  it("11 Sep (linux-2.4.10-pre): valid_swaphandles counts E, its last user frees it, get_swap_page hands it out again", () => {
    const A = 0,
      C = 1,
      B = 2;
    const r = rig(LINUX_2_4_10, { pageCluster: 2 }); // E0:4..E0:7: clear of the header slot
    r.swapOut(3, [0, 1, 2]);
    const [E] = r.swapOut(1, [1]);
    r.swapOut(0, [2]);
    r.swapOut(3, [3, 4]);
    r.victim(2, 0);
    r.start(A, P.access, [0, 2, 0]);
    r.start(C, P.do_munmap, [1, 1, 1]);
    r.start(B, P.swap_out_mm, [2, 1]);
    r.until(A, EV.VALID_HANDLES);
    r.d.drain(C);
    r.until(A, EV.LOOKUP_MISS, { a: E });
    r.until(A, EV.LOOKUP_MISS, { a: E });
    r.until(B, EV.TSO_GET_SWAP);
    r.until(A, EV.ADD, { b: E });
    expect(r.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    r.d.drain(B);
    const v = routeOf(r)!;
    expect(v.route, v.why).toBe("11 Sep");
    expect(v.entry).toBe(E);
    expect(v.freed).toMatchObject({ agent: C });
    expect(v.freed!.callers).toContain("do_munmap");
    expect(v.counted!.step).toBeLessThan(v.freed!.step);
    expect(v.freed!.step).toBeLessThan(v.handedOut!.step);
  });

  it("vm_swap_full (linux-2.4.10-pre, the seed mail): another thread's do_swap_page deletes E's page and frees E", () => {
    const A = 0,
      T = 1,
      B = 2;
    const r = rig(LINUX_2_4_10);
    const [E] = r.swapOut(0, [1]);
    r.swapOut(3, [0, 1, 2, 3, 4, 5]);
    r.victim(1, 0);
    r.start(A, P.access, [0, 1, 0]);
    r.start(T, P.access, [0, 1, 0]);
    r.start(B, P.swap_out_mm, [1, 1]);
    r.until(A, EV.SWAP_MISS);
    r.untilIO(T, EV.READ);
    r.until(A, EV.ALLOC);
    r.until(B, EV.TSO_GET_SWAP);
    r.until(A, EV.ADD, { b: E });
    expect(r.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    r.d.drain(B);
    const v = routeOf(r)!;
    expect(v.route, v.why).toBe("vm_swap_full");
    expect(v.freed).toMatchObject({ agent: T });
    expect(v.freed!.callers).toContain("do_swap_page");
    // The reader wanted E itself (no readahead of it): a bare read_swap_cache_async.
    const reader = [v.first, v.second].find((a) => a.agent === A)!;
    expect(reader.callers.at(-1)).toBe("read_swap_cache_async");
    expect(reader.callers).not.toContain("swapin_readahead");
  });

  it("vm_swap_full when E is freed between the reader's pte read and its cache miss: the reader wanted E from its pte read", () => {
    const A = 0,
      T = 1,
      B = 2;
    const r = rig(LINUX_2_4_10);
    const [E] = r.swapOut(0, [1]);
    r.swapOut(3, [0, 1, 2, 3, 4, 5]);
    r.victim(1, 0);
    r.start(A, P.access, [0, 1, 0]);
    r.start(T, P.access, [0, 1, 0]);
    r.start(B, P.swap_out_mm, [1, 1]);
    r.until(A, EV.FAULT); // A read the swap pte of E under the page-table lock
    r.d.step(A); // do_swap_page drops it; the lookup has not run yet
    r.untilIO(T, EV.READ); // T faults on the same pte, maps E's page, deletes it, frees E
    const missed = r.until(A, EV.SWAP_MISS);
    expect(missed.a).toBe(E);
    r.until(A, EV.ALLOC);
    r.until(B, EV.TSO_GET_SWAP);
    r.until(A, EV.ADD, { b: E });
    expect(r.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    r.d.drain(B);
    expect(r.d.violation()).toBe("swapcache-unique");
    const v = routeOf(r)!;
    expect(v.route, v.why).toBe("vm_swap_full");
    expect(v.freed).toMatchObject({ agent: T });
    expect(v.freed!.step).toBeLessThan(missed.step); // the free came after the pte read, before the miss
  });

  it("swapoff (linux-2.4.10-pre): try_to_unuse frees E, swapon makes it allocatable, get_swap_page hands it out again", () => {
    const A = 0,
      S = 1,
      B = 2;
    const r = rig(LINUX_2_4_10);
    const [E] = r.swapOut(0, [1]);
    r.victim(2, 0);
    r.start(A, P.access, [0, 1, 0]);
    r.ops(S, [makeOp(OP.SWAPOFF, 0, 0, 0), makeOp(OP.SWAPON, 0, 0, 0)]);
    r.start(B, P.swap_out_mm, [2, 1]);
    r.until(A, EV.SWAP_MISS);
    r.untilIO(S, EV.SWAPON);
    r.until(B, EV.TSO_GET_SWAP);
    r.until(A, EV.ADD, { b: E });
    expect(r.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    r.d.drain(B);
    const v = routeOf(r)!;
    expect(v.route, v.why).toBe("swapoff");
    expect(v.freed).toMatchObject({ agent: S });
    expect(v.freed!.callers).toContain("try_to_unuse");
    // E0:1's readahead window starts at the header slot 0, where 2.4.10-pre9's scan stops:
    // nothing counted; A wants E through its bare read_swap_cache_async, and E was freed
    // while A already wanted it.
    expect(v.counted).toBeUndefined();
  });

  it("a trace without a duplicate has no route", () => {
    const r = rig(LINUX_2_4_0, { cpus: 2 });
    r.swapOut(0, [1]);
    expect(routeOf(r)).toBeUndefined();
  });
});

describe("callStacks", () => {
  it("rebuilds callers from sections alone: calls at section 0, returns to a procedure on the stack, ops on an empty stack", () => {
    const rec = (step: number, agent: number, proc: string, pc: number, event = 1): TraceRecord => ({
      step,
      agent,
      proc: PROC_NAMES.indexOf(proc as never),
      pc,
      event,
      a: 0,
      b: 0,
      c: 0,
    });
    const OP_START = 2,
      OP_END = 3;
    const trace = [
      rec(0, 0, "access", 0, OP_START),
      rec(1, 0, "handle_mm_fault", 0),
      rec(2, 1, "kswapd", 0),
      rec(3, 0, "do_swap_page", 0),
      rec(4, 0, "do_swap_page", 2), // a later section: still do_swap_page
      rec(5, 0, "swapin_readahead", 0),
      rec(6, 0, "read_swap_cache_async", 0),
      rec(7, 0, "swapin_readahead", 2), // read_swap_cache_async returned
      rec(8, 0, "read_swap_cache_async", 0), // and is called again
      rec(9, 0, "handle_mm_fault", 2), // everything below the fault returned
      rec(10, 0, "access", 1, OP_END),
      rec(11, 0, "access", 0, OP_START), // the next op starts afresh
    ];
    const names = callStacks(trace).map((s) => s.map((p) => PROC_NAMES[p]).join(">"));
    expect(names).toEqual([
      "access",
      "access>handle_mm_fault",
      "kswapd",
      "access>handle_mm_fault>do_swap_page",
      "access>handle_mm_fault>do_swap_page",
      "access>handle_mm_fault>do_swap_page>swapin_readahead",
      "access>handle_mm_fault>do_swap_page>swapin_readahead>read_swap_cache_async",
      "access>handle_mm_fault>do_swap_page>swapin_readahead",
      "access>handle_mm_fault>do_swap_page>swapin_readahead>read_swap_cache_async",
      "access>handle_mm_fault",
      "access",
      "access",
    ]);
  });
});
