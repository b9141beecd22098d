// run --series: one row per --interval steps and one at the end, CSV or JSON lines; the
// counters' growth adds up to the run's totals; the series does not change the run; an
// existing file is never overwritten. And the default workload's pressure holds: every
// interval after the first swaps.
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cliCapture } from "../helpers/cli.js";
import { SERIES_COLUMNS } from "../../src/bulk/series.js";

const { io, faultsim } = cliCapture();
const tmp = mkdtempSync(path.join(tmpdir(), "faultsim-series-"));

interface Out {
  steps: number;
  stats: Record<string, number>;
  stateHash: string;
  series?: { rows: number };
}

async function run(...args: string[]): Promise<Out> {
  io.out = "";
  io.err = "";
  // --ops is the generator's: a trace gives its own accesses, and refuses it.
  const ops = args.includes("--trace") ? [] : ["--ops", "60000"];
  expect(await faultsim("run", "--json", ...ops, ...args)).toBe(0);
  return JSON.parse(io.out) as Out;
}

function csvRows(file: string): Record<string, number>[] {
  const [head, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], Number(v)])));
}

describe("run --series", () => {
  it("writes a row every N steps and at the end; deltas add up to the totals; the run is unchanged", async () => {
    const f = path.join(tmp, "a.csv");
    const r = await run("--series", f, "--interval", "100000");
    const plain = await run();
    expect(r.stateHash).toBe(plain.stateHash);
    expect(readFileSync(f, "utf8").split("\n")[0]).toBe(SERIES_COLUMNS.join(","));
    const rows = csvRows(f);
    expect(rows).toHaveLength(Math.ceil(r.steps / 100000));
    expect(r.series?.rows).toBe(rows.length);
    for (const [i, row] of rows.entries()) expect(row.step).toBe(i === rows.length - 1 ? r.steps : (i + 1) * 100000);
    const sum = (c: string) => rows.reduce((s, x) => s + x[c], 0);
    expect(sum("ops")).toBe(r.stats.ops);
    expect(sum("minorFaults")).toBe(r.stats.minorFaults);
    expect(sum("majorFaults")).toBe(r.stats.majorFaults);
    expect(sum("swapIns")).toBe(r.stats.swapIns);
    expect(sum("swapOuts")).toBe(r.stats.swapOuts);
    expect(sum("scanned")).toBe(r.stats.reclaimScans);
    expect(sum("freed")).toBe(r.stats.pagesFreed);
    expect(sum("kswapdRuns")).toBe(r.stats.kswapdRuns);
    expect(sum("directReclaim")).toBe(r.stats.directReclaim);
    expect(sum("oom")).toBe(r.stats.oom);
    expect(sum("oomKills")).toBe(r.stats.oomKills);
    for (const row of rows) {
      // 8192 frames, the zero page not among them; pages off the LRU (just allocated,
      // being freed) are in neither list.
      expect(row.free + row.active + row.inactive).toBeLessThanOrEqual(8191);
      expect(row.swapCache).toBeLessThanOrEqual(row.active + row.inactive);
      expect(row.swapUsed).toBeGreaterThanOrEqual(0);
    }
    // The default (steady) workload: memory is full after the first interval, and every
    // later one reclaims and swaps.
    for (const row of rows.slice(1, -1)) {
      expect(row.free).toBeLessThan(500);
      expect(row.swapOuts + row.swapIns).toBeGreaterThan(0);
      expect(row.swapUsed).toBeGreaterThan(1000);
    }
  }, 60_000);

  it("JSON lines: the same rows, by extension or --series-format", async () => {
    const c = path.join(tmp, "b.csv");
    const j = path.join(tmp, "b.jsonl");
    const k = path.join(tmp, "b.out");
    await run("--series", c, "--interval", "50000");
    await run("--series", j, "--interval", "50000");
    await run("--series", k, "--interval", "50000", "--series-format", "jsonl");
    const lines = readFileSync(j, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toEqual(csvRows(c));
    expect(readFileSync(k, "utf8")).toBe(readFileSync(j, "utf8"));
  }, 60_000);

  it("a run that ends on a row's own step writes that row once, and `report` draws it; an older file's empty repeat is left out", async () => {
    // --interval 1: every step is a row's, the last one too. Until 5 Dec 2026 the end's row
    // came a second time with its counts 0, and `report` refused the file ("step S does not
    // follow the row before"); a budget or a signal could stop a run on a row's step alike.
    const f = path.join(tmp, "every.csv");
    io.out = "";
    io.err = "";
    expect(await faultsim("run", "--json", "--ops", "300", "--series", f, "--interval", "1")).toBe(0);
    const r = JSON.parse(io.out) as Out;
    const rows = csvRows(f);
    expect(rows).toHaveLength(r.steps);
    expect(rows.map((x) => x.step)).toEqual(Array.from({ length: r.steps }, (_, i) => i + 1));
    expect(rows.reduce((n, x) => n + x.ops, 0)).toBe(r.stats.ops);
    expect(await faultsim("report", f, "--out", path.join(tmp, "every.html"))).toBe(0);
    // Such a file of an older faultsim: its last row again, counts 0, still draws.
    const text = readFileSync(f, "utf8");
    const last = rows[rows.length - 1];
    const again = Object.fromEntries(
      Object.entries(last).map(([c, v]) => [c, ["step", "free", "active", "inactive", "swapCache", "swapUsed"].includes(c) ? v : 0]),
    );
    const old = path.join(tmp, "every-old.csv");
    writeFileSync(old, text + SERIES_COLUMNS.map((c) => again[c]).join(",") + "\n");
    expect(await faultsim("report", old, "--out", path.join(tmp, "every-old.html"))).toBe(0);
    expect(readFileSync(path.join(tmp, "every-old.html"), "utf8")).toBe(
      readFileSync(path.join(tmp, "every.html"), "utf8").replaceAll("every.csv", "every-old.csv"),
    );
    // A repeated step that counted something is still refused.
    const bad = path.join(tmp, "every-bad.csv");
    writeFileSync(bad, text + SERIES_COLUMNS.map((c) => (c === "ops" ? 1 : again[c])).join(",") + "\n");
    io.err = "";
    expect(await faultsim("report", bad, "--out", path.join(tmp, "every-bad.html"))).toBe(2);
    expect(io.err).toMatch(/does not follow the row before/);
  }, 60_000);

  it("never overwrites a file; refuses a name without a format", async () => {
    const f = path.join(tmp, "mine.csv");
    writeFileSync(f, "precious\n");
    io.err = "";
    expect(await faultsim("run", "--ops", "1000", "--series", f)).toBe(2);
    expect(io.err).toMatch(/exists: remove it or name another file/);
    expect(readFileSync(f, "utf8")).toBe("precious\n");
    io.err = "";
    expect(await faultsim("run", "--ops", "1000", "--series", path.join(tmp, "x.dat"))).toBe(2);
    expect(io.err).toMatch(/--series-format csv\|jsonl/);
    io.err = "";
    expect(await faultsim("run", "--ops", "1000", "--series", path.join(tmp, "y.csv"), "--interval", "0")).toBe(2);
    expect(io.err).toMatch(/--interval must be between 1/);
    // In a directory that does not exist: one line that says what failed (was "--series F: ENOENT").
    io.err = "";
    const lost = path.join(tmp, "no-such-dir", "s.csv");
    expect(await faultsim("run", "--ops", "1000", "--series", lost)).toBe(2);
    expect(io.err).toBe(`faultsim: --series ${lost}: cannot create it (ENOENT)\n`);
    // `-` is not stdout here (it was a file named "-" in the working directory).
    io.err = "";
    expect(await faultsim("run", "--ops", "1000", "--series", "-", "--series-format", "csv")).toBe(2);
    expect(io.err).toBe("faultsim: --series -: the series is written to a file (stdout has the summary): name one\n");
    expect(existsSync("-")).toBe(false);
  });

  it("a trace that turns out bad before the first row leaves no series file; one with rows keeps it", async () => {
    const fx = readFileSync(path.resolve(import.meta.dirname, "../fixtures/trace/small.csv"), "utf8")
      .trimEnd()
      .split("\n");
    const bad = (n: number) => {
      const f = path.join(tmp, `bad-${n}.csv`);
      writeFileSync(f, [...fx.slice(0, n), "not,a,record"].join("\n") + "\n");
      return f;
    };
    // At line 4: nothing ran; the file was a header alone, and it refused the same command
    // once the trace was fixed ("exists").
    const early = path.join(tmp, "early.csv");
    io.err = "";
    expect(await faultsim("run", "--trace", bad(3), "--frames", "64", "--pages", "64", "--series", early)).toBe(2);
    expect(io.err.trimEnd().split("\n")).toHaveLength(1);
    expect(existsSync(early)).toBe(false);
    // Past a row (the bad record far beyond what the CPUs' rings take at once): what was
    // sampled is kept, as a killed run keeps its rows.
    const long = path.join(tmp, "long.csv");
    const ids = Array.from({ length: 200_000 }, (_, i) => String((i * 7) % 50));
    writeFileSync(long, ["obj_id", ...ids, "x"].join("\n") + "\n");
    const late = path.join(tmp, "late.csv");
    io.err = "";
    expect(await faultsim("run", "--trace", long, "--frames", "64", "--pages", "64", "--series", late, "--interval", "1000")).toBe(2);
    expect(io.err).toMatch(/line 200002/);
    expect(readFileSync(late, "utf8").trimEnd().split("\n").length).toBeGreaterThan(1);
  });

  it("with a trace: rows of the replay, and the same run without them", async () => {
    const fx = path.resolve(import.meta.dirname, "../fixtures/trace/small.csv");
    const f = path.join(tmp, "t.jsonl");
    const a = await run("--trace", fx, "--frames", "64", "--pages", "64", "--series", f, "--interval", "1000");
    const b = await run("--trace", fx, "--frames", "64", "--pages", "64");
    expect(a.stateHash).toBe(b.stateHash);
    const rows = readFileSync(f, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.reduce((s, x) => s + x.majorFaults, 0)).toBe(a.stats.majorFaults);
    expect(rows.at(-1)!.step).toBe(a.steps);
  });
});
