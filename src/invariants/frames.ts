// Page frames: each frame's count against the ptes, swap cache and buffers holding it (inv 3), and the
// free page list holding exactly the frames not in use.
import { G, PG } from "../wasm/abi.js";
import { fmtEntry, fmtPage } from "../report/events/types.js";
import type { Layout, Collector } from "./layout.js";
import { beyondTop } from "./touched.js";
import { zeroRunEnd } from "../wasm/fnv.js";

// ---- page references (inv 3 and page counts) ---------------------------------------------

export function checkPageCounts(L: Layout, I: Int32Array, v: Collector, quiescent: boolean): void {
  // Frames [f, flagsZeroTo) have no flags: found a block at a time, as are the counts below.
  let flagsZeroTo = 0;
  const top = L.top;
  for (let f = 1; f < top; f++) {
    const fl = I[L.PG_FLAGS + f];
    const count = I[L.PG_COUNT + f];
    if ((fl & PG.INUSE) === 0) {
      if (count !== 0) {
        v.add("bug-on", "free-page-count", `free ${fmtPage(f)} has count ${count}`, { page: f, count });
      } else if (fl === 0) {
        // A run of frames with neither flags nor a count (a large machine's untouched ones)
        // has nothing to report: on to the next frame with either.
        if (flagsZeroTo <= f) flagsZeroTo = zeroRunEnd(I, L.PG_FLAGS + f + 1, L.PG_FLAGS + top) - L.PG_FLAGS;
        f = zeroRunEnd(I, L.PG_COUNT + f + 1, L.PG_COUNT + flagsZeroTo) - L.PG_COUNT - 1;
      }
      continue;
    }
    const maps = L.frameMaps[f];
    const cached = (fl & PG.SWAPCACHE) !== 0;
    // swap-buffers (2.4.0): buffer heads swap I/O left on the page hold a reference of their own,
    // on a swap-cache page only (every way out of the cache frees them): on another, a leak.
    const buffers = cached && (fl & PG.BUFFERS) !== 0;
    const need = maps + (cached ? 1 : 0) + (buffers ? 1 : 0);
    // At rest an in-use frame has a holder: at count 0 put_page has passed it by without
    // freeing it (a leaked frame, which no free will ever take back). Mid-run a free deferred
    // while another agent holds pagemap_lru_lock leaves it so until that unlock.
    if (quiescent && count === 0 && need === 0) {
      v.add("bug-on", "frame-leak", `${fmtPage(f)} is in use with count 0: nothing holds it and nothing will free it`, { page: f, count });
      continue;
    }
    if (count >= need && (!quiescent || count === need)) continue;
    const holders = `${maps} pte${maps === 1 ? "" : "s"}${cached ? " + the swap cache" : ""}${buffers ? " + its buffers" : ""}`;
    const why = count < need ? "put_page will free it while still in use" : "a reference leaked";
    if (cached) {
      v.add(
        "cache-page",
        "count",
        `swap-cache ${fmtPage(f)} (${fmtEntry(I[L.PG_INDEX + f])}) has count ${count} but ${holders} hold it: ${why}`,
        { page: f, entry: fmtEntry(I[L.PG_INDEX + f]), count, ptes: maps },
      );
    } else {
      v.add("bug-on", count < need ? "page-count" : "page-leak", `${fmtPage(f)} has count ${count} but ${holders} hold it: ${why}`, {
        page: f,
        count,
        ptes: maps,
      });
    }
  }
}

/** The free stack holds exactly the frames without PG_inuse, each once (no double free). */
export function checkFreeList(L: Layout, I: Int32Array, v: Collector): void {
  const mark = L.frameMarkFor();
  const n = I[L.G + G.NR_FREE];
  if (n < 0 || n > L.nFrames) {
    v.add("bug-on", "free-list", `nr_free_pages is ${n} on a machine of ${L.nFrames} frames`, { nrFree: n });
    return;
  }
  // The bottom of the stack as the boot left it (position i holds frame nFrames - 1 - i, and
  // no flags on any of them): a range of distinct frames, none in use, marked at once. The
  // frames above it are all a large machine ever hands out, and all the loops below visit.
  // Touched mode: the positions below nFrames - top, the frames from top up, unread; a stack
  // shorter than that had frames the model's bound says were never handed out.
  let boot: number;
  if (L.touched) {
    boot = L.nFrames - L.top;
    if (n < boot) {
      L.beyond = true;
      return;
    }
  } else {
    boot = bootPrefix(L, I, n);
    if (boot > 0) mark.fill(1, L.nFrames - boot, L.nFrames);
  }
  for (let i = boot; i < n; i++) {
    const f = i < L.freeFilled ? L.nFrames - 1 - i : I[L.FREE_STACK + i];
    if (beyondTop(L, f)) return;
    if (f <= 0 || f >= L.nFrames || mark[f] !== 0 || (I[L.PG_FLAGS + f] & PG.INUSE) !== 0) {
      const why = f <= 0 || f >= L.nFrames ? "is no freeable frame" : mark[f] !== 0 ? "is on it twice (double free)" : "is in use";
      v.add("bug-on", "free-list", `the free page list holds ${fmtPage(f)}, which ${why}`, { page: f, position: i });
      return;
    }
    mark[f] = 1;
  }
  for (let f = 1; f < L.nFrames - boot; f++) {
    if ((I[L.PG_FLAGS + f] & PG.INUSE) === 0 && mark[f] === 0) {
      v.add("bug-on", "free-list", `${fmtPage(f)} is neither in use nor on the free page list: lost`, { page: f });
    }
  }
}

/** How many of the free stack's first n positions hold the frames the boot put there
 *  (position i: frame nFrames - 1 - i, down to frame 1) with no flags set. */
function bootPrefix(L: Layout, I: Int32Array, n: number): number {
  const top = Math.min(n, L.nFrames - 1);
  // Below freeFilled, the boot's frames, their words not written (assembly/kernel/state.ts).
  let k = Math.min(L.freeFilled, top);
  while (k < top && I[L.FREE_STACK + k] === L.nFrames - 1 - k) k++;
  // Their flags, a block at a time: the prefix ends at the position of the highest frame of
  // the range with any flag set.
  const end = L.PG_FLAGS + L.nFrames;
  let highest = -1;
  for (let g = zeroRunEnd(I, end - k, end); g < end; g = zeroRunEnd(I, g + 1, end)) highest = g - L.PG_FLAGS;
  return highest >= 0 ? L.nFrames - 1 - highest : k;
}
