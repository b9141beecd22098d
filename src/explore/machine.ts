// The small machine of a hunt: sized so the seed races are reachable in a handful of ops.
// Few frames and high watermarks make nearly every allocation enter direct reclaim
// (alloc_page → try_to_free_pages on the faulting CPU, the seed race's route); few swap slots
// make get_swap_page hand a just-freed entry straight back out; the CPUs are threads of one
// mm so they fault on the same ptes.
import { DEFAULT_CONFIG, JIFFY_STEPS_LIMIT, type MachineConfig } from "../wasm/engine.js";
import { SCHED, MAX_CPUS } from "../wasm/abi.js";
import type { ReproMachine } from "../report/repro.js";
import { type FlagWords, flagWord0, flagWord1 } from "../model/flag-words.js";
import { HUNT_MODEL_DEFAULTS, huntPages, huntProcessMms, huntThreads } from "./defaults.js";
import type { SchedKind } from "./defaults.js";

export const HUNT_MACHINE: ReproMachine = {
  // Three threads of one mm: the seed races need a reader, a swapper (kswapd or another CPU's
  // direct reclaim) and, for Hugh's vm_swap_full route, a second thread faulting on the same
  // pte. Measured on the faithful linux-2.4.10-pre (10 seeds, PCT depth 4, 5 ops): 3 CPUs find
  // the first duplicate in a median of 47 ms of hunting, 2 CPUs (6 ops) in 110 ms.
  cpus: 3,
  frames: 6, // the zero page + 5: each CPU's page in flight and a few mapped ones
  mms: 1, // one process, its CPUs are threads sharing the mm
  pagesPerMm: 4,
  areas: 1,
  slotsPerArea: 5, // slot 0 is the header: 4 usable, so vm_swap_full holds and freed slots come back at once
  kswapd: true, // reclaim beside the faulting CPUs, holding no BKL (the seed race's other CPU)
  // Readahead windows of 2 slots: 0-1, 2-3, 4. 2.4.0's and 2.4.10-pre9's valid_swaphandles
  // start a window at its aligned slot even when that is the header slot 0 and stop there at
  // once (the seed mail's "entry is for page 1 of swap"), so only windows clear of slot 0 read
  // ahead: with 2-slot windows, 3 of the 4 usable slots lie in one (windows of 4 left only
  // slot 4, and no old-model hunt found the 14 Sep race in 10^6 executions per seed).
  pageCluster: 1,
  freeMin: 1, // ≤ 1 free frame: alloc_page goes to try_to_free_pages (pct: 134 -> 47 ms median against 2)
  freeLow: 4, // ≤ 4: kswapd is woken
  freeHigh: 5,
  swapCluster: 2, // one reclaim pass frees a couple of pages, not the whole machine
  areaPrioEqual: false,
};

/** The hunt machine's watermarks clipped to a machine of `frames` frames, so that a smaller
 *  machine can still allocate (pages_min below the frames, pages_high at most all but one). */
export function clippedWatermarks(frames: number): Pick<ReproMachine, "freeMin" | "freeLow" | "freeHigh"> {
  return {
    freeMin: Math.min(HUNT_MACHINE.freeMin, frames - 2),
    freeLow: Math.min(HUNT_MACHINE.freeLow, frames - 2),
    freeHigh: Math.min(HUNT_MACHINE.freeHigh, frames - 1),
  };
}

/** The hunt machine of `model` under `sched` (HUNT_MACHINE with the model's
 *  HUNT_MODEL_DEFAULTS): one mm for threads; for processes, one per CPU unless the model
 *  says fewer (huntProcessMms). */
export function huntMachineFor(model: string, sched: SchedKind = "pct"): ReproMachine {
  const threads = huntThreads(model);
  return {
    ...HUNT_MACHINE,
    pagesPerMm: huntPages(model, sched) ?? HUNT_MACHINE.pagesPerMm,
    slotsPerArea: HUNT_MODEL_DEFAULTS[model]?.slots ?? HUNT_MACHINE.slotsPerArea,
    mms: threads ? HUNT_MACHINE.mms : huntProcessMms(model, sched, HUNT_MACHINE.cpus),
  };
}

/** The sizes a hunt can be given (`faultsim hunt --cpus` etc., inclusive), and so the sizes a
 *  repro file can hold: the repro schema (src/report/repro-schema.ts) refuses a machine outside them
 *  on load, before any memory is laid out. --mms is 1..MAX_CPUS (default 1 with threads, one
 *  per CPU with processes). */
export const HUNT_LIMITS = {
  cpus: { min: 1, max: MAX_CPUS },
  mms: { min: 1, max: MAX_CPUS },
  frames: { min: 4, max: 4096 },
  pages: { min: 1, max: 4096 },
  slots: { min: 2, max: 1 << 16 },
  pageCluster: { min: 0, max: 8 },
  jiffySteps: JIFFY_STEPS_LIMIT,
  depth: { min: 1, max: 9 },
  /** HUNT_MACHINE's one area, or two for a mix that swaps off and on (`--areas`). */
  areas: { min: 1, max: 2 },
} as const;

/** Op buffer per CPU (power of two, ≥ the longest op list a hunt writes). */
export const HUNT_OPCAP = 32;
/** Choice log bytes = the step bound of one execution (kept whole: replay needs it all). */
export const HUNT_LOGCAP = 1 << 14;
/** Steps an execution that ran past HUNT_LOGCAP gets to end in before it counts as a
 *  livelock: the longest execution of the largest legal hunt (8 CPUs, 32 ops each, the
 *  faithful 2.4.16, PCT) measured 20,584 steps in 300 (bench note in livelock.ts), past the
 *  log but far from this. The hunt engine's log holds this many, so one rerun tells. */
export const HUNT_LIVELOCK_STEPS = 1 << 18;
/** Trace records kept when a failing execution is replayed for its diagram. */
export const HUNT_TRACECAP = 1 << 14;

/** The engine config of a hunt machine; flags: the model's two flag words (a ResolvedModel, a
 *  hunt's loop spec, or a repro through reproFlagWords); word 0 alone is refused. */
export function huntConfig(m: ReproMachine, flags: FlagWords, sched: number, pctDepth = 3, pctK = 64): MachineConfig {
  return {
    ...DEFAULT_CONFIG,
    cpus: m.cpus,
    frames: m.frames,
    mms: m.mms,
    pagesPerMm: m.pagesPerMm,
    areas: m.areas,
    slotsPerArea: m.slotsPerArea,
    kswapd: m.kswapd,
    pageCluster: m.pageCluster,
    freeMin: m.freeMin,
    freeLow: m.freeLow,
    freeHigh: m.freeHigh,
    swapCluster: m.swapCluster,
    areaPrioEqual: m.areaPrioEqual,
    // --jiffy-steps: the model's clock runs fast enough for out_of_memory's second within an
    // execution, so 2.4.16's allocations wait for the OOM killer as a bulk run's do.
    ...(m.jiffySteps === undefined ? {} : { oomClock: true, jiffyShift: Math.log2(m.jiffySteps) }),
    flags: flagWord0(flags),
    flags2: flagWord1(flags),
    sched,
    pctDepth,
    pctK,
    // `--sched random`: the random walk (assembly/kernel/sched.ts walk_setup), not uniform.
    randomWalk: true,
    opCap: HUNT_OPCAP,
    // Room for the rerun that tells a long execution from a livelock (livelock.ts); an
    // execution of the search still stops at HUNT_LOGCAP steps, what a repro can hold.
    logCap: HUNT_LIVELOCK_STEPS,
    traceCap: HUNT_TRACECAP,
    logRing: false,
    seed: 1,
  };
}

/** The replay machine: same sizes, schedule from the choice log. */
export const replayConfig = (m: ReproMachine, flags: FlagWords): MachineConfig => huntConfig(m, flags, SCHED.REPLAY);
