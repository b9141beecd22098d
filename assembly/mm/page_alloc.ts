// mm/page_alloc.c: frames come from a free stack. alloc_page below pages_low wakes kswapd;
// below pages_min the caller enters direct reclaim (try_to_free_pages) on its own CPU —
// the route of the seed race — and retries a few times before failing.
import { ld, st } from "../kernel/platform";
import { cfg, CFG_FREE_LOW, CFG_FREE_MIN } from "../kernel/config";
import {
  gget, gset, gadd, FREE_STACK, G_NR_FREE, G_KSWAPD_WAKE, KSWAPD, page_count, set_page_count,
  set_page_flags, page_flags, set_page_index, set_page_content, stat, S_DIRECT_RECLAIM, S_ALLOC_FAIL,
  PG_INUSE, PG_LOCKED, PG_SWAPCACHE, PG_RESERVED, ag_get, AG_STATE, ST_IDLE, ST_RUNNABLE,
} from "../kernel/state";
import { l, set_l, call, ret, next } from "../kernel/frame";
import { set_state, might_sleep, schedule_point } from "../kernel/locks";
import { bug, V_BUG_ON } from "../kernel/check";
import { trace } from "../kernel/trace";
import { P_TRY_TO_FREE_PAGES } from "../kernel/procs";
import { lru_cache_del } from "./swap";

export const EV_ALLOC: i32 = 500;          // (page, nr_free, 0)
export const EV_ALLOC_RECLAIM: i32 = 501;  // (nr_free, attempt, 0): entering direct reclaim
export const EV_ALLOC_FAIL: i32 = 502;     // (0, 0, 0)
export const EV_FREE_PAGE: i32 = 503;      // (page, 0, 0)

const ALLOC_RETRIES: i32 = 3;

/** Pops a free frame: count 1, no flags but in-use, content zeroed; 0 when none. */
export function rmqueue(): i32 {
  const n = gget(G_NR_FREE);
  if (n == 0) return 0;
  const f = ld(FREE_STACK + ((n - 1) << 2));
  gset(G_NR_FREE, n - 1);
  set_page_count(f, 1);
  set_page_flags(f, PG_INUSE);
  set_page_index(f, 0);
  set_page_content(f, 0);
  return f;
}

export function wakeup_kswapd(): void {
  if (KSWAPD < 0) return;
  gset(G_KSWAPD_WAKE, 1);
  if (ag_get(KSWAPD, AG_STATE) == ST_IDLE) set_state(KSWAPD, ST_RUNNABLE);
}

/** __free_pages_ok: back on the free stack. A locked or still-cached page here is a BUG. */
function free_frame(f: i32): void {
  const fl = page_flags(f);
  if ((fl & (PG_LOCKED | PG_SWAPCACHE | PG_RESERVED)) != 0 || (fl & PG_INUSE) == 0) bug(V_BUG_ON, 1, f, fl);
  lru_cache_del(f);
  set_page_flags(f, 0);
  set_page_index(f, 0);
  const n = gget(G_NR_FREE);
  st(FREE_STACK + (n << 2), f);
  gset(G_NR_FREE, n + 1);
  trace(EV_FREE_PAGE, f, 0, 0);
}

/** page_cache_release / put_page / __free_page: drops a reference, freeing at zero. */
export function put_page(f: i32): void {
  if ((page_flags(f) & PG_RESERVED) != 0) return; // the zero page is never freed
  const c = page_count(f) - 1;
  if (c < 0) { bug(V_BUG_ON, 2, f, c); return; }
  set_page_count(f, c);
  if (c == 0) free_frame(f);
}

/** alloc_page(GFP_HIGHUSER): l0 = attempts. */
export function alloc_page(pc: i32): i32 {
  switch (pc) {
    case 0: {
      might_sleep();
      const free = gget(G_NR_FREE);
      if (free > cfg(CFG_FREE_LOW)) return got(rmqueue());
      wakeup_kswapd();
      if (free > cfg(CFG_FREE_MIN)) return got(rmqueue());
      return reclaim();
    }
    case 1: {
      // Back from try_to_free_pages.
      if (gget(G_NR_FREE) > 0) return got(rmqueue());
      if (l(0) < ALLOC_RETRIES) return reclaim();
      stat(S_ALLOC_FAIL);
      trace(EV_ALLOC_FAIL, 0, 0, 0);
      return ret(0);
    }
  }
  return ret(0);
}

function reclaim(): i32 {
  // Direct reclaim may schedule(): a BKL holder (2.4.0/2.4.10-pre swap-in) lets it go here.
  schedule_point();
  set_l(0, l(0) + 1);
  stat(S_DIRECT_RECLAIM);
  trace(EV_ALLOC_RECLAIM, gget(G_NR_FREE), l(0), 0);
  return call(P_TRY_TO_FREE_PAGES, 1, 0, 0, 0, 0);
}

function got(f: i32): i32 {
  trace(EV_ALLOC, f, gget(G_NR_FREE), 0);
  return ret(f);
}
