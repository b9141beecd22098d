// Events of assembly/mm/memory.ts (100-199) and assembly/mm/fork.ts (600-649): the fault,
// COW, unmapping and fork steps as a kernel developer writes them in a CPU0 | CPU1 diagram.
import { type EventTable, fmtPage, fmtEntry, fmtVpage } from "./types.js";

/** memory.ts vpage(): mm << 16 | page in one trace word. */
const vp = (w: number): string => fmtVpage(w >>> 16, w & 0xffff);
const RW = ["read", "write"];

/** A pte word as the fault saw it (state.ts encoding). */
function fmtPte(pte: number): string {
  if (pte === 0) return "none";
  if ((pte & 1) === 0) return `swap ${fmtEntry(pte >>> 1)}`;
  return `${fmtPage(pte >>> 4)}${pte & 2 ? " rw" : " ro"}`;
}

// The diagram prints a cell as "<procedure>: <text>" (src/report/diagram.ts), so each text
// continues the name of the procedure that traced it: "do_swap_page: lookup_swap_cache(E0:1) misses".
export const memoryEvents: EventTable = {
  // access
  100: (w, v) => `reads ${vp(w)} = ${v}`,
  101: (w, v) => `writes ${v} to ${vp(w)}`,
  102: (w, got, want) => `reads ${vp(w)} = ${got}, last written ${want}: DATA LOST`,
  105: (w, n) => `fault at ${vp(w)} fails (${n} ${n === 1 ? "try" : "tries"}): out of memory`,
  // handle_mm_fault
  103: (w, write, pte) => `${RW[write] ?? "?"} fault at ${vp(w)}, pte ${fmtPte(pte)}`,
  104: (w) => `pte at ${vp(w)} already fixed by another thread`,
  // do_anonymous_page
  106: (w) => `maps the zero page read-only at ${vp(w)}`,
  107: (f, w) => `maps new ${fmtPage(f)} at ${vp(w)}`,
  108: (f, w) => `${vp(w)} no longer none: frees ${fmtPage(f)}`,
  128: (w) => `no page for ${vp(w)}: OOM`,
  // do_swap_page
  109: (e, f) => `lookup_swap_cache(${fmtEntry(e)}) finds ${fmtPage(f)}`,
  110: (e) => `lookup_swap_cache(${fmtEntry(e)}) misses`,
  111: (e, f) => `read_swap_cache_async(${fmtEntry(e)}) gives ${fmtPage(f)}`,
  112: (e, changed) =>
    `read_swap_cache_async(${fmtEntry(e)}) gives nothing, ${changed ? "pte changed: someone else mapped it" : "pte unchanged: OOM"}`,
  113: (e, f) => `lock_page(${fmtPage(f)}) for ${fmtEntry(e)}`,
  114: (e, f) => `${fmtPage(f)} not uptodate after lock_page (read of ${fmtEntry(e)} failed): OOM`,
  115: (e, f, w) => `pte at ${vp(w)} no longer ${fmtEntry(e)}: backs off, releases ${fmtPage(f)}`,
  116: (e) => `swap_free(${fmtEntry(e)})`,
  117: (f, e) => `vm_swap_full: deletes ${fmtPage(f)} from swap cache, frees ${fmtEntry(e)}`,
  118: (f, e, removed) => `vm_swap_full: remove_exclusive_swap_page(${fmtPage(f)}) ${removed ? `frees ${fmtEntry(e)}` : "keeps it"}`,
  119: (f, w, writable) => `maps ${fmtPage(f)} at ${vp(w)}${writable ? " writable" : ""}`,
  // do_wp_page
  120: (f, w) => `reuses ${fmtPage(f)} at ${vp(w)} in place`,
  121: (old, f, w) => `copies ${old === 0 ? "the zero page" : fmtPage(old)} to ${fmtPage(f)} at ${vp(w)}`,
  122: (_old, f, w) => `pte at ${vp(w)} changed meanwhile: frees copy ${fmtPage(f)}`,
  123: (_old, w) => `no page for the copy of ${vp(w)}: OOM`,
  // zap_page_range, do_exit, do_munmap
  124: (f, w) => `unmaps ${fmtPage(f)} from ${vp(w)}`,
  125: (e, w) => `clears ${fmtEntry(e)} from ${vp(w)}`,
  126: (mm) => `mm${mm} torn down, a new process takes the slot`,
  127: (mm, start, end) => `mm${mm}[${start}..${end}) unmapped`,
  // do_mprotect
  129: (mm, start, n) => `mm${mm} from page ${start}: ${n} ptes write-protected`,
  130: (e, f) => `${fmtPage(f)} is no longer ${fmtEntry(e)}'s swap-cache page: backs out`,
  // do_fork, copy_page_range
  600: (parent, child) => `mm${parent} → mm${child} (mm${child}'s old process exits)`,
  601: (e, w, ok) => `swap_duplicate(${fmtEntry(e)}) for ${vp(w)}${ok ? "" : " failed (copied anyway)"}`,
  602: (dst, src, n) => `mm${src} → mm${dst}, ${n} ptes`,
  603: (f, w) => `${fmtPage(f)} at ${vp(w)} write-protected (COW)`,
};
