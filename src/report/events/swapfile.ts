// Events of assembly/mm/swapfile.ts (300-399). The diagram prints a cell as
// "<procedure>: <text>", so each text continues the procedure's name in the seed mail's
// wording: "get_swap_page: → E0:1", "swap_duplicate: E0:1 → 2".
import { type EventTable, byValue, fmtErrno, fmtPage, fmtEntry, fmtVpageWord } from "./types.js";
import { BAD, EV, P } from "../../wasm/abi.js";

const vp = fmtVpageWord;

/** swap_info_get's printk texts, by assembly/mm/swapfile.ts BAD_* reason. */
const BAD_ENTRY = byValue(BAD, {
  UNUSED_OFFSET: "Unused swap offset entry",
  OFFSET: "Bad swap offset entry",
  UNUSED_FILE: "Unused swap file entry",
  FILE: "Bad swap file entry",
  FREED_UNDER_US: "Unused swap offset entry (freed under us)",
  BAD_SLOT: "reference to a bad slot dropped",
  RW_UNUSED_OFFSET: "rw_swap_page: Unused swap offset entry",
  RW_OFFSET: "rw_swap_page: Bad swap offset entry",
  RW_UNUSED_FILE: "rw_swap_page: Unused swap file entry",
  RW_FILE: "rw_swap_page: Bad swap file entry",
});

/** 2.4.0's __swap_free printks (mm/swapfile.c; 2.4.16's swap_info_get replaced them), and
 *  its get_swaphandle_info's for the RW_* reasons, by BAD_* reason; the entry is added where 2.4.0 does not print it. A reference to a BAD slot
 *  prints nothing in either release (the model's own words, as above). */
const SWAP_FREE_240 = byValue<typeof BAD, (e: string) => string>(BAD, {
  UNUSED_OFFSET: (e: string) => `VM: Bad swap entry ${e}`,
  OFFSET: (e: string) => `offset exceeds max (${e})`,
  UNUSED_FILE: (e: string) => `Trying to free swap from unused swap-device (${e})`,
  FILE: (e: string) => `Trying to free nonexistent swap-page (${e})`,
  FREED_UNDER_US: (e: string) => `VM: Bad count 1 current count 0 (${e})`,
  BAD_SLOT: (e: string) => `reference to a bad slot dropped ${e}`,
  RW_UNUSED_OFFSET: (e: string) => `VM: Bad swap entry ${e}`,
  RW_OFFSET: (e: string) => `rw_swap_page: weirdness (${e})`,
  RW_UNUSED_FILE: (e: string) => `rw_swap_page: Trying to swap to unused swap-device (${e})`,
  RW_FILE: (e: string) => `Internal error: bad swap-device (${e})`,
});

/** get_swaphandle_info's reasons (for rw_swap_page): 2.4.0's strings by release alone. */
const RW_REASONS: ReadonlySet<number> = new Set([BAD.RW_UNUSED_OFFSET, BAD.RW_OFFSET, BAD.RW_UNUSED_FILE, BAD.RW_FILE]);

const errno = fmtErrno;

const fmtWindow = (first: number, n: number): string => (n <= 1 ? fmtEntry(first) : `${fmtEntry(first)}..${fmtEntry(first + n - 1)}`);

export const swapfileEvents: EventTable = {
  [EV.GET_SWAP_PAGE]: (e, nr) => (e === 0 ? `no swap (${nr} free)` : `→ ${fmtEntry(e)} (${nr} free)`),
  [EV.SWAP_FREE]: (e, count) => `${fmtEntry(e)} → ${count}` + (count === 0 ? ", slot free" : ""),
  [EV.BAD_ENTRY]: (e, why, count, _agent, where) =>
    where?.release === "2.4.0" && (where.proc === P.swap_free || RW_REASONS.has(why)) && SWAP_FREE_240[why]
      ? SWAP_FREE_240[why](fmtEntry(e)) + (count ? ` (count ${count})` : "")
      : `${BAD_ENTRY[why] ?? "Bad swap entry"} ${fmtEntry(e)}` + (count ? ` (count ${count})` : ""),
  [EV.SWAP_DUP]: (e, count, ok) => (ok ? `${fmtEntry(e)} → ${count}` : `${fmtEntry(e)} fails (count ${count})`),
  [EV.SWAP_DUP_OVERFLOW]: (e) => `swap entry overflow: ${fmtEntry(e)} pinned at SWAP_MAP_MAX`,
  [EV.VALID_HANDLES]: (first, n, refs) =>
    n === 0 ? "nothing to read" : `${n} slot${n === 1 ? "" : "s"} ${fmtWindow(first, n)}${refs ? ", refs taken" : ""}`,
  [EV.REMOVE_EXCLUSIVE]: (f, e, removed) => `${fmtPage(f)} (${fmtEntry(e)}) ${removed ? "removed from swap cache" : "not exclusive"}`,
  [EV.CAN_SHARE]: (f, r, count) => `${fmtPage(f)} (count ${count}) → ${r}`,
  [EV.FREE_SWAP]: (e, count) => `${fmtEntry(e)} → ${count}` + (count === 1 ? ", only the cache left" : count === 0 ? ", slot free" : ""),
  [EV.FREE_SWAP_DELETE]: (f, e) => `deletes ${fmtPage(f)} (${fmtEntry(e)}) from swap cache`,
  [EV.FREE_SWAP_TESTED]: (f, e) => `${fmtPage(f)} is in the swap cache (${fmtEntry(e)}): TryLockPage next`,
  [EV.SWAPOFF]: (a, used) => `swap area ${a} no longer allocatable, ${used} slots in use`,
  [EV.SWAPOFF_DONE]: (a) => `swap area ${a} off`,
  [EV.SWAPOFF_FAILED]: (a, err) => `try_to_unuse → ${errno(err)}: swap area ${a} back as WRITEOK`,
  [EV.SWAPOFF_EINVAL]: (a) => `swap area ${a} not active → -EINVAL`,
  [EV.UNUSE_READ]: (e, count) => `reads ${fmtEntry(e)} (count ${count})`,
  [EV.UNUSE_NOMEM]: (e, count) => `nothing read for ${fmtEntry(e)} (count ${count}) → -ENOMEM`,
  [EV.UNUSE_PTE]: (f, w, e) => `${vp(w)}: ${fmtEntry(e)} → ${fmtPage(f)}`,
  [EV.UNUSE_MAX_RESET]: (e) => `cleared swap entry overflow of ${fmtEntry(e)}`,
  [EV.UNUSE_DONE]: (e, f, count) => `${fmtEntry(e)} done, ${fmtPage(f)} left dirty (count ${count})`,
  [EV.SWAPON]: (a, pages, prio) => `Adding Swap: area ${a}, ${pages} pages (priority ${prio})`,
  [EV.SWAPON_BUSY]: (a, err) => `swap area ${a} → ${errno(err)}`,
  [EV.UNUSE_SKIP]: (e) => `${fmtEntry(e)} freed meanwhile`,
  [EV.SWAP_DUP_CHECKED]: (e, count) => `${fmtEntry(e)} in use (count ${count}), no lock held`,
  [EV.UNUSE_UNDEAD]: (e, count) => `VM: Undead swap entry ${fmtEntry(e)} (count ${count})`,
  [EV.UNUSE_CLEARED]: (e, count) => `forces ${fmtEntry(e)}'s count ${count} to 0, slot free`,
  [EV.UNUSE_PTE_DIRTY]: (f, w) => `${vp(w)} already maps ${fmtPage(f)}: pte made dirty`,
  [EV.UNUSE_RELEASED]: (e, f, count) => `${fmtEntry(e)} searched, ${fmtPage(f)} released (count ${count})`,
  [EV.UNUSE_MM_GONE]: (mm) => `mm${mm}'s process read from its task has exited since: its old mm is empty, nothing walked`,
};
