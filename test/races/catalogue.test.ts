// The race catalogue (`faultsim races`): every row names a model, a fix flag and a directed
// test that exist; its hunt command is the one the check runs; a two-race check finds both
// and keeps the fixed model clean. The whole `races --check` is in the full tier.
import { describe, it, expect, vi } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RACES, FIXED_MODEL, huntCommand, matchesRace, raceFixes } from "../../src/races/catalogue.js";
import { checkRaces, checkExitCode, huntRaceSeed } from "../../src/races/check.js";
import { catalogueText, checkTable } from "../../src/races/cli.js";
import { FLAGS, MODELS, resolveModel } from "../../src/model/models.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the race catalogue", () => {
  it("names models, flags and test files that exist, and races by distinct names", () => {
    expect(new Set(RACES.map((r) => r.name)).size).toBe(RACES.length);
    for (const r of RACES) {
      expect(
        MODELS.some((m) => m.name === r.hunt.model),
        r.name,
      ).toBe(true);
      expect(() => resolveModel(r.hunt.model, r.hunt.with ?? [], r.hunt.without ?? [])).not.toThrow();
      for (const fix of raceFixes(r)) {
        expect(
          FLAGS.some((f) => f.name === fix.flag),
          `${r.name}: fix ${r.fix}`,
        ).toBe(true);
        // The fixed model has every fix: the flag on, or off for a fix that is its absence; the
        // race's own model has the old code.
        expect(resolveModel(FIXED_MODEL).flagNames.includes(fix.flag), `${r.name}: ${fix.flag}`).toBe(fix.on);
        expect(
          resolveModel(r.hunt.model, r.hunt.with ?? [], r.hunt.without ?? []).flagNames.includes(fix.flag),
          `${r.name}: ${fix.flag}`,
        ).toBe(!fix.on);
      }
      const file = r.test.split(" ")[0];
      if (file.startsWith("test/")) expect(existsSync(path.join(root, file)), `${r.name}: ${file}`).toBe(true);
    }
  });

  it("prints a block per race with its hunt command", () => {
    const text = catalogueText();
    for (const r of RACES) {
      expect(text).toContain(`\n${r.name}\n`);
      expect(text).toContain(huntCommand(r.hunt));
    }
    expect(huntCommand({ model: "linux-2.4.16", without: ["oom-recheck"], mix: "all", sched: "random", pageCluster: 0 }, 3)).toBe(
      "faultsim hunt --model linux-2.4.16 --without oom-recheck --sched random --mix all --page-cluster 0 --seed 3",
    );
  });

  it("writes a fix that is a flag turned off as -flag, two changes that close it together comma-separated, and prints them in words", () => {
    expect(raceFixes({ fix: "pte-same-recheck" })).toEqual([{ flag: "pte-same-recheck", on: true }]);
    expect(raceFixes({ fix: "-unlocked-dup-check" })).toEqual([{ flag: "unlocked-dup-check", on: false }]);
    expect(raceFixes({ fix: "unique-add,-unuse-delete-first" })).toEqual([
      { flag: "unique-add", on: true },
      { flag: "unuse-delete-first", on: false },
    ]);
    expect(RACES.find((r) => r.name === "dup-revival")?.fix).toBe("-unlocked-dup-check");
    const text = catalogueText();
    expect(text).toContain("  fix:     unlocked-dup-check off (the flag is the old code)\n");
    // unuse-fresh-entry: unique-add alone or the search-first try_to_unuse alone leaves it
    // (test/races/unuse-fresh-entry.test.ts); the catalogue names both.
    expect(text).toContain("\nunuse-fresh-entry\n");
    expect(text).toContain("  fix:     unique-add, together with unuse-delete-first off (the flag is the old code)\n");
  });

  it("counts a signature for a race exactly or by a prefix ending in *", () => {
    const pte = RACES.find((r) => r.name === "pte-same")!;
    expect(matchesRace(pte, "free-slot@can_share_swap_page")).toBe(true);
    expect(matchesRace(pte, "cache-page:count")).toBe(true);
    expect(matchesRace(pte, "cache-page:index")).toBe(false);
    expect(matchesRace(pte, "livelock")).toBe(false);
  });

  it("counts a finding of a race that names its route only when the finding's replay takes that route", async () => {
    // linux-2.4.10-pre's default hunt (seed 1) meets a 14 Sep duplicate at execution 45,457
    // (about 0.6 CPU s) since the 6 Dec 2026 audit's splits (after direct reclaim the page given
    // back, the free-count test and rmqueue; out_of_memory's test; swap_out's counter read);
    // 17,061 before them, 11,657 before `__alloc_pages`' watermark tests and swap_out's mmput
    // became steps of their own, 1,383 before swap_out_mm's walk became 2.4.16's.
    const dup = RACES.find((r) => r.name === "dup-14sep")!;
    expect(dup.takes).toBe("14 Sep");
    const found = await huntRaceSeed(dup, "pct", 1, 50_000, 50_000);
    expect(found.signature).toBe("swapcache-unique@add_to_swap_cache");
    // The same finding, for a race that must take Hugh's vm_swap_full route: another route.
    const other = await huntRaceSeed({ ...dup, takes: "vm_swap_full" }, "pct", 1, 50_000, 50_000);
    expect(other.signature).toBeUndefined();
    expect(other.miss).toBe("swapcache-unique@add_to_swap_cache (another route)");
    expect(other.executions).toBe(found.executions);
  }, 60_000);

  it("--check of two races: both found, the fixed model clean, exit 0", async () => {
    const c0 = process.cpuUsage();
    const rows = await checkRaces({ only: ["oom-misreport", "pte-same"], fixedExecutions: 5_000, otherBudgetMs: 0, budgetMs: 20_000 });
    expect(rows.map((r) => [r.race, r.found, r.signature, r.fixedFindings])).toEqual([
      // The first finding of the race's own signatures (the hunt stops right at it: before
      // 4 Dec 2026 it ran on to its next clock check and a later data-lost@access replaced it):
      // seed 1's execution 2, two do_swap_pages of one swap pte freeing E twice, the cache
      // page's count leaked (free-slot@can_share_swap_page before swap_out_mm's 2.4.16 walk).
      ["pte-same", true, "cache-page:count", []],
      ["oom-misreport", true, "oom-misreport@do_swap_page", []],
    ]);
    for (const r of rows) {
      expect(r.executions).toBeGreaterThan(0);
      expect(r.fixedExecutions).toBe(5_000);
      // Timed in CPU (process.cpuUsage), never more than the process used while checking.
      expect(r.cpuMs).toBeGreaterThan(0);
      expect(r.fixedCpuMs).toBeGreaterThan(0);
    }
    const used = process.cpuUsage(c0);
    expect(rows.reduce((t, r) => t + r.cpuMs + r.fixedCpuMs, 0)).toBeLessThanOrEqual((used.user + used.system) / 1000);
    expect(checkExitCode(rows)).toBe(0);
    const table = checkTable(rows);
    expect(table.split("\n")[0]).toMatch(/^race +sched +found +executions +CPU s +seed .* fixed CPU s$/);
    expect(table).toMatch(/all 2 races found, every fixed hunt clean/);
  }, 60_000);

  it("--check --only one race: its verdict line speaks of one race", async () => {
    const rows = await checkRaces({ only: ["swap-map-uaf"], fixedExecutions: 100, otherBudgetMs: 0 });
    expect(rows.map((r) => r.found)).toEqual([true]);
    const last = checkTable(rows).trimEnd().split("\n").at(-1);
    expect(last).toBe("the race found, its fixed hunt clean");
  }, 60_000);

  it("--check fails (exit 1) when a race is not found within its budget", async () => {
    // 500 executions cannot find swapin-aba (the check needs 6,018 since the 6 Dec 2026 audit's
    // splits, 1,213 before them: seed 1's first data loss, 34,693 before linux-2.4.10-pre's
    // swap_out became pre9's, flag swap-amount; test/races/swapin-aba.full.test.ts).
    const rows = await checkRaces({ only: ["swapin-aba"], fixedExecutions: 100, otherBudgetMs: 0, budgetExecutions: 500 });
    expect(rows[0].found).toBe(false);
    expect(rows[0].executions).toBe(500);
    expect(checkExitCode(rows)).toBe(1);
    expect(checkTable(rows)).toMatch(/NOT every race found/);
  });

  it("--check's time budgets are CPU time (process.cpuUsage), not the wall clock", async () => {
    // A race no finding counts for, hunted on the model with every fix on (nothing to find,
    // nothing to replay): the hunt keeps going until its budget.
    const never = { ...RACES[0], hunt: { model: FIXED_MODEL, keepGoing: true }, signatures: ["no-such-signature"] };
    // The process's CPU clock stands still: a budget of 2 ms never runs out, whatever the
    // wall clock does meanwhile; the hunt runs every execution it is given (100,000: some
    // tenths of a second, past several of the hunt's progress reports, where the budget is read).
    const frozen = vi.spyOn(process, "cpuUsage").mockImplementation(() => ({ user: 0, system: 0 }));
    try {
      const t0 = performance.now();
      const r = await huntRaceSeed(never, "random", 1, 2, 100_000);
      expect(r.executions).toBe(100_000);
      expect(performance.now() - t0).toBeGreaterThan(2); // past the budget, had it been wall time
    } finally {
      frozen.mockRestore();
    }
    // The real CPU clock: the hunt stops once it has used its budget (read every ~250 ms).
    const r = await huntRaceSeed(never, "random", 1, 300, 100_000_000);
    expect(r.signature).toBeUndefined();
    expect(r.executions).toBeLessThan(100_000_000);
    expect(r.cpuMs).toBeGreaterThanOrEqual(300);
  }, 60_000);
});
