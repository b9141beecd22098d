// The scheduler's PRNG: a 32-bit counter through a murmur3-style finalizer (splitmix32).
// i32 arithmetic only, so Wasm and JS agree; seeds go through the same mixer so nearby
// seeds give unrelated streams.
import { imul, irem } from "./platform";
import { gget, gset, G_RNG_LO } from "./state";

/** The murmur3 finalizer; inlined (the generator's loop and the swap-cache hash use it too). */
@inline export function mix32(x: i32): i32 {
  x = imul(x ^ (x >>> 16), 0x85ebca6b);
  x = imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

export function rng_seed(seed: i32): void { gset(G_RNG_LO, mix32(seed ^ 0x2545f491)); }

export function rng_next(): i32 {
  const s = gget(G_RNG_LO) + 0x9e3779b9;
  gset(G_RNG_LO, s);
  return mix32(s);
}

/** Uniform in [0, n) for n > 0 (multiply-shift on 16 high bits: no division, no bias that matters). */
export function rng_below(n: i32): i32 {
  if (n <= 0x10000) return (imul(rng_next() >>> 16, n) >>> 16);
  return irem(rng_next() >>> 1, n);
}
