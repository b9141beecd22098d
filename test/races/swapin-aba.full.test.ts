// The swapin ABA in linux-2.4.10-pre (vm_swap_full at 2.4.16's half, flag swap-full-80 off):
// do_swap_page finds its page exclusive with pre9's unlocked exclusive_swap_page, another
// thread's lookup takes a reference just after that test and before the delete; the page
// leaves the swap cache and E is freed; a COW and a swap-out hand E back to the same pte, and
// the waiting thread passes its pte_same recheck and maps the stale page (data-lost@access:
// foreign data mapped, invariant 9). The later fix (swapin-recheck-key: after lock_page,
// PageSwapCache and page->index == entry) backs out instead. The catalogue's hunt (no kswapd,
// 5 CPUs, 3 pages on 4 frames, PCT depth 5) finds it from every seed tried, each finding
// checked to have taken the ABA route (src/races/aba-route.ts), not another data loss. (Seed
// 1's, at 34,692 while swap_out walked as 2.4.16's did, 5 Dec 2026, was one whose holder's
// read_swap_cache_async found P before the delete and do_swap_page noted it only after: the
// route dates the reference from the lookup hit since that day.) Since swap_out is pre9's
// (flag swap-amount, the same day: direct reclaim walks the faulting task's own mm first) each
// of seeds 1-4 found it within 4,000 executions, 10-30x sooner; since pre9's walk that stops on
// its count at vm_end keeps swap_address (5 Dec 2026) within 20,000 (each of seeds 1-20 within
// 19,066, every finding by the ABA route and clean with the fix, 6 CPU s in all: the test's
// huntAba over seeds 1-20 from a script on dist/; `faultsim races --check --only swapin-aba`
// reported seed 1's, 1-based, as 15459). Since swap_out's mmput runs a section after
// swap_out_mm's unlock and __alloc_pages' unlocked watermark tests are sections apart from
// their rmqueue (6 Dec 2026), within 25,000: each of seeds 1-20 within 23,785, every finding
// by the ABA route and clean with the fix, 6.5 CPU s in all (the same script); the check
// reports seed 1's as 6030. Since pre9 has add-before-pcl and pcl-lru, its walk past init_mm
// ends its section and its swap_out reads its counter a section before mmlist_lock (6 Dec
// 2026), within 20,000: each of
// seeds 1-20 within 19,022, every finding by the ABA route and clean with the fix, 5.2 CPU s
// in all (the same script); `faultsim races --check --only swapin-aba` reports seed 1's as
// 9242.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import type { Finding } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { resolveModel } from "../../src/model/models.js";
import { RACES } from "../../src/races/catalogue.js";
import { classifyAba } from "../../src/races/aba-route.js";

const race = RACES.find((x) => x.name === "swapin-aba")!;

/** The catalogue's hunt of the race from one seed, up to `executions`: its first data loss. */
async function huntAba(seed: number, executions: number): Promise<Finding | undefined> {
  const { keepGoing: _k, ...shape } = race.hunt;
  const r = await hunt({
    ...shape,
    seed,
    shrinkMs: 0,
    executions,
    budgetMs: 600_000,
    until: (f) => f.signature === "data-lost@access",
  });
  return r.findings.find((f) => f.signature === "data-lost@access");
}

describe("swapin ABA (swapin-recheck-key)", () => {
  it("the catalogue's hunt finds the data loss by the ABA route from seeds 1-4; the fix replays each clean", async () => {
    expect(race.hunt).toMatchObject({ model: "linux-2.4.10-pre", without: ["swap-full-80"], kswapd: false });
    const executions: number[] = [];
    for (let seed = 1; seed <= 4; seed++) {
      const found = await huntAba(seed, 200_000);
      expect(found, `seed ${seed}`).toBeDefined();
      executions.push(found!.execution);
      const x = { ops: found!.repro.ops, seed: found!.repro.seed, schedule: decodeSchedule(found!.repro.schedule) };
      const before = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.10-pre", [], ["swap-full-80"]));
      const out = before.run(x, { trace: true });
      expect(out.verdict?.signature).toBe("data-lost@access");
      // The story: a fault held page P of E from before the swap-full delete of P (by another
      // CPU) freed E, E was handed out again, and the holder then mapped P.
      const aba = classifyAba(out.records ?? []);
      expect(aba, `seed ${seed}: not the ABA route`).toBeDefined();
      expect(aba!.holder.agent).not.toBe(aba!.deleter.agent);
      expect(aba!.holder.step).toBeLessThan(aba!.deleter.step);
      expect(aba!.deleter.step).toBeLessThan(aba!.handedOut.step);
      expect(aba!.handedOut.step).toBeLessThan(aba!.mapped.step);
      const fixed = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.10-pre", ["swapin-recheck-key"], ["swap-full-80"]));
      expect(fixed.run(x).verdict?.signature ?? "clean", `seed ${seed} with the fix`).toBe("clean");
    }
    // The hunt is deterministic: the same executions from the same seeds. Seeds 1-4's were
    // [6_017, 1_910, 10_699, 12_449] before pre9's add-before-pcl, pcl-lru, walk past init_mm
    // ending its section and swap_out counter read before mmlist_lock (6 Dec 2026);
    // [6_029, 3_833, 356, 23_785] before __alloc_pages' free-back, test and rmqueue after direct
    // reclaim, try_to_unuse's second count read at init_mm, out_of_memory's test and swap_out's
    // counter read took sections of their own (the 6 Dec 2026 audit);
    // [15_458, 3_199, 2_014, 19_066] before swap_out's mmput and __alloc_pages' watermark
    // tests took sections of their own (6 Dec 2026);
    // [1_212, 281, 729, 3_850] before pre9's walk that stops on its count at vm_end kept
    // swap_address (5 Dec 2026);
    // [34_692, 43_430, 31_672, 5_799] before swap_out became pre9's (flag swap-amount, 5 Dec
    // 2026);
    // [11_667, 10_956, 3_085, 234] before swap_out_mm walked as 2.4.16's does (no wrap within
    // a call, 5 Dec 2026);
    // [1_941, 4_666, 23_888, 13_879] before the 2.4.0 / pre9 delete took the page off the LRU
    // (flag del-lru, 4 Dec 2026);
    // [1_941, 4_666, 1_802, 1_086] before do_wp_page's releases moved after its unlock and
    // [511, 2_350, 16_205, 6_060] before set_page_dirty took pagecache_lock (4 Dec 2026);
    // [2_716, 5_148, 13_706, 1_464] before the model's swap_out_mm walk and kswapd fixes.
    expect(executions).toEqual([9_241, 1_910, 2_687, 4_815]);
  }, 300_000);
});
