// The unuse-wrong-page route (src/races/wrong-page-route.ts): try_to_unuse gets page P of E,
// another CPU deletes P from the swap cache (freeing E) before try_to_unuse locks it, swap_out
// adds P back under another area's entry, and 2.4.16's try_to_unuse BUGs. On hand-made traces
// (each step missing or out of place: no route), on the catalogue's hunt, and on the long
// default campaign's findings (hunt --model linux-2.4.16 --executions 64000000 --shard S/16:
// with kswapd-timeout 13/16 and 8/16, test/fixtures/unuse-wrong-page-2416-timed*.repro.json;
// before it 11/16, execution 47,987,645, test/fixtures/unuse-wrong-page-2416-default.repro.json). The 16M
// campaign's finding (--executions 16000000 --shard 3/4, execution 13,911,168) went with the
// model's fixes of the swap_out_mm walk, kswapd (2.4.16's kswapd_balance_pgdat) and the
// watermarks: the 16M campaign's 4 shards find nothing now. Of the 64M campaign's 16 shards,
// 9/16 (at 37,595,822) and 11/16 found this BUG, each by the route, until the model took
// mmlist_lock (try_to_unuse's walk, swap_out's pick, fork, exit: 4 Dec 2026); since then
// 11/16 (at the same execution) and 14/16 (at 59,984,143) did, and 9/16 nothing. Since
// set_page_dirty took pagecache_lock (the same day) 5/16 (23,589,682), 7/16 (29,210,434), 9/16
// (37,595,822) and 11/16 (again at 47,987,645; the fixture re-written from that run: same ops,
// a new schedule) do, and the other twelve nothing. Since do_wp_page's releases moved after its
// unlock (the same day) 5/16, 9/16 and 11/16 at the same executions (the fixture still replays
// to the BUG by the route), 7/16 nothing; since the mmlist became a list (the same day, apart)
// the same four as before at the same executions; with both (and pre9's try_to_unuse yield,
// which no 2.4.16 path takes) 5/16, 9/16 and 11/16 at the same executions, each by the route,
// and the other thirteen nothing (the fixture re-written from 11/16's run, campaign hash
// d821bc97 over 3,987,646: the same ops, a new schedule).
// Since the mm_users pins, the fixture (from before them) still replays to the BUG by the
// route; the campaign's 16 shards find it in ten, seven through swapoff's own exit_mmap
// (its last mmput of a start_mm that looks like exiting: 11/16's is the second fixture), three
// through another CPU's zap (docs/kernel-notes.md); with 2.4.16's mmu_gather as well, the
// same ten at the same executions (11/16: campaign hash ba99359a over 983,037).
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
const fix = resolveModel("linux-2.4.16", ["unuse-recheck-key"], ["oom-kill", "kswapd-timeout"]);

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
  // The repro's own flags plus the fix (the fixtures predate kswapd-timeout: see below).
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

  // The two findings below were made before kswapd took 2.4.16's schedule_timeout(HZ) after
  // a short pass (flag kswapd-timeout, 5 Dec 2026), and replay with the flags they recorded:
  // in both, kswapd passes again within that second (the default campaign's fell short at step
  // 165 and ran again at 230), which 2.4.16 cannot do; with kswapd-timeout their schedules no
  // longer fit. They still test the route's reading of real traces.
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

  it("the long default campaign's finding (execution 47,987,645) is the route", async () => {
    const repro = loadRepro(fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-default.repro.json", import.meta.url)));
    await expectRouteAndFix(repro, drawReplay(repro, await replayTraced(repro)), false);
  }, 30_000);

  // Since the mm_users pins: shard 11/16 of the 64M campaign (execution 44,983,036, campaign
  // hash b531c0fa over 983,037) finds the BUG with swapoff itself as the deleter: its "looks
  // like exiting" mmput of start_mm, between the read and lock_page, is the last put and runs
  // exit_mmap, whose zap frees the entry and deletes the page (2.4.16 try_to_unuse's order).
  it("the 64M campaign's shard 11/16 finding: swapoff's own exit_mmap deletes the page", async () => {
    const repro = loadRepro(fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-own-mmput.repro.json", import.meta.url)));
    await expectRouteAndFix(repro, drawReplay(repro, await replayTraced(repro)), true);
  }, 30_000);

  // With kswapd-timeout (2.4.16's kswapd asleep for a second after a short pass) the same 64M
  // default campaign, all 16 shards re-run on 5 Dec 2026, finds the BUG in five, each by the
  // route: 6/16 (24,396,618), 8/16 (34,857,329), 10/16 (41,150,918), 13/16 (52,889,276) and
  // 14/16 (58,597,794). 13/16's (kswapd's own last mmput of a replaced child ran exit_mmap,
  // whose zap deleted the page) and 8/16's (swapoff's own) are kept as fixtures; the full tier
  // re-runs shard 13/16 (unuse-wrong-page-campaign.full.test.ts).
  it("the default campaign's findings with kswapd-timeout are the route: 13/16 by another agent's zap, 8/16 by swapoff's own", async () => {
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
