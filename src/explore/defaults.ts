// The hunt's defaults (`faultsim hunt` and hunt()), in a module of their own that loads
// nothing: the command line states them in its help without loading the hunt (cold start).
import type { Backend } from "../wasm/engine.js";

/** The hunt's schedulers (--sched; `exhaustive`, the bounded proof, is src/explore/exhaustive-cli.ts). */
export type SchedKind = "pct" | "random";

/** The model `faultsim hunt` hunts unless told (the seed race is there). */
export const HUNT_DEFAULT_MODEL = "linux-2.4.10-pre";

/**
 * Ops per CPU in an execution, by scheduler (`--ops` overrides): enough for a page to be
 * written, swapped out, dropped from the cache and faulted back; few enough that PCT's k
 * (decisions per execution) stays small, as its bound falls as k^(d-1). Measured on the
 * faithful models and the hunt machine (3 CPUs, page_cluster 1, pages_min 1), 10 hunt seeds
 * each, hunting CPU ms to the first duplicate on linux-2.4.10-pre, median / p95
 * (`node shape-style runs, see bench/hunt-figures.ts first`):
 *   pct depth 4: 4 ops 134 / 271, 5 ops 47 / 327 (all by the 14 Sep route)
 *   random walk (before its ranked handoff; with it, 6 ops 28 / 75, 2,776 executions median):
 *                5 ops 36 / 154, 6 ops 12 / 81, 8 ops 10 / 85 (20 seeds; mostly Hugh's
 *                vm_swap_full route and its readahead variant, route.ts). Uniform random, before the walk: 5 ops 123 / 183,
 *                6 ops 41 / 86, 8 ops 27 / 84.
 */
export const HUNT_OPS_PER_CPU: Readonly<Record<SchedKind, number>> = { pct: 5, random: 6 };

export const HUNT_DEFAULTS = {
  // PCT, with its bound. The seed's duplicate needs about three ordered preemptions (e.g. the
  // faulting CPU stopped after it read the swap pte, so the disk and kswapd drop the old
  // page from the cache first; kswapd stopped between get_swap_page and add_to_swap_cache
  // while the CPU's readahead reads that entry into a page of its own). Measured on
  // linux-2.4.10-pre with this machine and workload, duplicates per 100K executions (300K
  // each): PCT depth 1 and 2: none; depth 3: 7; depth 4: 18; depth 5: 19; uniform random:
  // 50 (but PCT's executions are longer: kswapd ranks above the CPUs). Depth 4: the first
  // duplicate in ~30 ms (median), and a bound one can still state.
  sched: "pct" as SchedKind,
  depth: 4,
  seed: 1,
  budgetMs: 10_000,
  executions: Number.POSITIVE_INFINITY,
  // The default scheduler's (HUNT_OPS_PER_CPU).
  opsPerCpu: HUNT_OPS_PER_CPU.pct,
  shareMm: true,
  writeRatio: 0.5,
  keepGoing: false,
  backend: "wasm" as Backend,
  shrinkMs: 5_000,
};

/** What one model's hunt changes in the default hunt machine and op count (everything else is
 *  HUNT_MACHINE's and HUNT_OPS_PER_CPU's); `--slots`, `--threads` / `--no-threads` and `--ops`
 *  override it. Each change is one the real kernel allows: more swap slots, processes
 *  instead of threads, fewer ops. */
export interface HuntModelDefaults {
  /** Swap slots of the area, slot 0 the header. */
  readonly slots?: number;
  /** CPUs are threads of one mm (true) or each its own process with its own mm (false). */
  readonly threads?: boolean;
  /** Ops per CPU, by scheduler. */
  readonly ops?: Partial<Readonly<Record<SchedKind, number>>>;
  /** Virtual pages per mm the ops touch, by scheduler. */
  readonly pages?: Partial<Readonly<Record<SchedKind, number>>>;
  /** Processes (threads false) with fewer mms than CPUs, by scheduler: CPU c runs in mm
   *  c % mms, so some CPUs are threads of one process (at most one mm per CPU). */
  readonly mms?: Partial<Readonly<Record<SchedKind, number>>>;
}

/**
 * linux-2.4.0: its faults hold mmap_sem exclusively (flag fault-mmap-sem), so threads of one
 * mm fault one at a time and only one CPU at a time can be the 14 Sep route's reader; and its
 * allocations leave reclaim to kswapd (alloc-wait-kswapd), the route's only swapper. One
 * process per CPU lets the CPUs fault side by side; 9 slots give them each swap space (four
 * 2-slot readahead windows clear of the header: 2-3, 4-5, 6-7, 8); 4 ops keep PCT's k small.
 * Measured (hunting CPU ms to the first 14 Sep duplicate, PCT depth 4, median / p95): threads,
 * 5 slots, 5 ops 554 / 3582 (8 seeds); processes, 9 slots, 5 ops 255 / 318 (8 seeds);
 * processes, 9 slots, 4 ops 97 / 762 (20 seeds). Uniform random found the route on none of
 * these machines (docs/design.md, "Why uniform random missed 2.4.0's 14 Sep race, and the random walk"); the random
 * walk (assembly/kernel/sched.ts walk_setup) does. Before its ranked handoff (uniform handoffs,
 * a quarter of the executions in agent levels) it did best with 8 ops over 3 pages per process
 * (20 seeds, CPU ms median / p95, bench/hunt-figures.ts first): 4 pages, 8 ops 311 / 1233
 * (one seed missed 10 s); 3 pages, 8 ops 201 / 703. Its duplicates per 100K executions
 * (hits, 300K each): 4 pages 6 ops 3.3, 8 ops 5.3; 3 pages 6 ops 3.3, 8 ops 10, 10 ops 9.7;
 * 2 pages or 5 or 7 frames 2-3.3; with 3 pages and 8 ops, --write-ratio 0.3, 0.75 and 1 2,
 * 8 and 7 against 0.5's 10. PCT keeps 4 pages: with 3, 116 / 563 against 93 / 399.
 * The walk with its ranked handoff (sched.ts walk_setup) and 2 mms for the 3 CPUs (CPU 0 and
 * 2 threads of one process), 20 seeds: 7 ops 62 / 319 (executions 4,036 / 24,072, against
 * the old walk's 194 / 728, 9,093 / 37,456, on the old machine in the same run); 8 ops 67 /
 * 398 (4,622 / 20,253), 6 ops 83 / 260 (7,431 / 24,856); on 3 processes, 8 ops, 155 / 751.
 * The old walk on 2 mms, 8 ops: 120 / 744. Duplicates per CPU-second (hits, 300K executions,
 * hunt seed 2): 6 ops 9.2, 7 ops 8.7, 8 ops 7.7; seed 1: 7 ops 8.9. Why the route is rare,
 * counted over
 * 100K executions of the old walk on 3 processes: a reader counted kswapd's fresh entry in 92;
 * it added its page for the entry first in 5; kswapd added first in 44 while the reader could
 * still run (the walk's doing), in 33 while the reader slept on
 * kswapd_done (its readahead's alloc_page at pages_min), in 10 asleep on a page or the BKL.
 * Other shapes, old walk, duplicates per CPU-second (hits, 200-300K executions; 3 processes
 * 4.5-5.1): 2 CPUs 5.2-7.3 (6, 7, 9, 10, 12 ops 5-6; 7 frames 4.0; 2 pages 5.8), 2 mms 5.4-6.5,
 * 4 CPUs 2-4.3, page_cluster 2 3.4 (0: none), swap_cluster 1 or 4 4.5.
 * PCT on 2 mms (CPU ms median / p95, 20 seeds): 4 ops 49 / 265 (executions 5,126 / 28,447,
 * against 9,063 / 38,979 on 3 processes: 50 / 295 against 92 / 382 alternating in one run);
 * 5 ops 45 / 196; with 3 pages 28 / 160 (2,752 / 15,852), but a hunt with swapoff in the mix
 * (test/races/oom-misreport.test.ts) then meets free-slot@swap_free before its oom-misreport,
 * so PCT keeps 4 pages.
 * The random walk's machine swept again after pcl-lru (4 Dec 2026, bench/sweep-240-random.sh:
 * hunting CPU ms to the first 14 Sep duplicate, median / p95, and executions, the machines
 * alternated seed by seed in one process, docs/performance.md has the tables). Its 7 ops over
 * 3 pages measured 90-97 / 350-450 ms on seeds 1-20 (5,765 / 22,625 executions), but 51-57 /
 * 207-239 on seeds 1-100, 21-120 and 101-300: seeds 1-20 are unlucky for it. 2 pages and 6
 * ops: seeds 1-20 24-34 / 177-186 (2,649 / 19,712), seeds 21-120 34 / 128, seeds 101-300
 * 36 / 124, 0.61-0.70 of the 7-op machine's median wherever measured: executions to the route
 * about the same, each execution some 40% cheaper (fewer ops, and faults on 2 pages whose
 * frames are already in). 4 CPUs (in the 2 mms), 2 pages, 5 ops did a little better still
 * (0.52-0.55, seeds 1-20 28 / 136) but would make the CPU count a per-model default; 3 mms,
 * 7 or 8 frames, 5 frames, no kswapd, page_cluster 2, --ops 5 with 2 pages, and threads with
 * 2 pages did worse; with 7, 13 or 17 slots the 7-op machine found it at the same
 * executions as with 9 (5 slots: later); threads (1 mm) with 6 ops did about as well as 2
 * pages (0.61-0.73).
 */
export const HUNT_MODEL_DEFAULTS: Readonly<Record<string, HuntModelDefaults>> = {
  "linux-2.4.0": {
    threads: false,
    slots: 9,
    mms: { pct: 2, random: 2 },
    pages: { random: 2 },
    ops: { pct: 4, random: 6 },
  },
};

/** The ops per CPU a hunt of `model` with `sched` runs unless told. */
export function huntOpsPerCpu(model: string, sched: SchedKind): number {
  return HUNT_MODEL_DEFAULTS[model]?.ops?.[sched] ?? HUNT_OPS_PER_CPU[sched];
}

/** The pages per mm a hunt of `model` with `sched` touches unless told; undefined: the hunt
 *  machine's (HUNT_MACHINE). */
export function huntPages(model: string, sched: SchedKind): number | undefined {
  return HUNT_MODEL_DEFAULTS[model]?.pages?.[sched];
}

/** The mms a hunt of `model` with `sched` on `cpus` CPUs runs as processes unless told: the
 *  model's own count (at most one per CPU), else one per CPU. */
export function huntProcessMms(model: string, sched: SchedKind, cpus: number): number {
  return Math.min(HUNT_MODEL_DEFAULTS[model]?.mms?.[sched] ?? cpus, cpus);
}

/** Whether a hunt of `model`'s CPUs are threads of one mm unless told. */
export function huntThreads(model: string): boolean {
  return HUNT_MODEL_DEFAULTS[model]?.threads ?? true;
}

/**
 * The hunt machine without kswapd (`hunt --no-kswapd`), where each option not given takes
 * these: only the CPUs' direct reclaim (alloc_page → try_to_free_pages → swap_out) swaps, so
 * the seed race's swapper is a faulting CPU in try_to_swap_out while another CPU's
 * swapin_readahead counts its new entry. Processes, not threads of one mm: likely because the
 * reader's read-ahead allocation, at pages_min too, goes into direct reclaim of its own, and
 * with one mm its swap_out waits for the swapper's page_table_lock of that mm (not traced
 * here; the figures below are what was measured).
 * Measured on linux-2.4.10-pre (PCT depth 4; CPU seconds to the first 14 Sep duplicate per
 * hunt seed, 3 s each): threads, 3 CPUs, pages following frames (6): none of 4 seeds (nor
 * with 4, 8 or 10 pages; the random scheduler and 10 pages find only Hugh's vm_swap_full
 * route); threads, 4 CPUs, 3 pages, 6 ops: none of 3; processes, 3 CPUs, 3 pages each: 1 of
 * 3; processes, 4 CPUs, 3 pages each: 4 of 4 (1.0 finds per CPU-s), 6 ops 8 of 8 (seeds
 * 5-12, 1.5/s, median 0.3 s); linux-2.4.0 at 4 ops: 4 of 4 (1.4/s). Those figures are of the
 * model before swap_out's walk became 2.4.16's (5 Dec 2026): since swap_mm stays on an mm until
 * its walk reaches the end, reclaim takes one process's pages in a row, adjacent slots mostly
 * go to one mm, and the reader must be that process's own CPU. Now (`node
 * dist/bench/hunt-figures.js first --sched pct --budget 3000 --hunt "--no-kswapd ..."`) this
 * shape finds it in none of seeds 1-4 in 3 s (PCT seed 21 at 24,992 then; linux-2.4.0 seed 56 at
 * 38,935: test/explore/no-kswapd.test.ts), nor do threads, 2 pages, 3 CPUs or 4 ops; 9 or 13
 * slots find it from 2 of seeds 1-8. The shape is kept: none measured is better enough.
 * Why (a helper's reading of two found diagrams, 5 Dec 2026): the swapper is stopped between
 * get_swap_page and its add with the mm's page_table_lock held, and the reader's readahead
 * allocation, at pages_min too, reclaims; 2.4.16's swap_out sent that reclaim to swap_mm, the
 * swapper's mm, so the reader waited on its PTL and the swapper added first. 2.4.10-pre9's own
 * swap_out (flag swap-amount, on linux-2.4.10-pre since the same day) walks the reader's own
 * mm first and moves swap_mm on at every pick: PCT finds the duplicate on 11 of seeds 1-20 in
 * 3 s (median 128,092 executions; seed 1 at 55,047, seed 19 soonest at 3,255; since
 * __alloc_pages' watermark tests and swap_out's mmput became steps of their own, 6 Dec 2026,
 * 6 of 20 within 100,000, seed 23 at 3,298: test/explore/no-kswapd.test.ts), the random walk 4 of 20 by the 14 Sep route (`node
 * dist/bench/hunt-figures.js first --model linux-2.4.10-pre --budget 3000 --hunt
 * "--no-kswapd"`). linux-2.4.0 still runs 2.4.16's swap_out (its swap_cnt choice is not
 * modelled).
 */
export const HUNT_NO_KSWAPD = { cpus: 4, threads: false, ops: { pct: 6 } as Partial<Record<SchedKind, number>> };

/** Pages per mm without kswapd unless given: as many as the frames for one mm, half of them
 *  (rounded up) for each of several, so the mms' pages together overfill memory and direct
 *  reclaim swaps. */
export const pagesWithoutKswapd = (frames: number, mms: number): number => (mms <= 1 ? frames : Math.ceil(frames / 2));

/** The ops per CPU a hunt of `model` with `sched` runs without kswapd unless told: the
 *  model's own count (linux-2.4.0's 4, measured there), else HUNT_NO_KSWAPD's. */
export function huntOpsWithoutKswapd(model: string, sched: SchedKind): number {
  return HUNT_MODEL_DEFAULTS[model]?.ops?.[sched] ?? HUNT_NO_KSWAPD.ops[sched] ?? HUNT_OPS_PER_CPU[sched];
}
