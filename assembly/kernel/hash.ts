// FNV-1a over 32-bit words of linear memory: the host's state hash (src/wasm/engine.ts
// stateHash) computed here instead of in JavaScript. The same value as src/wasm/fnv.ts
// fnvWords over the same words, with the same shortcut (k zero words multiply h by
// FNV_PRIME^k, by squaring). A process hashes the state once, at the end of a run, so the
// JavaScript loop ran cold: ~35 ms of a 1-op run on a 1M-frame machine, a few ms here. Host
// work only: it reads the machine and writes nothing.
import { ld, imul } from "./platform";

const FNV_PRIME: i32 = 0x01000193;

/** h * FNV_PRIME^k: h after k zero words. */
function fnv_zeros(h: i32, k: i32): i32 {
  let p = FNV_PRIME;
  let n = k;
  while (n > 0) {
    if ((n & 1) != 0) h = imul(h, p);
    p = imul(p, p);
    n = n >>> 1;
  }
  return h;
}

/** h extended by the words at byte addresses [from, to) (both multiples of 4). */
export function fnv_words(from: i32, to: i32, h: i32): i32 {
  let a = from;
  while (a < to) {
    const v = ld(a);
    if (v != 0) {
      h = imul(h ^ v, FNV_PRIME);
      a += 4;
      continue;
    }
    // The end of the zero run: eight words at a time where they fit (this runs once per
    // process, in V8's baseline tier, where a branch per word is what costs).
    let b = a + 4;
    while (b + 32 <= to && (ld(b) | ld(b + 4) | ld(b + 8) | ld(b + 12) | ld(b + 16) | ld(b + 20) | ld(b + 24) | ld(b + 28)) == 0) b += 32;
    while (b < to && ld(b) == 0) b += 4;
    h = fnv_zeros(h, (b - a) >> 2);
    a = b;
  }
  return h;
}
