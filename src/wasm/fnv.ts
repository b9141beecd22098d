// FNV-1a over 32-bit words, as engine.ts stateHash has always hashed the machine state, but
// fast over the long zero runs of a large machine's state (a 1M-frame machine is mostly
// frames no one touched): xor with 0 leaves h alone, so k zero words multiply h by FNV_PRIME^k,
// computed by squaring, and a zero run is found a block at a time (memcmp). The same value
// as the word-by-word loop (test/engine/fnv.test.ts). stateHash itself has the model compute
// it (assembly/kernel/hash.ts, the same shortcut): this is the host's own copy, which the
// test holds the model's to.

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
    const j = zeroRunEnd(I, i + 1, to);
    h = fnvZeros(h, j - i);
    i = j;
  }
  return h;
}

/** Block sizes (in words) that zeroRunEnd compares natively: 64 KiB, then 1 KiB. */
const BIG = 16384;
const SMALL = 256;
const ZEROS = Buffer.alloc(BIG * 4);
const ZEROS_SMALL = ZEROS.subarray(0, SMALL * 4);

/** Whether the n words of I from i on are all zero (memcmp, not a word loop). */
const zeroBlock = (I: Int32Array, i: number, n: number, zeros: Buffer): boolean =>
  zeros.equals(new Uint8Array(I.buffer, I.byteOffset + i * 4, n * 4));

/** The first index in [i, to) whose word is not zero, or `to`. Aligned blocks are compared
 *  with memcmp (Buffer.equals) instead of word by word: a large machine's state is mostly
 *  untouched frames, and a cold process would walk them in the interpreter (cold start). The
 *  deep checker skips those frames with it too (src/invariants). */
export function zeroRunEnd(I: Int32Array, i: number, to: number): number {
  // Word by word up to a small block's boundary (or the first nonzero word).
  const edge = Math.min(to, (i + SMALL - 1) & ~(SMALL - 1));
  while (i < edge && I[i] === 0) i++;
  if (i < edge) return i;
  // Whole zero blocks, big ones where aligned; then word by word again.
  for (;;) {
    if ((i & (BIG - 1)) === 0 && i + BIG <= to && zeroBlock(I, i, BIG, ZEROS)) i += BIG;
    else if (i + SMALL <= to && zeroBlock(I, i, SMALL, ZEROS_SMALL)) i += SMALL;
    else break;
  }
  while (i < to && I[i] === 0) i++;
  return i;
}
