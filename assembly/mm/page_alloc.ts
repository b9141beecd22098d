// mm/page_alloc.c: frames come from a free stack. alloc_page below pages_low wakes kswapd;
// below pages_min the caller enters direct reclaim (try_to_free_pages) on its own CPU and,
// for GFP_HIGHUSER (__GFP_WAIT, __GFP_IO, __GFP_FS), loops until it gets a page: every
// release of the model retries an order-0 user allocation for as long as it takes
// (2.4.16 __alloc_pages: "goto rebalance" after a yield; 2.4.9/2.4.10-pre: "if (progress ||
// (gfp_mask & __GFP_IO)) goto try_again"; 2.4.0: wakeup_kswapd(1) then "goto try_again").
// Only a PF_MEMALLOC allocation (reclaim's own) and one whose task the OOM killer chose
// return NULL (oom-kill, oom_kill.ts; where that killer cannot act, in a hunt's short
// executions or without the flag, a stand-in chooses the allocating task: AP_RECLAIMED,
// AP_KSWAPD_DONE). A loop that never ends is a livelock: every round is a scheduling point,
// and the hunt's step bound (or bulk mode's watchdog) reports it.
// 2.4.0 (F_ALLOC_WAIT_KSWAPD) does not reclaim in the allocating task at all: it wakes kswapd
// and sleeps on kswapd_done until kswapd has been round its loop once, then tries again.
// The watermark words are the thresholds 2.4.16 compares the free count with, one above the
// zone's own pages_min / pages_low / pages_high: __alloc_pages takes a page when
// "z->free_pages > min" with min = (1UL << order) + z->pages_low (then + z->pages_min), 1 +
// the watermark for the model's order-0 allocations, so CFG_FREE_LOW is pages_low + 1 and
// CFG_FREE_MIN pages_min + 1; kswapd (vmscan.ts) goes on while free_pages <= pages_high,
// i.e. while the free count is below CFG_FREE_HIGH = pages_high + 1.
import { ld, st } from "../kernel/platform";
import { cfg, CFG_FREE_LOW, CFG_FREE_MIN, CFG_OOM_CLOCK } from "../kernel/config";
import {
  gget, gset, gaddr, FREE_STACK, G_NR_FREE, note_free_count, freeFilled, free_stack_fill, G_KSWAPD_WAKE, G_NR_SWAP_PAGES, G_LRU_LOCK, G_LRU_PENDING, KSWAPD,
  LRU_PENDING, LRU_PENDING_MAX, gadd, G_NR_DELISTED, PG_DELISTED, PG_BUFFERS,
  nFrames, page_count, set_page_count, set_page_flags, page_flags, set_page_index, set_page_content, stat,
  S_DIRECT_RECLAIM, S_ALLOC_FAIL, PG_INUSE, PG_LOCKED, PG_LRU, PG_SWAPCACHE, PG_RESERVED, ag_get, ag_set,
  AG_STATE, ST_IDLE, ST_RUNNABLE,
} from "../kernel/state";
import { l, set_l, call, ret, ret_val, next, cur, bad_pc, YIELD, after_spin_check, AFTER_SPIN_PUT_PAGE } from "../kernel/frame";
import { set_state, might_sleep, schedule_point, sleep_on, wake_waiters, spin_after_section } from "../kernel/locks";
import { has, has2, F_ALLOC_WAIT_KSWAPD, F2_OOM_KILL, F2_LOCAL_PAGES } from "../model";
import { bug, V_BUG_ON, V_OOM_MISREPORT, BUG_FREE_BUSY_PAGE, BUG_PUT_PAGE_UNDERFLOW } from "../kernel/check";
import { trace } from "../kernel/trace";
import { P_TRY_TO_FREE_PAGES } from "../kernel/procs";
import { sched_yield } from "../kernel/sched";
import { __lru_cache_del } from "./swap";
import { freed_all } from "./vmscan";
import { oom_killed, BUG_OOM_UNCHOSEN_FAILS } from "./oom_kill";

export const EV_ALLOC: i32 = 500;          // (page, nr_free, 0)
export const EV_ALLOC_RECLAIM: i32 = 501;  // (nr_free, attempt, 0): entering direct reclaim
export const EV_ALLOC_FAIL: i32 = 502;     // (0, 0, 0)
export const EV_FREE_PAGE: i32 = 503;      // (page, 0, 0)
export const EV_ALLOC_OOM: i32 = 504;      // (attempt, 0, 0): out_of_memory chose this task
export const EV_ALLOC_YIELD: i32 = 505;    // (nr_free, freed, attempt): nothing to take, yield and retry
export const EV_FREE_DEFERRED: i32 = 506;  // (page, LRU holder, 0): count 0, still on the LRU
export const EV_ALLOC_WAIT_KSWAPD: i32 = 507; // (nr_free, attempt, 0): 2.4.0 sleeps on kswapd_done
export const EV_FREE_LOCAL: i32 = 508;     // (page, keeper, 0): local-pages: kept on current->local_pages (keeper 0), or at the LRU unlock on agent keeper - 1's
export const EV_ALLOC_LOCAL: i32 = 509;    // (page, freed, taken): local-pages: balance_classzone takes it (1) or frees it back (0)

/** Agent word: PF_MEMALLOC, set while the agent runs direct reclaim (balance_classzone): 1, or
 *  under local-pages (PF_FREE_PAGES too) page << 1 | 1 once the reclaim has freed its first
 *  page, which current->local_pages holds (local_page_keep). */
export const AG_PF_MEMALLOC: i32 = 11;

export function rmqueue(): i32 {
  const n = gget(G_NR_FREE);
  if (n == 0) return 0;
  if (n - 1 < freeFilled) free_stack_fill(n - 1); // a large machine's stack, written as it is reached (kernel/state.ts)
  const f = ld(FREE_STACK + ((n - 1) << 2));
  gset(G_NR_FREE, n - 1);
  note_free_count(n - 1); // what the next touched clear clears (kernel/state.ts)
  prep_new_page(f);
  return f;
}

/** A page handed out: one reference, in use, no key, zeroed. */
function prep_new_page(f: i32): void {
  set_page_count(f, 1);
  set_page_flags(f, PG_INUSE);
  set_page_index(f, 0);
  set_page_content(f, 0);
}

export function wakeup_kswapd(): void {
  if (KSWAPD < 0) return;
  gset(G_KSWAPD_WAKE, 1);
  if (ag_get(KSWAPD, AG_STATE) == ST_IDLE) set_state(KSWAPD, ST_RUNNABLE);
}

/** __free_pages_ok: back on the free stack. */
function free_frame(f: i32): void {
  free_checks(f);
  set_page_flags(f, 0);
  set_page_index(f, 0);
  const n = gget(G_NR_FREE);
  st(FREE_STACK + (n << 2), f);
  gset(G_NR_FREE, n + 1);
  trace(EV_FREE_PAGE, f, 0, 0);
}

/** __free_pages_ok's BUG()s: a locked, still-cached or still-listed page, one with buffers
 *  (2.4.0's "if (page->buffers) BUG();"; their reference makes it unreachable), or one not in
 *  use, is a BUG. del-lru's count of pages off the LRU loses a freed one. */
function free_checks(f: i32): void {
  const fl = page_flags(f);
  if ((fl & (PG_LOCKED | PG_SWAPCACHE | PG_RESERVED | PG_LRU | PG_BUFFERS)) != 0 || (fl & PG_INUSE) == 0) bug(V_BUG_ON, BUG_FREE_BUSY_PAGE, f, fl);
  if ((fl & PG_DELISTED) != 0) gadd(G_NR_DELISTED, -1); // del-lru: freed off the LRU
}

/** page_cache_release / put_page: drops a reference, freeing at zero. A page still on the LRU
 *  leaves it first under pagemap_lru_lock (2.4.16 mm/page_alloc.c page_cache_release: "if
 *  (PageLRU(page)) lru_cache_del(page);" after put_page_testzero, then __free_pages_ok). With
 *  the lock free that is done here, in the caller's step: an uncontended spin_lock/spin_unlock
 *  pair around two list writes. With another agent holding it (shrink_cache walking the list),
 *  the kernel's freer spins: here the page stays on the list at count 0 (what 2.4.16
 *  shrink_cache's "!page_count(page)" skip is for) and leaves it at the holder's spin_unlock
 *  (lru_release_pending), as if the spinner took the lock next: freed, or kept on the freer's
 *  local_pages as __free_pages_ok would have kept it. The freer spins too, from the end of its
 *  section to that unlock (locks.ts spin_after_section). put_page is a plain function, so the
 *  rest of its caller's section still runs before the spin: at every call site that rest is
 *  the section's return, traces and the caller's own locals; a lock taken or dropped, or a
 *  page released, after the spin began is a V_BUG_ON in the traced build (frame.ts
 *  after_spin_check), and shrink_cache's need_resched point after such a free waits for the
 *  spin's end (vmscan.ts SC_RESCHED). */
export function put_page(f: i32): void {
  after_spin_check(AFTER_SPIN_PUT_PAGE);
  const fl = page_flags(f);
  if ((fl & PG_RESERVED) != 0) return; // the zero page is never freed
  const c = page_count(f) - 1;
  if (c < 0) { bug(V_BUG_ON, BUG_PUT_PAGE_UNDERFLOW, f, c); return; }
  set_page_count(f, c);
  if (c != 0) return;
  if ((fl & PG_LRU) != 0) {
    const holder = gget(G_LRU_LOCK);
    if (holder != 0 && holder != cur + 1) {
      const n = gget(G_LRU_PENDING);
      if (n < LRU_PENDING_MAX) st(LRU_PENDING + (n << 2), f | (local_page_keeper(n) << PENDING_KEEPER_SHIFT));
      gset(G_LRU_PENDING, n + 1);
      trace(EV_FREE_DEFERRED, f, holder - 1, 0);
      spin_after_section(gaddr(G_LRU_LOCK));
      return;
    }
    __lru_cache_del(f);
  }
  if (local_page_keep(f)) return;
  free_frame(f);
}

/** 2.4.16 mm/page_alloc.c __free_pages_ok, "local_freelist:" (flag local-pages): while a task
 *  runs balance_classzone's try_to_free_pages with PF_FREE_PAGES, the first page it frees goes
 *  on its own current->local_pages ("if (current->nr_local_pages) goto back_local_freelist"),
 *  not on the free lists: no other task can take it, and nr_free does not count it. The model
 *  keeps it PG_inuse at count 0, held by the agent (AG_PF_MEMALLOC), until alloc_page's
 *  AP_RECLAIMED takes it or frees it back. */
function local_page_keep(f: i32): bool {
  if (!local_pages_empty(cur)) return false;
  keep_local_page(cur, f);
  trace(EV_FREE_LOCAL, f, 0, 0);
  return true;
}

/** agent runs try_to_free_pages with PF_FREE_PAGES and has kept no page yet. */
function local_pages_empty(agent: i32): bool {
  return has2(F2_LOCAL_PAGES) && agent >= 0 && ag_get(agent, AG_PF_MEMALLOC) == 1;
}

/** f, off every list, goes on agent's local_pages. */
function keep_local_page(agent: i32, f: i32): void {
  free_checks(f); // __free_pages_ok's BUG()s come before its local_freelist
  set_page_flags(f, PG_INUSE);
  set_page_index(f, 0);
  ag_set(agent, AG_PF_MEMALLOC, (f << 1) | 1);
}

// A deferred free's entry in LRU_PENDING: the frame, and above it the agent + 1 whose
// local_pages will take the page when it leaves the LRU (0: it is freed). Frames are below
// 1 << 24 (the model's 16M), agents + 1 below 256 (read back unsigned).
const PENDING_KEEPER_SHIFT: i32 = 24;
const PENDING_FRAME_MASK: i32 = (1 << PENDING_KEEPER_SHIFT) - 1;

/** The keeper field of the n-th deferred free, by the running agent: it spins on the LRU lock
 *  from now, and its __free_pages_ok, once it has the lock, keeps the page when its
 *  local_pages are empty and no page it freed earlier is waiting for the same unlock (that
 *  one would be kept: the kernel's spin ends before the second free begins). */
function local_page_keeper(n: i32): i32 {
  if (!local_pages_empty(cur)) return 0;
  for (let i = 0; i < n && i < LRU_PENDING_MAX; i++) {
    if ((ld(LRU_PENDING + (i << 2)) >>> PENDING_KEEPER_SHIFT) == cur + 1) return 0;
  }
  return cur + 1;
}

/** The LRU lock was just released: the count-0 pages left on the list leave it, lowest frame
 *  first, each freed or kept on its freer's local_pages (local_page_keeper). put_page listed
 *  them (a count-0 page on the LRU is one it deferred: no pte, cache or running path holds a
 *  reference to find it by); past LRU_PENDING_MAX of them every frame is walked instead and
 *  all are freed (no keeper is recorded past the list: a deviation, and no section of the
 *  model defers more than a few). Either way the same frames leave in the same order, so the
 *  free stack, and every state hash, are as the walk alone made them. */
export function lru_release_pending(): void {
  const n = gget(G_LRU_PENDING);
  if (n > LRU_PENDING_MAX) {
    for (let f = 1; f < nFrames; f++) free_if_pending(f, 0);
  } else {
    sort_pending(n);
    for (let i = 0; i < n; i++) {
      const e = ld(LRU_PENDING + (i << 2));
      free_if_pending(e & PENDING_FRAME_MASK, e >>> PENDING_KEEPER_SHIFT);
    }
  }
  gset(G_LRU_PENDING, 0);
}

/** A frame still on the LRU at count 0 leaves it and is freed, or kept by agent keeper - 1. */
function free_if_pending(f: i32, keeper: i32): void {
  const fl = page_flags(f);
  if ((fl & (PG_INUSE | PG_LRU)) == (PG_INUSE | PG_LRU) && (fl & PG_RESERVED) == 0 && page_count(f) == 0) {
    __lru_cache_del(f);
    if (keeper != 0 && local_pages_empty(keeper - 1)) {
      keep_local_page(keeper - 1, f);
      trace(EV_FREE_LOCAL, f, keeper, 0);
      return;
    }
    free_frame(f);
  }
}

/** The first n deferred frees in ascending frame order (insertion sort: a few at most). */
function sort_pending(n: i32): void {
  for (let i = 1; i < n; i++) {
    const e = ld(LRU_PENDING + (i << 2));
    const f = e & PENDING_FRAME_MASK;
    let j = i - 1;
    while (j >= 0 && (ld(LRU_PENDING + (j << 2)) & PENDING_FRAME_MASK) > f) {
      st(LRU_PENDING + ((j + 1) << 2), ld(LRU_PENDING + (j << 2)));
      j--;
    }
    st(LRU_PENDING + ((j + 1) << 2), e);
  }
}

/** alloc_page(GFP_HIGHUSER) → page or 0.
 *  The slow path is 2.4.16 __alloc_pages' "rebalance" loop: PF_MEMALLOC takes whatever is free
 *  (NULL when nothing is); otherwise balance_classzone → try_to_free_pages, then any free page
 *  (see AP_RECLAIMED); else yield and again.
 *  What counts as progress: nothing stops the loop but a page. try_to_free_pages calls
 *  out_of_memory when it falls short, which kills nothing while swap is left (nr_swap_pages >
 *  0); the model lets it choose the allocating task once reclaim freed nothing and no swap is
 *  left (its clock conditions, a second of failures and ten of them, are not modelled): that
 *  task, PF_MEMDIE, takes any free page or fails. */
// The fast path's two watermark tests read z->free_pages with no lock; rmqueue takes
// zone->lock. So each test is a step and each rmqueue the next (2.4.16 __alloc_pages: "if
// (z->free_pages > min) { page = rmqueue(z, order); if (page) return page; }", the same shape
// in 2.4.0's first loop): another CPU may take or free pages between the test and the take,
// so two tasks can both pass the low test and take the free count below it without waking
// kswapd, and a test passed can meet an empty free list (rmqueue returns NULL and the path
// goes on as if the test had failed). Until 6 Dec 2026 a test and its rmqueue were one
// section. The wake between the two tests (need_balance, wake_up_interruptible(&kswapd_wait))
// shares the first test's step: it writes only kswapd's wake state, which nobody but kswapd
// reads, and kswapd's own sleep (add_wait_queue, then kswapd_can_sleep) ends with kswapd
// awake whichever comes first; the second test is a step of its own, since kswapd may run
// between the wake and it.
// Locals: no arguments; the reclaim rounds (or, 2.4.0, kswapd waits) so far. Sections: the
// first watermark test, back from try_to_free_pages, the next rebalance round after a yield,
// (2.4.0) woken on kswapd_done, the rmqueue after the low test, the min test, and the rmqueue
// after it.
const AP_ROUNDS: i32 = 6;
const AP_FREED: i32 = 7; // try_to_free_pages' result, across the steps after it
const AP_TRY: i32 = 0;
const AP_RECLAIMED: i32 = 1;
const AP_REBALANCE: i32 = 2;
const AP_KSWAPD_DONE: i32 = 3;
const AP_RMQUEUE_LOW: i32 = 4;
const AP_TEST_MIN: i32 = 5;
const AP_RMQUEUE_MIN: i32 = 6;
const AP_RECLAIMED_TEST: i32 = 7;
const AP_RECLAIMED_RMQUEUE: i32 = 8;
const AP_KSWAPD_RMQUEUE: i32 = 9;
export function alloc_page(pc: i32): i32 {
  switch (pc) {
    case AP_TRY:
      might_sleep();
      if (gget(G_NR_FREE) > cfg(CFG_FREE_LOW)) return next(AP_RMQUEUE_LOW);
      return wake_then_test_min();
    case AP_RMQUEUE_LOW: {
      const f = rmqueue();
      if (f != 0) return got(f);
      return wake_then_test_min();
    }
    case AP_TEST_MIN:
      if (gget(G_NR_FREE) > cfg(CFG_FREE_MIN)) return next(AP_RMQUEUE_MIN);
      return rebalance();
    case AP_RMQUEUE_MIN: {
      const f = rmqueue();
      if (f != 0) return got(f);
      return rebalance();
    }
    case AP_RECLAIMED: {
      // Back from try_to_free_pages (balance_classzone): PF_MEMALLOC off again.
      const kept = ag_get(cur, AG_PF_MEMALLOC) >> 1;
      ag_set(cur, AG_PF_MEMALLOC, 0);
      const freed = ret_val();
      set_l(AP_FREED, freed);
      if (kept != 0) {
        // balance_classzone's local_pages (flag local-pages): "if (likely(__freed))", i.e.
        // try_to_free_pages returned 1 (it freed all it was asked for), the task takes its
        // page; else __free_pages_ok gives it back to the free lists under zone->lock, and
        // __alloc_pages' test of the free count comes in the next step: another CPU may take
        // that very page first (until the 6 Dec 2026 audit one section, where the LIFO free stack
        // handed the reclaimer its own page back every time).
        const taken = freed_all(freed);
        trace(EV_ALLOC_LOCAL, kept, freed, taken ? 1 : 0);
        if (taken) {
          prep_new_page(kept);
          return got(kept);
        }
        free_frame(kept);
        return next(AP_RECLAIMED_TEST);
      }
      return reclaimed_test();
    }
    case AP_RECLAIMED_TEST:
      return reclaimed_test();
    case AP_RECLAIMED_RMQUEUE: {
      // The test passed; another CPU may have emptied the free list since: "if (page) return
      // page;" else on to the yield and the next round.
      const f = rmqueue();
      if (f != 0) return got(f);
      return reclaim_yield(0, l(AP_FREED));
    }
    case AP_REBALANCE:
      return rebalance();
    case AP_KSWAPD_DONE:
      // 2.4.0: woken on kswapd_done, "goto try_again". Any free page is taken (a deviation,
      // see AP_RECLAIMED: 2.4.0 takes one above pages_min only): the test, with no lock, then
      // rmqueue under zone->lock in the next step.
      if (gget(G_NR_FREE) > 0) return next(AP_KSWAPD_RMQUEUE);
      return kswapd_done_empty();
    case AP_KSWAPD_RMQUEUE: {
      const f = rmqueue();
      if (f != 0) return got(f);
      return kswapd_done_empty();
    }
  }
  return bad_pc();
}

/** Below the low watermark: "classzone->need_balance = 1; ... wake_up_interruptible(&kswapd_wait)",
 *  then the min test in the next step.
 *  2.4.0 (alloc-wait-kswapd; linux-2.4.0 mm/page_alloc.c __alloc_pages, after the PAGES_HIGH
 *  and PAGES_LOW __alloc_pages_limit tries fail): "wakeup_kswapd(0); if (gfp_mask &
 *  __GFP_WAIT) { __set_current_state(TASK_RUNNING); current->policy |= SCHED_YIELD;
 *  schedule(); }" before the PAGES_MIN try. Every allocation of the model is __GFP_WAIT
 *  (GFP_HIGHUSER), so it calls schedule() here, and schedule() lets the BKL go (a BKL holder:
 *  readahead under bkl-swapin, swapoff under swapoff-bkl); the run loop retakes it before the
 *  min test. SCHED_YIELD itself is not modelled as sched_yield: it only asks that others run
 *  first, once, and every other CPU and kthread of the model may already run at any step, so it
 *  adds no interleaving. sched_yield's PCT demotion is for loops that wait on others (it keeps
 *  them from starving the agent they wait for); here, on every allocation below the low
 *  watermark, it sank the allocator under every PCT priority and 2.4.0's PCT hunts found
 *  nothing in 20 seeds (measured on the prototype, 6 Dec 2026). Until the 6 Dec 2026 audit of the
 *  old paths 2.4.0 kept the BKL here. */
function wake_then_test_min(): i32 {
  wakeup_kswapd();
  if (has(F_ALLOC_WAIT_KSWAPD)) schedule_point();
  return next(AP_TEST_MIN);
}

/** After balance_classzone (2.4.16 __alloc_pages: "if (z->free_pages > min) { page =
 *  rmqueue(z, order); ..." with no lock, then zone->lock in rmqueue): the free count's test in
 *  this step, rmqueue in the next. Any free page now: the model does not hold back pages_min
 *  from a task that has just reclaimed. A deviation: 2.4.16 (its local page taken or freed
 *  back in AP_RECLAIMED) takes a page only above pages_min + 1; 2.4.0's order-0 __GFP_IO
 *  allocation loops back to try_again (above pages_min, free + inactive_clean) and never
 *  reaches its "final phase", which is for PF_MEMALLOC, atomic and higher-order allocations.
 *  On the hunt's machine pages_min is a frame or two of 6: keeping them back livelocks the
 *  user tasks. */
function reclaimed_test(): i32 {
  const free = gget(G_NR_FREE);
  if (free > 0) return next(AP_RECLAIMED_RMQUEUE);
  const freed = l(AP_FREED);
  // The stand-in for a kill: nothing freed, no swap left, this task fails (it is the one
  // out_of_memory chose). Under oom-kill on a run whose clock reaches out_of_memory's second
  // (CFG_OOM_CLOCK: bulk runs) 2.4.16's own loop runs instead, "goto rebalance" until a page
  // is free (the OOM killer's victim frees them): only PF_MEMDIE tasks fail (rebalance).
  if (freed <= 0 && gget(G_NR_SWAP_PAGES) <= 0 && !oom_clock()) return oom_stand_in();
  return reclaim_yield(free, freed);
}

/** The stand-in for out_of_memory's choice where the model's clock never reaches its second
 *  (hunts): this task is the one chosen; it takes what is free or fails. */
function oom_stand_in(): i32 {
  trace(EV_ALLOC_OOM, l(AP_ROUNDS), 0, 0);
  return take_any();
}

/** "Yield for kswapd, and try again": a scheduling point before the next round. */
function reclaim_yield(free: i32, freed: i32): i32 {
  trace(EV_ALLOC_YIELD, free, freed, l(AP_ROUNDS));
  sched_yield(cur);
  return next(AP_REBALANCE);
}

/** 2.4.0 after kswapd_done with nothing free (or the list emptied under a passed test). */
function kswapd_done_empty(): i32 {
  // Where the OOM killer acts (oom_clock: kswapd's try_to_free_pages kills), wait on,
  // unless this task is its victim: PF_MEMDIE takes what is free or fails (rebalance).
  if (oom_killed(cur)) return take_any();
  if (gget(G_NR_SWAP_PAGES) <= 0 && !oom_clock()) return oom_stand_in();
  return wait_kswapd();
}

/** The address kswapd_done's sleepers wait on: kswapd's wake word (nothing else sleeps there). */
@inline function kswapd_done_addr(): i32 { return gaddr(G_KSWAPD_WAKE); }

/** mm/page_alloc.c __alloc_pages (2.4.0), GFP_HIGHUSER short of pages: wakeup_kswapd(1), i.e.
 *  wake kswapd and sleep uninterruptibly on kswapd_done (the BKL let go while asleep), then
 *  AP_KSWAPD_DONE. 2.4.0 never calls try_to_free_pages for such an allocation. */
function wait_kswapd(): i32 {
  set_l(AP_ROUNDS, l(AP_ROUNDS) + 1);
  trace(EV_ALLOC_WAIT_KSWAPD, gget(G_NR_FREE), l(AP_ROUNDS), 0);
  wakeup_kswapd();
  next(AP_KSWAPD_DONE);
  sleep_on(kswapd_done_addr());
  return YIELD;
}

/** mm/vmscan.c kswapd (2.4.0): wake_up_all(&kswapd_done) at the end of each turn of its loop.
 *  Nobody waits there unless F_ALLOC_WAIT_KSWAPD. */
export function kswapd_done(): void {
  wake_waiters(kswapd_done_addr());
}

/** rebalance: PF_MEMALLOC (kswapd, or reclaim allocating) takes any free page or fails;
 *  everyone else reclaims. */
function rebalance(): i32 {
  // 2.4.16 "if (current->flags & (PF_MEMALLOC | PF_MEMDIE))": reclaim's own allocation, or a
  // task the OOM killer chose (oom_kill.ts), takes what is free and never reclaims.
  if (cur == KSWAPD || ag_get(cur, AG_PF_MEMALLOC) != 0 || oom_killed(cur)) return take_any();
  // 2.4.0 leaves reclaim to kswapd (a machine without one reclaims here, as later releases).
  if (has(F_ALLOC_WAIT_KSWAPD) && KSWAPD >= 0) return wait_kswapd();
  // Direct reclaim may schedule(): a BKL holder (2.4.0/2.4.10-pre swap-in) lets it go here.
  schedule_point();
  set_l(AP_ROUNDS, l(AP_ROUNDS) + 1);
  stat(S_DIRECT_RECLAIM);
  trace(EV_ALLOC_RECLAIM, gget(G_NR_FREE), l(AP_ROUNDS), 0);
  ag_set(cur, AG_PF_MEMALLOC, 1);
  return call(P_TRY_TO_FREE_PAGES, AP_RECLAIMED, 0, 0, 0, 0);
}

function take_any(): i32 {
  const f = rmqueue();
  if (f != 0) return got(f);
  stat(S_ALLOC_FAIL);
  trace(EV_ALLOC_FAIL, 0, 0, 0);
  oom_with_swap_left_check();
  return ret(0);
}

/** oom-misreport's allocation form (an oracle, not kernel code): a user allocation fails only
 *  for the task out_of_memory chose, and 2.4.16's out_of_memory chooses nobody while swap is
 *  left (mm/oom_kill.c: "Enough swap space left?  Not OOM.", nr_swap_pages > 0). Every
 *  alloc_page of the model is a user one (faults, swapoff's reads: reclaim allocates nothing),
 *  so a failure with free swap slots is a fault that will report OOM while memory could still
 *  be had. kswapd, which never allocates, is left out as PF_MEMALLOC's own, and so is a task
 *  the OOM killer chose (PF_MEMDIE, oom_kill.ts). */
function oom_with_swap_left_check(): void {
  const swap = gget(G_NR_SWAP_PAGES);
  // A task the OOM killer chose (oom-kill: PF_MEMDIE) may fail whatever swap is left: it takes
  // what is free or nothing, and is on its way out.
  if (cur != KSWAPD && swap > 0 && !oom_killed(cur)) bug(V_OOM_MISREPORT, -1, swap, cur);
  // Where 2.4.16's OOM killer acts (oom_clock), no other user allocation fails: a model bug.
  if (cur != KSWAPD && oom_clock() && !oom_killed(cur)) bug(V_BUG_ON, BUG_OOM_UNCHOSEN_FAILS, swap, cur);
}

/** 2.4.16's out_of_memory can act in this run (oom-kill, and a run long enough: CFG_OOM_CLOCK). */
function oom_clock(): bool { return has2(F2_OOM_KILL) && cfg(CFG_OOM_CLOCK) != 0; }

function got(f: i32): i32 {
  trace(EV_ALLOC, f, gget(G_NR_FREE), 0);
  return ret(f);
}
