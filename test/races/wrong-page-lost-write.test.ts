// The unuse-wrong-page race through try_to_unuse's write (src/races/wrong-page-route.ts
// classifyUnuseLostWrite): 2.4.16 mm/swapfile.c try_to_unuse gets page P of E, finds E still
// referenced after its search and writes P to E's slot ("rw_swap_page(WRITE, page);
// lock_page(page);"); the write's end unlocks P, another CPU's free_swap_and_cache deletes P
// from the swap cache (freeing E) before try_to_unuse has the lock back, swap_out adds P under
// an entry of the other area, and try_to_unuse's "if (PageSwapCache(page))
// delete_from_swap_cache(page)" deletes P under that entry, never written there: the pte
// swap_out left on it reads a slot without its data. No BUG fires. Hand-made traces (the
// route found; each step missing or out of place: no route), and a finding of a hunt.
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { Replayer } from "../../src/explore/execute.js";
import { replayTraced } from "../../src/explore/replay.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { drawReplay } from "../../src/report/finding.js";
import { resolveModel, reproFlagWords } from "../../src/model/models.js";
import { classifyUnuseLostWrite, classifyUnuseWrongPage } from "../../src/races/wrong-page-route.js";
import { EV, type TraceRecord } from "../../src/report/trace.js";
import { fmtEntry, fmtVpageWord } from "../../src/report/events/types.js";
import { rec } from "../helpers/trace-record.js";

const E = 0x1; // E0:1, in the area being swapped off
const E2 = 0x1000001; // E1:1, in the other area
const P = 2;
const U = 1; // swapoff's CPU
const DISK = 6;
const V = 0x10004; // mm1[4]

// try_to_unuse reads E and gets P; E still has a reference after the search, so it writes P to
// E's slot; the disk ends the write (P unlocked); CPU0's zap frees E and deletes P at
// vm_swap_full; kswapd's try_to_swap_out gets E2 for P, adds it and leaves mm1[4]'s pte on E2;
// try_to_unuse has P's lock back and deletes P under E2; CPU2 reads mm1[4] and loses its data.
const story: TraceRecord[] = [
  rec(10, U, EV.UNUSE_READ, E, 3),
  rec(11, U, EV.LOOKUP_HIT, E, P, 3),
  rec(15, U, EV.IO_QUEUED, P, E, 1),
  rec(16, DISK, EV.IO_DONE, P, E, 1),
  rec(20, 0, EV.ZAP_SWAP, E, 4),
  rec(21, 0, EV.FREE_SWAP_DELETE, P, E, 4),
  rec(22, 0, EV.DELETE, P, E),
  rec(23, 0, EV.SWAP_FREE, E, 0),
  rec(30, 5, EV.TSO_GET_SWAP, V, P, E2),
  rec(31, 5, EV.ADD, P, E2, 1),
  rec(32, 5, EV.TSO_SWAP_PTE, V, P, E2),
  rec(40, U, EV.IO_WAIT_DONE, P, 0),
  rec(41, U, EV.DELETE, P, E2),
  rec(42, U, EV.UNUSE_DONE, E, P, 0),
  rec(50, 2, EV.DATA_LOST, V, 7, 9),
];

describe("classifyUnuseLostWrite", () => {
  it("finds the route: the write of try_to_unuse's page, its delete and re-add meanwhile, the delete under the other entry", () => {
    const r = classifyUnuseLostWrite(story);
    expect(r).toMatchObject({
      entry: E,
      page: P,
      holder: { agent: U, read: 10, got: 11, write: 15, written: 16, relocked: 40, deleted: 41 },
      deleter: { agent: 0, step: 22, by: "free_swap_and_cache", zap: true, pageCount: 4 },
      readded: { agent: 5, step: 31, entry: E2, vpage: V },
    });
    expect(r!.why).toBe(
      "swapoff's try_to_unuse got page 2 for E0:1 (step 11), found E0:1 still in use after its search and wrote page 2 to its " +
        "slot (steps 15-16); before it had page 2's lock back, zap_page_range's free_swap_and_cache deleted page 2 from the swap " +
        "cache and freed E0:1 (step 22; vm_swap_full, page count 4); swap_out's try_to_swap_out of mm1[4] added page 2 to the " +
        "cache again under E1:1 (step 31); try_to_unuse, holding the lock again (step 40), deleted page 2 from the swap cache " +
        "under E1:1 (step 41) before page 2 was ever written there: mm1[4]'s pte is left on E1:1, a slot without its data",
    );
  });

  it("takes a page try_to_unuse read itself, and a remove_exclusive_swap_page delete", () => {
    const t = story.slice();
    t[1] = rec(11, U, EV.ADD, P, E, 1);
    t[4] = rec(20, 0, EV.SWAP_HIT, E, P);
    t[5] = rec(21, 0, EV.FAULT_REMOVE_EXCLUSIVE, P, E, 1);
    const r = classifyUnuseLostWrite(t);
    expect(r?.holder.got).toBe(11);
    expect(r?.deleter).toEqual({ agent: 0, step: 22, by: "remove_exclusive_swap_page", zap: false });
    expect(r?.why).toContain(
      "; before it had page 2's lock back, remove_exclusive_swap_page deleted page 2 from the swap cache and freed E0:1 (step 22); ",
    );
  });

  it("is not the BUG's route, nor the BUG's trace this one", () => {
    // The BUG's classifier refuses the lost write (its page left the cache again at the end)...
    expect(classifyUnuseWrongPage(story, U)).toBeUndefined();
    // ... and this one the BUG's trace (no write; the trace ends at the BUG, no delete under E2).
    const bug = [...story.slice(0, 2), ...story.slice(4, 11)];
    expect(classifyUnuseWrongPage(bug, U)).toBeDefined();
    expect(classifyUnuseLostWrite(bug)).toBeUndefined();
  });

  it("does not count a trace missing a step", () => {
    // The read, the page, the write queued, the write done, the delete's caller, the delete, the
    // swap-out's get_swap_page, the add, the lock taken back, try_to_unuse's delete under E2.
    for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12])
      expect(classifyUnuseLostWrite(story.filter((_, j) => j !== i)), `without ${i}`).toBeUndefined();
  });

  it("does not count a trace with a step out of place", () => {
    const at = (i: number, r: TraceRecord) => story.map((x, j) => (j === i ? r : x));
    const moved = (i: number, before: number) => {
      const t = story.filter((_, j) => j !== i);
      t.splice(before > i ? before - 1 : before, 0, story[i]);
      return t;
    };
    // The write queued by another agent, a read not a write, to another entry.
    expect(classifyUnuseLostWrite(at(2, rec(15, 0, EV.IO_QUEUED, P, E, 1)))).toBeUndefined();
    expect(classifyUnuseLostWrite(at(2, rec(15, U, EV.IO_QUEUED, P, E, 0)))).toBeUndefined();
    expect(classifyUnuseLostWrite(at(3, rec(16, DISK, EV.IO_DONE, P, E2, 1)))).toBeUndefined();
    // The delete under E while the write was still on (P locked: a trylock would have failed).
    expect(classifyUnuseLostWrite(moved(3, 7))).toBeUndefined();
    // The delete by try_to_unuse itself; of another page; the add under E itself; of another page.
    expect(classifyUnuseLostWrite(at(6, rec(22, U, EV.DELETE, P, E)))).toBeUndefined();
    expect(classifyUnuseLostWrite(at(6, rec(22, 0, EV.DELETE, P + 1, E)))).toBeUndefined();
    expect(classifyUnuseLostWrite(at(9, rec(31, 5, EV.ADD, P + 1, E2, 1)))).toBeUndefined();
    // The add before the delete; the lock taken back before the add.
    expect(classifyUnuseLostWrite([...story.slice(0, 4), ...story.slice(8, 11), ...story.slice(4, 8), ...story.slice(11)])).toBeUndefined();
    expect(classifyUnuseLostWrite(moved(11, 8))).toBeUndefined();
    // get_swap_page handed the swap-out another entry than the add's.
    expect(classifyUnuseLostWrite(at(8, rec(30, 5, EV.TSO_GET_SWAP, V, P, E2 + 1)))).toBeUndefined();
    // try_to_unuse's delete under E itself (its own entry: no loss), or by another agent.
    expect(classifyUnuseLostWrite(at(12, rec(41, U, EV.DELETE, P, E)))).toBeUndefined();
    expect(classifyUnuseLostWrite(at(12, rec(41, 3, EV.DELETE, P, E2)))).toBeUndefined();
    // P written to E2's slot before try_to_unuse's delete (shrink_cache's swap_writepage): the
    // slot holds its data.
    const written = [...story.slice(0, 11), rec(33, 5, EV.IO_QUEUED, P, E2, 1), ...story.slice(11)];
    expect(classifyUnuseLostWrite(written)).toBeUndefined();
    // P out of the cache and back again in between (the delete under E2 is of another add).
    const again = [...story.slice(0, 11), rec(33, 0, EV.DELETE, P, E2), rec(34, 5, EV.ADD, P, E2, 1), ...story.slice(11)];
    expect(classifyUnuseLostWrite(again)).toBeUndefined();
    // try_to_unuse on a later entry before the delete (its delete is then of that entry's page).
    expect(classifyUnuseLostWrite([...story.slice(0, 12), rec(40, U, EV.UNUSE_READ, 2, 1), ...story.slice(12)])).toBeUndefined();
  });
});

// (Word 1's flags off: ORed into the repro's own words, only the fix's bit is added.)
const fix = resolveModel("linux-2.4.16", ["unuse-recheck-key"], ["oom-kill", "kswapd-timeout", "local-pages", "plain-add-flags"]);

// A hunt of linux-2.4.16 as shipped (kswapd-timeout on), forks, exits and swapoff on 4 slots,
// the random walk: `hunt --model linux-2.4.16 --no-swarm --mix write=4,read=2,fork=2,exit=2,swapoff=1
// --slots 4 --sched random --seed 2 --keep-going` meets data-lost:swap-slot at execution
// 2,344,544 (campaign hash 1542eed6 over 3,886,848; after the BUG at 52,695 and a swapin ABA's
// data-lost@access at 583,490), shrunk from 18 ops to 7. CPU2's
// exit of mm1 leaves kswapd's swap_out pin the last: kswapd's mmput has taken mm1 off the
// mmlist and its exit_mmap has yet to free mm1[0]'s E0:1 when swapoff reads E0:1, so the search
// leaves a reference and try_to_unuse writes page 2; the write's end unlocks it, kswapd's
// free_swap_and_cache (vm_swap_full: area 0 no longer counts) deletes it and frees E0:1, and
// kswapd's swap_out puts mm0[0]'s page 2 under E1:1; try_to_unuse then deletes it under E1:1.
// try_to_unuse writes a page only when its search leaves a reference, which PCT's schedules
// rarely give: the swarm hunt `--with oom-pin-mm --without kswapd-timeout --swarm
// --jiffy-steps 4` met no data loss at all from seeds 1-150 (10 s each), nor from seed 1000
// in 163,497,472 executions with --keep-going.
describe("the unuse-wrong-page lost write of a real finding", () => {
  const repro = loadRepro(fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-lost-write.repro.json", import.meta.url)));

  it("replays to the data loss, named by the route, with the loss at the re-added pte's entry", async () => {
    const traced = await replayTraced(repro);
    expect(traced.diverged).toBe(false);
    expect(traced.verdict?.signature).toBe("data-lost:swap-slot");
    expect(traced.raceRoute?.route).toBe("unuse wrong page write");
    const r = classifyUnuseLostWrite(traced.records);
    expect(r).toBeDefined();
    expect(traced.raceRoute?.why).toBe(r!.why);
    // Not the BUG's route: try_to_unuse never BUGged.
    expect(classifyUnuseWrongPage(traced.records, r!.holder.agent)).toBeUndefined();
    // The deep check's lost page and slot are swap_out's pte and the entry it put the page under.
    const m = /^(mm\d+\[\d+\]): swap slot (E\d:\d+) holds/.exec(traced.verdict!.message)!;
    expect(m).not.toBeNull();
    expect(fmtVpageWord(r!.readded.vpage)).toBe(m[1]);
    expect(fmtEntry(r!.readded.entry)).toBe(m[2]);
    expect(r!.readded.entry >>> 24).not.toBe(r!.entry >>> 24); // another area's entry
    // The steps in order, the deleter on another agent than try_to_unuse.
    const h = r!.holder;
    expect(r!.deleter.agent).not.toBe(h.agent);
    const order = [h.got, h.write, h.written, r!.deleter.step, r!.readded.step, h.relocked, h.deleted];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const drawn = drawReplay(repro, traced);
    expect(drawn).toMatch(
      /\nroute: the catalogue's unuse-wrong-page through try_to_unuse's write, a real bug of 2\.4\.16 .*unuse-recheck-key\): swapoff's try_to_unuse got page/,
    );
    // The focused diagram draws the route's story, not only the lost slot's entry: try_to_unuse's
    // read of its own entry and the delete under it (drawn only from 6 Dec 2026: the focus was
    // the message's E and page alone).
    expect(drawn).toMatch(new RegExp(`\\(only lines naming [^)]*${fmtEntry(r!.entry)}[,: ]`));
    expect(drawn).toMatch(new RegExp(`try_to_unuse: reads ${fmtEntry(r!.entry)}`));
  }, 30_000);

  it("replays clean with unuse-recheck-key: the page comes back under the other entry, and try_to_unuse lets it be", async () => {
    const r = classifyUnuseLostWrite((await replayTraced(repro)).records)!;
    const own = reproFlagWords(repro);
    const fixed = await Replayer.create(repro.machine, { flags: own.flags | fix.flags, flags2: own.flags2 | fix.flags2 });
    const out = fixed.run({ ops: repro.ops, seed: repro.seed, schedule: decodeSchedule(repro.schedule) }, { trace: true });
    expect(out.verdict).toBeUndefined();
    const recs = out.records ?? [];
    const P = r.page;
    const E2 = r.readded.entry;
    // The same delete under E and add under E2, and try_to_unuse's lock taken back after them...
    const del = recs.findIndex((q) => q.event === EV.DELETE && q.a === P && q.b === r.entry);
    const add = recs.findIndex((q) => q.event === EV.ADD && q.a === P && q.b === E2);
    const relock = recs.findIndex((q) => q.agent === r.holder.agent && q.event === EV.IO_WAIT_DONE && q.a === P);
    expect(del).toBeGreaterThan(0);
    expect(add).toBeGreaterThan(del);
    expect(relock).toBeGreaterThan(add);
    // ... but no delete of the page under E2: its write to E2's slot comes instead.
    expect(recs.some((q) => q.event === EV.DELETE && q.a === P && q.b === E2)).toBe(false);
    expect(recs.some((q, i) => i > add && q.event === EV.IO_QUEUED && q.a === P && q.b === E2 && q.c === 1)).toBe(true);
  }, 30_000);
});
