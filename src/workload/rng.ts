// Host-side integer helpers shared with the model (assembly/kernel/rng.ts, assembly/kernel/workload.ts). Only
// i32 arithmetic (Math.imul, >>>) where results must match the model bit for bit.

/** The murmur3 finalizer; the model's mix32 (also its swap-cache hash). A bijection on u32. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** A probability in [0, 1] as a threshold on a u32 draw (draw >>> 0 < threshold), in [0, 2^32]. */
export function probabilityThreshold(p: number): number {
  return Math.min(4294967296, Math.round(p * 4294967296));
}
