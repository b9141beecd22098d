// mm/swapfile.c (2.4.16): swap areas, the swap map, allocation and freeing of slots,
// swapon/swapoff. swap_info_get's unlocked check, swaplock (SLL) and sdev_lock (SDL) are
// separate sections, as every lock is taken first in a section of its own.
//
// Locals: arguments in l0..l3 (procs.ts); scratch as noted per procedure.
import {
  area_get, area_set, area_addr, nSlots, nPages, nMm, slotsShift, nAreaSlots, swap_count, set_swap_count,
  slot_of, swap_tmp_add, swp_entry, swp_type, swp_offset, gget, gset, gadd, gaddr, stat,
  page_count, page_index, page_test, page_set, get_page, mm_get, mm_set, mm_addr, pte_get, pte_set,
  mk_pte, swp_entry_to_pte, pte_present, pte_frame, PTE_DIRTY, PTE_YOUNG, SWAP_MAP_BAD, SWAP_MAP_MAX, MAX_AREAS, SWAP_TMP,
  A_FLAGS, A_PRIO, A_MAX, A_PAGES, A_LOWEST, A_HIGHEST, A_CLUSTER_NEXT, A_CLUSTER_NR, A_INUSE,
  A_NEXT, A_SDL, SWP_USED, SWP_WRITEOK, G_NR_SWAP_PAGES, G_TOTAL_SWAP_PAGES, G_SWAP_LIST_HEAD,
  G_SWAP_LIST_NEXT, G_SWAPOFF_AREA, G_SLL, G_PCL, G_MMLIST_LOCK, G_TASKLIST_LOCK, MM_USERS, mmlist_next, mm_listed, MM_NO_TASK, MM_BIRTH, MM_VMA_HIDDEN, MM_PTL, MM_RSS, PG_LOCKED, PG_SWAPCACHE,
  PG_RESERVED, PG_DIRTY, S_SWAPOFFS, S_SWAPOFF_ENOMEM, S_SWAPONS, ag_get, AG_BKL_DEPTH,
  bootOnFresh,
} from "../kernel/state";
import { cfg, CFG_PAGE_CLUSTER, CFG_AREA_PRIO_EQUAL } from "../kernel/config";
import { mem_fill, imul } from "../kernel/platform";
import { l, set_l, next, call, ret, ret_val, BLOCK, cur, bad_pc } from "../kernel/frame";
import { sched_yield } from "../kernel/sched";
import {
  spin_lock, spin_unlock, lock_page, unlock_page, trylock_page, wait_on_page, lock_kernel,
  unlock_kernel, read_lock, read_unlock, LK_PTL, LK_SLL, LK_SDL, LK_PCL, LK_MMLIST, LK_TASKLIST,
} from "../kernel/locks";
import { bug, V_FREE_SLOT, V_BAD_SLOT, V_PAGE_LOCK, V_BUG_ON, V_SWAP_MAP_UAF } from "../kernel/check";
import { trace } from "../kernel/trace";
import {
  P_SWAP_FREE, P_READ_SWAP_CACHE_ASYNC, P_DELETE_FROM_SWAP_CACHE, P_REMOVE_EXCLUSIVE_SWAP_PAGE,
  P_TRY_TO_UNUSE, P_RW_SWAP_PAGE_SYNC, P_MMPUT, ENOMEM, EINVAL, EBUSY,
} from "../kernel/procs";
import { mm_pin, mmput_fast } from "./fork";
import { page_buffers, page_count_users, try_to_free_buffers } from "./buffer";
import {
  has, F_READAHEAD_REFS, F_UNLOCKED_DUP_CHECK, F_SWAPOFF_BKL, F_EXCLUSIVE_NOLOCK, F_UNUSE_DELETE_FIRST, F_UNUSE_RECHECK_KEY,
  F_READAHEAD_SKIP_HEADER, F_READAHEAD_SDL, F_SWAP_FULL_80, F_UNUSE_CLEAR_UNDEAD, F_SWAPOFF_CLEARS_MAX,
  has2, F2_GET_SWAP_PAGE_EQ0, F2_IS_PAGE_SHARED,
} from "../model";
import { put_page } from "./page_alloc";
import { swap_cache_find, swap_cache_remove } from "./swap_state";
import { WRITE } from "./page_io";
import { vpage } from "../kernel/trace";

// Trace events (300-399). Wording: src/report/events/swapfile.ts.
export const EV_GET_SWAP_PAGE: i32 = 300;    // (entry or 0, nr_swap_pages after, 0)
export const EV_SWAP_FREE: i32 = 301;        // (entry, count after, 0)
export const EV_BAD_ENTRY: i32 = 302;        // (entry, BAD_* reason, count): the kernel's printk
export const EV_SWAP_DUP: i32 = 303;         // (entry, count after, 1 ok / 0 failed)
export const EV_SWAP_DUP_OVERFLOW: i32 = 304;// (entry, 0, 0): count pinned at SWAP_MAP_MAX
export const EV_VALID_HANDLES: i32 = 305;    // (first entry, slots counted, 1 = refs taken)
export const EV_REMOVE_EXCLUSIVE: i32 = 306; // (page, entry, 1 removed / 0 not)
export const EV_CAN_SHARE: i32 = 307;        // (page, result, page count)
export const EV_FREE_SWAP: i32 = 308;        // (entry, count after, 0): free_swap_and_cache
export const EV_FREE_SWAP_DELETE: i32 = 309; // (page, entry, page count): last user deletes the cache page
export const EV_SWAPOFF: i32 = 310;          // (area, slots in use, 0): area unlinked, not allocatable
export const EV_SWAPOFF_DONE: i32 = 311;     // (area, 0, 0)
export const EV_SWAPOFF_FAILED: i32 = 312;   // (area, err, 0): put back as WRITEOK
export const EV_SWAPOFF_EINVAL: i32 = 313;   // (area, 0, 0): not an active swap area
export const EV_UNUSE_READ: i32 = 314;       // (entry, count, 0): try_to_unuse reads the slot
export const EV_UNUSE_NOMEM: i32 = 315;      // (entry, count, 0): nothing read, slot still used
export const EV_UNUSE_PTE: i32 = 316;        // (page, vp, entry): swap pte replaced by the page
export const EV_UNUSE_MAX_RESET: i32 = 317;  // (entry, 0, 0): SWAP_MAP_MAX reset to 1
export const EV_UNUSE_DONE: i32 = 318;       // (entry, page, count): slot released, page kept dirty
export const EV_SWAPON: i32 = 319;           // (area, pages, prio)
export const EV_SWAPON_BUSY: i32 = 320;      // (area, err, 0)
export const EV_UNUSE_SKIP: i32 = 321;       // (entry, 0, 0): freed independently meanwhile
export const EV_SWAP_DUP_CHECKED: i32 = 322; // (entry, count seen, 0): 2.4.0/pre9 unlocked "in use" test passed
export const EV_UNUSE_UNDEAD: i32 = 323;     // (entry, count, 0): pre9's "VM: Undead swap entry"
export const EV_UNUSE_CLEARED: i32 = 324;    // (entry, count, 0): 2.4.0 forces a leftover count to 0, nr_swap_pages++
export const EV_UNUSE_PTE_DIRTY: i32 = 325;  // (page, vp, entry): 2.4.0 marks a pte already mapping the page dirty
export const EV_UNUSE_RELEASED: i32 = 326;   // (entry, page, count): 2.4.0: every mm searched, the page released (not dirtied)
export const EV_FREE_SWAP_TESTED: i32 = 327; // (page, entry, 0): 2.4.0 free_page_and_swap_cache's PageSwapCache test passed; TryLockPage in the next step
export const EV_UNUSE_MM_GONE: i32 = 328;    // (mm, its MM_BIRTH now, 0): 2.4.0: the mm read from a task has left the slot since: nothing of it is walked

// swap_info_get's printk reasons (EV_BAD_ENTRY's second value, V_FREE_SLOT/V_BAD_SLOT's third).
export const BAD_UNUSED_OFFSET: i32 = 0; // "Unused swap offset entry": the slot is free
export const BAD_OFFSET: i32 = 1;        // "Bad swap offset entry": offset >= max
export const BAD_UNUSED_FILE: i32 = 2;   // "Unused swap file entry": area not in use
export const BAD_FILE: i32 = 3;          // "Bad swap file entry": no such area
export const BAD_FREED_UNDER_US: i32 = 4;// count 0 by the time SDL is held (the kernel stores 0xffff)
export const BAD_BAD_SLOT: i32 = 5;      // a reference to a SWAP_MAP_BAD slot dropped
// get_swaphandle_info's, for rw_swap_page (the I/O is not done): 2.4.16's words "rw_swap_page:
// Unused swap offset entry" ..., 2.4.0's "VM: Bad swap entry", "rw_swap_page: weirdness", ...
export const BAD_RW_UNUSED_OFFSET: i32 = 6; // the slot is free
export const BAD_RW_OFFSET: i32 = 7;        // offset >= max
export const BAD_RW_UNUSED_FILE: i32 = 8;   // area not in use (its map freed: the NULL map)
export const BAD_RW_FILE: i32 = 9;          // no such area

// BUG() codes of this file, as the first value of V_BUG_ON.
export const BUG_UNUSE_CACHE: i32 = 300; // try_to_unuse: (swcount > 0) != PageSwapCache(page)

/** SWAPFILE_CLUSTER: pages allocated sequentially before scan_swap_map looks for a new run. */
const SWAPFILE_CLUSTER: i32 = 256;
/** get_swap_page visits each area at most twice (before and after wrapping); a stale chain
 *  through swapped-off areas cannot loop, but the model guards anyway. */
const AREA_WALK_GUARD: i32 = 4 * MAX_AREAS;

// ---- the swap list and swap map (plain helpers) -------------------------------------

/** Links area a into the swap list, which is kept in descending priority order. Boot only:
 *  an area goes after those of equal priority, so area 0 is allocated from first. */
export function swap_list_insert(a: i32): void {
  const prio = area_get(a, A_PRIO);
  let prev = -1;
  let i = gget(G_SWAP_LIST_HEAD);
  while (i >= 0 && area_get(i, A_PRIO) >= prio) { prev = i; i = area_get(i, A_NEXT); }
  area_set(a, A_NEXT, i);
  if (prev < 0) gset(G_SWAP_LIST_HEAD, a); else area_set(prev, A_NEXT, a);
  gset(G_SWAP_LIST_NEXT, gget(G_SWAP_LIST_HEAD));
}

/** sys_swapon's (and swapoff's re-insert) list insertion, SLL held: before the first area of
 *  lower or equal priority; at the head it also becomes swap_list.next. */
function swap_list_link(a: i32): void {
  const prio = area_get(a, A_PRIO);
  let prev = -1;
  let i = gget(G_SWAP_LIST_HEAD);
  while (i >= 0 && prio < area_get(i, A_PRIO)) { prev = i; i = area_get(i, A_NEXT); }
  area_set(a, A_NEXT, i);
  if (prev < 0) {
    gset(G_SWAP_LIST_HEAD, a);
    gset(G_SWAP_LIST_NEXT, a);
  } else {
    area_set(prev, A_NEXT, a);
  }
}

/** A fresh swap map: all slots free, the header slot 0 BAD, no temporary refs. */
function swap_map_init(a: i32): void {
  const base = a << slotsShift;
  if (!bootOnFresh) {
    // A boot on fresh memory finds these zero already (state.ts clear_state).
    for (let s = 0; s < nSlots; s++) set_swap_count(base + s, 0);
    mem_fill(SWAP_TMP + (base << 2), 0, nSlots << 2);
  }
  set_swap_count(base, SWAP_MAP_BAD);
}

/** The priority an area gets when swapped on (boot and sys_swapon alike): all equal (round
 *  robin) or descending by index, like successive swapons without a priority. */
@inline function area_prio(a: i32): i32 { return cfg(CFG_AREA_PRIO_EQUAL) != 0 ? 0 : -a; }

/** The body of sys_swapon for a fresh area of nSlots slots (slot 0 is the BAD header). */
export function swapon_area(a: i32, prio: i32): void {
  swap_map_init(a);
  area_set(a, A_FLAGS, SWP_WRITEOK);
  area_set(a, A_PRIO, prio);
  area_set(a, A_MAX, nSlots);
  area_set(a, A_PAGES, nSlots - 1);
  area_set(a, A_LOWEST, 1);
  area_set(a, A_HIGHEST, nSlots - 1);
  area_set(a, A_CLUSTER_NEXT, 1);
  area_set(a, A_CLUSTER_NR, 0);
  area_set(a, A_INUSE, 0);
  gadd(G_NR_SWAP_PAGES, nSlots - 1);
  gadd(G_TOTAL_SWAP_PAGES, nSlots - 1);
  swap_list_insert(a);
}

/** vm_swap_full(): is swap nearly full? Plain: reads two counters, no lock (the kernel's
 *  reads them unlocked too). 2.4.16 (include/linux/swap.h, the vm_swap_full macro): more than
 *  half of swap in use, nr_swap_pages * 2 < total_swap_pages. F_SWAP_FULL_80 (2.4.8, 10 Aug
 *  2001, mm/swapfile.c vm_swap_full, Rik van Riel's swap-full patch as Linus Torvalds merged
 *  it; still an extern function in 2.4.10-pre9's swap.h): more than 80% in use,
 *  (total - nr) * 100 > total * 80. 2.4.0 has no vm_swap_full and nothing calls it there. */
export function vm_swap_full(): bool {
  const nr = gget(G_NR_SWAP_PAGES), total = gget(G_TOTAL_SWAP_PAGES);
  if (has(F_SWAP_FULL_80)) return imul(total - nr, 100) > imul(total, 80);
  return nr * 2 < total;
}

/** The swap map's lifetime (invariant swap-map-uaf). sys_swapoff frees p->swap_map and sets
 *  p->flags = 0 in one stretch (2.4.0 under the BKL, 2.4.16 under swap_list_lock +
 *  swap_device_lock), and sys_swapon sets SWP_USED before it vmallocs a new map, which nobody
 *  reads until max is set: so the map a reader dereferences is freed exactly when its area's
 *  flags word has no SWP_USED. Every reader of the map checks it here, where the kernel would
 *  load p->swap_map[offset], after whatever checks of its own came first (offset < p->max
 *  above all: 2.4.16 sets max to 0 with the map, F_SWAPOFF_CLEARS_MAX, so a stale entry fails
 *  that check; 2.4.0 leaves max as it was). The model's map memory is not reused meanwhile:
 *  the check is what a freed map looks like. */
@inline function map_read(entry: i32): void {
  const a = swp_type(entry);
  if ((area_get(a, A_FLAGS) & SWP_USED) == 0) bug(V_SWAP_MAP_UAF, entry, area_get(a, A_MAX), 0);
}

/** Slot count of entry when it names a slot below its area's max, else -1. No lock. */
function count_of(entry: i32): i32 {
  const a = swp_type(entry);
  if (a >= MAX_AREAS || swp_offset(entry) >= area_get(a, A_MAX)) return -1;
  map_read(entry);
  return swap_count(slot_of(entry));
}

/** swap_count(page) of 2.4.0-2.4.9 (mm/swapfile.c): the slot count of entry read with no
 *  lock; 0 for an entry out of range (the kernel printks and returns 0). */
export function swap_count_nolock(entry: i32): i32 {
  const c = count_of(entry);
  return c < 0 ? 0 : c;
}

/** exclusive_swap_page(page) of 2.4.4-2.4.9 and 2.4.10-pre9 (mm.h / mm/memory.c, no swap
 *  lock; Linus Torvalds' 5 Apr 2001 form): a swap-cache page that only we and the cache hold,
 *  whose slot only the cache holds: page_count - !!page->buffers + swap_count == 3 (buffers
 *  only under flag swap-buffers, off in pre9).
 *  The one unlocked exclusivity test of the old releases: do_swap_page's write decision and
 *  vm_swap_full delete (memory.ts), can_share_swap_page and free_page_and_swap_cache here. */
export function exclusive_swap_page_nolock(page: i32): bool {
  if (!page_test(page, PG_SWAPCACHE)) return false;
  return page_count_users(page) + swap_count_nolock(page_index(page)) == 3;
}

/** 2.4.0 include/linux/swap.h is_page_shared(page), with count the page count the caller read
 *  (do_wp_page reads it in a section before the slot count): other users than the caller, the
 *  swap cache and the buffers (flag swap-buffers; read now: the caller holds the page lock,
 *  under which alone they come and go). The kernel's sum is unsigned, so a slot count of
 *  0 under a page count of 1 reads as huge (shared); a slot count of 0 under a page count of 2
 *  (the caller's and the cache's: a cached page whose slot was freed) reads as not shared. A
 *  page no longer in the swap cache is shared iff its count is above 1. No lock: swap_count()
 *  reads swap_map bare (its "Unused swap offset entry in swap_count" printk is not reported). */
export function is_page_shared_2_4_0(page: i32, count: i32): bool {
  if (page_test(page, PG_RESERVED)) return true;
  if (page_test(page, PG_SWAPCACHE)) count += swap_count_nolock(page_index(page)) - 2 - page_buffers(page);
  return count < 0 || count > 1;
}

/** can_share_swap_page's unlocked exclusivity test (flag exclusive-nolock), on a locked
 *  swap-cache page: 2.4.0's !is_page_shared (flag is-page-shared: a sum of 2 or 3) or pre9's
 *  exclusive_swap_page (a sum of 3). free_page_and_swap_cache makes the same test with 2.4.0's
 *  two reads in two sections (FPSC_SHARED). */
function exclusive_nolock(page: i32): bool {
  if (has2(F2_IS_PAGE_SHARED)) return !is_page_shared_2_4_0(page, page_count(page));
  return exclusive_swap_page_nolock(page);
}

/** valid_swaphandles' *offset: the entry of the first slot of the aligned readahead window
 *  around entry; with F_READAHEAD_SKIP_HEADER (2.4.16) moved past the header slot 0. Without it
 *  (2.4.0, 2.4.10-pre9) a window that begins at slot 0 begins there, and the scan stops at
 *  once on slot 0's SWAP_MAP_BAD. */
export function readahead_start(entry: i32): i32 {
  const cluster = cfg(CFG_PAGE_CLUSTER);
  let toff = (swp_offset(entry) >> cluster) << cluster;
  if (toff == 0 && has(F_READAHEAD_SKIP_HEADER)) toff = 1;
  return swp_entry(swp_type(entry), toff);
}

/** G_SWAPOFF_AREA: an area whose swapoff is running (USED, not WRITEOK, map still live), so
 *  nr_swap_pages does not count free slots until it ends; -1 when none. Recomputed at every
 *  swapoff transition so two concurrent swapoffs keep it set until both end. */
function swapoff_area_update(): void {
  let found = -1;
  for (let a = 0; a < MAX_AREAS && found < 0; a++) {
    if (area_get(a, A_FLAGS) == SWP_USED && area_get(a, A_MAX) > 0) found = a;
  }
  gset(G_SWAPOFF_AREA, found);
}

// ---- swap_info_get / swap_info_put ---------------------------------------------------
// swap_info_get validates the entry without a lock, takes SLL (moving swap_list.next to a
// higher-priority area), then SDL: three sections. swap_info_put drops SDL and SLL.

/** The kernel's "Bad swap entry" printk. A free or unused slot dropped is a reference
 *  nobody held (V_FREE_SLOT); a bad/out-of-range one cannot have been handed out (V_BAD_SLOT). */
function bad_entry(entry: i32, why: i32, count: i32): void {
  trace(EV_BAD_ENTRY, entry, why, count);
  if (why == BAD_OFFSET || why == BAD_FILE || why == BAD_BAD_SLOT || why == BAD_RW_OFFSET || why == BAD_RW_FILE) {
    bug(V_BAD_SLOT, entry, count, why);
  }
  else bug(V_FREE_SLOT, entry, count, why);
}

/** swap_info_get's checks (no lock held, as in 2.4.16): true when entry names a slot in use. */
function swap_info_check(entry: i32): bool {
  if (entry == 0) return false; // swap_info_get(0) is a silent NULL
  const a = swp_type(entry);
  if (a >= MAX_AREAS) { bad_entry(entry, BAD_FILE, 0); return false; }
  if ((area_get(a, A_FLAGS) & SWP_USED) == 0) { bad_entry(entry, BAD_UNUSED_FILE, 0); return false; }
  if (swp_offset(entry) >= area_get(a, A_MAX)) { bad_entry(entry, BAD_OFFSET, 0); return false; }
  map_read(entry); // 2.4.16 tests SWP_USED first: a guard, it cannot fire here
  if (swap_count(slot_of(entry)) == 0) { bad_entry(entry, BAD_UNUSED_OFFSET, 0); return false; }
  return true;
}

/** get_swaphandle_info(entry) (mm/swapfile.c, 2.4.0 and 2.4.16 alike), as rw_swap_page_base
 *  (mm/page_io.c) calls it before any I/O: true when the entry names a slot in use of an area
 *  in use. No lock in either release (2.4.0's comment trusts the BKL, which the I/O paths do not
 *  all hold), so the tests run in the caller's section. The kernel's order: no such area, offset
 *  past max, `p->swap_map && !p->swap_map[offset]` (a cleared flags word stands for the NULL
 *  map, so no map is read then), area not SWP_USED. On failure it printks (reported as swap_free's
 *  printks are: V_FREE_SLOT or V_BAD_SLOT) and rw_swap_page does no I/O. 2.4.16 exempts offset 0
 *  from the max test; no model I/O names offset 0 (the header), so the exemption is not drawn. */
export function get_swaphandle_info(entry: i32): bool {
  const a = swp_type(entry);
  if (a >= MAX_AREAS) { bad_entry(entry, BAD_RW_FILE, 0); return false; }
  if (swp_offset(entry) >= area_get(a, A_MAX)) { bad_entry(entry, BAD_RW_OFFSET, 0); return false; }
  const used = (area_get(a, A_FLAGS) & SWP_USED) != 0;
  if (used && swap_count(slot_of(entry)) == 0) { bad_entry(entry, BAD_RW_UNUSED_OFFSET, 0); return false; }
  if (!used) { bad_entry(entry, BAD_RW_UNUSED_FILE, 0); return false; }
  return true;
}

/** swap_list_lock(), then prefer the freed area if it outranks swap_list.next. */
function swap_info_lock_list(entry: i32): bool {
  if (!spin_lock(gaddr(G_SLL), LK_SLL)) return false;
  const a = swp_type(entry);
  const nxt = gget(G_SWAP_LIST_NEXT);
  if (nxt >= 0 && area_get(a, A_PRIO) > area_get(nxt, A_PRIO)) gset(G_SWAP_LIST_NEXT, a);
  return true;
}

@inline function swap_info_lock_device(entry: i32): bool {
  return spin_lock(area_addr(swp_type(entry), A_SDL), LK_SDL);
}

function swap_info_put(entry: i32): void {
  spin_unlock(area_addr(swp_type(entry), A_SDL), LK_SDL);
  spin_unlock(gaddr(G_SLL), LK_SLL);
}

/** swap_entry_free (SLL and SDL held): drop one reference unless pinned at MAX; the last one
 *  frees the slot. Returns the count left. */
function swap_entry_free(entry: i32): i32 {
  const a = swp_type(entry), off = swp_offset(entry), slot = slot_of(entry);
  // No recheck of flags or max after swap_info_get's unlocked ones: the caller's reference on
  // the slot is what keeps try_to_unuse, and so the vfree, from finishing meanwhile.
  map_read(entry);
  let count = swap_count(slot);
  if (count == 0) { bad_entry(entry, BAD_FREED_UNDER_US, 0); return 0; }
  if (count >= SWAP_MAP_BAD) { bad_entry(entry, BAD_BAD_SLOT, count); return count; }
  if (count < SWAP_MAP_MAX) {
    count--;
    set_swap_count(slot, count);
    if (count == 0) {
      if (off < area_get(a, A_LOWEST)) area_set(a, A_LOWEST, off);
      if (off > area_get(a, A_HIGHEST)) area_set(a, A_HIGHEST, off);
      gadd(G_NR_SWAP_PAGES, 1);
      area_set(a, A_INUSE, area_get(a, A_INUSE) - 1);
    }
  }
  return count;
}

// ---- get_swap_page -------------------------------------------------------------------

/** scan_swap_map (SDL held): continue the current cluster, else start a new one at the first
 *  run of SWAPFILE_CLUSTER free slots from lowest_bit, else take the first free slot (tiny
 *  areas always end here). Returns the offset taken, 0 when the area is full. */
function scan_swap_map(a: i32): i32 {
  const base = a << slotsShift;
  const highest = area_get(a, A_HIGHEST);
  if (area_get(a, A_CLUSTER_NR) != 0) {
    let off = area_get(a, A_CLUSTER_NEXT);
    while (off <= highest) {
      if (swap_count(base + off) == 0) {
        area_set(a, A_CLUSTER_NR, area_get(a, A_CLUSTER_NR) - 1);
        return got_page(a, off);
      }
      off++;
    }
    area_set(a, A_CLUSTER_NEXT, off);
  }
  area_set(a, A_CLUSTER_NR, SWAPFILE_CLUSTER);
  // Try to find an empty (even not aligned) cluster.
  let off = area_get(a, A_LOWEST);
  while (off + SWAPFILE_CLUSTER - 1 <= highest) {
    let nr = off;
    while (nr < off + SWAPFILE_CLUSTER && swap_count(base + nr) == 0) nr++;
    if (nr == off + SWAPFILE_CLUSTER) return got_page(a, off);
    off = nr + 1;
  }
  // No luck, so now go fine-grained as usual.
  for (off = area_get(a, A_LOWEST); off <= highest; off++) {
    if (swap_count(base + off) != 0) continue;
    area_set(a, A_LOWEST, off);
    return got_page(a, off);
  }
  area_set(a, A_LOWEST, area_get(a, A_MAX));
  area_set(a, A_HIGHEST, 0);
  return 0;
}

/** scan_swap_map's got_page: take the free slot, shrink the free bracket. */
function got_page(a: i32, off: i32): i32 {
  if (off == area_get(a, A_LOWEST)) area_set(a, A_LOWEST, off + 1);
  if (off == area_get(a, A_HIGHEST)) area_set(a, A_HIGHEST, off - 1);
  if (area_get(a, A_LOWEST) > area_get(a, A_HIGHEST)) {
    area_set(a, A_LOWEST, area_get(a, A_MAX));
    area_set(a, A_HIGHEST, 0);
  }
  set_swap_count((a << slotsShift) + off, 1);
  gadd(G_NR_SWAP_PAGES, -1);
  area_set(a, A_INUSE, area_get(a, A_INUSE) + 1);
  area_set(a, A_CLUSTER_NEXT, off + 1);
  return off;
}

// get_swap_page's locals: the area being tried, whether the walk wrapped to the list head,
// the areas visited. Sections: swap_list_lock with the first area, then each area's sdev_lock.
const GSP_AREA: i32 = 6;
const GSP_WRAPPED: i32 = 7;
const GSP_VISITED: i32 = 8;
const GSP_LIST_LOCK: i32 = 0;
const GSP_SCAN: i32 = 1;

/** The area get_swap_page tries after p: the next of equal priority, else (once) back to the
 *  list head. l7 = wrapped. -1 = out of swap space. */
function gsp_next_area(p: i32): i32 {
  const type = area_get(p, A_NEXT);
  if (l(GSP_WRAPPED) != 0) return type;
  if (type < 0 || area_get(p, A_PRIO) != area_get(type, A_PRIO)) {
    set_l(GSP_WRAPPED, 1);
    return gget(G_SWAP_LIST_HEAD);
  }
  return type;
}

/** From type on, the first WRITEOK area to scan (swapped-off ones are stepped over), or -1.
 *  l8 counts areas visited. */
@inline function gsp_writeok_area(type: i32): i32 {
  while (type >= 0) {
    set_l(GSP_VISITED, l(GSP_VISITED) + 1);
    if (l(GSP_VISITED) > AREA_WALK_GUARD) return -1;
    if ((area_get(type, A_FLAGS) & SWP_WRITEOK) == SWP_WRITEOK) return type;
    type = gsp_next_area(type);
  }
  return -1;
}

/** get_swap_page's "out of swap" test on nr_swap_pages. 2.4.16 (mm/swapfile.c get_swap_page)
 *  refuses at <= 0; 2.4.0 and 2.4.10-pre9 (__get_swap_page, flag get-swap-page-eq0) only at
 *  == 0 (Hugh Dickins' 15 Sep 2001 patch made it <= 0). sys_swapoff subtracts the whole area
 *  before try_to_unuse, so the count can be negative while another area has free slots:
 *  the older releases go on scanning and allocate from it. */
@inline function gsp_no_swap(nr: i32): bool {
  return has2(F2_GET_SWAP_PAGE_EQ0) ? nr == 0 : nr <= 0;
}

function gsp_out(entry: i32): i32 {
  spin_unlock(gaddr(G_SLL), LK_SLL);
  trace(EV_GET_SWAP_PAGE, entry, gget(G_NR_SWAP_PAGES), 0);
  return ret(entry);
}

/** get_swap_page() → entry (count 1) or 0. SLL held throughout; each area scanned under its
 *  SDL. l6 = area being tried, l7 = wrapped, l8 = areas visited. */
export function get_swap_page(pc: i32): i32 {
  switch (pc) {
    case GSP_LIST_LOCK: {
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      const type = gget(G_SWAP_LIST_NEXT);
      if (type < 0 || gsp_no_swap(gget(G_NR_SWAP_PAGES))) return gsp_out(0);
      set_l(GSP_WRAPPED, 0);
      set_l(GSP_VISITED, 0);
      const a = gsp_writeok_area(type);
      if (a < 0) return gsp_out(0);
      set_l(GSP_AREA, a);
      return next(GSP_SCAN);
    }
    case GSP_SCAN: {
      const a = l(GSP_AREA);
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      const off = scan_swap_map(a);
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      if (off != 0) {
        // Round robin: the next allocation starts at the next area of equal priority.
        const nxt = area_get(a, A_NEXT);
        if (nxt < 0 || area_get(a, A_PRIO) != area_get(nxt, A_PRIO)) gset(G_SWAP_LIST_NEXT, gget(G_SWAP_LIST_HEAD));
        else gset(G_SWAP_LIST_NEXT, nxt);
        return gsp_out(swp_entry(a, off));
      }
      const b = gsp_writeok_area(gsp_next_area(a));
      if (b < 0) return gsp_out(0);
      set_l(GSP_AREA, b);
      return next(GSP_SCAN);
    }
  }
  return bad_pc();
}

// ---- swap_free, swap_duplicate, valid_swaphandles ---------------------------------------

/** swap_free(entry) → 0. */
// Locals: the argument. Sections: the entry's check, swap_list_lock, then the area's
// sdev_lock (each a blocking lock taken first in its own section: assembly/README.md).
const SF_ENTRY: i32 = 0;
const SF_CHECK: i32 = 0;
const SF_LIST_LOCK: i32 = 1;
const SF_DEVICE_LOCK: i32 = 2;
export function swap_free(pc: i32): i32 {
  const entry = l(SF_ENTRY);
  switch (pc) {
    case SF_CHECK:
      if (!swap_info_check(entry)) return ret(0);
      return next(SF_LIST_LOCK);
    case SF_LIST_LOCK:
      if (!swap_info_lock_list(entry)) return BLOCK;
      return next(SF_DEVICE_LOCK);
    case SF_DEVICE_LOCK: {
      if (!swap_info_lock_device(entry)) return BLOCK;
      const count = swap_entry_free(entry);
      swap_info_put(entry);
      trace(EV_SWAP_FREE, entry, count, 0);
      return ret(0);
    }
  }
  return bad_pc();
}

/** swap_duplicate(entry) → 1, or 0 on a free, BAD or out-of-range slot. Under SDL only; a
 *  count reaching SWAP_MAP_MAX stays there (sticky until swapoff). With F_UNLOCKED_DUP_CHECK
 *  the 2.4.0 / 2.4.10-pre9 form instead (swap_duplicate_unlocked_check). */
// Locals: the argument. One section: the area's sdev_lock, taken first (re-run on BLOCK).
const SD_ENTRY: i32 = 0;
export function swap_duplicate(pc: i32): i32 {
  if (has(F_UNLOCKED_DUP_CHECK)) return swap_duplicate_unlocked_check(pc);
  const entry = l(SD_ENTRY);
  const a = swp_type(entry);
  if (a >= MAX_AREAS) {
    trace(EV_BAD_ENTRY, entry, BAD_FILE, 0); // "swap_dup: Bad swap file entry"
    return ret(0);
  }
  if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
  let ok = 0;
  let count = 0;
  if (swp_offset(entry) < area_get(a, A_MAX)) {
    map_read(entry);
    const slot = slot_of(entry);
    count = swap_count(slot);
    if (count != 0) {
      if (count < SWAP_MAP_MAX - 1) {
        count++;
        set_swap_count(slot, count);
        ok = 1;
      } else if (count <= SWAP_MAP_MAX) {
        count = SWAP_MAP_MAX;
        set_swap_count(slot, count);
        ok = 1;
        trace(EV_SWAP_DUP_OVERFLOW, entry, 0, 0);
      }
    }
  }
  spin_unlock(area_addr(a, A_SDL), LK_SDL);
  trace(EV_SWAP_DUP, entry, count, ok);
  return ret(ok);
}

/** mm/swapfile.c swap_duplicate of 2.4.0 and 2.4.10-pre9: the offset and "slot in use" tests
 *  read the map with no lock (section 0); sdev_lock is taken only for the increment, which
 *  does not look again (section 1). A swap_free of the last reference in between leaves the
 *  slot free, counted in nr_swap_pages and inside the free bracket, and the increment then
 *  takes it from 0 to 1 without nr_swap_pages-- : the slot is in use while still counted free.
 *  A count at or above SWAP_MAP_MAX (SWAP_MAP_BAD included: neither release excludes it) is
 *  set to SWAP_MAP_MAX. The map itself outlives the call here: swapoff freeing it under an
 *  unlocked reader is the swap-map lifetime issue, not modelled (A_MAX 0 makes stale entries
 *  fail instead). */
// Locals: the argument. Sections: the unlocked checks, then the increment under sdev_lock.
const SDU_ENTRY: i32 = 0;
const SDU_CHECK: i32 = 0;
const SDU_INCREMENT: i32 = 1;
function swap_duplicate_unlocked_check(pc: i32): i32 {
  const entry = l(SDU_ENTRY);
  const a = swp_type(entry);
  switch (pc) {
    case SDU_CHECK: {
      if (a >= MAX_AREAS) {
        trace(EV_BAD_ENTRY, entry, BAD_FILE, 0); // "Bad swap file entry"
        return ret(0);
      }
      // 2.4.0 prints "Bad swap offset entry" / "Unused swap offset entry in swap_dup" here;
      // pre9 keeps quiet (both can happen in read_swap_cache_async after swapoff or a sleep).
      if (swp_offset(entry) >= area_get(a, A_MAX)) return ret(0);
      map_read(entry);
      const count = swap_count(slot_of(entry));
      if (count == 0) {
        trace(EV_SWAP_DUP, entry, 0, 0);
        return ret(0);
      }
      trace(EV_SWAP_DUP_CHECKED, entry, count, 0);
      return next(SDU_INCREMENT);
    }
    case SDU_INCREMENT: {
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      map_read(entry); // no look at max again: the map of section 0's test
      const slot = slot_of(entry);
      let count = swap_count(slot);
      if (count < SWAP_MAP_MAX) {
        count++;
      } else {
        count = SWAP_MAP_MAX;
        trace(EV_SWAP_DUP_OVERFLOW, entry, 0, 0);
      }
      set_swap_count(slot, count);
      // Model bookkeeping only: a slot taken from 0 is in use again (A_INUSE mirrors what
      // got_page counts; nr_swap_pages is the kernel's and stays as it was).
      if (count == 1) area_set(a, A_INUSE, area_get(a, A_INUSE) + 1);
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      trace(EV_SWAP_DUP, entry, count, 1);
      return ret(1);
    }
  }
  return bad_pc();
}

/** valid_swaphandles(entry) → slots to read from readahead_start(entry): the run of in-use,
 *  non-BAD slots of the aligned window of 1 << page_cluster slots. With F_READAHEAD_REFS
 *  (2.4.0) each counted slot gets a swap_map ref (held in SWAP_TMP; swapin_readahead drops
 *  both). mm/swapfile.c valid_swaphandles, three ways:
 *  - 2.4.16 (F_READAHEAD_SKIP_HEADER, F_READAHEAD_SDL): no readahead when page_cluster is 0; a window at
 *    slot 0 starts at slot 1 with one slot fewer; the scan runs under the area's SDL.
 *  - 2.4.0 (F_READAHEAD_SDL, F_READAHEAD_REFS): the scan starts at the aligned slot even when that
 *    is the header slot 0 (whose BAD count stops it at once), under SDL, taking refs.
 *  - 2.4.10-pre9 (neither): as 2.4.0 but no refs and no lock: do_swap_page's BKL is all it
 *    holds, and get_swap_page, swap_free and swap_duplicate never take the BKL, so the other
 *    CPUs change swap_map while the scan reads it. Each slot is then read in a section of its
 *    own (l6 = next slot offset, l7 = slots left in the window, l8 = slots counted). The
 *    kernel loads swap_map[toff] twice per slot (the free test, then the BAD test); one load
 *    stands for both because no running path ever makes a slot BAD or un-BAD, so the BAD
 *    test gives the same answer on either load. The BKL keeps swapoff and swapon (the
 *    writers of max) out while the scan does not sleep. */
// Locals: the argument; for the unlocked scan the next slot offset, the slots left in the
// window and the slots counted. Sections: the start (the whole scan under SDL), then one per
// slot of the unlocked scan.
const VS_ENTRY: i32 = 0;
const VS_OFFSET: i32 = 6;
const VS_LEFT: i32 = 7;
const VS_COUNTED: i32 = 8;
const VS_START: i32 = 0;
const VS_SLOT: i32 = 1;
export function valid_swaphandles(pc: i32): i32 {
  const entry = l(VS_ENTRY);
  const a = swp_type(entry);
  switch (pc) {
    case VS_START: {
      const cluster = cfg(CFG_PAGE_CLUSTER);
      if (a >= MAX_AREAS) return ret(0);
      if (cluster == 0 && has(F_READAHEAD_SKIP_HEADER)) return ret(0); // no readahead
      if (has(F_READAHEAD_SDL) && !spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      const toff = swp_offset(readahead_start(entry));
      // 2.4.16 skips the header slot and counts one slot fewer (toff++, i--).
      const i = toff != (swp_offset(entry) >> cluster) << cluster ? (1 << cluster) - 1 : 1 << cluster;
      if (has(F_READAHEAD_SDL)) {
        let off = toff, left = i, n = 0;
        while (left > 0) {
          const counted = handle_slot(a, off);
          if (!counted) break;
          off++;
          n++;
          left--;
        }
        spin_unlock(area_addr(a, A_SDL), LK_SDL);
        return valid_handles_done(n);
      }
      set_l(VS_OFFSET, toff);
      set_l(VS_LEFT, i);
      set_l(VS_COUNTED, 0);
      return valid_handles_unlocked();
    }
    case VS_SLOT:
      return valid_handles_unlocked();
  }
  return bad_pc();
}

/** One slot of the scan: false when it ends the run (past max, free or BAD). With
 *  F_READAHEAD_REFS the slot's count is raised (2.4.0 increments blindly; a count at MAX stays
 *  there here, where the kernel would carry it into the BAD bit). Without F_READAHEAD_SDL that
 *  increment is an unlocked read-modify-write in the kernel; no release shipped refs without
 *  the lock, and the model makes it atomic. */
function handle_slot(a: i32, off: i32): bool {
  if (off >= area_get(a, A_MAX)) return false; // don't read-ahead past the end of the area
  map_read(l(VS_ENTRY)); // named by the entry the scan is for (its window's slot may be the header)
  const slot = (a << slotsShift) + off;
  const count = swap_count(slot);
  if (count == 0 || count == SWAP_MAP_BAD) return false; // don't read in free or bad pages
  if (has(F_READAHEAD_REFS)) {
    if (count < SWAP_MAP_MAX) set_swap_count(slot, count + 1);
    swap_tmp_add(slot, 1);
  }
  return true;
}

/** 2.4.10-pre9's unlocked scan: reads slot l6, then ends the section (or returns). */
function valid_handles_unlocked(): i32 {
  const a = swp_type(l(VS_ENTRY));
  if (l(VS_LEFT) > 0 && handle_slot(a, l(VS_OFFSET))) {
    set_l(VS_OFFSET, l(VS_OFFSET) + 1);
    set_l(VS_LEFT, l(VS_LEFT) - 1);
    set_l(VS_COUNTED, l(VS_COUNTED) + 1);
    if (l(VS_LEFT) > 0) return next(VS_SLOT);
  }
  return valid_handles_done(l(VS_COUNTED));
}

function valid_handles_done(n: i32): i32 {
  trace(EV_VALID_HANDLES, readahead_start(l(VS_ENTRY)), n, has(F_READAHEAD_REFS) ? 1 : 0);
  return ret(n);
}

// ---- exclusive pages: remove_exclusive_swap_page, can_share_swap_page ------------------------

/** remove_exclusive_swap_page(page), page locked → 1 removed, 0 not. The caller's ref and the
 *  cache's must be the only page refs and the cache the slot's only user. l6 = entry. */
// Locals: the argument, its swap entry. Sections: the page's check, swap_list_lock,
// sdev_lock, pagecache_lock for the recheck, then back from swap_free.
const RES_PAGE: i32 = 0;
const RES_ENTRY: i32 = 6;
const RES_CHECK: i32 = 0;
const RES_LIST_LOCK: i32 = 1;
const RES_DEVICE_LOCK: i32 = 2;
const RES_CACHE_LOCK: i32 = 3;
const RES_FREED: i32 = 4;
export function remove_exclusive_swap_page(pc: i32): i32 {
  const page = l(RES_PAGE);
  switch (pc) {
    case RES_CHECK: {
      if (!page_test(page, PG_LOCKED)) bug(V_PAGE_LOCK, page, page_index(page), 2);
      if (!page_test(page, PG_SWAPCACHE) || page_count_users(page) != 2) return ret(0); // 2: us + cache (- !!page->buffers)
      const entry = page_index(page);
      set_l(RES_ENTRY, entry);
      if (!swap_info_check(entry)) return ret(0);
      return next(RES_LIST_LOCK);
    }
    case RES_LIST_LOCK:
      if (!swap_info_lock_list(l(RES_ENTRY))) return BLOCK;
      return next(RES_DEVICE_LOCK);
    case RES_DEVICE_LOCK:
      if (!swap_info_lock_device(l(RES_ENTRY))) return BLOCK;
      // Is the only swap cache user the cache itself?
      map_read(l(RES_ENTRY));
      if (swap_count(slot_of(l(RES_ENTRY))) == 1) return next(RES_CACHE_LOCK);
      swap_info_put(l(RES_ENTRY));
      trace(EV_REMOVE_EXCLUSIVE, page, l(RES_ENTRY), 0);
      return ret(0);
    case RES_CACHE_LOCK: {
      // Recheck the page count with the pagecache lock held.
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      const removed = page_count_users(page) == 2;
      if (removed) {
        swap_cache_remove(page);
        page_set(page, PG_DIRTY);
      }
      spin_unlock(gaddr(G_PCL), LK_PCL);
      swap_info_put(l(RES_ENTRY));
      trace(EV_REMOVE_EXCLUSIVE, page, l(RES_ENTRY), removed ? 1 : 0);
      if (!removed) return ret(0);
      // "if (retval) { block_flushpage(page, 0); swap_free(entry); ... }" (2.4.16): buffers
      // only under flag swap-buffers, which no 2.4.16 model sets; the page is locked.
      try_to_free_buffers(page, 1);
      return call(P_SWAP_FREE, RES_FREED, l(RES_ENTRY), 0, 0, 0);
    }
    case RES_FREED:
      put_page(page); // the swap cache's reference
      return ret(1);
  }
  return bad_pc();
}

/** can_share_swap_page(page), page locked → 1 when the caller is its only user: count 1 and
 *  not reserved, or count 2 in the swap cache with exclusive_swap_page (swap_map == 1 under
 *  SLL+SDL, page count 2 under PCL; with F_EXCLUSIVE_NOLOCK read unlocked). l6 = entry. */
// Locals: the argument, its swap entry. Sections: the page's check, swap_list_lock,
// sdev_lock, then pagecache_lock for the page count.
const CS_PAGE: i32 = 0;
const CS_ENTRY: i32 = 6;
const CS_CHECK: i32 = 0;
const CS_LIST_LOCK: i32 = 1;
const CS_DEVICE_LOCK: i32 = 2;
const CS_CACHE_LOCK: i32 = 3;
export function can_share_swap_page(pc: i32): i32 {
  const page = l(CS_PAGE);
  switch (pc) {
    case CS_CHECK: {
      if (!page_test(page, PG_LOCKED)) bug(V_PAGE_LOCK, page, page_index(page), 3);
      const count = page_count(page);
      if (count == 1) return can_share_done(page_test(page, PG_RESERVED) ? 0 : 1);
      // "case 3: if (!page->buffers) break; /* Fallthrough */ case 2:" (2.4.16).
      if (count - page_buffers(page) != 2 || !page_test(page, PG_SWAPCACHE)) return can_share_done(0);
      // F_EXCLUSIVE_NOLOCK: 2.4.0's !is_page_shared and pre9's exclusive_swap_page (an
      // include/linux/mm.h inline) read the slot count through swap_count(), no lock taken.
      if (has(F_EXCLUSIVE_NOLOCK)) return can_share_done(exclusive_nolock(page) ? 1 : 0);
      set_l(CS_ENTRY, page_index(page));
      if (!swap_info_check(l(CS_ENTRY))) return can_share_done(0);
      return next(CS_LIST_LOCK);
    }
    case CS_LIST_LOCK:
      if (!swap_info_lock_list(l(CS_ENTRY))) return BLOCK;
      return next(CS_DEVICE_LOCK);
    case CS_DEVICE_LOCK:
      if (!swap_info_lock_device(l(CS_ENTRY))) return BLOCK;
      map_read(l(CS_ENTRY));
      if (swap_count(slot_of(l(CS_ENTRY))) == 1) return next(CS_CACHE_LOCK);
      swap_info_put(l(CS_ENTRY));
      return can_share_done(0);
    case CS_CACHE_LOCK: {
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      const exclusive = page_count_users(page) == 2;
      spin_unlock(gaddr(G_PCL), LK_PCL);
      swap_info_put(l(CS_ENTRY));
      return can_share_done(exclusive ? 1 : 0);
    }
  }
  return bad_pc();
}

function can_share_done(r: i32): i32 {
  trace(EV_CAN_SHARE, l(CS_PAGE), r, page_count(l(CS_PAGE)));
  return ret(r);
}

// ---- zap's paths: free_swap_and_cache, free_page_and_swap_cache ------------------------------

/** free_swap_and_cache(entry) → 0: drop a swap pte's reference; when only the cache is left,
 *  trylock its page and delete it if nobody else holds it (or swap is full). Never sleeps.
 *  l7 = the cache page. */
// Locals: the argument, the cache page. Sections: the entry's check, swap_list_lock,
// sdev_lock, pagecache_lock for find_trylock_page, the page's get, then back from
// delete_from_swap_cache.
const FSC_ENTRY: i32 = 0;
const FSC_PAGE: i32 = 7;
const FSC_CHECK: i32 = 0;
const FSC_LIST_LOCK: i32 = 1;
const FSC_DEVICE_LOCK: i32 = 2;
const FSC_CACHE_LOCK: i32 = 3;
const FSC_GET_PAGE: i32 = 4;
const FSC_DELETED: i32 = 5;
export function free_swap_and_cache(pc: i32): i32 {
  const entry = l(FSC_ENTRY);
  switch (pc) {
    case FSC_CHECK:
      if (!swap_info_check(entry)) return ret(0);
      return next(FSC_LIST_LOCK);
    case FSC_LIST_LOCK:
      if (!swap_info_lock_list(entry)) return BLOCK;
      return next(FSC_DEVICE_LOCK);
    case FSC_DEVICE_LOCK: {
      if (!swap_info_lock_device(entry)) return BLOCK;
      const count = swap_entry_free(entry);
      trace(EV_FREE_SWAP, entry, count, 0);
      if (count == 1) return next(FSC_CACHE_LOCK); // find_trylock_page, SLL and SDL still held
      swap_info_put(entry);
      return ret(0);
    }
    case FSC_CACHE_LOCK: {
      if (!spin_lock(gaddr(G_PCL), LK_PCL)) return BLOCK;
      let page = swap_cache_find(entry);
      if (page != 0 && !trylock_page(page)) page = 0;
      spin_unlock(gaddr(G_PCL), LK_PCL);
      swap_info_put(entry);
      if (page == 0) return ret(0);
      set_l(FSC_PAGE, page);
      return next(FSC_GET_PAGE);
    }
    case FSC_GET_PAGE: {
      // The page lock keeps it in the cache, so the cache's ref keeps it alive until this get.
      const page = l(FSC_PAGE);
      get_page(page);
      // Only cache user (+us), or swap space full? Free it!
      if (page_count(page) == 2 || vm_swap_full()) {
        trace(EV_FREE_SWAP_DELETE, page, entry, page_count(page));
        return call(P_DELETE_FROM_SWAP_CACHE, FSC_DELETED, page, 0, 0, 0);
      }
      unlock_page(page);
      put_page(page);
      return ret(0);
    }
    case FSC_DELETED: {
      const page = l(FSC_PAGE);
      page_set(page, PG_DIRTY);
      unlock_page(page);
      put_page(page);
      return ret(0);
    }
  }
  return bad_pc();
}

/** free_page_and_swap_cache(page) → 0: drop a present pte's page reference, first freeing the
 *  swap cache copy if we are its only user. Called under PTL: trylock only, never sleeps.
 *  mm/swap_state.c free_page_and_swap_cache: 2.4.16 asks remove_exclusive_swap_page (SLL, SDL,
 *  PCL); with F_EXCLUSIVE_NOLOCK (2.4.0, 2.4.10-pre9) the test is made with no swap lock and the
 *  page goes through delete_from_swap_cache_nolock. 2.4.0's !is_page_shared (flag
 *  is-page-shared) deletes at page count 2 with a slot count of 1 or 0 (a slot freed under the
 *  cached page: the delete's swap_free then reports the free slot); pre9's
 *  exclusive_swap_page at a slot count of 1 only. */
// Locals: the argument. Sections: the PageSwapCache test and the trylock (2.4.0: two), then
// back from the removal.
//
// "if (PageSwapCache(page) && !TryLockPage(page))" reads PG_swap_cache and then trylocks with
// nothing holding the page in the cache between the two (the caller holds only the PTL). The
// later test reads PG_swap_cache again under the page lock in 2.4.16 (remove_exclusive_swap_page)
// and in pre9 (exclusive_swap_page), so a delete by another CPU in between ends as "not
// exclusive" there and the two reads may share a section. 2.4.0's is_page_shared does not: a page
// that left the cache counts as unshared at page_count 1, and delete_from_swap_cache_nolock then
// meets a page that is no longer swapper_space's (remove_from_swap_cache's BUG). Under
// is-page-shared the trylock is a step of its own (FPSC_TRYLOCK), so that swapoff, which skips
// an exiting task's mm (tsk->mm = NULL before exit_mmap's zap), can delete the page there.
// is_page_shared then reads page_count with the trylock and swap_count() in the next section
// (FPSC_SHARED, since 6 Dec 2026): a swap_free or swap_duplicate of the entry by another mm can
// fall between the two unlocked reads, as in do_wp_page and do_swap_page, and the page lock is
// seen held from the trylock to the UnlockPage (another CPU's TryLockPage fails there).
const FPSC_PAGE: i32 = 0;
const FPSC_COUNT: i32 = 6;
const FPSC_TRY: i32 = 0;
const FPSC_REMOVED: i32 = 1;
const FPSC_TRYLOCK: i32 = 2;
const FPSC_SHARED: i32 = 3;
export function free_page_and_swap_cache(pc: i32): i32 {
  const page = l(FPSC_PAGE);
  switch (pc) {
    case FPSC_TRY:
      if (!page_test(page, PG_SWAPCACHE)) return fpsc_release(page);
      if (has2(F2_IS_PAGE_SHARED)) {
        trace(EV_FREE_SWAP_TESTED, page, page_index(page), 0);
        return next(FPSC_TRYLOCK);
      }
      return fpsc_trylock(page);
    case FPSC_TRYLOCK:
      return fpsc_trylock(page);
    case FPSC_SHARED: {
      // 2.4.0 is_page_shared's swap_count(), with the page count read at the trylock.
      if (!is_page_shared_2_4_0(page, l(FPSC_COUNT))) return fpsc_delete(page);
      unlock_page(page);
      return fpsc_release(page);
    }
    case FPSC_REMOVED:
      unlock_page(page);
      return fpsc_release(page);
  }
  return bad_pc();
}

/** free_page_and_swap_cache after its PageSwapCache test: TryLockPage, then the exclusivity
 *  test and the delete, or nothing. */
function fpsc_trylock(page: i32): i32 {
  if (!trylock_page(page)) return fpsc_release(page);
  if (!has(F_EXCLUSIVE_NOLOCK)) return call(P_REMOVE_EXCLUSIVE_SWAP_PAGE, FPSC_REMOVED, page, 0, 0, 0);
  if (has2(F2_IS_PAGE_SHARED)) {
    set_l(FPSC_COUNT, page_count(page)); // is_page_shared's first read; swap_count() next
    return next(FPSC_SHARED);
  }
  if (exclusive_swap_page_nolock(page)) return fpsc_delete(page); // pre9
  unlock_page(page);
  return fpsc_release(page);
}

/** Not shared: delete_from_swap_cache_nolock, the page locked; UnlockPage after it. */
function fpsc_delete(page: i32): i32 {
  trace(EV_FREE_SWAP_DELETE, page, page_index(page), page_count(page));
  return call(P_DELETE_FROM_SWAP_CACHE, FPSC_REMOVED, page, 0, 0, 0);
}

/** free_page_and_swap_cache's end: page_cache_release(page). */
function fpsc_release(page: i32): i32 {
  put_page(page);
  return ret(0);
}

// ---- swapoff ----------------------------------------------------------------------------

/** sys_swapoff(area) → 0, -ENOMEM, -EINVAL. BKL + SLL: unlink the area and make it not
 *  allocatable; try_to_unuse without the BKL; on failure put it back as WRITEOK (its freed
 *  slots become allocatable again), else retire its map. l6 = try_to_unuse's result. */
// Locals: the argument, try_to_unuse's result. Sections: the BKL, swap_list_lock to unlink
// the area, back from try_to_unuse, swap_list_lock to put it back, swap_list_lock to retire
// it, then its sdev_lock.
const SO_AREA: i32 = 0;
const SO_ERR: i32 = 6;
const SO_BKL: i32 = 0;
const SO_UNLINK: i32 = 1;
const SO_UNUSED: i32 = 2;
const SO_RELINK: i32 = 3;
const SO_LIST_LOCK: i32 = 4;
const SO_RETIRE: i32 = 5;
export function sys_swapoff(pc: i32): i32 {
  const a = l(SO_AREA);
  switch (pc) {
    case SO_BKL:
      if (a < 0 || a >= nAreaSlots) {
        trace(EV_SWAPOFF_EINVAL, a, 0, 0);
        return ret(EINVAL);
      }
      if (!lock_kernel()) return BLOCK;
      return next(SO_UNLINK);
    case SO_UNLINK: {
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      let prev = -1;
      let type = gget(G_SWAP_LIST_HEAD);
      while (type >= 0 && !(type == a && area_get(type, A_FLAGS) == SWP_WRITEOK)) {
        prev = type;
        type = area_get(type, A_NEXT);
      }
      if (type < 0) {
        spin_unlock(gaddr(G_SLL), LK_SLL);
        unlock_kernel();
        trace(EV_SWAPOFF_EINVAL, a, 0, 0);
        return ret(EINVAL);
      }
      if (prev < 0) gset(G_SWAP_LIST_HEAD, area_get(a, A_NEXT));
      else area_set(prev, A_NEXT, area_get(a, A_NEXT));
      // Just pick something that's safe.
      if (gget(G_SWAP_LIST_NEXT) == a) gset(G_SWAP_LIST_NEXT, gget(G_SWAP_LIST_HEAD));
      gadd(G_NR_SWAP_PAGES, -area_get(a, A_PAGES));
      gadd(G_TOTAL_SWAP_PAGES, -area_get(a, A_PAGES));
      area_set(a, A_FLAGS, SWP_USED);
      swapoff_area_update();
      spin_unlock(gaddr(G_SLL), LK_SLL);
      // 2.4.0 sets flags = SWP_USED just after dropping SLL, under the BKL only: nobody
      // looks at the flags of an area off the list meanwhile, so it is done above.
      // F_SWAPOFF_BKL (2.4.0, pre9): the BKL stays held across try_to_unuse (dropped only
      // while it sleeps, and by pre9's per-entry yield); 2.4.16 drops it around the call.
      if (!has(F_SWAPOFF_BKL)) unlock_kernel();
      trace(EV_SWAPOFF, a, area_get(a, A_INUSE), 0);
      return call(P_TRY_TO_UNUSE, SO_UNUSED, a, 0, 0, 0);
    }
    case SO_UNUSED:
      if (!has(F_SWAPOFF_BKL) && !lock_kernel()) return BLOCK;
      set_l(SO_ERR, ret_val());
      return next(l(SO_ERR) != 0 ? SO_RELINK : SO_LIST_LOCK);
    case SO_RELINK: {
      // Re-insert the swap space back into swap_list.
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      swap_list_link(a);
      gadd(G_NR_SWAP_PAGES, area_get(a, A_PAGES));
      gadd(G_TOTAL_SWAP_PAGES, area_get(a, A_PAGES));
      area_set(a, A_FLAGS, SWP_WRITEOK);
      swapoff_area_update();
      spin_unlock(gaddr(G_SLL), LK_SLL);
      unlock_kernel();
      stat(S_SWAPOFF_ENOMEM);
      trace(EV_SWAPOFF_FAILED, a, l(SO_ERR), 0);
      return ret(l(SO_ERR));
    }
    case SO_LIST_LOCK:
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      return next(SO_RETIRE);
    case SO_RETIRE:
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      // The map is freed here (2.4.16: p->swap_map = NULL, flags 0 and max 0 under SLL + SDL,
      // vfree after the unlock). 2.4.0 and pre9 retire it under the BKL only, without SLL and
      // SDL (the 15 Sep 2001 patch added both); the model takes them in every release: they
      // matter only to a reader that holds SDL, which 2.4.0's stale max sends into the freed
      // map whether or not it waited here, and max 0 turns away in pre9 and 2.4.16 either way.
      // F_SWAPOFF_CLEARS_MAX (2.4.10-pre9, 2.4.16): p->max = 0 with the map, so every reader's
      // offset < max check fails from here on. 2.4.0 leaves p->max: a reader whose only check
      // is the offset (swap_duplicate, valid_swaphandles) loads the freed map (NULL there).
      if (has(F_SWAPOFF_CLEARS_MAX)) area_set(a, A_MAX, 0);
      area_set(a, A_FLAGS, 0); // with the map freed: map_read's test
      area_set(a, A_LOWEST, 0);
      area_set(a, A_HIGHEST, 0);
      swapoff_area_update();
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      spin_unlock(gaddr(G_SLL), LK_SLL);
      unlock_kernel();
      stat(S_SWAPOFFS);
      trace(EV_SWAPOFF_DONE, a, 0, 0);
      return ret(0);
  }
  return bad_pc();
}

/** find_next_to_unuse: the next in-use, non-BAD slot after prev, wrapping once to recheck the
 *  start; 0 when a whole pass finds none. No lock: false hits are fine, and the area is no
 *  longer allocatable. */
function find_next_to_unuse(a: i32, prev: i32): i32 {
  let max = area_get(a, A_MAX);
  const base = a << slotsShift;
  let i = prev;
  for (;;) {
    if (++i >= max) {
      if (prev == 0) return 0;
      // No entries in use at the top of swap_map: loop back to the start and recheck there.
      max = prev + 1;
      prev = 0;
      i = 1;
    }
    const count = swap_count(base + i);
    if (count != 0 && count != SWAP_MAP_BAD) return i;
  }
  return 0;
}

/** try_to_unuse(area) → 0 / -ENOMEM. For each slot in use: read it into the swap cache, lock
 *  the page, replace every pte holding the entry in every live mm (swap_free each), reset a
 *  count stuck at MAX, write a dirty page others still reference, delete it from the cache.
 *  l6 = slot offset, l7 = page, l8 = mm being searched, l9 = next pte in it. */
// try_to_unuse's locals (its three loops, and unuse_process): the argument, the slot offset,
// the page, the mm being searched (nMm stands for init_mm), the next pte in it; and 2.4.16's
// start_mm and the walk's new_start_mm, each as mm + 1 with 0 for init_mm (the frame's
// locals start at 0), set_start_mm, and the count before the mm being searched (0: none yet).
const TU_AREA: i32 = 0;
const TU_START_MM: i32 = 1;
const TU_NEW_START_MM: i32 = 2;
const TU_SET_START_MM: i32 = 3;
const TU_SWCOUNT: i32 = 4;
const TU_RETVAL: i32 = 5;   // the value to return once the last mmput(start_mm) is over
const TU_OFFSET: i32 = 6;
const TU_PAGE: i32 = 7;
const TU_MM: i32 = 8;
const TU_PTE: i32 = 9;
// Sections (2.4.16): find and read the next slot, back from the read, wait_on_page, lock_page,
// an mm's page_table_lock, back from swap_free (PTL held), the PTL dropped, swap_list_lock
// and sdev_lock for the MAX reset, the write-or-delete choice, back from the write, back
// from delete_from_swap_cache, mmlist_lock for the walk over the other mms (held from the
// walk's first mm to its end, each mm's PTL taken inside it); then start_mm's search without
// mmlist_lock: its page_table_lock, back from swap_free, its PTL dropped.
const TU_FIND: i32 = 0;
const TU_READ: i32 = 1;
const TU_WAIT: i32 = 2;
const TU_LOCK_PAGE: i32 = 3;
const TU_PTL: i32 = 4;
const TU_FREED: i32 = 5;
const TU_NEXT_MM: i32 = 6;
const TU_LIST_LOCK: i32 = 7;
const TU_MAX_RESET: i32 = 8;
const TU_WRITE_CHECK: i32 = 9;
const TU_WRITTEN: i32 = 10;
const TU_DELETED: i32 = 11;
const TU_MMLIST: i32 = 12;
const TU_START_PTL: i32 = 13;
const TU_START_FREED: i32 = 14;
const TU_START_DONE: i32 = 15;
const TU_START_PUT: i32 = 16; // back from the old start_mm's last mmput, after the walk
const TU_END: i32 = 17;       // back from the last mmput(start_mm) at the end
export function try_to_unuse(pc: i32): i32 {
  if (has(F_UNUSE_CLEAR_UNDEAD)) return try_to_unuse_2_4_0(pc);
  if (has(F_UNUSE_DELETE_FIRST)) return try_to_unuse_delete_first(pc);
  const a = l(TU_AREA);
  const entry = swp_entry(a, l(TU_OFFSET));
  switch (pc) {
    case TU_FIND: {
      const i = find_next_to_unuse(a, l(TU_OFFSET));
      if (i == 0) return unuse_end(0, TU_END);
      set_l(TU_OFFSET, i);
      const e = swp_entry(a, i);
      trace(EV_UNUSE_READ, e, swap_count(slot_of(e)), 0);
      return call(P_READ_SWAP_CACHE_ASYNC, TU_READ, e, 0, 0, 0);
    }
    case TU_READ: {
      const page = ret_val();
      if (page == 0) {
        // Either the entry was freed independently (and stays free: no allocation from this
        // area), or alloc_page failed.
        if (swap_count(slot_of(entry)) == 0) {
          trace(EV_UNUSE_SKIP, entry, 0, 0);
          return next(TU_FIND);
        }
        trace(EV_UNUSE_NOMEM, entry, swap_count(slot_of(entry)), 0);
        return unuse_end(ENOMEM, TU_END);
      }
      set_l(TU_PAGE, page);
      return unuse_drop_exiting(TU_START_MM, TU_WAIT);
    }
    case TU_WAIT:
      // wait_on_page first lets a racing do_swap_page finish with the page.
      if (!wait_on_page(l(TU_PAGE))) return BLOCK;
      return next(TU_LOCK_PAGE);
    case TU_LOCK_PAGE: {
      if (!lock_page(l(TU_PAGE))) return BLOCK;
      // 2.4.16: "swcount = *swap_map; if (swcount > 1) { ... unuse_process(start_mm, ...) }"
      // with no mmlist_lock (start_mm is pinned); init_mm's search is shmem_unuse (no shmem
      // in the model).
      const swcount = swap_count(slot_of(entry));
      set_l(TU_SWCOUNT, swcount);
      if (swcount > 1) {
        if (unuse_search_first(l(TU_START_MM) - 1)) return next(TU_START_PTL);
        // start_mm is init_mm: shmem_unuse takes and drops shmem_ilock before "set_start_mm =
        // (*swap_map >= swcount)" reads the count again, so that read comes in the next step:
        // a swap_free between them leaves init_mm start_mm (until the 6 Dec 2026 audit both reads were
        // one instant, and set_start_mm always 1 here).
        return next(TU_START_DONE);
      }
      return unuse_start_done();
    }
    case TU_START_PTL:
      if (!spin_lock(mm_addr(l(TU_MM), MM_PTL), LK_PTL)) return BLOCK;
      return unuse_process(TU_START_FREED, TU_START_DONE);
    case TU_START_FREED: // back from swap_free, start_mm's PTL still held
      return unuse_process(TU_START_FREED, TU_START_DONE);
    case TU_START_DONE: // start_mm's PTL dropped
      return unuse_start_done();
    case TU_MMLIST:
      // The walk over the rest of the mmlist, from the mm after start_mm back to it.
      // start_mm is pinned: it is still on the list, its links good to follow.
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      set_l(TU_MM, unuse_mm_of(l(TU_START_MM)));
      set_l(TU_SWCOUNT, 0);
      return unuse_next_mm();
    case TU_PTL:
      if (!spin_lock(mm_addr(l(TU_MM), MM_PTL), LK_PTL)) return BLOCK;
      return unuse_process(TU_FREED, TU_NEXT_MM);
    case TU_FREED: // back from swap_free, PTL still held
      return unuse_process(TU_FREED, TU_NEXT_MM);
    case TU_NEXT_MM: // PTL of the previous mm dropped
      return unuse_next_mm();
    case TU_LIST_LOCK:
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      return next(TU_MAX_RESET);
    case TU_MAX_RESET:
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      // Only swapoff resets a pinned count; the cache's ref is what is left. 2.4.16
      // try_to_unuse: "nr_swap_pages++; *swap_map = 1;". The delete below then frees the
      // slot and swap_entry_free counts it free a second time: the kernel's counter ends one
      // too high (its "We believe SWAP_MAP_MAX cannot occur in Linux 2.4"; no hunt reaches it).
      gadd(G_NR_SWAP_PAGES, 1);
      set_swap_count(slot_of(entry), 1);
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      spin_unlock(gaddr(G_SLL), LK_SLL);
      trace(EV_UNUSE_MAX_RESET, entry, 0, 0);
      return next(TU_WRITE_CHECK);
    case TU_WRITE_CHECK: {
      const page = l(TU_PAGE);
      const count = swap_count(slot_of(entry));
      // F_UNUSE_RECHECK_KEY (Hugh Dickins' 2008 fix): a racing free_swap_and_cache or
      // remove_exclusive_swap_page (trylock only) may have taken the page out of the cache
      // before our lock_page, and swap_out may have put it back under an entry of another
      // area: only a page still cached under this entry is ours to write and delete, and
      // 2.4.16's BUG below is gone.
      const cached = page_test(page, PG_SWAPCACHE) && (!has(F_UNUSE_RECHECK_KEY) || page_index(page) == entry);
      if (has(F_UNUSE_RECHECK_KEY)) {
        if (count > 1 && cached && page_test(page, PG_DIRTY)) return call(P_RW_SWAP_PAGE_SYNC, TU_WRITTEN, page, WRITE, 0, 0);
        return unuse_delete_if(cached);
      }
      if ((count > 0) != cached) bug(V_BUG_ON, BUG_UNUSE_CACHE, entry, page);
      // A reference remains (rare): save the data before the page leaves the cache.
      if (count > 1 && cached && page_test(page, PG_DIRTY)) {
        return call(P_RW_SWAP_PAGE_SYNC, TU_WRITTEN, page, WRITE, 0, 0);
      }
      return unuse_delete();
    }
    case TU_WRITTEN:
      if (has(F_UNUSE_RECHECK_KEY)) {
        const page = l(TU_PAGE);
        return unuse_delete_if(page_test(page, PG_SWAPCACHE) && page_index(page) == entry);
      }
      return unuse_delete();
    case TU_DELETED:
      return unuse_release();
    case TU_START_PUT: // the old start_mm's last mmput (exit_mmap) is over
      return unuse_walk_over();
    case TU_END:
      return ret(l(TU_RETVAL));
  }
  return bad_pc();
}

/** The end of try_to_unuse (2.4.16; pre9's with last_mm, the same local): "mmput(start_mm);"
 *  then return retval. The put is one atomic decrement unless it is the last (start_mm's
 *  process exited meanwhile): exit_mmap runs here (P_MMPUT), and section `then` returns. */
function unuse_end(retval: i32, then: i32): i32 {
  const start = unuse_mm_of(l(TU_START_MM));
  if (mmput_fast(start)) return ret(retval);
  set_l(TU_RETVAL, retval);
  return call(P_MMPUT, then, start, 0, 0, 0);
}

/** F_UNUSE_RECHECK_KEY: delete the page from the cache only when it is still this entry's. */
function unuse_delete_if(ours: bool): i32 {
  if (ours) return call(P_DELETE_FROM_SWAP_CACHE, TU_DELETED, l(TU_PAGE), 0, 0, 0);
  return unuse_release();
}

/** Whether mm is a process on the mmlist (an exit's or a fork's mmput took it off; 2.4.0's
 *  fork lists its child late). */
@inline function unuse_mm_live(mm: i32): bool {
  return mm_get(mm, MM_USERS) != 0 && mm_listed(mm);
}

/** start_mm / last_mm as kept in a local (mm + 1, 0 for init_mm) → the mm (nMm for init_mm). */
@inline function unuse_mm_of(v: i32): i32 { return v == 0 ? nMm : v - 1; }

/** "Don't hold on to start_mm if it looks like exiting" (2.4.16; 16 Aug 2001's last_mm, in
 *  pre9's delete-first loop): "if (atomic_read(&start_mm->mm_users) == 1) { mmput(start_mm);
 *  start_mm = &init_mm; atomic_inc(&init_mm.mm_users); }", after the entry's page is read and
 *  before lock_page. Our pin is then the mm's only user (its process's mmput has run), so this
 *  put is the last and runs exit_mmap here (P_MMPUT), unless a swap_out pinned it again
 *  meanwhile. `local` holds the mm (unuse_mm_local's form); `resume` is the next section. */
function unuse_drop_exiting(local: i32, resume: i32): i32 {
  const mm = unuse_mm_of(l(local));
  if (mm == nMm || mm_get(mm, MM_USERS) != 1) return next(resume);
  set_l(local, 0);
  return call(P_MMPUT, resume, mm, 0, 0, 0);
}

/** The mm → its local's form (mm + 1, 0 for init_mm). */
@inline function unuse_mm_local(mm: i32): i32 { return mm == nMm ? 0 : mm + 1; }

/** The one mm searched before the walk without mmlist_lock (2.4.16's start_mm, 16 Aug 2001's
 *  last_mm; -1 is init_mm, which has no ptes): true when it is a live process, its search set
 *  up from its first pte (its PTL section comes next). */
@inline function unuse_search_first(mm: i32): bool {
  if (mm < 0 || !unuse_mm_live(mm)) return false;
  set_l(TU_MM, mm);
  set_l(TU_PTE, 0);
  return true;
}

/** After start_mm's search (2.4.16 try_to_unuse): "if (*swap_map > 1) { int set_start_mm =
 *  (*swap_map >= swcount); ... new_start_mm = start_mm; spin_lock(&mmlist_lock);" (the lock at
 *  the start of the next section); else no walk. */
function unuse_start_done(): i32 {
  const count = swap_count(slot_of(swp_entry(l(TU_AREA), l(TU_OFFSET))));
  if (count <= 1) return unuse_walk_over();
  set_l(TU_SET_START_MM, count >= l(TU_SWCOUNT) ? 1 : 0);
  set_l(TU_NEW_START_MM, l(TU_START_MM));
  return next(TU_MMLIST);
}

/** The walk over the mms after start_mm, mmlist_lock held (mm/swapfile.c try_to_unuse: "while
 *  (*swap_map > 1 && (p = p->next) != &start_mm->mmlist)"), following the mmlist's links from
 *  mm l8 (start_mm, or the mm just searched): first the mm just searched is judged (the first
 *  after which the count fell becomes new_start_mm, once set_start_mm is set, which passing
 *  init_mm does), then the next live mm is searched. Back at start_mm, or with no reference
 *  left to find, start_mm = new_start_mm, mmlist_lock is dropped and the walk is over. The
 *  lock is held throughout, so no mm joins or leaves the list under the walk. */
function unuse_next_mm(): i32 {
  const slot = slot_of(swp_entry(l(TU_AREA), l(TU_OFFSET)));
  const start = unuse_mm_of(l(TU_START_MM));
  const searched = l(TU_SWCOUNT);
  if (searched != 0 && l(TU_SET_START_MM) != 0 && swap_count(slot) < searched) {
    set_l(TU_NEW_START_MM, unuse_mm_local(l(TU_MM)));
    set_l(TU_SET_START_MM, 0);
  }
  let mm = mmlist_next(l(TU_MM));
  for (let n = 0; n <= nMm; n++, mm = mmlist_next(mm)) {
    if (mm == start || swap_count(slot) <= 1) break;
    if (mm == nMm) return unuse_init_mm(slot);
    if (!unuse_mm_live(mm)) continue;
    set_l(TU_MM, mm);
    set_l(TU_PTE, 0);
    set_l(TU_SWCOUNT, swap_count(slot));
    return next(TU_PTL);
  }
  // "atomic_inc(&new_start_mm->mm_users); spin_unlock(&mmlist_lock); mmput(start_mm);
  // start_mm = new_start_mm;": the put is one atomic decrement (in this section: nothing
  // between the unlock and it touches shared state) unless it is the last (the old
  // start_mm's process exited meanwhile, and it is not new_start_mm): exit_mmap runs here.
  const old = unuse_mm_of(l(TU_START_MM));
  mm_pin(unuse_mm_of(l(TU_NEW_START_MM)));
  set_l(TU_START_MM, l(TU_NEW_START_MM));
  spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
  if (!mmput_fast(old)) return call(P_MMPUT, TU_START_PUT, old, 0, 0, 0);
  return unuse_walk_over();
}

/** The walk reaches init_mm: "swcount = *swap_map; if (mm == &init_mm) { set_start_mm = 1;
 *  shmem_unuse(entry, page); }" (2.4.16 mm/swapfile.c try_to_unuse). The model has no shmem,
 *  but shmem_unuse takes and drops shmem_ilock, so init_mm is judged in the next section like
 *  any searched mm ("if (set_start_mm && *swap_map < swcount) new_start_mm = mm;"): a
 *  swap_free on another CPU between the two reads makes init_mm the next start_mm, and the
 *  old start_mm's pin is put. Until 6 Dec 2026 the walk passed init_mm in the section that
 *  reached it, without reading the count, and that choice was lost. */
function unuse_init_mm(slot: i32): i32 {
  set_l(TU_SET_START_MM, 1);
  set_l(TU_MM, nMm);
  set_l(TU_SWCOUNT, swap_count(slot));
  return next(TU_NEXT_MM);
}

/** After the mm walk (or with no reference left to search for): on to the MAX reset check. */
function unuse_walk_over(): i32 {
  if (swap_count(slot_of(swp_entry(l(TU_AREA), l(TU_OFFSET)))) == SWAP_MAP_MAX) return next(TU_LIST_LOCK);
  return next(TU_WRITE_CHECK);
}

/** unuse_process (PTL of mm l8 held), from pte l9: each swap pte holding the entry is replaced
 *  by the page, old (2.4.16 unuse_pte: pte_mkold(mk_pte(page, vma->vm_page_prot))) and
 *  read-only like a COW pte; one swap_free per pte, which returns to
 *  section `freed`; with no pte left the PTL is dropped and the walk goes on at section
 *  `next_mm` with the next mm. Shared by the 2.4.16 loop and pre9's (F_UNUSE_DELETE_FIRST). */
function unuse_process(freed: i32, next_mm: i32): i32 {
  const mm = l(TU_MM), page = l(TU_PAGE);
  const entry = swp_entry(l(TU_AREA), l(TU_OFFSET));
  const swp_pte = swp_entry_to_pte(entry);
  // A vma munmap or exit has unlinked (MM_VMA_HIDDEN, set and cleared under this PTL): the
  // walk of mm->mmap meets none of its ptes.
  for (let p = mm_get(mm, MM_VMA_HIDDEN) != 0 ? nPages : l(TU_PTE); p < nPages; p++) {
    if (pte_get(mm, p) != swp_pte) continue;
    get_page(page);
    pte_set(mm, p, mk_pte(page, 0));
    mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1);
    trace(EV_UNUSE_PTE, page, vpage(mm, p), entry);
    set_l(TU_PTE, p + 1);
    return call(P_SWAP_FREE, freed, entry, 0, 0, 0);
  }
  spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
  return next(next_mm);
}

function unuse_delete(): i32 {
  const page = l(TU_PAGE);
  if (page_test(page, PG_SWAPCACHE)) return call(P_DELETE_FROM_SWAP_CACHE, TU_DELETED, page, 0, 0, 0);
  return unuse_release();
}

/** The ptes were not marked dirty: the page must be, so try_to_swap_out preserves it. */
function unuse_release(): i32 {
  const page = l(TU_PAGE);
  const entry = swp_entry(l(TU_AREA), l(TU_OFFSET));
  page_set(page, PG_DIRTY);
  unlock_page(page);
  put_page(page);
  trace(EV_UNUSE_DONE, entry, page, swap_count(slot_of(entry)));
  // 2.4.16's "if (current->need_resched) schedule();" at the end of each entry: the loop may
  // be waiting on a reference another CPU holds (a read_swap_cache_async between its
  // add_to_swap_cache -EEXIST and the swap_free); under PCT it yields, as __alloc_pages' loop
  // does, or it would starve that CPU forever (a livelock no kernel has).
  sched_yield(cur);
  return next(TU_FIND);
}

// ---- try_to_unuse, 2.4.0 / 2.4.10-pre9 order (F_UNUSE_DELETE_FIRST) ------------------------
// mm/swapfile.c try_to_unuse as Hugh Dickins' 16 Aug 2001 "more swapoff fixes" left it and
// 2.4.10-pre9 still had it (pre9's hunks in the 15 Sep 2001 patch: lock_page, delete from the
// cache, SetPageDirty, UnlockPage, then the mm search from start_mm; per entry, schedule() or
// unlock_kernel()/lock_kernel()). pre9's full text is not at hand: the slot reference taken
// under sdev_lock by find_next_to_unuse, the fresh sweep until one finds nothing, and the
// clearing of a count stuck at SWAP_MAP_MAX are the 16 Aug 2001 code; its readahead of the
// next entry while this one is handled is left out. 2.4.0 shares the shape (its own reference,
// delete before the search) but has its own loop: see try_to_unuse_2_4_0 below
// (F_UNUSE_CLEAR_UNDEAD), which takes precedence over this one.
// l6 = slot offset, l7 = page, l8 = mm being searched, l9 = next pte in it; l1 = last_mm and
// l2 = the mm the walk reached, each as mm + 1 with 0 for init_mm (as 2.4.16's start_mm).
// The mm searched first is 16 Aug's last_mm (the mm the previous walk reached). pre9's own
// rule is not at hand: the 15 Sep patch's removed lines end pre9's try_to_unuse with
// "mmput(start_mm)", 2.4.16's name, which suggests 2.4.16's choice (the first mm after which
// the count fell) had come in by pre9. Either way one mm is searched without mmlist_lock and
// the rest of the list under it, with unuse_pte's "mmlist_lock and page_table_lock are held".
const TUDF_LAST_MM: i32 = 1;
const TUDF_REACHED: i32 = 2;

/** find_next_to_unuse of 16 Aug 2001, sdev_lock held: the next in-use, non-BAD slot after
 *  prev, pinned with a reference of ours (not when at SWAP_MAP_MAX); 0 at the end of the map. */
function find_next_pinned(a: i32, prev: i32): i32 {
  const max = area_get(a, A_MAX);
  const base = a << slotsShift;
  for (let i = prev + 1; i < max; i++) {
    const count = swap_count(base + i);
    if (count == 0 || count == SWAP_MAP_BAD) continue;
    if (count != SWAP_MAP_MAX) set_swap_count(base + i, count + 1);
    swap_tmp_add(base + i, 1);
    return i;
  }
  return 0;
}

// Sections (pre9): sdev_lock to find and pin the next slot, back from the read, lock_page,
// back from delete_from_swap_cache, back from swap_free of our reference, an mm's
// page_table_lock, back from swap_free (PTL held), the PTL dropped (or init_mm passed), swap_list_lock and
// sdev_lock to clear a count at MAX, the -ENOMEM return, the BKL taken again, mmlist_lock for
// the walk over the mms (16 Aug 2001: held from the walk's first mm to its end).
const TUDF_FIND: i32 = 0;
const TUDF_READ: i32 = 1;
const TUDF_LOCK_PAGE: i32 = 2;
const TUDF_DELETED: i32 = 3;
const TUDF_REF_FREED: i32 = 4;
const TUDF_PTL: i32 = 5;
const TUDF_FREED: i32 = 6;
const TUDF_NEXT_MM: i32 = 7;
const TUDF_LIST_LOCK: i32 = 8;
const TUDF_NOMEM: i32 = 9;
const TUDF_MAX_CLEAR: i32 = 10;
const TUDF_BKL: i32 = 11;
const TUDF_MMLIST: i32 = 12;
const TUDF_LAST_PTL: i32 = 13;
const TUDF_LAST_FREED: i32 = 14;
const TUDF_LAST_DONE: i32 = 15;
const TUDF_LAST_PUT: i32 = 16; // back from the old last_mm's last mmput, after the walk
const TUDF_END: i32 = 17;      // back from the last mmput(last_mm) at the end
function try_to_unuse_delete_first(pc: i32): i32 {
  const a = l(TU_AREA);
  const entry = swp_entry(a, l(TU_OFFSET));
  switch (pc) {
    case TUDF_FIND: {
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      const i = find_next_pinned(a, l(TU_OFFSET));
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      if (i == 0) {
        if (l(TU_OFFSET) == 0) return unuse_end(0, TUDF_END); // a whole sweep found nothing in use
        set_l(TU_OFFSET, 0);
        return next(TUDF_FIND); // start a fresh sweep of the map
      }
      set_l(TU_OFFSET, i);
      const e = swp_entry(a, i);
      trace(EV_UNUSE_READ, e, swap_count(slot_of(e)), 0);
      return call(P_READ_SWAP_CACHE_ASYNC, TUDF_READ, e, 0, 0, 0);
    }
    case TUDF_READ: {
      const page = ret_val();
      if (page == 0) { // out of memory: our reference goes, swapoff fails
        trace(EV_UNUSE_NOMEM, entry, swap_count(slot_of(entry)), 0);
        swap_tmp_add(slot_of(entry), -1);
        return call(P_SWAP_FREE, TUDF_NOMEM, entry, 0, 0, 0);
      }
      set_l(TU_PAGE, page);
      // 16 Aug 2001 tests last_mm here (since 6 Dec 2026; before, the model's pre9 had no
      // such test and searched a pinned mm whose process had exited).
      return unuse_drop_exiting(TUDF_LAST_MM, TUDF_LOCK_PAGE);
    }
    case TUDF_LOCK_PAGE:
      // Wait for the read and lock the page; take it out of the swap cache so that
      // try_to_swap_out cannot duplicate the entry while the ptes are being replaced.
      if (!lock_page(l(TU_PAGE))) return BLOCK;
      if (page_test(l(TU_PAGE), PG_SWAPCACHE)) return call(P_DELETE_FROM_SWAP_CACHE, TUDF_DELETED, l(TU_PAGE), 0, 0, 0);
      return unuse_df_drop_ref();
    case TUDF_DELETED:
      return unuse_df_drop_ref();
    case TUDF_REF_FREED: { // back from swap_free of our reference: search the mms while the slot is used
      // 16 Aug 2001: "if (*swap_map) { if (last_mm == &init_mm) shmem_unuse(entry, page);
      // else unuse_process(last_mm, entry, page); }" with no mmlist_lock (last_mm is pinned).
      if (swap_count(slot_of(entry)) != 0 && unuse_search_first(l(TUDF_LAST_MM) - 1)) return next(TUDF_LAST_PTL);
      return unuse_df_last_done();
    }
    case TUDF_LAST_PTL:
      if (!spin_lock(mm_addr(l(TU_MM), MM_PTL), LK_PTL)) return BLOCK;
      return unuse_process(TUDF_LAST_FREED, TUDF_LAST_DONE);
    case TUDF_LAST_FREED: // back from swap_free, last_mm's PTL still held
      return unuse_process(TUDF_LAST_FREED, TUDF_LAST_DONE);
    case TUDF_LAST_DONE: // last_mm's PTL dropped
      return unuse_df_last_done();
    case TUDF_MMLIST:
      // The walk over the rest of the mmlist, from the mm after last_mm back to it.
      // last_mm is pinned: it is still on the list, its links good to follow.
      if (!spin_lock(gaddr(G_MMLIST_LOCK), LK_MMLIST)) return BLOCK;
      set_l(TU_MM, unuse_mm_of(l(TUDF_LAST_MM)));
      set_l(TUDF_REACHED, l(TUDF_LAST_MM));
      return unuse_df_next_mm();
    case TUDF_PTL:
      if (!spin_lock(mm_addr(l(TU_MM), MM_PTL), LK_PTL)) return BLOCK;
      return unuse_process(TUDF_FREED, TUDF_NEXT_MM);
    case TUDF_FREED: // back from swap_free, PTL still held
      return unuse_process(TUDF_FREED, TUDF_NEXT_MM);
    case TUDF_NEXT_MM: // PTL of the previous mm dropped, or init_mm passed (shmem_unuse)
      return unuse_df_next_mm();
    case TUDF_LIST_LOCK:
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      return next(TUDF_MAX_CLEAR);
    case TUDF_NOMEM:
      return unuse_end(ENOMEM, TUDF_END);
    case TUDF_LAST_PUT: // the old last_mm's last mmput (exit_mmap) is over
      return unuse_df_release();
    case TUDF_END:
      return ret(l(TU_RETVAL));
    case TUDF_MAX_CLEAR: {
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      // A count stuck at SWAP_MAP_MAX is cleared outright: the slot is free.
      set_swap_count(slot_of(entry), 0);
      gadd(G_NR_SWAP_PAGES, 1);
      area_set(a, A_INUSE, area_get(a, A_INUSE) - 1);
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      spin_unlock(gaddr(G_SLL), LK_SLL);
      trace(EV_UNUSE_MAX_RESET, entry, 0, 0);
      return unuse_df_yield();
    }
    case TUDF_BKL: // pre9: lock_kernel() again after the per-entry unlock_kernel()
      if (!lock_kernel()) return BLOCK;
      return next(TUDF_FIND);
  }
  return bad_pc();
}

/** SetPageDirty (so try_to_swap_out keeps the data without the ptes being dirty), UnlockPage,
 *  then swap_free of the reference find_next_pinned took. */
function unuse_df_drop_ref(): i32 {
  const page = l(TU_PAGE);
  const entry = swp_entry(l(TU_AREA), l(TU_OFFSET));
  page_set(page, PG_DIRTY);
  unlock_page(page);
  swap_tmp_add(slot_of(entry), -1);
  return call(P_SWAP_FREE, TUDF_REF_FREED, entry, 0, 0, 0);
}

/** After last_mm's search: "if (*swap_map) { ... spin_lock(&mmlist_lock);" (taken at the start
 *  of the next section); else no walk. */
function unuse_df_last_done(): i32 {
  if (swap_count(slot_of(swp_entry(l(TU_AREA), l(TU_OFFSET)))) != 0) return next(TUDF_MMLIST);
  return unuse_df_release();
}

/** The walk after last_mm, mmlist_lock held ("while (*swap_map && (p = p->next) !=
 *  &last_mm->mmlist)"), following the mmlist's links from mm l8 (last_mm, or the mm just
 *  searched) back to last_mm; init_mm's search is shmem_unuse (no shmem; unuse_df_init_mm ends
 *  the section there). At the end the mm
 *  it reached becomes last_mm ("atomic_inc(&mm->mm_users); spin_unlock(&mmlist_lock);
 *  mmput(last_mm); last_mm = mm;": the old last_mm's put as 2.4.16's start_mm's, see
 *  unuse_next_mm) and mmlist_lock is dropped. */
function unuse_df_next_mm(): i32 {
  const slot = slot_of(swp_entry(l(TU_AREA), l(TU_OFFSET)));
  const last = unuse_mm_of(l(TUDF_LAST_MM));
  let mm = mmlist_next(l(TU_MM));
  for (let n = 0; n <= nMm; n++, mm = mmlist_next(mm)) {
    if (mm == last || swap_count(slot) == 0) break;
    set_l(TUDF_REACHED, unuse_mm_local(mm));
    if (mm == nMm) return unuse_df_init_mm();
    if (!unuse_mm_live(mm)) continue;
    set_l(TU_MM, mm);
    set_l(TU_PTE, 0);
    return next(TUDF_PTL);
  }
  const old = unuse_mm_of(l(TUDF_LAST_MM));
  mm_pin(unuse_mm_of(l(TUDF_REACHED)));
  set_l(TUDF_LAST_MM, l(TUDF_REACHED));
  spin_unlock(gaddr(G_MMLIST_LOCK), LK_MMLIST);
  if (!mmput_fast(old)) return call(P_MMPUT, TUDF_LAST_PUT, old, 0, 0, 0);
  return unuse_df_release();
}

/** The walk reaches init_mm (16 Aug 2001 try_to_unuse: "if (mm == &init_mm) shmem_unuse(entry,
 *  page); else unuse_process(mm, entry, page);"). The model has no shmem, but shmem_unuse takes
 *  and drops shmem_ilock, a scheduling point between the loop's "*swap_map" reads on either side
 *  of init_mm, so the walk goes on from init_mm in the next section: a swap_free on another CPU
 *  between them ends the walk with init_mm reached, and init_mm becomes last_mm. As 2.4.16's
 *  unuse_init_mm. Until the 6 Dec 2026 audit of the old paths the walk passed init_mm in the
 *  section that reached it, and that outcome was lost. */
function unuse_df_init_mm(): i32 {
  set_l(TU_MM, nMm);
  return next(TUDF_NEXT_MM);
}

/** page_cache_release of our page; a count at SWAP_MAP_MAX is cleared (section 8), any other
 *  leftover is pre9's "Undead swap entry", found again by a later sweep. */
function unuse_df_release(): i32 {
  const page = l(TU_PAGE);
  const entry = swp_entry(l(TU_AREA), l(TU_OFFSET));
  const count = swap_count(slot_of(entry));
  trace(EV_UNUSE_DONE, entry, page, count);
  put_page(page);
  if (count == SWAP_MAP_MAX) return next(TUDF_LIST_LOCK);
  if (count != 0) trace(EV_UNUSE_UNDEAD, entry, count, 0);
  return unuse_df_yield();
}

/** End of an entry. With the BKL held (F_SWAPOFF_BKL), pre9 lets it go once per entry
 *  (schedule(), or unlock_kernel() + lock_kernel()): another CPU may take it in between.
 *  That point is the loop's "if (current->need_resched) schedule();" (16 Aug 2001 patch, as
 *  2.4.16's): under PCT it yields, as 2.4.16's does (unuse_release), or a re-sweep for an
 *  entry whose last reference only a lower-priority CPU can drop (an exit's zap waiting on
 *  a PTL) would starve that CPU forever: a livelock no kernel has. */
function unuse_df_yield(): i32 {
  sched_yield(cur);
  if (has(F_SWAPOFF_BKL) && ag_get(cur, AG_BKL_DEPTH) > 0) {
    unlock_kernel();
    return next(TUDF_BKL);
  }
  return next(TUDF_FIND);
}

// ---- try_to_unuse, 2.4.0's own loop (F_UNUSE_CLEAR_UNDEAD) ---------------------------------
// linux-2.4.0 mm/swapfile.c try_to_unuse, unuse_process, unuse_pte. Each turn of the loop:
// under sdev_lock, the first in-use, non-BAD slot from slot 1 (a fresh scan every turn), pinned
// with a reference of ours unless at SWAP_MAP_MAX; read_swap_cache(entry), which waits for its
// read; if the page is in the swap cache, delete_from_swap_cache (lock_page, the delete,
// UnlockPage); every live mm's ptes under its page_table_lock: a swap pte of the entry becomes
// a read-only, DIRTY pte of the page (swap_free, get_page, rss++), and a pte already mapping
// the page is made dirty ("we will be removing the swap cache in a moment"); the page is not
// marked dirty (the delete cleared PG_dirty). Then page_cache_release, swap_free of our
// reference, and under swap_list_lock + sdev_lock ANY count still left is forced to 0 and
// counted back into nr_swap_pages (the kernel printks "VM: Undead swap entry" unless the count
// was SWAP_MAP_MAX): whoever still held the slot now holds a free one. No need_resched point
// and no BKL yield anywhere in the loop: sys_swapoff's BKL is let go only while the loop
// sleeps (the read, lock_page, alloc_page). shmem_unuse is not modelled (no shmem). The search
// is "read_lock(&tasklist_lock); for_each_task(p) unuse_process(p->mm, entry, page);
// read_unlock(&tasklist_lock);": the read lock is held from the first task to the last, each
// mm's PTL taken inside it, so a fork's listing of its child (write_lock) waits for the walk.
// l6 = slot offset, l7 = page, l8 = mm being searched, l9 = next pte in it, l1 = l8's
// generation when read (MM_BIRTH).

// Sections (2.4.0): sdev_lock to find and pin a slot, back from the read, lock_page for the
// delete, back from delete_from_swap_cache, the previous mm's PTL dropped, an mm's
// page_table_lock, back from unuse_pte's swap_free (PTL held), back from swap_free of our
// reference (swap_list_lock), sdev_lock to clear what is left, the -ENOMEM return,
// tasklist_lock (read) for the walk over the tasks.
const TU240_FIND: i32 = 0;
const TU240_READ: i32 = 1;
const TU240_LOCK_PAGE: i32 = 2;
const TU240_DELETED: i32 = 3;
const TU240_NEXT_MM: i32 = 4;
const TU240_PTL: i32 = 5;
const TU240_FREED: i32 = 6;
const TU240_LIST_LOCK: i32 = 7;
const TU240_CLEAR: i32 = 8;
const TU240_NOMEM: i32 = 9;
const TU240_TASKLIST: i32 = 10;
// A local of its own: l1 (2.4.16's start_mm) is free in 2.4.0's loop.
const TU240_BIRTH: i32 = 1; // the MM_BIRTH of mm l8 when the walk read it from its task
function try_to_unuse_2_4_0(pc: i32): i32 {
  const a = l(TU_AREA);
  const entry = swp_entry(a, l(TU_OFFSET));
  switch (pc) {
    case TU240_FIND: { // swap_device_lock; find a swap page in use, pin it
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      const i = find_next_pinned(a, 0);
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      if (i == 0) return ret(0);
      set_l(TU_OFFSET, i);
      const e = swp_entry(a, i);
      trace(EV_UNUSE_READ, e, swap_count(slot_of(e)), 0);
      return call(P_READ_SWAP_CACHE_ASYNC, TU240_READ, e, 1, 0, 0); // read_swap_cache: wait = 1
    }
    case TU240_READ: {
      const page = ret_val();
      if (page == 0) { // swap_free(entry); return -ENOMEM
        trace(EV_UNUSE_NOMEM, entry, swap_count(slot_of(entry)), 0);
        swap_tmp_add(slot_of(entry), -1);
        return call(P_SWAP_FREE, TU240_NOMEM, entry, 0, 0, 0);
      }
      set_l(TU_PAGE, page);
      // if (PageSwapCache(page)): read with no lock; delete_from_swap_cache's lock_page
      // follows in a section of its own, and its delete BUGs if the page left meanwhile.
      if (page_test(page, PG_SWAPCACHE)) return next(TU240_LOCK_PAGE);
      return unuse_240_search();
    }
    case TU240_LOCK_PAGE: // delete_from_swap_cache: lock_page [S]
      if (!lock_page(l(TU_PAGE))) return BLOCK;
      return call(P_DELETE_FROM_SWAP_CACHE, TU240_DELETED, l(TU_PAGE), 0, 0, 0);
    case TU240_DELETED: // ... UnlockPage
      unlock_page(l(TU_PAGE));
      return unuse_240_search();
    case TU240_NEXT_MM: // the previous mm's page_table_lock dropped
      return unuse_240_next_mm();
    case TU240_PTL: { // unuse_process: spin_lock(&mm->page_table_lock)
      const mm = l(TU_MM);
      // The mm read from the task is gone and its slot holds a newer process (fork.ts
      // task_born): 2.4.0 locks the old mm_struct, which no exit can free while this walk
      // holds tasklist_lock (kernel/exit.c exit_notify write-locks it before the exiting
      // task's last schedule() drops its mm_count), and finds its vma list empty (exit_mmap).
      if (mm_get(mm, MM_BIRTH) != l(TU240_BIRTH)) return unuse_240_gone(mm);
      if (!spin_lock(mm_addr(mm, MM_PTL), LK_PTL)) return BLOCK;
      return unuse_240_process();
    }
    case TU240_FREED: { // back from unuse_pte's swap_free, PTL still held: get_page, ++rss
      const mm = l(TU_MM), page = l(TU_PAGE);
      get_page(page);
      mm_set(mm, MM_RSS, mm_get(mm, MM_RSS) + 1);
      trace(EV_UNUSE_PTE, page, vpage(mm, l(TU_PTE) - 1), entry);
      return unuse_240_process();
    }
    case TU240_LIST_LOCK: // back from swap_free of our reference: swap_list_lock
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      return next(TU240_CLEAR);
    case TU240_CLEAR: { // swap_device_lock: clear whatever count is left
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      const slot = slot_of(entry);
      const count = swap_count(slot);
      if (count > 0) {
        if (count != SWAP_MAP_MAX) trace(EV_UNUSE_UNDEAD, entry, count, 0);
        gadd(G_NR_SWAP_PAGES, 1);
        set_swap_count(slot, 0);
        area_set(a, A_INUSE, area_get(a, A_INUSE) - 1);
        trace(EV_UNUSE_CLEARED, entry, count, 0);
      }
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      spin_unlock(gaddr(G_SLL), LK_SLL);
      return next(TU240_FIND);
    }
    case TU240_NOMEM:
      return ret(ENOMEM);
    case TU240_TASKLIST: // read_lock(&tasklist_lock), then for_each_task from the first
      if (!read_lock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST)) return BLOCK;
      set_l(TU_MM, 0);
      return unuse_240_next_mm();
  }
  return bad_pc();
}

/** Whether a task has slot mm: not when it is not a task yet (2.4.0's fork), or its task's
 *  exit_mm cleared tsk->mm (a pinned exited mm: MM_NO_TASK; after the last mmput: mm_users 0,
 *  fork.ts). */
function mm_has_task_240(mm: i32): bool {
  return mm_get(mm, MM_USERS) != 0 && mm_get(mm, MM_NO_TASK) == 0;
}

/** for_each_task(p) unuse_process(p->mm, entry, page), under tasklist_lock taken for reading
 *  at the start of the next section. */
function unuse_240_search(): i32 {
  return next(TU240_TASKLIST);
}

/** The next task's mm from l8 (2.4.0 searches every task, whatever the count), tasklist_lock
 *  read-held; once none is left, read_unlock, page_cache_release of our page and swap_free of
 *  our reference. */
function unuse_240_next_mm(): i32 {
  for (let mm = l(TU_MM); mm < nMm; mm++) {
    if (!mm_has_task_240(mm)) continue;
    set_l(TU_MM, mm);
    set_l(TU240_BIRTH, mm_get(mm, MM_BIRTH)); // which process's mm: p->mm is a pointer
    set_l(TU_PTE, 0);
    return next(TU240_PTL);
  }
  read_unlock(gaddr(G_TASKLIST_LOCK), LK_TASKLIST);
  const page = l(TU_PAGE);
  const entry = swp_entry(l(TU_AREA), l(TU_OFFSET));
  trace(EV_UNUSE_RELEASED, entry, page, swap_count(slot_of(entry)));
  put_page(page);
  swap_tmp_add(slot_of(entry), -1);
  return call(P_SWAP_FREE, TU240_LIST_LOCK, entry, 0, 0, 0);
}

/** unuse_process for an mm that has left slot mm since the walk read it: nothing of the old
 *  mm is walked (its vmas were detached by exit_mmap); its page_table_lock, taken and dropped
 *  with nothing between (the old mm_struct's, which nobody else can reach), is left out, and the
 *  next task's mm is read in a section of its own, after that unlock, as unuse_240_process's
 *  end does. */
function unuse_240_gone(mm: i32): i32 {
  trace(EV_UNUSE_MM_GONE, mm, mm_get(mm, MM_BIRTH), 0);
  set_l(TU_MM, mm + 1);
  return next(TU240_NEXT_MM);
}

/** unuse_process → unuse_pte (PTL of mm l8 held), from pte l9. A pte mapping the page is made
 *  dirty; a swap pte of the entry becomes a read-only, dirty, young pte of the page, then swap_free
 *  (PTL held: PTL → SLL → SDL) and, back in section 6, get_page and ++rss, in 2.4.0's order. */
function unuse_240_process(): i32 {
  const mm = l(TU_MM), page = l(TU_PAGE);
  const entry = swp_entry(l(TU_AREA), l(TU_OFFSET));
  const swp_pte = swp_entry_to_pte(entry);
  // 2.4.0 unuse_process: "for (vma = mm->mmap; vma; vma = vma->vm_next)": a vma munmap or
  // exit has unlinked (MM_VMA_HIDDEN, under this PTL) is not walked.
  for (let p = mm_get(mm, MM_VMA_HIDDEN) != 0 ? nPages : l(TU_PTE); p < nPages; p++) {
    const pte = pte_get(mm, p);
    if (pte_present(pte)) {
      if (pte_frame(pte) == page && (pte & PTE_DIRTY) == 0) {
        pte_set(mm, p, pte | PTE_DIRTY); // ptep_mkdirty
        trace(EV_UNUSE_PTE_DIRTY, page, vpage(mm, p), entry);
      }
      continue;
    }
    if (pte != swp_pte) continue;
    // 2.4.0 unuse_pte: set_pte(dir, pte_mkdirty(mk_pte(page, vma->vm_page_prot))). A private
    // writable vma's vm_page_prot is i386's PAGE_COPY (_PAGE_PRESENT | _PAGE_USER |
    // _PAGE_ACCESSED): read-only, dirty and young (2.4.16's unuse_pte adds pte_mkold).
    pte_set(mm, p, mk_pte(page, PTE_DIRTY | PTE_YOUNG));
    set_l(TU_PTE, p + 1);
    return call(P_SWAP_FREE, TU240_FREED, entry, 0, 0, 0);
  }
  spin_unlock(mm_addr(mm, MM_PTL), LK_PTL);
  set_l(TU_MM, mm + 1);
  return next(TU240_NEXT_MM);
}

// ---- swapon -------------------------------------------------------------------------------

/** sys_swapon(area) → 0, -EBUSY (area in use), -EINVAL (not one of the configured areas,
 *  whose slot arrays exist: an area swapped off can be swapped on again). Under the BKL: claim the area (USED,
 *  max 0, so stale entries of it fail everywhere) and set up its map, then under SLL+SDL make
 *  it WRITEOK, count its pages and link it into the swap list. */
// Locals: the argument. Sections: the BKL, swap_list_lock to claim the area, swap_list_lock
// again, then its sdev_lock to make it allocatable.
const SON_AREA: i32 = 0;
const SON_BKL: i32 = 0;
const SON_CLAIM: i32 = 1;
const SON_LIST_LOCK: i32 = 2;
const SON_ENABLE: i32 = 3;
export function sys_swapon(pc: i32): i32 {
  const a = l(SON_AREA);
  switch (pc) {
    case SON_BKL:
      // Only the areas the slot arrays are sized for (state.ts nAreaSlots) can be swapped on.
      if (a < 0 || a >= nAreaSlots) {
        trace(EV_SWAPON_BUSY, a, EINVAL, 0);
        return ret(EINVAL);
      }
      if (!lock_kernel()) return BLOCK;
      return next(SON_CLAIM);
    case SON_CLAIM:
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      if ((area_get(a, A_FLAGS) & SWP_USED) != 0) {
        spin_unlock(gaddr(G_SLL), LK_SLL);
        unlock_kernel();
        trace(EV_SWAPON_BUSY, a, EBUSY, 0);
        return ret(EBUSY);
      }
      area_set(a, A_FLAGS, SWP_USED);
      area_set(a, A_MAX, 0);
      area_set(a, A_LOWEST, 0);
      area_set(a, A_HIGHEST, 0);
      area_set(a, A_CLUSTER_NR, 0);
      area_set(a, A_NEXT, -1);
      area_set(a, A_PRIO, area_prio(a));
      // The kernel reads the header and vmallocs the map after dropping SLL; nobody can
      // reach a map of max 0, so building it here is equivalent. 2.4.0 and pre9 claim the area
      // under the BKL alone and set max, flags and pages before taking SLL (the 15 Sep 2001
      // patch moved them under SLL + SDL): the area is not on the swap list yet and every slot
      // is free, so no path can tell the difference and no flag models it.
      swap_map_init(a);
      spin_unlock(gaddr(G_SLL), LK_SLL);
      return next(SON_LIST_LOCK);
    case SON_LIST_LOCK:
      if (!spin_lock(gaddr(G_SLL), LK_SLL)) return BLOCK;
      return next(SON_ENABLE);
    case SON_ENABLE: {
      if (!spin_lock(area_addr(a, A_SDL), LK_SDL)) return BLOCK;
      const pages = nSlots - 1;
      area_set(a, A_LOWEST, 1);
      area_set(a, A_HIGHEST, nSlots - 1);
      area_set(a, A_INUSE, 0);
      area_set(a, A_MAX, nSlots);
      area_set(a, A_FLAGS, SWP_WRITEOK);
      area_set(a, A_PAGES, pages);
      gadd(G_NR_SWAP_PAGES, pages);
      gadd(G_TOTAL_SWAP_PAGES, pages);
      swap_list_link(a);
      spin_unlock(area_addr(a, A_SDL), LK_SDL);
      spin_unlock(gaddr(G_SLL), LK_SLL);
      unlock_kernel();
      stat(S_SWAPONS);
      trace(EV_SWAPON, a, pages, area_get(a, A_PRIO));
      return ret(0);
    }
  }
  return bad_pc();
}
