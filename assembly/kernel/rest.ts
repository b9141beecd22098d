// The fused check at rest: is the machine clean, now that every CPU is between operations,
// the disk idle and kswapd asleep? One pass over the state that only answers yes or no, run
// at the end of every hunt execution (hunt.ts, RUN_CLEAN) and by the host's checkInvariants
// (src/invariants/check.ts) before its full passes. Those passes find and describe each
// violation; this pass must call a state clean exactly when they find nothing, and "not
// clean" sends the state to them. Each test below names what they report for it (e.g.
// `cache-page:hash-chain`); test/invariants/fused.test.ts holds the two to the same answers
// on hunt end states and on those states broken word by word, in both builds. A new
// invariant goes into both.
//
// At rest nothing holds a temporary reference or a lock, so every count must be exact and
// every lock free. Its per-slot and per-frame counts and marks live in the R_REST_SCRATCH
// region, past the end of the state, laid out for machines of at most REST_MAX_FRAMES frames
// and REST_MAX_SLOTS slots (state.ts restCheck); on larger ones it answers false ("don't know").
//
// The hunt runs it over what its execution can have touched (clean_at_rest_touched): the
// frames below state.ts touched_frames() and the swap-cache buckets note_bucket listed. Every
// other frame is free with all its words zero and on the free stack where the boot put it, and
// every other bucket is empty, so each test below gives there the answer it gives when it reads
// them all (a frame past the bound that a pte, list or chain names fails as an untouched frame
// fails the whole pass: flags 0). test/invariants/rest-touched.test.ts holds the two passes to
// the same answer at the end of hunt executions.
import { ld, st, mem_fill } from "./platform";
import {
  nFrames, nMm, nPages, nAgents, nSlots, slotsShift, nAreaSlots, hashMask, MAX_AREAS, HASH_HEAD, FREE_STACK,
  HASH_TOUCHED, HASH_TOUCHED_MAX, buckets_touched, touched_frames,
  REST_SLOT_PTES, REST_SLOT_CACHE, REST_FRAME_MAPS, REST_FRAME_MARKS, restCheck,
  gget, G_PCL, G_SLL, G_LRU_LOCK, G_BKL, G_MMLIST_LOCK, G_TASKLIST_LOCK, G_NR_FREE, G_NR_SWAP_PAGES, G_SWAPOFF_AREA,
  mm_get, MM_USERS, MM_TEARDOWN, MM_PTL, MM_SEM, area_get, area_addr, AREA_WORDS, A_FLAGS, A_SDL, A_LOWEST, A_HIGHEST, SWP_USED, SWP_WRITEOK,
  swap_count, slot_content, slot_of, swp_type, swp_offset, SWAP_MAP_MAX, SWAP_MAP_BAD,
  page_flags, page_count, page_index, page_content, ZERO_PAGE, G_NR_ACTIVE, G_NR_INACTIVE, G_LRU_PENDING,
  PG_LOCKED, PG_UPTODATE, PG_DIRTY, PG_SWAPCACHE, PG_RESERVED, PG_INUSE, PG_LRU, PG_ACTIVE, PG_DELISTED, PG_BUFFERS,
  pte_get, shadow_get, pte_present, pte_frame, pte_to_swp_entry,
  ag_get, AG_BKL_DEPTH, AG_BKL_SAVED,
} from "./state";
import { AG_HELD, AG_SPINS_HELD } from "./locks";
import { bucket, hash_next } from "../mm/swap_state";
import { lru_active, lru_inactive, lru_next, lru_prev } from "../mm/swap";

/** No cache page for a slot: frame 0, the zero page, is never in the swap cache. */
const NO_PAGE: i32 = 0;

@inline function slot_ptes(s: i32): i32 { return ld(REST_SLOT_PTES + (s << 2)); }
@inline function set_slot_ptes(s: i32, v: i32): void { st(REST_SLOT_PTES + (s << 2), v); }
@inline function slot_cache(s: i32): i32 { return ld(REST_SLOT_CACHE + (s << 2)); }
@inline function set_slot_cache(s: i32, f: i32): void { st(REST_SLOT_CACHE + (s << 2), f); }
@inline function frame_maps(f: i32): i32 { return ld(REST_FRAME_MAPS + (f << 2)); }
@inline function set_frame_maps(f: i32, v: i32): void { st(REST_FRAME_MAPS + (f << 2), v); }
@inline function frame_marks(f: i32): i32 { return ld(REST_FRAME_MARKS + (f << 2)); }
@inline function set_frame_marks(f: i32, v: i32): void { st(REST_FRAME_MARKS + (f << 2), v); }
/** Frame marks: met in a hash chain (swap_cache_hash_sound), on the free stack (free_stack_sound). */
const MARK_HASHED: i32 = 1;
const MARK_FREE: i32 = 2;
/** Frame mark: met on an LRU list (lru_lists_sound). */
const MARK_LRU: i32 = 4;

/** The machine's own areas: those with a swap map (and scratch). The others never swapped on. */
@inline function own_areas(): i32 { return nAreaSlots < MAX_AREAS ? nAreaSlots : MAX_AREAS; }

/** Whether the quiescent state is clean (see the header); false also when the machine is too
 *  large for the pass, or in the one case of doubt (an area beyond the machine's own in use
 *  or locked), where the full passes decide. Allocates nothing. */
export function clean_at_rest(): bool { return rest_clean(nFrames, -1, 0); }

/** clean_at_rest's answer on the state the hunt's executions leave (see the header), reading
 *  only the frames and buckets the execution since the last boot can have written. */
export function clean_at_rest_touched(): bool {
  const listed = buckets_touched();
  const top = touched_frames();
  return rest_clean(top, listed > HASH_TOUCHED_MAX ? -1 : listed, nFrames - top);
}

/** Frames below `top` are read (the others, `untouched` of them, are free, zero and on the free
 *  stack below its position `untouched`); buckets: `listed` of HASH_TOUCHED's, or -1 every one. */
function rest_clean(top: i32, listed: i32, untouched: i32): bool {
  if (!restCheck) return false;
  if (!locks_free()) return false;
  const freeSlots = usable_free_slots();
  if (freeSlots < 0) return false;
  if (!stray_areas_quiet()) return false;                         // (the passes judge it)
  // sys_swapoff subtracts the area's pages up front; the counter only matches again after.
  if (gget(G_SWAPOFF_AREA) < 0 && gget(G_NR_SWAP_PAGES) != freeSlots) return false; // nr-swap-pages:counter
  if (!swap_cache_hash_sound(top, listed)) return false;
  const nFree = gget(G_NR_FREE);
  if (!free_stack_sound(nFree, top, untouched)) return false;
  if (!ptes_read_last_writes(top)) return false;
  if (!frames_counted(nFree, top, untouched)) return false;
  if (!swap_counts_exact()) return false;
  if (!lru_lists_sound(top)) return false;
  return agents_hold_nothing();
}

/** The global lock words, every mm's page_table_lock and mmap_sem (checkLocksFree). */
function locks_free(): bool {
  if ((gget(G_PCL) | gget(G_SLL) | gget(G_LRU_LOCK) | gget(G_BKL) | gget(G_MMLIST_LOCK) | gget(G_TASKLIST_LOCK)) != 0) return false; // lock-leak
  for (let mm = 0; mm < nMm; mm++) {
    if ((mm_get(mm, MM_PTL) | mm_get(mm, MM_SEM)) != 0) return false;              // lock-leak
    // Every pin put (swap_out, try_to_unuse), every teardown over: the process's own user only.
    if (mm_get(mm, MM_USERS) != 1 || mm_get(mm, MM_TEARDOWN) != 0) return false;   // lock-leak:mm-users
  }
  return true;
}

/**
 * The machine's own areas (collectAreas): no sdev_lock held, the header slot BAD, every free
 * slot of a writable area inside its [lowest_bit, highest_bit] bracket. Zeroes the scratch of
 * the areas in use. Returns the free usable slots (what nr_swap_pages must be), -1 when not clean.
 */
function usable_free_slots(): i32 {
  let free = 0;
  for (let a = 0; a < own_areas(); a++) {
    if (area_get(a, A_SDL) != 0) return -1;                       // lock-leak:sdev_lock
    const fl = area_get(a, A_FLAGS);
    if ((fl & SWP_USED) == 0) continue;
    const base = a << slotsShift;
    for (let s = base; s < base + nSlots; s++) { set_slot_ptes(s, 0); set_slot_cache(s, NO_PAGE); }
    if (swap_count(base) != SWAP_MAP_BAD) return -1;              // bad-slot:header
    if ((fl & SWP_WRITEOK) != SWP_WRITEOK) continue;
    const lowest = area_get(a, A_LOWEST), highest = area_get(a, A_HIGHEST);
    // Counted without a branch on each slot's count (free or not is as random as the run).
    let outside = 0;
    for (let off = 1; off < nSlots; off++) {
      const isFree = swap_count(base + off) == 0 ? 1 : 0;
      free += isFree;
      outside |= isFree & ((off < lowest ? 1 : 0) | (off > highest ? 1 : 0)); // nr-swap-pages:bracket
    }
    if (outside != 0) return -1;
  }
  return free;
}

/** The areas beyond the machine's own (no swap map) neither in use nor locked. When one is,
 *  the full passes judge it: this pass has no scratch for its slots. (Every hunt execution
 *  reads the thirty-odd areas a machine does not have: their flags and lock words are ORed
 *  apart, the flags masked once at the end, by a pointer stepped an area at a time.) */
function stray_areas_quiet(): bool {
  let flagsOr = 0, sdlOr = 0;
  const end = area_addr(MAX_AREAS, 0);
  for (let p = area_addr(own_areas(), 0); p < end; p += AREA_WORDS << 2) {
    flagsOr |= ld(p + (A_FLAGS << 2));
    sdlOr |= ld(p + (A_SDL << 2));
  }
  return (sdlOr | (flagsOr & SWP_USED)) == 0;
}

/** Global slot of an entry of an area in use, or -1 (the full passes' slotOf: they admit any
 *  area below MAX_AREAS, but one in use beyond the machine's own has already ended this pass). */
function rest_slot(entry: i32): i32 {
  const a = swp_type(entry);
  if (a >= own_areas() || swp_offset(entry) >= nSlots) return -1;
  if ((area_get(a, A_FLAGS) & SWP_USED) == 0) return -1;
  return slot_of(entry);
}

/**
 * The swap-cache hash, bucket by bucket as lookups walk it (scanSwapCacheHash): chains end,
 * every hashed page is PG_swapcache and sits in its key's bucket (swap_state.ts bucket).
 * Notes per slot the page a lookup of its entry returns: the first in its chain.
 */
function swap_cache_hash_sound(top: i32, listed: i32): bool {
  mem_fill(REST_FRAME_MARKS, 0, top << 2);
  if (listed >= 0) {
    for (let i = 0; i < listed; i++) if (!hash_chain_sound(ld(HASH_TOUCHED + (i << 2)), top)) return false;
    return true;
  }
  for (let b = 0; b <= hashMask; b++) if (!hash_chain_sound(HASH_HEAD + (b << 2), top)) return false;
  return true;
}

/** One bucket's chain (swap_cache_hash_sound). A frame at or past `top` fails: past nFrames
 *  out of range, else an untouched frame, which is not PG_swapcache. */
@inline function hash_chain_sound(head: i32, top: i32): bool {
  for (let f = ld(head); f != 0; f = hash_next(f)) {
    if (f < 0 || f >= top || (frame_marks(f) & MARK_HASHED) != 0) return false; // cache-page:hash-chain, hashed-not-cached
    set_frame_marks(f, MARK_HASHED);
    if ((page_flags(f) & PG_SWAPCACHE) == 0) return false;      // cache-page:hashed-not-cached
    const entry = page_index(f);
    if (bucket(entry) != head) return false;                    // cache-page:index
    const s = rest_slot(entry);
    if (s < 0) return false;                                    // scanFrames: a bad entry
    if (slot_cache(s) == NO_PAGE) set_slot_cache(s, f);
  }
  return true;
}

/** The free stack (checkFreeList): nFree distinct frames, none the zero page, none in use.
 *  Its `untouched` bottom positions hold the frames from `top` up, as the boot put them. */
function free_stack_sound(nFree: i32, top: i32, untouched: i32): bool {
  if (nFree < untouched || nFree > nFrames) return false;         // bug-on:free-list
  for (let i = untouched; i < nFree; i++) {
    const f = ld(FREE_STACK + (i << 2));
    if (f <= 0 || f >= top || (frame_marks(f) & MARK_FREE) != 0 || (page_flags(f) & PG_INUSE) != 0) {
      return false;                                               // bug-on:free-list
    }
    set_frame_marks(f, frame_marks(f) | MARK_FREE);
  }
  return true;
}

/** Every pte of a live mm reads the last value written to it (scanPtes); counts the present
 *  ptes per frame and the swap ptes per slot. */
function ptes_read_last_writes(top: i32): bool {
  mem_fill(REST_FRAME_MAPS, 0, top << 2);
  for (let mm = 0; mm < nMm; mm++) {
    for (let p = 0; p < nPages; p++) {
      const pte = pte_get(mm, p);
      const shadow = shadow_get(mm, p);
      if (pte == 0) {
        if (shadow != 0) return false;                            // data-lost:none
      } else if (pte_present(pte)) {
        if (!present_pte_reads(pte_frame(pte), shadow, top)) return false;
      } else if (!swap_pte_reads(pte_to_swp_entry(pte), shadow)) {
        return false;
      }
    }
  }
  return true;
}

function present_pte_reads(f: i32, shadow: i32, top: i32): bool {
  if (f >= top) return false;                                     // data-lost:bad-frame, free-frame (untouched)
  set_frame_maps(f, frame_maps(f) + 1);
  const content = page_content(f);
  if (f == ZERO_PAGE) return (shadow | content) == 0;             // data-lost:zero-page
  return (page_flags(f) & PG_INUSE) != 0 && content == shadow;    // data-lost:free-frame, present
}

function swap_pte_reads(entry: i32, shadow: i32): bool {
  const s = rest_slot(entry);
  if (s < 0) return false;                                        // bad-slot:invalid-entry, free-slot:unused-area
  set_slot_ptes(s, slot_ptes(s) + 1);
  const count = swap_count(s);
  if (swp_offset(entry) == 0 || count == SWAP_MAP_BAD || count == 0) return false; // bad-slot:pte, free-slot:pte
  // A fault reads the page a cache lookup returns once it is uptodate, else the slot.
  const f = slot_cache(s);
  const cached = f != NO_PAGE && (page_flags(f) & PG_UPTODATE) != 0;
  const content = cached ? page_content(f) : slot_content(s);
  // A clean, idle cache page holds what its slot holds: reclaim frees it unwritten.
  const stale = cached && (page_flags(f) & (PG_DIRTY | PG_LOCKED)) == 0 && slot_content(s) != content;
  return content == shadow && !stale;                             // data-lost:swap-cache, swap-slot, clean-cache
}

/**
 * Frames (scanFrames, checkPageCounts, checkFreeList, checkLocksFree's page locks): the zero
 * page reserved and uncached, no page locked, free pages uncounted and uncached, each page's
 * count exactly its ptes plus the swap cache plus its buffers (swap-buffers), and as many free
 * frames as the free stack holds
 * (its frames being distinct free ones, every free frame is on it).
 */
function frames_counted(nFree: i32, top: i32, untouched: i32): bool {
  const zf = page_flags(ZERO_PAGE);
  if ((zf & (PG_SWAPCACHE | PG_LOCKED)) != 0 || (zf & PG_RESERVED) == 0) return false; // cache-page:zero-page, lock-leak:page-lock
  let nFreeFrames = untouched;
  // Free or in use, cached or not, as random as the run: the counts are checked without a
  // branch on them (a free frame needs a count of 0 and no PG_swapcache), bad collects.
  let bad = 0;
  for (let f = 1; f < top; f++) {
    const fl = page_flags(f);
    const inUse = (fl & PG_INUSE) != 0 ? 1 : 0;
    const cached = (fl & PG_SWAPCACHE) != 0 ? 1 : 0;
    nFreeFrames += 1 - inUse;
    // swap-buffers: their own reference, on a swap-cache page only (every way out of the cache
    // frees them): buffers left on another page are a leak.
    const buffers = (fl & PG_BUFFERS) != 0 ? cached : 0;
    const need = inUse != 0 ? frame_maps(f) + cached + buffers : 0;
    bad |= (fl & PG_LOCKED)                                       // lock-leak:page-lock
      | (cached & (1 - inUse))                                    // cache-page:free-page
      | (page_count(f) != need ? 1 : 0)                           // bug-on:free-page-count, cache-page:count, bug-on:page-count/page-leak
      | (inUse & (page_count(f) == 0 ? 1 : 0));                   // bug-on:frame-leak (in use, held by nothing, count 0)
    if ((cached & inUse) != 0 && !cache_page_found(f)) return false;
  }
  return bad == 0 && nFreeFrames == nFree;                        // bug-on:free-list (lost)
}

/** A lookup of a cache page's entry returns it: else it is unhashed, hashed under another
 *  key, or one of two for the entry (swapcache-unique). And its slot is live. */
function cache_page_found(f: i32): bool {
  const entry = page_index(f);
  const s = rest_slot(entry);
  if (s < 0 || slot_cache(s) != f) return false;                  // cache-page:unhashed, swapcache-unique, ...
  const c = swap_count(s);
  return swp_offset(entry) != 0 && c != SWAP_MAP_BAD && c != 0;   // bad-slot:cache, free-slot:cached
}

/** swap_map counts (checkSlots): exactly the swap ptes plus the cache page, but for free, bad
 *  and sticky-MAX slots. Every cached slot has its one page noted (frames_counted made sure). */
function swap_counts_exact(): bool {
  for (let a = 0; a < own_areas(); a++) {
    if ((area_get(a, A_FLAGS) & SWP_USED) == 0) continue;
    const base = a << slotsShift;
    // Without a branch on each slot's count: free or in use is as random as the run.
    let bad = 0;
    for (let s = base + 1; s < base + nSlots; s++) {
      const count = swap_count(s);
      const counted = count != 0 && count < SWAP_MAP_MAX ? 1 : 0;
      const users = slot_ptes(s) + (slot_cache(s) != NO_PAGE ? 1 : 0);
      bad |= counted & (count != users ? 1 : 0);                  // swap-count:short, leak
    }
    if (bad != 0) return false;
  }
  return true;
}

/**
 * The LRU lists (checkLru; 2.4.16 mm/swap.c lru_cache_add/__lru_cache_del, mm/vmscan.c
 * refill_inactive): every in-use page (but a del-lru PG_DELISTED one) on exactly one list, the active list holding exactly the
 * PG_active ones, each list's length its counter (nr_active_pages, nr_inactive_pages), no
 * count-0 page left waiting for pagemap_lru_lock (lru_release_pending ran at its unlock).
 */
function lru_lists_sound(top: i32): bool {
  if (gget(G_LRU_PENDING) != 0) return false;                     // lru:pending
  const nActive = lru_list_length(lru_active(), PG_ACTIVE, top);
  if (nActive < 0 || nActive != gget(G_NR_ACTIVE)) return false; // lru:list, lru:flags, lru:nr_active
  const nInactive = lru_list_length(lru_inactive(), 0, top);
  if (nInactive < 0 || nInactive != gget(G_NR_INACTIVE)) return false; // ..., lru:nr_inactive
  // A page the walks did not meet: neither flag, and free (but the zero page). Without a
  // branch on each frame's mark: on a list or not is as random as the run. Under del-lru
  // (2.4.0, pre9: delete_from_swap_cache takes the page off the LRU, mapped or not) a page
  // in use may be unlisted when it is PG_DELISTED (never a swap-cache page: listing clears
  // the mark); without the flag no page carries the mark.
  let bad = 0;
  for (let f = 0; f < top; f++) {
    const fl = page_flags(f);
    const unmet = (frame_marks(f) & MARK_LRU) == 0 ? 1 : 0;
    bad |= unmet & (((fl & (PG_LRU | PG_ACTIVE)) != 0 ? 1 : 0)   // lru:flags
      | (f != ZERO_PAGE && (fl & (PG_INUSE | PG_DELISTED)) == PG_INUSE ? 1 : 0)); // lru:missing
  }
  return bad == 0;
}

/** Walks a list from its head as list_for_each does: the number of pages on it, or -1 when a
 *  link is out of range or inconsistent, a page is met twice or carries the wrong flags. */
@inline function lru_list_length(head: i32, active: i32, top: i32): i32 {
  let prev = head;
  let n = 0;
  for (let f = lru_next(head); f != head; f = lru_next(f)) {
    if (f <= ZERO_PAGE || f >= top || (frame_marks(f) & MARK_LRU) != 0 || lru_prev(f) != prev) return -1; // lru:list
    const fl = page_flags(f);
    if ((fl & (PG_LRU | PG_INUSE | PG_DELISTED)) != (PG_LRU | PG_INUSE) || (fl & PG_ACTIVE) != active) return -1; // lru:flags
    set_frame_marks(f, frame_marks(f) | MARK_LRU);
    prev = f;
    n++;
  }
  return lru_prev(head) == prev ? n : -1;                         // lru:list
}

/** No agent at rest still counts a lock as held (checkLocksFree: lock-leak:agent). */
function agents_hold_nothing(): bool {
  for (let a = 0; a < nAgents; a++) {
    if ((ag_get(a, AG_HELD) | ag_get(a, AG_SPINS_HELD)) != 0) return false; // lock-leak:agent
    // `| 0`: the JS twin's sum wraps as Wasm's does.
    if (((ag_get(a, AG_BKL_DEPTH) + ag_get(a, AG_BKL_SAVED)) | 0) != 0) return false; // lock-leak:agent
  }
  return true;
}
