// mm/swap.c: the LRU lists. Two circular doubly linked lists threaded through the frames'
// lru_next/lru_prev words, with their heads at indices nFrames (active) and nFrames + 1
// (inactive), guarded by pagemap_lru_lock (LRU). lru_cache_add, lru_cache_del and
// mark_page_accessed (through activate_page) take the lock themselves, so they are procedures
// (P_LRU_CACHE_ADD, P_LRU_CACHE_DEL, P_MARK_PAGE_ACCESSED) whose lock is taken at the start of
// a section of their own; __lru_cache_del and the list helpers below
// are for callers that already hold the LRU lock (shrink_cache, refill_inactive). The same
// in 2.4.0 and 2.4.16 (mm/swap.c lru_cache_add, lru_cache_del: spin_lock(&pagemap_lru_lock)).
import { ld, st } from "../kernel/platform";
import {
  nFrames, PG_LRU_NEXT, PG_LRU_PREV, PG_LRU, PG_ACTIVE, PG_REFERENCED, PG_DELISTED, page_flags, set_page_flags, page_count, gadd,
  gaddr, G_NR_ACTIVE, G_NR_INACTIVE, G_LRU_LOCK, G_NR_DELISTED,
} from "../kernel/state";
import { l, next, ret, BLOCK, bad_pc } from "../kernel/frame";
import { spin_lock, spin_unlock, LK_LRU } from "../kernel/locks";
import { bug, V_BUG_ON } from "../kernel/check";
import { has2, F2_DEL_LRU } from "../model";
import { page_buffers } from "./buffer";

// BUG() codes of this file, as the first value of V_BUG_ON.
export const BUG_LRU_UNLINKED: i32 = 500; // a page marked PG_lru is on no list (list_del of an unlinked entry)

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

/** lru_cache_add(page) → 0 (2.4.16 mm/swap.c lru_cache_add): TestSetPageLRU first, without
 *  the lock; only a page that was not yet marked is added, under pagemap_lru_lock, to the head
 *  of the inactive list. Section 0 touches only the page's own flag word and is meant to be
 *  entered with call_now from the caller's section (the kernel's test_and_set_bit follows the
 *  caller's code with no point between); section 1 takes the lock first.
 *  Under del-lru (linux-2.4.0, pre9) the old VM's form: its lru_cache_add (linux-2.4.0
 *  mm/swap.c) takes pagemap_lru_lock first and marks the page's list (PG_active or
 *  PG_inactive_dirty, there is no PG_lru) while linking it, so no page is ever marked listed
 *  while unlinked. Section 0 only reads the mark (a page the model listed at its fault, or
 *  another adder's, needs nothing) and section 1 tests and marks it under the lock. Before
 *  this the 2.4.16 window was kept there too, and del-lru made it reachable: a page the delete
 *  took off the LRU while two ptes map it, added again by try_to_swap_out through one pte,
 *  was found through the other by a young-pte mark_page_accessed between the mark and the
 *  link, which list_del'ed an unlinked page (V_BUG_ON 500; audit of 4 Dec 2026,
 *  test/mm/lru-add-old.test.ts). */
// Locals: the argument. Sections: TestSetPageLRU, then the list add under pagemap_lru_lock.
const LCA_PAGE: i32 = 0;
const LCA_MARK: i32 = 0;
const LCA_ADD: i32 = 1;
export function lru_cache_add(pc: i32): i32 {
  const f = l(LCA_PAGE);
  switch (pc) {
    case LCA_MARK: {
      const fl = page_flags(f);
      if ((fl & PG_LRU) != 0) return ret(0);
      if (has2(F2_DEL_LRU)) return next(LCA_ADD); // the old VM marks under the lock
      // Without del-lru no page is PG_DELISTED (only its deletes mark one): 2.4.16's mark.
      set_page_flags(f, (fl | PG_LRU) & ~PG_ACTIVE);
      return next(LCA_ADD);
    }
    case LCA_ADD:
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      if (has2(F2_DEL_LRU)) {
        lru_cache_add_nolock_240(f); // tests, marks and links under the lock
        spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
        return ret(0);
      }
      list_add_head(lru_inactive(), f);
      gadd(G_NR_INACTIVE, 1);
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      return ret(0);
  }
  return bad_pc();
}

/** 2.4.0's lru_cache_add (linux-2.4.0 mm/swap.c) as add_to_page_cache_locked calls it, inside
 *  its pagecache_lock hold (flag pcl-lru): the caller's section took pagemap_lru_lock first and
 *  drops it after this. 2.4.0 lists every page it is given (add_page_to_active_list, then
 *  deactivate_page_nolock at age 0): the model's list policy is 2.4.16's (the inactive head),
 *  and a page the model already listed at its fault (docs/faithfulness.md, policy parts) is
 *  left where it is; the lock is held either way, as 2.4.0 holds it. */
export function lru_cache_add_nolock_240(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) != 0) return;
  set_page_flags(f, (fl | PG_LRU) & ~(PG_ACTIVE | PG_DELISTED));
  if ((fl & PG_DELISTED) != 0) gadd(G_NR_DELISTED, -1);
  list_add_head(lru_inactive(), f);
  gadd(G_NR_INACTIVE, 1);
}

/** lru_cache_del(page) → 0 (mm/swap.c lru_cache_del): __lru_cache_del under pagemap_lru_lock. */
// Locals: the argument. One section (pc 0), which takes the lock first.
const LCD_PAGE: i32 = 0;
export function lru_cache_del(pc: i32): i32 {
  if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
  __lru_cache_del(l(LCD_PAGE));
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  return ret(0);
}

/** __lru_cache_del (LRU held): TestClearPageLRU, then off whichever list holds it. */
export function __lru_cache_del(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) == 0) return;
  // The kernel would list_del an entry that was never linked (lru_cache_add's TestSetPageLRU
  // done, its list_add still waiting for the lock): list corruption, and the count drifts.
  if (lru_next(f) == f) { bug(V_BUG_ON, BUG_LRU_UNLINKED, f, fl); return; }
  list_del(f);
  gadd((fl & PG_ACTIVE) != 0 ? G_NR_ACTIVE : G_NR_INACTIVE, -1);
  set_page_flags(f, fl & ~(PG_LRU | PG_ACTIVE));
}

/** delete_from_swap_cache_nolock's lru_cache_del under del-lru (2.4.0, pre9 mm/swap_state.c;
 *  pagemap_lru_lock held by the caller's section): __lru_cache_del, and a page that was listed
 *  is marked PG_DELISTED and counted (G_NR_DELISTED) until it is listed again or freed. */
export function lru_cache_del_delist(f: i32): void {
  if ((page_flags(f) & PG_LRU) == 0) return;
  __lru_cache_del(f);
  set_page_flags(f, page_flags(f) | PG_DELISTED);
  gadd(G_NR_DELISTED, 1);
}

/** activate_page_nolock (pagemap_lru_lock held; 2.4.16 mm/swap.c): a page on the inactive
 *  list moves to the head of the active list; any other page is left alone. */
export function activate_page_nolock(f: i32): void {
  const fl = page_flags(f);
  if ((fl & PG_LRU) == 0 || (fl & PG_ACTIVE) != 0) return;
  if (lru_next(f) == f) { bug(V_BUG_ON, BUG_LRU_UNLINKED, f, fl); return; } // as in __lru_cache_del
  list_del(f);
  gadd(G_NR_INACTIVE, -1);
  set_page_flags(f, fl | PG_ACTIVE);
  list_add_head(lru_active(), f);
  gadd(G_NR_ACTIVE, 1);
}

/** mark_page_accessed(page) → 0 (2.4.16 mm/filemap.c mark_page_accessed, mm/swap.c
 *  activate_page). Section 0, the unlocked test of PG_active and PG_referenced, is meant to be
 *  entered with call_now from the caller's section (try_to_swap_out's young-pte test: the
 *  kernel runs it right after ptep_test_and_clear_young, no point between): a page not yet
 *  referenced, or already active, is only marked referenced. An inactive referenced page is
 *  activated: activate_page takes pagemap_lru_lock first in a section of its own (the caller
 *  still holds the swapped mm's page_table_lock: PTL -> LRU, 2.4.16's nesting too), rechecks
 *  under it that the page is on the inactive list and moves it; ClearPageReferenced follows
 *  the unlock in the next section. 2.4.0 ages pages instead (age_page_up: activate_page when
 *  the age is 0), but its activate_page takes pagemap_lru_lock the same way; the model's
 *  policy is 2.4.16's in every release (docs/faithfulness.md). */
// Locals: the argument. Sections: the unlocked test, activate_page under pagemap_lru_lock,
// then ClearPageReferenced.
const MPA_PAGE: i32 = 0;
const MPA_TEST: i32 = 0;
const MPA_ACTIVATE: i32 = 1;
const MPA_CLEAR_REFERENCED: i32 = 2;
export function mark_page_accessed(pc: i32): i32 {
  const f = l(MPA_PAGE);
  switch (pc) {
    case MPA_TEST: {
      const fl = page_flags(f);
      if ((fl & (PG_ACTIVE | PG_REFERENCED)) == PG_REFERENCED) return next(MPA_ACTIVATE);
      // Mark the page referenced, after checking for previous usage.
      set_page_flags(f, fl | PG_REFERENCED);
      return ret(0);
    }
    case MPA_ACTIVATE: // activate_page
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      activate_page_nolock(f);
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      return next(MPA_CLEAR_REFERENCED);
    case MPA_CLEAR_REFERENCED:
      set_page_flags(f, page_flags(f) & ~PG_REFERENCED);
      return ret(0);
  }
  return bad_pc();
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

/** deactivate_page_nolock (pagemap_lru_lock held; linux-2.4.0 mm/swap.c), as 2.4.0's
 *  try_to_swap_out reaches it through deactivate_page at drop_pte (flag drop-pte-deactivate):
 *  the page loses its age (the model keeps none) and PG_referenced, and an active page that
 *  only the cache and the caller hold (page_count <= 2; 3 with buffers, "int maxcount =
 *  (page->buffers ? 3 : 2);") moves to the inactive list, which stands for 2.4.0's
 *  inactive_dirty list. A page on no list is left alone. */
export function deactivate_page_nolock_240(f: i32): void {
  set_page_flags(f, page_flags(f) & ~PG_REFERENCED);
  if (page_count(f) <= 2 + page_buffers(f)) deactivate_page(f);
}

/** Moves a page to the head of the list it is on (second chance). */
@inline export function lru_rotate(f: i32): void {
  const head = (page_flags(f) & PG_ACTIVE) != 0 ? lru_active() : lru_inactive();
  list_del(f);
  list_add_head(head, f);
}
