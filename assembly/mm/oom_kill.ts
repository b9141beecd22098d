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
// model has no time, only steps (sections run, G_STEP), so a jiffy is JIFFY_STEPS steps: HZ
// jiffies (one second) are ~1.6M sections of the whole machine. A section is tens to hundreds
// of instructions of the 2.4 code, so the scale is the right order for a machine of 2001, and
// large enough that a hunt's executions (hundreds to thousands of steps) never reach a second:
// out_of_memory only counts there, so no hunt's schedules change. docs/design.md, "The model's
// clock".
//
// How the model delivers the kill (docs/faithfulness.md oom_kill has the deviations): the
// victim is an mm slot's process, whose tasks are the CPUs whose ops are its (workload.ts
// cpu_is_task_of: a process CPU's swapoff and swapon too). Until that process has exited they
// have PF_MEMDIE (oom_killed: an allocation takes any free page and never reclaims; an access
// back from its fault is not retried, the signal being taken on the way out), and when one of
// them next starts an op the process's exit (OP_EXIT) runs first, that op after it (the slot's
// new process runs the mm's later ops, as after any exit). An exit or a fork's replacement of
// that slot's process ends the kill.
import {
  gget, gset, G_STEP, G_NR_SWAP_PAGES, G_OOM_FIRST, G_OOM_LAST, G_OOM_COUNT, G_OOM_ACTIVE, G_TASK_SEQ, nCpu, nMm, nPages,
  mm_get, mm_set, MM_USERS, MM_NO_TASK, MM_OOM_KILL, MM_BIRTH, ag_get, ag_set, AG_OP, AG_OP_HEAD, AG_STATE, ST_DONE, stat,
  S_OOM_KILLS,
} from "../kernel/state";
import { has2, F2_OOM_KILL } from "../model";
import { make_op, OP_EXIT } from "../kernel/ops";
import { cpu_is_task_of } from "../kernel/workload";
import { trace } from "../kernel/trace";
import { bug, V_BUG_ON } from "../kernel/check";

export const EV_OOM_KILL: i32 = 700;     // (mm, points, its task CPUs): oom_kill: SIGKILL and PF_MEMDIE to the oldest process's tasks
export const EV_OOM_SIGKILL: i32 = 701;  // (mm, op put back, 0): the killed process takes its signal: it exits before that op (traced by machine.ts)
export const EV_OOM_EXIT_TO_USER: i32 = 702; // (mm, 0, 0): back from a fault with SIGKILL pending: the access is not retried
export const EV_OOM_COUNTED: i32 = 703;  // (failures, jiffies since the first, 0): out_of_memory counted a failure, no kill yet

/** panic("Out of memory and no killable processes..."): select_bad_process found no task. */
export const BUG_OOM_NO_VICTIM: i32 = 700;
/** (nr_swap_pages, agent): model bug, a user allocation failed for a task the OOM killer did
 *  not choose on a run where the killer acts (page_alloc.ts: 2.4.16 loops such a task). */
export const BUG_OOM_UNCHOSEN_FAILS: i32 = 701;

/** MM_OOM_KILL: SIGKILL is pending for the slot's process; its exit has started. */
export const OOM_KILL_PENDING: i32 = 1;
export const OOM_KILL_EXITING: i32 = 2;

// HZ on i386 2.4 (include/asm-i386/param.h), and the steps a jiffy lasts (see the top).
const HZ: i32 = 100;
const JIFFY_STEPS_SHIFT: i32 = 14;
// jiffies wrap as G_STEP (a u32) does, at 2^(32 - JIFFY_STEPS_SHIFT): a difference is taken
// modulo that, as the kernel's unsigned longs take theirs.
const JIFFY_MASK: i32 = (1 << (32 - JIFFY_STEPS_SHIFT)) - 1;
@inline function jiffies_since(now: i32, then: i32): i32 { return (now - then) & JIFFY_MASK; }

/** jiffies, from the machine's steps. */
@inline export function oom_jiffies(): i32 { return gget(G_STEP) >>> JIFFY_STEPS_SHIFT; }

/** mm/oom_kill.c out_of_memory (2.4.16), its checks: true when it goes on to oom_kill (the
 *  caller's next section, vmscan.ts shrink_oom_kill, then oom_reset in the one after). Its statics (first, last, count)
 *  are G_OOM_*, read and written with no lock as the kernel's are. */
export function out_of_memory(): bool {
  // "Enough swap space left?  Not OOM."
  if (gget(G_NR_SWAP_PAGES) > 0) return false;
  const now = oom_jiffies();
  const sinceLast = jiffies_since(now, gget(G_OOM_LAST));
  gset(G_OOM_LAST, now);
  // A long time since the last failure: not OOM, start counting again.
  if (sinceLast > 5 * HZ) {
    oom_reset(now);
    return false;
  }
  // Not failing for a second yet, or fewer than ten failures: not really OOM.
  const sinceFirst = jiffies_since(now, gget(G_OOM_FIRST));
  if (sinceFirst < HZ) return false;
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

/** select_bad_process and oom_kill, tasklist_lock read-held by the caller: the mm whose
 *  process has the most badness points gets SIGKILL, and its tasks PF_MEMDIE (oom_killed,
 *  from MM_OOM_KILL). badness is total_vm over roots of the task's CPU time (in units of ~10 s) and
 *  run time (~22 min): every model process maps the same vma of nPages, and none has run long
 *  enough for either root to exceed 1 on the model's clock, so every process with an mm
 *  scores the same, and for_each_task's strict ">" keeps the first of the task list: the
 *  oldest process (MM_BIRTH; ties, the processes of the boot, in slot order). */
export function oom_kill(): void {
  let victim = -1;
  let maxPoints = 0;
  let oldest = 0;
  for (let mm = 0; mm < nMm; mm++) {
    if (mm_get(mm, MM_USERS) == 0 || mm_get(mm, MM_NO_TASK) != 0) continue; // no task has it
    if (!has_task_cpu(mm)) continue; // no CPU runs it: the model could not deliver the signal
    const points = nPages; // total_vm
    const birth = mm_get(mm, MM_BIRTH);
    if (points > maxPoints || (points == maxPoints && birth < oldest)) {
      maxPoints = points;
      oldest = birth;
      victim = mm;
    }
  }
  if (victim < 0) {
    bug(V_BUG_ON, BUG_OOM_NO_VICTIM, 0, 0);
    return;
  }
  // oom_kill_task on every task whose ->mm is the victim's: the CPUs that are its tasks.
  let tasks = 0;
  for (let a = 0; a < nCpu; a++) if (cpu_is_task_of(a, victim)) tasks++;
  if (mm_get(victim, MM_OOM_KILL) == 0) mm_set(victim, MM_OOM_KILL, OOM_KILL_PENDING);
  gset(G_OOM_ACTIVE, 1);
  stat(S_OOM_KILLS);
  trace(EV_OOM_KILL, victim, maxPoints, tasks);
}

/** Whether some CPU that will start another op is a task of mm's process (workload.ts
 *  cpu_is_task_of): a CPU whose op stream has ended (ST_DONE) would never take the signal. */
function has_task_cpu(mm: i32): bool {
  for (let a = 0; a < nCpu; a++) if (cpu_is_task_of(a, mm) && ag_get(a, AG_STATE) != ST_DONE) return true;
  return false;
}

/** A CPU starts op (machine.ts, only while G_OOM_ACTIVE): a task returning to user space.
 *  A task of a process with SIGKILL pending takes it: the process's exit runs first, and op
 *  goes back to the CPU's ring, to run next (in the slot's new process, as any op after an
 *  exit; so a workload's pairs, a swapoff's swapon or a fork's child's exit, are not lost).
 *  The first of its tasks to come back exits it; the others' ops run as they come, as the
 *  threads of a process the model exits at once. The op to run. Clears G_OOM_ACTIVE once no
 *  process has a kill out. */
export function oom_op_start(cpu: i32, op: i32): i32 {
  let run = op;
  let left = false;
  for (let mm = 0; mm < nMm; mm++) {
    const kill = mm_get(mm, MM_OOM_KILL);
    if (kill == OOM_KILL_PENDING && run == op && cpu_is_task_of(cpu, mm)) {
      mm_set(mm, MM_OOM_KILL, OOM_KILL_EXITING);
      run = make_op(OP_EXIT, mm, 0, 0);
      ag_set(cpu, AG_OP, run);
      // op back (take_op has just taken it), unless it is this process's exit already.
      if (op != run) ag_set(cpu, AG_OP_HEAD, ag_get(cpu, AG_OP_HEAD) - 1);
    }
    if (mm_get(mm, MM_OOM_KILL) != 0) left = true;
  }
  if (!left) gset(G_OOM_ACTIVE, 0);
  return run;
}

/** The slot's process is gone (do_exit's, or do_fork's replacement of the child slot's old
 *  process, at its mmput): a kill pending for it is done with. */
export function oom_process_gone(mm: i32): void {
  if (mm_get(mm, MM_OOM_KILL) != 0) mm_set(mm, MM_OOM_KILL, 0);
}

/** A process is created in slot mm (do_exit's new process, do_fork's child): it joins the
 *  task list's tail (SET_LINKS), after every process alive. Kept only under oom-kill, the one
 *  reader. */
export function oom_task_born(mm: i32): void {
  if (!has2(F2_OOM_KILL)) return;
  const seq = gget(G_TASK_SEQ) + 1;
  gset(G_TASK_SEQ, seq);
  mm_set(mm, MM_BIRTH, seq);
}

/** Whether agent's task was chosen by the OOM killer (PF_MEMDIE): a CPU that is a task of a
 *  process with a kill out, until that process has exited. */
@inline export function oom_killed(agent: i32): bool {
  // Inlined: an access back from its fault asks; almost always no kill is out.
  return gget(G_OOM_ACTIVE) != 0 && oom_killed_task(agent);
}

function oom_killed_task(agent: i32): bool {
  if (agent >= nCpu) return false;
  for (let mm = 0; mm < nMm; mm++) if (mm_get(mm, MM_OOM_KILL) != 0 && cpu_is_task_of(agent, mm)) return true;
  return false;
}
