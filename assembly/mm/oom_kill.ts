// mm/oom_kill.c (2.4.16): out_of_memory, select_bad_process, oom_kill, oom_kill_task; flag
// oom-kill (F2_OOM_KILL). 2.4.16's try_to_free_pages calls out_of_memory when its passes fall
// short at every priority (mm/vmscan.c); it kills nothing while swap is left, nor before the
// failures have gone on for a second and numbered ten, then kills every task of the mm with the
// most badness points. The kill is SIGKILL plus PF_MEMALLOC | PF_MEMDIE: the victim's
// allocations take any free page without reclaiming (mm/page_alloc.c __alloc_pages,
// "rebalance"), and the signal ends it on its way back to user space, where do_exit frees its
// pages and swap slots. Without this a 2.4.16 machine whose swap cannot take a page
// (nr_swap_pages <= 0: swap full, or a swapoff without room) crawls on as the kernel would
// until its OOM killer acted (docs/kernel-notes.md, "Reclaim stalls").
//
// The model's clock. out_of_memory is the one place the modelled code reads jiffies. The
// model has no time, only steps (sections run, G_STEP), so a jiffy is 2^14 steps: HZ
// jiffies (one second) are ~1.6M sections of the whole machine. A section is tens to hundreds
// of instructions of the 2.4 code, so the scale is the right order for a machine of 2001, and
// large enough that a hunt's executions (hundreds to thousands of steps) never reach a second:
// out_of_memory only counts there, so no hunt's schedules change. A hunt given --jiffy-steps
// (a jiffy of 1 to 2^14 steps, CFG_JIFFY_SHIFT) runs a faster clock and can reach the killer,
// with 2.4.16's allocation loop in place of page_alloc.ts's stand-in (CFG_OOM_CLOCK).
// docs/design.md, "The model's clock".
//
// How the model delivers the kill (docs/faithfulness.md oom_kill has the deviations): the
// victim is an mm slot's process, whose tasks are the CPUs whose ops are its (workload.ts
// cpu_is_task_of: a process CPU's swapoff and swapon too). Each gets PF_MEMDIE (AG_PF_MEMDIE,
// oom_killed: an allocation takes any free page and never reclaims; an access back from its
// fault is not retried, the signal being taken on the way out) until it next leaves for an op;
// when one of them next starts an op the process's exit (OP_EXIT, OOM_EXIT_ARG) runs first,
// that op after it (the slot's new process runs the mm's later ops, as after any exit), and
// an idle one is woken to exit. An exit or a fork's replacement of that slot's process ends
// the kill. What the model's mm slots keep from a victim (a fork waiting for its child's
// slot, an exit behind the mmap_sem such machinery holds) is passed over: deliverable.
import {
  gget, gset, G_STEP, G_NR_SWAP_PAGES, G_OOM_FIRST, G_OOM_LAST, G_OOM_COUNT, G_OOM_ACTIVE, nCpu, nMm, nPages,
  mm_get, mm_set, MM_USERS, MM_NO_TASK, MM_OOM_KILL, MM_BIRTH, ag_get, ag_set, AG_OP, AG_OP_HEAD, AG_OP_TAIL, AG_SP, AG_STATE,
  AG_WAIT, ST_DONE, ST_RUNNABLE, ST_SLEEP, ST_SPIN, MM_TEARDOWN, MM_SEM, mm_addr, G_CPUS_DONE, stat, S_OOM_KILLS, cpu_op_addr,
} from "../kernel/state";
import { ld, st, ctz32, pop32 } from "../kernel/platform";
import { cur } from "../kernel/frame";
import { set_state } from "../kernel/locks";
import { has2, F2_OOM_KILL } from "../model";
import { make_op, op_kind, op_arg, op_mm, OP_EXIT, OP_FORK, OP_SWAPOFF, OP_SWAPON } from "../kernel/ops";
import { cpu_is_task_of } from "../kernel/workload";
import { trace } from "../kernel/trace";
import { bug, V_BUG_ON } from "../kernel/check";
import { cfg, CFG_JIFFY_SHIFT } from "../kernel/config";

export const EV_OOM_KILL: i32 = 700;     // (mm, points, its task CPUs): oom_kill: SIGKILL and PF_MEMDIE to the oldest process's tasks
export const EV_OOM_SIGKILL: i32 = 701;  // (mm, op put back, 0): the killed process takes its signal: it exits before that op (traced by machine.ts)
export const EV_OOM_EXIT_TO_USER: i32 = 702; // (mm, 0, 0): back from a fault with SIGKILL pending: the access is not retried
export const EV_OOM_COUNTED: i32 = 703;  // (failures, jiffies since the first, 0): out_of_memory counted a failure, no kill yet
export const EV_OOM_AGAIN: i32 = 704;    // (tasks, 0, 0): no process to choose but tasks killed before, still in the kernel
export const EV_OOM_KILL_TASK: i32 = 705; // (cpu, 0, 0): the process to choose cannot be reached in the model (or none): the task on cpu gets PF_MEMDIE alone
export const EV_OOM_EXIT_GONE: i32 = 706; // (mm, 0, 0): a killed process's exit finds it gone another way: nothing to do
export const EV_OOM_KILL_NO_MM: i32 = 707; // (mm, 0, 0): 2.4.16's kill loop after the chosen process passed exit_mm: p->mm is NULL, every task without an mm is killed
export const EV_OOM_SELECT: i32 = 708;   // (mm, points, 0): 2.4.16's select_bad_process chose mm's process; the kill loop comes in a later section
export const EV_OOM_KILL_ORPHAN: i32 = 709; // (mm, its task CPUs, 0): oom_kill chose mm's process, which the model has exited while those CPUs still run its ops: SIGKILL and PF_MEMDIE to them
export const EV_OOM_EXIT_ADOPTED: i32 = 710; // (mm, cpu, 0): the killed process has no task CPU (no op of any CPU names it): its exit runs on idle CPU cpu, standing for its own thread

/** Agent word: PF_MEMDIE, set by oom_kill on each task of its victim, cleared when the task
 *  next returns to user space to run an op (oom_op_start) or, idle, when its process is gone. */
export const AG_PF_MEMDIE: i32 = 15;

/** panic("Out of memory and no killable processes..."): select_bad_process found no task. */
export const BUG_OOM_NO_VICTIM: i32 = 700;
/** (nr_swap_pages, agent): model bug, a user allocation failed for a task the OOM killer did
 *  not choose on a run where the killer acts (page_alloc.ts: 2.4.16 loops such a task). */
export const BUG_OOM_UNCHOSEN_FAILS: i32 = 701;
/** (mm): 2.4.16's oom_kill compared each task's mm with NULL (the chosen process of slot mm
 *  passed exit_mm between select_bad_process and the kill loop): the kernel threads killed. */
export const BUG_OOM_KILL_NO_MM: i32 = 702;

/** MM_OOM_KILL: SIGKILL is pending for the slot's process; its exit has started. */
export const OOM_KILL_PENDING: i32 = 1;
export const OOM_KILL_EXITING: i32 = 2;

// HZ on i386 2.4 (include/asm-i386/param.h). A jiffy lasts 2^CFG_JIFFY_SHIFT steps: 2^14 by
// default (see the top); a hunt given --jiffy-steps runs a faster clock, so that its short
// executions can reach the killer (docs/design.md, "The model's clock").
export const HZ: i32 = 100;
/** The model's own clock: a jiffy of 2^14 steps (--jiffy-steps shortens it, CFG_JIFFY_SHIFT). */
const MODEL_JIFFY_SHIFT: i32 = 14;
@inline function jiffy_shift(): i32 { return cfg(CFG_JIFFY_SHIFT); }
// jiffies wrap as G_STEP (a u32) does, at 2^(32 - shift): a difference is taken modulo that,
// as the kernel's unsigned longs take theirs, and compared as unsigned (jiffies_over): at
// --jiffy-steps 1 the mask keeps the sign bit, and a difference of 2^31 or more is a long time.
@inline function jiffies_since(now: i32, then: i32): i32 { return (now - then) & (-1 >>> jiffy_shift()); }
/** Whether a jiffies difference exceeds limit (>= 0), both read as unsigned longs. Written
 *  without a u32 type, which the JS twin (src/build/make-js-model.mjs) would drop. */
@inline function jiffies_over(since: i32, limit: i32): bool { return since < 0 || since > limit; }

/** jiffies, from the machine's steps. */
@inline export function oom_jiffies(): i32 { return gget(G_STEP) >>> jiffy_shift(); }

/** mm/oom_kill.c out_of_memory (2.4.16), its checks: true when it goes on to oom_kill (the
 *  caller's next section, vmscan.ts shrink_oom_kill, then oom_reset in the one after). Its statics (first, last, count)
 *  are G_OOM_*, read and written with no lock as the kernel's are. */
export function out_of_memory(): bool {
  // "Enough swap space left?  Not OOM."
  if (gget(G_NR_SWAP_PAGES) > 0) return false;
  const now = oom_jiffies();
  const sinceLast = jiffies_since(now, gget(G_OOM_LAST));
  gset(G_OOM_LAST, now);
  // A long time since the last failure: not OOM, start counting again. "A long time" is 5 s
  // of the model's own clock, also under --jiffy-steps: a faster clock is there to shorten the
  // second of failures the killer waits for, not this test, whose gaps are a reclaim pass's
  // steps, which no clock shortens. Scaled, a machine whose failing passes run longer than 5
  // fast seconds (500 steps at --jiffy-steps 1) reset the count at every failure and never
  // killed: allocations looped for good, a livelock of the time scale, not of 2.4.16 (whose
  // passes take milliseconds). On the model's own clock (the default) the two tests agree.
  if (jiffies_over(sinceLast, (5 * HZ) << (MODEL_JIFFY_SHIFT - jiffy_shift()))) {
    oom_reset(now);
    return false;
  }
  // Not failing for a second yet, or fewer than ten failures: not really OOM.
  const sinceFirst = jiffies_since(now, gget(G_OOM_FIRST));
  if (!jiffies_over(sinceFirst, HZ - 1)) return false; // since < HZ
  const count = gget(G_OOM_COUNT) + 1;
  gset(G_OOM_COUNT, count);
  if (count < 10) {
    trace(EV_OOM_COUNTED, count, sinceFirst, 0);
    return false;
  }
  return true;
}

/** out_of_memory's "reset:" after oom_kill returns (or after a long quiet): first = now,
 *  count = 0. */
export function oom_reset(now: i32): void {
  gset(G_OOM_FIRST, now);
  gset(G_OOM_COUNT, 0);
}

/** mm/oom_kill.c select_bad_process (2.4.16), tasklist_lock read-held by the caller: the mm
 *  whose process has the most badness points, or -1 when the model has killed a task alone
 *  instead (below). badness is total_vm over roots of the task's CPU time (in units of ~10 s)
 *  and run time (~22 min): every model process maps the same vma of nPages, and none has run
 *  long enough for either root to exceed 1 on the model's clock, so every process with an mm
 *  scores the same, and for_each_task's strict ">" keeps the first of the task list: the
 *  oldest process (MM_BIRTH; ties, the processes of the boot, in slot order). When the model
 *  cannot deliver a kill to that process (deliverable: its tasks held up by the model's mm
 *  slots), the calling task alone gets PF_MEMDIE if it is a CPU's (kill_task: no SIGKILL, its
 *  failing allocation fails and its process goes on, which 2.4.16's victim never does; or
 *  oom_kill_task_only when no process is left), else the next process the model can deliver
 *  to: killing a younger process instead would free what the kernel's choice would not have
 *  had to, and could repeat for good (a new empty process in its slot each time).
 *  A process the model has exited while a thread of it was still in an op (orphan_tasks) is
 *  2.4.16's too: that thread keeps its ->mm, so the process keeps its place in the task list
 *  (its MM_BIRTH, which the slot keeps until its next process is born). Chosen, its threads
 *  are killed here, within the select's hold (kill_orphans): the model runs no exit_mm of
 *  its own for such a thread, so no NULL ->mm can come between the holds for the kill loop to
 *  meet; chosen again with each of them killed already, nothing new (EV_OOM_AGAIN). */
export function oom_select(): i32 {
  let victim = -1;
  let choice = -1; // the kernel's: deliverable or not
  let maxPoints = 0;
  let oldest = 0;
  let oldestAny = 0;
  let orphansChosen = 0; // the kernel's choice is an exited process's threads still in an op
  for (let mm = 0; mm < nMm; mm++) {
    const hasTask = mm_has_task(mm);
    const orphans = hasTask ? 0 : orphan_tasks(mm);
    if (!hasTask && orphans == 0) continue; // badness 0: no task has it
    const points = nPages; // total_vm
    const birth = mm_get(mm, MM_BIRTH);
    if (choice < 0 || birth < oldestAny) {
      oldestAny = birth;
      choice = mm;
      orphansChosen = orphans;
    }
    if (orphans != 0 || !deliverable(mm)) continue;
    if (points > maxPoints || (points == maxPoints && birth < oldest)) {
      maxPoints = points;
      oldest = birth;
      victim = mm;
    }
  }
  if (orphansChosen != 0) {
    kill_orphans(choice, orphansChosen);
    return -1;
  }
  if (victim != choice && ((killable_tasks() >> cur) & 1) != 0) {
    kill_task(cur);
    return -1;
  }
  if (victim < 0) oom_kill_task_only();
  return victim;
}

/** The CPUs still in an op of mm's process (not an exit) after the model's exit of that
 *  process ended every thread at once (mm has no task: MM_NO_TASK while a pin such as
 *  swapoff's start_mm holds it, or mm_users 0 until the slot's next process), a bit each:
 *  2.4.16's exit ends the exiting thread alone, so these threads still have the mm
 *  (docs/faithfulness.md do_exit), PF_MEMDIE or not (badness reads only ->mm). A
 *  swapoff's try_to_unuse looping in the allocator is one; passed over, the killer chose the
 *  other slot's process second after second, each a new empty one, and the swapoff never
 *  ended. */
function orphan_tasks(mm: i32): i32 {
  const live = live_tasks();
  let m = 0;
  for (let a = 0; a < nCpu; a++) if (((live >> a) & 1) != 0 && op_of(a, mm)) m |= 1 << a;
  return m;
}

/** Whether CPU a's op under way is one of mm's process: an access, fork, munmap or mprotect of
 *  mm, or a swapoff or swapon of a CPU that is mm's task (a thread CPU belongs to every mm it
 *  names, workload.ts cpu_is_task_of). */
function op_of(a: i32, mm: i32): bool {
  const op = ag_get(a, AG_OP);
  const kind = op_kind(op);
  return kind == OP_SWAPOFF || kind == OP_SWAPON ? cpu_is_task_of(a, mm) : op_mm(op) == mm;
}

/** Whether some task still has mm: its process has not passed exit_mm (mm_users 0 after the
 *  last put; MM_NO_TASK while a pin such as swapoff's start_mm keeps it). */
@inline function mm_has_task(mm: i32): bool {
  return mm_get(mm, MM_USERS) != 0 && mm_get(mm, MM_NO_TASK) == 0;
}

/** The chosen task's ->mm as oom_kill's loop reads it (2.4.16, no task_lock, no pin): the
 *  victim's mm while the process select_bad_process chose (MM_BIRTH `birth`) still has it,
 *  -1 (NULL) once that process has passed exit_mm, or its slot holds a newer process. */
export function chosen_task_mm(victim: i32, birth: i32): i32 {
  return mm_get(victim, MM_BIRTH) == birth && mm_has_task(victim) ? victim : -1;
}

/** oom_kill's loop, tasklist_lock read-held by the caller: oom_kill_task (SIGKILL, and
 *  PF_MEMDIE: AG_PF_MEMDIE) on every task whose ->mm is the victim's: the CPUs that are its
 *  tasks; an idle one is woken to exit. */
export function oom_kill_mm(victim: i32): void {
  let tasks = 0;
  for (let a = 0; a < nCpu; a++) if (cpu_is_task_of(a, victim)) tasks |= 1 << a;
  kill_tasks(tasks);
  trace(EV_OOM_KILL, victim, nPages, pop32(tasks));
  if (mm_get(victim, MM_OOM_KILL) != 0) return; // chosen again: its exit is on its way
  mm_set(victim, MM_OOM_KILL, OOM_KILL_PENDING);
  wake_idle_task(victim);
}

/** 2.4.16's loop when the chosen task has passed exit_mm since select_bad_process: p->mm is
 *  NULL, so `q->mm == p->mm` holds for every task without an mm: the kernel threads (kswapd,
 *  bdflush, kupdated, keventd, ksoftirqd_CPUn, present on every 2.4.16 machine whether the
 *  model runs kswapd or not; the caller itself when it is kswapd) and the exited tasks not
 *  yet reaped, the chosen one among them. oom_kill_task gives each PF_MEMALLOC | PF_MEMDIE
 *  and SIGKILL (none to a task past exit_sighand); a kernel thread never takes the signal, so
 *  kswapd, bdflush and ksoftirqd no longer sleep in their interruptible waits. 2.4.16 has no
 *  check here; 2.6 later warns ("tried to kill an mm-less task!"): the model reports it, and
 *  stops. (A chosen task reaped meanwhile, its task_struct freed and reused by a fork, would
 *  give the loop some other process's mm: a use after free the model also reports so.) */
export function oom_kill_no_mm(victim: i32): void {
  trace(EV_OOM_KILL_NO_MM, victim, 0, 0);
  bug(V_BUG_ON, BUG_OOM_KILL_NO_MM, victim, 0);
}

/** No process the model can deliver to. A task in the kernel that still has an mm in 2.4.16
 *  is what select_bad_process would find: one killed before and not yet back from the kernel
 *  (its process exited at once in the model, the task still in its fault: oom_kill_task sets
 *  what it has already), else a task whose process the model cannot name (its slot between
 *  processes, a thread of an exited one still running an op): the first such CPU, which gets
 *  PF_MEMDIE alone (its allocations then fail, and it leaves the kernel; the model runs its
 *  next ops, as any op of a slot's next process). With no task at all, 2.4.16's panic. */
function oom_kill_task_only(): void {
  const live = live_tasks();
  const memdie = memdie_tasks();
  if ((live & memdie) != 0) {
    trace(EV_OOM_AGAIN, live & memdie, 0, 0);
    return;
  }
  if (live == 0) {
    bug(V_BUG_ON, BUG_OOM_NO_VICTIM, 0, 0);
    return;
  }
  kill_task(ctz32(live));
}

/** oom_kill's loop for a process the model has exited (orphan_tasks): oom_kill_task on each of
 *  the threads still in its ops, `tasks` a bit each; those killed before take nothing new. */
function kill_orphans(mm: i32, tasks: i32): void {
  const fresh = tasks & ~memdie_tasks();
  if (fresh == 0) {
    trace(EV_OOM_AGAIN, tasks, 0, 0);
    return;
  }
  kill_tasks(fresh);
  trace(EV_OOM_KILL_ORPHAN, mm, tasks, 0);
}

/** oom_kill_task on one task alone: PF_MEMDIE on CPU a. */
function kill_task(a: i32): void {
  kill_tasks(1 << a);
  trace(EV_OOM_KILL_TASK, a, 0, 0);
}

/** oom_kill_task (SIGKILL, and PF_MEMDIE: AG_PF_MEMDIE) on each CPU of `tasks`, a bit each:
 *  one kill of oom_kill's, counted once, and the killer's work under way (G_OOM_ACTIVE). */
function kill_tasks(tasks: i32): void {
  for (let a = 0; a < nCpu; a++) if (((tasks >> a) & 1) != 0) ag_set(a, AG_PF_MEMDIE, 1);
  gset(G_OOM_ACTIVE, 1);
  stat(S_OOM_KILLS);
}

/** The CPUs a task-alone kill can take, a bit each: live_tasks without PF_MEMDIE yet. */
@inline function killable_tasks(): i32 { return live_tasks() & ~memdie_tasks(); }

/** The CPUs whose task still has an mm in 2.4.16's terms, a bit each: in an op other than an
 *  exit (past exit_mm a task has no mm for badness), and not held up by the model's slot
 *  machinery (slot_stuck). */
function live_tasks(): i32 {
  let m = 0;
  for (let a = 0; a < nCpu; a++) {
    if (ag_get(a, AG_SP) != 0 && op_kind(ag_get(a, AG_OP)) != OP_EXIT && !slot_stuck(a)) m |= 1 << a;
  }
  return m;
}

/** The CPUs with PF_MEMDIE, a bit each. */
function memdie_tasks(): i32 {
  let m = 0;
  for (let a = 0; a < nCpu; a++) if (ag_get(a, AG_PF_MEMDIE) != 0) m |= 1 << a;
  return m;
}

/** Whether the model can deliver a kill to mm's process: some CPU is its task (workload.ts
 *  cpu_is_task_of) not held up by the model's slot machinery (slot_stuck). Chosen again, a
 *  second of failures after its kill: its exit under way and not so held up, or, the signal
 *  not yet taken, one of its tasks awake (not asleep, not idle: an idle one's exit would be
 *  queued already). A victim whose tasks have all slept through that second sleeps behind the
 *  allocation loop that asks (the model's thread CPUs belong to every mm they name: a fork of
 *  the other process waiting on that process's mmap_sem, held by the looping fault): 2.4.16
 *  would choose it again and wait, the model kills the asking task (oom_kill). */
function deliverable(mm: i32): bool {
  const kill = mm_get(mm, MM_OOM_KILL);
  if (kill == OOM_KILL_EXITING) {
    const exit = make_op(OP_EXIT, mm, 0, OOM_EXIT_ARG);
    for (let a = 0; a < nCpu; a++) if (ag_get(a, AG_SP) != 0 && ag_get(a, AG_OP) == exit) return !slot_stuck(a);
  }
  let tasks = false;
  for (let a = 0; a < nCpu; a++) {
    if (!cpu_is_task_of(a, mm)) continue;
    tasks = true;
    if (slot_stuck(a)) continue;
    const state = ag_get(a, AG_STATE);
    if (kill == 0 || (state != ST_DONE && state != ST_SLEEP)) return true;
  }
  // A process no CPU's ops name (a fork's child, say) still has a task in 2.4.16, asleep or in
  // user space, which SIGKILL wakes to exit: an idle CPU can run that exit (wake_idle_task).
  return !tasks && idle_cpu() >= 0;
}

/** Whether CPU a is held up by the model's slot machinery: asleep in it (in_slot_wait), or
 *  asleep on a lock that machinery holds: an mmap_sem a fork holds as its child slot's (a
 *  killed process's exit waiting for its own mmap_sem while a fork replaces that process's
 *  slot), or one whose holder sleeps in the machinery. */
function slot_stuck(a: i32): bool {
  if (in_slot_wait(a)) return true;
  if (ag_get(a, AG_STATE) != ST_SLEEP) return false;
  const wait = ag_get(a, AG_WAIT);
  if (!is_mmap_sem(wait)) return false;
  const owner = ld(wait) - 1; // held for writing: owner + 1 (locks.ts down)
  if (owner < 0 || owner >= nCpu) return false;
  const op = ag_get(owner, AG_OP);
  if (op_kind(op) == OP_FORK && wait == mm_addr(op_arg(op), MM_SEM)) return true;
  return in_slot_wait(owner);
}

/** Whether CPU a sleeps where only the model's mm slots put it (docs/faithfulness.md do_fork):
 *  a fork waiting for its child's slot, on the old process's mmap_sem (which the model takes
 *  so that the old process's threads cannot fault into the child's page tables) or on its
 *  last mmput (fork.ts slot_free), or an exit waiting on its mm's mmap_sem (the model's exit
 *  ends every thread of the process at once and keeps their faults out so; 2.4.16's exit
 *  takes no mmap_sem) or for its new process's slot. 2.4.16's
 *  fork copies into a fresh mm_struct nobody else holds, so its task would return to user
 *  space and take the signal; the model's sleeps until the old process lets go, which may be
 *  never while the holder (a fault of that process holding mmap_sem, or swapoff's
 *  try_to_unuse pinning the mm as its start_mm) loops in the allocator waiting for a kill.
 *  (A fork asleep on its own mm's mmap_sem is the kernel's own wait.) */
function in_slot_wait(a: i32): bool {
  if (ag_get(a, AG_STATE) != ST_SLEEP) return false;
  const wait = ag_get(a, AG_WAIT);
  const op = ag_get(a, AG_OP);
  const kind = op_kind(op);
  if (kind == OP_FORK) {
    const child = op_arg(op);
    return wait == mm_addr(child, MM_SEM) || wait == mm_addr(child, MM_TEARDOWN);
  }
  if (kind != OP_EXIT) return false;
  const mm = op_mm(op);
  return wait == mm_addr(mm, MM_TEARDOWN) || wait == mm_addr(mm, MM_SEM);
}

/** Whether addr is an mm's mmap_sem word. */
function is_mmap_sem(addr: i32): bool {
  for (let mm = 0; mm < nMm; mm++) if (addr == mm_addr(mm, MM_SEM)) return true;
  return false;
}

/** The arg of the exit the OOM killer's signal makes a task run (oom_op_start, and queued
 *  for an idle task by wake_idle_task); a workload's exits have 0. do_exit reads it: such an
 *  exit whose process has gone another way meanwhile (a fork's replacement of the slot, a
 *  workload's exit) has nothing left to do (memory.ts EXIT_MMAP_SEM). */
export const OOM_EXIT_ARG: i32 = 1;

/** A task of the victim whose CPU has run out of ops (ST_DONE) is a live thread of it, idle
 *  in the kernel's terms: SIGKILL wakes it (signal_wake_up) and it exits at once. The model
 *  queues the exit as the first such CPU's next op and makes it runnable again; once the exit
 *  has run it is done again (machine.ts park_if_no_ops). Whichever of the victim's tasks
 *  comes back first exits the process (oom_op_start); if a running task does, the queued
 *  exit is taken back (cancel_wake). Without this a kill whose victim's tasks had finished
 *  was never delivered. */
function wake_idle_task(mm: i32): void {
  let tasks = false;
  for (let a = 0; a < nCpu; a++) {
    if (!cpu_is_task_of(a, mm)) continue;
    tasks = true;
    if (ag_get(a, AG_STATE) != ST_DONE) continue;
    wake_to_exit(a, mm);
    return;
  }
  // No CPU is mm's task at all (a fork's child no later op names): the first idle CPU runs its
  // exit, as the child's own thread would on taking the signal (until 6 Dec 2026 such a process
  // was passed over, and kswapd's kill with nobody else to choose was a false panic).
  if (tasks) return;
  const a = idle_cpu();
  if (a < 0) return;
  wake_to_exit(a, mm);
  trace(EV_OOM_EXIT_ADOPTED, mm, a, 0);
}

/** Idle CPU a runs mm's exit next. */
function wake_to_exit(a: i32, mm: i32): void {
  queue_exit(a, mm);
  gset(G_CPUS_DONE, gget(G_CPUS_DONE) & ~(1 << a));
  set_state(a, ST_RUNNABLE);
}

/** The first idle CPU (its ops all run), or -1. */
function idle_cpu(): i32 {
  for (let a = 0; a < nCpu; a++) if (ag_get(a, AG_STATE) == ST_DONE) return a;
  return -1;
}

/** The killed process's exit as CPU a's next op (its ring is empty: its ops have run). */
function queue_exit(a: i32, mm: i32): void {
  const tail = ag_get(a, AG_OP_TAIL);
  st(cpu_op_addr(a, tail), make_op(OP_EXIT, mm, 0, OOM_EXIT_ARG));
  ag_set(a, AG_OP_TAIL, tail + 1);
}

/** CPU `cpu` has run its last op (machine.ts park_if_no_ops, only while G_OOM_ACTIVE): back
 *  in user space with SIGKILL pending for its process, the task dies there. true when the
 *  process's exit is queued as its next op (it stays runnable); false: it goes idle. */
export function oom_exit_before_idle(cpu: i32): bool {
  if (ag_get(cpu, AG_PF_MEMDIE) == 0) return false;
  for (let mm = 0; mm < nMm; mm++) {
    if (mm_get(mm, MM_OOM_KILL) != OOM_KILL_PENDING || !cpu_is_task_of(cpu, mm)) continue;
    queue_exit(cpu, mm);
    return true;
  }
  return false;
}

/** Another task of mm took the signal first, or the process went another way: the exit
 *  wake_idle_task queued for an idle one, if it has not started, is taken back and that CPU
 *  is done again. */
function cancel_wake(mm: i32, taker: i32): void {
  const queued = make_op(OP_EXIT, mm, 0, OOM_EXIT_ARG);
  for (let a = 0; a < nCpu; a++) {
    if (a == taker || ag_get(a, AG_SP) != 0) continue;
    const head = ag_get(a, AG_OP_HEAD), tail = ag_get(a, AG_OP_TAIL);
    if (tail - head != 1 || ld(cpu_op_addr(a, head)) != queued) continue;
    ag_set(a, AG_OP_TAIL, head);
    ag_set(a, AG_PF_MEMDIE, 0);
    set_state(a, ST_DONE);
    gset(G_CPUS_DONE, gget(G_CPUS_DONE) | (1 << a));
  }
}

/** A CPU starts op (machine.ts, only while G_OOM_ACTIVE): a task returning to user space.
 *  A task of a process with SIGKILL pending takes it: the process's exit runs first, and op
 *  goes back to the CPU's ring, to run next (in the slot's new process, as any op after an
 *  exit; so a workload's pairs, a swapoff's swapon or a fork's child's exit, are not lost).
 *  The first of its tasks to come back exits it; the others' ops run as they come, as the
 *  threads of a process the model exits at once. A task that runs anything but that exit
 *  leaves the kernel for user space first: its PF_MEMDIE goes (in 2.4.16 the flag is the
 *  task's and goes with it; the model's task of the slot's next process is a new task). The
 *  op to run. Clears G_OOM_ACTIVE once no process has a kill out and no task PF_MEMDIE. */
export function oom_op_start(cpu: i32, op: i32): i32 {
  let run = op;
  let left = false;
  for (let mm = 0; mm < nMm; mm++) {
    const kill = mm_get(mm, MM_OOM_KILL);
    if (kill == OOM_KILL_PENDING && run == op && cpu_is_task_of(cpu, mm)) {
      mm_set(mm, MM_OOM_KILL, OOM_KILL_EXITING);
      run = make_op(OP_EXIT, mm, 0, OOM_EXIT_ARG);
      ag_set(cpu, AG_OP, run);
      // op back (take_op has just taken it), unless it is this exit already (queued here).
      if (op != run) ag_set(cpu, AG_OP_HEAD, ag_get(cpu, AG_OP_HEAD) - 1);
      cancel_wake(mm, cpu);
    }
    if (mm_get(mm, MM_OOM_KILL) != 0) left = true;
  }
  if (run == op && op != make_op(OP_EXIT, op_mm(op), 0, OOM_EXIT_ARG)) ag_set(cpu, AG_PF_MEMDIE, 0);
  if (!left && memdie_tasks() == 0) gset(G_OOM_ACTIVE, 0);
  return run;
}

/** The slot's process is gone (do_exit's, or do_fork's replacement of the child slot's old
 *  process, at its mmput): a kill pending for it is done with. */
export function oom_process_gone(mm: i32): void {
  if (mm_get(mm, MM_OOM_KILL) == 0) return;
  mm_set(mm, MM_OOM_KILL, 0);
  // Gone another way (a workload's exit, a fork's replacement) before a woken task's exit ran.
  cancel_wake(mm, -1);
  // Its idle tasks (no op left to start) are gone with it. Every idle CPU's flag goes, not
  // only this process's tasks': an idle task allocates nothing, and a flag kept would hold
  // G_OOM_ACTIVE on (oom_op_start) with no op left to clear it.
  for (let a = 0; a < nCpu; a++) if (ag_get(a, AG_STATE) == ST_DONE) ag_set(a, AG_PF_MEMDIE, 0);
}

/** Whether agent's task was chosen by the OOM killer (PF_MEMDIE, AG_PF_MEMDIE): from the
 *  kill until the task next returns to user space (oom_op_start). */
@inline export function oom_killed(agent: i32): bool {
  // Inlined: an access back from its fault asks; almost always no kill is out.
  return gget(G_OOM_ACTIVE) != 0 && agent < nCpu && ag_get(agent, AG_PF_MEMDIE) != 0;
}
