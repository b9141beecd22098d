// `faultsim races --check` stopped by a signal: the races checked before it are still reported
// (a SIGINT or SIGTERM printed nothing and exited 130 or 143), the one under way is dropped,
// and the exit code says the check did not show every race (1).
import { describe, it, expect } from "vitest";
import { checkRaces } from "../../src/races/check.js";
import { checkJson, checkTable } from "../../src/races/cli.js";

describe("races --check interrupted", () => {
  it("returns the rows done before the signal and drops the race under way", async () => {
    const stop = new AbortController();
    const rows = await checkRaces({
      only: ["pte-same", "pte-same-swapoff"],
      otherBudgetMs: 0,
      fixedExecutions: 1000,
      signal: stop.signal,
      // The signal comes as the first race's row is done: the second starts no hunt.
      onRow: () => stop.abort(),
    });
    expect(rows.map((r) => r.race)).toEqual(["pte-same"]);
    expect(rows[0].found).toBe(true);
    const table = checkTable(rows, "SIGINT", 2);
    expect(table).toContain("interrupted by SIGINT: 1 of 2 races checked, the one under way dropped\nNOT every race checked\n");
    expect(checkJson(rows, "SIGINT")).toMatchObject({ exitCode: 1, interrupted: "SIGINT" });
    // Not stopped: the same row alone passes.
    expect(checkJson(rows)).toMatchObject({ exitCode: 0 });
    expect(checkJson(rows).interrupted).toBeUndefined();
  }, 60_000);

  it("a signal during a race's hunt drops that race", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const rows = await checkRaces({ only: ["dup-revival"], otherBudgetMs: 0, fixedExecutions: 1000, signal: stop.signal });
    expect(rows).toEqual([]);
  }, 60_000);
});
