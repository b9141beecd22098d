// nr_swap_pages drift by 2.4.10-pre9's unlocked swap_duplicate (docs/kernel-notes.md, "The
// seed's races", item 7): mm/swapfile.c swap_duplicate of 2.4.0 and pre9 tests the slot count
// with no lock and increments it under swap_device_lock without looking again, so a reader's
// duplicate racing the last swap_free revives a free slot (0 -> 1) that nr_swap_pages already
// counts free; freeing it again counts it twice. Hugh Dickins' 15 Sep 2001 patch moved the test
// under the lock (flag unlocked-dup-check, off in linux-2.4.16). The seed's duplicate comes
// first on linux-2.4.10-pre, so the hunt closes it with unique-add (`--with unique-add`).
import { describe, it, expect } from "vitest";
import { hunt, type HuntOptions } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { decodeSchedule, type Repro } from "../../src/report/repro.js";
import type { TraceRecord } from "../../src/report/trace.js";
import { classifyRevival } from "../../src/races/revival-route.js";
import { replayTraced } from "../../src/explore/replay.js";
import { RACES } from "../../src/races/catalogue.js";
import { huntRaceSeed } from "../../src/races/check.js";
import { reproFlagWords } from "../../src/model/flag-words.js";

async function traceOf(r: Repro): Promise<{ signature?: string; records: readonly TraceRecord[] }> {
  const rep = await Replayer.create(r.machine, reproFlagWords(r));
  const out = rep.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  return { signature: out.verdict?.signature, records: out.records ?? [] };
}

// `faultsim hunt --with unique-add --sched random --seed 2`, bounded by executions, unshrunk.
// (Seed 5 found it at 49,416 until pre9's drop_pte took pagemap_lru_lock with the page locked,
// flag drop-pte-deactivate-locked, 4 Dec 2026; seed 7 at 34,700 until set_page_dirty took
// pagecache_lock the same day. Seeds 1-14 at 50,000 executions then: seed 9 found it, at
// 43,718; seed 5 a data loss first, seed 8 an LRU miss (pre9's writepage delete takes the page
// off the LRU, and a waiting fault maps it), the rest nothing. Since do_wp_page's releases
// moved after its unlock (4 Dec 2026) seed 9 finds nothing in 50,000 and 14 of seeds 1-30
// find nr-swap-pages first: seed 14 soonest, at 2,933, but not by the revival; seed 16 by it,
// at 5,133. Since pre9's delete takes the page off the LRU (flag del-lru, 4 Dec 2026) seed 16
// finds it at 42,447 but without the second free; of seeds 1-30, 12 find nr-swap-pages first,
// 14 soonest (2,933) and 24 (8,033) without the second free too; seed 10 by the whole revival,
// at 23,271. Since swap_out_mm walks as 2.4.16's does (no wrap within a call, 5 Dec 2026) seed
// 10 finds nothing in 50,000; of seeds 1-30, 14 find nr-swap-pages first, all by the revival,
// seed 24 (34,599) without the second free; seed 4 by the whole revival soonest, at 3,223.
// Since swap_out became pre9's (flag swap-amount, 5 Dec 2026) seed 4 finds it at 33,019; of
// seeds 1-30 at 50,000, 10 find nr-swap-pages first, all by the revival, seeds 12 (14,155) and
// 28 (14,063) without the second free, 4 a swapin ABA's data-lost@access (13, 16, 18, 26);
// seed 2 by the whole revival soonest, at 1,950 (of seeds 1-40, 13 find it first, 5 the ABA).
// Since a pre9 walk that stops on its count at the last page leaves swap_address there, the
// next walk of the mm finding nothing and resetting (5 Dec 2026), seed 2 finds nothing in
// 50,000; of seeds 1-40 at 50,000 (`--executions 50000 --shrink-ms 0`), 10 find nr-swap-pages
// first, all by the revival, seed 9 (28,391) without the second free, 2 a swapin ABA's
// data-lost@access (31, 32); seed 25 by the whole revival soonest, at 1,780. Since swap_out's
// mmput runs a section after swap_out_mm's unlock and __alloc_pages' unlocked watermark tests
// are sections apart from their rmqueue (6 Dec 2026), seed 25 finds it at 29,221 without the
// second free; of seeds 1-40 at 50,000, 11 find nr-swap-pages first, all by the revival, seeds
// 3 (16,796), 23 (1,144) and 25 without the second free, 1 a swapin ABA's data-lost@access
// (37); seed 10 by the whole revival soonest, at 1,811. Since __alloc_pages' free-back, test
// and rmqueue after direct reclaim, out_of_memory's test and swap_out's counter read became
// steps of their own (6 Dec 2026 audit), seed 10 finds nothing in 50,000; of seeds 1-40 at
// 50,000, 9 find nr-swap-pages first, all by the revival, seeds 5 (35,565), 7 (40,395), 9
// (13,309) and 40 (29,136) without the second free, 1 a swapin ABA's data-lost@access (37);
// seed 2 by the whole revival soonest, at 6,782.)
const shape: HuntOptions = {
  model: "linux-2.4.10-pre",
  with: ["unique-add"],
  sched: "random",
  seed: 2,
  executions: 50_000,
  budgetMs: 60_000,
  shrinkMs: 0,
};

describe("hunt --with unique-add --sched random --seed 2 (linux-2.4.10-pre)", () => {
  it("finds nr-swap-pages within 50,000 executions (at 6,782): a duplicate revived a slot freed under it", async () => {
    const r = await hunt(shape);
    expect(r.findings.map((f) => [f.signature, f.execution])).toEqual([["nr-swap-pages:counter", 6_782]]);
    const t = await traceOf(r.findings[0].repro);
    expect(t.signature).toBe("nr-swap-pages:counter");
    const v = classifyRevival(t.records);
    expect(v).toBeDefined();
    expect(v!.reader.seen).toBeGreaterThanOrEqual(1);
    expect(v!.freer.agent).not.toBe(v!.reader.agent);
    expect(v!.reader.checked).toBeLessThan(v!.freer.step);
    expect(v!.freer.step).toBeLessThan(v!.reader.revived);
    expect(v!.freedAgain).toBeDefined(); // the second nr_swap_pages++ for one slot
    expect(v!.freedAgain!.step).toBeGreaterThan(v!.reader.revived);
    // The finding's route line (hunt and replay print it).
    const traced = await replayTraced(r.findings[0].repro);
    expect(traced.raceRoute?.route).toBe("dup revival");
    expect(r.findings[0].diagram).toMatch(
      /\nroute: unlocked swap_duplicate revives a freed slot .*: swap_duplicate's unlocked test saw E\d:\d+ in use/,
    );
  });

  it("with swap_duplicate's test under swap_device_lock (2.4.16, --without unlocked-dup-check): nothing in the same executions", async () => {
    const r = await hunt({ ...shape, without: ["unlocked-dup-check"] });
    expect(r.executions).toBe(50_000);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
  });

  it("the catalogue's dup-revival hunt (keep going, random walk) counts seed 2's finding, its trace showing the revival", async () => {
    // Seed 1's, until do_wp_page's releases moved after its unlock (4 Dec 2026): nothing then;
    // since swap_out_mm's 2.4.16 walk seed 1 finds it again, at 83,862 executions, seed 2 at
    // 42,871; since swap_out became pre9's (5 Dec 2026) seed 1 at 73,118 executions, seed 2 at
    // 1,951 (its finding at 1,950, the hunt above's). Since a pre9 walk stopped on its count at
    // the last page leaves swap_address there (5 Dec 2026), seed 1 finds nothing in 150,000 and
    // seed 2 finds it at 147,632 only; seed 25 at 1,781 executions (its finding at 1,780, the
    // hunt above's: `--seed 25 --keep-going --executions 150000 --shrink-ms 0`). Since swap_out's
    // mmput and __alloc_pages' watermark tests took sections of their own (6 Dec 2026), seed 1
    // finds nothing in 150,000 (the check's seed 1 finds it at 460,207), seed 25 at 29,222
    // without the second free, seed 10 at 1,812 (its finding at 1,811). Since the 6 Dec 2026
    // audit's splits (the free-back, test and rmqueue after direct reclaim, out_of_memory's test,
    // swap_out's counter read), seed 1 finds it at 145,640 executions, seed 10 nothing in
    // 150,000, seed 2 at 6,783 (its finding at 6,782, the hunt above's).
    const race = RACES.find((r) => r.name === "dup-revival")!;
    const s = await huntRaceSeed(race, "random", 2, 60_000, 150_000);
    expect(s.signature).toBe("nr-swap-pages:counter");
  }, 60_000);
});
