// zap-delete-uncached: 2.4.0's free_page_and_swap_cache (mm/swap_state.c) tests PageSwapCache
// and then TryLockPage with only the PTL held; an exiting task's mm is invisible to swapoff's
// for_each_task walk, so swapoff can delete the page from the swap cache and free its entry in
// between, and is_page_shared then finds the page (count 1) unshared: the zap deletes a page no
// longer cached, remove_from_swap_cache's BUG(). The catalogue's hunt (writes, exits and
// swapoffs on two CPUs) finds it; the same schedules with is-page-shared off (pre9's
// exclusive_swap_page, 0 for a page out of the cache) run clean. test/mm/fpsc-swapoff-240.test.ts
// has the directed schedule.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import type { Finding } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { replayTraced } from "../../src/explore/replay.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { resolveModel } from "../../src/model/models.js";
import { EV, findLast } from "../../src/report/trace.js";
import { opKind, OP } from "../../src/wasm/abi.js";
import { RACES, matchesRace } from "../../src/races/catalogue.js";

const race = RACES.find((r) => r.name === "zap-delete-uncached")!;

/** The catalogue's hunt from seed, stopped at the race's first finding. */
async function huntRace(seed: number, executions: number, extra: { without?: string[] } = {}) {
  const r = await hunt({
    ...race.hunt,
    ...extra,
    seed,
    shrinkMs: 0,
    executions,
    budgetMs: 120_000,
    until: (f) => matchesRace(race, f.signature),
  });
  return { found: r.findings.find((f) => matchesRace(race, f.signature)), r };
}

describe("2.4.0's zap deletes a page swapoff took out of the swap cache (zap-delete-uncached)", () => {
  let found: Finding | undefined;

  // Seeds 1-3 find it at 887, 11,594 and 6,722 since 2.4.0's page_launder passes over a locked
  // page (launder-skips-locked, 6 Dec 2026); seeds 1 and 3 are the quick ones. Before, at
  // 22,412, 12,613 and 2,660 (6 Dec 2026, since 2.4.0's lookup_swap_cache
  // and this free_page_and_swap_cache hold the page lock across a section, is_page_shared's two
  // reads in two; 61,480, 1,869 and 18,281 with swap-buffers before them; 45,110, 12,613 and
  // 6,773 before that).
  it.each([
    [1, 887],
    [3, 6_722],
  ])(
    "the catalogue's linux-2.4.0 hunt finds it from seed %i at execution %i",
    async (seed, execution) => {
      const { found: f, r } = await huntRace(seed, 20_000);
      expect(f, r.findings.map((x) => x.signature).join(", ")).toBeDefined();
      expect(f!.execution).toBe(execution);
      expect(f!.verdict.message).toMatch(/delete_from_swap_cache: page \d+ is not in the swap cache/);
      const kinds = f!.repro.ops.flat().map(opKind);
      expect(kinds).toContain(OP.EXIT);
      expect(kinds).toContain(OP.SWAPOFF);
      found ??= f;
    },
    60_000,
  );

  it("the replayed trace: the zap's PageSwapCache test, then swapoff's delete of that page on another CPU, then the zap's delete", async () => {
    expect(found).toBeDefined();
    const t = await replayTraced(found!.repro);
    expect(t.verdict?.signature).toBe("bug-on@delete_from_swap_cache");
    const rec = t.records;
    const bugAt = rec.length;
    const tested = findLast(rec, rec.length, (q) => q.event === EV.FREE_SWAP_TESTED);
    expect(tested).toBeGreaterThan(-1);
    const { agent: zapper, a: page } = rec[tested];
    const swapoffDelete = rec.findIndex((q, i) => i > tested && q.event === EV.DELETE && q.a === page && q.agent !== zapper);
    expect(swapoffDelete).toBeGreaterThan(tested);
    const zapDelete = rec.findIndex((q, i) => i > swapoffDelete && q.event === EV.FREE_SWAP_DELETE && q.a === page && q.agent === zapper);
    expect(zapDelete).toBeGreaterThan(swapoffDelete);
    expect(zapDelete).toBeLessThan(bugAt);
    // remove_from_swap_cache's BUG() stops the zap: it removes and frees nothing after it (until
    // 6 Dec 2026 the model went on and drew "removes page N (none), frees the slot").
    expect(rec.some((q, i) => i > zapDelete && q.agent === zapper && q.event === EV.DELETE)).toBe(false);
  });

  it("the fix (is-page-shared off: exclusive_swap_page) replays the schedule clean", async () => {
    expect(found).toBeDefined();
    const x = { ops: found!.repro.ops, seed: found!.repro.seed, schedule: decodeSchedule(found!.repro.schedule) };
    const fixed = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.0", [], ["is-page-shared"]));
    expect(fixed.run(x).verdict?.signature ?? "clean").not.toBe("bug-on@delete_from_swap_cache");
  });

  it("with is-page-shared off the hunts of seeds 1 and 3 do not find it within 20,000 executions", async () => {
    for (const seed of [1, 3]) {
      const { found: f } = await huntRace(seed, 20_000, { without: ["is-page-shared"] });
      expect(f).toBeUndefined();
    }
  }, 60_000);
});
