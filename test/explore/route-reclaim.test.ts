// `faultsim hunt --sched random --seed 1883` (linux-2.4.10-pre, the default model) finds a
// swap-cache duplicate by the "reclaim" route (src/explore/route.ts): Hugh's multithreaded
// route of the seed mail with reclaim in the vm_swap_full delete's place. The reader (CPU2)
// read E0:2 from its pte; another thread's do_swap_page took E's page and swap_freed its pte's
// reference (swap not full: no delete), its write fault copied the page away, kswapd's reclaim
// (page_launder to inactive_clean, then reclaim_page) removed the clean cache page and freed E,
// and get_swap_page handed E to kswapd's try_to_swap_out while the reader still went for it;
// kswapd added its page, then the reader. Until this route had its name (5 Dec 2026, when
// swap_out's walk became 2.4.16's and seed 10 first met it) the hunt called it "none of the
// seed mail's routes".
//
// The test hunted `faultsim hunt --seed 10` (PCT, the default) until swap_out became
// 2.4.10-pre9's (own mm first, then swap_mm round-robin, swap_amount ptes a walk: 5 Dec 2026).
// No PCT hunt's first finding has taken this route since: of seeds 1-700 at 20,000 executions,
// 583 found a duplicate first then, all by the 14 Sep route (seed 10's at 6,337), and the 33 of
// seeds 1-200 that missed found 14 Sep duplicates by 200,000; since a swap_out_mm walk that
// stops on its count at an mm's last page leaves swap_address there (5 Dec 2026: the next walk
// of that mm finds nothing and resets it), 559 did, all by the 14 Sep route (seed 10's at
// 16,914), and the 40 of seeds 1-200 that missed found 14 Sep duplicates by 61,141; since
// swap_out's mmput, __alloc_pages' watermark tests and try_to_unuse's init_mm have sections of
// their own, 589 do, all by the 14 Sep route (seed 10's at 1,848), and the 31 of seeds 1-200
// that miss find 14 Sep duplicates by 51,081 (`faultsim hunt --seed N --executions 20000
// --budget-ms 600000 --shrink-ms 0`, then --executions 200000); since the 6 Dec audit's splits
// seed 10's is still a 14 Sep duplicate at 1,848, and at 1,216 since pre9's add_to_swap_cache
// and reclaim changes below (the seeds 1-700 survey not redone). The
// random walk finds it. It took seed 125's first finding, at execution 818, the only one of
// seeds 1-200 at 5,000 executions, until that walk change; seed 125's was a vm_swap_full
// duplicate at 2,425 then, and of seeds 1-600 only seed 261's first finding took this route, at
// execution 1,720, until swap_out's mmput, __alloc_pages' watermark tests and try_to_unuse's
// init_mm had sections of their own; seed 261's is a vm_swap_full duplicate at 633 since, and of
// seeds 1-1500 the first finding of 851, 1008, 1244 and 1320 took this route, only in 1320's
// (at execution 1,525) did the reader, faulting on E itself, add last (campaign hash 26a5ffbc
// over 1,526 executions), until the 6 Dec audit's splits (the page given back after direct
// reclaim, its test and rmqueue; try_to_unuse's start at init_mm; out_of_memory's test;
// swap_out's counter read). Since them seed 1320's first finding is a 14 Sep duplicate at
// 2,161 and 1244's finds none in 5,000; 851's (at execution 426) and 1008's (at 127) take this
// route, and in 851's the reader, faulting on E itself, adds last (in 1008's the reader's add
// is a readahead's); none of seeds 1-200 does (`faultsim hunt --sched random --seed 851
// --executions 5000 --shrink-ms 0`: its route: line, campaign hash 60cf49f9 over 427
// executions), until pre9's add_to_swap_cache set PG_swap_cache and rewrote page->flags
// before pagecache_lock and its reclaim of a clean swap-cache page became page_launder, then
// reclaim_page (pagecache_lock, then pagemap_lru_lock). Since, 851's first finding is a
// vm_swap_full duplicate at 625 and 1008's a 14 Sep duplicate at 55; of seeds 1-3200 the
// first finding of 1494, 2832, 2907 and 2993 takes this route, and only in 2832's (at
// execution 1,461) does the reader, faulting on E itself, add last (in 1494's and 2993's it
// adds before kswapd, in 2907's the reader's add is a readahead's) (`faultsim hunt --sched
// random --seed 2832 --executions 5000 --shrink-ms 0`: its route: line, campaign hash
// 3a0986cf over 1,462 executions). Since pre9's page_launder passes over a locked page
// (launder-skips-locked, 6 Dec 2026), of seeds 1-3000 the first finding of 46 and 1883 takes
// this route, and only in 1883's (at execution 4,795) does the reader, faulting on E itself, add
// last (in 46's it adds before kswapd); 2832's is an 11 Sep duplicate at 4,769 now.
import { addersOf, commandLineHunt, huntRoutes, type HuntAndRoute } from "../helpers/hunt-routes.js";
import { describe, it, expect, beforeAll } from "vitest";
import { HUNT_DEFAULT_MODEL } from "../../src/explore/defaults.js";

// What `faultsim hunt --sched random --seed 1883` runs, without the (clock-bounded) shrink.
let r: HuntAndRoute["hunt"];
let replay: HuntAndRoute["replay"];
beforeAll(async () => {
  ({ hunt: r, replay } = (await huntRoutes(commandLineHunt(HUNT_DEFAULT_MODEL, "random", 5_000), [1883])).get(1883)!);
}, 30_000);

describe("hunt --sched random --seed 1883 (linux-2.4.10-pre)", () => {
  it("finds swapcache-unique, and its traced replay takes the reclaim route", () => {
    expect(r.findings.map((f) => f.signature)).toEqual(["swapcache-unique@add_to_swap_cache"]);
    expect(replay.reproduced).toBe(true);
    const v = replay.route!;
    expect(v.route, v.why).toBe("reclaim");
  });

  it("the order: the reader wanted E, reclaim freed it, get_swap_page handed it to the swap-out, the reader added last", () => {
    const v = replay.route!;
    const { reader, swapper } = addersOf(v);
    expect(reader.callers).not.toContain("swapin_readahead"); // the bare read of the entry it faulted on
    expect(v.freed!.callers).toContain("try_to_free_pages");
    expect(v.freed!.agent).not.toBe(reader.agent);
    expect(v.handedOut!.agent).toBe(swapper.agent);
    expect(v.freed!.step).toBeLessThan(v.handedOut!.step);
    expect(v.handedOut!.step).toBeLessThan(reader.step);
  });
});
