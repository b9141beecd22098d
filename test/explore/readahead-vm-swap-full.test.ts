// `faultsim hunt --sched random --seed 26` (linux-2.4.10-pre, the default model) finds a
// swap-cache duplicate by the "readahead vm_swap_full" route (src/explore/route.ts,
// docs/kernel-notes.md "The seed's races"): the reader's unlocked valid_swaphandles reads slot
// E in use, another thread's do_swap_page maps E's page and its vm_swap_full delete frees E,
// kswapd's get_swap_page hands E out again, and the reader's swap_duplicate still finds E in
// use. The reader faulted on another entry: only its readahead wanted E.
import { addersOf, commandLineHunt, huntRoutes, type HuntAndRoute } from "../helpers/hunt-routes.js";
import { describe, it, expect, beforeAll } from "vitest";
import { HUNT_DEFAULT_MODEL } from "../../src/explore/defaults.js";

const MODEL = HUNT_DEFAULT_MODEL;
// What `faultsim hunt --sched random --seed 26` runs, but without the (clock-bounded) shrink;
// it finds the duplicate at execution 907. Of seeds 1-200 at 5,000 executions, the first
// finding of 26, 41, 54, 62, 103, 104, 146 and 160 takes this route since pre9's page_launder
// passes over a locked page (launder-skips-locked, 6 Dec 2026); in 26's, 62's, 103's and 146's
// the reader adds last. Seed 37's, pinned here before at 709, is a 14 Sep duplicate at 228
// now. Before, of seeds 1-200 at 5,000 executions, the first
// finding of 35, 37, 55, 62, 73, 116, 163, 166 and 175 takes this route since pre9's
// add_to_swap_cache sets PG_swap_cache and rewrites page->flags before pagecache_lock and its
// reclaim of a clean swap-cache page is page_launder, then reclaim_page (PCL, then LRU); in
// 35's, 37's, 62's and 166's the reader adds last, in the other five before kswapd, and in
// 35's the scan's record of E comes after the free. Seed 179's, pinned here before them at
// 85, is a vm_swap_full duplicate at 825 now (the reader faulted on E itself), and of 20, 109,
// 133, 140 and 162, whose first findings took this route before, 20's, 133's and 140's are
// 14 Sep duplicates (at 4,834, 4,867 and 106), 109's and 162's an lru:nr_active_pages count
// at rest (at 3,946 and 584). (Since the 6 Dec audit's splits (the page given back after
// direct reclaim, its test and rmqueue; try_to_unuse's start at init_mm; out_of_memory's test;
// swap_out's counter read) the first finding of 20, 109, 133, 140, 162 and 179 took this
// route; in all six the reader added last (in 20's the scan's record of E came after the
// free). Seed 102's, pinned here before them at 333, was a 14 Sep (vm_swap_full) duplicate at
// 351 then. Before those splits, since
// swap_out's mmput, __alloc_pages' watermark tests and try_to_unuse's init_mm had sections of
// their own, the first finding of 20, 102, 109, 133, 139 and 170 took this route; in 20's,
// 109's and 139's the reader added before kswapd, in 102's, 133's and 170's it added last.
// Seed 116's, at 610 before, was a 14 Sep duplicate at 568 then.) (Since a swap_out_mm walk that
// stops on its count at an mm's last page leaves swap_address there (5 Dec 2026: the next walk
// of that mm finds nothing and resets it), the first finding of 40, 109, 116, 186 and 200 took
// this route, the reader adding last in 116's and 200's, and seed 116's was pinned here; seed
// 98's, at 918 before, became a 14 Sep duplicate at 563 then.)
// (Earlier: once swap_out was 2.4.10-pre9's (own mm first, then swap_mm round-robin,
// swap_amount ptes a walk: 5 Dec 2026), the first finding of 13, 31, 32, 83, 98, 106, 171,
// 187, 198 and 200 took this route, and seed 33's, at 100 before, became a 14 Sep duplicate
// at 2,168. Seed 93's, at 4,373 before swap_out walked as 2.4.16's does (5 Dec 2026), became
// a 14 Sep duplicate at 486 then, when of seeds 1-200 the first finding of 28, 33, 43, 60, 92,
// 111, 114, 149 and 186 took this route. Seed 87's, at 17 until do_wp_page's releases moved
// after its unlock on 4 Dec 2026, became an 11 Sep duplicate at 4,155, when of seeds 80-100
// only 93's first finding took this route. Seed 129's, at 177 until set_page_dirty took
// pagecache_lock on 4 Dec 2026, became a 14 Sep duplicate then; of seeds 1-200 at 5,000
// executions, the first finding of 24, 43, 45, 46, 68, 69, 87, 92, 97, 128, 158 and 164 took
// this route between those two changes. Seed 5's, at 2,935 before the swap_out_mm walk ended
// its section at each page whose flags it touched, became a 14 Sep duplicate then.)
// Measured with `faultsim hunt --sched random --seed N --executions 5000 --shrink-ms 0` and
// its route: line (seed 37's was campaign hash c21e29e0 over 710 executions; seed 179's was
// ed16e6b0 over 86 before pre9's add and reclaim changes, seed 102's 69f65708 over 334 before
// the 6 Dec splits).
let r: HuntAndRoute["hunt"];
let replay: HuntAndRoute["replay"];
beforeAll(async () => {
  ({ hunt: r, replay } = (await huntRoutes(commandLineHunt(MODEL, "random", 5_000), [26])).get(26)!);
}, 30_000);

describe("hunt --sched random --seed 26 (linux-2.4.10-pre)", () => {
  it("finds swapcache-unique, and its traced replay takes the readahead vm_swap_full route", () => {
    expect(MODEL).toBe("linux-2.4.10-pre");
    expect(r.findings.map((f) => f.signature)).toEqual(["swapcache-unique@add_to_swap_cache"]);
    expect(replay.reproduced).toBe(true);
    const v = replay.route!;
    expect(v.route, v.why).toBe("readahead vm_swap_full");
  });

  it("the order: the scan counted E, another thread's vm_swap_full delete freed it, then get_swap_page handed it out", () => {
    const v = replay.route!;
    const { reader, swapper } = addersOf(v);
    expect(reader.callers).toContain("swapin_readahead");
    expect(v.freed!.callers).toContain("do_swap_page");
    expect(v.freed!.agent).not.toBe(reader.agent);
    expect(v.freed!.agent).not.toBe(swapper.agent);
    expect(v.handedOut!.agent).toBe(swapper.agent);
    expect(v.freed!.step).toBeLessThan(v.handedOut!.step);
    expect(v.handedOut!.step).toBeLessThan(reader.step); // the reader's add comes last
    // The window covered E, and its record (after the scan's last slot) came before the free:
    // the scan counted E while it was in use. (The walk before the ranked handoff found a
    // seed-5 case whose record came after the free: the unlocked scan, no readahead-sdl, had
    // read E in an earlier section.)
    expect(v.counted!.step).toBeLessThan(v.freed!.step);
    expect(v.entry - v.counted!.from).toBeGreaterThanOrEqual(0);
    expect(v.entry - v.counted!.from).toBeLessThan(v.counted!.slots);
  });
});
