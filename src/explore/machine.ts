// The small machine of a hunt: sized so the seed races are reachable in a handful of ops.
// Few frames and high watermarks make nearly every allocation enter direct reclaim
// (alloc_page → try_to_free_pages on the faulting CPU, the seed race's route); few swap slots
// make get_swap_page hand a just-freed entry straight back out; the CPUs are threads of one
// mm so they fault on the same ptes.
import { DEFAULT_CONFIG, type MachineConfig } from "../wasm/engine.js";
import { SCHED } from "../wasm/abi.js";
import type { ReproMachine } from "../report/repro.js";

export const HUNT_MACHINE: ReproMachine = {
  cpus: 2,
  frames: 6,          // the zero page + 5: each CPU's page in flight and a few mapped ones
  mms: 1,             // one process, its CPUs are threads sharing the mm
  pagesPerMm: 4,
  areas: 1,
  slotsPerArea: 5,    // slot 0 is the header: 4 usable, so vm_swap_full holds and freed slots come back at once
  kswapd: true,       // reclaim beside the faulting CPUs, holding no BKL (the seed race's other CPU)
  // Readahead windows of 4 slots (1-3 share the window that starts at BAD slot 0): a swap-in
  // fault reads the slots near its own, so a slot kswapd has just taken from get_swap_page
  // is read into a second page (the seed mail's race 2). Measured on linux-2.4.10-pre with 5
  // ops per CPU, duplicates per 100K executions, windows of 4 against 2: random 35 / 18,
  // PCT depth 3: 7 / 0.
  pageCluster: 2,
  freeMin: 2,         // ≤ 2 free frames: alloc_page goes to try_to_free_pages
  freeLow: 4,         // ≤ 4: kswapd is woken
  freeHigh: 5,
  swapCluster: 2,     // one reclaim pass frees a couple of pages, not the whole machine
  areaPrioEqual: false,
};

/** Op buffer per CPU (power of two, ≥ the longest op list a hunt writes). */
export const HUNT_OPCAP = 32;
/** Choice log bytes = the step bound of one execution (kept whole: replay needs it all). */
export const HUNT_LOGCAP = 1 << 14;
/** Trace records kept when a failing execution is replayed for its diagram. */
export const HUNT_TRACECAP = 1 << 14;

/** The engine config of a hunt machine. */
export function huntConfig(m: ReproMachine, flags: number, sched: number, pctDepth = 3, pctK = 64): MachineConfig {
  return {
    ...DEFAULT_CONFIG,
    cpus: m.cpus, frames: m.frames, mms: m.mms, pagesPerMm: m.pagesPerMm, areas: m.areas,
    slotsPerArea: m.slotsPerArea, kswapd: m.kswapd, pageCluster: m.pageCluster,
    freeMin: m.freeMin, freeLow: m.freeLow, freeHigh: m.freeHigh, swapCluster: m.swapCluster,
    areaPrioEqual: m.areaPrioEqual, flags, sched, pctDepth, pctK,
    opCap: HUNT_OPCAP, logCap: HUNT_LOGCAP, traceCap: HUNT_TRACECAP, logRing: false, seed: 1,
  };
}

/** The replay machine: same sizes, schedule from the choice log. */
export const replayConfig = (m: ReproMachine, flags: number): MachineConfig => huntConfig(m, flags, SCHED.REPLAY);
