// The hunt's op lists: per CPU a few reads and writes on few pages of the mm the CPUs share,
// so pages get written, swapped out under pressure and faulted back in while the other CPU
// does the same. Written straight into the model's op buffer: no allocation per execution.
import { OP, makeOp } from "../wasm/abi.js";

export interface HuntWorkload {
  cpus: number;
  opsPerCpu: number;
  pagesPerMm: number;
  mms: number;
  /** CPUs are threads of mm 0 (else CPU c uses mm c mod mms). */
  shareMm: boolean;
  /** Fraction of ops that write, 0..1. */
  writeRatio: number;
}

/** splitmix32's finalizer (as the model's rng.ts mix32). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
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
  const write = (r >>> 24) < w.writeRatio * 256;
  const page = (r & 0xffff) % w.pagesPerMm;
  const mm = w.shareMm ? 0 : cpu % w.mms;
  return makeOp(write ? OP.WRITE : OP.READ, mm, page);
}

const GOLDEN = 0x9e3779b9 | 0;
const READ_OP = makeOp(OP.READ, 0, 0), WRITE_OP = makeOp(OP.WRITE, 0, 0);

/** Writes each CPU's ops for seed s into the op buffer words I[base + cpu*cap + j]: the ops
 *  huntOp gives (test/explore/workload.test.ts holds them equal), computed the cheap way as
 *  this runs once per hunt execution: the multiplier stepped instead of multiplied, the page
 *  masked when the page count is a power of two, the op assembled from its parts. */
export function fillHuntOps(w: HuntWorkload, s: number, I: Int32Array, base: number, cap: number): void {
  const cpus = w.cpus, n = w.opsPerCpu, pages = w.pagesPerMm, mms = w.mms, shareMm = w.shareMm;
  const writeBelow = w.writeRatio * 256;
  const pageMask = (pages & (pages - 1)) === 0 && pages <= 0x10000 ? pages - 1 : -1;
  for (let cpu = 0, at = base; cpu < cpus; cpu++, at += cap) {
    const mmBits = ((shareMm ? 0 : cpu % mms) & 63) << 16;
    // k = imul((cpu << 8) + j + 1, GOLDEN), stepped by GOLDEN per op (all mod 2^32).
    let k = Math.imul((cpu << 8) + 1, GOLDEN);
    for (let j = 0; j < n; j++, k = (k + GOLDEN) | 0) {
      const r = mix32((s + k) | 0);
      const low = r & 0xffff;
      const page = pageMask >= 0 ? low & pageMask : low % pages;
      I[at + j] = ((r >>> 24) < writeBelow ? WRITE_OP : READ_OP) | mmBits | (page & 0xffff);
    }
  }
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
