// Wording of the violations the model records itself (G.VIOL*, assembly/kernel/check.ts bug()):
// src/invariants/check.ts modelViolation decodes the record and says it with these.
import { PROC_NAMES, BUG, LO, BAD, P } from "../wasm/abi.js";
import { byValue, type EventWhere, fmtEntry, fmtPage, fmtVpage, LOCK_NAMES } from "./events/types.js";
import type { ViolationId } from "../invariants/ids.js";

// assembly/mm/swapfile.ts swap_info_get's printk reasons (the third value of V_FREE_SLOT / V_BAD_SLOT).
export const BAD_ENTRY_REASONS = byValue(BAD, {
  UNUSED_OFFSET: "Unused swap offset entry (the slot is free)",
  OFFSET: "Bad swap offset entry",
  UNUSED_FILE: "Unused swap file entry",
  FILE: "Bad swap file entry",
  FREED_UNDER_US: "slot freed under us (count 0 once sdev_lock was held)",
  BAD_SLOT: "reference to a SWAP_MAP_BAD slot",
  RW_UNUSED_OFFSET: "rw_swap_page: Unused swap offset entry (the slot is free; no I/O)",
  RW_OFFSET: "rw_swap_page: Bad swap offset entry (no I/O)",
  RW_UNUSED_FILE: "rw_swap_page: Unused swap file entry (no I/O)",
  RW_FILE: "rw_swap_page: Bad swap file entry (no I/O)",
});

/** The same reasons in 2.4.0's __swap_free wording (mm/swapfile.c), for its swap_free, and
 *  2.4.0's get_swaphandle_info's (rw_swap_page's) for the RW_* reasons. */
export const BAD_ENTRY_REASONS_240 = byValue(BAD, {
  UNUSED_OFFSET: "VM: Bad swap entry (the slot is free)",
  OFFSET: "offset exceeds max",
  UNUSED_FILE: "Trying to free swap from unused swap-device",
  FILE: "Trying to free nonexistent swap-page",
  FREED_UNDER_US: "VM: Bad count 1 current count 0 (freed under us once sdev_lock was held)",
  BAD_SLOT: "reference to a SWAP_MAP_BAD slot",
  RW_UNUSED_OFFSET: "VM: Bad swap entry (rw_swap_page: the slot is free; no I/O)",
  RW_OFFSET: "rw_swap_page: weirdness (offset past the end; no I/O)",
  RW_UNUSED_FILE: "rw_swap_page: Trying to swap to unused swap-device (no I/O)",
  RW_FILE: "Internal error: bad swap-device (rw_swap_page; no I/O)",
});

/** get_swaphandle_info's reasons: 2.4.0's words wherever 2.4.0 runs it (rw_swap_page). */
const RW_REASONS: ReadonlySet<number> = new Set([BAD.RW_UNUSED_OFFSET, BAD.RW_OFFSET, BAD.RW_UNUSED_FILE, BAD.RW_FILE]);

const badEntryReasons = (why: number, where?: EventWhere): readonly string[] =>
  where?.release === "2.4.0" && (where.proc === P.swap_free || RW_REASONS.has(why)) ? BAD_ENTRY_REASONS_240 : BAD_ENTRY_REASONS;

/** One line saying what the model's recorded violation means: id plus its three values (G.VIOL_A..C).
 *  `where`: the release whose printk wording to use and the procedure that recorded it (a
 *  slot report of 2.4.0's swap_free takes 2.4.0's strings). */
export function describeModelViolation(id: ViolationId, a: number, b: number, c: number, where?: EventWhere): string {
  switch (id) {
    case "swapcache-unique":
      return `two swap-cache pages for ${fmtEntry(a)}: ${fmtPage(b)} and ${fmtPage(c)}`;
    case "page-lock":
      return `swap cache or I/O touched ${fmtPage(a)} without holding its page lock`;
    case "free-slot":
    case "bad-slot":
      return `${badEntryReasons(c, where)[c] ?? `bad entry (${c})`}: ${fmtEntry(a)}, count ${b}`;
    case "data-lost":
      return `${fmtVpage(a, b)} read ${c}, not the last value written to it`;
    case "lock-order":
      if (b === LO.SELF) return `${LOCK_NAMES[a] ?? `lock class ${a}`} taken twice by its holder (self-deadlock)`;
      if (a === LO.SLEEP_SPIN) return `went to sleep holding a spinlock (held lock ranks 0x${b.toString(16)})`;
      if (a === LO.ALLOC_SPIN)
        return `may sleep (a page allocation, lock_page, wait_on_page or down) holding a spinlock (held lock ranks 0x${b.toString(16)})`;
      return `${LOCK_NAMES[a] ?? `lock class ${a}`} taken inside a lock that must nest inside it (held lock ranks 0x${b.toString(16)})`;
    case "bug-on":
      if (a === BUG.FREE_BUSY_PAGE)
        return `freeing ${fmtPage(b)} while it is locked, in the swap cache or reserved (flags 0x${(c >>> 0).toString(16)})`;
      if (a === BUG.PUT_PAGE_UNDERFLOW) return `put_page underflow on ${fmtPage(b)}`;
      if (a === BUG.ADD_MAPPED) return `add_to_swap_cache: ${fmtPage(b)} is already in the swap cache (adding ${fmtEntry(c)})`;
      if (a === BUG.DELETE_UNCACHED) return `delete_from_swap_cache: ${fmtPage(b)} is not in the swap cache`;
      if (a === BUG.UNLOCK_PAGE) return `unlock_page of ${fmtPage(b)}, which is not locked (flags 0x${(c >>> 0).toString(16)})`;
      if (a === BUG.UNLOCK_KERNEL) return `unlock_kernel by agent ${b}, which does not hold the BKL (lock_depth ${c - 1})`;
      if (a === BUG.RW_UNCACHED) return `rw_swap_page: ${c === 1 ? "writes" : "reads"} ${fmtPage(b)}, which is not in the swap cache`;
      if (a === BUG.LRU_UNLINKED)
        return `LRU: ${fmtPage(b)} is marked PG_lru but on no list (flags 0x${(c >>> 0).toString(16)}): list_del of an unlinked page`;
      if (a === BUG.UNUSE_CACHE) return `try_to_unuse: ${fmtEntry(b)}'s slot count and ${fmtPage(c)}'s swap-cache membership disagree`;
      if (a === BUG.MMLIST)
        return `model bug: mmlist out of order at mm ${b} (parent ${c}): list_del of an unlisted mm or list_add of a listed one`;
      if (a === BUG.OOM_UNCHOSEN_FAILS)
        return `model bug: alloc_page fails for agent ${c}, a task the OOM killer did not choose, on a run where it acts (nr_swap_pages ${b}): 2.4.16 loops such an allocation`;
      if (a === BUG.OOM_NO_VICTIM)
        return "panic: Out of memory and no killable processes (oom_kill: select_bad_process found no task with an mm)";
      if (a === BUG.OOM_KILL_NO_MM)
        return `oom_kill kills the kernel threads: mm${b}'s process, chosen by select_bad_process, passed exit_mm before the kill loop, whose q->mm == p->mm then matches every task without an mm (kswapd, bdflush, kupdated, keventd)`;
      if (a === BUG.UNKNOWN_PC) return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} has no section ${c}`;
      if (a === BUG.UNKNOWN_PROC) return `model bug: no procedure ${b} (asked for section ${c})`;
      if (a === BUG.BLOCK_CHANGED)
        return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} section ${c} returned BLOCK after changing state`;
      if (a === BUG.RESUME_AT_ENTRY) return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} called on with section 0 as its continuation`;
      if (a === BUG.AFTER_SPIN)
        return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} went on to ${c === 2 ? "release a page" : "take or drop a lock"} after its page_cache_release began to spin on pagemap_lru_lock`;
      return `BUG() (${a}, ${b}, ${c})`;
    case "deadlock":
      return "no agent can run while work remains";
    case "stack-overflow":
      return `frame stack exhausted calling ${PROC_NAMES[a] ?? a} at depth ${b}`;
    case "livelock":
      return "the execution ran past its step bound";
    case "lru":
      return `nr_inactive_pages is ${a} (nr_active_pages ${b}) under pagemap_lru_lock: the LRU counters no longer match the lists, and shrink_caches' ratio would divide by zero`;
    case "swap-map-uaf":
      return `reads the swap map for ${fmtEntry(a)} after sys_swapoff freed it (max still ${b}): a use after free (2.4.0's swap_map is NULL by then)`;
    case "dirty-list":
      return `set_page_dirty moves ${fmtPage(a)} onto swapper_space's dirty list after it left the swap cache (its mapping was read before the delete): page->list is linked into a list the page is no longer on, and the free lists reuse it once the page is freed`;
    case "oom-misreport":
      if (a === -1)
        return `alloc_page fails for agent ${c} with ${b} swap slots free: out_of_memory kills nobody while swap is left, so a user allocation reclaims until it gets a page`;
      return `do_swap_page reports out of memory for ${fmtVpage(a >>> 16, a & 0xffff)} on ${fmtEntry(b)}, but its pte no longer holds that entry (now 0x${(c >>> 0).toString(16)}): someone else resolved it`;
    default:
      return `${id} violated (${a}, ${b}, ${c})`;
  }
}
