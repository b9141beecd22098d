// fs/buffer.c, the part swap pages meet (flag swap-buffers, linux-2.4.0). Swap I/O goes
// through brw_page, whose create_empty_buffers hangs buffer heads on the page and takes one
// page reference for them (page_cache_get); the heads stay after the I/O completes. Only
// try_to_free_buffers drops them and that reference: page_launder's buffers branch
// (mm/vmscan.c) and block_flushpage (delete_from_swap_cache_nolock, mm/swap_state.c). While
// they are on, page_count is one higher: the tests that subtract !!page->buffers
// (is_page_shared, exclusive_swap_page, 2.4.16's can_share_swap_page) ask page_count_users,
// the ones that do not (2.4.0's do_wp_page switch, page_launder's and reclaim_page's
// "!page->buffers && page_count(page) > 1") read page_count and PG_BUFFERS as the kernel does.
// The buffer cache's own locks (lru_list_lock, hash_table_lock, the free lists') are taken
// and dropped inside try_to_free_buffers and by nobody else the model runs: not modelled.
import { PG_BUFFERS, page_test, page_set, page_clear, page_count, get_page } from "../kernel/state";
import { trace } from "../kernel/trace";
import { has2, F2_SWAP_BUFFERS } from "../model";
import { put_page } from "./page_alloc";

export const EV_BUFFERS_CREATED: i32 = 560; // (page, count, 0): brw_page's create_empty_buffers
export const EV_BUFFERS_FREED: i32 = 561;   // (page, count, where): try_to_free_buffers; where 0 page_launder, 1 block_flushpage

/** 1 when the page has buffers (page->buffers != NULL), else 0: the kernel's !!page->buffers. */
@inline export function page_buffers(f: i32): i32 {
  return page_test(f, PG_BUFFERS) ? 1 : 0;
}

/** page_count(page) - !!page->buffers: the references of the page's users. */
@inline export function page_count_users(f: i32): i32 {
  return page_count(f) - page_buffers(f);
}

/** brw_page: "if (!page->buffers) create_empty_buffers(page, dev, size);" (fs/buffer.c, 2.4.0),
 *  the page locked for the I/O. The heads' reference is taken once, and kept after the I/O. */
export function create_empty_buffers(f: i32): void {
  if (!has2(F2_SWAP_BUFFERS) || page_test(f, PG_BUFFERS)) return;
  page_set(f, PG_BUFFERS);
  get_page(f);
  trace(EV_BUFFERS_CREATED, f, page_count(f), 0);
}

/** try_to_free_buffers(page, wait), the page locked by the caller. A swap page's heads are busy
 *  only while its I/O is in flight, and the I/O holds the page lock from brw_page until
 *  end_buffer_io_async: locked by the caller, they are idle, so the free always succeeds.
 *  page->buffers = NULL, then page_cache_release: never the last reference (the caller's
 *  and, for a swap-cache page, the cache's remain). `where`: 0 page_launder, 1 block_flushpage. */
export function try_to_free_buffers(f: i32, where: i32): void {
  if (!page_test(f, PG_BUFFERS)) return;
  page_clear(f, PG_BUFFERS);
  put_page(f);
  trace(EV_BUFFERS_FREED, f, page_count(f), where);
}
