// Events of assembly/mm/swapfile.ts (300-399). The diagram prints a cell as
// "<procedure>: <text>", so each text continues the procedure's name in the seed mail's
// wording: "get_swap_page: → E0:1", "swap_duplicate: E0:1 → 2".
import { type EventTable, fmtPage, fmtEntry, fmtVpage } from "./types.js";

/** memory.ts vpage(): mm << 16 | page in one trace word. */
const vp = (w: number): string => fmtVpage(w >>> 16, w & 0xffff);

/** swap_info_get's printk texts, by swapfile.ts BAD_* reason. */
const BAD_ENTRY = [
  "Unused swap offset entry",
  "Bad swap offset entry",
  "Unused swap file entry",
  "Bad swap file entry",
  "Unused swap offset entry (freed under us)",
  "reference to a bad slot dropped",
];

const ERRNO: Record<number, string> = { [-12]: "-ENOMEM", [-16]: "-EBUSY", [-22]: "-EINVAL" };
const errno = (e: number): string => ERRNO[e] ?? String(e);

const fmtWindow = (first: number, n: number): string => (n <= 1 ? fmtEntry(first) : `${fmtEntry(first)}..${fmtEntry(first + n - 1)}`);

export const swapfileEvents: EventTable = {
  300: (e, nr) => (e === 0 ? `no swap (${nr} free)` : `→ ${fmtEntry(e)} (${nr} free)`),
  301: (e, count) => `${fmtEntry(e)} → ${count}` + (count === 0 ? ", slot free" : ""),
  302: (e, why, count) => `${BAD_ENTRY[why] ?? "Bad swap entry"} ${fmtEntry(e)}` + (count ? ` (count ${count})` : ""),
  303: (e, count, ok) => (ok ? `${fmtEntry(e)} → ${count}` : `${fmtEntry(e)} fails (count ${count})`),
  304: (e) => `swap entry overflow: ${fmtEntry(e)} pinned at SWAP_MAP_MAX`,
  305: (first, n, refs) =>
    n === 0 ? "nothing to read" : `${n} slot${n === 1 ? "" : "s"} ${fmtWindow(first, n)}${refs ? ", refs taken" : ""}`,
  306: (f, e, removed) => `${fmtPage(f)} (${fmtEntry(e)}) ${removed ? "removed from swap cache" : "not exclusive"}`,
  307: (f, r, count) => `${fmtPage(f)} (count ${count}) → ${r}`,
  308: (e, count) => `${fmtEntry(e)} → ${count}` + (count === 1 ? ", only the cache left" : count === 0 ? ", slot free" : ""),
  309: (f, e) => `deletes ${fmtPage(f)} (${fmtEntry(e)}) from swap cache`,
  310: (a, used) => `swap area ${a} no longer allocatable, ${used} slots in use`,
  311: (a) => `swap area ${a} off`,
  312: (a, err) => `try_to_unuse → ${errno(err)}: swap area ${a} back as WRITEOK`,
  313: (a) => `swap area ${a} not active → -EINVAL`,
  314: (e, count) => `reads ${fmtEntry(e)} (count ${count})`,
  315: (e, count) => `nothing read for ${fmtEntry(e)} (count ${count}) → -ENOMEM`,
  316: (f, w, e) => `${vp(w)}: ${fmtEntry(e)} → ${fmtPage(f)}`,
  317: (e) => `cleared swap entry overflow of ${fmtEntry(e)}`,
  318: (e, f, count) => `${fmtEntry(e)} done, ${fmtPage(f)} left dirty (count ${count})`,
  319: (a, pages, prio) => `Adding Swap: area ${a}, ${pages} pages (priority ${prio})`,
  320: (a, err) => `swap area ${a} → ${errno(err)}`,
  321: (e) => `${fmtEntry(e)} freed meanwhile`,
  322: (e, count) => `${fmtEntry(e)} in use (count ${count}), no lock held`,
  323: (e, count) => `VM: Undead swap entry ${fmtEntry(e)} (count ${count})`,
  324: (e, count) => `forces ${fmtEntry(e)}'s count ${count} to 0, slot free`,
  325: (f, w) => `${vp(w)} already maps ${fmtPage(f)}: pte made dirty`,
  326: (e, f, count) => `${fmtEntry(e)} searched, ${fmtPage(f)} released (count ${count})`,
};
