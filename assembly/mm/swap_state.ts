// mm/swap_state.c: the swap cache. The hash helpers at the top are shared by swapfile.ts,
// vmscan.ts and memory.ts; the procedures below are the kernel paths, in three variants
// selected by model.ts flags: 2.4.16 (F_UNIQUE_ADD), 2.4.0 (F_EARLY_DUP), 2.4.10-pre (neither).
import { ld, st } from "../kernel/platform";
import {
  HASH_HEAD, PG_HASH_NEXT, hashMask, page_flags, set_page_flags, set_page_index, page_index,
  get_page, page_count, page_test, page_set, page_clear, gaddr, stat, slot_of, swap_tmp_add, note_bucket,
  G_PCL, G_LRU_LOCK, G_NR_ASYNC_PAGES, gget, PG_SWAPCACHE, PG_LOCKED, PG_UPTODATE, PG_DIRTY, PG_INUSE, PG_DELISTED, PG_LAUNDER, PG_BUFFERS, swap_count,
  PG_REFERENCED, PG_ACTIVE, S_EEXIST_RACES, S_ENOENT_RACES, S_READAHEAD,
} from "../kernel/state";
import { mix32 } from "../kernel/rng";
import { bug, V_SWAPCACHE_UNIQUE, V_PAGE_LOCK, V_BUG_ON, V_DIRTY_LIST } from "../kernel/check";
import { l, set_l, next, call, call_now, now, ret, ret_val, BLOCK, YIELD, bad_pc } from "../kernel/frame";
import { spin_lock, spin_unlock, lock_page, unlock_page, trylock_page, wait_on_page, LK_PCL, LK_LRU } from "../kernel/locks";
import { lru_cache_add_nolock_240, activate_page_nolock, lru_cache_del_delist } from "./swap";
import { trace, tracing } from "../kernel/trace";
import {
  P_ALLOC_PAGE, P_ADD_TO_SWAP_CACHE, P_SWAP_DUPLICATE, P_SWAP_FREE, P_VALID_SWAPHANDLES,
  P_READ_SWAP_CACHE_ASYNC, P_REMOVE_EXCLUSIVE_SWAP_PAGE, P_LRU_CACHE_ADD, P_LRU_CACHE_DEL,
  P_DELETE_FROM_SWAP_CACHE, P_LOOKUP_SWAP_CACHE, ENOENT, EEXIST,
} from "../kernel/procs";
import {
  has, F_UNIQUE_ADD, F_EARLY_DUP, F_READAHEAD_REFS, F_REMOVE_EXCLUSIVE, F_FREE_UNDER_PCL, F_WRITEPAGE_DELETE,
  F_SYNC_SWAPIN, F_READAHEAD_THROTTLE, has2, F2_ADD_BEFORE_PCL, F2_PCL_LRU, F2_DEL_LRU, F2_PLAIN_ADD_FLAGS, F2_SET_PAGE_DIRTY_RECHECK,
} from "../model";
import { cfg, CFG_PAGE_CLUSTER } from "../kernel/config";
import { put_page } from "./page_alloc";
import { try_to_free_buffers, page_count_users } from "./buffer";
import { rw_swap_page, rw_swap_page_wait, READ, WRITE } from "./page_io";
import { readahead_start } from "./swapfile";

/** Address of the hash bucket of entry's swap-cache pages (kernel/rest.ts checks by it too). */
@inline export function bucket(entry: i32): i32 { return HASH_HEAD + ((mix32(entry) & hashMask) << 2); }
@inline export function hash_next(f: i32): i32 { return ld(PG_HASH_NEXT + (f << 2)); }
@inline function set_hash_next(f: i32, v: i32): void { st(PG_HASH_NEXT + (f << 2), v); }

/** __find_page_nolock(&swapper_space, entry): the first cached page for entry, or 0. No ref, no lock. */
export function swap_cache_find(entry: i32): i32 {
  let f = ld(bucket(entry));
  while (f != 0) {
    if (page_index(f) == entry) return f;
    f = hash_next(f);
  }
  return 0;
}

/** How many cached pages carry entry (the invariant allows one). */
export function swap_cache_count(entry: i32): i32 {
  let n = 0;
  let f = ld(bucket(entry));
  while (f != 0) {
    if (page_index(f) == entry) n++;
    f = hash_next(f);
  }
  return n;
}

/** __add_to_page_cache(page, &swapper_space, entry): caller holds PCL and the page is locked
 *  (2.4 locks it here; callers lock first). Takes the cache's page ref. Inserting a second
 *  page for an entry is the seed's race: V_SWAPCACHE_UNIQUE, recorded with (entry, old, new). */
export function swap_cache_insert(page: i32, entry: i32): void {
  set_page_flags(page, page_flags(page) | PG_SWAPCACHE);
  get_page(page);
  swap_cache_hash(page, entry);
}

/** The part of the insert under PCL in 2.4.0's add_to_page_cache_locked (mm/filemap.c): the
 *  index and the hash; the page lock and the key's uniqueness checked as swap_cache_insert. */
function swap_cache_hash(page: i32, entry: i32): void {
  if ((page_flags(page) & PG_LOCKED) == 0) bug(V_PAGE_LOCK, page, entry, 0);
  const other = swap_cache_find(entry);
  if (other != 0) bug(V_SWAPCACHE_UNIQUE, entry, other, page);
  set_page_index(page, entry);
  const b = bucket(entry);
  const head = ld(b);
  if (head == 0) note_bucket(b); // the touched clear and check at rest find it (kernel/state.ts)
  set_hash_next(page, head);
  st(b, page);
}

/** __delete_from_swap_cache: caller holds PCL and the page lock. Unhashes the page; does not
 *  free the slot nor drop the cache's page ref (callers do both). */
export function swap_cache_remove(page: i32): void {
  if ((page_flags(page) & PG_LOCKED) == 0) bug(V_PAGE_LOCK, page, page_index(page), 1);
  const b = bucket(page_index(page));
  let prev = 0;
  let f = ld(b);
  while (f != 0 && f != page) { prev = f; f = hash_next(f); }
  if (f == page) {
    if (prev == 0) st(b, hash_next(page)); else set_hash_next(prev, hash_next(page));
  }
  set_hash_next(page, 0);
  set_page_flags(page, page_flags(page) & ~PG_SWAPCACHE);
  set_page_index(page, 0);
}

// ---- procedures ------------------------------------------------------------------------
// Events 200-299 (wording: src/report/events/swap_state.ts).
export const EV_LOOKUP_HIT: i32 = 200;     // (entry, page, page count after the get)
export const EV_LOOKUP_MISS: i32 = 201;    // (entry, 0, 0)
export const EV_ADD: i32 = 202;            // (page, entry, pages now cached for entry: 2 = the seed race)
export const EV_ADD_EEXIST: i32 = 203;     // (page, entry, page already cached)
export const EV_ADD_ENOENT: i32 = 204;     // (page, entry, 0): swap_duplicate failed, slot free
export const EV_DELETE: i32 = 205;         // (page, entry, 0)
export const EV_READAHEAD: i32 = 206;      // (entry faulted, first entry of the window, slots counted)
export const EV_READ_BACKOFF: i32 = 207;   // (new page, entry, cached page): found after allocating, new page dropped
export const EV_READ_NOSLOT: i32 = 208;    // (new page, entry, 0): swap_duplicate failed, new page dropped
export const EV_WRITE_NOT_NEEDED: i32 = 209; // (page, entry, how): no write: remove_exclusive_swap_page freed it (0), or pre9 deletes it (1)
export const EV_READAHEAD_STOP: i32 = 210; // (entry, 0, 0): read_swap_cache_async gave nothing, readahead stops
export const EV_LOOKUP_RACED: i32 = 211;   // (entry, page, 0): 2.4.0: the page left the cache while we slept for its lock; retry
export const EV_READAHEAD_THROTTLED: i32 = 212; // (entry, nr_async_pages, limit): readahead stops before entry
export const EV_READ_WAIT_DONE: i32 = 213; // (page, entry, 0): 2.4.0 read_swap_cache(entry): its read is done
export const EV_SET_DIRTY: i32 = 214;     // (page, 0, 0): set_page_dirty moved the page to swapper_space's dirty list under pagecache_lock
export const EV_ADD_FLAGS_LOST: i32 = 215; // (page, bits lost, flags stored): __add_to_page_cache's plain store undid another CPU's bit update
export const EV_SET_DIRTY_GONE: i32 = 217; // (page, 0, 0): set_page_dirty's recheck under pagecache_lock: the page left the swap cache, nothing moved
export const EV_ADD_FLAGS_LOST_OLD: i32 = 216; // (page, bits lost, flags stored): 2.4.0/pre9 add_to_swap_cache's plain store of page->flags undid another CPU's bit update

// BUG() codes of this file, as the first value of V_BUG_ON.
export const BUG_ADD_MAPPED: i32 = 200;    // add_to_swap_cache: page already in the swap cache
export const BUG_DELETE_UNCACHED: i32 = 201; // delete_from_swap_cache: page not in the swap cache
export const BUG_NEW_PAGE_LOCKED: i32 = 202; // read_swap_cache_async (2.4.10-pre9): TryLockPage of the new page failed

// ---- set_page_dirty ------------------------------------------------------------------------
// 2.4.0 include/linux/mm.h set_page_dirty + mm/filemap.c __set_page_dirty; 2.4.16 mm/filemap.c
// set_page_dirty. test_and_set_bit(PG_dirty) first; only when the bit was clear, and (2.4.16
// tests it, 2.4.0's callers ensure it) the page has a mapping, pagecache_lock is taken to move
// the page to mapping->dirty_pages and dropped (mark_inode_dirty_pages: swapper_space has no
// host inode). The model's only mapping is swapper_space, i.e. PG_swap_cache. A caller runs
// set_page_dirty_bit in its section and, when it says so, set_page_dirty_locked first in a
// section of its own (the one blocking lock, taken first), going on after it in a later step.

/** The test_and_set_bit: true when pagecache_lock must be taken next. */
export function set_page_dirty_bit(page: i32): bool {
  if (page_test(page, PG_DIRTY)) return false;
  page_set(page, PG_DIRTY);
  return page_test(page, PG_SWAPCACHE);
}

/** The pagecache_lock part: false when the agent now spins (return BLOCK). The model keeps
 *  no clean/dirty page lists: what is left is the lock's hold and the mapping it moves the page
 *  under. 2.4.16 (mm/filemap.c set_page_dirty) read page->mapping before the lock and does not
 *  read it again; 2.4.0 (mm/filemap.c __set_page_dirty) reads it after test_and_set_bit, before
 *  the lock, with no NULL test. Neither holds the page lock, so a delete_from_swap_cache on
 *  another CPU (try_to_unuse, free_swap_and_cache: they hold the page lock, not the zap's PTL)
 *  can take the page out of swapper_space before this section: then page->list, unlinked by
 *  __remove_inode_page, is list_del'ed again and linked onto swapper_space.dirty_pages for a
 *  page no longer in swapper_space (2.4.0: or the NULL mapping is followed), and the free lists
 *  reuse page->list once the page is freed: V_DIRTY_LIST. 2.4.20 reads the mapping again under
 *  the lock ("may have been truncated") and moves nothing then (flag set-page-dirty-recheck). */
export function set_page_dirty_locked(page: i32): bool {
  if (!spin_lock(gaddr(G_PCL), LK_PCL)) return false;
  const cached = page_test(page, PG_SWAPCACHE);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  if (cached) trace(EV_SET_DIRTY, page, 0, 0);
  else if (has2(F2_SET_PAGE_DIRTY_RECHECK)) trace(EV_SET_DIRTY_GONE, page, 0, 0);
  else bug(V_DIRTY_LIST, page, 0, 0);
  return true;
}

/** find_get_page(&swapper_space, entry) with PCL held: the page with a ref taken, or 0. */
function find_get_page(entry: i32): i32 {
  const page = swap_cache_find(entry);
  if (page != 0) get_page(page);
  return page;
}

/** One PCL section of a cache lookup: the page with a ref, 0 on a miss, -1 = BLOCK. */
function lookup_section(entry: i32): i32 {
  if (!spin_lock(gaddr(G_PCL), LK_PCL)) return -1;
  const page = find_get_page(entry);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  if (page != 0) trace(EV_LOOKUP_HIT, entry, page, page_count(page));
  else trace(EV_LOOKUP_MISS, entry, 0, 0);
  return page;
}

/** A swap_map reference this path holds but has not handed to the cache yet (invariant 1). */
@inline function hold_tmp_ref(entry: i32): void { swap_tmp_add(slot_of(entry), 1); }
@inline function drop_tmp_ref(entry: i32): void { swap_tmp_add(slot_of(entry), -1); }

/** lookup_swap_cache(entry) → page with a ref taken, or 0; the page is returned unlocked.
 *  2.4.16 and 2.4.10-pre9 (mm/swap_state.c lookup_swap_cache: find_get_page): one PCL section.
 *  2.4.0 (F_SYNC_SWAPIN; mm/swap_state.c lookup_swap_cache over mm/filemap.c
 *  __find_lock_page): find and get the page under PCL, sleep for its page lock, and if it is
 *  no longer in the swap cache drop it and search again. Like the kernel, it checks only that
 *  the page is still cached (page->mapping, PageSwapCache), not that its key is still entry.
 *  The two checks share the lock_page's section: every path that takes a page out of the swap
 *  cache holds its page lock (swap_cache_remove checks), so while we hold it those reads cannot
 *  change. The UnlockPage is the next section's (LSC_UNLOCK, since 6 Dec 2026; before, the
 *  lock was dropped in the section that took it): between the two the page is seen locked,
 *  and another CPU's TryLockPage (a zap's free_page_and_swap_cache, do_wp_page, reclaim) fails
 *  there as in 2.4.0. */
// Locals: the argument; the page found. Sections (F_SYNC_SWAPIN; else one PCL section): find
// and get under PCL, then lock_page and the recheck; with F2_PCL_LRU (2.4.0's age_page_up) a
// page off the active list is found under PCL, then activated under LRU, PCL still held, and
// got (LSC_AGE), before lock_page.
const LSC_ENTRY: i32 = 0;
const LSC_PAGE: i32 = 6;
const LSC_FIND: i32 = 0;
const LSC_LOCK: i32 = 1;
const LSC_AGE: i32 = 2; // flag pcl-lru: age_page_up's activate_page, PCL held
const LSC_UNLOCK: i32 = 3; // the page locked and still cached: UnlockPage, return it
export function lookup_swap_cache(pc: i32): i32 {
  if (!has(F_SYNC_SWAPIN)) {
    const page = lookup_section(l(LSC_ENTRY));
    if (page < 0) return BLOCK;
    return ret(page);
  }
  switch (pc) {
    case LSC_FIND: { // __find_lock_page: repeat:
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      const page = swap_cache_find(l(LSC_ENTRY));
      if (page != 0 && has2(F2_PCL_LRU) && !page_test(page, PG_ACTIVE)) {
        // 2.4.0 mm/filemap.c __find_page_nolock: age_page_up(page) (mm/swap.c), whose
        // activate_page takes pagemap_lru_lock when the page's age is 0, PCL held. The model
        // keeps no age: a page off the active list stands for age 0 (2.4.0's
        // deactivate_page_nolock zeroes the age as it takes a page off the active list).
        set_l(LSC_PAGE, page);
        return next(LSC_AGE);
      }
      if (page != 0) get_page(page); // page_cache_get, PCL held
      spin_unlock(gaddr(G_PCL), LK_PCL);
      if (page == 0) {
        trace(EV_LOOKUP_MISS, l(LSC_ENTRY), 0, 0);
        return ret(0);
      }
      set_l(LSC_PAGE, page);
      return next(LSC_LOCK);
    }
    case LSC_LOCK: { // lock_page(page) [S]
      const page = l(LSC_PAGE);
      if (!lock_page(page)) return BLOCK;
      if (!page_test(page, PG_SWAPCACHE)) { // we raced: release and try again
        unlock_page(page);
        put_page(page);
        trace(EV_LOOKUP_RACED, l(LSC_ENTRY), page, 0);
        return next(LSC_FIND);
      }
      return next(LSC_UNLOCK);
    }
    case LSC_UNLOCK: {
      const page = l(LSC_PAGE);
      unlock_page(page);
      trace(EV_LOOKUP_HIT, l(LSC_ENTRY), page, page_count(page));
      return ret(page);
    }
    case LSC_AGE: { // age_page_up → activate_page (linux-2.4.0 mm/swap.c), PCL held
      const page = l(LSC_PAGE);
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      activate_page_nolock(page);
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      // (__find_page_nolock's wakeup_kswapd(0) on an inactive shortage is aging policy: not
      // modelled.) Back in __find_lock_page: page_cache_get, spin_unlock(&pagecache_lock),
      // then lock_page in the next section.
      get_page(page);
      spin_unlock(gaddr(G_PCL), LK_PCL);
      return next(LSC_LOCK);
    }
  }
  return bad_pc();
}

// ---- read_swap_cache_async --------------------------------------------------------------
// Locals, shared by the three variants below: the arguments (entry, and 2.4.0's wait), the
// newly allocated page (0 until allocated), the page to return.
const RSCA_ENTRY: i32 = 0;
const RSCA_WAIT: i32 = 1;
const RSCA_NEW_PAGE: i32 = 6;
const RSCA_RESULT: i32 = 7;

/** read_swap_cache_async(entry) → page with a ref taken (locked until its read completes), or 0. */
export function read_swap_cache_async(pc: i32): i32 {
  if (has(F_UNIQUE_ADD)) return read_swap_cache_async_2_4_16(pc);
  if (has(F_EARLY_DUP)) return read_swap_cache_async_2_4_0(pc);
  return read_swap_cache_async_2_4_10(pc);
}

/** 2.4.16: lookup / allocate once / add_to_swap_cache, looping on -EEXIST. */
// Sections: the lookup, back from alloc_page, back from add_to_swap_cache.
const RSCA16_LOOKUP: i32 = 0;
const RSCA16_ALLOCATED: i32 = 1;
const RSCA16_ADDED: i32 = 2;
function read_swap_cache_async_2_4_16(pc: i32): i32 {
  switch (pc) {
    case RSCA16_LOOKUP: { // do { found_page = find_get_page(...)
      const found = lookup_section(l(RSCA_ENTRY));
      if (found < 0) return BLOCK;
      if (found != 0) {
        if (l(RSCA_NEW_PAGE) != 0) drop_new_page(found);
        return ret(found);
      }
      // RSCA16_ALLOCATED and the (2.4.16) add's first section only call on: one step with the
      // allocation's return.
      if (l(RSCA_NEW_PAGE) == 0) return call(P_ALLOC_PAGE, now(RSCA16_ALLOCATED), 0, 0, 0, 0);
      return call_now(P_ADD_TO_SWAP_CACHE, RSCA16_ADDED, l(RSCA_NEW_PAGE), l(RSCA_ENTRY), 0, 0);
    }
    case RSCA16_ALLOCATED: { // new_page = alloc_page(GFP_HIGHUSER)
      const page = ret_val();
      if (page == 0) return ret(0); // out of memory
      set_l(RSCA_NEW_PAGE, page);
      return call_now(P_ADD_TO_SWAP_CACHE, RSCA16_ADDED, page, l(RSCA_ENTRY), 0, 0);
    }
    case RSCA16_ADDED: { // err = add_to_swap_cache(new_page, entry)
      const err = ret_val();
      if (err == 0) {
        rw_swap_page(l(RSCA_NEW_PAGE), READ);
        return ret(l(RSCA_NEW_PAGE));
      }
      if (err == EEXIST) return next(RSCA16_LOOKUP); // someone else's page got in first: look it up
      put_page(l(RSCA_NEW_PAGE)); // -ENOENT: the slot was freed meanwhile
      return ret(0);
    }
  }
  return bad_pc();
}

/** 2.4.0 (mm/swap_state.c read_swap_cache_async(entry, wait)): swap_duplicate first (the
 *  cache's ref), lookup_swap_cache, allocate [S], lookup_swap_cache again, lock_page, unchecked
 *  add, rw_swap_page(READ, page, wait). With F_SYNC_SWAPIN both lookups are 2.4.0's locking
 *  lookup_swap_cache (each may sleep on a page lock), and RSCA_WAIT = wait: do_swap_page's
 *  read_swap_cache(entry) passes 1 and sleeps here until the disk has read the page (uncounted
 *  in nr_async_pages, mm/page_io.c rw_swap_page_base); readahead passes 0. */
// Sections: swap_duplicate, back from it, the first lookup (or back from the locking one),
// back from alloc_page, the second lookup (or back from the locking one), lock_page and the
// add, back from the add, the read's wait, back from swap_free of the duplicate.
const RSCA0_DUPLICATE: i32 = 0;
const RSCA0_DUPLICATED: i32 = 1;
const RSCA0_LOOKUP: i32 = 2;
const RSCA0_ALLOCATED: i32 = 3;
const RSCA0_RELOOKUP: i32 = 4;
const RSCA0_LOCK: i32 = 5;
const RSCA0_ADDED: i32 = 6;
const RSCA0_DUP_FREED: i32 = 7;
const RSCA0_LOOKED_UP: i32 = 8;
const RSCA0_RELOOKED_UP: i32 = 9;
const RSCA0_READ_WAIT: i32 = 10;
function read_swap_cache_async_2_4_0(pc: i32): i32 {
  switch (pc) {
    case RSCA0_DUPLICATE: // make sure the swap entry is still in use
      // RSCA0_DUPLICATED, RSCA0_ALLOCATED, RSCA0_DUP_FREED and RSCA0_LOOKED_UP touch nothing
      // shared before their next point (tmp-ref bookkeeping is this path's own).
      return call(P_SWAP_DUPLICATE, now(RSCA0_DUPLICATED), l(RSCA_ENTRY), 0, 0, 0);
    case RSCA0_DUPLICATED:
      if (ret_val() == 0) return ret(0);
      hold_tmp_ref(l(RSCA_ENTRY));
      if (has(F_SYNC_SWAPIN)) return call(P_LOOKUP_SWAP_CACHE, now(RSCA0_LOOKED_UP), l(RSCA_ENTRY), 0, 0, 0);
      return next(RSCA0_LOOKUP);
    case RSCA0_LOOKUP: {
      const found = lookup_section(l(RSCA_ENTRY));
      if (found < 0) return BLOCK;
      return first_lookup_done(found);
    }
    case RSCA0_LOOKED_UP:
      return first_lookup_done(ret_val());
    case RSCA0_ALLOCATED: {
      const page = ret_val();
      if (page == 0) return release_dup_and_return(0); // out of memory
      set_l(RSCA_NEW_PAGE, page);
      // check the swap cache again, in case we stalled above
      if (has(F_SYNC_SWAPIN)) return call(P_LOOKUP_SWAP_CACHE, RSCA0_RELOOKED_UP, l(RSCA_ENTRY), 0, 0, 0);
      return next(RSCA0_RELOOKUP);
    }
    case RSCA0_RELOOKUP: {
      const found = lookup_section(l(RSCA_ENTRY));
      if (found < 0) return BLOCK;
      return second_lookup_done(found);
    }
    case RSCA0_RELOOKED_UP:
      return second_lookup_done(ret_val());
    case RSCA0_LOCK:
      if (!lock_page(l(RSCA_NEW_PAGE))) return BLOCK;
      return call(P_ADD_TO_SWAP_CACHE, RSCA0_ADDED, l(RSCA_NEW_PAGE), l(RSCA_ENTRY), 0, 0);
    case RSCA0_ADDED: // our swap_duplicate is now the cache's reference
      drop_tmp_ref(l(RSCA_ENTRY));
      if (l(RSCA_WAIT) == 0) {
        rw_swap_page(l(RSCA_NEW_PAGE), READ);
        return ret(l(RSCA_NEW_PAGE));
      }
      rw_swap_page_wait(l(RSCA_NEW_PAGE), READ);
      return next(RSCA0_READ_WAIT);
    case RSCA0_READ_WAIT: // rw_swap_page_base: wait_on_page [S]
      if (!wait_on_page(l(RSCA_NEW_PAGE))) return BLOCK;
      trace(EV_READ_WAIT_DONE, l(RSCA_NEW_PAGE), l(RSCA_ENTRY), 0);
      return ret(l(RSCA_NEW_PAGE));
    case RSCA0_DUP_FREED: // back from swap_free of our duplicate
      return ret(l(RSCA_RESULT));
  }
  return bad_pc();
}

function first_lookup_done(found: i32): i32 {
  if (found != 0) return release_dup_and_return(found);
  return call(P_ALLOC_PAGE, now(RSCA0_ALLOCATED), 0, 0, 0, 0);
}

function second_lookup_done(found: i32): i32 {
  if (found != 0) {
    drop_new_page(found);
    return release_dup_and_return(found);
  }
  return next(RSCA0_LOCK);
}

/** The entry got a cached page while this reader allocated: out_free_page. */
function drop_new_page(found: i32): void {
  trace(EV_READ_BACKOFF, l(RSCA_NEW_PAGE), l(RSCA_ENTRY), found);
  put_page(l(RSCA_NEW_PAGE));
}

/** out_free_swap: swap_free(entry), then return page (RSCA_RESULT). */
function release_dup_and_return(page: i32): i32 {
  set_l(RSCA_RESULT, page);
  drop_tmp_ref(l(RSCA_ENTRY));
  return call(P_SWAP_FREE, now(RSCA0_DUP_FREED), l(RSCA_ENTRY), 0, 0, 0);
}

/** 2.4.10-pre9 (mm/swap_state.c read_swap_cache_async, the "-" side of Hugh Dickins' 15 Sep
 *  2001 patch): __find_get_page, alloc_page [S], __find_get_page again, swap_duplicate,
 *  TryLockPage (a BUG if the new page were locked: nobody else can know it), unchecked add,
 *  rw_swap_page(READ). The BKL (held by the caller, dropped while alloc_page sleeps) is all
 *  that guards the second lookup against the add. */
// Sections: the lookup, back from alloc_page, the second lookup, back from swap_duplicate,
// TryLockPage and the add, back from the add.
const RSCA10_LOOKUP: i32 = 0;
const RSCA10_ALLOCATED: i32 = 1;
const RSCA10_RELOOKUP: i32 = 2;
const RSCA10_DUPLICATED: i32 = 3;
const RSCA10_ADD: i32 = 4;
const RSCA10_ADDED: i32 = 5;
function read_swap_cache_async_2_4_10(pc: i32): i32 {
  switch (pc) {
    case RSCA10_LOOKUP: {
      const found = lookup_section(l(RSCA_ENTRY));
      if (found < 0) return BLOCK;
      if (found != 0) return ret(found);
      return call(P_ALLOC_PAGE, now(RSCA10_ALLOCATED), 0, 0, 0, 0); // RSCA10_ALLOCATED touches nothing shared
    }
    case RSCA10_ALLOCATED: {
      const page = ret_val();
      if (page == 0) return ret(0); // out of memory
      set_l(RSCA_NEW_PAGE, page);
      return next(RSCA10_RELOOKUP);
    }
    case RSCA10_RELOOKUP: { // check the swap cache again, in case we stalled above
      const found = lookup_section(l(RSCA_ENTRY));
      if (found < 0) return BLOCK;
      if (found != 0) {
        drop_new_page(found);
        return ret(found);
      }
      // make sure the swap entry is still in use: it could have gone while we allocated
      return call(P_SWAP_DUPLICATE, RSCA10_DUPLICATED, l(RSCA_ENTRY), 0, 0, 0);
    }
    case RSCA10_DUPLICATED:
      if (ret_val() == 0) {
        put_page(l(RSCA_NEW_PAGE));
        trace(EV_READ_NOSLOT, l(RSCA_NEW_PAGE), l(RSCA_ENTRY), 0);
        return ret(0);
      }
      hold_tmp_ref(l(RSCA_ENTRY));
      return next(RSCA10_ADD);
    case RSCA10_ADD:
      if (!trylock_page(l(RSCA_NEW_PAGE))) bug(V_BUG_ON, BUG_NEW_PAGE_LOCKED, l(RSCA_NEW_PAGE), l(RSCA_ENTRY));
      return call(P_ADD_TO_SWAP_CACHE, RSCA10_ADDED, l(RSCA_NEW_PAGE), l(RSCA_ENTRY), 0, 0);
    case RSCA10_ADDED: // our swap_duplicate is now the cache's reference
      drop_tmp_ref(l(RSCA_ENTRY));
      rw_swap_page(l(RSCA_NEW_PAGE), READ);
      return ret(l(RSCA_NEW_PAGE));
  }
  return bad_pc();
}

// ---- add_to_swap_cache ------------------------------------------------------------------

/** add_to_swap_cache(page, entry) → 0, -EEXIST, -ENOENT. Leaves the page locked in the cache. */
// Locals, shared by the two variants below: the arguments.
const ATSC_PAGE: i32 = 0;
const ATSC_ENTRY: i32 = 1;
export function add_to_swap_cache(pc: i32): i32 {
  if (has(F_UNIQUE_ADD)) return add_to_swap_cache_unique(pc);
  return add_to_swap_cache_unchecked(pc);
}

/** __add_to_page_cache's flag update: locked; uptodate, dirty, referenced cleared. */
function add_page_flags(page: i32): void {
  set_page_flags(page, add_flags_of(page_flags(page)));
}

/** The page->flags word __add_to_page_cache stores, from the word it read. */
@inline function add_flags_of(read: i32): i32 {
  return (read & ~(PG_UPTODATE | PG_DIRTY | PG_REFERENCED)) | PG_LOCKED;
}

// The flag bits that are no page->flags bit of 2.4.16 (PG_SWAPCACHE is its page->mapping and
// PG_BUFFERS its page->buffers, words of their own; PG_INUSE and PG_DELISTED are the model's):
// no store of page->flags loses them.
const MODEL_ONLY_FLAGS: i32 = PG_SWAPCACHE | PG_INUSE | PG_DELISTED | PG_BUFFERS;
// The same for 2.4.0's and pre9's page->flags, where PG_swap_cache is a bit of the word (their
// add sets it before reading the word) and no PG_launder exists.
const OLD_MODEL_ONLY_FLAGS: i32 = PG_INUSE | PG_DELISTED | PG_LAUNDER | PG_BUFFERS;

/** Pages cached for entry, for the trace only (a hash walk: skipped when not tracing). */
@inline function cached_pages(entry: i32): i32 { return tracing() ? swap_cache_count(entry) : 0; }

/** 2.4.16 mm/swap_state.c add_to_swap_cache: swap_duplicate (the cache's ref), then
 *  mm/filemap.c add_to_page_cache_unique's check-and-insert under PCL, then lru_cache_add.
 *  __add_to_page_cache rewrites page->flags with a plain load and a plain store ("flags =
 *  page->flags & ~(...); page->flags = flags | (1 << PG_locked);"); pagecache_lock guards
 *  neither for the bits other CPUs change without it: mark_page_accessed's SetPageReferenced
 *  (no lock) and activate_page's PG_active (pagemap_lru_lock). (The model's only caller of
 *  mark_page_accessed, swap_out's walk, never runs beside this add on another mm: every 2.4.16
 *  walk is in swap_mm. The kernel's shmem and file-page callers are not modelled.) So the load
 *  and the store are two sections (ATSCU_INSERT,
 *  ATSCU_STORE_FLAGS, flag plain-add-flags), PCL held across, and a bit set or cleared between
 *  them is lost: a page on the active list without PG_active, or on the inactive list with it
 *  (shrink_cache's "if (unlikely(PageActive(page))) BUG();"). Rik van Riel's 7 Oct 2003 fix
 *  (2.4.23, the flag off) clears and sets each bit atomically: one section. */
// Locals: the arguments, the flags word read. Sections: swap_duplicate, back from it, the
// check-and-insert under PCL, back from swap_free (-EEXIST), lru_cache_add, back from it, and
// under plain-add-flags the store of the flags word read.
const ATSCU_FLAGS: i32 = 2;
const ATSCU_DUPLICATE: i32 = 0;
const ATSCU_DUPLICATED: i32 = 1;
const ATSCU_INSERT: i32 = 2;
const ATSCU_EEXIST: i32 = 3;
const ATSCU_LRU_ADD: i32 = 4;
const ATSCU_DONE: i32 = 5;
const ATSCU_STORE_FLAGS: i32 = 6;
/** The rest of __add_to_page_cache under PCL (page_cache_get, the index, the hash), then
 *  add_to_page_cache_unique's unlock; lru_cache_add follows. */
function add_unique_insert(): i32 {
  swap_cache_insert(l(ATSC_PAGE), l(ATSC_ENTRY));
  drop_tmp_ref(l(ATSC_ENTRY)); // the duplicate is now the cache's reference
  spin_unlock(gaddr(G_PCL), LK_PCL);
  trace(EV_ADD, l(ATSC_PAGE), l(ATSC_ENTRY), cached_pages(l(ATSC_ENTRY)));
  return next(ATSCU_LRU_ADD);
}

function add_to_swap_cache_unique(pc: i32): i32 {
  switch (pc) {
    case ATSCU_DUPLICATE:
      if (page_test(l(ATSC_PAGE), PG_SWAPCACHE)) bug(V_BUG_ON, BUG_ADD_MAPPED, l(ATSC_PAGE), l(ATSC_ENTRY));
      // ATSCU_DUPLICATED and ATSCU_EEXIST touch only this path's own bookkeeping before their
      // next point.
      return call(P_SWAP_DUPLICATE, now(ATSCU_DUPLICATED), l(ATSC_ENTRY), 0, 0, 0);
    case ATSCU_DUPLICATED:
      if (ret_val() == 0) {
        stat(S_ENOENT_RACES);
        trace(EV_ADD_ENOENT, l(ATSC_PAGE), l(ATSC_ENTRY), 0);
        return ret(ENOENT);
      }
      hold_tmp_ref(l(ATSC_ENTRY));
      return next(ATSCU_INSERT);
    case ATSCU_INSERT: { // add_to_page_cache_unique
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      const alias = swap_cache_find(l(ATSC_ENTRY));
      if (alias != 0) {
        spin_unlock(gaddr(G_PCL), LK_PCL);
        stat(S_EEXIST_RACES);
        trace(EV_ADD_EEXIST, l(ATSC_PAGE), l(ATSC_ENTRY), alias);
        drop_tmp_ref(l(ATSC_ENTRY));
        return call(P_SWAP_FREE, now(ATSCU_EEXIST), l(ATSC_ENTRY), 0, 0, 0);
      }
      if (has2(F2_PLAIN_ADD_FLAGS)) {
        set_l(ATSCU_FLAGS, page_flags(l(ATSC_PAGE))); // flags = page->flags & ~(...)
        return next(ATSCU_STORE_FLAGS);
      }
      add_page_flags(l(ATSC_PAGE));
      return add_unique_insert();
    }
    case ATSCU_STORE_FLAGS: { // page->flags = flags | (1 << PG_locked), PCL still held
      const page = l(ATSC_PAGE);
      const now = page_flags(page);
      const stored = (add_flags_of(l(ATSCU_FLAGS)) & ~MODEL_ONLY_FLAGS) | (now & MODEL_ONLY_FLAGS);
      // What atomic bit operations would have left (the 2.4.23 fix; add_flags_of leaves the
      // model's own bits as they are): a bit that differs is another CPU's update, lost.
      const lost = stored ^ add_flags_of(now);
      if (lost != 0) trace(EV_ADD_FLAGS_LOST, page, lost, stored);
      set_page_flags(page, stored);
      return add_unique_insert();
    }
    case ATSCU_EEXIST:
      return ret(EEXIST);
    case ATSCU_LRU_ADD:
      // lru_cache_add after pagecache_lock is dropped; it takes pagemap_lru_lock itself.
      return call_now(P_LRU_CACHE_ADD, now(ATSCU_DONE), l(ATSC_PAGE), 0, 0, 0);
    case ATSCU_DONE:
      return ret(0);
  }
  return bad_pc();
}

/** 2.4.0 / 2.4.10-pre mm/swap_state.c add_to_swap_cache: no swap_duplicate, no uniqueness
 *  check; the caller's slot reference becomes the cache's. Two pages for one entry end up side
 *  by side in the hash (V_SWAPCACHE_UNIQUE). The caller has locked the page (the kernel BUGs
 *  otherwise: swap_cache_insert reports V_PAGE_LOCK). 2.4.0's add_to_page_cache_locked puts the
 *  page on the LRU inside the same pagecache_lock hold (flag pcl-lru, add_unlock_and_list; pre9's
 *  is in neither of Hugh Dickins' patches and is read as 2.4.0's, the nesting pre9's own
 *  reclaim_page order, PCL -> LRU, allows).
 *  F2_ADD_BEFORE_PCL (2.4.0 mm/swap_state.c add_to_swap_cache, mm/filemap.c
 *  add_to_page_cache_locked): PageTestandSetSwapCache and the read of page->flags, then the
 *  plain write of the whole word with PG_uptodate set and page_cache_get, then pagecache_lock
 *  for the index and the hash. A bit another CPU sets on the page between the read and the
 *  write (mark_page_accessed's PG_referenced, from a young pte of another mm) is lost, and the
 *  page is PG_swap_cache, off the hash, with its old index and one reference more for two
 *  steps. pre9 (set since 6 Dec 2026): the 15 Sep 2001 patch's removed lines show its
 *  PageTestandSetSwapCache before add_to_page_cache_locked; the rewrite and the reference between
 *  that hunk and the next are not shown and are read as 2.4.0's. Without the flag (2.4.16's
 *  own add is add_to_swap_cache_unique; this path without it only under --without) it is all one PCL section, and
 *  PG_uptodate is left alone: no model path can see it there (a swap-out page is uptodate
 *  already, a read's rw_swap_page clears it before anyone can lock the page). */
// Locals: the arguments, the flags word read (F2_ADD_BEFORE_PCL). Sections: the insert under
// PCL, back from lru_cache_add; F2_ADD_BEFORE_PCL's test-and-set and read, then its write.
const ATSCN_FLAGS: i32 = 6;
const ATSCN_INSERT: i32 = 0;
const ATSCN_DONE: i32 = 1;
const ATSCN_WRITE_FLAGS: i32 = 2;
const ATSCN_HASH: i32 = 3;
const ATSCN_LRU_IN_PCL: i32 = 4; // flag pcl-lru: lru_cache_add's pagemap_lru_lock, PCL held
function add_to_swap_cache_unchecked(pc: i32): i32 {
  switch (pc) {
    case ATSCN_INSERT:
      if (has2(F2_ADD_BEFORE_PCL)) return add_test_and_set(l(ATSC_PAGE));
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      if (page_test(l(ATSC_PAGE), PG_SWAPCACHE)) bug(V_BUG_ON, BUG_ADD_MAPPED, l(ATSC_PAGE), l(ATSC_ENTRY));
      swap_cache_insert(l(ATSC_PAGE), l(ATSC_ENTRY));
      return add_unlock_and_list();
    case ATSCN_WRITE_FLAGS: {
      // 2.4.0 add_to_swap_cache: page->flags = flags | (1 << PG_uptodate), a plain store of
      // the word read in the section before; then add_to_page_cache_locked's page_cache_get
      // (an atomic increment, no lock). Merged: between the two only PG_uptodate differs,
      // which no reader of the count looks at. The model's own bits (PG_INUSE, PG_DELISTED, PG_BUFFERS)
      // and PG_LAUNDER (2.4.16's; the old releases have none) are no bits of 2.4.0's word:
      // kept as they are now. A kernel bit another CPU changed in between is lost, as 2.4.16's
      // __add_to_page_cache loses one (ATSCU_STORE_FLAGS): say so in the trace.
      const page = l(ATSC_PAGE);
      const now = page_flags(page);
      const stored = ((l(ATSCN_FLAGS) | PG_UPTODATE) & ~OLD_MODEL_ONLY_FLAGS) | (now & OLD_MODEL_ONLY_FLAGS);
      const lost = stored ^ (now | PG_UPTODATE);
      if (lost != 0) trace(EV_ADD_FLAGS_LOST_OLD, page, lost, stored);
      set_page_flags(page, stored);
      get_page(page);
      return next(ATSCN_HASH);
    }
    case ATSCN_HASH:
      // 2.4.0 mm/filemap.c add_to_page_cache_locked: spin_lock(&pagecache_lock), the index
      // and the hash; then lru_cache_add (inside the hold under pcl-lru, see below).
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      swap_cache_hash(l(ATSC_PAGE), l(ATSC_ENTRY));
      return add_unlock_and_list();
    case ATSCN_DONE:
      return ret(0);
    case ATSCN_LRU_IN_PCL:
      // 2.4.0 mm/filemap.c add_to_page_cache_locked: lru_cache_add(page) before
      // spin_unlock(&pagecache_lock); mm/swap.c lru_cache_add takes pagemap_lru_lock (PCL ->
      // LRU, reclaim_page's order) and lists the page; then both are dropped, LRU first.
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      lru_cache_add_nolock_240(l(ATSC_PAGE));
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      spin_unlock(gaddr(G_PCL), LK_PCL);
      return ret(0);
  }
  return bad_pc();
}

/** 2.4.0 mm/swap_state.c add_to_swap_cache, before add_to_page_cache_locked: the BUG checks,
 *  PageTestandSetSwapCache (atomic), and the read of page->flags (PG_error and PG_arch_1,
 *  which the model has not, masked off) that the next section writes back. */
function add_test_and_set(page: i32): i32 {
  if (page_test(page, PG_SWAPCACHE)) bug(V_BUG_ON, BUG_ADD_MAPPED, page, l(ATSC_ENTRY));
  page_set(page, PG_SWAPCACHE);
  set_l(ATSCN_FLAGS, page_flags(page));
  return next(ATSCN_WRITE_FLAGS);
}

/** The insert's end, PCL held: unlock, then lru_cache_add in a step of its own; under flag
 *  pcl-lru (2.4.0) lru_cache_add inside the PCL hold, in the next section (ATSCN_LRU_IN_PCL). */
function add_unlock_and_list(): i32 {
  trace(EV_ADD, l(ATSC_PAGE), l(ATSC_ENTRY), cached_pages(l(ATSC_ENTRY)));
  if (has2(F2_PCL_LRU)) return next(ATSCN_LRU_IN_PCL);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  // Without pcl-lru (2.4.0 or pre9 --without pcl-lru: 2.4.16's LRU -> PCL order) the page
  // goes on the LRU just after PCL is dropped, which 2.4.16's shrink_cache order needs: nested
  // inside, it would be an ABBA deadlock with it. Lost there: a lookup may find the page
  // before it is listed, and an unlisted page is invisible to reclaim for that step.
  return call_now(P_LRU_CACHE_ADD, now(ATSCN_DONE), l(ATSC_PAGE), 0, 0, 0);
}

// ---- swapin_readahead -------------------------------------------------------------------
// Locals: the argument (entry), the first entry of the window, the slots counted, the next
// slot index. Sections: valid_swaphandles, back from it, back from read_swap_cache_async, back
// from swap_free of a slot read (F_READAHEAD_REFS), back from swap_free of a slot not read.
const SRA_ENTRY: i32 = 0;
const SRA_FIRST: i32 = 6;
const SRA_COUNT: i32 = 7;
const SRA_SLOT: i32 = 8;
const SRA_HANDLES: i32 = 0;
const SRA_COUNTED: i32 = 1;
const SRA_READ: i32 = 2;
const SRA_FREED: i32 = 3;
const SRA_REST_FREED: i32 = 4;

/** pager_daemon.swap_cluster (2.4.0 mm/swap.c): with page_cluster, the readahead throttle. */
const SWAP_CLUSTER: i32 = 8;

/** swapin_readahead(entry) → 0 (mm/memory.c; mm/swap_state.c in 2.4.16): read the run of
 *  in-use slots valid_swaphandles counted, each with read_swap_cache_async(entry, wait 0).
 *  - 2.4.16: stops at the first read that gives nothing.
 *  - F_READAHEAD_REFS (2.4.0): valid_swaphandles took a ref on every slot; each is dropped
 *    (swap_free) after its slot's read, a read that gives nothing does not stop the loop, and
 *    an early stop drops the refs of the slots not read.
 *  - F_READAHEAD_THROTTLE (2.4.0, 2.4.10-pre9): before each read, stop when nr_async_pages
 *    >= pager_daemon.swap_cluster << page_cluster ("don't block on I/O for read-ahead"). */
export function swapin_readahead(pc: i32): i32 {
  switch (pc) {
    case SRA_HANDLES:
      // SRA_COUNTED, SRA_FREED and SRA_REST_FREED run in their callee's return step. They
      // only pick the next slot, except that with F_READAHEAD_THROTTLE the next slot's turn
      // reads nr_async_pages: the callee's last section (swap_free's under SDL,
      // valid_swaphandles' scan) touches nothing the disk's completions touch and vice versa,
      // so a completion between the two commutes with that section and no interleaving is lost.
      return call(P_VALID_SWAPHANDLES, now(SRA_COUNTED), l(SRA_ENTRY), 0, 0, 0);
    case SRA_COUNTED:
      set_l(SRA_FIRST, readahead_start(l(SRA_ENTRY)));
      set_l(SRA_COUNT, ret_val());
      set_l(SRA_SLOT, 0);
      trace(EV_READAHEAD, l(SRA_ENTRY), l(SRA_FIRST), l(SRA_COUNT));
      return readahead_next();
    case SRA_READ: { // back from read_swap_cache_async of slot SRA_SLOT
      const page = ret_val();
      if (page != 0) {
        put_page(page);
        stat(S_READAHEAD);
      }
      if (has(F_READAHEAD_REFS)) { // 2.4.0: drop valid_swaphandles' ref once the slot is read
        drop_tmp_ref(l(SRA_FIRST) + l(SRA_SLOT));
        return call(P_SWAP_FREE, now(SRA_FREED), l(SRA_FIRST) + l(SRA_SLOT), 0, 0, 0);
      }
      if (page == 0) {
        trace(EV_READAHEAD_STOP, l(SRA_FIRST) + l(SRA_SLOT), 0, 0);
        return ret(0);
      }
      set_l(SRA_SLOT, l(SRA_SLOT) + 1);
      return readahead_next();
    }
    case SRA_FREED:
      set_l(SRA_SLOT, l(SRA_SLOT) + 1);
      return readahead_next();
    case SRA_REST_FREED: // back from swap_free of a slot not read
      set_l(SRA_SLOT, l(SRA_SLOT) + 1);
      return readahead_release_rest();
  }
  return bad_pc();
}

/** Reads slot SRA_SLOT of the window, or returns when all are done. Entries of one area are
 *  consecutive integers, so slot i of the window is entry SRA_FIRST + i. */
function readahead_next(): i32 {
  if (l(SRA_SLOT) >= l(SRA_COUNT)) return ret(0);
  if (has(F_READAHEAD_THROTTLE)) {
    const limit = SWAP_CLUSTER << cfg(CFG_PAGE_CLUSTER);
    const inflight = gget(G_NR_ASYNC_PAGES);
    if (inflight >= limit) {
      trace(EV_READAHEAD_THROTTLED, l(SRA_FIRST) + l(SRA_SLOT), inflight, limit);
      return readahead_release_rest();
    }
  }
  return call(P_READ_SWAP_CACHE_ASYNC, SRA_READ, l(SRA_FIRST) + l(SRA_SLOT), 0, 0, 0);
}

/** Early stop: with F_READAHEAD_REFS the refs of the slots not read are dropped too. */
function readahead_release_rest(): i32 {
  if (!has(F_READAHEAD_REFS) || l(SRA_SLOT) >= l(SRA_COUNT)) return ret(0);
  drop_tmp_ref(l(SRA_FIRST) + l(SRA_SLOT));
  return call(P_SWAP_FREE, now(SRA_REST_FREED), l(SRA_FIRST) + l(SRA_SLOT), 0, 0, 0);
}

// ---- delete_from_swap_cache, swap_writepage ---------------------------------------------

/** delete_from_swap_cache(page), page locked: unhash under PCL, swap_free, drop the cache's
 *  ref (mm/swap_state.c delete_from_swap_cache, 2.4.16: the slot is freed after PCL is
 *  dropped). With F_FREE_UNDER_PCL it is 2.4.0's / 2.4.10-pre9's delete_from_swap_cache_nolock,
 *  whose __delete_from_swap_cache calls swap_free itself: PCL is held across swap_free (its
 *  unlocked check, SLL, SDL) and dropped only after it returns (DFSC_FREED_UNDER_PCL). With
 *  F2_DEL_LRU (2.4.0, pre9) that delete_from_swap_cache_nolock begins with
 *  "if (block_flushpage(page, 0)) lru_cache_del(page);": block_flushpage (fs/buffer.c) returns
 *  1 for a page without buffers, and for one with them (flag swap-buffers) frees them first
 *  (try_to_free_buffers, which succeeds: the page is locked, so no I/O holds them) in a
 *  section of its own (DFSC_START); lru_cache_del (mm/swap.c) then takes pagemap_lru_lock,
 *  unlinks the page and drops the lock (DFSC_LRU) before pagecache_lock is taken; no lock is
 *  held across. */
// Locals: the argument. Sections: the entry (block_flushpage of a page with buffers, else
// lru_cache_del under del-lru, else the unhash), back from swap_free, back from swap_free with
// PCL still held (F_FREE_UNDER_PCL), the unhash under PCL after lru_cache_del, lru_cache_del
// after block_flushpage freed buffers.
const DFSC_PAGE: i32 = 0;
const DFSC_START: i32 = 0;
const DFSC_FREED: i32 = 1;
const DFSC_FREED_UNDER_PCL: i32 = 2;
const DFSC_UNHASH: i32 = 3;
const DFSC_LRU: i32 = 4;
export function delete_from_swap_cache(pc: i32): i32 {
  switch (pc) {
    case DFSC_START:
      if (page_test(l(DFSC_PAGE), PG_BUFFERS)) {
        // block_flushpage: the buffers go (their reference with them), then lru_cache_del.
        try_to_free_buffers(l(DFSC_PAGE), 1);
        return next(DFSC_LRU);
      }
      // No buffers: block_flushpage returns 1 at once, a test of a field only the page lock's
      // holder changes; merged with what follows.
      return delete_lru();
    case DFSC_LRU:
      return delete_lru();
    case DFSC_UNHASH:
      return delete_unhash();
    case DFSC_FREED:
      put_page(l(DFSC_PAGE)); // the cache's reference
      return ret(0);
    case DFSC_FREED_UNDER_PCL: // back from swap_free, PCL still held
      spin_unlock(gaddr(G_PCL), LK_PCL);
      put_page(l(DFSC_PAGE)); // the cache's reference
      return ret(0);
  }
  return bad_pc();
}

/** delete_from_swap_cache_nolock's lru_cache_del under del-lru (else straight to the unhash). */
function delete_lru(): i32 {
  if (!has2(F2_DEL_LRU)) return delete_unhash();
  // lru_cache_del: its own section, the lock taken first. 2.4.0's __lru_cache_del finds
  // every swap-cache page on a list (add_to_page_cache_locked listed it; no path unlinks
  // one that stays cached), the model's too: under del-lru lru_cache_add marks and links a
  // page in one hold of this lock (swap.ts). Unlisted, the model does nothing (2.4.0 would
  // printk "VM: __lru_cache_del, found unknown page ?!").
  if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
  lru_cache_del_delist(l(DFSC_PAGE));
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  return next(DFSC_UNHASH);
}

/** delete_from_swap_cache's unhash: spin_lock(&pagecache_lock) first, ClearPageDirty,
 *  __delete_from_swap_cache (remove_from_swap_cache; its swap_free under F_FREE_UNDER_PCL). */
function delete_unhash(): i32 {
  if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
  const page = l(DFSC_PAGE);
  const entry = page_index(page);
  if (!page_test(page, PG_SWAPCACHE)) {
    // remove_from_swap_cache's (2.4.0) or __delete_from_swap_cache's BUG(): the task stops
    // there, pagecache_lock held, nothing removed or freed (the run ends at the violation).
    bug(V_BUG_ON, BUG_DELETE_UNCACHED, page, entry);
    return YIELD;
  }
  page_clear(page, PG_DIRTY); // __delete_from_swap_cache: ClearPageDirty
  swap_cache_remove(page);
  trace(EV_DELETE, page, entry, 0);
  if (has(F_FREE_UNDER_PCL)) return call(P_SWAP_FREE, DFSC_FREED_UNDER_PCL, entry, 0, 0, 0);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  return call(P_SWAP_FREE, DFSC_FREED, entry, 0, 0, 0);
}

/** swap_writepage(page), page locked and its dirty bit cleared by the caller → 0. The page
 *  is unlocked now (nothing to write) or by the disk when the write completes.
 *  mm/swap_state.c swap_writepage: 2.4.0 writes at once; 2.4.10-pre9 (flag writepage-delete)
 *  first deletes a page nobody else uses from the cache, reading the counts with no lock;
 *  2.4.16 (flag remove-exclusive) asks remove_exclusive_swap_page, under the swap locks. */
// Locals: the argument; its swap entry, for the trace. Sections: the start, back from
// remove_exclusive_swap_page, back from delete_from_swap_cache, back from lru_cache_del.
const SWP_PAGE: i32 = 0;
const SWP_ENTRY: i32 = 6;
const SWP_START: i32 = 0;
const SWP_REMOVE_DONE: i32 = 1;
const SWP_DELETED: i32 = 2;
const SWP_LRU_DELETED: i32 = 3;
export function swap_writepage(pc: i32): i32 {
  switch (pc) {
    case SWP_START:
      set_l(SWP_ENTRY, page_index(l(SWP_PAGE))); // for the trace: removal clears page->index
      if (has(F_REMOVE_EXCLUSIVE)) return call(P_REMOVE_EXCLUSIVE_SWAP_PAGE, SWP_REMOVE_DONE, l(SWP_PAGE), 0, 0, 0);
      if (has(F_WRITEPAGE_DELETE) && writepage_exclusive_nolock(l(SWP_PAGE))) {
        // delete_from_swap_cache_nolock (pre9's swap_writepage calls it: Hugh Dickins' 15 Sep
        // 2001 patch's swap_state.c hunk): block_flushpage (no buffers) → lru_cache_del, which
        // takes pagemap_lru_lock (a scheduling point after the unlocked counts), then the
        // cache removal under pagecache_lock. Under del-lru both are the delete's own
        // sections; without it (the model before that flag) the lru_cache_del is called here.
        if (has2(F2_DEL_LRU)) {
          trace(EV_WRITE_NOT_NEEDED, l(SWP_PAGE), l(SWP_ENTRY), 1);
          return call(P_DELETE_FROM_SWAP_CACHE, SWP_DELETED, l(SWP_PAGE), 0, 0, 0);
        }
        return call(P_LRU_CACHE_DEL, SWP_LRU_DELETED, l(SWP_PAGE), 0, 0, 0);
      }
      rw_swap_page(l(SWP_PAGE), WRITE);
      return ret(0);
    case SWP_REMOVE_DONE:
      if (ret_val() == 1) { // no one else uses the slot: freed, no need to write
        trace(EV_WRITE_NOT_NEEDED, l(SWP_PAGE), l(SWP_ENTRY), 0);
        unlock_page(l(SWP_PAGE));
        return ret(0);
      }
      rw_swap_page(l(SWP_PAGE), WRITE);
      return ret(0);
    case SWP_DELETED:
      unlock_page(l(SWP_PAGE)); // deleted (2.4.10-pre9): UnlockPage, nothing written
      return ret(0);
    case SWP_LRU_DELETED: // back from lru_cache_del (F_WRITEPAGE_DELETE)
      trace(EV_WRITE_NOT_NEEDED, l(SWP_PAGE), l(SWP_ENTRY), 1);
      return call(P_DELETE_FROM_SWAP_CACHE, SWP_DELETED, l(SWP_PAGE), 0, 0, 0);
  }
  return bad_pc();
}

/** 2.4.10-pre9 swap_writepage's test, no lock held: only the cache and the caller hold the
 *  page ("One for the page cache, one for this user, one for page->buffers": "if
 *  (page_count(page) > 2 + !!page->buffers) goto in_use;", the form of 2.4.5's and of Hugh
 *  Dickins' 19 Sep 2001 patch that restored it to 2.4.10-pre12) and swap_count(page), the
 *  slot's count read straight from swap_map, is 1 (the cache's own reference). */
function writepage_exclusive_nolock(page: i32): bool {
  if (page_count_users(page) > 2) return false;
  return swap_count(slot_of(page_index(page))) <= 1;
}
