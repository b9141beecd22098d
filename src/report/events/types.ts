// Wording of trace events for diagrams. Each kernel file's events (assembly/kernel/trace.ts
// lists the id ranges) have a table here, src/report/events/<file>.ts, mapping the event id
// to a function of the record's three values. Keep wording short and in kernel terms:
// the diagram's cell is "<function>: <text>".
import {
  EBUSY,
  EEXIST,
  EINVAL,
  ENOENT,
  ENOMEM,
  LK,
  OP,
  opArg,
  opKind,
  opMm,
  opPage,
  swpOffset,
  swpType,
  VPAGE_MM_SHIFT,
  VPAGE_PAGE_MASK,
} from "../../wasm/abi.js";

/** Whose wording an event takes where the releases' printks differ (swap_free's reports:
 *  2.4.0's __swap_free or 2.4.16's swap_info_get; src/model/models.ts printkReleaseOf). */
export type PrintkRelease = "2.4.0" | "2.4.16";
/** Where an event was traced: the release's wording and the procedure that traced it. */
export interface EventWhere {
  release: PrintkRelease;
  /** The record's procedure (abi.ts P), or -1 when unknown. */
  proc: number;
}
export type EventFormatter = (a: number, b: number, c: number, agent?: AgentName, where?: EventWhere) => string;
/** How an event names an agent (a lock's owner): the diagram's column names when it has them. */
export type AgentName = (agent: number) => string;
export const plainAgentName: AgentName = (agent) => `agent ${agent}`;
export interface EventTable {
  [id: number]: EventFormatter;
}

/** A swap entry as the kernel prints it: area:offset. */
export const fmtEntry = (e: number): string => (e === 0 ? "none" : `E${swpType(e)}:${swpOffset(e)}`);
/** The errors procedures return (assembly/kernel/procs.ts), as the kernel spells them. */
const ERRNO: Record<number, string> = {
  [ENOENT]: "-ENOENT",
  [ENOMEM]: "-ENOMEM",
  [EEXIST]: "-EEXIST",
  [EINVAL]: "-EINVAL",
  [EBUSY]: "-EBUSY",
};
/** A procedure's result: 0, a kernel error by name, or the number. */
export const fmtErrno = (r: number): string => ERRNO[r] ?? String(r);
/** A physical page (frame). */
export const fmtPage = (f: number): string => (f === 0 ? "no page" : `page ${f}`);
/** A virtual page of an mm. */
export const fmtVpage = (mm: number, page: number): string => `mm${mm}[${page}]`;
/** A virtual page packed in one trace value (assembly/kernel/trace.ts vpage). */
export const fmtVpageWord = (w: number): string => fmtVpage(w >>> VPAGE_MM_SHIFT, w & VPAGE_PAGE_MASK);

/** An op word as a developer reads it: "write mm0[3]". */
export function fmtOp(op: number): string {
  const k = opKind(op);
  const mm = opMm(op);
  switch (k) {
    case OP.READ:
      return `read ${fmtVpage(mm, opPage(op))}`;
    case OP.WRITE:
      return `write ${fmtVpage(mm, opPage(op))}`;
    case OP.FORK:
      return `fork mm${mm} → mm${opArg(op)}`;
    case OP.EXIT:
      return `exit mm${mm}`;
    case OP.MUNMAP:
      return `munmap ${fmtVpage(mm, opPage(op))}+${opArg(op)}`;
    case OP.SWAPOFF:
      return `swapoff area ${opArg(op)}`;
    case OP.SWAPON:
      return `swapon area ${opArg(op)}`;
    case OP.WPROTECT:
      return `write-protect ${fmtVpage(mm, opPage(op))}+${opArg(op)}`;
  }
  return `op ${op}`;
}
/** The kernel's name of each spinlock class (assembly/kernel/locks.ts LK_*): a class added
 *  there without a name here fails to compile. */
const LOCK_CLASS_NAMES: Record<keyof typeof LK, string> = {
  PTL: "page_table_lock",
  LRU: "pagemap_lru_lock",
  SLL: "swaplock",
  SDL: "sdev_lock",
  PCL: "pagecache_lock",
  MMLIST: "mmlist_lock",
  TASKLIST: "tasklist_lock",
};
/** Wording of a generated group's members (abi.generated.ts), as a list indexed by value:
 *  `words` is keyed by the members' names, so a member added in assembly/ without its
 *  wording here fails to compile. */
export function byValue<G extends Record<string, number>, T = string>(group: G, words: Record<keyof G, T>): readonly T[] {
  const out: T[] = [];
  for (const [k, v] of Object.entries(group)) out[v] = words[k as keyof G];
  return out;
}

/** Spinlock names by class id (LK value). */
export const LOCK_NAMES = byValue(LK, LOCK_CLASS_NAMES);
/** The big kernel lock's name (a lock of its own, no spinlock class). */
export const BKL_NAME = "kernel_flag (BKL)";
