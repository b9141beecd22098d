// Whether a bug-on in oom_kill took the route of 2.4.16's unpinned victim (catalogue race
// oom-kthreads; docs/kernel-notes.md, "The OOM killer's victim that exits"), read from the
// traced replay of the failing execution. 2.4.16's oom_kill (mm/oom_kill.c) calls
// select_bad_process, which takes and drops tasklist_lock, then retakes it for its loop
// `if (q->mm == p->mm) oom_kill_task(q)`; nothing pins p, and exit_mm takes no tasklist_lock,
// so the chosen process may pass exit_mm in between: p->mm is then NULL and the loop kills
// every task without an mm, the kernel threads (Anton Blanchard, linux-mm, 5 Jul 2003; for
// 2.4, William Lee Irwin III's pin of p->mm under task_lock, 12 Aug 2004: flag oom-pin-mm).
import { EV, type TraceRecord, findLast } from "../report/trace.js";

/** Where a process passes exit_mm in a trace (do_exit, or a fork replacing the slot's
 *  process): its last mmput (EXIT_MM), or a put that a pin outlives (MMPUT_PINNED). */
const EXIT_MM_EVENTS: readonly number[] = [EV.EXIT_MM, EV.MMPUT_PINNED];

/** The steps of one such kill. */
export interface OomNoMmRoute {
  /** The mm slot whose process select_bad_process chose. */
  mm: number;
  killer: { agent: number; selected: number; looped: number };
  /** The chosen process's teardown on another agent in between, when the trace shows it. */
  exit?: { agent: number; step: number };
  why: string;
}

/** Where the route's steps are in the trace (record indexes): the loop's read of a NULL mm by
 *  agent, the select before it that chose the same mm, and the chosen process's exit_mm on
 *  another agent between them (-1 when the trace does not show it); undefined without both. */
export function oomNoMmAt(records: readonly TraceRecord[], agent: number): { looped: number; selected: number; exit: number } | undefined {
  const looped = findLast(records, records.length, (r) => r.agent === agent && r.event === EV.OOM_KILL_NO_MM);
  if (looped < 0) return undefined;
  const mm = records[looped].a;
  const selected = findLast(records, looped, (r) => r.agent === agent && r.event === EV.OOM_SELECT);
  if (selected < 0 || records[selected].a !== mm) return undefined;
  const exit = records.findIndex(
    (r, i) => i > selected && i < looped && r.agent !== agent && EXIT_MM_EVENTS.includes(r.event) && r.a === mm,
  );
  return { looped, selected, exit };
}

/** The route of the oom_kill BUG agent hit (records in step order), or undefined. */
export function classifyOomNoMm(records: readonly TraceRecord[], agent: number): OomNoMmRoute | undefined {
  const at = oomNoMmAt(records, agent);
  if (!at) return undefined;
  const { looped, selected, exit } = at;
  const mm = records[looped].a;
  const s = records[selected].step;
  const l = records[looped].step;
  const gone = exit >= 0 ? `mm${mm}'s process passed exit_mm (step ${records[exit].step})` : `mm${mm}'s process passed exit_mm`;
  return {
    mm,
    killer: { agent, selected: s, looped: l },
    ...(exit >= 0 ? { exit: { agent: records[exit].agent, step: records[exit].step } } : {}),
    why:
      `select_bad_process chose mm${mm}'s process and dropped tasklist_lock (step ${s}); ${gone}; ` +
      `oom_kill's loop read p->mm as NULL and killed every task without an mm (step ${l})`,
  };
}
