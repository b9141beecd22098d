// mm/vmscan.c: page reclaim, 2.4.16's (linux-2.4.16 mm/vmscan.c), with the older releases'
// own steps wherever reclaim touches the swap cache or the swap map.
//
//   try_to_free_pages → shrink_cache (LRU held) ─ too many mapped pages → swap_out
//                                                  → swap_out_mm (PTL held) → try_to_swap_out
//   kswapd: the background agent running try_to_free_pages up to pages_high.
//
// try_to_swap_out only unmaps: it gives an anonymous page a swap entry and a swap-cache
// page, installs the swap pte and leaves the page dirty in the cache. shrink_cache later
// writes the dirty cache page (swap_writepage) and, once it is clean and only the cache
// holds it, takes it out of the cache, frees its slot reference and frees the frame.
// The content written to a virtual page stays in the frame until the disk copies it into
// the slot (page_io.ts), so nothing here moves content.
//
// What is each release's own and what is 2.4.16's for every model:
// - 2.4.0 and 2.4.10-pre9 reclaimed with another VM (page_launder, reclaim_page/kreclaimd,
//   refill_inactive_scan with page ages, the inactive_dirty/inactive_clean lists; 2.4.0's
//   swap_out picking the mm with the largest swap_cnt). That POLICY (which page, when, how
//   many) is 2.4.16's in every model: shrink_cache's one inactive list, refill_inactive's
//   referenced bit, kswapd up to pages_high, the need_resched points; and swap_out's
//   round-robin in linux-2.4.0. pre9's own swap_out (its swap_mm round-robin of swap_amount
//   ptes, the allocating task's mm first) is modelled: flag swap-amount, see swap_out.
// - Every step that touches the swap cache or the swap map is the release's own:
//   try_to_swap_out's entry (2.4.0/pre9: get_swap_page with count 1, an unconditional
//   add_to_swap_cache, set_page_dirty, then swap_duplicate for the pte at set_swap_pte;
//   2.4.16: the get/add loop that swap_frees and retries on -EEXIST/-ENOENT, flag
//   unique-add); the write-out of a dirty swap-cache page (swap_state.ts swap_writepage:
//   2.4.0 writes; pre9 first deletes an exclusive page from the cache without swap locks,
//   flag writepage-delete; 2.4.16 calls remove_exclusive_swap_page, flag remove-exclusive);
//   the removal of a clean cache page (2.4.0/pre9's reclaim_page and 2.4.16's shrink_cache
//   both unhash it under pagecache_lock with pagemap_lru_lock held; where swap_free runs is
//   swap_state.ts's __delete_from_swap_cache flag, see shrink_recheck; in which order the two
//   locks are taken is flag pcl-lru's: 2.4.0's and pre9's page_launder leave the page to reclaim_page,
//   which takes PCL, then LRU, see reclaim_page_check); and 2.4.0's drop_pte,
//   whose deactivate_page takes pagemap_lru_lock between the page's unlock and the release of
//   the pte's reference (flag drop-pte-deactivate), and pre9's, which takes it before the
//   unlock, the page still locked, when the page is not referenced (flag
//   drop-pte-deactivate-locked).
//
// Lock order as the kernel has it: PTL is outermost (swap_out_mm holds it across
// try_to_swap_out's calls into swapfile.ts and swap_state.ts, which take SLL/SDL/PCL inside
// it); shrink_cache holds pagemap_lru_lock across each page it looks at, takes PCL inside it
// and calls swap_free (SLL, SDL) with it still held, as 2.4.16 does. It drops the LRU lock
// around everything that may sleep (writepage, waiting for a page under I/O, swap_out).
// Under pcl-lru (2.4.0, pre9) a clean page's removal is reclaim_page's instead: PCL, then LRU, and
// swap_free under both (PCL -> LRU -> SLL -> SDL, locks.ts lk_rank).
//
// Scheduling points (2.4.16's need_resched checks, where schedule() drops the BKL of a task
// that holds it and retakes it when the task runs again: kernel-notes, locks.ts
// schedule_point): shrink_cache's loop top (it drops pagemap_lru_lock around schedule()),
// swap_out's loop over the mms, kswapd_balance_pgdat before each try_to_free_pages. The
// model takes each of them as a point where the BKL and (in shrink_cache) the LRU lock are
// dropped and retaken: need_resched may be set at any of them, and an execution in which
// nobody takes either lock meanwhile is the one where it was not. kswapd never holds the BKL
// (2.4's do_fork starts every thread with lock_depth -1 and neither kswapd nor 2.4.16's
// daemonize takes it); a direct reclaimer does when its caller did (2.4.0/pre9's
// do_swap_page around read_swap_cache_async's allocation).
import { imul, idiv } from "../kernel/platform";
import { bug, V_LRU } from "../kernel/check";
import { cfg, CFG_FREE_HIGH, CFG_SWAP_CLUSTER, CFG_JIFFY_SHIFT } from "../kernel/config";
import {
  PG_LAUNDER, PG_BUFFERS, gget, gset, gaddr, G_LRU_LOCK, G_PCL, G_NR_FREE, G_NR_ACTIVE, G_NR_INACTIVE, G_KSWAPD_WAKE,
  G_SWAP_MM, G_MMLIST_LOCK, G_TASKLIST_LOCK, G_MMLIST_NR, G_NR_DELISTED, KSWAPD, ST_IDLE, nFrames, nMm, nPages, stat, S_PTE_SCANS, S_RECLAIM_SCANS,
  S_PAGES_FREED, S_KSWAPD_RUNS, page_count, page_flags, page_test, page_set, page_clear, page_index, PG_LRU,
  get_page, PG_REFERENCED, PG_UPTODATE, PG_DIRTY, PG_ACTIVE, PG_SWAPCACHE, PG_RESERVED, mm_get, mm_set,
  mm_addr, MM_PTL, MM_RSS, MM_USERS, MM_BIRTH, MM_SWAP_CURSOR, MM_SWAP_CNT, mmlist_next, mm_listed, MM_VMA_HIDDEN, pte_get, pte_set, pte_present, pte_frame,
  swp_entry_to_pte, PTE_DIRTY, PTE_YOUNG, ZERO_PAGE, ag_get, AG_OP, AG_BKL_DEPTH, nCpu,
} from "../kernel/state";
import { op_task_mm } from "../kernel/ops";
import { l, set_l, call, call_now, now, next, ret, ret_val, cur, YIELD, BLOCK, bad_pc } from "../kernel/frame";
import {
  spin_lock, spin_unlock, trylock_page, unlock_page, wait_on_page, set_state, might_sleep, schedule_point,
  read_lock, read_unlock, spinning_after_section, LK_PTL, LK_LRU, LK_PCL, LK_MMLIST, LK_TASKLIST,
} from "../kernel/locks";
import { trace, vpage } from "../kernel/trace";
import { try_to_free_buffers, page_count_users } from "./buffer";
import {
  P_GET_SWAP_PAGE, P_ADD_TO_SWAP_CACHE, P_SWAP_FREE, P_SWAP_DUPLICATE, P_SWAP_WRITEPAGE,
  P_TRY_TO_FREE_PAGES, P_SWAP_OUT_MM, P_TRY_TO_SWAP_OUT, P_MARK_PAGE_ACCESSED, P_MMPUT,
} from "../kernel/procs";
import {
  has, has2, F_UNIQUE_ADD, F_REMOVE_EXCLUSIVE, F_FREE_UNDER_PCL, F2_UNSCALED_SHRINK_CACHE, F_ALLOC_WAIT_KSWAPD, F_DROP_PTE_DEACTIVATE,
  F2_DROP_PTE_DEACTIVATE_LOCKED, F2_DIRTY_MAPPED_ONLY, F2_PCL_LRU, F2_LAUNDER_SKIPS_LOCKED, F2_DEL_LRU, F2_OOM_KILL, F2_OOM_PIN_MM, F2_KSWAPD_TIMEOUT,
  F2_SWAP_AMOUNT, F2_SWAP_CNT,
} from "../model";
import { HZ, out_of_memory, EV_OOM_SELECT, oom_select, oom_kill_mm, chosen_task_mm, oom_kill_no_mm, oom_reset, oom_jiffies } from "./oom_kill";
import { sched_yield } from "../kernel/sched";
import { kswapd_schedule_timeout } from "../kernel/timer";
import { put_page, kswapd_done } from "./page_alloc";
import { mm_pin, mmput_fast } from "./fork";
import { swap_cache_remove, set_page_dirty_bit, set_page_dirty_locked } from "./swap_state";
import {
  lru_active, lru_inactive, lru_tail, lru_prev, lru_rotate, __lru_cache_del, deactivate_page, deactivate_page_nolock_240,
} from "./swap";

// Trace events (400-499); wording in src/report/events/vmscan.ts. A virtual page is packed as
// mm << 16 | page (vpage) so an event can carry it with a frame and an entry.
export const EV_TSO_YOUNG: i32 = 400;       // (vpage, page, 0): young pte, only aged
export const EV_TSO_SKIP: i32 = 401;        // (vpage, page, why): SKIP_*
export const EV_TSO_GET_SWAP: i32 = 402;    // (vpage, page, entry): get_swap_page's entry (0 = none)
export const EV_TSO_UNMAP: i32 = 403;       // (vpage, page, 0): dirty page, no slot yet: pte cleared, get_swap_page next
export const EV_TSO_DUP: i32 = 404;         // (vpage, page, entry): page already cached: swap_duplicate
export const EV_TSO_SWAP_PTE: i32 = 405;    // (vpage, page, entry): swap pte installed, page unmapped
export const EV_TSO_RESTORE: i32 = 406;     // (vpage, page, 0): no swap space: pte restored
export const EV_TSO_RETRY: i32 = 407;       // (page, entry, result): add failed: swap_free(entry), retry
export const EV_TSO_DROP: i32 = 408;        // (vpage, page, 0): clean page not in the cache: pte dropped
// (add_to_swap_cache's own success is traced by swap_state.ts, not repeated here.)
export const EV_SWAP_OUT_MM: i32 = 410;     // (mm, cursor, count): scan starts, wants count freeable
export const EV_SWAP_OUT_MM_END: i32 = 411; // (mm, cursor, pages made freeable)
export const EV_SWAP_AMOUNT_MM: i32 = 412;  // (mm, cursor, count): swap-amount (pre9): scan starts, walks count present ptes
export const EV_SWAP_AMOUNT_MM_END: i32 = 413; // (mm, cursor or -1: the end, swap_address reset to 0, pages made freeable)
export const EV_SWAP_CNT_MM: i32 = 414;     // (mm, cursor, swap_cnt): swap-cnt (2.4.0): scan starts
export const EV_SWAP_CNT_MM_END: i32 = 415; // (mm, cursor or -1: the end, swap_address and swap_cnt reset to 0, 1: stopped on swap_cnt 0)
export const EV_SWAP_CNT_SELECT: i32 = 416; // (mm or -1: none, its swap_cnt, 1: after refreshing every swap_cnt from rss)
export const EV_SHRINK: i32 = 420;          // (nr_pages, priority, max_scan)
export const EV_SHRINK_WRITE: i32 = 421;    // (page, entry, 0): dirty cache page handed to swap_writepage
export const EV_SHRINK_FREE: i32 = 422;     // (page, entry, 0): removed from the cache, freed
export const EV_SHRINK_BUSY: i32 = 423;     // (page, count, flags): recheck under PCL failed
export const EV_SHRINK_SWAP_OUT: i32 = 424; // (priority, 0, 0): too many mapped pages
export const EV_SHRINK_WAIT: i32 = 425;     // (page, entry, 0): waits for the page's write
export const EV_SHRINK_END: i32 = 426;      // (nr_pages still wanted, 0, 0)
export const EV_REFILL: i32 = 427;          // (moved to inactive, asked, 0)
export const EV_LAUNDER_CLEAN: i32 = 428;   // (page, entry, 0): 2.4.0 page_launder: clean cache page to inactive_clean, reclaim_page next
export const EV_TTFP: i32 = 430;            // (nr_pages, 0, 0): try_to_free_pages starts
export const EV_TTFP_END: i32 = 431;        // (freed, priority reached, 0)
export const EV_KSWAPD_RUN: i32 = 440;      // (nr_free, CFG_FREE_HIGH = pages_high + 1, 0)
export const EV_KSWAPD_SLEEP: i32 = 441;    // (nr_free, 0, 0)
export const EV_KSWAPD_TIMEOUT: i32 = 442;  // (nr_free, steps, 0): kswapd-timeout: a pass fell short, schedule_timeout(HZ) for that many steps

export const SKIP_ACTIVE: i32 = 1;
export const SKIP_LOCKED: i32 = 2;
export const SKIP_RESERVED: i32 = 3;

const DEF_PRIORITY: i32 = 6;


// ---- try_to_swap_out -------------------------------------------------------------------
// mm/vmscan.c try_to_swap_out (2.4.16; 2.4.0 and 2.4.10-pre9 where unique-add is off).
// (mm, page); the caller holds mm's PTL throughout and it never sleeps.
// Locals: the arguments, then the frame, the pte it cleared and the swap entry. Sections: the
// unmap, then one per call it returns from (the 2.4.16 get/add loop or the older releases' steps).
const TSO_MM: i32 = 0;
const TSO_PAGE: i32 = 1;
const TSO_FRAME: i32 = 6;
const TSO_PTE: i32 = 7;
const TSO_ENTRY: i32 = 8;
const TSO_UNMAP: i32 = 0;       // decide, and clear the pte with the page locked
const TSO_DUP_DONE: i32 = 1;    // back from swap_duplicate: install the swap pte
const TSO_GOT_ENTRY: i32 = 2;   // 2.4.16 loop: back from get_swap_page
const TSO_ADDED: i32 = 3;       // 2.4.16 loop: back from add_to_swap_cache
const TSO_FREED: i32 = 4;       // 2.4.16 loop: back from swap_free of a raced entry
const TSO_OLD_ENTRY: i32 = 5;   // 2.4.0/pre9: back from get_swap_page
const TSO_OLD_ADDED: i32 = 6;   // 2.4.0/pre9: back from the unconditional add
const TSO_ACCESSED: i32 = 7;    // back from mark_page_accessed of a young pte's page
const TSO_DEACTIVATE: i32 = 8;  // 2.4.0 drop_pte: deactivate_page under pagemap_lru_lock
const TSO_PUT: i32 = 9;         // 2.4.0 drop_pte: page_cache_release after deactivate_page
const TSO_DEACTIVATE_LOCKED: i32 = 10; // pre9 drop_pte: deactivate_page, UnlockPage, page_cache_release
const TSO_DIRTY_DUP: i32 = 11;  // set_page_dirty's pagecache_lock, then swap_duplicate
const TSO_DIRTY_SET_PTE: i32 = 12; // 2.4.16: set_page_dirty's pagecache_lock after the add

export function try_to_swap_out(pc: i32): i32 {
  switch (pc) {
    case TSO_UNMAP: return tso_unmap();
    case TSO_DUP_DONE: return tso_set_swap_pte();
    case TSO_GOT_ENTRY: {
      const entry = ret_val();
      trace(EV_TSO_GET_SWAP, vpage(l(TSO_MM), l(TSO_PAGE)), l(TSO_FRAME), entry);
      if (entry == 0) return tso_preserve();
      set_l(TSO_ENTRY, entry);
      // 2.4.16's add_to_swap_cache starts by calling swap_duplicate: one step with this.
      return call_now(P_ADD_TO_SWAP_CACHE, TSO_ADDED, l(TSO_FRAME), entry, 0, 0);
    }
    case TSO_ADDED: {
      const r = ret_val();
      if (r == 0) {
        // The add cleared uptodate and dirty: the page is the only copy of the data.
        // get_swap_page's count-1 reference becomes the pte's, the add took the cache's.
        // SetPageUptodate, then set_page_dirty: the bit is clear and the page now has a
        // mapping, so pagecache_lock comes next (2.4.16 mm/filemap.c set_page_dirty).
        page_set(l(TSO_FRAME), PG_UPTODATE);
        if (set_page_dirty_bit(l(TSO_FRAME))) return next(TSO_DIRTY_SET_PTE);
        return tso_set_swap_pte();
      }
      // Raced with a "speculative" read_swap_cache_async (-EEXIST) or the slot went away.
      trace(EV_TSO_RETRY, l(TSO_FRAME), l(TSO_ENTRY), r);
      return call(P_SWAP_FREE, TSO_FREED, l(TSO_ENTRY), 0, 0, 0);
    }
    case TSO_FREED:
      return call(P_GET_SWAP_PAGE, TSO_GOT_ENTRY, 0, 0, 0, 0);
    case TSO_OLD_ENTRY: {
      // 2.4.0 and pre9: get_swap_page() is __get_swap_page(1), a count of 1 (the cache's);
      // the add checks nothing and cannot fail (linux-2.4.0 mm/vmscan.c; pre9 the "-"
      // side of Hugh Dickins' 15 Sep 2001 patch, same code).
      const entry = ret_val();
      trace(EV_TSO_GET_SWAP, vpage(l(TSO_MM), l(TSO_PAGE)), l(TSO_FRAME), entry);
      if (entry == 0) return tso_preserve();
      set_l(TSO_ENTRY, entry);
      return call(P_ADD_TO_SWAP_CACHE, TSO_OLD_ADDED, l(TSO_FRAME), entry, 0, 0);
    }
    case TSO_ACCESSED:
      return ret(0);
    case TSO_DEACTIVATE: // linux-2.4.0 mm/swap.c deactivate_page, called from drop_pte
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      deactivate_page_nolock_240(l(TSO_FRAME));
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      return next(TSO_PUT);
    case TSO_PUT:
      return tso_put();
    case TSO_DEACTIVATE_LOCKED:
      // 2.4.10-pre9 drop_pte (mm/vmscan.c try_to_swap_out): deactivate_page (mm/swap.c) takes
      // pagemap_lru_lock with the page still locked and the PTL held; after its unlock
      // nothing blocks until page_cache_release, so UnlockPage and the release share this step.
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      deactivate_page_nolock_240(l(TSO_FRAME));
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      unlock_page(l(TSO_FRAME));
      return tso_put();
    case TSO_OLD_ADDED:
      // set_page_dirty, then `goto set_swap_pte`, which in 2.4.0 and pre9 sits above the
      // swap_duplicate: the pte's own reference, taken in its own step (SDL), count 2.
      // (Hugh's 15 Sep patch moved the label below it and made get_swap_page count 2.)
      // PG_uptodate stands for 2.4.0's add setting it. Under dirty-mapped-only the bit is
      // normally clear here (the unmap left an uncached page's alone; pre9's swapoff may have
      // set it), so __set_page_dirty's pagecache_lock comes first (2.4.0 mm/filemap.c).
      page_set(l(TSO_FRAME), PG_UPTODATE);
      if (set_page_dirty_bit(l(TSO_FRAME))) return next(TSO_DIRTY_DUP);
      return call(P_SWAP_DUPLICATE, TSO_DUP_DONE, l(TSO_ENTRY), 0, 0, 0);
    case TSO_DIRTY_DUP:
      // set_page_dirty's pagecache_lock (2.4.0 mm/filemap.c __set_page_dirty, 2.4.16
      // mm/filemap.c set_page_dirty), this mm's PTL and the page lock held (PTL -> PCL);
      // then swap_duplicate, a call: the point after the unlock.
      if (!set_page_dirty_locked(l(TSO_FRAME))) return BLOCK;
      return call(P_SWAP_DUPLICATE, TSO_DUP_DONE, l(TSO_ENTRY), 0, 0, 0);
    case TSO_DIRTY_SET_PTE:
      // 2.4.16 mm/vmscan.c try_to_swap_out after add_to_swap_cache: set_page_dirty's
      // pagecache_lock (mm/filemap.c), then set_swap_pte in the next step (TSO_DUP_DONE).
      if (!set_page_dirty_locked(l(TSO_FRAME))) return BLOCK;
      return next(TSO_DUP_DONE);
  }
  return bad_pc();
}

/** Section 0: decide whether to unmap; if so clear the pte with the page locked. */
function tso_unmap(): i32 {
  const mm = l(TSO_MM), page = l(TSO_PAGE);
  const pte = pte_get(mm, page);
  if (!pte_present(pte)) return ret(0);
  const f = pte_frame(pte);
  if (f == ZERO_PAGE || page_test(f, PG_RESERVED)) { trace(EV_TSO_SKIP, vpage(mm, page), f, SKIP_RESERVED); return ret(0); }
  // Don't look at this pte if it's been accessed recently: age it, mark_page_accessed.
  if ((pte & PTE_YOUNG) != 0) {
    pte_set(mm, page, pte & ~PTE_YOUNG);
    trace(EV_TSO_YOUNG, vpage(mm, page), f, 0);
    // mark_page_accessed, in this step unless it activates the page (activate_page takes
    // pagemap_lru_lock in a section of its own, this mm's PTL still held); then return 0.
    return call_now(P_MARK_PAGE_ACCESSED, now(TSO_ACCESSED), f, 0, 0, 0);
  }
  // Don't bother unmapping pages that are active (2.4.16; pre9's try_to_swap_out has no such
  // test: swap-amount).
  if (!has2(F2_SWAP_AMOUNT) && page_test(f, PG_ACTIVE)) { trace(EV_TSO_SKIP, vpage(mm, page), f, SKIP_ACTIVE); return ret(0); }
  if (!trylock_page(f)) { trace(EV_TSO_SKIP, vpage(mm, page), f, SKIP_LOCKED); return ret(0); }
  // ptep_get_and_clear: from here the pte is nuked.
  pte_set(mm, page, 0);
  set_l(TSO_FRAME, f);
  set_l(TSO_PTE, pte);
  const dirty = (pte & PTE_DIRTY) != 0;
  const cached = page_test(f, PG_SWAPCACHE);
  // set_page_dirty on a dirty pte: 2.4.16 for every page, before its PageSwapCache test;
  // 2.4.0 and pre9 (dirty-mapped-only) inside that test, for a cached page only. Either way
  // pagecache_lock follows only for a cached page whose bit was clear (mm/filemap.c).
  const lock = dirty && (cached || !has2(F2_DIRTY_MAPPED_ONLY)) && set_page_dirty_bit(f);
  if (cached) {
    // Already in the swap cache: up to date on disk unless dirty; the pte takes a slot ref
    // (swap_duplicate, then set_swap_pte: the same in every release).
    const entry = page_index(f);
    set_l(TSO_ENTRY, entry);
    trace(EV_TSO_DUP, vpage(mm, page), f, entry);
    if (lock) return next(TSO_DIRTY_DUP);
    return call(P_SWAP_DUPLICATE, TSO_DUP_DONE, entry, 0, 0, 0);
  }
  // A clean page outside the cache is dropped, its pte left empty. 2.4.16: !PageDirty after
  // folding the pte's bit in. pre9 (a 2.4.10-pre mm/vmscan.c, docs/faithfulness.md
  // try_to_swap_out): !pte_dirty && !PageDirty, its swapoff (unuse-delete-first) leaving the
  // page PG_dirty behind clean ptes. 2.4.0: !pte_dirty alone, the same here: in 2.4.0's model
  // an uncached page is never PG_dirty (set only through a mapping, cleared by the delete).
  if (!dirty && !page_test(f, PG_DIRTY)) return tso_drop_pte();
  // mm/vmscan.c try_to_swap_out: the pte stays none (ptep_get_and_clear above) while the
  // page waits for a slot, across get_swap_page's sections; another path reading it
  // meanwhile (2.4.0's copy_page_range under no page_table_lock) sees no page there.
  trace(EV_TSO_UNMAP, vpage(mm, page), f, 0);
  return call(P_GET_SWAP_PAGE, has(F_UNIQUE_ADD) ? TSO_GOT_ENTRY : TSO_OLD_ENTRY, 0, 0, 0, 0);
}

/** set_swap_pte: install the swap pte, then drop_pte. */
function tso_set_swap_pte(): i32 {
  pte_set(l(TSO_MM), l(TSO_PAGE), swp_entry_to_pte(l(TSO_ENTRY)));
  trace(EV_TSO_SWAP_PTE, vpage(l(TSO_MM), l(TSO_PAGE)), l(TSO_FRAME), l(TSO_ENTRY));
  return tso_release();
}

/** drop_pte without a swap pte: a clean page that needs no slot. */
function tso_drop_pte(): i32 {
  trace(EV_TSO_DROP, vpage(l(TSO_MM), l(TSO_PAGE)), l(TSO_FRAME), 0);
  return tso_release();
}

/** drop_pte: rss--, unlock, drop the pte's page reference. Returns whether the page is now
 *  freeable (only the cache would hold it).
 *  2.4.16 (mm/vmscan.c try_to_swap_out): rss--, UnlockPage, then the freeable test and
 *  page_cache_release, all in this step. 2.4.10-pre9 (flag drop-pte-deactivate-locked):
 *  rss--, then "if (!PageReferenced(page)) deactivate_page(page);" with the page still
 *  locked, pagemap_lru_lock taken first in TSO_DEACTIVATE_LOCKED (PTL -> LRU as activate_page,
 *  a page lock held across it as the kernel holds it), UnlockPage and page_cache_release in
 *  that same step: another CPU meanwhile finds the swap pte installed and the page locked. 2.4.0 (linux-2.4.0 mm/vmscan.c try_to_swap_out, flag
 *  drop-pte-deactivate): UnlockPage and rss--, then deactivate_page, which takes
 *  pagemap_lru_lock (the swapped mm's PTL still held: PTL -> LRU, as activate_page), and only
 *  then page_cache_release: another CPU may lock the page meanwhile and find the pte's
 *  reference still counted. 2.4.0 returns 0 here; the model keeps 2.4.16's freeable count,
 *  which swap_out_mm's policy reads (docs/faithfulness.md, try_to_swap_out). */
function tso_release(): i32 {
  const mm = l(TSO_MM), f = l(TSO_FRAME);
  if (has2(F2_DROP_PTE_DEACTIVATE_LOCKED)) {
    // pre9: rss--, then, unless the page is referenced (an unlocked test of PG_referenced),
    // deactivate_page before UnlockPage, its lock taken first in a section of its own.
    mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) - 1);
    if (!page_test(f, PG_REFERENCED)) return next(TSO_DEACTIVATE_LOCKED);
    unlock_page(f);
    return tso_put();
  }
  if (has(F_DROP_PTE_DEACTIVATE)) {
    unlock_page(f);
    mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) - 1);
    return next(TSO_DEACTIVATE); // the lock is taken first in a section of its own
  }
  mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) - 1);
  unlock_page(f);
  return tso_put();
}

/** page_cache_release of the pte's reference; returns whether only the cache (and no other
 *  user) held the page before it: 2.4.16's "freeable = page_count(page) - !!page->buffers <= 2". */
function tso_put(): i32 {
  const f = l(TSO_FRAME);
  const freeable = page_count_users(f) <= 2;
  put_page(f);
  return ret(freeable ? 1 : 0);
}

/** preserve: no swap space left; put the pte back as it was. Returns 0 and the walk above
 *  goes on, as the kernel's does: later ptes of pages already in the swap cache need no new
 *  slot and are still unmapped. */
function tso_preserve(): i32 {
  pte_set(l(TSO_MM), l(TSO_PAGE), l(TSO_PTE));
  unlock_page(l(TSO_FRAME));
  trace(EV_TSO_RESTORE, vpage(l(TSO_MM), l(TSO_PAGE)), l(TSO_FRAME), 0);
  return ret(0);
}

// ---- swap_out_mm -----------------------------------------------------------------------
// mm/vmscan.c swap_out_mm → swap_out_vma/pgd/pmd (2.4.16).
// (mm, count, put) → pages made freeable, or SWAP_OUT_RACED. Under mm's PTL: "We raced" when
// the mm's swap_address is TASK_SIZE (another walker finished it meanwhile) or swap_mm is no
// longer this mm (a pick moved past it): nothing walked, and the caller does not count this
// mm (2.4.16's ++*mmcounter). Else the walk goes from swap_address up, never past the end,
// until count pages became freeable (2.4.16 counts down SWAP_CLUSTER_MAX the same way): then
// swap_address is the next page and swap_mm stays on this mm, so the next swap_out goes on
// here; a walk that reaches the end sets swap_address = TASK_SIZE ("we reached the end of
// address space"), and swap_out's next pick resets it to 0 and moves swap_mm on.
// The model's mm is one anonymous vma, which a real process has followed by at least its
// stack's: 2.4.16's loop over the vmas breaks at vma->vm_next == NULL before it tests count,
// so a walk that ends its count in the last vma sets TASK_SIZE too; the model's vma is never
// the last (the stack vma, which the model does not map, is walked with nothing found). So a
// walk that meets its count at the anonymous vma's last page leaves swap_address at its vm_end
// (nPages), and the next walk of the mm walks the stack's vma, finds nothing and sets TASK_SIZE
// (nPages + 1, task_size_page): one turn of swap_out's counter (until 5 Dec 2026 the model
// stored nPages as TASK_SIZE there, and swap_out's next pick moved on at once).
// swap_out_pmd stores the walk's address at each pmd's end; it is never TASK_SIZE and only a
// walker under this PTL reads any other value, so the model keeps it in a local and stores it
// once, when the walk ends.
// put: 1 when the caller (swap_out) pinned the mm: swap_out's "mmput(mm)" after swap_out_mm
// returns runs here, in a section of its own after the one that drops the PTL (the return
// between touches nothing shared; until 6 Dec 2026 the put shared the unlock's section, which
// lost the interleavings where another CPU takes the PTL between them); a put that is not the
// last is one atomic decrement; the last put (the mm's process exited meanwhile) runs
// exit_mmap in this agent (P_MMPUT) before the return.
// Locals: the arguments, then the walk's address and the pages made freeable.
// Sections: PTL taken and the walk, back from try_to_swap_out, back from mark_page_accessed,
// the walk going on (PTL still held) at a page after one whose flags it has read, back from a
// last mmput, and swap_out's mmput.
const SOM_MM: i32 = 0;
const SOM_COUNT: i32 = 1;
const SOM_PUT: i32 = 2;
const SOM_CURSOR: i32 = 6;
const SOM_FOUND: i32 = 8;
const SOM_LOCK: i32 = 0;
const SOM_SWAPPED: i32 = 1;
const SOM_ACCESSED: i32 = 2;
const SOM_NEXT_PAGE: i32 = 3;
const SOM_PUT_DONE: i32 = 4;
const SOM_MMPUT: i32 = 5;
/** swap_out_mm's result when it raced (2.4.16 "We raced: don't count this mm but try again"). */
const SWAP_OUT_RACED: i32 = -1;
/** TASK_SIZE as an mm's swap_address, one past the stack's vma. The model's address space is
 *  one anonymous vma of nPages pages, [0, nPages), followed by the stack's vma, which the model
 *  does not map: a swap_address of nPages is that vma's vm_end (where a walk that stopped on
 *  its count at the last page leaves it), nPages + 1 is TASK_SIZE (a walk went through the
 *  stack's vma to the end: "Indicate that we reached the end of address space"). */
@inline function task_size_page(): i32 { return nPages + 1; }

export function swap_out_mm(pc: i32): i32 {
  switch (pc) {
    case SOM_LOCK: {
      // pre9 (swap-amount): "if (!count) return 1;" before the PTL (an mm with no rss).
      if (has2(F2_SWAP_AMOUNT) && l(SOM_COUNT) == 0) { set_l(SOM_FOUND, 0); return swap_out_mm_put(); }
      if (!spin_lock(mm_addr(l(SOM_MM), MM_PTL), LK_PTL)) return BLOCK;
      const address = mm_get(l(SOM_MM), MM_SWAP_CURSOR);
      // 2.4.16's "We raced"; pre9 has none (its swap_address is never TASK_SIZE between walks).
      // 2.4.0 (swap-cnt) has none either: its swap_address is 0 after a walk to the end.
      if (!has2(F2_SWAP_AMOUNT | F2_SWAP_CNT) && (address >= task_size_page() || gget(G_SWAP_MM) != l(SOM_MM))) return swap_out_mm_raced();
      set_l(SOM_CURSOR, address < 0 ? 0 : address);
      set_l(SOM_FOUND, 0);
      if (has2(F2_SWAP_CNT)) trace(EV_SWAP_CNT_MM, l(SOM_MM), l(SOM_CURSOR), mm_get(l(SOM_MM), MM_SWAP_CNT));
      else trace(has2(F2_SWAP_AMOUNT) ? EV_SWAP_AMOUNT_MM : EV_SWAP_OUT_MM, l(SOM_MM), l(SOM_CURSOR), l(SOM_COUNT));
      // munmap or exit unlinked the vma: find_vma finds only the stack's, and the walk ends
      // at TASK_SIZE with nothing found.
      if (mm_get(l(SOM_MM), MM_VMA_HIDDEN) != 0) { set_l(SOM_CURSOR, task_size_page()); return swap_out_mm_done(); }
      return swap_out_scan(false);
    }
    case SOM_SWAPPED: {
      // 2.4.0's try_to_swap_out returns 0 but for swap_cnt (swap_out_scan's stop).
      const found = has2(F2_SWAP_CNT) ? 0 : l(SOM_FOUND) + ret_val();
      set_l(SOM_FOUND, found);
      // 2.4.16 counts pages made freeable; pre9 (swap-amount) counts ptes and 2.4.0 (swap-cnt)
      // spends swap_cnt, both in swap_out_scan.
      if (!has2(F2_SWAP_AMOUNT | F2_SWAP_CNT) && found >= l(SOM_COUNT)) return swap_out_mm_done();
      return swap_out_scan(false);
    }
    case SOM_ACCESSED: // back from mark_page_accessed of a young pte's page, PTL still held
      return swap_out_scan(true);
    case SOM_NEXT_PAGE:
      return swap_out_scan(false);
    case SOM_MMPUT: // swap_out's mmput, after swap_out_mm returned with the PTL dropped
      return swap_out_mm_put();
    case SOM_PUT_DONE: // back from swap_out's last mmput: exit_mmap ran here
      return ret(l(SOM_FOUND));
  }
  return bad_pc();
}

/** Walks ptes from the walk's address to the end until one maps a swappable page, under PTL.
 *  `touched`: this step has already read or written a page's flags (an active page passed
 *  over, a young pte's mark_page_accessed).
 *  Merged (assembly/README.md "Merged steps"): the ptes, which PTL guards, and the zero page's
 *  PG_reserved, which never changes. Not merged: two pages' flags. try_to_swap_out's first
 *  checks run here (mm/vmscan.c try_to_swap_out: ptep_test_and_clear_young then
 *  mark_page_accessed, then PageActive), and PG_active changes under pagemap_lru_lock, which
 *  the walk does not hold (refill_inactive, activate_page), PG_referenced under no lock at all:
 *  in 2.4.16 another CPU can activate or deactivate a later page while swap_out_pmd is still
 *  at an earlier one. So once a page's flags were touched, the walk ends its section at the
 *  next pte that maps a page (and goes on there, PTL still held, in a later step). */
function swap_out_scan(touched: bool): i32 {
  const mm = l(SOM_MM);
  const amount = has2(F2_SWAP_AMOUNT);
  // pre9 swap_out_pmd: "if (!--count) break;" right after the page that used the last of the
  // count, and "mm->swap_address = address + PAGE_SIZE": the cursor is already past it.
  if (amount && l(SOM_COUNT) == 0) return swap_out_mm_done();
  let page = l(SOM_CURSOR);
  while (page < nPages) {
    const pte = pte_get(mm, page);
    if (touched && pte_present(pte) && !page_test(pte_frame(pte), PG_RESERVED)) {
      // This pte's page is looked at in the walk's next section.
      set_l(SOM_CURSOR, page);
      return next(SOM_NEXT_PAGE);
    }
    stat(S_PTE_SCANS);
    if (!pte_present(pte)) { page++; continue; }
    const f = pte_frame(pte);
    if (page_test(f, PG_RESERVED)) { page++; continue; }
    // try_to_swap_out's first checks, done in the walk: with PTL held they touch only this
    // pte and this page's flags (the user's MMU may set the young bit again either way).
    set_l(SOM_CURSOR, page + 1);
    if (amount) set_l(SOM_COUNT, l(SOM_COUNT) - 1); // pre9: every present page counts, whatever becomes of it
    if (has2(F2_SWAP_CNT) && !swap_cnt_spend(mm)) return swap_out_mm_done();
    if ((pte & PTE_YOUNG) != 0) {
      pte_set(mm, page, pte & ~PTE_YOUNG);
      // mark_page_accessed: the walk goes on in this step unless the page is activated
      // (activate_page takes pagemap_lru_lock in a section of its own, PTL still held).
      return call_now(P_MARK_PAGE_ACCESSED, now(SOM_ACCESSED), f, 0, 0, 0);
    }
    if (!amount && page_test(f, PG_ACTIVE)) { touched = true; page++; continue; }
    return call_now(P_TRY_TO_SWAP_OUT, SOM_SWAPPED, mm, page, 0, 0); // under this same PTL hold
  }
  // Past the anonymous vma's last pte: the walk goes on through the stack's vma, which maps
  // nothing in the model, to the end of the address space (the PTL held throughout).
  set_l(SOM_CURSOR, task_size_page());
  return swap_out_mm_done();
}

/** The walk is over: its address stored (TASK_SIZE at the end of the address space: "Indicate
 *  that we reached the end of address space"), the PTL dropped, and the caller's pin put. */
@inline function swap_out_mm_done(): i32 {
  // A walk that reached the end holds TASK_SIZE already (swap_out_scan sets it). One that
  // stopped on its count (2.4.16 count pages freeable, pre9's count of ptes, 2.4.0's swap_cnt)
  // at the anonymous vma's last page holds its vm_end: 2.4.16's loop over the vmas tests
  // "if (!count) goto out_unlock" before it reaches vm_next == NULL, and pre9's and 2.4.0's
  // walks return before their reset, so the next walk of the mm starts at the stack's vma,
  // finds nothing, and only then sets TASK_SIZE (2.4.16) or resets (pre9, 2.4.0).
  const ended = l(SOM_CURSOR) >= task_size_page();
  // pre9 and 2.4.0: "Reset to 0 when we reach the end of address space" (2.4.16 keeps
  // TASK_SIZE for swap_out's pick to see); 2.4.0 zeroes swap_cnt there too.
  const reset = ended && has2(F2_SWAP_AMOUNT | F2_SWAP_CNT);
  mm_set(l(SOM_MM), MM_SWAP_CURSOR, reset ? 0 : l(SOM_CURSOR));
  if (reset && has2(F2_SWAP_CNT)) mm_set(l(SOM_MM), MM_SWAP_CNT, 0);
  spin_unlock(mm_addr(l(SOM_MM), MM_PTL), LK_PTL);
  // -1: the end (2.4.16: swap_address TASK_SIZE; pre9 and 2.4.0: reset to 0)
  const ev = has2(F2_SWAP_CNT) ? EV_SWAP_CNT_MM_END : has2(F2_SWAP_AMOUNT) ? EV_SWAP_AMOUNT_MM_END : EV_SWAP_OUT_MM_END;
  trace(ev, l(SOM_MM), ended ? -1 : l(SOM_CURSOR), l(SOM_FOUND));
  return swap_out_mm_unlocked();
}

/** 2.4.0 (swap-cnt) try_to_swap_out, after its pte_present, VALID_PAGE and PageReserved
 *  tests: "if (!mm->swap_cnt) return 1; mm->swap_cnt--;" under the mm's PTL. False: swap_cnt
 *  was 0, the walk stops (swap_out_pmd had already stored this page's next address as
 *  swap_address) and swap_out_mm returns 1. swap_cnt is also written and compared under
 *  mmlist_lock by another CPU's select, so no section spends two pages' worth: after the
 *  walk's first page each test starts a section (the return from try_to_swap_out is a new
 *  step, and the young and active paths end theirs at the next present pte, `touched`). */
function swap_cnt_spend(mm: i32): bool {
  const c = mm_get(mm, MM_SWAP_CNT);
  if (c == 0) { set_l(SOM_FOUND, 1); return false; }
  mm_set(mm, MM_SWAP_CNT, c - 1);
  return true;
}

/** "We raced: don't count this mm but try again": the PTL dropped at once, the pin put. */
function swap_out_mm_raced(): i32 {
  spin_unlock(mm_addr(l(SOM_MM), MM_PTL), LK_PTL);
  const moved = gget(G_SWAP_MM) != l(SOM_MM) ? 1 : 0; // why: swap_mm moved on, else TASK_SIZE
  trace(EV_SWAP_OUT_MM_END, l(SOM_MM), moved, SWAP_OUT_RACED);
  set_l(SOM_FOUND, SWAP_OUT_RACED);
  return swap_out_mm_unlocked();
}

/** The PTL just dropped: swap_out_mm returns, and swap_out's mmput(mm) follows it in a step of
 *  its own (mm/vmscan.c swap_out: "nr_pages = swap_out_mm(...); mmput(mm);"). Between the two,
 *  another CPU may take the PTL and read mm_users with the pin still counted: a munmap's
 *  tlb_gather_mmu then gathers, where after the put it might not (memory.ts zap_gathers). A
 *  walk without a pin (pre9's own mm) returns in the unlock's step: the return touches nothing
 *  shared. */
@inline function swap_out_mm_unlocked(): i32 {
  if (l(SOM_PUT) != 0) return next(SOM_MMPUT);
  return ret(l(SOM_FOUND));
}

@inline function swap_out_mm_put(): i32 {
  if (l(SOM_PUT) != 0 && !mmput_fast(l(SOM_MM))) return call(P_MMPUT, SOM_PUT_DONE, l(SOM_MM), 0, 0, 0);
  return ret(l(SOM_FOUND));
}

// ---- swap_out --------------------------------------------------------------------------
// mm/vmscan.c swap_out (2.4.16). (priority) → 1 when SWAP_CLUSTER_MAX (scaled) pages became
// freeable. counter = mmlist_nr (read without the lock, as 2.4.16 does); each turn of the loop
// starts at a need_resched point (schedule_point), picks an mm under mmlist_lock (taken first
// in the pick's section, dropped before swap_out_mm takes the mm's PTL: 2.4.16 swap_out:
// spin_lock(&mmlist_lock); mm = swap_mm; ...; atomic_inc(&mm->mm_users);
// spin_unlock(&mmlist_lock)), walks it, and goes on "while (--counter >= 0)": mmlist_nr + 1
// walks at most, a raced mm not counted.
// linux-2.4.0 (flag swap-cnt; linux-2.4.0 mm/vmscan.c swap_out): one mm a call, the first on
// the mmlist with the largest swap_cnt, chosen under mmlist_lock (swap_out_select; with none
// left, the lock dropped and a second select that refreshes every swap_cnt from rss first),
// pinned and walked until its swap_cnt is spent or the address space ends.
// 2.4.10-pre9 (flag swap-amount; its mm/vmscan.c swap_out, swap_amount, swap_out_mm and
// swap_out_pmd, a copy at the line numbers of Hugh Dickins' 15 Sep 2001 patch, see
// docs/faithfulness.md): "Always start by trying to penalize the process that is allocating
// memory": current->mm is walked first, unpinned and without mmlist_lock (kswapd has none);
// then counter = (mmlist_nr << SWAP_MM_SHIFT) >> priority and "do { ... } while (--counter
// >= 0)", each turn picking swap_mm (past init_mm), moving swap_mm on to the next at once,
// pinning it and walking swap_amount(mm) present ptes of it; no need_resched point between
// mms, no stop once enough pages are freeable (its swap_out returns nothing).
// (shrink_cache runs the same loop in its own frame: SC_SWAP_OUT, with the same two locals.)
// Locals: the priority; the counter (2.4.0: the select's `assign`), pages still wanted.
// Sections: the start, back from swap_out_mm, after the need_resched point (pre9: after the
// mmput; 2.4.0: the second select), and pre9's back from current->mm's walk.
const SO_PRIORITY: i32 = 0;
const SO_COUNTER: i32 = 6;
const SO_WANTED: i32 = 7;
const SO_START: i32 = 0;
const SO_SCANNED: i32 = 1;
const SO_NEXT: i32 = 2;
const SO_OWN_DONE: i32 = 3;

export function swap_out(pc: i32): i32 {
  switch (pc) {
    case SO_START: {
      set_l(SO_WANTED, swap_cluster());
      const own = swap_out_own_mm();
      if (own >= 0) return call(P_SWAP_OUT_MM, SO_OWN_DONE, own, swap_amount(own), 0, 0);
      swap_out_counter(l(SO_PRIORITY));
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      return swap_out_next_mm();
    }
    case SO_OWN_DONE:
      // pre9: the counter is read once current->mm's walk is over, unlocked, a section before
      // the loop's spin_lock(&mmlist_lock): shrink_cache's SC_SWAP_OUT_OWN, the same steps.
      swap_out_counter(l(SO_PRIORITY));
      return next(SO_NEXT);
    case SO_SCANNED:
      if (!swap_out_again(ret_val())) return ret(l(SO_WANTED) <= 0 ? 1 : 0);
      if (!has2(F2_SWAP_AMOUNT)) schedule_point();
      return next(SO_NEXT);
    case SO_NEXT:
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      return swap_out_next_mm();
  }
  return bad_pc();
}

function swap_out_next_mm(): i32 {
  const mm = swap_out_pick();
  spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
  if (mm >= 0) return call(P_SWAP_OUT_MM, SO_SCANNED, mm, swap_out_count(mm), 1, 0);
  if (mm == SELECT_AGAIN) return next(SO_NEXT);
  return ret(0);
}

/** swap_out's start: 2.4.16 "counter = mmlist_nr", pre9 (swap-amount) "counter = (mmlist_nr
 *  << SWAP_MM_SHIFT) >> priority" (both read mmlist_nr without the lock); SWAP_CLUSTER_MAX
 *  (scaled) pages wanted. Locals only: a section may BLOCK after it. */
@inline function swap_out_start(priority: i32): void {
  swap_out_counter(priority);
  set_l(SO_WANTED, swap_cluster());
}

/** swap_out's counter from mmlist_nr, read without the lock. */
@inline function swap_out_counter(priority: i32): void {
  const nr = gget(G_MMLIST_NR);
  // 2.4.0 (swap-cnt): the counter is the select's `assign`, 0 on the first pick.
  set_l(SO_COUNTER, has2(F2_SWAP_CNT) ? 0 : has2(F2_SWAP_AMOUNT) ? (nr << SWAP_MM_SHIFT) >> priority : nr);
}

/** pre9 mm/vmscan.c SWAP_MM_SHIFT, SWAP_SHIFT, SWAP_MIN. */
const SWAP_MM_SHIFT: i32 = 4;
const SWAP_SHIFT: i32 = 5;
const SWAP_MIN: i32 = 8;

/** pre9 (swap-amount) swap_out's first walk: current->mm, the allocating task's ("Always start
 *  by trying to penalize the process that is allocating memory"), or -1: kswapd and a CPU
 *  whose op names no mm of its own (swapoff, swapon) have none, and 2.4.16 walks no mm first.
 *  A CPU's task is the process its op runs in (kernel/workload.ts cpu_is_task_of). */
function swap_out_own_mm(): i32 {
  if (!has2(F2_SWAP_AMOUNT) || cur >= nCpu) return -1;
  return op_task_mm(ag_get(cur, AG_OP));
}

/** pre9 swap_amount(mm): "Walk about 6% of the address space each time": rss >> SWAP_SHIFT,
 *  at least SWAP_MIN but not more than rss (read without a lock, as the kernel does). */
function swap_amount(mm: i32): i32 {
  const rss = mm_get(mm, MM_RSS);
  const nr = rss >> SWAP_SHIFT;
  if (nr >= SWAP_MIN) return nr;
  return SWAP_MIN > rss ? rss : SWAP_MIN;
}

/** What swap_out_mm is asked for: 2.4.16 the pages still wanted, pre9 swap_amount(mm) ptes
 *  (2.4.0's walk spends the mm's own swap_cnt and reads no count). */
@inline function swap_out_count(mm: i32): i32 { return has2(F2_SWAP_AMOUNT) ? swap_amount(mm) : l(SO_WANTED); }

/** After a swap_out_mm that returned r: whether swap_out's loop goes on. A raced mm is not
 *  counted (++*mmcounter); "if (!nr_pages) return 1"; "while (--counter >= 0)". It writes the
 *  locals, so a section that BLOCKs after calling it calls it again when it re-runs: harmless
 *  only where the answer was false, which stands (the counter and the pages wanted never
 *  rise), as in shrink_cache's SC_SWAP_OUT_MM. */
function swap_out_again(r: i32): bool {
  if (has2(F2_SWAP_CNT)) return false; // 2.4.0: one mm a call ("break" after swap_out_mm)
  if (has2(F2_SWAP_AMOUNT)) { // pre9: "while (--counter >= 0)", whatever the walks found
    set_l(SO_COUNTER, l(SO_COUNTER) - 1);
    return l(SO_COUNTER) >= 0;
  }
  let counter = l(SO_COUNTER);
  if (r == SWAP_OUT_RACED) { counter++; r = 0; }
  const wanted = l(SO_WANTED) - r;
  set_l(SO_WANTED, wanted);
  counter--;
  set_l(SO_COUNTER, counter);
  return wanted > 0 && counter >= 0;
}

/** The mm swap_out walks next, or -1 when only init_mm is on the list ("goto empty"). The
 *  caller holds mmlist_lock. 2.4.16 mm/vmscan.c swap_out: "mm = swap_mm; while
 *  (mm->swap_address == TASK_SIZE || mm == &init_mm) { mm->swap_address = 0; mm = next; if
 *  (mm == swap_mm) goto empty; swap_mm = mm; }": swap_mm stays on an mm until a walk has
 *  taken it to TASK_SIZE; every mm passed over starts again at 0, so the loop ends within
 *  one round. An mm's mmput moves swap_mm on before the mm leaves the list (fork.ts
 *  mmput_unlist), so it always names a listed mm. (init_mm's own swap_address, which the
 *  kernel zeroes here too, is never read: init_mm is always passed over.) Then "Make sure
 *  the mm doesn't disappear when we drop the lock": the pin (fork.ts mm_pin), which
 *  swap_out_mm's last section puts (SOM_PUT). */
function swap_out_pick(): i32 {
  let mm = gget(G_SWAP_MM);
  if (mm < 0 || mm > nMm || !mm_listed(mm)) { mm = nMm; gset(G_SWAP_MM, nMm); } // (a model bug)
  if (has2(F2_SWAP_AMOUNT)) return swap_out_pick_next(mm);
  if (has2(F2_SWAP_CNT)) return swap_out_select(l(SO_COUNTER) != 0);
  while (mm == nMm || mm_get(mm, MM_SWAP_CURSOR) >= task_size_page()) {
    if (mm != nMm) mm_set(mm, MM_SWAP_CURSOR, 0);
    mm = mmlist_next(mm);
    if (mm == gget(G_SWAP_MM)) return -1; // "goto empty"
    gset(G_SWAP_MM, mm);
  }
  mm_pin(mm);
  return mm;
}

/** pre9 (swap-amount) swap_out's pick: "mm = swap_mm; if (mm == &init_mm) { mm = next; if (mm
 *  == &init_mm) goto empty; } swap_mm = next of mm;", then the pin. swap_mm moves on at every
 *  pick, so the mms are walked in turn whatever each walk did. */
function swap_out_pick_next(mm: i32): i32 {
  if (mm == nMm) {
    mm = mmlist_next(nMm);
    if (mm == nMm) return -1; // "goto empty"
  }
  gset(G_SWAP_MM, mmlist_next(mm));
  mm_pin(mm);
  return mm;
}

/** swap_out_pick's answer under swap-cnt when no mm has swap_cnt left but some has rss: the
 *  caller drops mmlist_lock and selects again, refreshing (2.4.0 "goto select" with assign). */
const SELECT_AGAIN: i32 = -2;

/** 2.4.0 (swap-cnt) swap_out's select, mmlist_lock held by the caller (linux-2.4.0
 *  mm/vmscan.c swap_out): over the mmlist from init_mm's next, the mms with rss > 0 (read
 *  unlocked, as the kernel does); with `assign`, each one's swap_cnt refreshed to rss >>
 *  SWAP_SHIFT, at least SWAP_MIN ("Refresh swap_cnt?"); the first with the largest swap_cnt
 *  above 0 is pinned ("Make sure it doesn't disappear") and walked. None: SELECT_AGAIN when
 *  this was the first select and some mm has rss (the lock is dropped and retaken, `assign`
 *  set: the counter local), else -1. The loop's counter, (nr_threads << SWAP_SHIFT) >>
 *  priority, never runs out first: every path breaks after one walk or none. */
function swap_out_select(assign: bool): i32 {
  let best = -1, max_cnt = 0, found_task = 0;
  for (let mm = mmlist_next(nMm); mm != nMm; mm = mmlist_next(mm)) {
    const rss = mm_get(mm, MM_RSS);
    if (rss <= 0) continue;
    found_task++;
    if (assign) {
      const share = rss >> SWAP_SHIFT;
      mm_set(mm, MM_SWAP_CNT, share < SWAP_MIN ? SWAP_MIN : share);
    }
    const cnt = mm_get(mm, MM_SWAP_CNT);
    if (cnt > max_cnt) { max_cnt = cnt; best = mm; }
  }
  trace(EV_SWAP_CNT_SELECT, best, max_cnt, assign ? 1 : 0);
  if (best >= 0) { mm_pin(best); return best; }
  if (assign || found_task == 0) return -1;
  set_l(SO_COUNTER, 1);
  return SELECT_AGAIN;
}

// ---- shrink_cache ----------------------------------------------------------------------
// mm/vmscan.c shrink_caches → refill_inactive + shrink_cache (2.4.16).
// (nr_pages, priority) → pages still wanted: one pass, as the kernel's shrink_cache.
//
// try_to_free_pages runs these same sections in its own frame (SC_LOOP = 1): a pass that leaves
// pages wanted starts the next at priority - 1, down to 1. And a pass runs swap_out's mm walk
// in its own frame too. Why: between those calls the kernel only calls, returns and loops,
// touching no shared state, so a frame per function would cost a step per call and per
// return (about 15 of the ~200 steps of a hunt execution) and add no interleaving that
// could change anything.
//
// Every turn of the scan loop starts at the kernel's need_resched point: the LRU lock is
// dropped (with the BKL, schedule_point) at the end of a page and retaken at the start of
// the next section (SC_RELOCK), so no extra step is spent on it.
//
// Locals: the arguments (pages still wanted, priority), try_to_free_pages' loop mark, then
// max_scan, max_mapped, the page in hand and its swap entry; in the pass's swap_out, its two
// locals (mms tried, pages still wanted) in max_scan's and max_mapped's places. Sections:
// the pass's start, then the steps below.
const SC_NR_PAGES: i32 = 0;
const SC_PRIORITY: i32 = 1;
const SC_LOOP: i32 = 2;
const SC_MAX_SCAN: i32 = 6;
const SC_MAX_MAPPED: i32 = 7;
const SC_PAGE: i32 = 8;
const SC_ENTRY: i32 = 9;
const SC_SO_COUNTER: i32 = SO_COUNTER; // swap_out's two locals in max_scan's and max_mapped's places: swap_out_again and swap_out_count read them as its own
const SC_PASS: i32 = 0;        // a pass at the priority argument
const SC_WRITTEN: i32 = 2;     // back from swap_writepage (LRU dropped)
const SC_PCL: i32 = 3;         // LRU held, page locked: take PCL for the freeable recheck
const SC_RELOCK: i32 = 4;      // the loop top: take LRU, look at the inactive tail
const SC_SWAPPED: i32 = 5;     // back from swap_out: done
const SC_SLOT_FREED: i32 = 6;  // LRU held, back from swap_free: free the frame
const SC_WAIT: i32 = 7;        // LRU dropped: wait for a laundered page's write
const SC_NEXT_PASS: i32 = 8;   // LRU dropped after a pass: the next priority's pass
const SC_SWAP_OUT: i32 = 9;    // LRU dropped: swap_out picks its first mm
const SC_SWAP_OUT_MM: i32 = 10; // back from swap_out_mm: the next mm, or the pass is over
const SC_SWAP_OUT_NEXT: i32 = 11; // after swap_out's need_resched point: pick the next mm
const SC_RP_PCL: i32 = 12;     // pcl-lru: reclaim_page's pagecache_lock (nothing held)
const SC_RP_LRU: i32 = 13;     // pcl-lru: reclaim_page's pagemap_lru_lock (PCL held): its checks, the delete
const SC_OOM_KILL: i32 = 14;   // oom-kill: try_to_free_pages fell short, out_of_memory chose to kill: tasklist_lock
const SC_OOM_RESET: i32 = 15;  // oom-kill: back from oom_kill's yield: out_of_memory's reset, then return
const SC_OOM_KILL_LOOP: i32 = 16; // oom-kill without oom-pin-mm: oom_kill's loop under its own tasklist_lock hold
const SC_RESCHED: i32 = 17;    // a release that spun on the LRU lock is done: the loop top's need_resched point
const SC_OOM_TEST: i32 = 18;   // oom-kill: try_to_free_pages fell short; out_of_memory's first test (no lock held)
const SC_SWAP_OUT_OWN: i32 = 19; // pre9: back from current->mm's walk: the counter, then mmlist_lock
const SC_BUFFERS: i32 = 20;    // swap-buffers: LRU dropped, page locked and held: try_to_free_buffers
const SC_BUF_RELOCK: i32 = 21; // swap-buffers: buffers freed: retake LRU, then where the page goes
const SC_OOM_NOW: i32 = SC_PAGE; // oom-kill: out_of_memory's `now` (no page is held by then)
const SC_OOM_VICTIM: i32 = SC_ENTRY; // oom-kill: the mm select_bad_process chose (no entry is held by then)
const SC_OOM_BIRTH: i32 = SC_MAX_SCAN; // oom-kill: that process's MM_BIRTH (the passes are over)

/** Whether a pass that just ended goes on to a lower priority (try_to_free_pages' loop). */
@inline function another_pass(): bool { return l(SC_LOOP) > 0 && l(SC_NR_PAGES) > 0 && l(SC_PRIORITY) > 1; }

/** shrink_cache's pages still wanted (0 once it has what it asked for). */
@inline function pages_left(): i32 { return l(SC_NR_PAGES) > 0 ? l(SC_NR_PAGES) : 0; }

/** try_to_free_pages' value: the pages it freed of the SWAP_CLUSTER_MAX (scaled) it wanted. */
@inline function ttfp_freed(): i32 { return swap_cluster() - pages_left(); }

/** The frame's value: shrink_cache's pages still wanted, or try_to_free_pages' pages freed. */
function shrink_ret(): i32 {
  const left = pages_left();
  if (l(SC_LOOP) == 0) return ret(left);
  const freed = ttfp_freed();
  trace(EV_TTFP_END, freed, l(SC_PRIORITY), 0);
  // 2.4.16 try_to_free_pages: short at every priority, "time to kill something?" In a step of
  // its own: between the last pass's pagemap_lru_lock unlock and out_of_memory's unlocked
  // "if (nr_swap_pages > 0) return;", shrink_caches' shrink_dcache_memory and
  // shrink_icache_memory take dcache_lock and inode_lock, so another reclaimer may take the
  // LRU lock there and free a swap slot first (until 6 Dec 2026 the test shared the unlock's
  // section).
  if (left > 0 && has2(F2_OOM_KILL)) return next(SC_OOM_TEST);
  return ret(freed);
}

/** SC_OOM_TEST: out_of_memory after a try_to_free_pages that fell short (oom-kill). */
function shrink_oom_test(): i32 {
  if (out_of_memory()) {
    set_l(SC_OOM_NOW, oom_jiffies());
    return next(SC_OOM_KILL);
  }
  return ret(ttfp_freed());
}

/** mm/oom_kill.c oom_kill (2.4.16): select_bad_process under its own
 *  read_lock(&tasklist_lock), then the kill loop under another (SC_OOM_KILL_LOOP). The chosen
 *  task is not pinned: exit_mm takes no tasklist_lock, so the victim may pass it in between,
 *  and the loop then compares every task's mm with NULL (oom_kill_no_mm). With oom-pin-mm (the
 *  2004 fix) the chosen task's mm is read under task_lock and pinned before the loop, all in
 *  select's hold: one section, and a victim that has no mm by then is selected again (the
 *  model's select never chooses one, so the retry never runs).
 *  Then "current->policy |= SCHED_YIELD; schedule();", so that the victim may run first. */
function shrink_oom_kill(): i32 {
  if (!read_lock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST)) return BLOCK;
  const victim = oom_select();
  if (victim >= 0 && !has2(F2_OOM_PIN_MM)) {
    read_unlock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST);
    set_l(SC_OOM_VICTIM, victim);
    set_l(SC_OOM_BIRTH, mm_get(victim, MM_BIRTH));
    trace(EV_OOM_SELECT, victim, nPages, 0);
    return next(SC_OOM_KILL_LOOP);
  }
  if (victim >= 0) oom_kill_mm(victim);
  return shrink_oom_yield();
}

/** 2.4.16 oom_kill's loop: "read_lock(&tasklist_lock); for_each_task(q) if (q->mm == p->mm)
 *  oom_kill_task(q);" with p the task select_bad_process returned, whose mm is read now. */
function shrink_oom_kill_loop(): i32 {
  if (!read_lock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST)) return BLOCK;
  const victim = l(SC_OOM_VICTIM);
  if (chosen_task_mm(victim, l(SC_OOM_BIRTH)) >= 0) oom_kill_mm(victim);
  else oom_kill_no_mm(victim);
  return shrink_oom_yield();
}

/** oom_kill's end: tasklist_lock dropped, then SCHED_YIELD and schedule(). */
function shrink_oom_yield(): i32 {
  read_unlock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST);
  sched_yield(cur);
  return next(SC_OOM_RESET);
}

export function shrink_cache(pc: i32): i32 {
  switch (pc) {
    case SC_PASS:
      return shrink_pass(l(SC_PRIORITY), false);
    case SC_WRITTEN:
      put_page(l(SC_PAGE));
      return shrink_released();
    case SC_PCL:
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      return shrink_recheck();
    case SC_RELOCK:
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      return shrink_scan();
    case SC_SWAPPED:
      return swap_out_over();
    case SC_NEXT_PASS:
      return shrink_pass(l(SC_PRIORITY) - 1, false);
    case SC_OOM_KILL:
      return shrink_oom_kill();
    case SC_OOM_KILL_LOOP:
      return shrink_oom_kill_loop();
    case SC_OOM_RESET:
      // out_of_memory's "reset:" with its own `now`; try_to_free_pages returns 0.
      oom_reset(l(SC_OOM_NOW));
      return ret(ttfp_freed());
    case SC_SWAP_OUT: {
      // swap_out(priority): round-robin over the mms until SWAP_CLUSTER_MAX became freeable
      // (pre9: the allocating task's mm first, then (mmlist_nr << 4) >> priority more).
      // Each pick is made under mmlist_lock (shrink_swap_out_pick). The counter was read
      // before the need_resched point (shrink_swap_out).
      const own = swap_out_own_mm();
      if (own >= 0) return call(P_SWAP_OUT_MM, SC_SWAP_OUT_OWN, own, swap_amount(own), 0, 0);
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      return shrink_swap_out_pick();
    }
    case SC_SWAP_OUT_OWN:
      // pre9 (mm/vmscan.c swap_out): back from current->mm's walk. "Then, look at the other
      // mm's: counter = (mmlist_nr << SWAP_MM_SHIFT) >> priority;" is read now, unlocked, and
      // the loop's spin_lock(&mmlist_lock) comes in the next section (SC_SWAP_OUT_NEXT): a
      // fork or an exit holding mmlist_lock can change mmlist_nr after the read, as in pre9.
      // Until the 6 Dec 2026 audit of the old paths the read and the lock were one section,
      // and a BLOCK on the lock re-read the count.
      swap_out_counter(l(SC_PRIORITY));
      return next(SC_SWAP_OUT_NEXT);
    case SC_SWAP_OUT_MM:
      // swap_out_over's LRU lock may BLOCK and re-run this section: swap_out_again then says
      // false again (the counter and the pages wanted only fall), and the pass that follows
      // reads neither. swap_out's result is not read: shrink_cache returns nr_pages.
      if (swap_out_again(ret_val())) {
        // 2.4.16 swap_out's need_resched point, before the next mm is picked (pre9 has none).
        if (!has2(F2_SWAP_AMOUNT)) schedule_point();
        return next(SC_SWAP_OUT_NEXT);
      }
      return swap_out_over();
    case SC_SWAP_OUT_NEXT:
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      return shrink_swap_out_pick();
    case SC_RP_PCL: // linux-2.4.0 mm/vmscan.c reclaim_page: spin_lock(&pagecache_lock)
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      return next(SC_RP_LRU);
    case SC_RP_LRU: // reclaim_page: spin_lock(&pagemap_lru_lock), PCL held
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      return reclaim_page_check();
    case SC_SLOT_FREED: {
      const f = l(SC_PAGE);
      if (has2(F2_PCL_LRU)) return reclaim_page_found(f);
      if (has(F_FREE_UNDER_PCL)) spin_unlock(gaddr(G_PCL), LK_PCL);
      __lru_cache_del(f);
      unlock_page(f);
      put_page(f); // the cache's reference, now ours: frees the frame
      stat(S_PAGES_FREED);
      const nr = l(SC_NR_PAGES) - 1;
      set_l(SC_NR_PAGES, nr);
      if (nr <= 0) return shrink_done();
      return shrink_continue();
    }
    case SC_WAIT:
      // (2.4.16's unlock_page clears PG_launder: locks.ts unlock_page does too.)
      if (!wait_on_page(l(SC_PAGE))) return BLOCK;
      put_page(l(SC_PAGE));
      return shrink_released();
    case SC_RESCHED:
      return shrink_relock();
    case SC_OOM_TEST:
      return shrink_oom_test();
    case SC_BUFFERS:
      return shrink_free_buffers();
    case SC_BUF_RELOCK:
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      return shrink_buffers_freed();
  }
  return shrink_ret();
}

/** swap_out picks an mm under mmlist_lock (taken first by the caller's section) and walks
 *  it: the lock is dropped before swap_out_mm's section takes the mm's PTL. */
@inline function shrink_swap_out_pick(): i32 {
  const mm = swap_out_pick();
  spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
  if (mm >= 0) return call(P_SWAP_OUT_MM, SC_SWAP_OUT_MM, mm, swap_out_count(mm), 1, 0);
  if (mm == SELECT_AGAIN) return next(SC_SWAP_OUT_NEXT); // 2.4.0's "goto select", mmlist_lock retaken
  return next(SC_SWAPPED);
}

/** swap_out is done (the LRU lock is not held): the pass is over. The next one, if any,
 *  starts in this same step by taking the LRU lock first. */
@inline function swap_out_over(): i32 {
  if (another_pass()) return shrink_pass(l(SC_PRIORITY) - 1, false);
  trace(EV_SHRINK_END, l(SC_NR_PAGES), 0, 0);
  return shrink_ret();
}

/** Starts a pass at priority, as shrink_caches does: refill_inactive under the LRU lock
 *  (taken first: a BLOCK re-runs the section with the locals untouched), which it drops;
 *  then shrink_cache sizes its scan from nr_inactive_pages read without the lock, and takes
 *  the lock again at its loop top (SC_RELOCK, a later step). `first`: the first pass of
 *  try_to_free_pages, which it announces. (shrink_caches reads its ratio before
 *  refill_inactive takes the lock; read here just after: the ratio only sizes the walk.) */
function shrink_pass(priority: i32, first: bool): i32 {
  if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
  if (first) trace(EV_TTFP, l(SC_NR_PAGES), 0, 0);
  set_l(SC_PRIORITY, priority);
  refill_inactive(refill_ratio(l(SC_NR_PAGES)));
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  const p = priority > 0 ? priority : 1;
  // 2.4.16: max_scan = nr_inactive_pages / priority. On the model's inactive lists of a few
  // pages that is 0 at the first priorities, so the model looks at one page at least (see
  // max_mapped_of; flag unscaled-shrink-cache gives 2.4.16's own number).
  let max_scan = idiv(gget(G_NR_INACTIVE), p);
  if (max_scan < 1 && !has2(F2_UNSCALED_SHRINK_CACHE)) max_scan = 1;
  set_l(SC_MAX_SCAN, max_scan);
  set_l(SC_MAX_MAPPED, max_mapped_of(l(SC_NR_PAGES), p, max_scan));
  trace(EV_SHRINK, l(SC_NR_PAGES), priority, max_scan);
  if (max_scan <= 0) {
    // (Only with unscaled-shrink-cache.) The kernel takes the LRU lock, finds the loop over
    // at once and drops it: nothing between the two, so the pair is left out.
    trace(EV_SHRINK_END, l(SC_NR_PAGES), 0, 0);
    if (another_pass()) return next(SC_NEXT_PASS);
    return shrink_ret();
  }
  // The loop top's need_resched point comes before its first look: BKL dropped here.
  schedule_point();
  return next(SC_RELOCK);
}

/** How many mapped pages the pass passes over before it calls swap_out.
 *  2.4.16 (shrink_cache): nr_pages << (9 - priority), and max_scan = nr_inactive_pages /
 *  priority. Both are sized for inactive lists of thousands of pages: on the model's
 *  machines (a hunt's has 6 frames, an inactive list of at most 4 pages) max_scan never
 *  exceeds max_mapped, so swap_out would never run from here. Closing this is impossible at
 *  the model's scale, so the default keeps a scaled sizing: max_scan at least 1 and 2.4.17's
 *  max_mapped = min(nr_pages << (10 - priority), max_scan / 10), which shrinks with the list
 *  (on a large machine it is min'd by the same kind of number as 2.4.16's). Flag
 *  unscaled-shrink-cache (off in every model) gives 2.4.16's own numbers. Measured on
 *  linux-2.4.10-pre and linux-2.4.0, seeds 1-5, 20 s each: with it no hunt finds the
 *  seed race; without it every one does within 25,000 executions. */
function max_mapped_of(nr_pages: i32, p: i32, max_scan: i32): i32 {
  if (has2(F2_UNSCALED_SHRINK_CACHE)) {
    const shift = 9 - p;
    if (nr_pages >= (1 << (30 - shift))) return 0x7fffffff;
    return nr_pages << shift;
  }
  let max_mapped = idiv(max_scan, 10);
  const shift = 10 - p;
  if (shift >= 0 && shift < 16 && nr_pages < (1 << (30 - shift)) && (nr_pages << shift) < max_mapped) max_mapped = nr_pages << shift;
  return max_mapped;
}

/** The loop's `continue` with the LRU lock held: drop it at the need_resched point (with the
 *  BKL), retake it at the next section. */
function shrink_continue(): i32 {
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  return shrink_relock();
}

/** Back to the loop top after page_cache_release of the page written or waited for. A release
 *  that left this task spinning on the LRU lock (put_page: another CPU holds it) takes the
 *  loop top's need_resched point, where a task holding the BKL drops it, once the spin is
 *  over: 2.4.16 spins in lru_cache_del with the BKL held, relocks and only then reaches the
 *  loop top. (The relock and the need_resched unlock between them are an uncontended
 *  take and drop with nothing in between, left out as at every turn.) */
function shrink_released(): i32 {
  if (ag_get(cur, AG_BKL_DEPTH) != 0 && spinning_after_section()) return next(SC_RESCHED);
  return shrink_relock();
}

/** Back to the loop top with the LRU lock not held (after a write, a wait, a free). */
function shrink_relock(): i32 {
  schedule_point();
  return next(SC_RELOCK);
}

/** One page of the walk, LRU held. Every page it looks at goes to the list head first. */
function shrink_scan(): i32 {
  const max_scan = l(SC_MAX_SCAN) - 1;
  set_l(SC_MAX_SCAN, max_scan);
  const head = lru_inactive();
  const f = lru_tail(head);
  if (f == head) return shrink_empty();
  if (max_scan < 0) return shrink_done();
  lru_rotate(f);
  stat(S_RECLAIM_SCANS);
  const fl = page_flags(f);
  // Zero counts happen: pages are unlinked after their count drops.
  if (page_count(f) == 0) return shrink_continue();
  // Racy check to avoid trylocking when not worthwhile: mapped, or not in the cache. A page
  // with buffers (swap-buffers) goes on, mapped or not, to have them freed (2.4.16: "if
  // (!page->buffers && (page_count(page) != 1 || !page->mapping))"; 2.4.0's page_launder:
  // "(!page->buffers && page_count(page) > 1)" to the active list).
  const buffers = (fl & PG_BUFFERS) != 0;
  if ((fl & PG_SWAPCACHE) == 0 || (!buffers && page_count(f) != 1)) return shrink_mapped();
  if (!trylock_page(f)) {
    // I/O in progress. A page we started writing is waited for (2.4.16 PageLaunder),
    // which is also what lets the disk catch up with direct reclaim. The old VM's
    // page_launder never sleeps here (launder-skips-locked; linux-2.4.0 mm/vmscan.c
    // page_launder: "The page is locked. IO in progress? Move it to the back of the
    // list."): the page stays where lru_rotate put it and the pass goes on.
    if ((fl & PG_LAUNDER) == 0 || has2(F2_LAUNDER_SKIPS_LOCKED)) return shrink_continue();
    get_page(f);
    set_l(SC_PAGE, f);
    spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
    trace(EV_SHRINK_WAIT, f, page_index(f), 0);
    return next(SC_WAIT);
  }
  set_l(SC_PAGE, f);
  // 2.4.16: "if (PageDirty(page) && is_page_cache_freeable(page) && page->mapping)". 2.4.0's
  // page_launder (pcl-lru) writes any dirty page it got this far, a mapped one with buffers
  // too: it reaches its buffers branch only with a clean page.
  if (page_test(f, PG_DIRTY) && (has2(F2_PCL_LRU) || page_count_users(f) == 1)) {
    // Freeable but dirty: write it out with the LRU lock dropped; look at it again later.
    page_clear(f, PG_DIRTY);
    page_set(f, PG_LAUNDER);
    get_page(f);
    spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
    trace(EV_SHRINK_WRITE, f, page_index(f), 0);
    // 2.4.16's swap_writepage starts by calling remove_exclusive_swap_page: one step with
    // this; otherwise it queues the write at once (2.4.0) or first reads the counts and may
    // delete the page (pre9), which needs its own step.
    if (has(F_REMOVE_EXCLUSIVE)) return call_now(P_SWAP_WRITEPAGE, SC_WRITTEN, f, 0, 0, 0);
    return call(P_SWAP_WRITEPAGE, SC_WRITTEN, f, 0, 0, 0);
  }
  if (buffers) {
    // The buffers branch (2.4.0 page_launder, 2.4.16 shrink_cache alike): a reference of our
    // own, the LRU lock dropped, then try_to_free_buffers (SC_BUFFERS). 2.4.0 also takes the
    // page off its list until the branch ends; the model's page stays listed (list policy:
    // an activate_page meanwhile moves it where 2.4.0's leaves a page on no list alone).
    get_page(f);
    spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
    return next(SC_BUFFERS);
  }
  if (has2(F2_PCL_LRU)) {
    // linux-2.4.0 mm/vmscan.c page_launder: a clean page with a mapping moves to the
    // inactive_clean list (the model has one inactive list: policy) and is unlocked, LRU
    // only held; reclaim_page takes it from there with PCL, then LRU (SC_RP_PCL).
    unlock_page(f);
    spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
    trace(EV_LAUNDER_CLEAN, f, page_index(f), 0);
    return next(SC_RP_PCL);
  }
  return next(SC_PCL);
}

/** The buffers branch's free, the page locked and held by our reference, no lock held:
 *  try_to_free_buffers (always succeeds on a locked page, buffer.ts). 2.4.16's
 *  shrink_cache then drops our reference ("The page is still in pagecache so undo the stuff
 *  before the try_to_release_page") before it retakes the LRU lock; 2.4.0's page_launder
 *  keeps it until it has put the page on a list (shrink_buffers_freed). */
function shrink_free_buffers(): i32 {
  const f = l(SC_PAGE);
  try_to_free_buffers(f, 0);
  if (!has2(F2_PCL_LRU)) put_page(f);
  return next(SC_BUF_RELOCK);
}

/** The buffers branch's end, LRU retaken, the page still locked. 2.4.16: on to the non-racy
 *  check under PCL (SC_PCL), which finds a page still mapped busy. 2.4.0 (pcl-lru,
 *  linux-2.4.0 mm/vmscan.c page_launder): "page_count(page) > 2" (we, the cache and a user)
 *  to the active list, else to inactive_clean; UnlockPage; page_cache_release. A page only
 *  the cache holds now, clean, goes on to reclaim_page as page_launder's clean pages do
 *  (SC_RP_PCL); a mapped one counts as mapped (2.4.16's policy: swap_out after max_mapped). */
function shrink_buffers_freed(): i32 {
  const f = l(SC_PAGE);
  if (!has2(F2_PCL_LRU)) return next(SC_PCL);
  unlock_page(f);
  put_page(f);
  const fl = page_flags(f);
  if (page_count(f) == 1 && (fl & (PG_DIRTY | PG_SWAPCACHE)) == PG_SWAPCACHE) {
    spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
    trace(EV_LAUNDER_CLEAN, f, page_index(f), 0);
    return next(SC_RP_PCL);
  }
  if (page_count(f) > 1) return shrink_mapped();
  return shrink_continue();
}

/** linux-2.4.0 mm/vmscan.c reclaim_page, PCL then LRU held: its checks on the page page_launder
 *  moved to inactive_clean (SC_PAGE, held by no reference of ours, as the kernel's list entry),
 *  then __delete_from_swap_cache, whose swap_free runs with both locks held (SC_SLOT_FREED
 *  next). Which page it looks at is policy (the kernel takes inactive_clean's tail; the model
 *  the page its page_launder turn just moved there), as are the referenced bit and the age
 *  (2.4.16's referenced policy everywhere, no ages): a page gone from the inactive list, or
 *  used again, is passed over. */
function reclaim_page_check(): i32 {
  const f = l(SC_PAGE);
  const fl = page_flags(f);
  // Off the inactive list (activated, freed), or at count 0 (its put is deferred): the scan
  // would not meet it. Used by someone besides the cache (!page->buffers && page_count > 1:
  // to the active list in 2.4.0, left to the 2.4.16 policy here). With buffers, dirty, or
  // locked (TryLockPage fails): to inactive_dirty. Not in the swap cache (a frame reused for an
  // anonymous page): "found unknown page".
  if ((fl & (PG_LRU | PG_ACTIVE | PG_BUFFERS)) != PG_LRU || page_count(f) != 1 || (fl & (PG_DIRTY | PG_SWAPCACHE)) != PG_SWAPCACHE ||
      !trylock_page(f)) {
    trace(EV_SHRINK_BUSY, f, page_count(f), fl);
    return reclaim_page_out();
  }
  // __delete_from_swap_cache: remove_from_swap_cache (PageClearSwapCache, ClearPageDirty,
  // __remove_inode_page), then swap_free(entry), PCL and LRU held.
  const entry = page_index(f);
  set_l(SC_ENTRY, entry);
  swap_cache_remove(f);
  trace(EV_SHRINK_FREE, f, entry, 0);
  return call(P_SWAP_FREE, SC_SLOT_FREED, entry, 0, 0, 0);
}

/** reclaim_page's out: spin_unlock(&pagemap_lru_lock), spin_unlock(&pagecache_lock); back to
 *  the page_launder loop's next turn. */
function reclaim_page_out(): i32 {
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  return shrink_relock();
}

/** reclaim_page's found_page, back from swap_free with PCL and LRU held:
 *  del_page_from_inactive_clean_list, UnlockPage, then out (LRU, then PCL dropped). The
 *  kernel returns the page, count 1, to __alloc_pages or kreclaimd's __free_page: freed. */
function reclaim_page_found(f: i32): i32 {
  __lru_cache_del(f);
  unlock_page(f);
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  put_page(f);
  stat(S_PAGES_FREED);
  const nr = l(SC_NR_PAGES) - 1;
  set_l(SC_NR_PAGES, nr);
  if (nr > 0) return shrink_relock();
  return shrink_end();
}

/** Under PCL (and LRU), page locked: the non-racy freeable check, then the point of no return. */
function shrink_recheck(): i32 {
  const f = l(SC_PAGE);
  if (!page_test(f, PG_SWAPCACHE) || page_count(f) != 1) {
    spin_unlock(gaddr(G_PCL), LK_PCL);
    unlock_page(f);
    trace(EV_SHRINK_BUSY, f, page_count(f), page_flags(f));
    return shrink_mapped();
  }
  // Checked only now that nobody else uses the page: redirtied meanwhile → keep it.
  if (page_test(f, PG_DIRTY)) {
    spin_unlock(gaddr(G_PCL), LK_PCL);
    unlock_page(f);
    trace(EV_SHRINK_BUSY, f, page_count(f), page_flags(f));
    return shrink_continue();
  }
  // The removal (2.4.16's shrink_cache; 2.4.0's and pre9's reclaim_page hold both locks too,
  // taken in the other order: flag pcl-lru, reclaim_page_check).
  const entry = page_index(f);
  set_l(SC_ENTRY, entry);
  swap_cache_remove(f);
  trace(EV_SHRINK_FREE, f, entry, 0);
  // F_FREE_UNDER_PCL without pcl-lru (2.4.0 or pre9 --without pcl-lru): __delete_from_swap_cache frees the
  // slot itself, pagecache_lock still held; SC_SLOT_FREED drops it (mm/swap_state.c,
  // mm/vmscan.c reclaim_page).
  if (has(F_FREE_UNDER_PCL)) return call(P_SWAP_FREE, SC_SLOT_FREED, entry, 0, 0, 0);
  spin_unlock(gaddr(G_PCL), LK_PCL);
  return call(P_SWAP_FREE, SC_SLOT_FREED, entry, 0, 0, 0);
}

/** page_mapped: counts a page someone still maps; too many → swap_out with LRU dropped. */
@inline function shrink_mapped(): i32 {
  const max_mapped = l(SC_MAX_MAPPED) - 1;
  set_l(SC_MAX_MAPPED, max_mapped);
  if (max_mapped >= 0) return shrink_continue();
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  trace(EV_SHRINK_SWAP_OUT, l(SC_PRIORITY), 0, 0);
  return shrink_swap_out();
}

/** shrink_cache calls swap_out (pagemap_lru_lock just dropped): 2.4.16's "counter =
 *  mmlist_nr" is read here, before the loop's need_resched point (until the 6 Dec 2026 audit it was read
 *  after it, in the section that takes mmlist_lock, so no fork or last mmput could change the
 *  list between the read and the first pick); then the point, and the pick in the next step. */
function shrink_swap_out(): i32 {
  swap_out_start(l(SC_PRIORITY));
  schedule_point();
  return next(SC_SWAP_OUT);
}

function shrink_done(): i32 {
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  return shrink_end();
}

/** The scan found the inactive list empty, LRU held. del-lru (2.4.0, pre9):
 *  delete_from_swap_cache takes a page off the LRU while ptes may still map it (PG_DELISTED,
 *  G_NR_DELISTED), where 2.4.16's LRU keeps every mapped page listed; the 2.4.16 loop reaches
 *  swap_out only through a mapped page it meets on the list (shrink_mapped), so such pages are
 *  out of its reach. 2.4.0 reaches them as its refill_inactive does (linux-2.4.0 mm/vmscan.c,
 *  after refill_inactive_scan: "Then, try to page stuff out..", swap_out whatever the lists
 *  hold). So a pass still short that finds nothing listed while a delisted page is in use
 *  runs swap_out. Without it a machine whose in-use pages are all mapped and delisted (after
 *  a swapoff's deletes) reclaims nothing for good: a livelock neither kernel has. Model
 *  policy, as the loop is: the count only says when 2.4.16's policy would have had the page
 *  to meet, so a hunt without such deletes runs as before. */
function shrink_empty(): i32 {
  if (!has2(F2_DEL_LRU) || l(SC_NR_PAGES) <= 0 || gget(G_NR_DELISTED) <= 0) return shrink_done();
  spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
  trace(EV_SHRINK_SWAP_OUT, l(SC_PRIORITY), 0, 0);
  return shrink_swap_out();
}

/** The pass has what it wanted, the LRU lock not held: the next pass, or back. */
function shrink_end(): i32 {
  trace(EV_SHRINK_END, l(SC_NR_PAGES), 0, 0);
  // The LRU lock was just dropped: the next pass retakes it in a later step, as the kernel's
  // next shrink_caches call does.
  if (another_pass()) return next(SC_NEXT_PASS);
  return shrink_ret();
}

/** shrink_caches' ratio, "try to keep the active list 2/3 of the size of the cache":
 *  nr_pages * nr_active_pages / ((nr_inactive_pages + 1) * 2), product first as 2.4.16 does
 *  it, rounded up. The kernel's nr_pages is SWAP_CLUSTER_MAX (32): its ratio is 0 only while
 *  the inactive list is over 16 times the active one. The model's nr_pages is scaled down to
 *  a quarter of the frames (swap_cluster), 1 on a hunt's 6 frames, where a truncated ratio is
 *  0 whenever nr_active <= 2 * nr_inactive + 1: aging stopped for good once every page swap_out
 *  could unmap was active and every inactive page was held by a CPU's reference (2.4.16-fixed,
 *  --mix all --sched random --seed 2: three CPUs in direct reclaim forever, a livelock the
 *  kernel, at ratio 16, does not have). Rounding up keeps the proportion and ages at least
 *  one page while any is active; at the kernel's scale it differs by one page at most.
 *  The product fits an i32 for any real SWAP_CLUSTER_MAX (32 x 32M frames); past that
 *  (a hand-made config) the whole active list is asked for. */
function refill_ratio(nr_pages: i32): i32 {
  const active = gget(G_NR_ACTIVE), inactive = gget(G_NR_INACTIVE);
  // Read under pagemap_lru_lock, so never below zero in a sound kernel. Below zero the
  // counters no longer match the lists: 2.4.16 would divide by zero at -1 (an oops) or
  // size its walk from a negative ratio. Named here, where reclaim first relies on it,
  // rather than left to trap (the LRU invariant at rest would name it only later).
  if (inactive < 0) { bug(V_LRU, inactive, active, 0); return 0; }
  if (nr_pages <= 0 || active <= 0) return 0;
  if (active > idiv(0x3fffffff, nr_pages)) return active;
  const d = (inactive + 1) * 2;
  return idiv(imul(nr_pages, active) + d - 1, d);
}

/** refill_inactive (LRU held), as 2.4.16: walk the active list from its tail until nr pages
 *  were looked at (`while (nr_pages-- && ...)`: a page sent back counts too); a referenced
 *  page loses the bit and goes back to the active head, an unreferenced one moves to the
 *  inactive list, referenced. */
function refill_inactive(nr: i32): void {
  if (nr <= 0) return;
  const head = lru_active();
  let f = lru_tail(head);
  let moved = 0, looked = 0;
  while (looked < nr && f != head) {
    const prev = lru_prev(f);
    looked++;
    if (page_test(f, PG_REFERENCED)) {
      page_clear(f, PG_REFERENCED);
      lru_rotate(f);
    } else {
      deactivate_page(f);
      page_set(f, PG_REFERENCED);
      moved++;
    }
    f = prev;
  }
  trace(EV_REFILL, moved, nr, 0);
}

// ---- try_to_free_pages -----------------------------------------------------------------
// mm/vmscan.c try_to_free_pages (2.4.16). () → pages freed. Passes of shrink_cache from
// DEF_PRIORITY down to 1, carrying the pages still wanted (SC_NR_PAGES), run in this frame:
// SC_PRIORITY = priority, SC_LOOP = 1 marks the loop (see shrink_cache).
// Locals: shrink_cache's. Sections: the start, then shrink_cache's.
const TTFP_START: i32 = 0;

export function try_to_free_pages(pc: i32): i32 {
  if (pc != TTFP_START) return shrink_cache(pc);
  might_sleep();
  // Idempotent before the lock: a BLOCK re-runs this section with the same locals.
  set_l(SC_NR_PAGES, swap_cluster());
  set_l(SC_LOOP, 1);
  return shrink_pass(DEF_PRIORITY, true);
}

/** SWAP_CLUSTER_MAX scaled to the machine: at most a quarter of the frames, at least 1. */
function swap_cluster(): i32 {
  let nr = cfg(CFG_SWAP_CLUSTER);
  const quarter = nFrames >> 2;
  if (nr > quarter) nr = quarter;
  if (nr < 1) nr = 1;
  return nr;
}

/** What 2.4.16's try_to_free_pages returns, from the model's count of pages it freed: 1 when a
 *  pass freed all it was asked for ("if (nr_pages <= 0) return 1"), else 0. kswapd and
 *  balance_classzone's local_pages decide on it. */
export function freed_all(freed: i32): bool { return freed >= swap_cluster(); }

// ---- kswapd ----------------------------------------------------------------------------
// mm/vmscan.c kswapd → kswapd_balance → kswapd_balance_pgdat (2.4.16). The kswapd agent:
// woken by wakeup_kswapd, which sets G_KSWAPD_WAKE (the zone's need_balance), it runs
// try_to_free_pages while need_balance stays set, then sleeps. It never holds the BKL (see the
// top of this file), so its need_resched point before each try_to_free_pages is a plain
// scheduling point. 2.4.16 (kswapd_balance_pgdat):
//   if (!zone->need_balance) continue;
//   if (!try_to_free_pages(zone, GFP_KSWAPD, 0)) { zone->need_balance = 0; schedule_timeout(HZ); continue; }
//   if (check_classzone_need_balance(zone)) need_more_balance = 1; else zone->need_balance = 0;
// So the first pass runs on need_balance alone, whatever the free count is by then; a pass
// that falls short of its nr_pages (try_to_free_pages returns 0: it freed fewer than
// SWAP_CLUSTER_MAX, scaled here) ends the run (the kernel sleeps HZ off kswapd_wait, flag
// kswapd-timeout, then runs again if an allocation set need_balance meanwhile, else sleeps on
// kswapd_wait until the next allocation sets it); a full pass is followed
// by another while free_pages <= pages_high (CFG_FREE_HIGH is pages_high + 1, see alloc_page).
// Locals: none. Sections: the balance check, back from try_to_free_pages.
const KSWAPD_BALANCE: i32 = 0;
const KSWAPD_FREED: i32 = 1;

export function kswapd(pc: i32): i32 {
  switch (pc) {
    case KSWAPD_BALANCE:
      return kswapd_balance();
    case KSWAPD_FREED:
      // Back from try_to_free_pages (nothing shared touched since): loop in this step.
      // 2.4.0's loop wakes the allocators waiting on kswapd_done after each pass.
      if (has(F_ALLOC_WAIT_KSWAPD)) kswapd_done();
      // try_to_free_pages returned 1 (every page it was asked for freed) and
      // check_classzone_need_balance: free_pages <= pages_high.
      if (freed_all(ret_val()) && gget(G_NR_FREE) < cfg(CFG_FREE_HIGH)) return kswapd_balance();
      // 2.4.16: it returned 0 (short of its nr_pages): need_balance = 0, schedule_timeout(HZ).
      if (!freed_all(ret_val()) && has2(F2_KSWAPD_TIMEOUT)) return kswapd_timeout();
      return kswapd_sleep();
  }
  return bad_pc();
}

/** need_balance set: another try_to_free_pages; else sleep (kswapd_can_sleep). */
function kswapd_balance(): i32 {
  if (gget(G_KSWAPD_WAKE) != 0) {
    stat(S_KSWAPD_RUNS);
    trace(EV_KSWAPD_RUN, gget(G_NR_FREE), cfg(CFG_FREE_HIGH), 0);
    schedule_point(); // need_resched → schedule(): a no-op for the BKL, kswapd holds none
    return call(P_TRY_TO_FREE_PAGES, KSWAPD_FREED, 0, 0, 0, 0);
  }
  return kswapd_sleep();
}

/** 2.4.16 kswapd_balance_pgdat after a try_to_free_pages that fell short: need_balance = 0,
 *  then schedule_timeout(HZ) off kswapd_wait, so that no wakeup_kswapd reaches it for a second
 *  of the model's clock (kernel/timer.ts); back at KSWAPD_BALANCE, its kswapd_can_sleep test
 *  runs another pass if an allocation set need_balance meanwhile, else it sleeps. A hunt on the
 *  model's own clock never reaches the second: kswapd sleeps out the execution, as the real
 *  one would sleep out a race of microseconds. */
function kswapd_timeout(): i32 {
  gset(G_KSWAPD_WAKE, 0);
  trace(EV_KSWAPD_TIMEOUT, gget(G_NR_FREE), HZ << cfg(CFG_JIFFY_SHIFT), 0);
  next(KSWAPD_BALANCE);
  kswapd_schedule_timeout(HZ << cfg(CFG_JIFFY_SHIFT));
  return YIELD;
}

/** need_balance cleared; sleep until wakeup_kswapd. */
function kswapd_sleep(): i32 {
  gset(G_KSWAPD_WAKE, 0);
  if (has(F_ALLOC_WAIT_KSWAPD)) kswapd_done(); // nothing to do: the waiters try again
  trace(EV_KSWAPD_SLEEP, gget(G_NR_FREE), 0, 0);
  next(KSWAPD_BALANCE);
  set_state(KSWAPD, ST_IDLE);
  return YIELD;
}
