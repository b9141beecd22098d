// Locks of the 2.4 kernel as the simulated machine sees them.
// - spinlocks (PTL, PCL, SLL, SDL, LRU): a CPU that cannot take one spins, i.e. is not
//   runnable until the holder releases it; taking one is always the first action of a section.
// - the BKL: held per task, recursive, dropped while its holder sleeps and retaken on
//   wake-up (the run loop retakes it before the woken section runs).
// - the page lock (PG_locked) and mmap_sem: sleeping locks.
// - tasklist_lock (2.4.0's try_to_unuse, read; 2.4.0's fork, write): a spinning rwlock.
// Lock words hold owner agent + 1 (0 = free; tasklist_lock: minus its readers while read).
// Every lock also has a class for the lock-order check (kernel-notes invariant 8):
// tasklist_lock, then mmlist_lock, outermost, then PTL, then SLL → SDL → PCL and LRU → PCL
// (2.4.10-pre9: LRU → PCL → SLL → SDL; 2.4.0: PCL → LRU → SLL → SDL; see lk_rank). mmlist_lock nests outside the PTL
// because 2.4.16's and pre9's try_to_unuse hold it across their walk of the mmlist, where each
// unuse_process takes an mm's page_table_lock (and swap_free SLL + SDL) inside it; swap_out,
// dup_mmap and mmput take it alone, to pick, list or unlist an mm. 2.4.0's try_to_unuse holds
// tasklist_lock for reading across its for_each_task walk the same way; nothing takes the two
// list locks together (their relative rank is a choice, not a kernel nesting).
import { ld, st, ctz32 } from "./platform";
import {
  ag_get, ag_set, gget, gset, gadd, gaddr, AG_STATE, AG_WAIT, AG_BKL_DEPTH, AG_BKL_SAVED,
  G_RUNNABLE, G_WAITERS, G_BKL, ST_RUNNABLE, ST_SPIN, ST_SLEEP, PG_LOCKED, PG_LAUNDER, page_flags,
  set_page_flags, page_lock_addr, G_LRU_PENDING,
} from "./state";
import { lru_release_pending } from "../mm/page_alloc";
import { cur, blocking_here, after_spin_check, note_spin_in_section, AFTER_SPIN_LOCK } from "./frame";
import { bug, V_LOCK_ORDER, V_BUG_ON, BUG_UNLOCK_PAGE, BUG_UNLOCK_KERNEL } from "./check";

// V_LOCK_ORDER's details beside the lock class (a) and the held classes (b):
export const LO_SELF: i32 = -1;       // b: the class was taken again by its holder (self-deadlock)
export const LO_SLEEP_SPIN: i32 = -2; // a: went to sleep holding a spinlock
export const LO_ALLOC_SPIN: i32 = -3; // a: may sleep (page allocation or a sleeping lock) holding a spinlock
import { has, has2, F_FREE_UNDER_PCL, F2_PCL_LRU } from "../model";
import {
  trace, EV_SPIN, EV_SLEEP_PAGE, EV_SLEEP_BKL, EV_LOCK_KERNEL, EV_UNLOCK_KERNEL, EV_BKL_DROPPED,
  EV_BKL_RETAKEN,
} from "./trace";

// Lock classes, in the order they may be nested (outer first).
export const LK_PTL: i32 = 0;
export const LK_LRU: i32 = 1;
export const LK_SLL: i32 = 2;
export const LK_SDL: i32 = 3;
export const LK_PCL: i32 = 4;
export const LK_MMLIST: i32 = 5; // mmlist_lock: numbered after the older classes, ranked before them (lk_rank)
export const LK_TASKLIST: i32 = 6; // tasklist_lock (rwlock): ranked first of all

export const AG_HELD: i32 = 12;       // agent word: bitmask of lock classes held
export const AG_SPINS_HELD: i32 = 13; // agent word: spinlocks held (PTL may be held twice by fork)

// ---- agent state and the runnable set ----------------------------------------------
// The agents spinning or asleep, a bit each (G_WAITERS): a wake-up looks at these only, not
// at every agent, so an unlock costs the same on 1 CPU and on 8. It is a global word, not a
// Wasm global, so that a copy of linear memory is the whole machine (the exhaustive search
// restores states that way); machine_boot clears it with the globals (waiters_reset).
export function waiters_reset(): void { gset(G_WAITERS, 0); }

export function set_state(agent: i32, state: i32): void {
  const was = ag_get(agent, AG_STATE);
  if (was == state) return;
  const bit = 1 << agent;
  if (was == ST_SPIN || was == ST_SLEEP) gset(G_WAITERS, gget(G_WAITERS) & ~bit);
  if (state == ST_SPIN || state == ST_SLEEP) gset(G_WAITERS, gget(G_WAITERS) | bit);
  ag_set(agent, AG_STATE, state);
  const mask = gget(G_RUNNABLE);
  gset(G_RUNNABLE, state == ST_RUNNABLE ? (mask | bit) : (mask & ~bit));
}

/** Makes runnable every agent spinning or asleep on the lock word at addr. Inlined: most
 *  unlocks find no agent waiting at all. */
@inline export function wake_waiters(addr: i32): void {
  if (gget(G_WAITERS) != 0) wake_waiters_on(addr);
}

/** Wakes the waiters on addr in agent order (waking one changes no other's state). */
function wake_waiters_on(addr: i32): void {
  let m = gget(G_WAITERS);
  while (m != 0) {
    const a = ctz32(m);
    m &= m - 1;
    if (ag_get(a, AG_WAIT) == addr) {
      ag_set(a, AG_WAIT, 0);
      set_state(a, ST_RUNNABLE);
    }
  }
}

function block_on(addr: i32, state: i32): void {
  ag_set(cur, AG_WAIT, addr);
  set_state(cur, state);
}

/** The running agent spins on the lock word at addr once its section ends: the section goes on
 *  to its end (it is not re-run, unlike a BLOCK), no call or return merges into the step after
 *  it (machine.ts run_merged), and the agent's next section waits for the holder's unlock. For a
 *  spin inside a plain function that cannot end its caller's section: put_page's lru_cache_del
 *  (page_alloc.ts). What the section does after it may not take or drop a lock or release a
 *  page (traced build: frame.ts after_spin_check). No model procedure that ends an op calls
 *  put_page in its own sections (the frees are in their callees, whose return run_merged
 *  holds back), so no op ends in such a section. */
export function spin_after_section(addr: i32): void {
  block_on(addr, ST_SPIN);
  note_spin_in_section();
}

/** The running agent began a spin in this section (spin_after_section): its caller's
 *  section goes on, and what it does next waits for the spin's end (vmscan.ts SC_RESCHED). */
export function spinning_after_section(): bool {
  return ag_get(cur, AG_STATE) == ST_SPIN;
}

// ---- spinlocks ---------------------------------------------------------------------
/** The nesting rank of a lock class. tasklist_lock and mmlist_lock are outermost (ranks 0 and
 *  1: try_to_unuse's walk takes each mm's PTL inside them), the others follow at their class +
 *  2. 2.4.16 nests SLL -> SDL
 *  -> PCL (remove_exclusive_swap_page, free_swap_and_cache); 2.4.0 and 2.4.10-pre9 nest PCL ->
 *  SLL -> SDL instead, because their __delete_from_swap_cache calls swap_free with
 *  pagecache_lock held (F_FREE_UNDER_PCL; Hugh Dickins' 15 Sep 2001 patch reversed the order
 *  when it put get_swap_page + add_to_swap_cache under swap_list_lock). Under F2_PCL_LRU
 *  (2.4.0, 2.4.10-pre9) pagecache_lock also nests outside pagemap_lru_lock: linux-2.4.0 mm/vmscan.c
 *  reclaim_page takes PCL, then LRU, and calls swap_free (SLL, SDL) holding both; mm/filemap.c
 *  add_to_page_cache_locked calls lru_cache_add, and __find_page_nolock's age_page_up
 *  activate_page, inside PCL. So PTL -> PCL -> LRU -> SLL -> SDL. AG_HELD holds ranks, not
 *  classes. cls is a constant at every call site: this folds away. */
@inline function lk_rank(cls: i32): i32 {
  // Ranks: tasklist 0, mmlist 1, PTL 2, LRU 4 in every order (a constant: no flag test on the
  // LRU lock, taken most often); then 2.4.16: SLL 5, SDL 6, PCL 7; free-under-pcl without
  // pcl-lru (no release): PCL 5, SLL 6, SDL 7; 2.4.0 and pre9 (pcl-lru): PCL 3, SLL 5, SDL 6.
  if (cls == LK_TASKLIST) return 0;
  if (cls == LK_MMLIST) return 1;
  if (cls == LK_PTL) return 2;
  if (cls == LK_LRU) return 4;
  if (cls == LK_PCL) return has2(F2_PCL_LRU) ? 3 : has(F_FREE_UNDER_PCL) ? 5 : 7;
  return has(F_FREE_UNDER_PCL) && !has2(F2_PCL_LRU) ? cls + 4 : cls + 3; // SLL, SDL
}

@inline function note_taken(cls: i32): void {
  after_spin_check(AFTER_SPIN_LOCK);
  const held = ag_get(cur, AG_HELD);
  const rank = lk_rank(cls);
  // Taking a class at or inside one already held breaks the order. PTL twice is fork's
  // parent+child pair (2.4.16 copy_page_range: "spin_lock(&dst->page_table_lock)" inside the
  // parent's): only a lock inside PTL held breaks it. (Until 6 Dec 2026 PTL was not tested
  // at all, an open gap of that day's audit of the invariants.)
  const inside = cls == LK_PTL ? held >> (rank + 1) : held >> rank;
  if (inside != 0) bug(V_LOCK_ORDER, cls, held, 0);
  ag_set(cur, AG_HELD, held | (1 << rank));
  ag_set(cur, AG_SPINS_HELD, ag_get(cur, AG_SPINS_HELD) + 1);
}

@inline function note_released(cls: i32): void {
  after_spin_check(AFTER_SPIN_LOCK);
  const n = ag_get(cur, AG_SPINS_HELD) - 1;
  ag_set(cur, AG_SPINS_HELD, n);
  // PTL may be held twice (fork); clear its bit only when no PTL remains — tracked by the
  // caller releasing both; a cheap approximation: clear the class bit now.
  ag_set(cur, AG_HELD, ag_get(cur, AG_HELD) & ~(1 << lk_rank(cls)));
}

/** spin_lock: true when taken; false when the agent now spins (return BLOCK). The free
 *  lock is inlined at every call site (a section takes one in most steps); a held one is
 *  spin_contended's. */
@inline export function spin_lock(addr: i32, cls: i32): bool {
  if (ld(addr) == 0) {
    st(addr, cur + 1);
    note_taken(cls);
    return true;
  }
  return spin_contended(addr, cls);
}

function spin_contended(addr: i32, cls: i32): bool {
  after_spin_check(AFTER_SPIN_LOCK);
  blocking_here();
  const owner = ld(addr);
  if (owner == cur + 1) bug(V_LOCK_ORDER, cls, LO_SELF, 0); // self-deadlock: recursive spinlock
  // The holder's agent, or minus the readers of a read-held tasklist_lock.
  trace(EV_SPIN, cls, owner > 0 ? owner - 1 : owner, 0);
  block_on(addr, ST_SPIN);
  return false;
}

export function spin_trylock(addr: i32, cls: i32): bool {
  if (ld(addr) != 0) return false;
  st(addr, cur + 1);
  note_taken(cls);
  return true;
}

@inline export function spin_unlock(addr: i32, cls: i32): void {
  st(addr, 0);
  note_released(cls);
  wake_waiters(addr);
  // Pages whose last reference went while another agent held the LRU lock leave the list now
  // (page_alloc.ts put_page). cls is a constant at every call site: this folds away elsewhere.
  if (cls == LK_LRU && gget(G_LRU_PENDING) != 0) lru_release_pending();
}

// ---- tasklist_lock: a spinning reader-writer lock ----------------------------------------
// The word is minus the number of readers while read-held, owner + 1 while write-held. A reader
// spins while a writer holds it, a writer while anyone does (2.4's i386 rwlock: readers are not
// held back by a waiting writer, as here).

/** read_lock: true when taken; false when the agent now spins (return BLOCK). */
export function read_lock(addr: i32, cls: i32): bool {
  const w = ld(addr);
  if (w <= 0) {
    st(addr, w - 1);
    note_taken(cls);
    return true;
  }
  return spin_contended(addr, cls);
}

export function read_unlock(addr: i32, cls: i32): void {
  const w = ld(addr) + 1;
  st(addr, w);
  note_released(cls);
  if (w == 0) wake_waiters(addr);
}

/** write_lock: a write-held word is a held spinlock's (owner + 1), and a writer spins while
 *  anyone holds it, readers included: spin_lock and spin_unlock are that already. */
@inline export function write_lock(addr: i32, cls: i32): bool { return spin_lock(addr, cls); }

@inline export function write_unlock(addr: i32, cls: i32): void { spin_unlock(addr, cls); }

// ---- sleeping ----------------------------------------------------------------------
/** Puts the running agent to sleep on addr; a sleeper drops the BKL until it wakes. */
export function sleep_on(addr: i32): void {
  after_spin_check(AFTER_SPIN_LOCK);
  blocking_here();
  if (ag_get(cur, AG_SPINS_HELD) != 0) bug(V_LOCK_ORDER, LO_SLEEP_SPIN, ag_get(cur, AG_HELD), addr);
  const depth = ag_get(cur, AG_BKL_DEPTH);
  if (depth > 0) {
    ag_set(cur, AG_BKL_SAVED, depth);
    ag_set(cur, AG_BKL_DEPTH, 0);
    gset(G_BKL, 0);
    trace(EV_BKL_DROPPED, depth, 0, 0);
    wake_waiters(gaddr(G_BKL));
  }
  block_on(addr, ST_SLEEP);
}

/** lock_page: true when taken; false when asleep until the page is unlocked (return BLOCK). */
export function lock_page(f: i32): bool {
  after_spin_check(AFTER_SPIN_LOCK);
  might_sleep(); // a sleeping lock, whether or not this call sleeps
  const fl = page_flags(f);
  if ((fl & PG_LOCKED) == 0) { set_page_flags(f, fl | PG_LOCKED); return true; }
  trace(EV_SLEEP_PAGE, f, 0, 0);
  sleep_on(page_lock_addr(f));
  return false;
}

/** TryLockPage succeeded (the kernel macro returns the old bit; this returns success). */
export function trylock_page(f: i32): bool {
  after_spin_check(AFTER_SPIN_LOCK);
  const fl = page_flags(f);
  if ((fl & PG_LOCKED) != 0) return false;
  set_page_flags(f, fl | PG_LOCKED);
  return true;
}

/** UnlockPage. 2.4.16's (mm/filemap.c unlock_page) also clears PG_launder, so only a write
 *  still in flight makes shrink_cache wait; the older releases have no PG_launder. */
export function unlock_page(f: i32): void {
  after_spin_check(AFTER_SPIN_LOCK);
  const flags = page_flags(f);
  // "if (!test_and_clear_bit(PG_locked, &(page)->flags)) BUG();" (2.4.0 UnlockPage, 2.4.16
  // unlock_page): no model path unlocks a page it does not hold; this says so if one does.
  if ((flags & PG_LOCKED) == 0) bug(V_BUG_ON, BUG_UNLOCK_PAGE, f, flags);
  set_page_flags(f, flags & ~(PG_LOCKED | PG_LAUNDER));
  wake_waiters(page_lock_addr(f));
}

/** wait_on_page: true when the page is unlocked; false when asleep until it is. */
export function wait_on_page(f: i32): bool {
  might_sleep();
  if ((page_flags(f) & PG_LOCKED) == 0) return true;
  trace(EV_SLEEP_PAGE, f, 0, 0);
  sleep_on(page_lock_addr(f));
  return false;
}

/** down() on a sleeping lock word (mmap_sem). */
export function down(addr: i32): bool {
  after_spin_check(AFTER_SPIN_LOCK);
  might_sleep();
  if (ld(addr) == 0) { st(addr, cur + 1); return true; }
  sleep_on(addr);
  return false;
}
export function up(addr: i32): void {
  after_spin_check(AFTER_SPIN_LOCK);
  st(addr, 0);
  wake_waiters(addr);
}

// ---- mmap_sem as the rw_semaphore of 2.4.3+ ------------------------------------------------
// The lock word is owner + 1 while held for writing (down/up above) and minus the number
// of readers while held for reading. A reader that finds a writer, and a writer that finds
// readers, sleeps in down() until the word drops to 0 and wakes it.

/** down_read: true when taken; false when asleep behind a writer (return BLOCK). The kernel's
 *  rwsem (2.4.16 include/asm-i386/rwsem.h) also queues a reader behind a writer that waits,
 *  and hands the lock to the head waiter; this one lets the reader pass. The states reachable
 *  are the same (a sleeping attempt changes nothing: docs/faithfulness.md, handle_mm_fault). */
export function down_read(addr: i32): bool {
  after_spin_check(AFTER_SPIN_LOCK);
  might_sleep();
  const w = ld(addr);
  if (w <= 0) { st(addr, w - 1); return true; }
  return down(addr);
}

export function up_read(addr: i32): void {
  after_spin_check(AFTER_SPIN_LOCK);
  const w = ld(addr) + 1;
  st(addr, w);
  if (w == 0) wake_waiters(addr);
}

/** A point where the task may schedule() (alloc_page, try_to_free_pages, and every sleeping
 *  lock: lock_page, wait_on_page, down, down_read): not blocking here, but the
 *  spinlock-across-sleep rule applies, whether or not this call sleeps (a path that sleeps
 *  under a spinlock only when the lock is contended is the kernel's bug all the same). */
export function might_sleep(): void {
  if (ag_get(cur, AG_SPINS_HELD) != 0) bug(V_LOCK_ORDER, LO_ALLOC_SPIN, ag_get(cur, AG_HELD), 0);
}

// ---- the big kernel lock ---------------------------------------------------------------
/** lock_kernel: true when held (recursively); false when spinning for it (return BLOCK). */
export function lock_kernel(): bool {
  after_spin_check(AFTER_SPIN_LOCK);
  const owner = gget(G_BKL);
  if (owner == cur + 1) { ag_set(cur, AG_BKL_DEPTH, ag_get(cur, AG_BKL_DEPTH) + 1); return true; }
  if (owner == 0) { gset(G_BKL, cur + 1); ag_set(cur, AG_BKL_DEPTH, 1); trace(EV_LOCK_KERNEL, 1, 0, 0); return true; }
  blocking_here();
  trace(EV_SLEEP_BKL, owner - 1, 0, 0);
  block_on(gaddr(G_BKL), ST_SPIN);
  return false;
}

export function unlock_kernel(): void {
  after_spin_check(AFTER_SPIN_LOCK);
  // include/asm-i386/smplock.h: "if (current->lock_depth < 0) BUG();" (the model's depth is
  // the kernel's lock_depth + 1: 0 when the BKL is not held).
  if (ag_get(cur, AG_BKL_DEPTH) <= 0) { bug(V_BUG_ON, BUG_UNLOCK_KERNEL, cur, ag_get(cur, AG_BKL_DEPTH)); return; }
  const depth = ag_get(cur, AG_BKL_DEPTH) - 1;
  ag_set(cur, AG_BKL_DEPTH, depth);
  if (depth == 0) { gset(G_BKL, 0); trace(EV_UNLOCK_KERNEL, 0, 0, 0); wake_waiters(gaddr(G_BKL)); }
}

/** schedule() at a voluntary point (direct reclaim): 2.4's schedule() releases the BKL of
 *  the task leaving the CPU and retakes it when the task runs again, so another task may
 *  take the BKL in between. The run loop retakes it before this agent's next section. */
export function schedule_point(): void {
  const depth = ag_get(cur, AG_BKL_DEPTH);
  if (depth == 0) return;
  after_spin_check(AFTER_SPIN_LOCK);
  ag_set(cur, AG_BKL_SAVED, depth);
  ag_set(cur, AG_BKL_DEPTH, 0);
  gset(G_BKL, 0);
  trace(EV_BKL_DROPPED, depth, 0, 0);
  wake_waiters(gaddr(G_BKL));
}

/** Run loop hook: a task woken with the BKL saved retakes it first; false = spin for it. */
export function reacquire_kernel_lock(agent: i32): bool {
  const saved = ag_get(agent, AG_BKL_SAVED);
  if (saved == 0) return true;
  const owner = gget(G_BKL);
  if (owner != 0 && owner != agent + 1) {
    ag_set(agent, AG_WAIT, gaddr(G_BKL));
    set_state(agent, ST_SPIN);
    return false;
  }
  gset(G_BKL, agent + 1);
  ag_set(agent, AG_BKL_DEPTH, saved);
  ag_set(agent, AG_BKL_SAVED, 0);
  trace(EV_BKL_RETAKEN, saved, 0, 0);
  return true;
}
