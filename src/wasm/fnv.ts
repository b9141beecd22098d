// FNV-1a over 32-bit words, as engine.ts stateHash has always hashed the machine state, but
// fast over the long zero runs of a large machine's state (a 1M-frame machine is mostly
// frames no one touched): xor with 0 leaves h alone, so k zero words multiply h by FNV_PRIME^k,
// computed by squaring. The same value as the word-by-word loop (test/engine/fnv.test.ts).

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** h * FNV_PRIME^k (mod 2^32): h after k zero words. */
export function fnvZeros(h: number, k: number): number {
  let p = FNV_PRIME;
  while (k > 0) {
    if (k & 1) h = Math.imul(h, p);
    p = Math.imul(p, p);
    k >>>= 1;
  }
  return h;
}

/** h extended by the words I[from..to) (word indices). */
export function fnvWords(I: Int32Array, from: number, to: number, h: number): number {
  let i = from;
  while (i < to) {
    const v = I[i];
    if (v !== 0) {
      h = Math.imul(h ^ v, FNV_PRIME);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && I[j] === 0) j++;
    h = fnvZeros(h, j - i);
    i = j;
  }
  return h;
}
