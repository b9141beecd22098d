// FNV-1a over 32-bit words of linear memory: the host's state hash (src/wasm/engine.ts
// stateHash) computed here instead of in JavaScript. The same value as src/wasm/fnv.ts
// fnvWords over the same words, with the same shortcut (k zero words multiply h by
// FNV_PRIME^k, by squaring). A process hashes the state once, at the end of a run, so the
// JavaScript loop ran cold: ~35 ms of a 1-op run on a 1M-frame machine, a few ms here. Host
// work only: it reads the machine and writes nothing.
import { ld, imul } from "./platform";
import {
  region, R_END, AREAS, OPS, IOQ, PG_COUNT, PG_FLAGS, PG_INDEX, PG_CONTENT, PG_LRU_NEXT, PG_LRU_PREV, PG_HASH_NEXT,
  FREE_STACK, HASH_HEAD, PTES, HASH_TOUCHED, HASH_TOUCHED_MAX, nFrames, ioqMask, gget, G_IOQ_TAIL,
  touched_known, touched_frames, buckets_touched, freeFilled,
} from "./state";

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

/** h extended by the state arrays the host hashes after the agents' stacks (engine.ts
 *  stateHash): the words at [region(R_AREAS), region(R_OPS)), then at [region(R_IOQ),
 *  region(R_END)). The same value as fnv_words over those two ranges, but words the machine
 *  cannot have written since its boot are not read: they are zero (state.ts clear_touched
 *  says why), and k zero words are one fnv_zeros. Reading them would cost more than hashing:
 *  the first read of a page of memory nothing wrote is a page fault (about 10 us a 4 KiB
 *  page on this project's machines; a 1M-frame machine's state is ~55 MB, most never
 *  written by a short run). Per-frame words: frames below touched_frames(); swap-cache heads:
 *  the buckets note_bucket listed; the I/O ring: the requests queued since the boot. Without
 *  the bounds (a layout not yet booted, too many buckets, a ring gone round) it reads whole.
 *  test/engine/state-hash.test.ts holds it to the whole read. */
export function fnv_state_arrays(h: i32): i32 {
  if (!touched_known()) return fnv_words(IOQ, region(R_END), fnv_words(AREAS, OPS, h));
  const top = touched_frames();
  h = fnv_words(AREAS, PG_COUNT, h); // areas, mms
  h = fnv_frames(PG_COUNT, PG_FLAGS, top, h);
  h = fnv_frames(PG_FLAGS, PG_INDEX, top, h);
  h = fnv_frames(PG_INDEX, PG_CONTENT, top, h);
  h = fnv_frames(PG_CONTENT, PG_LRU_NEXT, top, h);
  h = fnv_frames(PG_LRU_NEXT, PG_LRU_PREV, top, h); // with the two list heads after the frames
  h = fnv_frames(PG_LRU_PREV, PG_HASH_NEXT, top, h);
  h = fnv_frames(PG_HASH_NEXT, FREE_STACK, top, h);
  h = fnv_free_stack(h);
  h = fnv_words(FREE_STACK + (nFrames << 2), HASH_HEAD, h); // slots
  h = fnv_hash_heads(h);
  h = fnv_words(PTES, OPS, h); // ptes, shadows, the workload
  return fnv_io_ring(h);
}

/** The free stack's nFrames words: below freeFilled, the frames they hold without having
 *  been written (position p: frame nFrames - 1 - p, never zero there), not read; the rest read. */
export function fnv_free_stack(h: i32): i32 {
  // Eight positions a turn: the loop runs once per process (a million turns on a 1M-frame
  // machine), in V8's baseline tier, where each turn's branch and interrupt check cost more
  // than its hashing.
  let v = nFrames - 1; // the frame at position p
  const end = nFrames - 1 - freeFilled;
  for (; v - 8 >= end; v -= 8) {
    h = imul(h ^ v, FNV_PRIME);
    h = imul(h ^ (v - 1), FNV_PRIME);
    h = imul(h ^ (v - 2), FNV_PRIME);
    h = imul(h ^ (v - 3), FNV_PRIME);
    h = imul(h ^ (v - 4), FNV_PRIME);
    h = imul(h ^ (v - 5), FNV_PRIME);
    h = imul(h ^ (v - 6), FNV_PRIME);
    h = imul(h ^ (v - 7), FNV_PRIME);
  }
  for (; v > end; v--) h = imul(h ^ v, FNV_PRIME);
  return fnv_words(FREE_STACK + (freeFilled << 2), FREE_STACK + (nFrames << 2), h);
}

/** One per-frame array at [base, end) (end: the next region, state.ts layout_machine's
 *  order): the words of frames below `top`, then nFrames - top zero words, then what lies
 *  between the last frame and `end` (the LRU arrays' list heads, padding). */
function fnv_frames(base: i32, end: i32, top: i32, h: i32): i32 {
  h = fnv_words(base, base + (top << 2), h);
  h = fnv_zeros(h, nFrames - top);
  return fnv_words(base + (nFrames << 2), end, h);
}

/** The swap-cache hash heads [HASH_HEAD, PTES): the listed buckets in address order, zero runs
 *  between (at most HASH_TOUCHED_MAX listed: a minimum found afresh for each is cheap). */
function fnv_hash_heads(h: i32): i32 {
  const listed = buckets_touched();
  if (listed > HASH_TOUCHED_MAX) return fnv_words(HASH_HEAD, PTES, h);
  let next = HASH_HEAD; // the first word not yet hashed
  for (let k = 0; k < listed; k++) {
    let b = PTES;
    for (let i = 0; i < listed; i++) {
      const a = ld(HASH_TOUCHED + (i << 2));
      if (a >= next && a < b) b = a;
    }
    h = fnv_zeros(h, (b - next) >> 2);
    h = fnv_words(b, b + 4, h);
    next = b + 4;
  }
  return fnv_zeros(h, (PTES - next) >> 2);
}

/** [IOQ, END): the ring's requests queued since the boot (8 bytes each), the zero rest of the
 *  ring, then the swap scratch. */
function fnv_io_ring(h: i32): i32 {
  const tail = gget(G_IOQ_TAIL);
  const ringEnd = IOQ + ((ioqMask + 1) << 3);
  if (tail < 0 || tail > ioqMask) return fnv_words(IOQ, region(R_END), h);
  h = fnv_words(IOQ, IOQ + (tail << 3), h);
  h = fnv_zeros(h, (ringEnd - IOQ - (tail << 3)) >> 2);
  return fnv_words(ringEnd, region(R_END), h);
}
