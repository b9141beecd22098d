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
// How the model delivers the kill (docs/faithfulness.md out_of_memory has the deviations): the
// victim is an mm slot; a CPU running an op in it when it is chosen gets PF_MEMDIE for the
// rest of that op (an access whose fault returns does not retry: the signal is taken on the
// way out); the next op a CPU starts in that mm is the process's exit instead (OP_EXIT, the
// slot's new process then runs the mm's later ops, as after any exit). An exit or a fork's
// replacement of that slot's process first clears the kill.
import {
  gget, gset, G_STEP, G_NR_SWAP_PAGES, G_OOM_FIRST, G_OOM_LAST, G_OOM_COUNT, G_OOM_ACTIVE, nCpu, nMm, mm_get, mm_set, MM_RSS,
  MM_USERS, MM_NO_TASK, MM_OOM_KILL, ag_get, ag_set, AG_SP, AG_OP, stat, S_OOM_KILLS,
} from "../kernel/state";
import { op_kind, op_mm, make_op, OP_READ, OP_WRITE, OP_FORK, OP_EXIT, OP_MUNMAP, OP_WPROTECT } from "../kernel/ops";
import { trace } from "../kernel/trace";
import { bug, V_BUG_ON } from "../kernel/check";

export const EV_OOM_KILL: i32 = 700;     // (mm, points, tasks in an op): oom_kill: SIGKILL and PF_MEMDIE to the mm's tasks
export const EV_OOM_SIGKILL: i32 = 701;  // (mm, op replaced, 0): the killed process takes its signal: it exits instead (traced by machine.ts)
export const EV_OOM_EXIT_TO_USER: i32 = 702; // (mm, 0, 0): back from a fault with SIGKILL pending: the access is not retried
export const EV_OOM_COUNTED: i32 = 703;  // (failures, jiffies since the first, 0): out_of_memory counted a failure, no kill yet

/** panic("Out of memory and no killable processes..."): select_bad_process found no task. */
export const BUG_OOM_NO_VICTIM: i32 = 700;

/** Agent word: PF_MEMDIE, the OOM killer chose this agent's task (for the op it runs). */
export const AG_PF_MEMDIE: i32 = 15;

/** MM_OOM_KILL: SIGKILL is pending for the slot's process; its exit has started. */
export const OOM_KILL_PENDING: i32 = 1;
export const OOM_KILL_EXITING: i32 = 2;

// HZ on i386 2.4 (include/asm-i386/param.h), and the steps a jiffy lasts (see the top).
const HZ: i32 = 100;
const JIFFY_STEPS_SHIFT: i32 = 14;

/** jiffies, from the machine's steps. */
@inline export function oom_jiffies(): i32 { return gget(G_STEP) >>> JIFFY_STEPS_SHIFT; }

/** mm/oom_kill.c out_of_memory (2.4.16), its checks: true when it goes on to oom_kill (the
 *  caller's next section, oom_kill_section, then oom_reset). Its statics (first, last, count)
 *  are G_OOM_*, read and written with no lock as the kernel's are. */
export function out_of_memory(): bool {
  // "Enough swap space left?  Not OOM."
  if (gget(G_NR_SWAP_PAGES) > 0) return false;
  const now = oom_jiffies();
  const sinceLast = now - gget(G_OOM_LAST);
  gset(G_OOM_LAST, now);
  // A long time since the last failure: not OOM, start counting again.
  if (sinceLast > 5 * HZ) {
    oom_reset(now);
    return false;
  }
  // Not failing for a second yet, or fewer than ten failures: not really OOM.
  const sinceFirst = now - gget(G_OOM_FIRST);
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
 *  process has the most badness points gets SIGKILL, and every task of it in an op
 *  PF_MEMDIE. The model's processes all map the same vma (total_vm) and have no CPU or run
 *  times, so the points are rss + 1 (a process with a vma scores at least 1; ties to the
 *  first slot, for_each_task's order and its strict ">"). */
export function oom_kill(): void {
  let victim = -1;
  let maxPoints = 0;
  for (let mm = 0; mm < nMm; mm++) {
    if (mm_get(mm, MM_USERS) == 0 || mm_get(mm, MM_NO_TASK) != 0) continue; // no task has it
    const points = mm_get(mm, MM_RSS) + 1;
    if (points > maxPoints) {
      maxPoints = points;
      victim = mm;
    }
  }
  if (victim < 0) {
    bug(V_BUG_ON, BUG_OOM_NO_VICTIM, 0, 0);
    return;
  }
  // oom_kill_task on every task whose ->mm is the victim's: the CPUs in an op of it.
  let inOp = 0;
  for (let a = 0; a < nCpu; a++) {
    if (ag_get(a, AG_SP) != 0 && op_in_mm(ag_get(a, AG_OP)) == victim) {
      ag_set(a, AG_PF_MEMDIE, 1);
      inOp++;
    }
  }
  if (mm_get(victim, MM_OOM_KILL) == 0) mm_set(victim, MM_OOM_KILL, OOM_KILL_PENDING);
  gset(G_OOM_ACTIVE, 1);
  stat(S_OOM_KILLS);
  trace(EV_OOM_KILL, victim, maxPoints, inOp);
}

/** The mm an op runs in as a process's own (its task's ->mm); -1 for swapoff and swapon,
 *  which the model runs in no process's mm. */
function op_in_mm(op: i32): i32 {
  const kind = op_kind(op);
  if (kind == OP_READ || kind == OP_WRITE || kind == OP_FORK || kind == OP_EXIT || kind == OP_MUNMAP || kind == OP_WPROTECT) return op_mm(op);
  return -1;
}

/** A CPU starts op (machine.ts, only while G_OOM_ACTIVE): the op before is over, so none of
 *  the CPUs between ops is in a killed task any more; an op in a slot whose process has
 *  SIGKILL pending is that process's exit instead. The op to run. Clears G_OOM_ACTIVE once no
 *  kill is pending and no agent has PF_MEMDIE. */
export function oom_op_start(cpu: i32, op: i32): i32 {
  let run = op;
  for (let a = 0; a < nCpu; a++) if (a == cpu || ag_get(a, AG_SP) == 0) ag_set(a, AG_PF_MEMDIE, 0);
  const mm = op_in_mm(op);
  if (mm >= 0 && mm_get(mm, MM_OOM_KILL) == OOM_KILL_PENDING) {
    mm_set(mm, MM_OOM_KILL, OOM_KILL_EXITING);
    ag_set(cpu, AG_PF_MEMDIE, 1);
    run = make_op(OP_EXIT, mm, 0, 0);
    ag_set(cpu, AG_OP, run);
  }
  if (!oom_any_left()) gset(G_OOM_ACTIVE, 0);
  return run;
}

function oom_any_left(): bool {
  for (let a = 0; a < nCpu; a++) if (ag_get(a, AG_PF_MEMDIE) != 0) return true;
  for (let mm = 0; mm < nMm; mm++) if (mm_get(mm, MM_OOM_KILL) == OOM_KILL_PENDING) return true;
  return false;
}

/** The slot's process is gone (do_exit's, or do_fork's replacement of the child slot's old
 *  process, at its mmput): a kill pending for it is done with. */
export function oom_process_gone(mm: i32): void {
  if (mm_get(mm, MM_OOM_KILL) != 0) mm_set(mm, MM_OOM_KILL, 0);
}

/** Whether the running agent's task was chosen by the OOM killer (PF_MEMDIE). */
@inline export function oom_killed(agent: i32): bool { return ag_get(agent, AG_PF_MEMDIE) != 0; }
