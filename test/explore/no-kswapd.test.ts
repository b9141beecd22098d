// Direct reclaim races as kswapd does (issue 13): without kswapd, the seed race's swapper is a
// faulting CPU's try_to_free_pages → swap_out → try_to_swap_out, and `hunt --no-kswapd` (its
// direct-reclaim machine, src/explore/defaults.ts HUNT_NO_KSWAPD) finds the 14 Sep duplicate
// on both old models, the route read from the replayed trace. (linux-2.4.0's own allocations
// leave reclaim to kswapd, flag alloc-wait-kswapd; on a machine without kswapd the model
// reclaims in the allocating task instead: docs/faithfulness.md, the alloc_page row.)
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { routeOfRepro } from "../../src/explore/route.js";

describe("hunt without kswapd", () => {
  it.each([
    // Since the 6 Dec audit's splits (the page given back after direct reclaim, its test and
    // rmqueue; try_to_unuse's start at init_mm; out_of_memory's test; swap_out's counter read)
    // linux-2.4.10-pre's seed 23 finds it at 9,568 (3,298 before them) and linux-2.4.0's seed 1
    // at 8,962 (20,036 before them; at 7,279 with swap-buffers, 6 Dec 2026, and at 27,371 since
    // 2.4.0's lookup_swap_cache and free_page_and_swap_cache hold the page lock across a section,
    // the same day), both by the 14 Sep route. Of seeds 1-20 within 100,000
    // executions, linux-2.4.10-pre's 3, 4, 5, 9, 10, 14, 18, 19 and 20 find it (seed 14 first, at
    // 807; seed 1 none), linux-2.4.0's all twenty (seed 16 first, at 140), all by the 14 Sep route.
    // Before those splits:
    // linux-2.4.10-pre: since swap_out's mmput, __alloc_pages' watermark tests and
    // try_to_unuse's init_mm had sections of their own, 6 of seeds 1-20 found the duplicate
    // within 100,000 executions, all by the 14 Sep route (5, 9, 12, 14, 15, 19; seed 5 first, at
    // 36,629), and 30 of seeds 1-60, all by the 14 Sep route, seed 23 first, at 3,298; seeds 1
    // and 4 found none. (Since a swap_out_mm walk that stops on its count at an mm's last page
    // leaves swap_address there (5 Dec 2026: the next walk of that mm finds nothing and resets
    // it), 9 of seeds 1-20 had found it, all by the 14 Sep route (2, 4, 7, 9, 10, 12, 18, 19,
    // 20), seed 4 first, at 15,451, pinned here then; seed 1 (at 55,047 before) at 236,464.
    // While swap_out walked as 2.4.16's does, an mm to its end before the next, seed 1 did not
    // find it within 100,000 (at 555 before that), and only seed 21 of seeds 2-40 did, at
    // 24,992; once its swap_out became 2.4.10-pre9's (5 Dec 2026: the allocating task's own mm
    // first, then swap_mm round-robin, swap_amount ptes a walk) 11 of seeds 1-20 did, seed 1 at
    // 55,047.)
    // linux-2.4.0: since it has 2.4.0's own swap_out (flag swap-cnt, 5 Dec 2026: the mm with
    // the largest swap_cnt, walked alone, swap_cnt spent per present page) and since the
    // sections above, all of seeds 1-20 found it within 100,000, all by the 14 Sep route (seed 11
    // soonest, at 892), seed 1 at 20,036 (24,102 before those sections; 18 of seeds 1-20 then,
    // all but 2 and 15, seed 7 soonest, at 828).
    // (While swap_out walked as 2.4.16's does it was rare on this machine: seed 1 did not find
    // it in the first 2,000,000 executions (at 12,022 before), and within 100,000 only seeds
    // 56 and 100 of seeds 2-100 did; seed 56, pinned here then at 38,935, found it at 4,967 before the
    // sections above, at 29,509 since.)
    // Measured: `faultsim hunt --model MODEL --no-kswapd --seed N --executions 100000
    // --budget-ms 600000 --shrink-ms 0` and its route: line (linux-2.4.10-pre seed 23: campaign
    // hash db38baf1 over 9,569 executions, 38b63611 over 3,299 before the 6 Dec splits;
    // linux-2.4.0 seed 1: bd93b72e over 27,372 since the page-lock sections, b8f8616a over 7,280
    // with swap-buffers before them, 4f4f5e39 over 8,963 before that,
    // 3bc486e3 over 20,037 before the splits).
    ["linux-2.4.10-pre", 23, 9_568],
    ["linux-2.4.0", 1, 27_371],
  ])("%s: direct reclaim alone reaches the 14 Sep duplicate (seed %i, execution %i)", async (model, seed, execution) => {
    const r = await hunt({ model, kswapd: false, seed, shrinkMs: 0, executions: 100_000, budgetMs: 600_000 });
    const f = r.findings[0];
    expect(f?.signature).toBe("swapcache-unique@add_to_swap_cache");
    expect(f.repro.machine).toMatchObject({ kswapd: false, cpus: 4, mms: 4, pagesPerMm: 3 });
    expect(f.execution).toBe(execution);
    const route = await routeOfRepro(f.repro);
    expect(route.reproduced).toBe(true);
    expect(route.route?.route).toBe("14 Sep");
    // The swapper (try_to_swap_out's add) is a CPU, not kswapd: agents 0..cpus-1 are the CPUs.
    expect(route.route!.second.callers.concat(route.route!.first.callers)).toContain("try_to_swap_out");
    expect(f.repro.machine.cpus).toBeGreaterThan(Math.max(route.route!.first.agent, route.route!.second.agent));
  });
});
