// The LRU lists at rest (2.4.16 mm/swap.c, mm/vmscan.c): links, flags and the two counters.
import { G, PG } from "../wasm/abi.js";
import { fmtPage } from "../report/events/types.js";
import type { Layout, Collector } from "./layout.js";
import { beyondTop } from "./touched.js";
import { zeroRunEnd } from "../wasm/fnv.js";

// ---- the LRU lists at rest (lru) ------------------------------------------------------------
// 2.4.16 mm/swap.c lru_cache_add / __lru_cache_del, mm/vmscan.c refill_inactive: every page a
// process or the swap cache holds is on exactly one of the two lists, the active list holds
// exactly the PG_active pages, and nr_active_pages / nr_inactive_pages count them. Only at
// rest: a running path may have set PG_lru and still wait for pagemap_lru_lock to link it.
// Under del-lru (2.4.0, pre9 mm/swap_state.c delete_from_swap_cache_nolock: lru_cache_del
// before the removal) a page the delete took off may be in use (mapped) and on no list, as
// 2.4.0's anonymous pages are: PG_DELISTED marks it until it is listed again or freed.

export function checkLru(L: Layout, I: Int32Array, v: Collector): void {
  const pending = I[L.G + G.LRU_PENDING];
  if (pending !== 0) {
    v.add("lru", "pending", `${pending} count-0 pages still wait on the LRU for pagemap_lru_lock with every CPU at rest`, { pending });
  }
  const mark = L.frameMarkFor();
  lruList(L, I, v, L.nFrames, true, G.NR_ACTIVE, "nr_active_pages");
  if (L.beyond) return;
  lruList(L, I, v, L.nFrames + 1, false, G.NR_INACTIVE, "nr_inactive_pages");
  if (L.beyond) return;
  const top = L.top;
  for (let f = 0; f < top; f++) {
    if (mark[f] !== 0) continue;
    const fl = I[L.PG_FLAGS + f];
    // A run of frames without flags (a large machine's untouched ones) is passed a block at a time.
    if (fl === 0) {
      f = zeroRunEnd(I, L.PG_FLAGS + f + 1, L.PG_FLAGS + top) - L.PG_FLAGS - 1;
      continue;
    }
    if ((fl & (PG.LRU | PG.ACTIVE)) !== 0) {
      v.add("lru", "flags", `${fmtPage(f)} is marked ${(fl & PG.LRU) !== 0 ? "PG_lru" : "PG_active"} but on neither LRU list`, {
        page: f,
        flags: fl,
      });
    } else if (f !== 0 && (fl & (PG.INUSE | PG.DELISTED)) === PG.INUSE) {
      v.add("lru", "missing", `${fmtPage(f)} is in use but on neither LRU list: reclaim can never find it`, { page: f });
    }
  }
}

/** Walks one list from its head (list_for_each), marking its pages; reports a broken link, a
 *  page met twice or with the wrong flags, and a length other than its counter. */
function lruList(L: Layout, I: Int32Array, v: Collector, head: number, active: boolean, counter: number, name: string): void {
  const list = active ? "active" : "inactive";
  const mark = L.frameMark;
  let prev = head;
  let n = 0;
  for (let f = I[L.PG_LRU_NEXT + head]; f !== head; f = I[L.PG_LRU_NEXT + f]) {
    if (beyondTop(L, f)) return;
    if (f <= 0 || f >= L.nFrames || mark[f] !== 0 || I[L.PG_LRU_PREV + f] !== prev) {
      const why = f <= 0 || f >= L.nFrames ? "links to no page" : mark[f] !== 0 ? "loops" : "has a back link that does not match";
      v.add("lru", "list", `the ${list} list ${why} at ${f <= 0 || f >= L.nFrames ? `frame ${f}` : fmtPage(f)}`, { list, page: f });
      return;
    }
    const fl = I[L.PG_FLAGS + f];
    if ((fl & (PG.LRU | PG.INUSE | PG.DELISTED)) !== (PG.LRU | PG.INUSE) || ((fl & PG.ACTIVE) !== 0) !== active) {
      v.add("lru", "flags", `${fmtPage(f)} is on the ${list} list with flags 0x${fl.toString(16)}`, { page: f, flags: fl, list });
      return;
    }
    mark[f] = 1;
    prev = f;
    n++;
  }
  if (I[L.PG_LRU_PREV + head] !== prev) {
    v.add("lru", "list", `the ${list} list's head links back to ${I[L.PG_LRU_PREV + head]}, not its last page`, { list });
    return;
  }
  const nr = I[L.G + counter];
  if (nr !== n) v.add("lru", name, `${name} is ${nr} but the ${list} list holds ${n} pages`, { counter: nr, pages: n });
}
