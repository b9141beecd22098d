// The hunt's op lists: per CPU a few reads and writes on few pages of the mm the CPUs share,
// so pages get written, swapped out under pressure and faulted back in while the other CPU
// does the same. The model generates them itself on the hunt's hot path (configureHuntWorkload);
// huntOp defines them and gives them to repros and messages.
import { OP, makeOp } from "../wasm/abi.js";
import type { ModelExports } from "../wasm/engine.js";

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
  const write = r >>> 24 < w.writeRatio * 256;
  const page = (r & 0xffff) % w.pagesPerMm;
  const mm = w.shareMm ? 0 : cpu % w.mms;
  return makeOp(write ? OP.WRITE : OP.READ, mm, page);
}

/** Sets the model's hunt workload (assembly/kernel/hunt.ts): from here on each
 *  m.hunt_execution(huntSeedBase(seed), n, steps) runs execution n with huntOps' op lists,
 *  generated inside the model (test/explore/workload.test.ts holds the two equal). */
export function configureHuntWorkload(m: ModelExports, w: HuntWorkload): void {
  // huntOp's `top byte < writeRatio * 256` in integers: x < r  <=>  x < ceil(r) for integer x.
  m.hunt_workload(w.opsPerCpu, Math.ceil(w.writeRatio * 256), w.pagesPerMm, w.mms, w.shareMm ? 1 : 0);
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
