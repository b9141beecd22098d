// One switch from procedure id to the procedure's section function; an id it does not know is
// a V_BUG_ON (BUG_UNKNOWN_PROC). Dense ids (procs.ts)
// make this a jump table; each procedure's own switch over pc is another.
import * as P from "./procs";
import { YIELD } from "./frame";
import { bug, V_BUG_ON, BUG_UNKNOWN_PROC } from "./check";
import {
  access, handle_mm_fault, do_anonymous_page, do_swap_page, do_wp_page, zap_page_range, do_exit, do_munmap,
} from "../mm/memory";
import { do_fork, copy_page_range } from "../mm/fork";
import {
  lookup_swap_cache, read_swap_cache_async, swapin_readahead, add_to_swap_cache, delete_from_swap_cache,
  swap_writepage,
} from "../mm/swap_state";
import {
  get_swap_page, swap_free, swap_duplicate, valid_swaphandles, remove_exclusive_swap_page, can_share_swap_page,
  free_swap_and_cache, free_page_and_swap_cache, sys_swapoff, try_to_unuse, sys_swapon,
} from "../mm/swapfile";
import { alloc_page } from "../mm/page_alloc";
import { try_to_free_pages, shrink_cache, swap_out, swap_out_mm, try_to_swap_out, kswapd } from "../mm/vmscan";
import { disk, rw_swap_page_sync } from "../mm/page_io";
import { lru_cache_add, lru_cache_del, mark_page_accessed } from "../mm/swap";

export function dispatch(proc: i32, pc: i32): i32 {
  switch (proc) {
    case P.P_ACCESS: return access(pc);
    case P.P_HANDLE_MM_FAULT: return handle_mm_fault(pc);
    case P.P_DO_ANONYMOUS_PAGE: return do_anonymous_page(pc);
    case P.P_DO_SWAP_PAGE: return do_swap_page(pc);
    case P.P_DO_WP_PAGE: return do_wp_page(pc);
    case P.P_ZAP_PAGE_RANGE: return zap_page_range(pc);
    case P.P_DO_EXIT: return do_exit(pc);
    case P.P_DO_MUNMAP: return do_munmap(pc);
    case P.P_DO_FORK: return do_fork(pc);
    case P.P_COPY_PAGE_RANGE: return copy_page_range(pc);
    case P.P_LOOKUP_SWAP_CACHE: return lookup_swap_cache(pc);
    case P.P_READ_SWAP_CACHE_ASYNC: return read_swap_cache_async(pc);
    case P.P_SWAPIN_READAHEAD: return swapin_readahead(pc);
    case P.P_ADD_TO_SWAP_CACHE: return add_to_swap_cache(pc);
    case P.P_DELETE_FROM_SWAP_CACHE: return delete_from_swap_cache(pc);
    case P.P_SWAP_WRITEPAGE: return swap_writepage(pc);
    case P.P_GET_SWAP_PAGE: return get_swap_page(pc);
    case P.P_SWAP_FREE: return swap_free(pc);
    case P.P_SWAP_DUPLICATE: return swap_duplicate(pc);
    case P.P_VALID_SWAPHANDLES: return valid_swaphandles(pc);
    case P.P_REMOVE_EXCLUSIVE_SWAP_PAGE: return remove_exclusive_swap_page(pc);
    case P.P_CAN_SHARE_SWAP_PAGE: return can_share_swap_page(pc);
    case P.P_FREE_SWAP_AND_CACHE: return free_swap_and_cache(pc);
    case P.P_FREE_PAGE_AND_SWAP_CACHE: return free_page_and_swap_cache(pc);
    case P.P_SYS_SWAPOFF: return sys_swapoff(pc);
    case P.P_TRY_TO_UNUSE: return try_to_unuse(pc);
    case P.P_SYS_SWAPON: return sys_swapon(pc);
    case P.P_ALLOC_PAGE: return alloc_page(pc);
    case P.P_TRY_TO_FREE_PAGES: return try_to_free_pages(pc);
    case P.P_SHRINK_CACHE: return shrink_cache(pc);
    case P.P_SWAP_OUT: return swap_out(pc);
    case P.P_SWAP_OUT_MM: return swap_out_mm(pc);
    case P.P_TRY_TO_SWAP_OUT: return try_to_swap_out(pc);
    case P.P_KSWAPD: return kswapd(pc);
    case P.P_DISK: return disk(pc);
    case P.P_RW_SWAP_PAGE_SYNC: return rw_swap_page_sync(pc);
    case P.P_LRU_CACHE_ADD: return lru_cache_add(pc);
    case P.P_LRU_CACHE_DEL: return lru_cache_del(pc);
    case P.P_MARK_PAGE_ACCESSED: return mark_page_accessed(pc);
  }
  // A frame names no procedure: a model bug (a stack word overwritten, an id not listed here).
  bug(V_BUG_ON, BUG_UNKNOWN_PROC, proc, pc);
  return YIELD;
}
