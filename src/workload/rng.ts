// Host-side integer PRNG helpers, bit-compatible with assembly/kernel/rng.ts: a 32-bit counter
// stepped by the golden ratio and passed through the murmur3 finalizer (splitmix32). Only
// i32 arithmetic (Math.imul, >>>), so results never depend on float rounding.

/** The murmur3 finalizer; the model's mix32 (also its swap-cache hash). A bijection on u32. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

export const GOLDEN = 0x9e3779b9 | 0;

/**
 * Starting counter of stream `stream` of a seed: both go through the mixer (twice for the
 * seed), so neighbouring seeds or streams give unrelated sequences rather than shifted copies.
 */
export function streamSeed(seed: number, stream: number): number {
  return mix32(mix32(seed ^ 0x2545f491) + Math.imul(stream + 1, GOLDEN) | 0);
}

/** A probability in [0, 1] as a threshold on a u32 draw: draw >>> 0 < threshold. */
export function probabilityThreshold(p: number): number {
  return Math.min(4294967296, Math.round(p * 4294967296));
}
