// mm/swap.c: the LRU lists. Two circular doubly linked lists threaded through the frames'
// lru_next/lru_prev words, with their heads at indices nFrames (active) and nFrames + 1
// (inactive). Adding and removing are atomic within the calling section: the model does
// not take pagemap_lru_lock for them (reclaim takes it for its own walks and restarts from
// the list tail after every drop, as 2.4's shrink_cache does).
import { ld, st } from "../kernel/platform";
import {
  nFrames, PG_LRU_NEXT, PG_LRU_PREV, PG_LRU, PG_ACTIVE, PG_REFERENCED, page_flags, set_page_flags, gadd,
  G_NR_ACTIVE, G_NR_INACTIVE,
} from "../kernel/state";

@inline export function lru_active(): i32 { return nFrames; }
@inline export function lru_inactive(): i32 { return nFrames + 1; }
@inline export function lru_next(f: i32): i32 { return ld(PG_LRU_NEXT + (f << 2)); }
@inline export function lru_prev(f: i32): i32 { return ld(PG_LRU_PREV + (f << 2)); }
@inline function set_next(f: i32, v: i32): void { st(PG_LRU_NEXT + (f << 2), v); }
@inline function set_prev(f: i32, v: i32): void { st(PG_LRU_PREV + (f << 2), v); }

export function lru_init(): void {
  const a = lru_active(), i = lru_inactive();
  set_next(a, a); set_prev(a, a);
  set_next(i, i); set_prev(i, i);
}

function list_add_head(head: i32, f: i32): void {
  const first = lru_next(head);
  set_next(f, first); set_prev(f, head);
  set_prev(first, f); set_next(head, f);
}

function list_del(f: i32): void {
  const n = lru_next(f), p = lru_prev(f);
  set_next(p, n); set_prev(n, p);
  set_next(f, f); set_prev(f, f);
}

/** The list's tail (oldest page), or the head itself when the list is empty. */
@inline export function lru_tail(head: i32): i32 { return lru_prev(head); }

/** lru_cache_add: a new page goes to the head of the inactive list. */
export function lru_cache_add(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) != 0) return;
  set_page_flags(f, (fl | PG_LRU) & ~PG_ACTIVE);
  list_add_head(lru_inactive(), f);
  gadd(G_NR_INACTIVE, 1);
}

/** lru_cache_del: off whichever list holds it. */
export function lru_cache_del(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) == 0) return;
  list_del(f);
  gadd((fl & PG_ACTIVE) != 0 ? G_NR_ACTIVE : G_NR_INACTIVE, -1);
  set_page_flags(f, fl & ~(PG_LRU | PG_ACTIVE));
}

/** activate_page: to the head of the active list. */
export function activate_page(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) == 0 || (fl & PG_ACTIVE) != 0) return;
  list_del(f);
  gadd(G_NR_INACTIVE, -1);
  set_page_flags(f, fl | PG_ACTIVE);
  list_add_head(lru_active(), f);
  gadd(G_NR_ACTIVE, 1);
}

/** mark_page_accessed (2.4.16 mm/filemap.c): a second reference to an inactive page since
 *  its last look activates it (and clears the bit); otherwise the page is marked referenced. */
export function mark_page_accessed(f: i32): void {
  const fl = page_flags(f);
  if ((fl & (PG_ACTIVE | PG_REFERENCED)) == PG_REFERENCED) {
    activate_page(f);
    set_page_flags(f, page_flags(f) & ~PG_REFERENCED);
  } else {
    set_page_flags(f, fl | PG_REFERENCED);
  }
}

/** deactivate_page: to the head of the inactive list. */
export function deactivate_page(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) == 0 || (fl & PG_ACTIVE) == 0) return;
  list_del(f);
  gadd(G_NR_ACTIVE, -1);
  set_page_flags(f, fl & ~PG_ACTIVE);
  list_add_head(lru_inactive(), f);
  gadd(G_NR_INACTIVE, 1);
}

/** Moves a page to the head of the list it is on (second chance). */
export function lru_rotate(f: i32): void {
  const head = (page_flags(f) & PG_ACTIVE) != 0 ? lru_active() : lru_inactive();
  list_del(f);
  list_add_head(head, f);
}
