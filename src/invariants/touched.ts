// What a bulk run since the last boot can have touched, as the model keeps it (assembly/
// kernel/state.ts touched_frames, buckets_touched; the hunt's touched clear and check at rest
// use the same bounds): frames 0..top-1, and the swap-cache buckets add_to_swap_cache wrote.
// Every frame from top up is free, all its words zero, and on the free stack below position
// nFrames - top where the boot put it; every bucket not listed is empty. The deep checker's
// touched mode (check.ts) reads only within these bounds, so a check of a machine of a
// million frames reads the few thousand a run used, not 100 MB of never-written memory that
// the OS would first have to map (about 10 us a 4 KiB page).
import { R, HASH_TOUCHED_MAX } from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";
import type { Layout } from "./layout.js";
import { zeroRunEnd } from "../wasm/fnv.js";

/** Sets the layout's bounds for one check: touched, what the model says; else every frame and
 *  bucket (top = nFrames, every bucket, the free stack's boot prefix found by reading it). */
export function setBounds(L: Layout, e: Engine, touched: boolean): void {
  L.touched = touched;
  L.beyond = false;
  L.freeFilled = Math.min(Math.max(e.m.free_filled(), 0), L.nFrames);
  if (!touched) {
    L.top = L.nFrames;
    L.nBuckets = -1;
    return;
  }
  const top = e.m.touched_frames();
  // A bound outside the machine would be a bug of the model: read everything then.
  L.top = top > 0 && top <= L.nFrames ? top : L.nFrames;
  const listed = e.m.buckets_touched();
  L.nBuckets = listed >= 0 && listed <= HASH_TOUCHED_MAX ? listed : -1;
  if (L.nBuckets <= 0) return;
  // Bucket indices in the order the full walk meets them (the first page a lookup finds per
  // slot, and the first violation kept per signature, are as a whole walk's).
  const I = L.I32;
  const at = e.region(R.HASH_TOUCHED) >> 2;
  const b = L.buckets;
  for (let i = 0; i < L.nBuckets; i++) {
    b[i] = (I[at + i] >> 2) - L.HASH_HEAD;
    if (b[i] < 0 || b[i] >= L.hashSize) L.nBuckets = -1; // not a bucket: read them all
  }
  if (L.nBuckets > 0) b.subarray(0, L.nBuckets).sort();
}

/** Whether a frame past the bound may carry words the whole passes would report (it sets
 *  L.beyond then; the check is done whole). Those passes read every frame's words (its flags,
 *  its count) even where no pass follows a link to it (a page off every hash chain, the LRU
 *  lists between two operations), so the touched mode must not skip a frame past the bound
 *  that is not as the boot left it. When they are no more than the frames below the bound,
 *  their words are read (all zero, a block at a time); when they are more (a large machine's
 *  untouched frames, whose first read would cost a page fault every 4 KiB), no hash or LRU
 *  link below the bound may name one: nothing the model does would write one's words but
 *  through such a frame number. A pte, a hash chain or the free stack naming one is met by
 *  the passes (beyondTop). */
export function pastTopInDoubt(L: Layout): boolean {
  const I = L.I32;
  const top = L.top;
  const past = L.nFrames - top;
  if (past === 0) return false; // every frame read
  if (past <= top) {
    for (const at of [L.PG_COUNT, L.PG_FLAGS, L.PG_INDEX, L.PG_CONTENT, L.PG_HASH_NEXT, L.PG_LRU_NEXT, L.PG_LRU_PREV]) {
      if (zeroRunEnd(I, at + top, at + L.nFrames) !== at + L.nFrames) L.beyond = true;
    }
    return L.beyond;
  }
  for (const at of [L.PG_HASH_NEXT, L.PG_LRU_NEXT, L.PG_LRU_PREV]) {
    for (let f = 0; f < top; f++) if ((I[at + f] - top) >>> 0 < past) L.beyond = true;
  }
  // The two LRU list heads (after the frames' links).
  for (const at of [L.PG_LRU_NEXT + L.nFrames, L.PG_LRU_PREV + L.nFrames]) {
    for (let h = 0; h < 2; h++) if ((I[at + h] - top) >>> 0 < past) L.beyond = true;
  }
  return L.beyond;
}

/** A frame named by a pte, a hash chain, an LRU link or the free stack lies at or past the
 *  touched bound: the model's bounds do not hold (a broken state); the check is done whole. */
export function beyondTop(L: Layout, f: number): boolean {
  if (f < L.top || f >= L.nFrames) return false;
  L.beyond = true;
  return true;
}
