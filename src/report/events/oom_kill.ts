// Events of assembly/mm/oom_kill.ts (700-749): the OOM killer (flag oom-kill).
import { type EventTable, fmtOp } from "./types.js";
import { EV } from "../../wasm/abi.js";

/** The CPUs of a bit mask, "0, 2". */
const cpuList = (mask: number): string =>
  Array.from({ length: 16 }, (_, i) => i)
    .filter((i) => (mask >>> i) & 1)
    .join(", ");

export const oomKillEvents: EventTable = {
  [EV.OOM_KILL]: (mm, points, tasks) =>
    `out_of_memory: oom_kill chooses mm${mm}'s process, the oldest (${points} points): SIGKILL, PF_MEMDIE to its ${tasks} task${tasks === 1 ? "" : "s"}`,
  [EV.OOM_SIGKILL]: (mm, op) => `mm${mm}'s process takes its SIGKILL: exits (then ${fmtOp(op)})`,
  [EV.OOM_EXIT_TO_USER]: (mm) => `back to user space in mm${mm} with SIGKILL pending: the access is not retried`,
  [EV.OOM_COUNTED]: (n, since) => `out_of_memory: failure ${n} of 10, ${since} jiffies since the first: not OOM yet`,
  [EV.OOM_AGAIN]: (tasks) =>
    `out_of_memory: oom_kill chooses a task it killed before, still in the kernel (CPUs ${cpuList(tasks)}): nothing new`,
  [EV.OOM_KILL_TASK]: (cpu) =>
    `out_of_memory: oom_kill's process is one the model cannot reach (its tasks held up by mm slots) or none: CPU${cpu}'s task alone gets PF_MEMDIE`,
  [EV.OOM_EXIT_GONE]: (mm) => `do_exit: mm${mm}'s killed process went another way meanwhile: nothing to exit`,
  [EV.OOM_SELECT]: (mm, points) =>
    `out_of_memory: select_bad_process chooses mm${mm}'s process, the oldest (${points} points), and drops tasklist_lock`,
  [EV.OOM_KILL_ORPHAN]: (mm, tasks) => {
    const many = (tasks & (tasks - 1)) !== 0;
    return (
      `out_of_memory: oom_kill chooses mm${mm}'s process, the oldest, which the model has exited while CPU${many ? "s" : ""} ` +
      `${cpuList(tasks)} still run${many ? "" : "s"} its ops (2.4.16's exit ends one thread, the others keep its mm): SIGKILL, PF_MEMDIE to ${many ? "them" : "it"}`
    );
  },
  [EV.OOM_EXIT_ADOPTED]: (mm, cpu) =>
    `oom_kill: mm${mm}'s process has no task the model runs (no CPU's ops name it): idle CPU${cpu} runs its exit, as its own thread would on taking SIGKILL`,
  [EV.OOM_KILL_NO_MM]: (mm) =>
    `oom_kill's loop: mm${mm}'s chosen process has passed exit_mm since select_bad_process, so p->mm is NULL: every task without an mm gets SIGKILL and PF_MEMDIE`,
};
