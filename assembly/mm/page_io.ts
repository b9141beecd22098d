// mm/page_io.c and the disk. rw_swap_page queues a read or write of a locked swap-cache
// page; the disk agent completes one request per step, any queued one (the scheduler picks): a read copies the slot's content
// into the page and marks it uptodate, a write copies the page into the slot; either way
// the page is then unlocked, waking whoever waits on it.
import { ld, st } from "../kernel/platform";
import {
  IOQ, ioqMask, gget, gset, gadd, G_NR_ASYNC_PAGES, G_IOQ_HEAD, G_IOQ_TAIL, DISK, ag_get, AG_STATE, ST_IDLE, ST_RUNNABLE,
  page_index, page_content, set_page_content, page_set, slot_of, slot_content, set_slot_content,
  PG_UPTODATE, PG_LOCKED, PG_SWAPCACHE, page_test, page_clear, stat, S_SWAP_INS, S_SWAP_OUTS, S_DISK_IOS,
} from "../kernel/state";
import { l, next, ret, YIELD, BLOCK, bad_pc } from "../kernel/frame";
import { set_state, unlock_page, lock_page } from "../kernel/locks";
import { bug, V_PAGE_LOCK, V_BUG_ON } from "../kernel/check";
import { trace } from "../kernel/trace";
import { sched_pick } from "../kernel/sched";
import { has, F_READAHEAD_THROTTLE } from "../model";
import { get_swaphandle_info } from "./swapfile";
import { create_empty_buffers } from "./buffer";

export const READ: i32 = 0;
export const WRITE: i32 = 1;

// BUG() codes of this file, as the first value of V_BUG_ON.
export const BUG_RW_UNCACHED: i32 = 800; // (page, rw): rw_swap_page of a page not in the swap cache

export const EV_IO_QUEUED: i32 = 550;    // (page, entry, rw)
export const EV_IO_DONE: i32 = 551;      // (page, entry, rw)
export const EV_IO_WAIT_DONE: i32 = 552; // (page, 0, 0): synchronous I/O finished
export const EV_IO_NONE: i32 = 553;      // (page, entry, rw): get_swaphandle_info refused the entry: no I/O, page unlocked

/** A request's rw word: READ or WRITE, plus IO_DECR_AFTER when it counts in nr_async_pages. */
const IO_DECR_AFTER: i32 = 2;

/** rw_swap_page: queue async I/O on a locked page for its swap entry (page->index). With
 *  F_READAHEAD_THROTTLE (2.4.0 mm/page_io.c rw_swap_page_base, !wait) the request counts in
 *  nr_async_pages until the disk completes it (PageDecrAfter). An entry get_swaphandle_info
 *  refuses gets no I/O (and is not counted). */
export function rw_swap_page(page: i32, rw: i32): void {
  if (!swap_io_start(page, rw)) return;
  if (has(F_READAHEAD_THROTTLE)) {
    gadd(G_NR_ASYNC_PAGES, 1);
    queue_io(page, rw | IO_DECR_AFTER);
  } else queue_io(page, rw);
}

/** rw_swap_page with wait = 1 (2.4.0): queued uncounted; the caller waits on the page. */
export function rw_swap_page_wait(page: i32, rw: i32): void {
  if (!swap_io_start(page, rw)) return;
  queue_io(page, rw);
}

/** rw_swap_page's checks and rw_swap_page_base's start (mm/page_io.c, 2.4.0 and 2.4.16), in
 *  the caller's section (no lock): the page must be locked; a READ clears PG_uptodate; then
 *  get_swaphandle_info, and for an entry it takes brw_page's buffers (flag swap-buffers).
 *  When it refuses the entry (a free slot, an area gone, an offset past
 *  the end: it printks) rw_swap_page_base returns 0 with no I/O and rw_swap_page unlocks the
 *  page: a read leaves it !Uptodate with whatever the allocator left in it, a write is lost. */
function swap_io_start(page: i32, rw: i32): bool {
  if (!page_test(page, PG_LOCKED)) bug(V_PAGE_LOCK, page, rw & 1, 1);
  // "all swap pages go through the swap cache": PageSwapCache and page->mapping ==
  // &swapper_space, one test in the model (2.4.0 and 2.4.16 rw_swap_page, PAGE_BUG).
  if (!page_test(page, PG_SWAPCACHE)) bug(V_BUG_ON, BUG_RW_UNCACHED, page, rw & 1);
  if (rw == READ) page_clear(page, PG_UPTODATE);
  if (get_swaphandle_info(page_index(page))) {
    // brw_page (2.4.0 fs/buffer.c): buffer heads for the I/O, kept after it (swap-buffers).
    create_empty_buffers(page);
    return true;
  }
  trace(EV_IO_NONE, page, page_index(page), rw);
  unlock_page(page);
  return false;
}

function queue_io(page: i32, rw: i32): void {
  const tail = gget(G_IOQ_TAIL);
  const r = IOQ + ((tail & ioqMask) << 3);
  st(r, page);
  st(r + 4, rw);
  gset(G_IOQ_TAIL, tail + 1);
  trace(EV_IO_QUEUED, page, page_index(page), rw & 1);
  if (ag_get(DISK, AG_STATE) == ST_IDLE) set_state(DISK, ST_RUNNABLE);
}

/** The disk agent: one request per step; idle when the queue is empty. Which queued request
 *  completes is the scheduler's choice (sched_pick, recorded in the choice log): a real disk
 *  and its elevator finish requests in any order (drivers/block/ll_rw_blk.c merges and sorts
 *  by sector; completions come back as the device delivers them). The chosen request trades
 *  places with the head, then the head completes. */
export function disk(pc: i32): i32 {
  const head = gget(G_IOQ_HEAD);
  const queued = gget(G_IOQ_TAIL) - head;
  if (queued == 0) { set_state(DISK, ST_IDLE); return YIELD; }
  const r = IOQ + ((head & ioqMask) << 3);
  if (queued > 1) {
    const k = sched_pick(queued);
    if (k != 0) {
      const q = IOQ + (((head + k) & ioqMask) << 3);
      const p0 = ld(r), w0 = ld(r + 4);
      st(r, ld(q)); st(r + 4, ld(q + 4));
      st(q, p0); st(q + 4, w0);
    }
  }
  const page = ld(r);
  const word = ld(r + 4);
  const rw = word & 1;
  gset(G_IOQ_HEAD, head + 1);
  if ((word & IO_DECR_AFTER) != 0) gadd(G_NR_ASYNC_PAGES, -1); // end_buffer_io_async
  const slot = slot_of(page_index(page));
  if (rw == READ) {
    set_page_content(page, slot_content(slot));
    page_set(page, PG_UPTODATE);
    stat(S_SWAP_INS);
  } else {
    set_slot_content(slot, page_content(page));
    stat(S_SWAP_OUTS);
  }
  stat(S_DISK_IOS);
  trace(EV_IO_DONE, page, page_index(page), rw);
  unlock_page(page);
  if (gget(G_IOQ_HEAD) == gget(G_IOQ_TAIL)) set_state(DISK, ST_IDLE);
  return YIELD;
}

/** rw_swap_page then lock_page (2.4.16 mm/swapfile.c try_to_unuse: "rw_swap_page(WRITE, page);
 *  lock_page(page);"): (page, rw), page locked; returns with the page locked again. */
// Locals: the arguments. Sections: queue the I/O, then wait for the page's lock (the disk
// unlocks it when the I/O is done).
const RSPS_PAGE: i32 = 0;
const RSPS_RW: i32 = 1;
const RSPS_QUEUE: i32 = 0;
const RSPS_WAIT: i32 = 1;
export function rw_swap_page_sync(pc: i32): i32 {
  switch (pc) {
    case RSPS_QUEUE:
      rw_swap_page_wait(l(RSPS_PAGE), l(RSPS_RW)); // waited for: not in nr_async_pages
      return next(RSPS_WAIT);
    case RSPS_WAIT:
      if (!lock_page(l(RSPS_PAGE))) return BLOCK;
      trace(EV_IO_WAIT_DONE, l(RSPS_PAGE), 0, 0);
      return ret(0);
  }
  return bad_pc();
}
