// mm/swap_state.c: the swap cache. STUB procedures until written; the hash helpers at the
// top are final and shared by swapfile.ts, vmscan.ts and memory.ts.
import { ld, st } from "../kernel/platform";
import {
  HASH_HEAD, PG_HASH_NEXT, hashMask, page_flags, set_page_flags, set_page_index, page_index,
  get_page, PG_SWAPCACHE, PG_LOCKED,
} from "../kernel/state";
import { mix32 } from "../kernel/rng";
import { bug, V_SWAPCACHE_DUP, V_PAGE_LOCK } from "../kernel/check";
import { ret } from "../kernel/frame";

@inline function bucket(entry: i32): i32 { return HASH_HEAD + ((mix32(entry) & hashMask) << 2); }
@inline function hash_next(f: i32): i32 { return ld(PG_HASH_NEXT + (f << 2)); }
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
 *  page for an entry is the seed's race: V_SWAPCACHE_DUP, recorded with (entry, old, new). */
export function swap_cache_insert(page: i32, entry: i32): void {
  if ((page_flags(page) & PG_LOCKED) == 0) bug(V_PAGE_LOCK, page, entry, 0);
  const other = swap_cache_find(entry);
  if (other != 0) bug(V_SWAPCACHE_DUP, entry, other, page);
  set_page_flags(page, page_flags(page) | PG_SWAPCACHE);
  set_page_index(page, entry);
  get_page(page);
  const b = bucket(entry);
  set_hash_next(page, ld(b));
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

export function lookup_swap_cache(pc: i32): i32 { return ret(0); }
export function read_swap_cache_async(pc: i32): i32 { return ret(0); }
export function swapin_readahead(pc: i32): i32 { return ret(0); }
export function add_to_swap_cache(pc: i32): i32 { return ret(0); }
export function delete_from_swap_cache(pc: i32): i32 { return ret(0); }
export function swap_writepage(pc: i32): i32 { return ret(0); }
