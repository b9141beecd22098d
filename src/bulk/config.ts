// Bulk mode's configuration: machine sizing (option limits, the MachineConfig built from them,
// and the Wasm memory the layout will need: the model's own layout_machine, run as a plan that
// grows no memory, engine.ts layoutBytes, so a machine that cannot fit is refused with one
// clear line before the model tries to grow its memory), and the workload options in the
// terms of the model's op generator (src/workload).
import { type Backend, DEFAULT_CONFIG, JIFFY_STEPS_LIMIT, layoutBytes, type MachineConfig } from "../wasm/engine.js";
import { SCHED, MAX_CPUS, MAX_AREAS } from "../wasm/abi.js";
import { UsageError } from "../errors.js";
import { flagWord0, flagWord1 } from "../model/flag-words.js";
import { DEFAULT_WORKLOAD, validateWorkload, type WorkloadOptions as GeneratorOptions } from "../workload/generator.js";

/** The options of a randomized op stream as bulk mode, the workers and the benchmarks give
 *  them: src/workload's options (documented there), with `threads` for `threadsShareMm` and
 *  the hot/cold shape optional (default src/workload DEFAULT_WORKLOAD); generatorOptions maps them. */
export type WorkloadOptions = Omit<GeneratorOptions, "threadsShareMm" | "hotFraction" | "hotProbability"> & {
  /** CPUs are threads sharing the mms instead of one process (mm) each. */
  threads: boolean;
  hotFraction?: number;
  hotProbability?: number;
};

/** Bulk mode's workload options in src/workload's terms. */
export function generatorOptions(o: WorkloadOptions): GeneratorOptions {
  return {
    cpus: o.cpus,
    mms: o.mms,
    pagesPerMm: o.pagesPerMm,
    areas: o.areas,
    pattern: o.pattern,
    writeRatio: o.writeRatio,
    threadsShareMm: o.threads,
    hotFraction: o.hotFraction ?? DEFAULT_WORKLOAD.hotFraction,
    hotProbability: o.hotProbability ?? DEFAULT_WORKLOAD.hotProbability,
    forkRate: o.forkRate,
    exitRate: o.exitRate,
    munmapRate: o.munmapRate,
    swapoffRate: o.swapoffRate,
    swaponRate: o.swaponRate,
    steady: o.steady === true,
  };
}

/** Throws UsageError (one line) on workload options the generator cannot take. */
export function checkWorkload(o: WorkloadOptions): void {
  validateWorkload(generatorOptions(o));
}

/** Inclusive bounds of each size option (op encoding and swap entry limits in brackets). */
export const LIMITS = {
  cpus: { min: 1, max: MAX_CPUS },
  mms: { min: 1, max: 64 }, // 6 bits of mm in an op
  pages: { min: 1, max: 65536 }, // 16 bits of page in an op
  frames: { min: 16, max: 1 << 24 }, // a zero page plus the watermarks, and room to run
  areas: { min: 1, max: MAX_AREAS },
  slots: { min: 2, max: 1 << 24 }, // slot 0 is the BAD header; 24-bit swap offset
  jiffySteps: JIFFY_STEPS_LIMIT,
} as const;

/** The model's memory ends at 2 GiB: layout_machine (assembly/kernel/state.ts) lays it out with
 *  an i32 bump pointer, so past 2^31 bytes the addresses turn negative (wasm32 itself would
 *  allow 4 GiB). */
export const WASM_MEMORY_LIMIT = 2 * 1024 * 1024 * 1024;

/** Op ring per CPU in bulk mode. The model refills a ring in the step that empties it
 *  (assembly/kernel/workload.ts), so a CPU never starves whatever the size: this only sets
 *  how many ops one refill generates (and the ring's memory, kept small for the caches). */
export const BULK_OPCAP = 1 << 12;

export interface MachineSizes {
  cpus: number;
  mms: number;
  pagesPerMm: number;
  frames: number;
  areas: number;
  slotsPerArea: number;
}

/** Throws UsageError unless v is an integer in [min, max]. */
export function checkSize(name: string, v: number, min: number, max: number): void {
  if (!Number.isFinite(v) || !Number.isInteger(v)) throw new UsageError(`--${name} must be an integer, got ${v}`);
  if (v < min || v > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${v}`);
}

/** Bytes layout_machine (assembly/kernel/state.ts) will ask for: the model computes it (the
 *  backend's build: engine.ts layoutBytes). */
export function estimateBytes(c: MachineConfig, backend: Backend = "wasm"): number {
  return layoutBytes(c, backend);
}

/** page_cluster as 2.4's swap_setup (mm/swap.c, 2.4.0 and 2.4.16 alike) sets it at boot from
 *  the machine's memory, 4 KiB pages: 2 (a readahead window of 4 slots) below 16 MB, else 3. */
export function bootPageCluster(frames: number): number {
  const megs = frames >> 8;
  return megs < 16 ? 2 : 3;
}

/** pages_min as 2.4.16's free_area_init_core sets it for the machine's one zone (all of a
 *  machine under 16 MB is ZONE_DMA): a 128th of its pages, at least zone_balance_min (20), at
 *  most 255; pages_low and pages_high are twice and three times that. Below 320 frames the
 *  floor is a sixteenth of the frames (at least 2) instead, so that a machine smaller than any
 *  2.4 booted on keeps room above its watermarks. */
export function bootPagesMin(frames: number): number {
  const floor = Math.min(20, Math.max(2, frames >> 4));
  return Math.min(255, Math.max(floor, frames >> 7));
}

/** Validates the sizes and builds the machine; throws UsageError with one line. `rest.backend`
 *  is the backend that will run it (the Wasm one unless given), whose build plans its memory. */
export function bulkMachineConfig(
  s: MachineSizes,
  rest: { flags: number; flags2: number; kswapd: boolean; seed: number; sched: number; backend?: Backend },
): MachineConfig {
  checkSize("cpus", s.cpus, LIMITS.cpus.min, LIMITS.cpus.max);
  checkSize("mms", s.mms, LIMITS.mms.min, LIMITS.mms.max);
  checkSize("pages", s.pagesPerMm, LIMITS.pages.min, LIMITS.pages.max);
  checkSize("frames", s.frames, LIMITS.frames.min, LIMITS.frames.max);
  checkSize("areas", s.areas, LIMITS.areas.min, LIMITS.areas.max);
  checkSize("slots", s.slotsPerArea, LIMITS.slots.min, LIMITS.slots.max);
  // The model's watermark words are the thresholds __alloc_pages and kswapd compare the free
  // count with, each one above the zone's watermark (assembly/mm/page_alloc.ts, top).
  const pagesMin = bootPagesMin(s.frames);
  const c: MachineConfig = {
    ...DEFAULT_CONFIG,
    cpus: s.cpus,
    frames: s.frames,
    mms: s.mms,
    pagesPerMm: s.pagesPerMm,
    areas: s.areas,
    slotsPerArea: s.slotsPerArea,
    flags: flagWord0(rest),
    flags2: flagWord1(rest),
    kswapd: rest.kswapd,
    seed: rest.seed | 0,
    sched: rest.sched,
    pageCluster: bootPageCluster(s.frames),
    opCap: BULK_OPCAP,
    logCap: 1 << 16,
    logRing: true,
    traceCap: 0,
    freeMin: pagesMin + 1,
    freeLow: pagesMin * 2 + 1,
    freeHigh: pagesMin * 3 + 1,
    // A bulk run runs for seconds of the model's clock: its allocations wait for the OOM killer.
    oomClock: true,
  };
  if (c.freeHigh + 2 * s.cpus >= s.frames) {
    throw new UsageError(`--frames ${s.frames} leaves no room above the reclaim watermark (${c.freeHigh}) for ${s.cpus} CPUs`);
  }
  const bytes = estimateBytes(c, rest.backend);
  if (bytes >= WASM_MEMORY_LIMIT) {
    const gib = (bytes / 2 ** 30).toFixed(1);
    throw new UsageError(
      `this machine needs ${gib} GiB of model memory, more than the model's 2 GiB (it addresses its memory with an i32): reduce --frames, --pages x --mms or --slots`,
    );
  }
  return c;
}

export { SCHED };
