// Wording of trace events for diagrams. Each kernel file's events (assembly/kernel/trace.ts
// lists the id ranges) have a table here, src/report/events/<file>.ts, mapping the event id
// to a function of the record's three values. Keep wording short and in kernel terms:
// the diagram's cell is "<function>: <text>".
import { LK, swpOffset, swpType, VPAGE_MM_SHIFT, VPAGE_PAGE_MASK } from "../../wasm/abi.js";

export type EventFormatter = (a: number, b: number, c: number, agent?: AgentName) => string;
/** How an event names an agent (a lock's owner): the diagram's column names when it has them. */
export type AgentName = (agent: number) => string;
export const plainAgentName: AgentName = (agent) => `agent ${agent}`;
export interface EventTable {
  [id: number]: EventFormatter;
}

/** A swap entry as the kernel prints it: area:offset. */
export const fmtEntry = (e: number): string => (e === 0 ? "none" : `E${swpType(e)}:${swpOffset(e)}`);
/** A physical page (frame). */
export const fmtPage = (f: number): string => (f === 0 ? "no page" : `page ${f}`);
/** A virtual page of an mm. */
export const fmtVpage = (mm: number, page: number): string => `mm${mm}[${page}]`;
/** A virtual page packed in one trace value (assembly/kernel/trace.ts vpage). */
export const fmtVpageWord = (w: number): string => fmtVpage(w >>> VPAGE_MM_SHIFT, w & VPAGE_PAGE_MASK);
/** The kernel's name of each spinlock class (assembly/kernel/locks.ts LK_*): a class added
 *  there without a name here fails to compile. */
const LOCK_CLASS_NAMES: Record<keyof typeof LK, string> = {
  PTL: "page_table_lock",
  LRU: "pagemap_lru_lock",
  SLL: "swaplock",
  SDL: "sdev_lock",
  PCL: "pagecache_lock",
};
/** Spinlock names by class id (LK value). */
export const LOCK_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [k, cls] of Object.entries(LK)) names[cls] = LOCK_CLASS_NAMES[k as keyof typeof LK];
  return names;
})();
/** The big kernel lock's name (a lock of its own, no spinlock class). */
export const BKL_NAME = "kernel_flag (BKL)";
