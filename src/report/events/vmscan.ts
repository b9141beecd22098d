// Events of assembly/mm/vmscan.ts (400-499): reclaim. A virtual page travels packed as
// mm << 16 | page (vmscan.ts vpage).
import { type EventTable, fmtPage, fmtEntry, fmtVpage } from "./types.js";

const vp = (v: number): string => fmtVpage(v >>> 16, v & 0xffff);
const SKIP = ["", "active", "locked", "reserved"];
const addResult = (r: number): string => (r === 0 ? "0" : r === -17 ? "-EEXIST" : r === -2 ? "-ENOENT" : String(r));

export const vmscanEvents: EventTable = {
  400: (v, f) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: pte young, clears it (referenced)`,
  401: (v, f, why) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: skipped (${SKIP[why] ?? why})`,
  402: (v, f, e) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: get_swap_page → ${fmtEntry(e)}`,
  404: (v, f, e) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: in swap cache, swap_duplicate(${fmtEntry(e)})`,
  405: (v, f, e) => `${vp(v)} → swap pte ${fmtEntry(e)}, unmaps ${fmtPage(f)}`,
  406: (v, f) => `try_to_swap_out ${vp(v)}: no swap space, pte restored to ${fmtPage(f)}`,
  407: (f, e, r) => `add_to_swap_cache(${fmtPage(f)}, ${fmtEntry(e)}) = ${addResult(r)}: swap_free(${fmtEntry(e)}), retry`,
  408: (v, f) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: clean, not in the swap cache: pte dropped`,
  410: (mm, cur, n) => `swap_out_mm mm${mm}: from [${cur}], wants ${n} freeable`,
  411: (mm, cur, n) => `swap_out_mm mm${mm} stops at [${cur}]: ${n} freeable`,
  420: (nr, prio, scan) => `shrink_cache(${nr}, priority ${prio}): scans up to ${scan}`,
  421: (f, e) => `shrink_cache: dirty ${fmtPage(f)} (${fmtEntry(e)}) → swap_writepage`,
  422: (f, e) => `shrink_cache frees ${fmtPage(f)} (${fmtEntry(e)})`,
  423: (f, count) => `shrink_cache: ${fmtPage(f)} busy (count ${count}), kept`,
  424: (prio) => `shrink_cache: too many mapped pages, swap_out(priority ${prio})`,
  425: (f, e) => `shrink_cache waits for the write of ${fmtPage(f)} (${fmtEntry(e)})`,
  426: (nr) => `shrink_cache done, ${nr} still wanted`,
  427: (moved, nr) => `refill_inactive(${nr}): ${moved} to the inactive list`,
  430: (nr) => `try_to_free_pages: wants ${nr}`,
  431: (freed, prio) => `try_to_free_pages freed ${freed} (priority ${prio})`,
  440: (free, high) => `kswapd runs (${free} free < ${high})`,
  441: (free) => `kswapd sleeps (${free} free)`,
};
