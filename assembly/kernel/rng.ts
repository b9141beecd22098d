// The scheduler's PRNG: a 32-bit counter through a murmur3-style finalizer (splitmix32).
// i32 arithmetic only, so Wasm and JS agree; seeds go through the same mixer so nearby
// seeds give unrelated streams.
import { imul, irem } from "./platform";
import { gget, gset, G_RNG_LO } from "./state";

const GOLDEN: i32 = 0x9e3779b9;

/** The murmur3 finalizer; inlined (the generator's loop and the swap-cache hash use it too). */
@inline export function mix32(x: i32): i32 {
  x = imul(x ^ (x >>> 16), 0x85ebca6b);
  x = imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

// The value the next rng_next() returns, mixed one draw ahead: the random scheduler's choice
// then waits for no multiply chain at the start of a step (the mix of the draw after runs
// beside the step). G_RNG_LO stays the state (the state hash, a copy of memory): this is
// derived from it, at every seed and at every run() start (rng_sync), so a host that wrote
// memory between runs is followed.
let ahead: i32 = 0;

export function rng_seed(seed: i32): void {
  const s = mix32(seed ^ 0x2545f491);
  gset(G_RNG_LO, s);
  ahead = mix32(s + GOLDEN);
}

/** Derives the draw ahead from G_RNG_LO (machine.ts run: the host may have written memory). */
export function rng_sync(): void { ahead = mix32(gget(G_RNG_LO) + GOLDEN); }

@inline export function rng_next(): i32 {
  const s = gget(G_RNG_LO) + GOLDEN;
  gset(G_RNG_LO, s);
  const v = ahead;
  ahead = mix32(s + GOLDEN);
  return v;
}

/** Uniform in [0, n) for n > 0 (multiply-shift on 16 high bits: no division, no bias that matters). */
@inline export function rng_below(n: i32): i32 {
  if (n <= 0x10000) return (imul(rng_next() >>> 16, n) >>> 16);
  return irem(rng_next() >>> 1, n);
}
