// Events of assembly/mm/swap_state.ts (200-299). The diagram prints a cell as
// "<procedure>: <text>", so each text continues the procedure's name the way the seed mail
// writes its diagrams: "add_to_swap_cache: (page 5, E0:1) → -EEXIST, page 3 got in first".
import { type EventTable, fmtPage, fmtEntry } from "./types.js";

/** The entries of a readahead window: "E0:8..E0:15". */
const fmtWindow = (first: number, n: number): string => (n <= 1 ? fmtEntry(first) : `${fmtEntry(first)}..${fmtEntry(first + n - 1)}`);

const call = (f: number, e: number): string => `(${fmtPage(f)}, ${fmtEntry(e)})`;

export const swapStateEvents: EventTable = {
  200: (e, f) => `lookup ${fmtEntry(e)} → ${fmtPage(f)}`,
  201: (e) => `lookup ${fmtEntry(e)} misses`,
  202: (f, e, n) => `${call(f, e)} → 0` + (n > 1 ? `: ${n} pages now cached for ${fmtEntry(e)}` : ""),
  203: (f, e, other) => `${call(f, e)} → -EEXIST, ${fmtPage(other)} got in first`,
  204: (f, e) => `${call(f, e)} → -ENOENT, ${fmtEntry(e)} was freed`,
  205: (f, e) => `removes ${fmtPage(f)} (${fmtEntry(e)}), frees the slot`,
  206: (e, first, n) => (n === 0 ? `nothing to read around ${fmtEntry(e)}` : `window ${fmtWindow(first, n)} around ${fmtEntry(e)}`),
  207: (f, e, other) => `${fmtEntry(e)} got ${fmtPage(other)} meanwhile: drops its new ${fmtPage(f)}`,
  208: (f, e) => `swap_duplicate(${fmtEntry(e)}) failed: drops new ${fmtPage(f)}`,
  209: (f, e) => `${fmtEntry(e)} exclusive: freed from cache, no write of ${fmtPage(f)}`,
  210: (e) => `stops at ${fmtEntry(e)}`,
  211: (e, f) => `${fmtPage(f)} left the cache while we waited for its lock: looks up ${fmtEntry(e)} again`,
  212: (e, n, limit) => `stops before ${fmtEntry(e)}: ${n} async swap I/Os in flight (limit ${limit})`,
  213: (f, e) => `read of ${fmtEntry(e)} into ${fmtPage(f)} done`,
};
