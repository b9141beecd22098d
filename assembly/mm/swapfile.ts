// mm/swapfile.c: swap areas, the swap map, allocation and freeing of slots, swapon/swapoff.
// STUB: procedures below are placeholders until this file is written.
import {
  area_get, area_set, nSlots, slotsShift, set_swap_count, gget, gset, gadd, SWAP_MAP_BAD,
  A_FLAGS, A_PRIO, A_MAX, A_PAGES, A_LOWEST, A_HIGHEST, A_CLUSTER_NEXT, A_CLUSTER_NR, A_INUSE, A_NEXT,
  SWP_WRITEOK, G_NR_SWAP_PAGES, G_TOTAL_SWAP_PAGES, G_SWAP_LIST_HEAD, G_SWAP_LIST_NEXT, SWAP_TMP,
} from "../kernel/state";
import { mem_fill } from "../kernel/platform";
import { ret } from "../kernel/frame";

/** Links area a into the swap list, which is kept in descending priority order. */
export function swap_list_insert(a: i32): void {
  const prio = area_get(a, A_PRIO);
  let prev = -1;
  let i = gget(G_SWAP_LIST_HEAD);
  while (i >= 0 && area_get(i, A_PRIO) >= prio) { prev = i; i = area_get(i, A_NEXT); }
  area_set(a, A_NEXT, i);
  if (prev < 0) gset(G_SWAP_LIST_HEAD, a); else area_set(prev, A_NEXT, a);
  gset(G_SWAP_LIST_NEXT, gget(G_SWAP_LIST_HEAD));
}

/** The body of sys_swapon for a fresh area of nSlots slots (slot 0 is the BAD header). */
export function swapon_area(a: i32, prio: i32): void {
  const base = a << slotsShift;
  for (let s = 0; s < nSlots; s++) set_swap_count(base + s, 0);
  set_swap_count(base, SWAP_MAP_BAD);
  mem_fill(SWAP_TMP + (base << 2), 0, nSlots << 2);
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

/** vm_swap_full(): more than half of swap in use (2.4.10+). Plain: reads counters only. */
export function vm_swap_full(): bool {
  return gget(G_NR_SWAP_PAGES) * 2 < gget(G_TOTAL_SWAP_PAGES);
}

/** exclusive_swap_page(page) without the swap locks (2.4.10-pre's do_swap_page check):
 *  the page is in the cache, mapped once (count == pte + cache) and the slot count is 1. */
export function exclusive_swap_page_nolock(page: i32): bool { return false; } // STUB

export function get_swap_page(pc: i32): i32 { return ret(0); }
export function swap_free(pc: i32): i32 { return ret(0); }
export function swap_duplicate(pc: i32): i32 { return ret(0); }
export function valid_swaphandles(pc: i32): i32 { return ret(0); }
export function remove_exclusive_swap_page(pc: i32): i32 { return ret(0); }
export function can_share_swap_page(pc: i32): i32 { return ret(0); }
export function free_swap_and_cache(pc: i32): i32 { return ret(0); }
export function free_page_and_swap_cache(pc: i32): i32 { return ret(0); }
export function sys_swapoff(pc: i32): i32 { return ret(0); }
export function try_to_unuse(pc: i32): i32 { return ret(0); }
export function sys_swapon(pc: i32): i32 { return ret(0); }
