// Events of assembly/mm/swap_state.ts (200-299). The diagram prints a cell as
// "<procedure>: <text>", so each text continues the procedure's name the way the seed mail
// writes its diagrams: "add_to_swap_cache: (page 5, E0:1) → -EEXIST, page 3 got in first".
import { type EventTable, fmtPage, fmtEntry } from "./types.js";
import { EV, PG } from "../../wasm/abi.js";

/** The entries of a readahead window: "E0:8..E0:15". */
const fmtWindow = (first: number, n: number): string => (n <= 1 ? fmtEntry(first) : `${fmtEntry(first)}..${fmtEntry(first + n - 1)}`);

const call = (f: number, e: number): string => `(${fmtPage(f)}, ${fmtEntry(e)})`;

/** The page bits a plain store undid, each as it now stands: "PG_active cleared". */
const fmtLost = (lost: number, stored: number): string =>
  Object.entries(PG)
    .filter(([, bit]) => (lost & bit) !== 0)
    .map(([name, bit]) => `PG_${name.toLowerCase()} ${(stored & bit) !== 0 ? "set again" : "cleared"}`)
    .join(", ");

export const swapStateEvents: EventTable = {
  [EV.LOOKUP_HIT]: (e, f) => `lookup ${fmtEntry(e)} → ${fmtPage(f)}`,
  [EV.LOOKUP_MISS]: (e) => `lookup ${fmtEntry(e)} misses`,
  [EV.ADD]: (f, e, n) => `${call(f, e)} → 0` + (n > 1 ? `: ${n} pages now cached for ${fmtEntry(e)}` : ""),
  [EV.ADD_EEXIST]: (f, e, other) => `${call(f, e)} → -EEXIST, ${fmtPage(other)} got in first`,
  [EV.ADD_ENOENT]: (f, e) => `${call(f, e)} → -ENOENT, ${fmtEntry(e)} was freed`,
  // The delete drops the cache's slot reference through swap_free, which frees the slot only at 0.
  [EV.DELETE]: (f, e) => `removes ${fmtPage(f)} (${fmtEntry(e)}), swap_free next`,
  [EV.READAHEAD]: (e, first, n) =>
    n === 0 ? `nothing to read around ${fmtEntry(e)}` : `window ${fmtWindow(first, n)} around ${fmtEntry(e)}`,
  [EV.READ_BACKOFF]: (f, e, other) => `${fmtEntry(e)} got ${fmtPage(other)} meanwhile: drops its new ${fmtPage(f)}`,
  [EV.READ_NOSLOT]: (f, e) => `swap_duplicate(${fmtEntry(e)}) failed: drops new ${fmtPage(f)}`,
  [EV.WRITE_NOT_NEEDED]: (f, e) => `${fmtEntry(e)} exclusive: freed from cache, no write of ${fmtPage(f)}`,
  [EV.READAHEAD_STOP]: (e) => `stops at ${fmtEntry(e)}`,
  [EV.LOOKUP_RACED]: (e, f) => `${fmtPage(f)} left the cache while we waited for its lock: looks up ${fmtEntry(e)} again`,
  [EV.READAHEAD_THROTTLED]: (e, n, limit) => `stops before ${fmtEntry(e)}: ${n} async swap I/Os in flight (limit ${limit})`,
  [EV.READ_WAIT_DONE]: (f, e) => `read of ${fmtEntry(e)} into ${fmtPage(f)} done`,
  [EV.SET_DIRTY]: (f) => `set_page_dirty: ${fmtPage(f)} to the dirty list under pagecache_lock`,
  [EV.SET_DIRTY_GONE]: (f) => `set_page_dirty: ${fmtPage(f)} left the swap cache (mapping read again under pagecache_lock): nothing moved`,
  [EV.ADD_FLAGS_LOST]: (f, lost, stored) => `__add_to_page_cache stores ${fmtPage(f)}'s flags read before: ${fmtLost(lost, stored)}`,
  [EV.ADD_FLAGS_LOST_OLD]: (f, lost, stored) => `add_to_swap_cache stores ${fmtPage(f)}'s flags read before: ${fmtLost(lost, stored)}`,
};
