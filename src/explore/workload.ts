// The hunt's op lists: per CPU a few reads and writes on few pages of the mm the CPUs share,
// so pages get written, swapped out under pressure and faulted back in while the other CPU
// does the same. The model generates them itself on the hunt's hot path (configureHuntWorkload);
// huntOp defines them and gives them to repros and messages.
import { HUNT_RANGE_MAX, OP, makeOp } from "../wasm/abi.js";
import type { ModelExports } from "../wasm/engine.js";
import { mixThresholds, type HuntMix } from "./mix.js";
// The model's mix32 (assembly/kernel/rng.ts), defined once on the host.
import { mix32 } from "../workload/rng.js";

export interface HuntWorkload {
  cpus: number;
  opsPerCpu: number;
  pagesPerMm: number;
  mms: number;
  /** CPUs are threads of mm 0 (else CPU c uses mm c mod mms). */
  shareMm: boolean;
  /** Fraction of ops that write, 0..1 (without a mix). */
  writeRatio: number;
  /** The op mix (mix.ts); absent: reads and writes by writeRatio, each CPU on its mm. */
  mix?: HuntMix;
  /** Swap areas the mix's swapoff and swapon address (default 1). */
  areas?: number;
}

/** The seed of execution i of a hunt: nearby hunts and executions get unrelated streams. */
export function executionSeed(huntSeed: number, i: number): number {
  return executionSeedFrom(huntSeedBase(huntSeed), i);
}

/** The part of executionSeed that depends on the hunt seed alone (for loops to hoist). */
export function huntSeedBase(huntSeed: number): number {
  return mix32(huntSeed ^ 0x68756e74);
}

/** executionSeed(huntSeed, i), given huntSeedBase(huntSeed). */
export function executionSeedFrom(base: number, i: number): number {
  return mix32(base + Math.imul(i, 0x9e3779b9));
}

/** Op j of cpu in the execution with seed s. */
export function huntOp(w: HuntWorkload, s: number, cpu: number, j: number): number {
  const r = mix32(s + Math.imul((cpu << 8) + j + 1, 0x9e3779b9)) >>> 0;
  if (w.mix) return mixedOp(w, mixThresholds(w.mix), cpu, r);
  const write = r >>> 24 < w.writeRatio * 256;
  const page = (r & 0xffff) % w.pagesPerMm;
  const mm = w.shareMm ? 0 : cpu % w.mms;
  return makeOp(write ? OP.WRITE : OP.READ, mm, page);
}

/** A mixed op from its draw r (u32), given the mix's thresholds (assembly/kernel/hunt.ts
 *  mixed_op): the draw's top byte picks the kind, its low half the page; a second draw
 *  gives the mm (threads: any mm; processes: the CPU's), a fork's child, a range's length
 *  and an area. */
function mixedOp(w: HuntWorkload, t: readonly number[], cpu: number, r: number): number {
  const x = r >>> 24;
  const page = (r & 0xffff) % w.pagesPerMm;
  const r2 = mix32(r ^ 0x2545f491) >>> 0;
  const mm = w.shareMm ? ((r2 >>> 16) & 0xff) % w.mms : cpu % w.mms;
  const [tWrite, tRead, tFork, tExit, tMunmap, tWprotect, tSwapoff] = t;
  if (x < tWrite) return makeOp(OP.WRITE, mm, page);
  if (x < tRead) return makeOp(OP.READ, mm, page);
  if (x < tFork) return makeOp(OP.FORK, mm, 0, w.mms > 1 ? (mm + 1 + ((r2 & 0xff) % (w.mms - 1))) % w.mms : mm);
  if (x < tExit) return makeOp(OP.EXIT, mm, 0);
  if (x < tWprotect) {
    const room = w.pagesPerMm - page;
    const len = 1 + (((r2 >>> 8) & 0xff) % Math.min(room, HUNT_RANGE_MAX));
    return makeOp(x < tMunmap ? OP.MUNMAP : OP.WPROTECT, mm, page, len);
  }
  return makeOp(x < tSwapoff ? OP.SWAPOFF : OP.SWAPON, 0, 0, (r2 & 0xff) % (w.areas ?? 1));
}

/** Sets the model's hunt workload (assembly/kernel/hunt.ts): from here on each
 *  m.hunt_execution(huntSeedBase(seed), n, steps) runs execution n with huntOps' op lists,
 *  generated inside the model (test/explore/workload.test.ts holds the two equal). */
export function configureHuntWorkload(m: ModelExports, w: HuntWorkload): void {
  const a = huntWorkloadArgs(w);
  m.hunt_workload(a[0], a[1], a[2], a[3], a[4]);
  if (a.length > 5) m.hunt_mix(a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
}

/** configureHuntWorkload's arguments: hunt_workload's five, then, with a mix, hunt_mix's eight. */
export function huntWorkloadArgs(w: HuntWorkload): Int32Array {
  // huntOp's `top byte < writeRatio * 256` in integers: x < r  <=>  x < ceil(r) for integer x.
  const args = [w.opsPerCpu, Math.ceil(w.writeRatio * 256), w.pagesPerMm, w.mms, w.shareMm ? 1 : 0];
  // hunt_mix: the thresholds of write..swapoff (swapon's, the last, is always 256), the areas.
  if (w.mix) args.push(...mixThresholds(w.mix).slice(0, 7), w.areas ?? 1);
  return Int32Array.from(args);
}

/** The same ops as lists (for a repro). */
export function huntOps(w: HuntWorkload, s: number): number[][] {
  const out: number[][] = [];
  for (let cpu = 0; cpu < w.cpus; cpu++) {
    const ops: number[] = [];
    for (let j = 0; j < w.opsPerCpu; j++) ops.push(huntOp(w, s, cpu, j));
    out.push(ops);
  }
  return out;
}
