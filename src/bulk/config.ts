// Machine sizing for bulk mode: option limits, the MachineConfig built from them, and an
// estimate of the Wasm memory the layout will need (mirrors layout_machine in
// assembly/kernel/state.ts) so a machine that cannot fit is refused with one clear line
// before the model tries to grow its memory.
import { DEFAULT_CONFIG, type MachineConfig } from "../wasm/engine.js";
import {
  SCHED,
  MAX_CPUS,
  MAX_AREAS,
  MAX_AGENTS,
  AGENT_WORDS,
  STACK_FRAMES,
  FRAME_WORDS,
  AREA_WORDS,
  MM_WORDS,
  TRACE_WORDS,
  WORKLOAD_WORDS,
} from "../wasm/abi.js";
import { UsageError } from "../errors.js";

/** Inclusive bounds of each size option (op encoding and swap entry limits in brackets). */
export const LIMITS = {
  cpus: { min: 1, max: MAX_CPUS },
  mms: { min: 1, max: 64 }, // 6 bits of mm in an op
  pages: { min: 1, max: 65536 }, // 16 bits of page in an op
  frames: { min: 16, max: 1 << 24 }, // a zero page plus the watermarks, and room to run
  areas: { min: 1, max: MAX_AREAS },
  slots: { min: 2, max: 1 << 24 }, // slot 0 is the BAD header; 24-bit swap offset
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

const log2ceil = (n: number): number => {
  let s = 0;
  while (2 ** s < n) s++;
  return s;
};
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Bytes layout_machine will ask for (an upper bound within a few KiB). */
export function estimateBytes(c: MachineConfig): number {
  const totalSlots = c.areas * 2 ** log2ceil(c.slotsPerArea); // state.ts: nAreaSlots areas
  const totalPtes = c.mms * 2 ** log2ceil(c.pagesPerMm);
  const hashSize = 2 ** log2ceil(Math.max(16, c.frames));
  const ioqSize = 2 ** log2ceil(c.frames + 1);
  const parts = [
    64 * 1024, // static data, config block, region table, globals, stats
    MAX_AGENTS * AGENT_WORDS * 4,
    MAX_AGENTS * STACK_FRAMES * FRAME_WORDS * 4,
    MAX_AREAS * AREA_WORDS * 4,
    c.mms * MM_WORDS * 4,
    c.frames * 4 * 5, // count, flags, index, content, hash next
    (c.frames + 2) * 4 * 2, // LRU next/prev
    c.frames * 4, // free stack
    totalSlots * 2, // swap_map
    totalSlots * 4, // slot content
    hashSize * 4,
    totalPtes * 4 * 2, // ptes + shadow
    WORKLOAD_WORDS * 4, // the generator's streams
    MAX_CPUS * c.opCap * 4,
    c.logCap,
    Math.max(1, c.traceCap) * TRACE_WORDS * 4,
    ioqSize * 8,
    totalSlots * 4, // swap tmp refs
    c.frames <= 32 ? (totalSlots * 2 + c.frames) * 4 : 0, // rest.ts's scratch (small machines only)
  ];
  return parts.reduce((s, p) => s + align16(p), 0);
}

/** Validates the sizes and builds the machine; throws UsageError with one line. */
export function bulkMachineConfig(s: MachineSizes, rest: { flags: number; kswapd: boolean; seed: number; sched: number }): MachineConfig {
  checkSize("cpus", s.cpus, LIMITS.cpus.min, LIMITS.cpus.max);
  checkSize("mms", s.mms, LIMITS.mms.min, LIMITS.mms.max);
  checkSize("pages", s.pagesPerMm, LIMITS.pages.min, LIMITS.pages.max);
  checkSize("frames", s.frames, LIMITS.frames.min, LIMITS.frames.max);
  checkSize("areas", s.areas, LIMITS.areas.min, LIMITS.areas.max);
  checkSize("slots", s.slotsPerArea, LIMITS.slots.min, LIMITS.slots.max);
  // 2.4's watermarks scale with memory (zone->pages_min ~ pages/128, clamped); low = 2x, high = 3x.
  const freeMin = Math.min(255, Math.max(2, s.frames >> 7));
  const c: MachineConfig = {
    ...DEFAULT_CONFIG,
    cpus: s.cpus,
    frames: s.frames,
    mms: s.mms,
    pagesPerMm: s.pagesPerMm,
    areas: s.areas,
    slotsPerArea: s.slotsPerArea,
    flags: rest.flags,
    kswapd: rest.kswapd,
    seed: rest.seed | 0,
    sched: rest.sched,
    opCap: BULK_OPCAP,
    logCap: 1 << 16,
    logRing: true,
    traceCap: 0,
    freeMin,
    freeLow: freeMin * 2,
    freeHigh: freeMin * 3,
  };
  if (c.freeHigh + 2 * s.cpus >= s.frames) {
    throw new UsageError(`--frames ${s.frames} leaves no room above the reclaim watermark (${c.freeHigh}) for ${s.cpus} CPUs`);
  }
  const bytes = estimateBytes(c);
  if (bytes >= WASM_MEMORY_LIMIT) {
    const gib = (bytes / 2 ** 30).toFixed(1);
    throw new UsageError(
      `this machine needs ${gib} GiB of model memory, more than the model's 2 GiB (it addresses its memory with an i32): reduce --frames, --pages x --mms or --slots`,
    );
  }
  return c;
}

export { SCHED };
