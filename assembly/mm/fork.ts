// kernel/fork.c (dup_mmap) and mm/memory.c's copy_page_range. A fork in the model replaces
// whatever process ran in the child's mm slot: that one exits first (its ptes are zapped),
// then the parent's ptes are copied: swap ptes take a swap_map reference, present pages a
// page reference, and writable ones become copy-on-write in both mms.
import {
  nMm, nPages, mm_get, mm_set, mm_addr, MM_PTL, MM_RSS, MM_SEM, MM_SWAP_CURSOR, MM_SWAP_CNT, MM_NO_TASK, pte_get, pte_set,
  pte_frame, pte_is_swap, pte_present, pte_to_swp_entry, swp_entry_to_pte, swp_entry, swp_type, swp_offset,
  shadow_get, shadow_set, get_page, ZERO_PAGE, PTE_RW, PTE_YOUNG, stat, S_FORKS, gaddr, G_MMLIST_LOCK, G_TASKLIST_LOCK,
  gget, gset, G_SWAP_MM, mmlist_add, mmlist_del, mmlist_next, mm_listed, MM_USERS, MM_TEARDOWN, MM_VMA_HIDDEN,
  MM_BIRTH, G_TASK_SEQ,
} from "../kernel/state";
import { l, set_l, next, call, ret, ret_val, BLOCK, bad_pc } from "../kernel/frame";
import {
  spin_lock, spin_unlock, write_lock, write_unlock, down, up, sleep_on, wake_waiters, LK_PTL, LK_MMLIST, LK_TASKLIST,
} from "../kernel/locks";
import { trace } from "../kernel/trace";
import { oom_process_gone } from "./oom_kill";
import { bug, V_BUG_ON } from "../kernel/check";
import { P_ZAP_PAGE_RANGE, P_COPY_PAGE_RANGE, P_SWAP_DUPLICATE } from "../kernel/procs";
import { vpage } from "../kernel/trace";
import { has, has2, F_FORK_NOLOCK, F_FORK_LIST_LATE, F_UNUSE_CLEAR_UNDEAD, F2_RSS_UNLOCKED, F2_OOM_KILL } from "../model";

// Trace events (600-649). Wording: src/report/events/memory.ts.
export const EV_FORK: i32 = 600;          // (parent, child, 0)
export const EV_COPY_SWAP: i32 = 601;     // (entry, child vp, swap_duplicate result)
export const EV_COPY_DONE: i32 = 602;     // (dst, src, ptes copied)
export const EV_COPY_COW: i32 = 603;      // (page, parent vp, 0): write-protected in both
export const EV_COPY_EMPTY: i32 = 604;    // (child vp, parent vp, 0): 2.4.0: copied a none pte whose data the parent still has
export const EV_COPY_REREAD: i32 = 605;   // (child vp, page of the first read, pte reread): 2.4.0: the parent's pte changed under the copy
export const EV_COPY_WRPROTECT_SWAP: i32 = 606; // (parent vp, entry before, entry after): 2.4.0: ptep_set_wrprotect hit a swap pte
export const EV_MMPUT_PINNED: i32 = 607;  // (mm, mm_users left, 0): a process's mmput that is not the last: the pins' holders tear the mm down
export const EV_EXIT_MMAP: i32 = 608;     // (mm, 0, 0): the last mmput, a pin's: exit_mmap runs in this agent
export const EV_EXIT_MM: i32 = 610;       // (mm, 0, 0): a process's exit_mm and last mmput (do_exit, or a fork replacing the slot's process): exit_mmap follows
export const EV_COPY_PAGE: i32 = 611;     // (page, child vp, parent vp): the child's pte maps the parent's present page (a reference taken)
export const EV_SLOT_WAIT: i32 = 609;     // (mm, mm_users, 0): the slot's next process waits for the old mm's last mmput

export const BUG_MMLIST: i32 = 600; // (mm, parent): model bug: mmput of an mm off the mmlist, or a fork's list_add of a listed child or after an unlisted parent
export const BUG_MMPUT: i32 = 601;  // (mm, mm_users): model bug: mmput of an mm with no user left

/** Ptes one section of copy_page_range copies at most (both PTLs stay held across chunks). */
const COPY_CHUNK: i32 = 64;

/** do_fork(parent, child). Both mms' mmap_sem are taken for writing, lower mm first: the
 *  parent's as dup_mmap does, the child's because the model reuses its slot and threads of
 *  its old process must not fault into the new page tables (the kernel copies into fresh
 *  ones nobody else can see). */
// Locals: the arguments. Sections: the lower mm's mmap_sem, the higher one's, the old
// process's mmput (mmlist_lock for its list_del before its exit_mmap, unless a pin keeps the
// mm), then back from zap_page_range (mmlist_lock for the child's list_add, 2.4.16 and pre9),
// then back from copy_page_range (mmlist_lock for 2.4.0's list_add), then 2.4.0's
// tasklist_lock (write) for the child task; and the wait for a pinned old mm's last mmput.
const DF_PARENT: i32 = 0;
const DF_CHILD: i32 = 1;
const DF_LOWER_SEM: i32 = 0;
const DF_HIGHER_SEM: i32 = 1;
const DF_ZAPPED: i32 = 2;
const DF_COPIED: i32 = 3;
const DF_UNLIST: i32 = 4;
const DF_TASKLIST: i32 = 5;
const DF_SLOT_WAIT: i32 = 6;
export function do_fork(pc: i32): i32 {
  const parent = l(DF_PARENT), child = l(DF_CHILD);
  switch (pc) {
    case DF_LOWER_SEM:
      if (child == parent || child < 0 || child >= nMm) return ret(0);
      if (!down(mm_addr(child < parent ? child : parent, MM_SEM))) return BLOCK;
      return next(DF_HIGHER_SEM);
    case DF_HIGHER_SEM:
      if (!down(mm_addr(child < parent ? parent : child, MM_SEM))) return BLOCK;
      trace(EV_FORK, parent, child, 0);
      return next(DF_UNLIST);
    case DF_UNLIST:
      // Whatever ran in the child's slot exits: kernel/fork.c mmput. The old process's exit_mm
      // cleared its task's mm before this mmput: 2.4.0's for_each_task no longer reaches it
      // (MM_NO_TASK; under F_FORK_LIST_LATE the child task joins the task list only at the
      // end of do_fork, so its mm stays out of that walk during the copy too). A pinned mm
      // (swap_out, try_to_unuse) keeps its ptes and its place on the mmlist: the pin's mmput
      // runs exit_mmap, and the child waits for the slot (DF_SLOT_WAIT).
      if (mmput_task_pinned(child)) {
        oom_process_gone(child); // the process is gone: a kill the OOM killer sent it is done with
        return next(DF_SLOT_WAIT);
      }
      // The last put: atomic_dec_and_lock takes mmlist_lock to list_del the mm.
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      trace(EV_EXIT_MM, child, 0, 0);
      oom_process_gone(child); // after the lock: a section changes nothing before it may BLOCK
      mmput_last(child);
      if (has(F_FORK_LIST_LATE)) mm_set(child, MM_NO_TASK, 1);
      spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
      // The old process's exit_mmap (mm_users 0): exiting, for zap_gathers.
      return call(P_ZAP_PAGE_RANGE, DF_ZAPPED, child, 0, nPages, 1);
    case DF_SLOT_WAIT:
      // The child is a new mm_struct in the kernel; the model's is the slot, free once the old
      // mm's last mmput has run its exit_mmap (docs/faithfulness.md do_fork: a deviation).
      if (!slot_free(child)) return BLOCK;
      // That exit_mmap detached the old vma list; the child's is dup_mmap's, and nobody can
      // reach the slot (off the mmlist, no pin) until the child is listed.
      mm_set(child, MM_VMA_HIDDEN, 0);
      if (!has(F_FORK_LIST_LATE)) mm_set(child, MM_NO_TASK, 0);
      return next(DF_ZAPPED);
    case DF_ZAPPED:
      // 2.4.16 and pre9 kernel/fork.c dup_mmap: "spin_lock(&mmlist_lock); list_add(&mm->mmlist,
      // &current->mm->mmlist); mmlist_nr++; spin_unlock(&mmlist_lock);" before any pte is
      // copied, so that swapoff sees the child's swap entries: right after the parent. The
      // child's mm_users is its own 1 (mm_alloc's mm_init).
      if (!has(F_FORK_LIST_LATE)) {
        if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
        mm_set(child, MM_USERS, 1);
        // dup_mmap's "mm->swap_address = 0;" comes before the list_add: swap_out may pick the
        // child from here on, and a walk's cursor then stays (the copy does not reset it).
        // The child is unreachable until the list_add, so setting it here is the same.
        fork_reset_swap_cursor(child);
        mmlist_add_child(child, parent);
        spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
      } else mm_set(child, MM_USERS, 1);
      task_born(child);
      return call(P_COPY_PAGE_RANGE, DF_COPIED, child, parent, 0, 0);
    case DF_COPIED:
      // 2.4.0 kernel/fork.c copy_mm, after dup_mmap: "spin_lock(&mmlist_lock);
      // list_add(&mm->mmlist, &oldmm->mmlist); spin_unlock(&mmlist_lock);" (after the parent).
      if (has(F_FORK_LIST_LATE)) {
        if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
        mmlist_add_child(child, parent);
        spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
        return next(DF_TASKLIST);
      }
      return fork_done();
    case DF_TASKLIST:
      // 2.4.0 do_fork: "write_lock_irq(&tasklist_lock); ... SET_LINKS(p); hash_pid(p);
      // nr_threads++; write_unlock_irq(&tasklist_lock);": the child task is listed, and
      // try_to_unuse's for_each_task (under read_lock) sees its mm from now on.
      if (!write_lock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST)) return BLOCK;
      mm_set(child, MM_NO_TASK, 0);
      write_unlock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST);
      return fork_done();
  }
  return bad_pc();
}

/** A process is created in slot mm (do_exit's new process, do_fork's child): the slot's
 *  generation, MM_BIRTH, becomes the next of G_TASK_SEQ. In the kernel the new process's
 *  mm_struct is another object than the old one's; the model's is the slot, so a reader that
 *  found the old process's mm in one section and uses it in a later one tells the two apart by
 *  it. Its readers: the OOM killer (oom-kill: the new task joins the task list's tail, after
 *  every process alive, and select_bad_process's victim must still be the same process), and
 *  2.4.0's swapoff walker (unuse-clear-undead: swapfile.ts unuse_240_next_mm). Kept only where
 *  one of them runs, so that other models' states are as before. */
export function task_born(mm: i32): void {
  if (!has2(F2_OOM_KILL) && !has(F_UNUSE_CLEAR_UNDEAD)) return;
  const seq = gget(G_TASK_SEQ) + 1;
  gset(G_TASK_SEQ, seq);
  mm_set(mm, MM_BIRTH, seq);
}

// ---- mm_users: the pins, mmput (kernel/fork.c), exit_mmap (mm/mmap.c) ----------------------
// MM_USERS is mm->mm_users: the slot's process holds 1, each pin 1 more. swap_out pins the mm
// it picks and puts it after swap_out_mm (2.4.0 and 2.4.16 mm/vmscan.c swap_out: "atomic_inc(
// &mm->mm_users)" under mmlist_lock, "mmput(mm)" after), 2.4.16's try_to_unuse pins start_mm
// and new_start_mm (pre9's last_mm). Only the last put (atomic_dec_and_lock to 0, under
// mmlist_lock) unlists the mm and runs exit_mmap: a process whose mm is pinned when it exits
// leaves its ptes to the pin's holder, whose mmput zaps them in its own context (P_MMPUT). The
// model's mm is its slot, so the slot's next process (do_exit's fresh mm, do_fork's child)
// waits until that teardown is over (MM_TEARDOWN, slot_free). init_mm (nMm) never goes: its
// pins are not counted.

/** atomic_inc(&mm->mm_users), mmlist_lock held (the mm is listed, so it has a user). */
export function mm_pin(mm: i32): void {
  if (mm != nMm) mm_set(mm, MM_USERS, mm_get(mm, MM_USERS) + 1);
}

/** atomic_dec_and_lock's fast path (2.4.16 lib/dec_and_lock.c, i386: a cmpxchg loop that
 *  takes no lock while the count stays above 0): true when the put was not the last. false:
 *  the count is 1 and nothing was changed; the last put takes mmlist_lock (mmput_last). An
 *  atomic operation: it shares its section with a caller's neighbouring steps. */
export function mmput_fast(mm: i32): bool {
  if (mm == nMm) return true;
  const users = mm_get(mm, MM_USERS);
  if (users <= 1) return false;
  mm_set(mm, MM_USERS, users - 1);
  return true;
}

/** atomic_dec_and_lock's slow path, mmlist_lock held, after mmput_fast found the count at 1
 *  in the same section: atomic_dec_and_test reaches 0 (pins are taken under this lock, so none
 *  came in between), and kernel/fork.c mmput unlists the mm (mmput_unlist). */
export function mmput_last(mm: i32): void {
  const users = mm_get(mm, MM_USERS);
  if (users != 1) { bug(V_BUG_ON, BUG_MMPUT, mm, users); return; }
  mm_set(mm, MM_USERS, 0);
  mmput_unlist(mm);
}

/** mm/mmap.c exit_mmap (2.4.0, 2.4.16): "mm->mmap = mm->mmap_avl = mm->mmap_cache = NULL"
 *  under the PTL before the zaps: from here unuse_process and swap_out_mm find no vma of the
 *  mm. false: spinning on the PTL (return BLOCK; nothing changed). */
export function exit_mmap_detach(mm: i32): bool {
  if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return false;
  mm_set(mm, MM_VMA_HIDDEN, 1);
  spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
  return true;
}

/** exit_mm's mmput (kernel/exit.c __exit_mm; do_exit, and do_fork for the slot's old process)
 *  when it is not the last put (mmput_fast): the task has let go of the mm (tsk->mm = NULL:
 *  MM_NO_TASK, so 2.4.0's for_each_task walk passes over it), which stays listed with its
 *  ptes for the pin's holder to tear down. true: the caller's next process waits for the slot
 *  (slot_free); false: the count is 1, nothing changed, and this put is the last. */
export function mmput_task_pinned(mm: i32): bool {
  if (!mmput_fast(mm)) return false;
  mm_set(mm, MM_NO_TASK, 1);
  trace(EV_MMPUT_PINNED, mm, mm_get(mm, MM_USERS), 0);
  return true;
}

/** exit_mmap after its detach (exit_mmap_detach; do_exit's and a pin's mmput): 2.4.0 clears
 *  rss with no lock in a section of its own before the zaps (F2_RSS_UNLOCKED: the caller's
 *  rssPc, which runs exit_mmap_rss), 2.4.16 goes on to them at once; back at zappedPc. */
export function exit_mmap_zap(mm: i32, rssPc: i32, zappedPc: i32): i32 {
  if (has2(F2_RSS_UNLOCKED)) return next(rssPc);
  return call(P_ZAP_PAGE_RANGE, zappedPc, mm, 0, nPages, 1); // exiting (mm_users 0): zap_gathers
}

/** 2.4.0 mm/mmap.c exit_mmap: "mm->rss = 0;" after the PTL is dropped, before the zaps, no
 *  lock (2.4.16 clears it inside the detach's hold, where the model's zap counts it down
 *  instead); then zap_page_range as exiting, back at zappedPc. */
export function exit_mmap_rss(mm: i32, zappedPc: i32): i32 {
  mm_set(mm, MM_RSS, 0);
  return call(P_ZAP_PAGE_RANGE, zappedPc, mm, 0, nPages, 1);
}

/** Whether the slot is free for its next process: the old mm's last mmput is done (its users
 *  at 0, no exit_mmap running). Else the agent sleeps until that exit_mmap's end wakes it
 *  (return BLOCK), as a task that does not exist yet would not run. */
export function slot_free(mm: i32): bool {
  const users = mm_get(mm, MM_USERS);
  if (users == 0 && mm_get(mm, MM_TEARDOWN) == 0) return true;
  trace(EV_SLOT_WAIT, mm, users, 0);
  sleep_on(mm_addr(mm, MM_TEARDOWN));
  return false;
}

/** mmput(mm) → 1 when this put was the last and ran exit_mmap, else 0: a pin's put (swap_out,
 *  try_to_unuse). 2.4.16 kernel/fork.c mmput: "if (atomic_dec_and_lock(&mm->mm_users,
 *  &mmlist_lock)) { ... list_del(&mm->mmlist); mmlist_nr--; spin_unlock(&mmlist_lock);
 *  exit_mmap(mm); mmdrop(mm); }" (2.4.0's the same without the swap_mm step, kept for every
 *  release with 2.4.16's swap_out policy). exit_mmap here is do_exit's: the detach under the
 *  PTL, 2.4.0's unlocked rss clear (F2_RSS_UNLOCKED), zap_page_range over the mm, each step
 *  the same whoever runs it; then mmdrop frees the mm_struct, and the slot's next process
 *  (asleep in slot_free) may start. */
// Locals: the argument. Sections: the put (the fast path, or mmlist_lock first), the detach
// under the PTL, 2.4.0's rss clear, back from zap_page_range.
const MP_MM: i32 = 0;
const MP_PUT: i32 = 0;
const MP_DETACH: i32 = 1;
const MP_RSS: i32 = 2;
const MP_ZAPPED: i32 = 3;
export function mmput(pc: i32): i32 {
  const mm = l(MP_MM);
  switch (pc) {
    case MP_PUT:
      // The fast path only reads before it decides, so the slow path's lock is still first.
      // A put that waited for the lock re-runs the whole test: a pin taken meanwhile (under
      // that lock) makes it a fast put, the count the kernel's slow path would leave.
      if (mmput_fast(mm)) return ret(0);
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      mmput_last(mm);
      mm_set(mm, MM_TEARDOWN, 1);
      spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
      trace(EV_EXIT_MMAP, mm, 0, 0);
      return next(MP_DETACH);
    case MP_DETACH:
      if (!exit_mmap_detach(mm)) return BLOCK;
      return exit_mmap_zap(mm, MP_RSS, MP_ZAPPED);
    case MP_RSS:
      return exit_mmap_rss(mm, MP_ZAPPED);
    case MP_ZAPPED:
      // mmdrop: the old mm is gone; the slot's next process may take it.
      mm_set(mm, MM_TEARDOWN, 0);
      wake_waiters(mm_addr(mm, MM_TEARDOWN));
      return ret(1);
  }
  return bad_pc();
}

/** kernel/fork.c mmput, mmlist_lock held (atomic_dec_and_lock): 2.4.16's "if (swap_mm == mm)
 *  swap_mm = list_entry(mm->mmlist.next, ...)" (the model's swap_out cursor G_SWAP_MM, kept
 *  for every release: its swap_out policy is 2.4.16's), then list_del(&mm->mmlist). The mm
 *  is off the list through exit_mmap's zap: swap_out and try_to_unuse cannot reach it. */
export function mmput_unlist(mm: i32): void {
  // Reported, and the links of an mm off the list (-1) never followed or written.
  if (!mm_listed(mm)) { bug(V_BUG_ON, BUG_MMLIST, mm, 0); return; }
  if (gget(G_SWAP_MM) == mm) gset(G_SWAP_MM, mmlist_next(mm));
  mmlist_del(mm);
}

/** list_add(&mm->mmlist, &oldmm->mmlist): the child right after its parent. The parent is on
 *  the list: do_fork holds its mmap_sem, which its exit takes before its mmput. */
function mmlist_add_child(child: i32, parent: i32): void {
  if (!mm_listed(parent) || mm_listed(child)) { bug(V_BUG_ON, BUG_MMLIST, child, parent); return; }
  mmlist_add(child, parent);
}

/** dup_mmap's "mm->swap_address = 0;" (2.4.0's "mm->swap_cnt = 0;" too, flag swap-cnt): the
 *  child's swap_out cursor, before the mmlist can reach it. */
function fork_reset_swap_cursor(child: i32): void {
  mm_set(child, MM_SWAP_CURSOR, 0);
  mm_set(child, MM_SWAP_CNT, 0);
}

/** The end of do_fork: both mmap_sems go. */
function fork_done(): i32 {
  up(mm_addr(l(DF_CHILD), MM_SEM));
  up(mm_addr(l(DF_PARENT), MM_SEM));
  stat(S_FORKS);
  return ret(0);
}

/** Whether this copy runs 2.4.0's copy_page_range, which takes no page_table_lock. */
@inline function nolock(): bool { return has(F_FORK_NOLOCK); }

/** dup_mmap's copy of the one vma: copy_page_range(dst, src) → 0. The order is 2.4.16's
 *  (kernel/fork.c dup_mmap, mm/memory.c copy_page_range): dup_mmap has already put the child
 *  on the mmlist ("add it first so that swapoff can see any swap entries": the model's child
 *  slot is always on it), takes the CHILD's page_table_lock around copy_page_range, which
 *  takes the PARENT's per page table (the model's ptes are one table) inside it. So swap_out
 *  and try_to_unuse can pick the child while the copy runs and spin on its PTL until the
 *  copy is done; they never see it half copied. */
// Locals: the arguments; the next pte, the ptes copied, and (2.4.0, no lock) the swap pte and
// its shadow as read before swap_duplicate, or a present pte as first read. Sections: the
// child's PTL, the parent's PTL, back from swap_duplicate, the next chunk, the end (dup_mmap's
// unlock), and 2.4.0's write-protect and reread of a present pte.
const CPR_DST: i32 = 0;
const CPR_SRC: i32 = 1;
const CPR_NEXT: i32 = 6;
const CPR_COPIED: i32 = 7;
const CPR_SWAP_PTE: i32 = 8;
const CPR_FIRST_PTE: i32 = 8; // 2.4.0, a present pte: copy_one_pte's first read (the swap path's slot)
const CPR_SWAP_SHADOW: i32 = 9;
const CPR_CHILD_PTL: i32 = 0;
const CPR_PARENT_PTL: i32 = 1;
const CPR_SWAP_DUPLICATED: i32 = 2;
const CPR_CHUNK: i32 = 3;
const CPR_DONE: i32 = 4;
const CPR_WRPROTECT: i32 = 5;
const CPR_REREAD: i32 = 6;
export function copy_page_range(pc: i32): i32 {
  const dst = l(CPR_DST), src = l(CPR_SRC);
  switch (pc) {
    case CPR_CHILD_PTL:
      // dup_mmap: spin_lock(&mm->page_table_lock) of the child (2.4.16). 2.4.0's dup_mmap
      // and copy_page_range take none (F_FORK_NOLOCK): the parent's ptes are read with
      // only its mmap_sem held, which keeps its faults out but not swap_out or
      // try_to_unuse, which change them under the parent's page_table_lock.
      if (nolock()) {
        set_l(CPR_NEXT, 0);
        set_l(CPR_COPIED, 0);
        return copy_chunk();
      }
      if (!spin_lock(mm_addr(dst, MM_PTL), LK_PTL)) return BLOCK;
      return next(CPR_PARENT_PTL);
    case CPR_PARENT_PTL:
      // copy_page_range: spin_lock(&src->page_table_lock) (pte_alloc of the child's table
      // before it may drop the child's PTL to allocate: the model has no page-table pages).
      if (!spin_lock(mm_addr(src, MM_PTL), LK_PTL)) return BLOCK;
      set_l(CPR_NEXT, 0);
      set_l(CPR_COPIED, 0);
      return copy_chunk();
    case CPR_SWAP_DUPLICATED: {
      // Back from swap_duplicate: the kernel copies the swap pte whatever it returned:
      // the value it read before the call (2.4.0, no lock: the parent's pte may have
      // changed since; under the PTLs it cannot have).
      const i = l(CPR_NEXT);
      const pte = nolock() ? l(CPR_SWAP_PTE) : pte_get(src, i);
      pte_set(dst, i, pte);
      shadow_set(dst, i, nolock() ? l(CPR_SWAP_SHADOW) : shadow_get(src, i));
      trace(EV_COPY_SWAP, pte_to_swp_entry(pte), vpage(dst, i), ret_val());
      set_l(CPR_NEXT, i + 1);
      set_l(CPR_COPIED, l(CPR_COPIED) + 1);
      return copy_chunk();
    }
    case CPR_CHUNK:
      return copy_chunk();
    case CPR_DONE:
      // Back in dup_mmap: the child's PTL goes after the parent's.
      if (!nolock()) spin_unlock(mm_addr(dst, MM_PTL), LK_PTL);
      trace(EV_COPY_DONE, dst, src, l(CPR_COPIED));
      return ret(0);
    case CPR_WRPROTECT:
      return copy_wrprotect_240();
    case CPR_REREAD:
      return copy_reread_240();
  }
  return bad_pc();
}

// 2.4.0 mm/memory.c copy_page_range, copy_one_pte of a present pte, no page_table_lock held:
//   pte = *src_pte; ... ptepage = pte_page(pte);
//   if (cow) { ptep_set_wrprotect(src_pte); pte = *src_pte; }
//   pte = pte_mkold(pte); get_page(ptepage); set_pte(dst_pte, pte);
// Three touches of the parent's pte with no lock against try_to_swap_out (which clears it and
// later sets its swap pte under the parent's PTL) or try_to_unuse: each its own section. The
// page referenced is the first read's; the child's pte is the reread's.

/** ptep_set_wrprotect(src_pte): clear_bit(_PAGE_BIT_RW) on whatever the parent's pte holds now.
 *  On a swap pte that bit is i386's swap type's lowest (SWP_ENTRY(type, offset) = type << 1 |
 *  offset << 8, 2.4.0 include/asm/pgtable.h): the entry moves to the even area below. */
function copy_wrprotect_240(): i32 {
  const src = l(CPR_SRC), i = l(CPR_NEXT);
  const cur = pte_get(src, i);
  if (pte_present(cur)) {
    if ((cur & PTE_RW) != 0) {
      pte_set(src, i, cur & ~PTE_RW);
      trace(EV_COPY_COW, pte_frame(cur), vpage(src, i), 0);
    }
  } else if (pte_is_swap(cur)) {
    const e = pte_to_swp_entry(cur);
    const hit = swp_entry(swp_type(e) & ~1, swp_offset(e));
    if (hit != e) {
      pte_set(src, i, swp_entry_to_pte(hit));
      trace(EV_COPY_WRPROTECT_SWAP, vpage(src, i), e, hit);
    }
  }
  return next(CPR_REREAD);
}

/** pte = *src_pte; pte_mkold(pte); get_page(ptepage) of the first read; set_pte(dst_pte, pte).
 *  pte_mkold clears i386's _PAGE_ACCESSED, bit 5: on a swap pte, the type's bit 4. The child's
 *  shadow (the value it should read) is the parent's now, with the reread. */
function copy_reread_240(): i32 {
  const dst = l(CPR_DST), src = l(CPR_SRC), i = l(CPR_NEXT);
  const f = pte_frame(l(CPR_FIRST_PTE));
  let pte = pte_get(src, i);
  if (pte_present(pte)) pte = pte & ~PTE_YOUNG;
  else if (pte_is_swap(pte)) {
    const e = pte_to_swp_entry(pte);
    pte = swp_entry_to_pte(swp_entry(swp_type(e) & ~16, swp_offset(e)));
  }
  get_page(f);
  mm_set(dst, MM_RSS, mm_get(dst, MM_RSS) + 1);
  pte_set(dst, i, pte);
  shadow_set(dst, i, shadow_get(src, i));
  if (pte_present(pte) && pte_frame(pte) != ZERO_PAGE) trace(EV_COPY_PAGE, pte_frame(pte), vpage(dst, i), vpage(src, i));
  // Not the first read's page: the reference just taken is on a page the child does not map,
  // and the child's pte (none, a swap pte no swap_duplicate counted, another page) is not
  // backed by a reference of its own.
  if (!pte_present(pte) || pte_frame(pte) != f) trace(EV_COPY_REREAD, vpage(dst, i), f, pte);
  // As in copy_chunk: a none pte whose data the parent still has (a swap-out in flight).
  if (pte == 0 && shadow_get(src, i) != 0) trace(EV_COPY_EMPTY, vpage(dst, i), vpage(src, i), 0);
  set_l(CPR_NEXT, i + 1);
  set_l(CPR_COPIED, l(CPR_COPIED) + 1);
  return next(CPR_CHUNK);
}

/** Copies ptes from CPR_NEXT on, COPY_CHUNK per section under the PTLs; with no lock (2.4.0)
 *  one pte per section, since any pte may change between two of them, and a present pte's
 *  write-protect and reread in two more (copy_wrprotect_240). */
function copy_chunk(): i32 {
  const dst = l(CPR_DST), src = l(CPR_SRC);
  const chunk = nolock() ? 1 : COPY_CHUNK;
  let n = 0;
  for (let i = l(CPR_NEXT); i < nPages; i++) {
    if (n >= chunk) {
      set_l(CPR_NEXT, i);
      return next(CPR_CHUNK);
    }
    let pte = pte_get(src, i);
    if (pte_is_swap(pte)) {
      set_l(CPR_NEXT, i);
      if (nolock()) {
        set_l(CPR_SWAP_PTE, pte);
        set_l(CPR_SWAP_SHADOW, shadow_get(src, i));
      }
      return call(P_SWAP_DUPLICATE, CPR_SWAP_DUPLICATED, pte_to_swp_entry(pte), 0, 0, 0);
    }
    shadow_set(dst, i, shadow_get(src, i));
    if (pte == 0) {
      pte_set(dst, i, 0);
      if (!nolock()) continue;
      // 2.4.0, no lock: a none pte holding data (shadow set) is one try_to_swap_out has
      // cleared and not yet replaced by its swap pte; the child gets nothing there. Its read
      // ends the section, as every other pte's does (copy_one_pte's "pte = *src_pte" per pte):
      // until the 6 Dec 2026 audit of the old paths a run of none ptes was read in one section
      // with the next pte, and a swap-out between two of those reads (this pte's swap pte
      // set, the next one cleared: the child loses both) was lost.
      if (shadow_get(src, i) != 0) trace(EV_COPY_EMPTY, vpage(dst, i), vpage(src, i), 0);
      set_l(CPR_NEXT, i + 1);
      return next(CPR_CHUNK);
    }
    const f = pte_frame(pte);
    if (f != ZERO_PAGE && nolock()) {
      // 2.4.0: write-protect and reread in sections of their own (copy_wrprotect_240).
      set_l(CPR_NEXT, i);
      set_l(CPR_FIRST_PTE, pte);
      return next(CPR_WRPROTECT);
    }
    if (f != ZERO_PAGE) {
      // The zero page is shared read-only without a reference; others get one per pte.
      get_page(f);
      mm_set(dst, MM_RSS, mm_get(dst, MM_RSS) + 1);
      if ((pte & PTE_RW) != 0) {
        pte = pte & ~PTE_RW; // copy-on-write in both
        pte_set(src, i, pte);
        trace(EV_COPY_COW, f, vpage(src, i), 0);
      }
    }
    pte_set(dst, i, pte & ~PTE_YOUNG); // pte_mkold
    if (f != ZERO_PAGE) trace(EV_COPY_PAGE, f, vpage(dst, i), vpage(src, i));
    n++;
    set_l(CPR_COPIED, l(CPR_COPIED) + 1);
  }
  // 2.4.0 lists the child after the copy (fork-list-late): nobody can read its cursor before.
  if (has(F_FORK_LIST_LATE)) fork_reset_swap_cursor(dst);
  // copy_page_range's spin_unlock(&src->page_table_lock); dup_mmap drops the child's next.
  if (!nolock()) spin_unlock(mm_addr(src, MM_PTL), LK_PTL);
  return next(CPR_DONE);
}
