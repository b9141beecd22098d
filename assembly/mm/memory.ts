// mm/memory.c (and the user access the MMU performs): the page-fault paths and the unmapping
// paths of Linux 2.4. handle_mm_fault dispatches on the pte under page_table_lock (PTL);
// do_anonymous_page, do_swap_page and do_wp_page enter with PTL held and drop it before
// anything that may sleep. zap_page_range holds PTL across its calls into swapfile.c (those
// never sleep). Variant flags (model.ts) select 2.4.0 / 2.4.10-pre / 2.4.16 behaviour.
//
// Locals: arguments in l0..l3 (procs.ts); scratch as noted per procedure.
import {
  gget, gset, G_WRITE_SEQ, nPages, mm_get, mm_set, mm_addr, MM_USERS, MM_NO_TASK, MM_OOM_KILL, MM_PTL, MM_RSS, MM_SEM,
  MM_SWAP_CURSOR, MM_SWAP_CNT, MM_VMA_HIDDEN, pte_get, pte_set, mk_pte, pte_present, pte_frame, pte_is_swap, pte_to_swp_entry,
  swp_entry_to_pte, shadow_get, shadow_set, page_content, set_page_content, page_set, page_test,
  get_page, gaddr, G_PCL, G_LRU_LOCK, G_MMLIST_LOCK, ZERO_PAGE, PTE_RW, PTE_DIRTY, PTE_YOUNG, PG_UPTODATE, PG_REFERENCED,
  PG_DIRTY, PG_SWAPCACHE, page_count, page_index, stat, S_ACCESSES, S_MINOR_FAULTS, S_MAJOR_FAULTS, S_OOM, S_COW, S_COW_REUSE, page_clear,
  S_PTE_CHANGED, S_READAHEAD_HITS, S_SWAP_FULL_DELETES, S_ZERO_MAPS, S_EXITS, S_MUNMAPS,
  mmlist_add, nMm, gather_get, gather_set,
} from "../kernel/state";
import { EV_EXIT_MM, mmput_task_pinned, mmput_last, exit_mmap_detach, exit_mmap_zap, exit_mmap_rss, slot_free, task_born } from "./fork";
import { ld, st } from "../kernel/platform";
import { l, set_l, next, call, call_now, now, ret, ret_val, BLOCK, bad_pc, cur } from "../kernel/frame";
import {
  spin_lock, spin_unlock, lock_page, unlock_page, trylock_page, lock_kernel, unlock_kernel, down, up,
  wake_waiters, LK_PTL, LK_PCL, LK_LRU, LK_MMLIST, down_read, up_read,
} from "../kernel/locks";
import { bug, V_DATA_LOST, V_OOM_MISREPORT } from "../kernel/check";
import { trace, vpage } from "../kernel/trace";
import { oom_killed, oom_process_gone, EV_OOM_EXIT_TO_USER, EV_OOM_EXIT_GONE, OOM_EXIT_ARG } from "./oom_kill";
import {
  has, F_BKL_SWAPIN, F_SWAP_FULL_DELETE, F_PTE_SAME_RECHECK, F_FAULT_MMAP_SEM, F_REMOVE_EXCLUSIVE,
  F_ANON_NOLOCK, F_SHARE_COUNT_NOLOCK, F_WP_COPY_NOREF, F_FREE_UNDER_PCL, F_EXCLUSIVE_NOLOCK,
  F_SYNC_SWAPIN, F_OOM_RECHECK, F_SWAPIN_RECHECK_KEY, has2, F2_IS_PAGE_SHARED,
  F2_DIRTY_MAPPED_ONLY, F2_RSS_UNLOCKED, F2_NO_MMU_GATHER, F2_DEL_LRU,
} from "../model";
import { mm_task_count } from "../kernel/workload";
import {
  P_HANDLE_MM_FAULT, P_DO_ANONYMOUS_PAGE, P_DO_SWAP_PAGE, P_DO_WP_PAGE, P_ZAP_PAGE_RANGE,
  P_LOOKUP_SWAP_CACHE, P_READ_SWAP_CACHE_ASYNC, P_SWAPIN_READAHEAD, P_SWAP_FREE,
  P_REMOVE_EXCLUSIVE_SWAP_PAGE, P_CAN_SHARE_SWAP_PAGE, P_FREE_SWAP_AND_CACHE,
  P_FREE_PAGE_AND_SWAP_CACHE, P_ALLOC_PAGE, P_LRU_CACHE_ADD,
} from "../kernel/procs";
import { put_page } from "./page_alloc";
import { page_buffers, try_to_free_buffers } from "./buffer";
import { lru_cache_del_delist } from "./swap";
import { swap_cache_remove, set_page_dirty_bit, set_page_dirty_locked } from "./swap_state";
import { vm_swap_full, swap_count_nolock, exclusive_swap_page_nolock, is_page_shared_2_4_0 } from "./swapfile";

// Trace events (100-199). Wording: src/report/events/memory.ts. "vp" = vpage(mm, page).
export const EV_READ: i32 = 100;             // (vp, value, 0): a load hit
export const EV_WRITE: i32 = 101;            // (vp, value, 0): a store hit
export const EV_DATA_LOST: i32 = 102;        // (vp, value read, last value written)
export const EV_FAULT: i32 = 103;            // (vp, write, pte)
export const EV_FAULT_FIXED: i32 = 104;      // (vp, 0, 0): pte already fixed by someone else
export const EV_FAULT_OOM: i32 = 105;        // (vp, faults, 0): the access gives up
export const EV_ZERO_MAP: i32 = 106;         // (vp, 0, 0)
export const EV_ANON_MAP: i32 = 107;         // (page, vp, 0)
export const EV_ANON_RACE: i32 = 108;        // (page, vp, 0): pte no longer none, new page freed
export const EV_SWAP_HIT: i32 = 109;         // (entry, page, 0): lookup_swap_cache found it
export const EV_SWAP_MISS: i32 = 110;        // (entry, 0, 0)
export const EV_SWAP_READ: i32 = 111;        // (entry, page, 0): read_swap_cache_async gave page
export const EV_SWAP_READ_NONE: i32 = 112;   // (entry, pte changed, rechecked): rechecked 0 = OOM at once (no oom-recheck)
export const EV_SWAP_LOCKED: i32 = 113;      // (entry, page, 0): lock_page done
export const EV_SWAP_NOT_UPTODATE: i32 = 114;// (entry, page, 0): read failed
export const EV_PTE_CHANGED: i32 = 115;      // (entry, page, vp): pte_same failed, backs off
export const EV_FAULT_SWAP_FREE: i32 = 116;        // (entry, 0, 0): do_swap_page drops the pte's swap ref
export const EV_SWAP_FULL_DELETE: i32 = 117; // (page, entry, 0): 2.4.10-pre vm_swap_full delete
export const EV_FAULT_REMOVE_EXCLUSIVE: i32 = 118; // (page, entry, removed)
export const EV_SWAP_MAP: i32 = 119;         // (page, vp, writable)
export const EV_WP_REUSE: i32 = 120;         // (page, vp, 0)
export const EV_WP_COPY: i32 = 121;          // (old, new, vp)
export const EV_WP_RACE: i32 = 122;          // (old, new, vp): pte changed, copy freed
export const EV_WP_OOM: i32 = 123;           // (old, vp, 0)
export const EV_ZAP_PAGE: i32 = 124;         // (page, vp, gathered): the pte cleared; 0 the page freed now, 1 kept in the mmu_gather
export const EV_ZAP_SWAP: i32 = 125;         // (entry, vp, 0)
export const EV_EXIT: i32 = 126;             // (mm, 0, 0)
export const EV_MUNMAP: i32 = 127;           // (mm, start, end)
export const EV_ANON_OOM: i32 = 128;         // (vp, 0, 0)
export const EV_MPROTECT: i32 = 129;         // (mm, start, ptes write-protected)
export const EV_SWAPIN_NOT_CACHED: i32 = 130; // (entry, page, page's index): the page left the cache, backs out
export const EV_ZAP_GATHERED_FREE: i32 = 131; // (page, vp, 0): tlb_finish_mmu frees a gathered page


/** Faults one access may take before it gives up (a livelock guard, counted as OOM). */
const MAX_FAULTS: i32 = 8;

// ---- the user access -------------------------------------------------------------------

/** access(mm, page, write): ACC_FAULTS = faults taken so far. */
// Locals: the arguments, the faults taken. Sections: the start, back from handle_mm_fault.
const ACC_MM: i32 = 0;
const ACC_PAGE: i32 = 1;
const ACC_WRITE: i32 = 2;
const ACC_FAULTS: i32 = 6;
const ACC_START: i32 = 0;
const ACC_FAULTED: i32 = 1;
export function access(pc: i32): i32 {
  switch (pc) {
    case ACC_START:
      return try_access();
    case ACC_FAULTED:
      // Back from handle_mm_fault: 0 = out of memory, the op ends; else retry the access.
      if (ret_val() == 0) return access_oom();
      // The OOM killer chose this task meanwhile: its SIGKILL is taken on the way back to
      // user space, before the access is tried again (oom_kill.ts).
      if (oom_killed(cur)) return access_killed();
      return try_access();
  }
  return bad_pc();
}

function access_killed(): i32 {
  trace(EV_OOM_EXIT_TO_USER, l(ACC_MM), 0, 0);
  return ret(0);
}

function access_oom(): i32 {
  stat(S_OOM);
  trace(EV_FAULT_OOM, vpage(l(ACC_MM), l(ACC_PAGE)), l(ACC_FAULTS), 0);
  return ret(0);
}

/** The MMU's view: a present pte that allows the access is a hit, anything else a fault. */
@inline function try_access(): i32 {
  const mm = l(ACC_MM), page = l(ACC_PAGE), write = l(ACC_WRITE);
  if (mmu_access(mm, page, write)) return ret(0);
  if (l(ACC_FAULTS) >= MAX_FAULTS) return access_oom();
  set_l(ACC_FAULTS, l(ACC_FAULTS) + 1);
  return call(P_HANDLE_MM_FAULT, ACC_FAULTED, mm, page, write, 0);
}

/** A load or store through a pte that allows it: sets the accessed/dirty bits, stores a fresh
 *  value or checks the value read (invariant 9). False when the access must fault. Also the
 *  run loop's fast path for an op that hits (machine.ts). Inlined into its two callers (an op
 *  start, access's retry): a call of its own was ~1-3% of a hunt execution. */
@inline export function mmu_access(mm: i32, page: i32, write: i32): bool {
  const pte = pte_get(mm, page);
  if (pte_present(pte) && (write == 0 || (pte & PTE_RW) != 0)) {
    const f = pte_frame(pte);
    if (write != 0) {
      pte_set(mm, page, pte | PTE_YOUNG | PTE_DIRTY);
      const v = gget(G_WRITE_SEQ) + 1;
      gset(G_WRITE_SEQ, v);
      set_page_content(f, v);
      shadow_set(mm, page, v);
      trace(EV_WRITE, vpage(mm, page), v, 0);
    } else {
      pte_set(mm, page, pte | PTE_YOUNG);
      const v = page_content(f);
      const want = shadow_get(mm, page);
      trace(EV_READ, vpage(mm, page), v, 0);
      if (v != want) {
        // Invariant 9: the downstream damage of a duplicate swap-cache page.
        trace(EV_DATA_LOST, vpage(mm, page), v, want);
        bug(V_DATA_LOST, mm, page, v);
      }
    }
    stat(S_ACCESSES);
    return true;
  }
  return false;
}

// ---- handle_mm_fault ------------------------------------------------------------------------

/** handle_mm_fault(mm, page, write) → 1 minor, 2 major, 0 OOM. HMF_RESULT = result. */
// Locals: the arguments, the result. Sections: mmap_sem, PTL and the dispatch on the pte,
// back from the handler.
const HMF_MM: i32 = 0;
const HMF_PAGE: i32 = 1;
const HMF_WRITE: i32 = 2;
const HMF_RESULT: i32 = 6;
const HMF_MMAP_SEM: i32 = 0;
const HMF_PTE: i32 = 1;
const HMF_HANDLED: i32 = 2;
export function handle_mm_fault(pc: i32): i32 {
  switch (pc) {
    case HMF_MMAP_SEM:
      // do_page_fault's mmap_sem: 2.4.0 takes it exclusively, serialising every fault of one
      // mm; later kernels share it among faults. Either way munmap, exit and fork (writers)
      // never run inside a fault of the same mm.
      if (has(F_FAULT_MMAP_SEM)) {
        if (!down(mm_addr(l(HMF_MM), MM_SEM))) return BLOCK;
      } else if (!down_read(mm_addr(l(HMF_MM), MM_SEM))) return BLOCK;
      return next(HMF_PTE);
    case HMF_PTE:
      return handle_pte_fault();
    case HMF_HANDLED:
      set_l(HMF_RESULT, ret_val());
      return fault_done();
  }
  return bad_pc();
}

/** mm/memory.c handle_pte_fault: takes PTL (first action of the section) and dispatches on
 *  the pte. 2.4.16 hands the PTL to every handler; 2.4.0 (F_ANON_NOLOCK) drops it here for a
 *  pte that is not present. For a swap pte the model still hands it over: do_swap_page's
 *  first section only drops it and calls on, so no step runs under the lock that 2.4.0 would
 *  run without it, and the lookup comes after the drop in both. */
function handle_pte_fault(): i32 {
  const mm = l(HMF_MM), page = l(HMF_PAGE), write = l(HMF_WRITE);
  if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
  const pte = pte_get(mm, page);
  trace(EV_FAULT, vpage(mm, page), write, pte);
  // The handlers start under this same PTL hold, but most drop it in their first section:
  // merged, the PTL hold would shrink to no step at all (see frame.ts on call_now).
  if (pte == 0) {
    // 2.4.0 drops the lock once it has seen the pte is not present, before do_no_page.
    if (has(F_ANON_NOLOCK)) spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
    return call(P_DO_ANONYMOUS_PAGE, HMF_HANDLED, mm, page, write, 0);
  }
  if (pte_is_swap(pte)) return call(P_DO_SWAP_PAGE, HMF_HANDLED, mm, page, pte_to_swp_entry(pte), write);
  if (write != 0 && (pte & PTE_RW) == 0) return call(P_DO_WP_PAGE, HMF_HANDLED, mm, page, pte, 0);
  // Someone else resolved it while we came here: just mark it accessed.
  pte_set(mm, page, pte | PTE_YOUNG | (write != 0 ? PTE_DIRTY : 0));
  spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
  trace(EV_FAULT_FIXED, vpage(mm, page), 0, 0);
  set_l(HMF_RESULT, 1);
  return fault_done();
}

@inline function fault_done(): i32 {
  const r = l(HMF_RESULT);
  if (r == 1) stat(S_MINOR_FAULTS);
  else if (r == 2) stat(S_MAJOR_FAULTS);
  if (has(F_FAULT_MMAP_SEM)) up(mm_addr(l(HMF_MM), MM_SEM));
  else up_read(mm_addr(l(HMF_MM), MM_SEM));
  return ret(r);
}

// ---- do_anonymous_page ------------------------------------------------------------------------

/** mm/memory.c do_anonymous_page(mm, page, write), PTL held on entry, dropped on return
 *  → 1 / 0. With F_ANON_NOLOCK (2.4.0) it runs without PTL: the fault's exclusive mmap_sem
 *  was all that kept another fault of the mm off this pte, so it neither retakes the lock
 *  after alloc_page nor rechecks pte_none. The new page goes on the LRU in every model: the
 *  LRU policy is kept as 2.4.16's (2.4.0's anonymous pages reached it via the swap cache). */
// Locals: the arguments, the new frame. Sections: the start, back from alloc_page, back from
// lru_cache_add (PTL held), and 2.4.0's back from lru_cache_add (no PTL).
const DAP_MM: i32 = 0;
const DAP_PAGE: i32 = 1;
const DAP_WRITE: i32 = 2;
const DAP_FRAME: i32 = 6;
const DAP_START: i32 = 0;
const DAP_ALLOCATED: i32 = 1;
const DAP_ADDED: i32 = 2;
const DAP_NOLOCK_ADDED: i32 = 3;
export function do_anonymous_page(pc: i32): i32 {
  const mm = l(DAP_MM), page = l(DAP_PAGE);
  switch (pc) {
    case DAP_START:
      if (has(F_ANON_NOLOCK)) return anon_nolock_first();
      if (l(DAP_WRITE) == 0) {
        // Read: map the shared zero page read-only; no page ref, no rss (it is reserved).
        pte_set(mm, page, mk_pte(ZERO_PAGE, PTE_YOUNG));
        stat(S_ZERO_MAPS);
        spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
        trace(EV_ZERO_MAP, vpage(mm, page), 0, 0);
        return ret(1);
      }
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      return call(P_ALLOC_PAGE, DAP_ALLOCATED, 0, 0, 0, 0);
    case DAP_ALLOCATED: {
      if (ret_val() == 0) {
        trace(EV_ANON_OOM, vpage(mm, page), 0, 0);
        return ret(0);
      }
      if (has(F_ANON_NOLOCK)) return anon_nolock_map(ret_val());
      // Retake PTL first; ret_val() stays put while this section blocks and re-runs.
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      const f = ret_val();
      if (pte_get(mm, page) != 0) {
        // Another thread faulted it in while we slept in alloc_page.
        spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
        put_page(f);
        trace(EV_ANON_RACE, f, vpage(mm, page), 0);
        return ret(1);
      }
      pte_set(mm, page, mk_pte(f, PTE_RW | PTE_DIRTY | PTE_YOUNG));
      mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1);
      set_l(DAP_FRAME, f);
      // lru_cache_add takes pagemap_lru_lock inside PTL (mm/swap.c): its own section.
      return call_now(P_LRU_CACHE_ADD, DAP_ADDED, f, 0, 0, 0);
    }
    case DAP_ADDED:
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      trace(EV_ANON_MAP, l(DAP_FRAME), vpage(mm, page), 0);
      return ret(1);
    case DAP_NOLOCK_ADDED: { // F_ANON_NOLOCK, back from lru_cache_add: rss++ and set_pte, no lock, no recheck
      const f = l(DAP_FRAME);
      mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1);
      pte_set(mm, page, mk_pte(f, PTE_RW | PTE_DIRTY | PTE_YOUNG));
      trace(EV_ANON_MAP, f, vpage(mm, page), 0);
      return ret(1);
    }
  }
  return bad_pc();
}

/** 2.4.0 do_anonymous_page, first section (no PTL): a read maps the zero page at once; a
 *  write allocates (may sleep). */
function anon_nolock_first(): i32 {
  const mm = l(DAP_MM), page = l(DAP_PAGE);
  if (l(DAP_WRITE) == 0) {
    pte_set(mm, page, mk_pte(ZERO_PAGE, PTE_YOUNG));
    stat(S_ZERO_MAPS);
    trace(EV_ZERO_MAP, vpage(mm, page), 0, 0);
    return ret(1);
  }
  return call(P_ALLOC_PAGE, DAP_ALLOCATED, 0, 0, 0, 0);
}

/** 2.4.0 do_anonymous_page after alloc_page: rss++ and set_pte with no lock and no pte_none
 *  recheck (whatever another path put in the pte meanwhile is overwritten, as in 2.4.0). */
function anon_nolock_map(f: i32): i32 {
  const mm = l(DAP_MM), page = l(DAP_PAGE);
  set_l(DAP_FRAME, f);
  // 2.4.16's LRU policy kept (2.4.0 lists anonymous pages only through the swap cache). The
  // page is listed before its pte is set, as 2.4.16 orders them: with no PTL held here, a pte
  // set first would let swap_out see and activate a page whose lru_cache_add is still
  // waiting for pagemap_lru_lock (PG_LRU set, not yet on a list), a state 2.4.0 never had.
  return call_now(P_LRU_CACHE_ADD, DAP_NOLOCK_ADDED, f, 0, 0, 0);
}

// ---- do_swap_page --------------------------------------------------------------------------

/** do_swap_page(mm, page, entry, write), PTL held on entry, dropped on return → 1 / 2 / 0.
 *  mm/memory.c do_swap_page in three releases:
 *  - 2.4.16: drop PTL; lookup_swap_cache; on a miss swapin_readahead + read_swap_cache_async
 *    (nothing → retake PTL, OOM only if pte_same); lock_page; retake PTL, back out unless
 *    pte_same; swap_free; vm_swap_full → remove_exclusive_swap_page; writable if write and
 *    can_share_swap_page; set_pte; drop PTL.
 *  - 2.4.10-pre9 (2.4.8's code): the same, with the BKL around readahead + read
 *    (F_BKL_SWAPIN), and after swap_free one unlocked exclusive_swap_page test deciding both
 *    the writable pte and, when vm_swap_full, delete_from_swap_cache_nolock (F_SWAP_FULL_DELETE).
 *    Whether pre9 waited (wait_on_page) between the read and lock_page as 2.4.4 did is not in
 *    the sources; lock_page waits for the read either way, so the model has only lock_page.
 *  - 2.4.0 (F_PTE_SAME_RECHECK off): handle_pte_fault has dropped PTL before the call and
 *    do_swap_page never takes it: BKL, readahead, read_swap_cache(entry) (waits for the read,
 *    F_SYNC_SWAPIN), nothing → OOM; rss++; lock_page; swap_free; writable if write and
 *    !is_page_shared; UnlockPage; set_pte, all without PTL (mmap_sem, F_FAULT_MMAP_SEM, keeps
 *    the mm's other faults out; swap_out and swapoff are not kept out).
 *  None of the three marks the page accessed or tests PageUptodate in do_swap_page, so
 *  neither does the model (2.4.0's lookup ages the page in __find_page_nolock; the model has
 *  no page age).
 *  DSP_PAGE = the page, DSP_RESULT = result (1 minor, 2 major), DSP_BKL = BKL taken,
 *  DSP_PTE_BITS = extra pte bits, DSP_WRITABLE = writable (2.4.0, 2.4.10-pre9), DSP_COUNT =
 *  2.4.0's is_page_shared page count, read a step before the slot count. */
// Locals: the arguments (mm, virtual page, entry, write), then the page, the result, BKL
// taken, the extra pte bits, writable. Sections: the lookup and the read, the page lock and
// PTL recheck, the swap_free and what follows it (2.4.8+), then 2.4.0's tail.
const DSP_MM: i32 = 0;
const DSP_VPAGE: i32 = 1;
const DSP_ENTRY: i32 = 2;
const DSP_WRITE: i32 = 3;
const DSP_COUNT: i32 = 4;
const DSP_PAGE: i32 = 5;
const DSP_RESULT: i32 = 6;
const DSP_BKL: i32 = 7;
const DSP_PTE_BITS: i32 = 8;
const DSP_WRITABLE: i32 = 9;
const DSP_START: i32 = 0;            // drop PTL, lookup_swap_cache
const DSP_LOOKED_UP: i32 = 1;        // back from the lookup: hit, or readahead and read
const DSP_BKL_LOCK: i32 = 2;         // F_BKL_SWAPIN: take the BKL first
const DSP_READAHEAD_DONE: i32 = 3;   // back from swapin_readahead: read_swap_cache_async
const DSP_READ: i32 = 4;             // back from read_swap_cache_async
const DSP_LOCK_PAGE: i32 = 5;        // lock_page (waits for the read)
const DSP_RECHECK: i32 = 6;          // retake PTL, pte_same
const DSP_SWAP_FREED: i32 = 7;       // back from swap_free, PTL and the page lock held
const DSP_FULL_DELETE: i32 = 8;      // 2.4.10-pre: delete_from_swap_cache_nolock
const DSP_REMOVED: i32 = 9;          // back from remove_exclusive_swap_page
const DSP_DELETE_FREED: i32 = 10;    // back from the delete's swap_free
const DSP_OOM_RECHECK: i32 = 11;     // 2.4.8+: nothing read, recheck the pte under PTL
const DSP_SHARE_ASKED: i32 = 12;     // back from can_share_swap_page
const DSP_OLD_RSS: i32 = 13;         // 2.4.0's tail: rss++
const DSP_OLD_LOCK_PAGE: i32 = 14;   // 2.4.0's tail: lock_page, swap_free
const DSP_OLD_SWAP_FREED: i32 = 15;  // 2.4.0's tail: is_page_shared, UnlockPage
const DSP_OLD_MAP: i32 = 16;         // 2.4.0's tail: set_pte
const DSP_OLD_SHARED: i32 = 17;      // 2.4.0's tail: is_page_shared's slot count, UnlockPage
const DSP_FULL_DELETE_LRU: i32 = 18; // F2_DEL_LRU: the delete's lru_cache_del, pagemap_lru_lock
/** The vm_swap_full delete's first section: its lru_cache_del under F2_DEL_LRU, else the
 *  removal under pagecache_lock. */
@inline function full_delete_first(): i32 { return has2(F2_DEL_LRU) ? DSP_FULL_DELETE_LRU : DSP_FULL_DELETE; }
/** pre9's vm_swap_full delete, delete_from_swap_cache_nolock, begins: its block_flushpage frees
 *  buffers (only under flag swap-buffers, which pre9's model does not set), merged with the
 *  test before it (the page is locked: nobody else frees or adds buffers in between); then
 *  lru_cache_del and the removal in sections of their own. */
function full_delete_start(page: i32): i32 {
  try_to_free_buffers(page, 1);
  return next(full_delete_first());
}
export function do_swap_page(pc: i32): i32 {
  const mm = l(DSP_MM), entry = l(DSP_ENTRY);
  switch (pc) {
    case DSP_START:
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      // DSP_LOOKED_UP only decides where to go next: it runs in the step of the lookup's return.
      return call(P_LOOKUP_SWAP_CACHE, now(DSP_LOOKED_UP), entry, 0, 0, 0);
    case DSP_LOOKED_UP: {
      const page = ret_val();
      if (page != 0) {
        stat(S_READAHEAD_HITS);
        trace(EV_SWAP_HIT, entry, page, 0);
        set_l(DSP_PAGE, page);
        set_l(DSP_RESULT, 1);
        return swapin_got_page();
      }
      trace(EV_SWAP_MISS, entry, 0, 0);
      set_l(DSP_RESULT, 2);
      if (has(F_BKL_SWAPIN)) return next(DSP_BKL_LOCK);
      // swapin_readahead's first section only calls; DSP_READAHEAD_DONE only calls.
      return call_now(P_SWAPIN_READAHEAD, now(DSP_READAHEAD_DONE), entry, 0, 0, 0);
    }
    case DSP_BKL_LOCK:
      // 2.4.0 and 2.4.10-pre9 (F_BKL_SWAPIN): the BKL brackets readahead and the read; it is dropped while we sleep.
      if (!lock_kernel()) return BLOCK;
      set_l(DSP_BKL, 1);
      return call_now(P_SWAPIN_READAHEAD, now(DSP_READAHEAD_DONE), entry, 0, 0, 0);
    case DSP_READAHEAD_DONE:
      // 2.4.0's read_swap_cache(entry) is read_swap_cache_async(entry, wait 1): it returns
      // when the read is done. Later kernels have no wait argument.
      return call(P_READ_SWAP_CACHE_ASYNC, DSP_READ, entry, has(F_SYNC_SWAPIN) ? 1 : 0, 0, 0);
    case DSP_READ: {
      const page = ret_val();
      if (page != 0) trace(EV_SWAP_READ, entry, page, 0);
      if (l(DSP_BKL) != 0) { unlock_kernel(); set_l(DSP_BKL, 0); }
      if (page == 0) {
        // 2.4.8+: OOM only if nobody else resolved the pte; before, OOM at once.
        if (has(F_OOM_RECHECK)) return next(DSP_OOM_RECHECK);
        trace(EV_SWAP_READ_NONE, entry, 0, 0);
        oom_misreport_check(mm, l(DSP_VPAGE), entry);
        return ret(0);
      }
      set_l(DSP_PAGE, page);
      return swapin_got_page();
    }
    case DSP_LOCK_PAGE: {
      // lock_page waits for the read I/O (the disk unlocks the page when it completes).
      const page = l(DSP_PAGE);
      if (!lock_page(page)) return BLOCK;
      trace(EV_SWAP_LOCKED, entry, page, 0);
      // F_SWAPIN_RECHECK_KEY (2.6.32-2.6.34's do_swap_page): the page may have left the swap
      // cache while we slept, and be back under another entry; then it is not this pte's
      // page, whatever pte_same says. Back out (the access faults again).
      if (has(F_SWAPIN_RECHECK_KEY) && (!page_test(page, PG_SWAPCACHE) || page_index(page) != entry)) {
        unlock_page(page);
        put_page(page);
        trace(EV_SWAPIN_NOT_CACHED, entry, page, page_index(page));
        return ret(1);
      }
      return next(DSP_RECHECK);
    }
    case DSP_RECHECK: {
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      const page = l(DSP_PAGE);
      // 2.4.8+: back out if somebody else resolved the pte while PTL was dropped.
      if (pte_get(mm, l(DSP_VPAGE)) != swp_entry_to_pte(entry)) {
        stat(S_PTE_CHANGED);
        spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
        unlock_page(page);
        put_page(page);
        trace(EV_PTE_CHANGED, entry, page, vpage(mm, l(DSP_VPAGE)));
        return ret(1);
      }
      trace(EV_FAULT_SWAP_FREE, entry, 0, 0);
      return call(P_SWAP_FREE, DSP_SWAP_FREED, entry, 0, 0, 0);
    }
    case DSP_SWAP_FREED: { // PTL and the page lock held; the pte's swap ref is gone
      const page = l(DSP_PAGE);
      set_l(DSP_PTE_BITS, PTE_YOUNG);
      if (has(F_SHARE_COUNT_NOLOCK)) {
        // 2.4.8 (pre9): one exclusive_swap_page test (no swap locks, this section) decides
        // both the writable pte and, when vm_swap_full, the delete.
        const exclusive = exclusive_swap_page_nolock(page);
        set_l(DSP_WRITABLE, l(DSP_WRITE) != 0 && exclusive ? 1 : 0);
        if (exclusive && has(F_SWAP_FULL_DELETE) && vm_swap_full()) return full_delete_start(page);
        if (has(F_REMOVE_EXCLUSIVE) && vm_swap_full()) return call(P_REMOVE_EXCLUSIVE_SWAP_PAGE, DSP_REMOVED, page, 0, 0, 0);
        return swapin_map(l(DSP_WRITABLE));
      }
      // 2.4.16: remove_exclusive_swap_page when swap is full; can_share_swap_page decides.
      if (has(F_REMOVE_EXCLUSIVE) && vm_swap_full()) return call(P_REMOVE_EXCLUSIVE_SWAP_PAGE, DSP_REMOVED, page, 0, 0, 0);
      if (has(F_SWAP_FULL_DELETE) && vm_swap_full() && exclusive_swap_page_nolock(page)) {
        set_l(DSP_WRITABLE, l(DSP_WRITE));
        return full_delete_start(page);
      }
      return swapin_map_check_write();
    }
    case DSP_FULL_DELETE_LRU:
      // F2_DEL_LRU: delete_from_swap_cache_nolock's "if (block_flushpage(page, 0))
      // lru_cache_del(page);" (no buffers: always), pagemap_lru_lock taken first in a section
      // of its own with PTL still held (PTL -> LRU), dropped before pagecache_lock.
      if (!spin_lock(gaddr(G_LRU_LOCK), LK_LRU)) return BLOCK;
      lru_cache_del_delist(l(DSP_PAGE));
      spin_unlock(gaddr(G_LRU_LOCK), LK_LRU);
      return next(DSP_FULL_DELETE);
    case DSP_FULL_DELETE:
      // 2.4.10-pre: delete_from_swap_cache_nolock: under pagecache_lock only, no swaplock or
      // sdev_lock (the seed mail's race 3), the page leaves the cache (ClearPageDirty) and its
      // slot is freed; the page becomes plain anonymous memory, so the pte is made dirty to
      // keep its data. pre9's __delete_from_swap_cache calls swap_free inside pagecache_lock
      // (F_FREE_UNDER_PCL, with that release's lock order PCL -> SLL -> SDL). Its lru_cache_del
      // (the page off the LRU first) is DSP_FULL_DELETE_LRU under F2_DEL_LRU.
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      // The slot freed is the page's own, __delete_from_swap_cache's "entry.val = page->index;
      // ... swap_free(entry);" (pre9's, in the removed lines of Hugh Dickins' 15 Sep 2001
      // patch), not the fault's: pre9 never rechecks the page's key after lock_page, so a page
      // that left E and was added again under another entry meanwhile (the swapin ABA) is
      // deleted from that entry, and the fault's own reference was its swap_free above. Until
      // 6 Dec 2026 the model freed the fault's entry here, a second free of E the kernel
      // cannot make (found by a route classifier's review: test/races/pte-same-route.test.ts).
      const key = page_index(l(DSP_PAGE));
      page_clear(l(DSP_PAGE), PG_DIRTY);
      swap_cache_remove(l(DSP_PAGE));
      // F_FREE_UNDER_PCL (2.4.0, pre9): the slot is freed with pagecache_lock still held;
      // DSP_DELETE_FREED drops it.
      if (!has(F_FREE_UNDER_PCL)) spin_unlock(gaddr(G_PCL), LK_PCL);
      stat(S_SWAP_FULL_DELETES);
      trace(EV_SWAP_FULL_DELETE, l(DSP_PAGE), key, 0);
      set_l(DSP_PTE_BITS, l(DSP_PTE_BITS) | PTE_DIRTY);
      return call(P_SWAP_FREE, DSP_DELETE_FREED, key, 0, 0, 0);
    case DSP_REMOVED:
      trace(EV_FAULT_REMOVE_EXCLUSIVE, l(DSP_PAGE), entry, ret_val());
      if (has(F_SHARE_COUNT_NOLOCK)) return swapin_map(l(DSP_WRITABLE));
      return swapin_map_check_write();
    case DSP_DELETE_FREED:
      if (has(F_FREE_UNDER_PCL)) spin_unlock(gaddr(G_PCL), LK_PCL);
      put_page(l(DSP_PAGE)); // the swap cache's reference
      return swapin_map(l(DSP_WRITABLE));
    case DSP_OOM_RECHECK: {
      // read_swap_cache_async gave nothing: OOM only if nobody else resolved the pte.
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      const changed = pte_get(mm, l(DSP_VPAGE)) != swp_entry_to_pte(entry);
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      trace(EV_SWAP_READ_NONE, entry, changed ? 1 : 0, 1);
      return swapin_none(changed ? 1 : 0);
    }
    case DSP_SHARE_ASKED:
      return swapin_map(ret_val());
    // ---- 2.4.0's tail: no PTL, no recheck ----
    case DSP_OLD_RSS:
      mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1); // unlocked in 2.4.0; atomic here
      return next(DSP_OLD_LOCK_PAGE);
    case DSP_OLD_LOCK_PAGE: { // freeze the sharedness: lock the page before giving up our swap count
      const page = l(DSP_PAGE);
      if (!lock_page(page)) return BLOCK;
      trace(EV_SWAP_LOCKED, entry, page, 0);
      trace(EV_FAULT_SWAP_FREE, entry, 0, 0);
      return call(P_SWAP_FREE, DSP_OLD_SWAP_FREED, entry, 0, 0, 0);
    }
    case DSP_OLD_SWAP_FREED: {
      // 2.4.0 mm/memory.c do_swap_page: "if (write_access && !is_page_shared(page))"; a read
      // asks nothing. is_page_shared (include/linux/swap.h) reads page_count here and
      // swap_count in DSP_OLD_SHARED, no lock between (as do_wp_page's DWP_COUNT_LOCK,
      // DWP_COUNT_SWAP): another mm's swap_free or swap_duplicate, or a lookup's
      // page_cache_get, can fall between the two reads.
      const page = l(DSP_PAGE);
      if (l(DSP_WRITE) != 0) {
        set_l(DSP_COUNT, page_count(page));
        return next(DSP_OLD_SHARED);
      }
      set_l(DSP_WRITABLE, 0);
      unlock_page(page);
      return next(DSP_OLD_MAP);
    }
    case DSP_OLD_SHARED: {
      // is_page_shared's PageSwapCache test and swap_count with the count read before (the
      // page is still locked, so PG_swap_cache and page->index stand), then UnlockPage.
      const page = l(DSP_PAGE);
      set_l(DSP_WRITABLE, !is_page_shared_2_4_0(page, l(DSP_COUNT)) ? 1 : 0);
      unlock_page(page);
      return next(DSP_OLD_MAP);
    }
    case DSP_OLD_MAP: {
      const page = l(DSP_PAGE), vp = l(DSP_VPAGE);
      const writable = l(DSP_WRITABLE);
      pte_set(mm, vp, mk_pte(page, PTE_YOUNG | (writable != 0 ? PTE_RW | PTE_DIRTY : 0)));
      trace(EV_SWAP_MAP, page, vpage(mm, vp), writable);
      return ret(l(DSP_RESULT));
    }
  }
  return bad_pc();
}

/**
 * oom-misreport (an oracle, not kernel code): do_swap_page is about to report out of memory
 * (2.4.0-2.4.7 mm/memory.c do_swap_page: read_swap_cache gave NULL -> return -1, and
 * arch/i386/mm/fault.c do_page_fault goes to out_of_memory, which kills the task). The report
 * is false when the fault's pte no longer holds the swap entry it faulted on: another path
 * (swapoff's unuse_pte, or a fault of another thread) resolved the page meanwhile, and the
 * NULL came from the entry having been freed, not from memory running out. 2.4.8's fix
 * (F_OOM_RECHECK, DSP_OOM_RECHECK) retakes page_table_lock and reports OOM only while pte_same holds,
 * so with the flag on this check (swapin_none) fires only if that recheck is wrong. Read in the
 * same atomic step as the decision.
 */
function oom_misreport_check(mm: i32, vp: i32, entry: i32): void {
  const pte = pte_get(mm, vp);
  if (pte != swp_entry_to_pte(entry)) bug(V_OOM_MISREPORT, vpage(mm, vp), entry, pte);
}

/** 2.4.8+ (F_OOM_RECHECK): read_swap_cache_async gave nothing and the recheck decided r, 1 (the
 *  pte was resolved: retry the access) or 0 (out of memory). An OOM report goes through
 *  oom-misreport's oracle too, in the step of the decision: the recheck exists so that this
 *  report is never false, and the oracle says so whatever the recheck computed. */
function swapin_none(r: i32): i32 {
  if (r == 0) oom_misreport_check(l(DSP_MM), l(DSP_VPAGE), l(DSP_ENTRY));
  return ret(r);
}

/** The page is found or read: lock it and go on, as the release does. */
function swapin_got_page(): i32 {
  if (has(F_PTE_SAME_RECHECK)) return next(DSP_LOCK_PAGE);
  return next(DSP_OLD_RSS);
}

/** A write fault maps writable only when the page can be shared (page lock and PTL held). */
function swapin_map_check_write(): i32 {
  if (l(DSP_WRITE) != 0) return call(P_CAN_SHARE_SWAP_PAGE, DSP_SHARE_ASKED, l(DSP_PAGE), 0, 0, 0);
  return swapin_map(0);
}

/** Installs the pte under PTL; the page ref from the lookup/read becomes the pte's. */
function swapin_map(writable: i32): i32 {
  const mm = l(DSP_MM), vp = l(DSP_VPAGE), page = l(DSP_PAGE);
  const bits = l(DSP_PTE_BITS) | (writable != 0 ? PTE_RW | PTE_DIRTY : 0);
  mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1);
  pte_set(mm, vp, mk_pte(page, bits));
  unlock_page(page);
  spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
  trace(EV_SWAP_MAP, page, vpage(mm, vp), writable);
  return ret(l(DSP_RESULT));
}

// ---- do_wp_page --------------------------------------------------------------------------

/** mm/memory.c do_wp_page(mm, page, pte), PTL held on entry, dropped on return → 1 / 0.
 *  DWP_OLD = old page, DWP_NEW = new page, DWP_COUNT = the old page's count (F_SHARE_COUNT_NOLOCK).
 *  2.4.16: trylock the old page and ask can_share_swap_page; the zero page is never reused
 *  (the kernel trylocks it too, and can_share_swap_page refuses a reserved page). Otherwise
 *  copy: a ref on the old page across alloc_page, the copy before PTL is retaken.
 *  F_SHARE_COUNT_NOLOCK (2.4.0, pre9): the decision is a switch on page_count with unlocked
 *  counts (sections DWP_START, DWP_COUNT_LOCK, DWP_COUNT_SWAP). F_WP_COPY_NOREF (2.4.0): the
 *  copy path takes no ref on the old page and copies it in break_cow, under PTL after the
 *  pte_same recheck. */
// Locals: the arguments (mm, virtual page, pte), then the old page, the new page (after the
// recheck: the page whose reference goes, "new_page = old_page" on a hit), the old page's
// count. Sections: the decision, back from can_share_swap_page, back from alloc_page, PTL
// retaken, back from lru_cache_add, F_SHARE_COUNT_NOLOCK's two count reads, and the two
// releases after the unlock (2.4.0 and 2.4.16 mm/memory.c do_wp_page: spin_unlock, then
// page_cache_release(new_page), and, 2.4.16, page_cache_release(old_page)).
const DWP_MM: i32 = 0;
const DWP_VPAGE: i32 = 1;
const DWP_PTE: i32 = 2;
const DWP_OLD: i32 = 5;
const DWP_NEW: i32 = 6;
const DWP_COUNT: i32 = 7;
const DWP_START: i32 = 0;
const DWP_SHARE_ASKED: i32 = 1;
const DWP_ALLOCATED: i32 = 2;
const DWP_RELOCK: i32 = 3;
const DWP_ADDED: i32 = 4;
const DWP_COUNT_LOCK: i32 = 6;   // trylock and the page count
const DWP_COUNT_SWAP: i32 = 7;   // the slot count
const DWP_RELEASE: i32 = 8;      // page_cache_release(new_page), the PTL dropped
const DWP_RELEASE_OLD: i32 = 9;  // page_cache_release(old_page): our own reference (not 2.4.0)
export function do_wp_page(pc: i32): i32 {
  const mm = l(DWP_MM), vp = l(DWP_VPAGE);
  switch (pc) {
    case DWP_START: {
      const old = pte_frame(l(DWP_PTE));
      set_l(DWP_OLD, old);
      if (has(F_SHARE_COUNT_NOLOCK)) return wp_count_gate(old);
      if (old != ZERO_PAGE && trylock_page(old)) return call(P_CAN_SHARE_SWAP_PAGE, DWP_SHARE_ASKED, old, 0, 0, 0);
      return wp_copy();
    }
    case DWP_SHARE_ASKED: {
      const reuse = ret_val();
      unlock_page(l(DWP_OLD));
      if (reuse == 0) return wp_copy();
      return wp_reuse();
    }
    case DWP_ALLOCATED: {
      const old = l(DWP_OLD);
      const f = ret_val();
      if (f == 0) {
        if (!has(F_WP_COPY_NOREF) && old != ZERO_PAGE) put_page(old);
        trace(EV_WP_OOM, old, vpage(mm, vp), 0);
        return ret(0);
      }
      set_l(DWP_NEW, f);
      if (!has(F_WP_COPY_NOREF)) copy_cow_page(old, f);
      return next(DWP_RELOCK);
    }
    case DWP_RELOCK: {
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      const old = l(DWP_OLD), f = l(DWP_NEW);
      if (pte_get(mm, vp) == l(DWP_PTE)) {
        // 2.4.0's break_cow copies here: the pte still maps the old page, so it is alive.
        if (has(F_WP_COPY_NOREF)) copy_cow_page(old, f);
        // break_cow: the new page takes the pte (the old page's reference goes in DWP_RELEASE).
        if (old == ZERO_PAGE) mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1);
        pte_set(mm, vp, mk_pte(f, PTE_RW | PTE_DIRTY | PTE_YOUNG));
        // lru_cache_add takes pagemap_lru_lock inside PTL (mm/swap.c): its own section.
        // (2.4.16's LRU policy, kept in every model: 2.4.0/pre9 add none here.)
        return call_now(P_LRU_CACHE_ADD, DWP_ADDED, f, 0, 0, 0);
      }
      // The pte changed: the copy is not used; it is released after the unlock.
      trace(EV_WP_RACE, old, f, vpage(mm, vp));
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      return next(DWP_RELEASE);
    }
    case DWP_ADDED: {
      // Back from lru_cache_add, PTL still held. "new_page = old_page": the pte's reference
      // to the old page goes after the unlock, so a holder of this PTL can run first and find
      // the pte on the copy with the old page still counted.
      const old = l(DWP_OLD), f = l(DWP_NEW);
      stat(S_COW);
      trace(EV_WP_COPY, old, f, vpage(mm, vp));
      set_l(DWP_NEW, old);
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      return next(DWP_RELEASE);
    }
    case DWP_RELEASE:
      // page_cache_release(new_page): the old page's pte reference, or the unused copy.
      put_page(l(DWP_NEW));
      if (has(F_WP_COPY_NOREF)) return ret(1); // 2.4.0 took no reference of its own
      return next(DWP_RELEASE_OLD);
    case DWP_RELEASE_OLD:
      // page_cache_release(old_page): our temporary reference (a no-op for the zero page).
      put_page(l(DWP_OLD));
      return ret(1);
    case DWP_COUNT_LOCK: {
      // F_SHARE_COUNT_NOLOCK, "case 2:" of the switch, PTL held: TryLockPage, then the count
      // is_page_shared / exclusive_swap_page start from. One section: nothing that changes
      // between the trylock and the read depends on the page lock we now hold (the swap
      // cache's add and delete need it), so it could as well change before the trylock.
      const old = l(DWP_OLD);
      if (!trylock_page(old)) return wp_copy();
      set_l(DWP_COUNT, page_count(old));
      return next(DWP_COUNT_SWAP);
    }
    case DWP_COUNT_SWAP: {
      // The slot count, read with no swap lock (2.4.0 and pre9 swap_count()), in a section of
      // its own: a swap_free or swap_duplicate of another mm can fall between the two reads.
      // 2.4.0 (flag is-page-shared) asks is_page_shared with the count read in DWP_COUNT_LOCK:
      // reuse at a sum of 2 or 3 (a slot freed under the cached page reads as 0), and a page
      // that left the swap cache between DWP_START and the trylock (swapoff's delete) is
      // reused when its count is 1. pre9's exclusive_swap_page: in the cache, a sum of 3.
      const old = l(DWP_OLD);
      const exclusive = has2(F2_IS_PAGE_SHARED)
        ? !is_page_shared_2_4_0(old, l(DWP_COUNT))
        : page_test(old, PG_SWAPCACHE) && l(DWP_COUNT) - page_buffers(old) + swap_count_nolock(page_index(old)) == 3;
      unlock_page(old);
      if (!exclusive) return wp_copy();
      return wp_reuse();
    }
  }
  return bad_pc();
}

/** F_SHARE_COUNT_NOLOCK: 2.4.0 / pre9's switch (page_count(old_page)), PTL held. The reserved
 *  zero page is copied (2.4.0: its count is 0, no case matches; pre9: case 1 checks
 *  PageReserved). Count 1: reuse. Count 2 and in the swap cache: DWP_COUNT_LOCK, DWP_COUNT_SWAP.
 *  pre9's "case 3: if (!old_page->buffers) break;" falls through to case 2 for a page with
 *  buffers; 2.4.0 has no case 3 (linux-2.4.0 mm/memory.c do_wp_page): a page its swap I/O left
 *  buffers on (flag swap-buffers) counts 3 with one pte and is copied until page_launder or
 *  block_flushpage has freed them. */
function wp_count_gate(old: i32): i32 {
  if (old == ZERO_PAGE) return wp_copy();
  const count = page_count(old);
  if (count == 1) return wp_reuse();
  const case3 = !has2(F2_IS_PAGE_SHARED) && count == 3 && page_buffers(old) != 0;
  if ((count == 2 || case3) && page_test(old, PG_SWAPCACHE)) return next(DWP_COUNT_LOCK);
  return wp_copy();
}

/** Reuse in place: the pte becomes writable, dirty and young; PTL dropped. */
function wp_reuse(): i32 {
  const mm = l(DWP_MM), vp = l(DWP_VPAGE);
  pte_set(mm, vp, l(DWP_PTE) | PTE_RW | PTE_DIRTY | PTE_YOUNG);
  stat(S_COW_REUSE);
  spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
  trace(EV_WP_REUSE, l(DWP_OLD), vpage(mm, vp), 0);
  return ret(1);
}

/** copy_cow_page: the zero page copies as zeroes. */
function copy_cow_page(old: i32, f: i32): void {
  set_page_content(f, old == ZERO_PAGE ? 0 : page_content(old));
}

/** Copy path: hold a ref on the old page (not in 2.4.0), drop PTL, allocate (may sleep). */
function wp_copy(): i32 {
  const old = l(DWP_OLD);
  if (!has(F_WP_COPY_NOREF) && old != ZERO_PAGE) get_page(old);
  spin_unlock(mm_addr(l(DWP_MM), MM_PTL), LK_PTL);
  return call(P_ALLOC_PAGE, DWP_ALLOCATED, 0, 0, 0, 0);
}

// ---- zap_page_range, exit, munmap ---------------------------------------------------------

/** zap_page_range(mm, start, end, exiting): ZAP_NEXT_PAGE = next pte to look at. PTL is held
 *  from the first section to the last, across the calls (free_page_and_swap_cache and
 *  free_swap_and_cache never sleep). mm/memory.c zap_page_range and zap_pte_range (2.4.16),
 *  or 2.4.0's / 2.4.10-pre9's free_pte with F_EXCLUSIVE_NOLOCK. `exiting`: the caller is
 *  exit_mmap (mm_users already 0), for zap_gathers. */
// Without F2_NO_MMU_GATHER (2.4.16 include/asm-generic/tlb.h, SMP): tlb_gather_mmu, right after the PTL
// is taken, picks fast mode (ZAP_TLB_NR = -1, the kernel's ~0UL) or gathering (a count from
// 0). Fast mode frees each present page where the walk meets it, as 2.4.0's free_pte does;
// gathering clears the pte at once, keeps it in the gather (state.ts GATHER) with its page
// reference, and frees the pages only in tlb_finish_mmu: at the end of the range, or inside
// tlb_remove_page once FREE_PTE_NR ptes are gathered (then the walk goes on gathering from
// 0). The swap ptes' free_swap_and_cache stays in the walk, so a gathered range frees its
// swap entries before any of its pages.
// F2_RSS_UNLOCKED (2.4.0 mm/memory.c zap_page_range): the walk counts the pages it frees and,
// after the PTL is dropped, "if (mm->rss > freed) mm->rss -= freed; else mm->rss = 0;" with no
// lock: a read and a write in sections of their own, so a try_to_swap_out's rss-- (PTL) or a
// do_swap_page's rss++ (no lock) falling between them is lost, as in the kernel. Without it
// (2.4.16) rss drops per page under the PTL, a gathered page's when it is gathered (2.4.16
// subtracts the sum before its unlock).
// Locals: the arguments, the gather's count (-1: fast mode) and its first unfreed pte, the next
// pte, the frame, the pages freed (F2_RSS_UNLOCKED), the rss to write. Sections: PTL taken and
// the walk, back from a free, set_page_dirty's PCL, the rss read, the rss write, then the
// gather's flush: set_page_dirty's PCL, back from a free.
const ZAP_MM: i32 = 0;
const ZAP_START_PAGE: i32 = 1;
const ZAP_END_PAGE: i32 = 2;
const ZAP_EXITING: i32 = 3;
const ZAP_TLB_NR: i32 = 4;
const ZAP_GATHER_START: i32 = 5;
const ZAP_NEXT_PAGE: i32 = 6;
const ZAP_FRAME: i32 = 7;
const ZAP_NR_FREED: i32 = 8;
const ZAP_NEW_RSS: i32 = 9;
const ZAP_LOCK: i32 = 0;
const ZAP_FREED: i32 = 1;
const ZAP_DIRTY: i32 = 2;
const ZAP_RSS_READ: i32 = 3;
const ZAP_RSS_WRITE: i32 = 4;
const ZAP_FLUSH_DIRTY: i32 = 5;
const ZAP_FLUSH_FREED: i32 = 6;
/** include/asm-generic/tlb.h FREE_PTE_NR (CONFIG_SMP): the gather's room. */
const FREE_PTE_NR: i32 = 508;
export function zap_page_range(pc: i32): i32 {
  switch (pc) {
    case ZAP_LOCK:
      if (!spin_lock(mm_addr(l(ZAP_MM), MM_PTL), LK_PTL)) return BLOCK;
      // 2.4.16 zap_page_range: "tlb = tlb_gather_mmu(mm);" inside the PTL hold.
      set_l(ZAP_TLB_NR, zap_gathers(l(ZAP_MM), l(ZAP_EXITING) != 0) ? 0 : -1);
      return zap_from(l(ZAP_START_PAGE));
    case ZAP_FREED: // back from a free of the walk: 2.4.16 zap_pte_range / 2.4.0 free_pte
      return zap_from(l(ZAP_NEXT_PAGE));
    case ZAP_DIRTY:
      // set_page_dirty's pagecache_lock (2.4.0 mm/filemap.c __set_page_dirty, 2.4.16
      // mm/filemap.c set_page_dirty), the PTL held (PTL -> PCL); then the free, a call.
      if (!set_page_dirty_locked(l(ZAP_FRAME))) return BLOCK;
      return call(P_FREE_PAGE_AND_SWAP_CACHE, ZAP_FREED, l(ZAP_FRAME), 0, 0, 0);
    case ZAP_RSS_READ: { // 2.4.0 zap_page_range after spin_unlock: rss is an unsigned long
      const rss = mm_get(l(ZAP_MM), MM_RSS), freed = l(ZAP_NR_FREED);
      set_l(ZAP_NEW_RSS, rss > freed ? rss - freed : 0);
      return next(ZAP_RSS_WRITE);
    }
    case ZAP_RSS_WRITE:
      mm_set(l(ZAP_MM), MM_RSS, l(ZAP_NEW_RSS));
      return ret(0);
    case ZAP_FLUSH_DIRTY:
      // 2.4.16 include/asm-generic/tlb.h tlb_finish_mmu → mm/memory.c __free_pte: set_page_dirty's
      // pagecache_lock (mm/filemap.c), the PTL held; then the free, a call.
      if (!set_page_dirty_locked(l(ZAP_FRAME))) return BLOCK;
      return call(P_FREE_PAGE_AND_SWAP_CACHE, ZAP_FLUSH_FREED, l(ZAP_FRAME), 0, 0, 0);
    case ZAP_FLUSH_FREED: // back from __free_pte's free: 2.4.16 tlb_finish_mmu's loop goes on
      return tlb_finish_mmu();
  }
  return bad_pc();
}

/**
 * include/asm-generic/tlb.h tlb_gather_mmu (2.4.16, CONFIG_SMP): whether zap_page_range
 * gathers ("tlb->nr = (atomic_read(&(mm)->mm_users) == 1) ? ~0UL : 0UL;"). Never under
 * F2_NO_MMU_GATHER (2.4.0's free_pte). exit_mmap runs after mmput took mm_users to 0: it always gathers. Else
 * mm_users counts the mm's tasks, the CPUs whose ops run in it, the zapping CPU among them
 * (workload.ts mm_task_count: threads; the model's MM_USERS counts the slot's process once),
 * and the pins of swap_out and try_to_unuse (MM_USERS above 1: fork.ts mm_pin).
 */
export function zap_gathers(mm: i32, exiting: bool): bool {
  if (has2(F2_NO_MMU_GATHER)) return false;
  if (exiting) return true;
  return mm_task_count(mm, cur) > 1 || mm_get(mm, MM_USERS) > 1;
}

/** mm/memory.c zap_pte_range (2.4.16) / free_pte (2.4.0), from pte `start`, PTL held: a
 *  section up to the next pte whose page or entry is freed (a call), or one gathered. */
function zap_from(start: i32): i32 {
  const mm = l(ZAP_MM), end = l(ZAP_END_PAGE);
  for (let i = start; i < end; i++) {
    const pte = pte_get(mm, i);
    shadow_set(mm, i, 0); // a new mapping of this address reads zero
    if (pte == 0) continue;
    pte_set(mm, i, 0);
    if (pte_present(pte)) {
      if (l(ZAP_TLB_NR) >= 0) {
        // 2.4.16 tlb_remove_page, gathering: "ptes[nr++] = ptep_get_and_clear(pte)", the
        // zero page too (its __free_pte does nothing); tlb_finish_mmu when the room is full.
        if (zap_gather(mm, i, pte)) {
          set_l(ZAP_NEXT_PAGE, i + 1);
          return tlb_finish_mmu();
        }
        continue;
      }
      const f = pte_frame(pte);
      if (f == ZERO_PAGE) continue;
      if (has2(F2_RSS_UNLOCKED)) set_l(ZAP_NR_FREED, l(ZAP_NR_FREED) + 1);
      else mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) - 1);
      trace(EV_ZAP_PAGE, f, vpage(mm, i), 0);
      set_l(ZAP_NEXT_PAGE, i + 1);
      return free_pte_page(f, pte, ZAP_DIRTY, ZAP_FREED);
    }
    const entry = pte_to_swp_entry(pte);
    trace(EV_ZAP_SWAP, entry, vpage(mm, i), 0);
    set_l(ZAP_NEXT_PAGE, i + 1);
    // 2.4.0 / 2.4.10-pre9 (F_EXCLUSIVE_NOLOCK): free_pte drops the swap pte's reference with a
    // bare swap_free; a cache page left as the slot's only user stays for reclaim to find.
    if (has(F_EXCLUSIVE_NOLOCK)) return call(P_SWAP_FREE, ZAP_FREED, entry, 0, 0, 0);
    return call(P_FREE_SWAP_AND_CACHE, ZAP_FREED, entry, 0, 0, 0);
  }
  // 2.4.16 zap_page_range: "tlb_finish_mmu(tlb, start, end);" before the rss update and the unlock.
  set_l(ZAP_NEXT_PAGE, end);
  if (l(ZAP_TLB_NR) > 0) return tlb_finish_mmu();
  return zap_done();
}

/** 2.4.16 tlb_remove_page, gathering (include/asm-generic/tlb.h): the cleared pte `pte` of
 *  page i joins the gather, its page still counted; rss drops now (zap_pte_range's freed++,
 *  see zap_page_range). True when the gather is full (FREE_PTE_NR): tlb_finish_mmu is due. */
function zap_gather(mm: i32, i: i32, pte: i32): bool {
  const f = pte_frame(pte);
  if (f != ZERO_PAGE) {
    if (has2(F2_RSS_UNLOCKED)) set_l(ZAP_NR_FREED, l(ZAP_NR_FREED) + 1);
    else mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) - 1);
    trace(EV_ZAP_PAGE, f, vpage(mm, i), 1);
  }
  const nr = l(ZAP_TLB_NR);
  if (nr == 0) set_l(ZAP_GATHER_START, i); // "if (!(ctxp)->nr) (ctxp)->start_addr = (addr);"
  gather_set(mm, i, pte);
  set_l(ZAP_TLB_NR, nr + 1);
  return nr + 1 >= FREE_PTE_NR;
}

/** 2.4.16 include/asm-generic/tlb.h tlb_finish_mmu, gathering, PTL held: __free_pte on each
 *  gathered pte in the gather's order, from ZAP_GATHER_START up to ZAP_NEXT_PAGE, one page's
 *  free per section (a call); then "ctx->nr = 0" and the walk goes on (a full gather's flush)
 *  or the zap ends. */
function tlb_finish_mmu(): i32 {
  const mm = l(ZAP_MM), upto = l(ZAP_NEXT_PAGE);
  for (let i = l(ZAP_GATHER_START); i < upto; i++) {
    const pte = gather_get(mm, i);
    if (pte == 0) continue;
    gather_set(mm, i, 0);
    set_l(ZAP_GATHER_START, i + 1);
    const f = pte_frame(pte);
    if (f == ZERO_PAGE) continue; // __free_pte: "PageReserved(page)) return;"
    trace(EV_ZAP_GATHERED_FREE, f, vpage(mm, i), 0);
    return free_pte_page(f, pte, ZAP_FLUSH_DIRTY, ZAP_FLUSH_FREED);
  }
  set_l(ZAP_TLB_NR, 0);
  if (upto < l(ZAP_END_PAGE)) return zap_from(upto);
  return zap_done();
}

/** The page half of 2.4.16 __free_pte / 2.4.0 free_pte for frame f of the cleared pte `pte`:
 *  set_page_dirty on a dirty pte (2.4.16: every page; 2.4.0's "&& page->mapping", flag
 *  dirty-mapped-only: the swap cache's pages), whose pagecache_lock, for a cached page whose
 *  bit was clear, comes in `dirtySection`; then free_page_and_swap_cache, back at `freedSection`. */
function free_pte_page(f: i32, pte: i32, dirtySection: i32, freedSection: i32): i32 {
  const dirty = (pte & PTE_DIRTY) != 0 && (!has2(F2_DIRTY_MAPPED_ONLY) || page_test(f, PG_SWAPCACHE));
  if (dirty && set_page_dirty_bit(f)) {
    set_l(ZAP_FRAME, f);
    return next(dirtySection);
  }
  return call(P_FREE_PAGE_AND_SWAP_CACHE, freedSection, f, 0, 0, 0);
}

/** zap_page_range's end: the PTL dropped; 2.4.0's rss update after it (F2_RSS_UNLOCKED). */
function zap_done(): i32 {
  spin_unlock(mm_addr(l(ZAP_MM), MM_PTL), LK_PTL);
  if (has2(F2_RSS_UNLOCKED)) return next(ZAP_RSS_READ);
  return ret(0);
}

/** do_exit(mm): the process exits and a new, empty one takes the slot (fs/exec.c exec_mmap's
 *  fresh mm). exit_mmap runs when no other user exists; the model's other CPUs may still be
 *  threads of this mm, so it holds mmap_sem for writing to keep their faults out, as munmap
 *  does. A pin (swap_out, try_to_unuse: fork.ts) keeps the mm alive past the process's
 *  mmput: its holder's mmput runs exit_mmap, and the new process waits for the slot. */
// Locals: the argument. Sections: mmap_sem, mmput (its mmlist_lock for the list_del, unless a
// pin keeps the mm), the vma list detached under PTL and the zap, back from zap_page_range
// (mmlist_lock: the slot's new process listed), its vma under PTL; F2_RSS_UNLOCKED's rss
// clear between the detach and the zap; the wait for a pinned mm's last mmput.
const EXIT_MM: i32 = 0;
const EXIT_ARG: i32 = 1; // OOM_EXIT_ARG: the exit an OOM kill's SIGKILL makes
const EXIT_MMAP_SEM: i32 = 0;
const EXIT_ZAPPED: i32 = 1;
const EXIT_UNLIST: i32 = 2;
const EXIT_DETACH: i32 = 3;
const EXIT_RSS: i32 = 4;
const EXIT_NEW_VMA: i32 = 5;
const EXIT_SLOT_WAIT: i32 = 6;
export function do_exit(pc: i32): i32 {
  const mm = l(EXIT_MM);
  switch (pc) {
    case EXIT_MMAP_SEM:
      if (!down(mm_addr(mm, MM_SEM))) return BLOCK;
      // A killed process's exit whose process went another way while it waited (a fork's
      // replacement of the slot, a workload's exit: oom_process_gone): the slot now holds
      // another process, which the signal was never for.
      if (l(EXIT_ARG) == OOM_EXIT_ARG && mm_get(mm, MM_OOM_KILL) == 0) {
        up(mm_addr(mm, MM_SEM));
        trace(EV_OOM_EXIT_GONE, mm, 0, 0);
        return ret(0);
      }
      return next(EXIT_UNLIST);
    case EXIT_UNLIST:
      // kernel/exit.c __exit_mm: "tsk->mm = NULL; ... mmput(mm);" (2.4.0's for_each_task no
      // longer reaches the mm through this task: MM_NO_TASK). kernel/fork.c mmput: a put that
      // is not the last (a pin holds the mm: fork.ts mmput_fast) leaves the mm listed with its
      // ptes; the pin's mmput runs exit_mmap, and the new process waits (EXIT_SLOT_WAIT).
      if (mmput_task_pinned(mm)) {
        oom_process_gone(mm); // the process is gone: a kill the OOM killer sent it is done with
        return next(EXIT_SLOT_WAIT);
      }
      // The last put: atomic_dec_and_lock(&mm->mm_users, &mmlist_lock), swap_mm moved on,
      // list_del, spin_unlock, then exit_mmap: the mm is off the mmlist during its zap
      // (2.4.16 try_to_unuse: its entries are "on their way out", the zap frees them).
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      trace(EV_EXIT_MM, mm, 0, 0);
      oom_process_gone(mm); // after the lock: a section changes nothing before it may BLOCK
      mmput_last(mm);
      spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
      return next(EXIT_DETACH);
    case EXIT_DETACH:
      // mm/mmap.c exit_mmap (2.4.0, 2.4.16): the vma list detached under the PTL, then the zaps
      // (fork.ts exit_mmap_detach, shared with a pin's mmput).
      if (!exit_mmap_detach(mm)) return BLOCK;
      return exit_mmap_zap(mm, EXIT_RSS, EXIT_ZAPPED);
    case EXIT_RSS:
      return exit_mmap_rss(mm, EXIT_ZAPPED); // 2.4.0's unlocked rss clear
    case EXIT_SLOT_WAIT:
      // The new process's mm is another mm_struct in the kernel and could start at once; the
      // model's is the slot, free once the pin's mmput has run exit_mmap (docs/faithfulness.md
      // exit_mmap: a deviation). Until then this CPU sleeps, as a task not yet created.
      if (!slot_free(mm)) return BLOCK;
      return next(EXIT_ZAPPED);
    case EXIT_ZAPPED:
      // rss is 0 again: zap_page_range counted every page out (2.4.0: cleared, then at most
      // clamped at 0; a do_swap_page's rss++ that fell in between would be kept, but the
      // exit's mmap_sem keeps this mm's faults out). The slot's next process is a fresh mm
      // (kernel/fork.c mm_alloc: mm_users 1): fs/exec.c exec_mmap (2.4.0, 2.4.16)
      // "spin_lock(&mmlist_lock); list_add(&mm->mmlist, &init_mm.mmlist);
      // spin_unlock(&mmlist_lock);": right after init_mm.
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      mm_set(mm, MM_USERS, 1);
      mm_set(mm, MM_NO_TASK, 0);
      mmlist_add(mm, nMm);
      spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
      task_born(mm);
      return next(EXIT_NEW_VMA);
    case EXIT_NEW_VMA:
      // The new process's vma (its mmap's insert under the PTL): unuse_process and
      // swap_out_mm walk it again.
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      mm_set(mm, MM_VMA_HIDDEN, 0);
      mm_set(mm, MM_SWAP_CURSOR, 0);
      mm_set(mm, MM_SWAP_CNT, 0); // a new mm starts zeroed (mm_alloc's memset): swap-cnt's swap_cnt
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      up(mm_addr(mm, MM_SEM));
      stat(S_EXITS);
      trace(EV_EXIT, mm, 0, 0);
      return ret(0);
  }
  return bad_pc();
}

/** munmap's and mprotect's (start, len) clamped to the mm's pages, into RANGE_START = start,
 *  RANGE_END = end: the ops come from a generator that may name a range past the end. */
// Locals of both: the arguments (mm, start, len), the clamped start and end. `@inline`: asc
// puts the value in at each use, as for a bare number. A plain module const is a global that
// wasm-opt folds in later, and here (only here so far) that gives other, equivalent code
// for the two callers than the bare numbers did: the rename is to leave the Wasm byte-identical.
@inline
const RANGE_ARG_START: i32 = 1;
@inline
const RANGE_ARG_LEN: i32 = 2;
@inline
const RANGE_START: i32 = 6;
@inline
const RANGE_END: i32 = 7;
function set_range_locals(): void {
  const start = l(RANGE_ARG_START) < nPages ? l(RANGE_ARG_START) : nPages;
  set_l(RANGE_START, start);
  set_l(RANGE_END, l(RANGE_ARG_LEN) < nPages - start ? start + l(RANGE_ARG_LEN) : nPages);
}

/** do_munmap(mm, start, len): sys_munmap holds mmap_sem for writing. mm/mmap.c do_munmap
 *  (2.4.0 and 2.4.16 alike) unlinks every vma the range touches under the PTL, zaps the range
 *  (the zap's own PTL hold), then unmap_fixup re-inserts what is left of a vma under the PTL
 *  again: between the two, unuse_process and swap_out_mm (which walk the vma list) see no pte
 *  of that vma, the part kept included. The model's one vma is hidden whole (MM_VMA_HIDDEN)
 *  and always comes back: the model's munmap stands for a munmap and an mmap(MAP_FIXED) of
 *  the same anonymous range (the kernel's fault in an unmapped range is a SIGSEGV; here a pte
 *  unmapped re-faults as zero: docs/faithfulness.md, do_munmap). */
// Locals: the mm, then set_range_locals'. Sections: mmap_sem, the unlink under PTL and the
// zap, then back from it unmap_fixup under PTL.
const MUNMAP_MM: i32 = 0;
const MUNMAP_START: i32 = RANGE_START;
const MUNMAP_END: i32 = RANGE_END;
const MUNMAP_MMAP_SEM: i32 = 0;
const MUNMAP_ZAPPED: i32 = 1;
const MUNMAP_UNLINK: i32 = 2;
export function do_munmap(pc: i32): i32 {
  const mm = l(MUNMAP_MM);
  switch (pc) {
    case MUNMAP_MMAP_SEM: {
      if (!down(mm_addr(mm, MM_SEM))) return BLOCK;
      set_range_locals();
      return next(MUNMAP_UNLINK);
    }
    case MUNMAP_UNLINK:
      // "*npp = mpnt->vm_next; ... mm->mmap_cache = NULL;" under the PTL.
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      mm_set(mm, MM_VMA_HIDDEN, 1);
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      return call(P_ZAP_PAGE_RANGE, MUNMAP_ZAPPED, mm, l(MUNMAP_START), l(MUNMAP_END), 0);
    case MUNMAP_ZAPPED:
      // unmap_fixup: __insert_vm_struct under the PTL.
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      mm_set(mm, MM_VMA_HIDDEN, 0);
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      up(mm_addr(mm, MM_SEM));
      stat(S_MUNMAPS);
      trace(EV_MUNMAP, mm, l(MUNMAP_START), l(MUNMAP_END));
      return ret(0);
  }
  return bad_pc();
}

// ---- mprotect (mm/mprotect.c) ----------------------------------------------------------

/** do_mprotect(mm, start, len): the net effect of mprotect(PROT_READ) then
 *  mprotect(PROT_READ|PROT_WRITE) on the private anonymous mapping. mm/mprotect.c (2.4.16)
 *  sys_mprotect takes mmap_sem for writing; change_protection holds page_table_lock over
 *  change_pte_range, which rewrites each present pte with pte_modify(pte, newprot) and leaves
 *  swap ptes alone. The second call's newprot is a private writable mapping's PAGE_COPY,
 *  which has no write bit: the ptes end write-protected, and the next write takes do_wp_page.
 *  pte_modify keeps the dirty and accessed bits (_PAGE_CHG_MASK) and ORs in newprot, and both
 *  PAGE_READONLY and PAGE_COPY hold _PAGE_ACCESSED (include/asm-i386/pgtable.h, 2.4.0 and
 *  2.4.16): every present pte of the range ends young, a read-only one too (until 6 Dec 2026
 *  the model left an old pte old; found by a helper's value audit). The two calls are one
 *  section: nothing else can hold the PTL between them that does not also see the first.
 *  MPROT_START = start, MPROT_END = end. */
// Locals: the mm, then set_range_locals'. Sections: mmap_sem, the ptes under PTL, mmap_sem's up.
const MPROT_MM: i32 = 0;
const MPROT_START: i32 = RANGE_START;
const MPROT_END: i32 = RANGE_END;
const MPROT_MMAP_SEM: i32 = 0;
const MPROT_PTES: i32 = 1;
const MPROT_UP: i32 = 2;
export function do_mprotect(pc: i32): i32 {
  const mm = l(MPROT_MM);
  switch (pc) {
    case MPROT_MMAP_SEM: {
      if (!down(mm_addr(mm, MM_SEM))) return BLOCK;
      set_range_locals();
      return next(MPROT_PTES);
    }
    case MPROT_PTES: {
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      let n = 0;
      for (let i = l(MPROT_START); i < l(MPROT_END); i++) {
        const pte = pte_get(mm, i);
        if (!pte_present(pte)) continue;
        pte_set(mm, i, (pte & ~PTE_RW) | PTE_YOUNG);
        if ((pte & PTE_RW) != 0) n++;
      }
      spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
      trace(EV_MPROTECT, mm, l(MPROT_START), n);
      return next(MPROT_UP);
    }
    case MPROT_UP:
      up(mm_addr(mm, MM_SEM));
      return ret(0);
  }
  return bad_pc();
}
