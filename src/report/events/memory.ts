// Events of assembly/mm/memory.ts (100-199) and assembly/mm/fork.ts (600-649): the fault,
// COW, unmapping and fork steps as a kernel developer writes them in a CPU0 | CPU1 diagram.
import { type EventTable, fmtPage, fmtEntry, fmtVpageWord } from "./types.js";
import { EV, PTE, pteEntry, pteFrame, pteIsSwap } from "../../wasm/abi.js";

const vp = fmtVpageWord;
const RW = ["read", "write"];

/** A pte word as the fault saw it (state.ts encoding). */
function fmtPte(pte: number): string {
  if (pte === 0) return "none";
  if (pteIsSwap(pte)) return `swap ${fmtEntry(pteEntry(pte))}`;
  return `${fmtPage(pteFrame(pte))}${pte & PTE.RW ? " rw" : " ro"}`;
}

// The diagram prints a cell as "<procedure>: <text>" (src/report/diagram.ts), so each text
// continues the name of the procedure that traced it: "do_swap_page: lookup_swap_cache(E0:1) misses".
export const memoryEvents: EventTable = {
  // access
  [EV.READ]: (w, v) => `reads ${vp(w)} = ${v}`,
  [EV.WRITE]: (w, v) => `writes ${v} to ${vp(w)}`,
  [EV.DATA_LOST]: (w, got, want) => `reads ${vp(w)} = ${got}, last written ${want}: DATA LOST`,
  [EV.FAULT_OOM]: (w, n) => `fault at ${vp(w)} fails (${n} ${n === 1 ? "try" : "tries"}): out of memory`,
  // handle_mm_fault
  [EV.FAULT]: (w, write, pte) => `${RW[write] ?? "?"} fault at ${vp(w)}, pte ${fmtPte(pte)}`,
  [EV.FAULT_FIXED]: (w) => `pte at ${vp(w)} already fixed by another thread`,
  // do_anonymous_page
  [EV.ZERO_MAP]: (w) => `maps the zero page read-only at ${vp(w)}`,
  [EV.ANON_MAP]: (f, w) => `maps new ${fmtPage(f)} at ${vp(w)}`,
  [EV.ANON_RACE]: (f, w) => `${vp(w)} no longer none: frees ${fmtPage(f)}`,
  [EV.ANON_OOM]: (w) => `no page for ${vp(w)}: OOM`,
  // do_swap_page
  [EV.SWAP_HIT]: (e, f) => `lookup_swap_cache(${fmtEntry(e)}) finds ${fmtPage(f)}`,
  [EV.SWAP_MISS]: (e) => `lookup_swap_cache(${fmtEntry(e)}) misses`,
  [EV.SWAP_READ]: (e, f) => `read_swap_cache_async(${fmtEntry(e)}) gives ${fmtPage(f)}`,
  // A release without oom-recheck (2.4.0) reports OOM without reading the pte again.
  [EV.SWAP_READ_NONE]: (e, changed, rechecked) =>
    `read_swap_cache_async(${fmtEntry(e)}) gives nothing, ${!rechecked ? "OOM (the pte is not read again)" : changed ? "pte changed: someone else mapped it" : "pte unchanged: OOM"}`,
  [EV.SWAP_LOCKED]: (e, f) => `lock_page(${fmtPage(f)}) for ${fmtEntry(e)}`,
  [EV.SWAP_NOT_UPTODATE]: (e, f) => `${fmtPage(f)} not uptodate after lock_page (read of ${fmtEntry(e)} failed): OOM`,
  [EV.PTE_CHANGED]: (e, f, w) => `pte at ${vp(w)} no longer ${fmtEntry(e)}: backs off, releases ${fmtPage(f)}`,
  [EV.FAULT_SWAP_FREE]: (e) => `swap_free(${fmtEntry(e)})`,
  [EV.SWAP_FULL_DELETE]: (f, e) => `vm_swap_full: deletes ${fmtPage(f)} from swap cache, frees ${fmtEntry(e)}`,
  [EV.FAULT_REMOVE_EXCLUSIVE]: (f, e, removed) =>
    `vm_swap_full: remove_exclusive_swap_page(${fmtPage(f)}) ${removed ? `frees ${fmtEntry(e)}` : "keeps it"}`,
  [EV.SWAP_MAP]: (f, w, writable) => `maps ${fmtPage(f)} at ${vp(w)}${writable ? " writable" : ""}`,
  // do_wp_page
  [EV.WP_REUSE]: (f, w) => `reuses ${fmtPage(f)} at ${vp(w)} in place`,
  [EV.WP_COPY]: (old, f, w) => `copies ${old === 0 ? "the zero page" : fmtPage(old)} to ${fmtPage(f)} at ${vp(w)}`,
  [EV.WP_RACE]: (_old, f, w) => `pte at ${vp(w)} changed meanwhile: frees copy ${fmtPage(f)}`,
  [EV.WP_OOM]: (_old, w) => `no page for the copy of ${vp(w)}: OOM`,
  // zap_page_range, do_exit, do_munmap
  [EV.ZAP_PAGE]: (f, w, gathered) =>
    gathered ? `unmaps ${fmtPage(f)} from ${vp(w)}, keeps it in the mmu_gather` : `unmaps ${fmtPage(f)} from ${vp(w)}`,
  [EV.ZAP_GATHERED_FREE]: (f, w) => `tlb_finish_mmu frees ${fmtPage(f)} (was at ${vp(w)})`,
  [EV.ZAP_SWAP]: (e, w) => `clears ${fmtEntry(e)} from ${vp(w)}`,
  [EV.EXIT]: (mm) => `mm${mm} torn down, a new process takes the slot`,
  [EV.MUNMAP]: (mm, start, end) => `mm${mm}[${start}..${end}) unmapped`,
  // do_mprotect
  [EV.MPROTECT]: (mm, start, n) => `mm${mm} from page ${start}: ${n} ptes write-protected`,
  [EV.SWAPIN_NOT_CACHED]: (e, f) => `${fmtPage(f)} is no longer ${fmtEntry(e)}'s swap-cache page: backs out`,
  // do_fork, copy_page_range
  [EV.FORK]: (parent, child) => `mm${parent} → mm${child} (mm${child}'s old process exits)`,
  [EV.COPY_SWAP]: (e, w, ok) => `swap_duplicate(${fmtEntry(e)}) for ${vp(w)}${ok ? "" : " failed (copied anyway)"}`,
  [EV.COPY_DONE]: (dst, src, n) => `mm${src} → mm${dst}, ${n} ptes`,
  [EV.COPY_PAGE]: (f, child, parent) => `${vp(parent)}'s ${fmtPage(f)} shared with ${vp(child)}`,
  [EV.COPY_COW]: (f, w) => `${fmtPage(f)} at ${vp(w)} write-protected (COW)`,
  [EV.COPY_EMPTY]: (child, parent) => `copies ${vp(parent)} as none (no page_table_lock): ${vp(child)} left empty`,
  [EV.COPY_REREAD]: (child, f, pte) =>
    `the parent's pte changed since it read ${fmtPage(f)} (no page_table_lock): ${vp(child)} gets ${fmtPte(pte)}, ${fmtPage(f)}'s reference taken anyway`,
  [EV.COPY_WRPROTECT_SWAP]: (w, e, hit) =>
    `ptep_set_wrprotect on ${vp(w)}, now swap ${fmtEntry(e)} (no page_table_lock): i386's RW bit is the swap type's low bit, ${fmtEntry(hit)}`,
  // mmput, exit_mmap: the mm_users pins
  [EV.MMPUT_PINNED]: (mm, users) =>
    `mmput(mm${mm}) leaves mm_users ${users}: pinned, its ptes stay until the last pin's mmput runs exit_mmap`,
  [EV.EXIT_MMAP]: (mm) => `last mmput(mm${mm}): exit_mmap runs here`,
  [EV.EXIT_MM]: (mm) => `exit_mm: tsk->mm = NULL, the last mmput(mm${mm}): exit_mmap follows`,
  [EV.SLOT_WAIT]: (mm, users) =>
    `mm${mm}'s next process waits: the old mm is not gone yet (mm_users ${users}, or its exit_mmap still running)`,
};
