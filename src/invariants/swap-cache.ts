// The swap cache (inv 2, 3): the hash chains as lookups walk them, and every PG_swapcache
// frame hashed, in use, keyed by a live slot, at most one per entry.
import { PG, SWAP_MAP_BAD, SWP_OFFSET_MASK, swpEntry } from "../wasm/abi.js";
import { fmtEntry, fmtPage } from "../report/events/types.js";
import { EMPTY_SLOT, slotOf, type Layout, type Collector } from "./layout.js";
import { beyondTop } from "./touched.js";
import { badEntryReport } from "./slots.js";
// The model hashes swap-cache keys with mix32 (assembly/kernel/rng.ts); the host's copy is
// src/workload/rng.ts.
import { mix32 } from "../workload/rng.js";
import { zeroRunEnd } from "../wasm/fnv.js";

// ---- the swap cache (inv 2, 3) ---------------------------------------------------------

/** Walks the hash buckets in order, as lookups do: per entry, the page a lookup returns. */
export function scanSwapCacheHash(L: Layout, I: Int32Array, v: Collector): void {
  const mark = L.frameMarkFor();
  if (L.nBuckets >= 0) {
    // Touched mode: the buckets written since the boot, in bucket order (every other is empty).
    for (let i = 0; i < L.nBuckets && !L.beyond; i++) hashChain(L, I, v, mark, L.buckets[i]);
    return;
  }
  for (let b = 0; b < L.hashSize && !L.beyond; b++) {
    // A run of empty buckets (most of a large machine's) is passed a block at a time.
    if (I[L.HASH_HEAD + b] === 0) b = zeroRunEnd(I, L.HASH_HEAD + b + 1, L.HASH_HEAD + L.hashSize) - L.HASH_HEAD - 1;
    else hashChain(L, I, v, mark, b);
  }
}

/** One bucket's chain, as a lookup walks it; stops at a frame past the touched bound. */
function hashChain(L: Layout, I: Int32Array, v: Collector, mark: Uint8Array, b: number): void {
  const mask = L.hashSize - 1;
  for (let f = I[L.HASH_HEAD + b]; f !== 0; f = I[L.PG_HASH_NEXT + f]) {
    if (beyondTop(L, f)) return;
    if (f < 0 || f >= L.nFrames || mark[f] !== 0) {
      v.add("cache-page", "hash-chain", `swap-cache hash bucket ${b} is corrupt at ${fmtPage(f)} (out of range or a loop)`, {
        bucket: b,
        page: f,
      });
      return;
    }
    mark[f] = 1;
    const entry = I[L.PG_INDEX + f];
    if ((I[L.PG_FLAGS + f] & PG.SWAPCACHE) === 0) {
      v.add("cache-page", "hashed-not-cached", `${fmtPage(f)} is in the swap-cache hash but not PG_swapcache`, { page: f, entry });
    } else if ((mix32(entry) & mask) !== b) {
      v.add(
        "cache-page",
        "index",
        `${fmtPage(f)} sits in the swap-cache hash chain of another key: its index changed to ${fmtEntry(entry)} while hashed`,
        { page: f, entry, bucket: b },
      );
    } else {
      const s = slotOf(L, I, entry);
      if (s >= 0 && L.slotCache[s] === EMPTY_SLOT) L.slotCache[s] = f;
    }
  }
}

/** Every PG_swapcache frame: hashed, in use, keyed by a live slot; at most one per entry. */
export function scanFrames(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector): void {
  L.dupSeen = false;
  const zf = I[L.PG_FLAGS];
  if ((zf & PG.SWAPCACHE) !== 0 || (zf & PG.RESERVED) === 0) {
    v.add("cache-page", "zero-page", `the zero page (page 0) lost PG_reserved or entered the swap cache (flags 0x${zf.toString(16)})`, {
      flags: zf,
    });
  }
  const top = L.top;
  for (let f = 1; f < top; f++) {
    const fl = I[L.PG_FLAGS + f];
    if ((fl & PG.SWAPCACHE) === 0) {
      // A run of frames without flags (a large machine's untouched ones) is passed a block at a time.
      if (fl === 0) f = zeroRunEnd(I, L.PG_FLAGS + f + 1, L.PG_FLAGS + top) - L.PG_FLAGS - 1;
      continue;
    }
    const entry = I[L.PG_INDEX + f];
    if ((fl & PG.INUSE) === 0) {
      v.add("cache-page", "free-page", `free ${fmtPage(f)} is still in the swap cache for ${fmtEntry(entry)}`, { page: f, entry });
    }
    if (L.frameMark[f] === 0) {
      v.add(
        "cache-page",
        "unhashed",
        `${fmtPage(f)} is PG_swapcache for ${fmtEntry(entry)} but not in the swap-cache hash: lookups miss it`,
        { page: f, entry },
      );
    }
    const s = slotOf(L, I, entry);
    if (s < 0) {
      badEntryReport(L, v, entry, `swap-cache ${fmtPage(f)}`, { page: f, entry });
      continue;
    }
    if (++L.slotCacheN[s] === 2) L.dupSeen = true;
    const count = U16[L.SWAP_MAP16 + s];
    if ((entry & SWP_OFFSET_MASK) === 0 || count === SWAP_MAP_BAD) {
      v.add("bad-slot", "cache", `swap-cache ${fmtPage(f)} is keyed by ${fmtEntry(entry)}, a bad or header slot`, {
        page: f,
        entry,
        count,
      });
    } else if (count === 0) {
      v.add("free-slot", "cached", `swap-cache ${fmtPage(f)} is keyed by ${fmtEntry(entry)}, whose slot is free`, { page: f, entry });
    }
  }
  // Reported once per entry, naming the page a lookup finds and the other one.
  if (!L.dupSeen) return;
  for (let i = 0; i < L.nUsed; i++) {
    const base = L.usedAreas[i] << L.slotsShift;
    for (let s = base; s < base + L.nSlots; s++) {
      const n = L.slotCacheN[s];
      if (n < 2) continue;
      const entry = swpEntry(s >> L.slotsShift, s & ((1 << L.slotsShift) - 1));
      const first = L.slotCache[s] !== EMPTY_SLOT ? L.slotCache[s] : otherCachePage(L, I, entry, 0);
      const other = otherCachePage(L, I, entry, first);
      v.add(
        "swapcache-unique",
        "dup",
        `${n === 2 ? "two" : n} swap-cache pages for ${fmtEntry(entry)}: ${fmtPage(first)} and ${fmtPage(other)}`,
        { entry: fmtEntry(entry), page: first, other, pages: n },
      );
    }
  }
}

/** A cache page keyed by entry other than `not` (violation path only). */
function otherCachePage(L: Layout, I: Int32Array, entry: number, not: number): number {
  for (let f = 1; f < L.top; f++) {
    if (f !== not && (I[L.PG_FLAGS + f] & PG.SWAPCACHE) !== 0 && I[L.PG_INDEX + f] === entry) return f;
  }
  return 0;
}
