// The swapin ABA at 2.4.10-pre9's own vm_swap_full (80% in use, flag swap-full-80 on), on the
// hunt's default machine with kswapd: `faultsim hunt --with unique-add --sched random --seed 16
// --keep-going --executions 200000 --shrink-ms 0` meets data-lost@access at execution 25,420,
// since pre9's page_launder passes over a locked page (launder-skips-locked, 6 Dec 2026; of
// seeds 1-40, 5, 16, 26, 28, 29, 35 and 37 meet a data loss, from seed 16 at 25,420 to seed 29
// at 131,917; seed 18's, pinned here before at 12,969, meets none in 200,000). (Seed 15 met it at 89,564 before
// swap_out became pre9's, flag swap-amount, 5 Dec 2026; now nothing in 200,000. Of seeds 1-40
// since, 11 met it by this route, from seed 18 at 2,486 to seed 20 at 164,700; seed 8 at
// 89,361, nearest the former pins, so that the fix runs clean over about as many executions.
// Since a pre9 walk that stops on its count at the last page leaves swap_address there, the
// next walk finding nothing and resetting (5 Dec 2026), seed 8 meets nothing in 200,000; of
// seeds 1-40, 10 meet it by this route, from seed 31 at 2,355 to seed 26 at 198,144; seed
// 25's is nearest the former pins. Since swap_out's mmput runs a section after swap_out_mm's
// unlock and __alloc_pages' unlocked watermark tests are sections apart from their rmqueue
// (6 Dec 2026), seed 25 meets nothing but nr-swap-pages in 200,000; of seeds 1-40, 8 meet it
// by this route, from seed 10 at 27,407 to seed 18 at 196,443; seed 20's (118,375) was
// nearest the former pins. Since __alloc_pages' free-back, test and rmqueue after direct
// reclaim, out_of_memory's test and swap_out's counter read became steps of their own (6 Dec
// 2026 audit), seed 20 meets it at 156,093; of seeds 1-40, 9 meet it by this route, from seed
// 37 at 47,019 to seed 18 at 196,443; seed 1's, at 117,980 before the drift at 145,639, was
// nearest the former pins. Since pre9 has add-before-pcl and pcl-lru, its walk past init_mm
// ends its section and its swap_out reads its counter a section before mmlist_lock (6 Dec
// 2026), seed 1 meets only the drift, at 66,269 (and no ABA with the two flags off either); of
// seeds 1-40, 7 meet it by this route, from seed 18 at 12,969 to seed 26 at 151,873.) Its
// route is the catalogue's swapin-aba, not a model bug:
// mm/memory.c do_swap_page (pre9) tests exclusive_swap_page with no lock (page_count and the
// unlocked swap_count), and delete_from_swap_cache_nolock takes pagecache_lock after it without
// looking again, so another thread's lookup_swap_cache (find_get_page under pagecache_lock
// only) can take its reference in between; the page leaves the cache, E is freed, the first
// thread's COW copies the page away and kswapd's try_to_swap_out gets E again for the copy in
// the same pte; the waiting fault's pte_same passes and maps the stale page. unique-add does
// nothing on this route (E has no cache page when kswapd adds the copy); the page-key recheck
// after lock_page (flag swapin-recheck-key) closes it. The same hunt with the fix:
// swapin-aba-pre9.full.test.ts.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { shape } from "./swapin-aba-pre9.shape.js";
import { Replayer } from "../../src/explore/execute.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { resolveModel } from "../../src/model/models.js";
import { replayTraced } from "../../src/explore/replay.js";
import { classifyAba } from "../../src/races/aba-route.js";

describe("hunt --with unique-add --sched random --seed 16 (linux-2.4.10-pre): the swapin ABA at pre9's 80% vm_swap_full", () => {
  it("finds data-lost@access at execution 25,420 by the ABA route; the page-key recheck replays it clean", async () => {
    const r = await hunt(shape);
    const found = r.findings.find((f) => f.signature === "data-lost@access");
    expect(found?.execution).toBe(25_420);
    const flags = resolveModel("linux-2.4.10-pre", ["unique-add"], []).flags;
    expect(found!.repro.flags).toBe(flags);
    const traced = await replayTraced(found!.repro);
    expect(traced.verdict?.signature).toBe("data-lost@access");
    const aba = classifyAba(traced.records);
    expect(aba).toBeDefined();
    expect(aba!.holder.agent).not.toBe(aba!.deleter.agent);
    expect(aba!.holder.step).toBeLessThan(aba!.deleter.step);
    expect(aba!.deleter.step).toBeLessThan(aba!.handedOut.step);
    expect(aba!.handedOut.step).toBeLessThan(aba!.mapped.step);
    // hunt and replay name the route.
    expect(traced.raceRoute?.route).toBe("swapin aba");
    expect(found!.diagram).toMatch(/\nroute: swapin ABA .*: a fault got page \d+ of E\d:\d+ \(step \d+\)/);
    // The same schedule with the fix: the fault backs out at its recheck and faults again.
    const x = { ops: found!.repro.ops, seed: found!.repro.seed, schedule: decodeSchedule(found!.repro.schedule) };
    const fixed = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.10-pre", ["unique-add", "swapin-recheck-key"], []));
    expect(fixed.run(x).verdict?.signature ?? "clean").not.toMatch(/^data-lost/);
  }, 120_000);
});
