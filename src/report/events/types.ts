// Wording of trace events for diagrams. Each kernel file's events (assembly/kernel/trace.ts
// lists the id ranges) have a table here, src/report/events/<file>.ts, mapping the event id
// to a function of the record's three values. Keep wording short and in kernel terms:
// the diagram's cell is "<function>: <text>".
export type EventFormatter = (a: number, b: number, c: number, agent?: AgentName) => string;
/** How an event names an agent (a lock's owner): the diagram's column names when it has them. */
export type AgentName = (agent: number) => string;
export const plainAgentName: AgentName = (agent) => `agent ${agent}`;
export interface EventTable {
  [id: number]: EventFormatter;
}

/** A swap entry as the kernel prints it: area:offset. */
export const fmtEntry = (e: number): string => (e === 0 ? "none" : `E${e >>> 24}:${e & 0xffffff}`);
/** A physical page (frame). */
export const fmtPage = (f: number): string => (f === 0 ? "no page" : `page ${f}`);
/** A virtual page of an mm. */
export const fmtVpage = (mm: number, page: number): string => `mm${mm}[${page}]`;
export const LOCK_NAMES = ["page_table_lock", "pagemap_lru_lock", "swaplock", "sdev_lock", "pagecache_lock"];
