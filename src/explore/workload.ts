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
  return mix32(mix32(huntSeed ^ 0x68756e74) + Math.imul(i, 0x9e3779b9));
}

/** Op j of cpu in the execution with seed s. */
export function huntOp(w: HuntWorkload, s: number, cpu: number, j: number): number {
  const r = mix32(s + Math.imul((cpu << 8) + j + 1, 0x9e3779b9)) >>> 0;
  const write = (r >>> 24) < w.writeRatio * 256;
  const page = (r & 0xffff) % w.pagesPerMm;
  const mm = w.shareMm ? 0 : cpu % w.mms;
  return makeOp(write ? OP.WRITE : OP.READ, mm, page);
}

/** Writes each CPU's ops for seed s into the op buffer words I[base + cpu*cap + j]. */
export function fillHuntOps(w: HuntWorkload, s: number, I: Int32Array, base: number, cap: number): void {
  for (let cpu = 0; cpu < w.cpus; cpu++) {
    const at = base + cpu * cap;
    for (let j = 0; j < w.opsPerCpu; j++) I[at + j] = huntOp(w, s, cpu, j);
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
