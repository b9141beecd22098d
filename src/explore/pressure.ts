// Whether a hunt machine can run short of memory at all. Nothing is written to swap but by
// reclaim (mm/vmscan.ts: kswapd, or try_to_free_pages on a faulting CPU), and reclaim starts
// only from an allocation that finds pages_low free frames or fewer (mm/page_alloc.ts
// alloc_page: 2.4's __alloc_pages wakes kswapd there, and reclaims itself at pages_min;
// without kswapd, only pages_min counts).
// Frames in use are at most one per pte (a page shared by a fork is one frame) and one in
// flight per CPU (a fault's page before it is mapped), so a machine where even that leaves
// more than pages_low frames free never reclaims: no page is ever swapped, and no swap race
// (no swap entry ever exists for one to race on) is reachable, whatever the schedule.
//
// A fixed shape like that gets one line saying so (`hunt --frames 12` with 4 pages); a swarm
// shape never is one (swarm.ts: its pages follow its frames).
import type { ReproMachine } from "../report/repro.js";

/** Frames in use at most: every pte of every mm mapped, and a page in flight per CPU. */
export const maxFramesInUse = (m: ReproMachine): number => m.mms * m.pagesPerMm + m.cpus;

/** Whether reclaim (and so swap) can happen on machine m: some allocation can find
 *  pages_low free frames or fewer. */
export function swapReachable(m: ReproMachine): boolean {
  // Frame 0 is the zero page. The allocation that finds the fewest free frames comes with
  // every other frame in use taken: free then is (frames - 1) - (inUse - 1).
  return m.frames - maxFramesInUse(m) <= reclaimBelow(m);
}

/** The free frames at or under which an allocation starts reclaim: pages_low wakes kswapd;
 *  without kswapd only pages_min, where the allocating CPU reclaims itself, does. */
export const reclaimBelow = (m: ReproMachine): number => (m.kswapd ? m.freeLow : m.freeMin);

/** The one line a hunt prints when swapReachable(m) is false. */
export function noPressureNote(m: ReproMachine): string {
  return (
    `no swap race is reachable on this machine: ${m.mms} mm x ${m.pagesPerMm} pages and ${m.cpus} in flight ` +
    `fit in ${m.frames - 1} frames with more than ${m.kswapd ? "pages_low" : "pages_min"} (${reclaimBelow(m)}) free, so nothing is ever swapped ` +
    "(more --pages or fewer --frames, or --swarm, whose pages follow its frames)"
  );
}
