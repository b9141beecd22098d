// Events of assembly/mm/vmscan.ts (400-499): reclaim. A virtual page travels packed as
// mm << 16 | page (vmscan.ts vpage).
import { type EventTable, fmtErrno, fmtPage, fmtEntry, fmtVpageWord } from "./types.js";
import { EV } from "../../wasm/abi.js";

const vp = fmtVpageWord;
const SKIP = ["", "active", "locked", "reserved"];
const addResult = fmtErrno;

export const vmscanEvents: EventTable = {
  [EV.TSO_YOUNG]: (v, f) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: pte young, clears it (referenced)`,
  [EV.TSO_SKIP]: (v, f, why) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: skipped (${SKIP[why] ?? why})`,
  [EV.TSO_GET_SWAP]: (v, f, e) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: get_swap_page → ${fmtEntry(e)}`,
  [EV.TSO_UNMAP]: (v, f) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: dirty, clears the pte (none until it gets a swap slot)`,
  [EV.TSO_DUP]: (v, f, e) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: in swap cache, swap_duplicate(${fmtEntry(e)})`,
  [EV.TSO_SWAP_PTE]: (v, f, e) => `${vp(v)} → swap pte ${fmtEntry(e)}, unmaps ${fmtPage(f)}`,
  [EV.TSO_RESTORE]: (v, f) => `try_to_swap_out ${vp(v)}: no swap space, pte restored to ${fmtPage(f)}`,
  [EV.TSO_RETRY]: (f, e, r) => `add_to_swap_cache(${fmtPage(f)}, ${fmtEntry(e)}) = ${addResult(r)}: swap_free(${fmtEntry(e)}), retry`,
  [EV.TSO_DROP]: (v, f) => `try_to_swap_out ${vp(v)} ${fmtPage(f)}: clean, not in the swap cache: pte dropped`,
  [EV.SWAP_OUT_MM]: (mm, cur, n) => `swap_out_mm mm${mm}: from [${cur}], wants ${n} freeable`,
  [EV.SWAP_OUT_MM_END]: (mm, cur, n) =>
    n < 0
      ? `swap_out_mm mm${mm}: we raced (${cur ? "swap_mm moved on" : "swap_address is TASK_SIZE"}), not counted`
      : `swap_out_mm mm${mm} stops at ${cur < 0 ? "the end (swap_address = TASK_SIZE)" : `[${cur}]`}: ${n} freeable`,
  [EV.SWAP_AMOUNT_MM]: (mm, cur, n) => `swap_out_mm mm${mm}: from [${cur}], walks ${n} present ptes (swap_amount)`,
  [EV.SWAP_AMOUNT_MM_END]: (mm, cur, n) =>
    `swap_out_mm mm${mm} stops ${cur < 0 ? "at the end (swap_address reset to 0)" : `at [${cur}], its ptes walked`}: ${n} freeable`,
  [EV.SWAP_CNT_MM]: (mm, cur, n) => `swap_out_mm mm${mm}: from [${cur}], swap_cnt ${n}`,
  [EV.SWAP_CNT_MM_END]: (mm, cur, stop) =>
    stop
      ? `swap_out_mm mm${mm} stops at [${cur}]: swap_cnt spent (returns 1)`
      : `swap_out_mm mm${mm} stops at ${cur < 0 ? "the end (swap_address and swap_cnt reset to 0)" : `[${cur}]`}`,
  [EV.SWAP_CNT_SELECT]: (mm, cnt, assign) =>
    mm < 0
      ? `swap_out: no mm with swap_cnt left${assign ? " after refreshing them from rss" : ""}`
      : `swap_out picks mm${mm}, the largest swap_cnt (${cnt})${assign ? " after refreshing them from rss" : ""}`,
  [EV.SHRINK]: (nr, prio, scan) => `shrink_cache(${nr}, priority ${prio}): scans up to ${scan}`,
  [EV.SHRINK_WRITE]: (f, e) => `shrink_cache: dirty ${fmtPage(f)} (${fmtEntry(e)}) → swap_writepage`,
  [EV.SHRINK_FREE]: (f, e) => `shrink_cache frees ${fmtPage(f)} (${fmtEntry(e)})`,
  [EV.SHRINK_BUSY]: (f, count) => `shrink_cache: ${fmtPage(f)} busy (count ${count}), kept`,
  [EV.SHRINK_SWAP_OUT]: (prio) => `shrink_cache: too many mapped pages, swap_out(priority ${prio})`,
  [EV.SHRINK_WAIT]: (f, e) => `shrink_cache waits for the write of ${fmtPage(f)} (${fmtEntry(e)})`,
  [EV.SHRINK_END]: (nr) => `shrink_cache done, ${nr} still wanted`,
  [EV.REFILL]: (moved, nr) => `refill_inactive(${nr}): ${moved} to the inactive list`,
  [EV.LAUNDER_CLEAN]: (f, e) => `page_launder: clean ${fmtPage(f)} (${fmtEntry(e)}) to inactive_clean, reclaim_page next`,
  [EV.TTFP]: (nr) => `try_to_free_pages: wants ${nr}`,
  [EV.TTFP_END]: (freed, prio) => `try_to_free_pages freed ${freed} (priority ${prio})`,
  [EV.KSWAPD_RUN]: (free, high) => `kswapd runs (need_balance set; ${free} free, pages_high ${high - 1})`,
  [EV.KSWAPD_SLEEP]: (free) => `kswapd sleeps (${free} free)`,
  [EV.KSWAPD_TIMEOUT]: (free, steps) =>
    `kswapd: the pass fell short (${free} free): need_balance = 0, schedule_timeout(HZ), no wakeup reaches it for ${steps} steps`,
};
