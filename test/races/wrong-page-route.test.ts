// The unuse-wrong-page route (src/races/wrong-page-route.ts): try_to_unuse gets page P of E,
// another CPU deletes P from the swap cache (freeing E) before try_to_unuse locks it, swap_out
// adds P back under another area's entry, and 2.4.16's try_to_unuse BUGs. On hand-made traces
// (each step missing or out of place: no route), on the catalogue's hunt, and on findings of
// the long default campaign (`hunt --model linux-2.4.16 --executions 64000000 --shard S/16`).
// Since the 6 Dec 2026 audit's splits (__alloc_pages' free-back, test and rmqueue after direct
// reclaim; try_to_unuse's second count read at init_mm; out_of_memory's test a step after the
// last pass; swap_out's counter read before its need_resched point), the campaign's 16 shards
// find the BUG in five (since dirty-list joined, 6 Dec 2026, 2/16 meets that race first, at
// 10,579,388, and 1/16's hash is d1b1071e), each by the route: 1/16 (execution 5,581,445, campaign hash 6826ae59
// over 1,581,446), 3/16 (14,171,317, 4b2af47e over 2,171,318) and 10/16 (40,409,130, 811f3ef8
// over 409,131) through swapoff's own exit_mmap (its last mmput of a start_mm whose process
// had exited), 2/16 (11,197,994, 8b7556eb over 3,197,995) and 5/16 (23,589,682, 60fcf46e over
// 3,589,683) through another CPU's zap. Before the audit (from 7607506, the same day: swap_out's
// mmput, __alloc_pages' unlocked watermark tests and try_to_unuse's judging of init_mm in
// sections of their own) it was three: 1/16 and 3/16 at the same executions and 10/16 at
// 42,942,539, all through swapoff's own exit_mmap, and 1/16's part held one more BUG, at
// 6,168,201, through another CPU's zap (`--shard 6/64`'s first). From plain-add-flags (5 Dec
// 2026) until 7607506 it was seven: 0/16 (3,120,523), 2/16 (11,197,994), 3/16 (14,171,317),
// 4/16 (16,309,772), 5/16 (21,900,972), 10/16 (42,966,287) and 15/16 (60,144,770), 0/16, 3/16,
// 5/16 and 10/16 through swapoff's own exit_mmap; from put_page's spin on pagemap_lru_lock and
// the local-pages flag until plain-add-flags six: 1/16 (6,168,201), 2/16, 3/16, 6/16
// (24,738,954), 10/16 (42,942,539) and 15/16; before swap_out and swap_out_mm walked as
// 2.4.16's, five. 2/16's is test/fixtures/unuse-wrong-page-2416-timed.repro.json, 3/16's
// unuse-wrong-page-2416-timed-own-mmput (the full tier re-runs shard 1/16:
// unuse-wrong-page-campaign.full.test.ts); the unsharded hunt (seed 1) meets 1/16's first, at
// 5,581,445 (0/16's, at 3,120,523, before 7607506). The same campaign without kswapd-timeout
// (`--without kswapd-timeout --swarm`, all 16 re-run after the audit) finds it in the same
// eight shards at the same executions as at 7607506, under other campaign hashes: 0/16
// (1,072,659), 1/16 (5,557,851), 3/16 (14,171,317), 6/16 (25,333,620), 7/16 (30,727,241),
// 10/16 (42,942,539), 11/16 (44,983,036) and 15/16 (60,085,158); 0/16, 1/16, 6/16, 7/16 and
// 15/16 through another CPU's zap, 3/16, 10/16 and 11/16 through swapoff's own exit_mmap
// (seven before 7607506, at the model of put_page's spin and the local-pages flag: 0/16, 1/16
// and 15/16 at the same executions, 8/16 at 32,237,526, 10/16 at 42,942,539, 11/16 at
// 44,235,967, 13/16 at 52,830,495); 1/16's is unuse-wrong-page-2416-default, 11/16's
// unuse-wrong-page-2416-own-mmput. All four fixtures were re-recorded from the audit's
// campaigns.
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { replayTraced } from "../../src/explore/replay.js";
import { decodeSchedule, type Repro } from "../../src/report/repro.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { drawReplay } from "../../src/report/finding.js";
import { resolveModel, reproFlagWords } from "../../src/model/models.js";
import { RACES } from "../../src/races/catalogue.js";
import { classifyUnuseWrongPage } from "../../src/races/wrong-page-route.js";
import { EV, type TraceRecord } from "../../src/report/trace.js";
import { F2 } from "../../src/wasm/abi.js";
import { rec } from "../helpers/trace-record.js";

const E = 0x1; // E0:1, in the area being swapped off
const E2 = 0x1000001; // E1:1, in the other area
const P = 2;
const U = 1; // swapoff's CPU

// try_to_unuse reads E and gets P; CPU0's zap frees E and deletes P at vm_swap_full; kswapd's
// try_to_swap_out gets E2 for P and adds it; the trace ends at try_to_unuse's BUG.
const story: TraceRecord[] = [
  rec(10, U, EV.UNUSE_READ, E, 2),
  rec(11, U, EV.LOOKUP_HIT, E, P, 3),
  rec(20, 0, EV.ZAP_SWAP, E, 4),
  rec(21, 0, EV.FREE_SWAP_DELETE, P, E, 4),
  rec(22, 0, EV.DELETE, P, E),
  rec(23, 0, EV.SWAP_FREE, E, 0),
  rec(30, 5, EV.TSO_GET_SWAP, 0x10004, P, E2),
  rec(31, 5, EV.ADD, P, E2, 1),
];

describe("classifyUnuseWrongPage", () => {
  it("finds the route: try_to_unuse's page, the delete by another CPU, the add under another entry", () => {
    const r = classifyUnuseWrongPage(story, U);
    expect(r).toMatchObject({
      entry: E,
      page: P,
      holder: { agent: U, read: 10, got: 11 },
      deleter: { agent: 0, step: 22, by: "free_swap_and_cache", zap: true, pageCount: 4 },
      readded: { agent: 5, step: 31, entry: E2, vpage: 0x10004 },
    });
    expect(r!.why).toBe(
      "swapoff's try_to_unuse got page 2 for E0:1 (step 11) and had yet to lock it; zap_page_range's free_swap_and_cache " +
        "deleted page 2 from the swap cache and freed E0:1 (step 22; vm_swap_full, page count 4); swap_out's try_to_swap_out " +
        "of mm1[4] added page 2 to the cache again under E1:1 (step 31); try_to_unuse, holding the lock, found E0:1's count 0 " +
        "but page 2 in the swap cache: BUG",
    );
  });

  it("takes a page try_to_unuse read itself, and a remove_exclusive_swap_page delete", () => {
    const t = story.slice();
    t[1] = rec(11, U, EV.ADD, P, E, 1);
    t[2] = rec(20, 0, EV.SWAP_HIT, E, P);
    t[3] = rec(21, 0, EV.FAULT_REMOVE_EXCLUSIVE, P, E, 1);
    const r = classifyUnuseWrongPage(t, U);
    expect(r?.deleter).toEqual({ agent: 0, step: 22, by: "remove_exclusive_swap_page", zap: false });
    expect(r?.why).toContain("; remove_exclusive_swap_page deleted page 2 from the swap cache and freed E0:1 (step 22); ");
  });

  it("does not count a trace missing a step, or with a step out of place", () => {
    // The read, the page, the delete's caller, the delete, the swap-out's get_swap_page, the add.
    for (const i of [0, 1, 3, 4, 6, 7])
      expect(
        classifyUnuseWrongPage(
          story.filter((_, j) => j !== i),
          U,
        ),
        `without ${i}`,
      ).toBeUndefined();
    const at = (i: number, r: TraceRecord) => story.map((x, j) => (j === i ? r : x));
    // The BUG on another agent; try_to_unuse deleting its own page; another page deleted; the
    // page added back under E itself; the add before the delete; the add of another page.
    expect(classifyUnuseWrongPage(story, 0)).toBeUndefined();
    expect(classifyUnuseWrongPage(at(4, rec(22, U, EV.DELETE, P, E)), U)).toBeUndefined();
    expect(classifyUnuseWrongPage(at(4, rec(22, 0, EV.DELETE, P + 1, E)), U)).toBeUndefined();
    expect(classifyUnuseWrongPage(at(7, rec(31, 5, EV.ADD, P, E, 1)), U)).toBeUndefined();
    expect(classifyUnuseWrongPage([...story.slice(0, 2), ...story.slice(6), ...story.slice(2, 6)], U)).toBeUndefined();
    expect(classifyUnuseWrongPage(at(7, rec(31, 5, EV.ADD, P + 1, E2, 1)), U)).toBeUndefined();
    // The page out of the cache again at the end (no BUG's state), and try_to_unuse on a later entry.
    expect(classifyUnuseWrongPage([...story, rec(40, 0, EV.DELETE, P, E2)], U)).toBeUndefined();
    expect(classifyUnuseWrongPage([...story, rec(40, U, EV.UNUSE_READ, 2, 1)], U)).toBeUndefined();
  });
});

/** The route is named in hunt's and replay's output, and the schedule with the fix is clean. */
// (Word 1's flags off: ORed into a repro's own words, only the fix's bit is added.)
const fix = resolveModel("linux-2.4.16", ["unuse-recheck-key"], ["oom-kill", "kswapd-timeout", "local-pages", "plain-add-flags"]);

async function expectRouteAndFix(repro: Repro, diagram: string, ownMmputWanted?: boolean): Promise<void> {
  const traced = await replayTraced(repro);
  expect(traced.verdict?.signature).toBe("bug-on@try_to_unuse");
  expect(traced.raceRoute?.route).toBe("unuse wrong page");
  const r = classifyUnuseWrongPage(traced.records, traced.verdict!.agent);
  expect(r).toBeDefined();
  // The BUG's own entry and page, and the steps in order on their CPUs.
  const m = /(E\d:\d+)'s slot count and page (\d+)'s/.exec(traced.verdict!.message)!;
  expect(r!.why).toContain(`got page ${m[2]} for ${m[1]} `);
  expect(r!.page).toBe(Number(m[2]));
  // Another CPU's delete, or (ownMmput) try_to_unuse's own last mmput of start_mm, whose
  // exit_mmap's zap deleted the page in swapoff's context.
  // Either deleter when not asked for (a hunt's finding): swapoff's own mmput is the one on its CPU.
  const ownMmput = ownMmputWanted ?? r!.deleter.agent === r!.holder.agent;
  if (ownMmput) {
    expect(r!.deleter.agent).toBe(r!.holder.agent);
    expect(r!.deleter.ownMmput).toBe(true);
    expect(r!.deleter.zap).toBe(true);
    expect(r!.why).toContain("its own last mmput of start_mm");
  } else expect(r!.deleter.agent).not.toBe(r!.holder.agent);
  expect(r!.holder.got).toBeLessThan(r!.deleter.step);
  expect(r!.deleter.step).toBeLessThan(r!.readded.step);
  expect(r!.readded.entry >>> 24).not.toBe(r!.entry >>> 24); // another area's entry
  expect(diagram).toMatch(
    /\nroute: the catalogue's unuse-wrong-page, a real bug of 2\.4\.16 .*unuse-recheck-key\): swapoff's try_to_unuse got page/,
  );
  // The same schedule with the fix (2008: delete only a page still cached under E): the page
  // still leaves the cache and comes back under the other entry, and try_to_unuse lets it be.
  const x = { ops: repro.ops, seed: repro.seed, schedule: decodeSchedule(repro.schedule) };
  // The repro's own flags plus the fix (two fixtures are of the model without kswapd-timeout: see below).
  const own = reproFlagWords(repro);
  const fixed = await Replayer.create(repro.machine, { flags: own.flags | fix.flags, flags2: own.flags2 | fix.flags2 });
  const out = fixed.run(x, { trace: true });
  expect(out.verdict).toBeUndefined();
  const recs = out.records ?? [];
  const readd = recs.findIndex((q) => q.event === EV.ADD && q.a === r!.page && q.b === r!.readded.entry);
  expect(readd).toBeGreaterThan(recs.findIndex((q) => q.event === EV.DELETE && q.a === r!.page && q.b === r!.entry));
  expect(recs.findIndex((q) => q.event === EV.DELETE && q.a === r!.page && q.b === r!.readded.entry)).toBeLessThan(0);
}

describe("the unuse-wrong-page route of real findings", () => {
  it("the catalogue's hunt (seed 1) finds the BUG by the route; the fix replays it clean", async () => {
    const race = RACES.find((q) => q.name === "unuse-wrong-page")!;
    expect(race.takes).toBe("unuse wrong page");
    const res = await hunt({ ...race.hunt, seed: 1, executions: 30_000, budgetMs: 60_000, shrinkMs: 2_000 });
    expect(res.findings.map((f) => f.signature)).toEqual(["bug-on@try_to_unuse"]);
    await expectRouteAndFix(res.findings[0].repro, res.findings[0].diagram, undefined);
  }, 60_000);

  // The two findings below are of the campaign without kswapd-timeout (2.4.16's
  // schedule_timeout(HZ) after a short pass), and replay with the flags they recorded: in
  // both, kswapd passes again within that second (-default's pass fell short and kswapd slept
  // at step 251, 4 free of pages_high 4, and ran again at 385; -own-mmput's at 317 and 347,
  // where the timed replay parts from the schedule), which 2.4.16
  // cannot do; with kswapd-timeout their schedules no longer fit (of that campaign's eight
  // findings, only 3/16's still does: the default campaign's own 3/16 finding, the same
  // execution). They test the route's reading of real traces all the same.
  it("the fixtures' kswapd passes again within a second of a short pass: with kswapd-timeout their schedules do not fit", async () => {
    for (const name of ["unuse-wrong-page-2416-default", "unuse-wrong-page-2416-own-mmput"]) {
      const repro = loadRepro(fileURLToPath(new URL(`../fixtures/${name}.repro.json`, import.meta.url)));
      const own = reproFlagWords(repro);
      expect(own.flags2 & F2.KSWAPD_TIMEOUT, name).toBe(0);
      const timed = await Replayer.create(repro.machine, { flags: own.flags, flags2: own.flags2 | F2.KSWAPD_TIMEOUT });
      const out = timed.run({ ops: repro.ops, seed: repro.seed, schedule: decodeSchedule(repro.schedule) });
      expect(out.diverged, name).toBe(true);
      expect(out.verdict?.signature, name).not.toBe("bug-on@try_to_unuse");
    }
  });

  // Shard 1/16 of the campaign without kswapd-timeout: execution 5,557,851 (campaign hash
  // 273d2eb5 over 1,557,852 since the 6 Dec 2026 audit, 7b8890b7 from 7607506 until then),
  // another CPU's zap deletes the page.
  it("the campaign's finding without kswapd-timeout (shard 1/16, execution 5,557,851) is the route: another CPU's zap", async () => {
    const repro = loadRepro(fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-default.repro.json", import.meta.url)));
    await expectRouteAndFix(repro, drawReplay(repro, await replayTraced(repro)), false);
  }, 30_000);

  // Shard 11/16 of the campaign without kswapd-timeout (execution 44,983,036, campaign hash
  // 4f1986a2 over 983,037 since the 6 Dec 2026 audit, 25baaa7f from 7607506; 44,235,967 before it, campaign hash b7d0e34e over
  // 235,968 since put_page's spin and the local-pages flag, 4017d416 from the walk that meets
  // its count at vm_end leaving swap_address there until then, d647f8ee before)
  // finds the BUG with swapoff itself as the deleter: its "looks like exiting" mmput of
  // start_mm, between the read and lock_page, is the last put and runs exit_mmap, whose zap
  // frees the entry and deletes the page (2.4.16 try_to_unuse's order).
  it("the campaign without kswapd-timeout, shard 11/16 (execution 44,983,036): swapoff's own exit_mmap deletes the page", async () => {
    const repro = loadRepro(fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-own-mmput.repro.json", import.meta.url)));
    await expectRouteAndFix(repro, drawReplay(repro, await replayTraced(repro)), true);
  }, 30_000);

  // The default campaign as shipped (kswapd-timeout on: 2.4.16's kswapd asleep for a second
  // after a short pass), since the 6 Dec 2026 audit: 2/16's first finding (execution
  // 11,197,994, campaign hash 8b7556eb over 3,197,995: another CPU's zap deletes the page and
  // kswapd's try_to_swap_out adds it back under the other area's entry) and 3/16's (14,171,317,
  // campaign hash 4b2af47e over 2,171,318: swapoff's own exit_mmap) are kept as fixtures. (Until
  // the audit the first was 1/16's second hit, 6,168,201, as no shard's first finding was
  // another CPU's zap.) The full tier re-runs shard 1/16.
  it("the default campaign's findings with kswapd-timeout are the route: 2/16's by another CPU's zap, 3/16's by swapoff's own", async () => {
    for (const [name, own] of [
      ["unuse-wrong-page-2416-timed", false],
      ["unuse-wrong-page-2416-timed-own-mmput", true],
    ] as const) {
      const repro = loadRepro(fileURLToPath(new URL(`../fixtures/${name}.repro.json`, import.meta.url)));
      expect(reproFlagWords(repro).flags2 & F2.KSWAPD_TIMEOUT, name).not.toBe(0);
      await expectRouteAndFix(repro, drawReplay(repro, await replayTraced(repro)), own);
    }
  }, 30_000);
});
