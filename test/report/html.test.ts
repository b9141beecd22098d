// `faultsim report`: the HTML page's data, made from real results (a run's series in CSV and
// JSON lines, a hunt's event stream, the repro it wrote), checked against those results; the
// page is self-contained; bad input and an existing --out are one line and exit 2. The page in
// a real browser is html-browser.full.test.ts.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { cliCapture } from "../helpers/cli.js";
import { SERIES_COLUMNS } from "../../src/bulk/series.js";
import { parseSeries, minMaxBuckets, seriesSummary, perKiloStep, looksLikeSeries } from "../../src/report/html/series.js";
import { parseHuntStream } from "../../src/report/html/hunt.js";
import { alignRuns, runPlots, PLOT_BUCKETS } from "../../src/report/html/run-view.js";
import { kindOf } from "../../src/report/html/index.js";
import { AGENT_STATES, stepperData, type StepperData } from "../../src/report/html/steps.js";
import { reproPage } from "../../src/report/html/repro-view.js";
import { decodeSchedule, encodeSchedule } from "../../src/report/repro.js";
import { replayTraced } from "../../src/explore/replay.js";
import { resolveModel } from "../../src/model/models.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { HuntEventSchema } from "../../src/schema/outputs.js";
import { PG, PROC_NAMES } from "../../src/wasm/abi.js";
import type { ReportData } from "../../src/report/html/client.js";
import { writeNewFile } from "../../src/report/html/write.js";
import { UsageError } from "../../src/errors.js";

const { io, faultsim } = cliCapture();

let dir = "";
let csv = "";
let jsonl = "";
let stream = "";
let repro = "";

/** The report's data, as the page carries it. */
function pageData(html: string): ReportData {
  const m = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "faultsim-html-"));
  csv = path.join(dir, "a.csv");
  jsonl = path.join(dir, "b.jsonl");
  stream = path.join(dir, "hunt.jsonl");
  const quiet = vi.spyOn(process.stdout, "write").mockImplementation(((_s: unknown, a?: unknown, b?: unknown) => {
    const cb = typeof a === "function" ? a : typeof b === "function" ? b : undefined;
    if (cb) queueMicrotask(() => (cb as () => void)());
    return true;
  }) as typeof process.stdout.write);
  try {
    expect(await faultsim("run", "--ops", "30000", "--series", csv, "--interval", "500")).toBe(0);
    expect(await faultsim("run", "--ops", "20000", "--seed", "2", "--series", jsonl, "--interval", "5000")).toBe(0);
    // The default hunt of seed 88 finds the seed's duplicate at execution 437 (`faultsim hunt
    // --seed 88 --executions 4000 --keep-going --shrink-ms 0`) since pre9's page_launder passes
    // over a locked page (launder-skips-locked, 6 Dec 2026); seed 90's, at 567 before, is past
    // this budget now. Each model change that moves the hunts has moved this seed.
    const code = await faultsim(
      "hunt",
      "--seed",
      "88",
      "--executions",
      "4000",
      "--budget-ms",
      "600000",
      "--keep-going",
      "--shrink-ms",
      "0",
      "--jsonl",
      stream,
      "--out",
      dir,
    );
    expect(code).toBe(1);
  } finally {
    quiet.mockRestore();
  }
  repro = path.join(dir, readdirSync(dir).find((f) => f.startsWith("repro-"))!);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a run's series", () => {
  it("reads CSV and JSON lines alike, every row and column as the run wrote it", () => {
    const a = parseSeries(readFileSync(csv, "utf8"), csv);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(a.rows).toBe(lines.length - 1);
    const last = lines[lines.length - 1].split(",").map(Number);
    SERIES_COLUMNS.forEach((c, k) => {
      expect(a.columns[c][a.rows - 1]).toBe(last[k]);
    });
    const b = parseSeries(readFileSync(jsonl, "utf8"), jsonl);
    const rows = readFileSync(jsonl, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(b.rows).toBe(rows.length);
    for (const c of SERIES_COLUMNS) expect(b.columns[c]).toEqual(rows.map((r) => r[c]));
    // The ops column sums to the run's ops.
    expect(seriesSummary(a).ops).toBe(30000);
    expect(seriesSummary(b).ops).toBe(20000);
  });

  it("reads a series an earlier faultsim wrote, without the oomKills column, as 0 kills", () => {
    const a = parseSeries(readFileSync(csv, "utf8"), csv);
    const k = SERIES_COLUMNS.indexOf("oomKills");
    expect(k).toBe(SERIES_COLUMNS.length - 1);
    // The same CSV with that column cut from the header and every row.
    const old = readFileSync(csv, "utf8")
      .split("\n")
      .map((l) => (l === "" ? l : l.split(",").slice(0, k).join(",")))
      .join("\n");
    expect(looksLikeSeries(old.split("\n")[0])).toBe(true);
    const b = parseSeries(old, "old.csv");
    expect(b.rows).toBe(a.rows);
    for (const c of SERIES_COLUMNS) expect(b.columns[c], c).toEqual(c === "oomKills" ? a.columns[c].map(() => 0) : a.columns[c]);
    // JSON lines of an earlier faultsim: rows without the key.
    const oldJson = readFileSync(jsonl, "utf8")
      .trim()
      .split("\n")
      .map((l) => {
        const { oomKills: _k, ...rest } = JSON.parse(l);
        return JSON.stringify(rest);
      })
      .join("\n");
    expect(parseSeries(`${oldJson}\n`, "old.jsonl").columns.oomKills.every((v) => v === 0)).toBe(true);
    // A row that is short by one where the header is this faultsim's: still refused.
    const lines = readFileSync(csv, "utf8").split("\n");
    lines[1] = lines[1].split(",").slice(0, k).join(",");
    expect(() => parseSeries(lines.join("\n"), "short.csv")).toThrow(/line 2/);
  });

  it("rates are per 1,000 steps of each row's own interval (the last one is shorter)", () => {
    const a = parseSeries(readFileSync(csv, "utf8"), csv);
    const r = perKiloStep(a, "minorFaults");
    const n = a.rows - 1;
    const d = a.columns.step[n] - a.columns.step[n - 1];
    expect(r[n]).toBeCloseTo((a.columns.minorFaults[n] * 1000) / d, 9);
    expect(r[1]).toBeCloseTo(a.columns.minorFaults[1] * 2, 9); // an interval of 500 steps
  });

  it("a partial last row (a run killed mid-write) is left out; a bad row names its line", () => {
    const text = readFileSync(csv, "utf8");
    const whole = parseSeries(text, csv).rows;
    expect(parseSeries(text + "123,4", csv).rows).toBe(whole);
    const lines = text.split("\n");
    lines[5] = lines[5].replace(/^\d+/, "x");
    expect(() => parseSeries(lines.join("\n"), "s.csv")).toThrow(/^s\.csv: line 6: step is not a number$/);
    expect(() => parseSeries(text.split("\n").slice(0, 1).join("\n") + "\n", "s.csv")).toThrow(/without a row/);
  });

  it("thinning keeps each bucket's minimum and maximum, so no spike is lost", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 50 }),
        (ys, buckets) => {
          const xs = ys.map((_, i) => i * 10);
          const [tx, ty] = minMaxBuckets([xs, ys], buckets);
          expect(tx.length).toBe(ty.length);
          if (ys.length <= 2 * buckets) expect(ty).toEqual(ys);
          else {
            expect(ty.length).toBeLessThanOrEqual(2 * buckets);
            expect(Math.max(...ty)).toBe(Math.max(...ys));
            expect(Math.min(...ty)).toBe(Math.min(...ys));
            // Every point drawn is a row of the series, at its own x or its bucket's edge.
            for (const v of ty) expect(ys).toContain(v);
            expect([...tx].sort((p, q) => p - q)).toEqual(tx);
          }
        },
      ),
    );
  });

  it("the plots of two runs share one x: each run's points at their own steps, null elsewhere", () => {
    const a = parseSeries(readFileSync(csv, "utf8"), csv);
    const b = parseSeries(readFileSync(jsonl, "utf8"), jsonl);
    const plots = runPlots([a, b], ["A", "B"]);
    const mem = plots.find((p) => p.id === "plot-memory")!;
    expect(mem.series.map((s) => s.label)).toEqual([
      ...["free", "active", "inactive", "swapCache", "swapUsed"].map((c) => `A ${c}`),
      ...["free", "active", "inactive", "swapCache", "swapUsed"].map((c) => `B ${c}`),
    ]);
    expect(mem.series.filter((s) => s.dash).length).toBe(5);
    const x = mem.data[0] as number[];
    // B (20K ops, rows every 5,000 steps) is drawn whole: every row at its step.
    for (let i = 0; i < b.rows; i++) expect(mem.data[6][x.indexOf(b.columns.step[i])]).toBe(b.columns.free[i]);
    // A (2,000+ rows) is thinned to PLOT_BUCKETS buckets, keeping its extremes.
    const aFree = mem.data[1].filter((v): v is number => v !== null);
    expect(a.rows).toBeGreaterThan(2 * PLOT_BUCKETS);
    expect(aFree.length).toBeLessThanOrEqual(2 * PLOT_BUCKETS);
    expect(Math.max(...aFree)).toBe(Math.max(...a.columns.free));
    expect(
      alignRuns([
        [
          [1, 3],
          [10, 30],
        ],
        [
          [2, 3],
          [20, 31],
        ],
      ]),
    ).toEqual([
      [1, 2, 3],
      [10, null, 30],
      [null, 20, 31],
    ]);
  });
});

describe("a hunt's event stream", () => {
  it("the signature table is the end event's hits, with each signature's first finding and repro file", () => {
    const text = readFileSync(stream, "utf8");
    const events = text
      .trim()
      .split("\n")
      .map((l) => HuntEventSchema.parse(JSON.parse(l)));
    const end = events.find((e) => e.event === "end")!;
    const findings = events.filter((e) => e.event === "finding");
    expect(findings.length).toBeGreaterThan(0);
    const h = parseHuntStream(text, stream);
    expect(h.executions).toBe(4000);
    expect(h.signatures.map((s) => s.signature).sort()).toEqual(Object.keys(end.event === "end" ? end.hits : {}).sort());
    for (const s of h.signatures) {
      expect(s.count).toBe(end.event === "end" ? end.hits[s.signature] : -1);
      const f = findings.find((e) => e.event === "finding" && e.signature === s.signature);
      if (f?.event === "finding") {
        expect(s.firstExecution).toBe(f.execution);
        expect(s.file).toBe(f.file);
      }
    }
    // The end is a throughput point: its executions over its time.
    expect(h.throughput.executions.at(-1)).toBe(4000);
  });

  it("a resumed campaign: the time is over every leg, as its progress events count it (the end event's own is its leg's)", async () => {
    const lines = readFileSync(stream, "utf8").trimEnd().split("\n");
    // As if killed right after the first finding's line, then resumed to the end.
    const cut = lines.findIndex((l) => JSON.parse(l).event === "finding") + 1;
    const resumed = path.join(dir, "resumed.jsonl");
    writeFileSync(resumed, lines.slice(0, cut).join("\n") + "\n");
    expect(await faultsim("hunt", "--resume", resumed)).toBe(1);
    const text = readFileSync(resumed, "utf8");
    const events = text
      .trim()
      .split("\n")
      .map((l) => HuntEventSchema.parse(JSON.parse(l)));
    const end = events.at(-1)!;
    if (end.event !== "end") throw new Error("no end event");
    const before = HuntEventSchema.parse(JSON.parse(lines[cut - 1]));
    if (before.event !== "finding" || !before.checkpoint) throw new Error("no finding with its checkpoint");
    expect(end.checkpoint.elapsedMs).toBeGreaterThan(before.checkpoint.elapsedMs);
    const h = parseHuntStream(text, resumed);
    expect(h.legs).toBe(2);
    expect(h.executions).toBe(4000);
    expect(h.elapsedMs).toBe(end.checkpoint.elapsedMs);
    expect(h.throughput.seconds.at(-1)).toBe(end.checkpoint.elapsedMs / 1000);
    expect(h.throughput.executions.at(-1)).toBe(4000);
  });

  it("a line that is not an event names its line; a partial last line is left out", () => {
    const text = readFileSync(stream, "utf8");
    expect(parseHuntStream(text + '{"event":"progr', stream).executions).toBe(4000);
    const lines = text.split("\n");
    lines.splice(1, 0, '{"event":"progress","schemaVersion":1}');
    expect(() => parseHuntStream(lines.join("\n"), "h.jsonl")).toThrow(/^h\.jsonl: line 2: not a hunt event/);
  });
});

describe("a repro walked step by step", () => {
  let d: StepperData;
  beforeAll(async () => {
    d = await stepperData(loadRepro(repro));
  });

  /** The state vector after `k` steps, from the first state and the deltas. */
  const stateAfter = (k: number): Int32Array => {
    const s = Int32Array.from(d.initial);
    for (let i = 0; i < k; i++) for (let j = 0; j < d.steps[i].delta.length; j += 2) s[d.steps[i].delta[j]] = d.steps[i].delta[j + 1];
    return s;
  };

  it("reproduces, and at the last step the state shows the duplicate the violation names", () => {
    const r = loadRepro(repro);
    expect(d.reproduced).toBe(true);
    expect(d.violation?.id).toBe(r.violation.id);
    expect(d.violation?.step).toBe(d.steps.length);
    const L = d.layout;
    const entry = /E(\d+):(\d+)/.exec(d.violation!.message)!;
    const E = (Number(entry[1]) << 24) | Number(entry[2]);
    const cached = (s: Int32Array) => {
      const out: number[] = [];
      for (let f = 0; f < L.frames; f++) if (s[L.framesAt + 3 * f + 1] & PG.SWAPCACHE && s[L.framesAt + 3 * f + 2] === E) out.push(f);
      return out;
    };
    const pages = [...d.violation!.message.matchAll(/page (\d+)/g)].map((m) => Number(m[1])).sort();
    expect(cached(stateAfter(d.steps.length))).toEqual(pages);
    // One step before, the entry had one page in the cache.
    expect(cached(stateAfter(d.steps.length - 1)).length).toBe(1);
  });

  it("each step is the agent the schedule ran; the violating agent's stack holds the racing caller", () => {
    const r = loadRepro(repro);
    expect(d.steps.length).toBeGreaterThanOrEqual(r.schedule.replace(/[g-u]/g, "").length);
    const L = d.layout;
    for (const [i, s] of d.steps.entries()) {
      expect(s.agent).toBeLessThan(L.agents.length);
      if (!d.diverged && i < r.schedule.length && !/[g-u]/.test(r.schedule)) expect(s.agent).toBe(parseInt(r.schedule[i], 16));
    }
    // The violating agent's stack at the end holds the racing caller the KCSAN report names.
    const end = stateAfter(d.steps.length);
    const a = d.violation!.agent;
    const o = L.agentAt + a * L.agentWords;
    const stack = Array.from({ length: end[o + 3] }, (_, i) => PROC_NAMES[end[o + 4 + 2 * i]]);
    expect(stack).toContain("try_to_swap_out");
  });

  it("on the fixed kernel the same execution runs clean: no violation to mark, every step still shown", async () => {
    const r = loadRepro(repro);
    const fixed = resolveModel("linux-2.4.16");
    // Both flag words: a pre9 word 1 under 2.4.16's word 0 is no kernel (pcl-lru's lock ranks
    // beside 2.4.16's paths: a lock-order report).
    const clean = await stepperData({ ...r, model: fixed.name, flags: fixed.flags, flags2: fixed.flags2, flagNames: fixed.flagNames });
    expect(clean.violation).toBeUndefined();
    expect(clean.reproduced).toBe(false);
    expect(clean.steps.length).toBeGreaterThan(0);
    // Every CPU ran its ops to the end: each is done, its stack empty.
    const s = Int32Array.from(clean.initial);
    for (const st of clean.steps) for (let j = 0; j < st.delta.length; j += 2) s[st.delta[j]] = st.delta[j + 1];
    const L = clean.layout;
    for (let cpu = 0; cpu < r.machine.cpus; cpu++) {
      expect(AGENT_STATES[s[L.agentAt + cpu * L.agentWords]]).toBe("done");
      expect(s[L.agentAt + cpu * L.agentWords + 3]).toBe(0);
    }
  });

  it("a repro whose schedule ends before its execution says so on its page; the hunt's does not", async () => {
    const r = loadRepro(repro);
    const whole = await reproPage(r, repro);
    expect(whole.body).not.toContain("The recorded schedule ends at step");
    const steps = decodeSchedule(r.schedule);
    const cut = steps.length >> 1;
    const schedule = encodeSchedule(steps.slice(0, cut));
    const short = await reproPage({ ...r, schedule }, repro);
    const filled = (await replayTraced({ ...r, schedule })).filled;
    expect(filled?.from).toBe(cut);
    expect(short.body).toContain(
      `The recorded schedule ends at step ${cut}, before the execution did: steps ${cut}-${cut + filled!.steps - 1} were filled`,
    );
  });

  it("stays small: a step keeps only the words it changed", () => {
    const words = d.steps.reduce((n, s) => n + s.delta.length, 0);
    expect(words / d.steps.length).toBeLessThan(40);
    expect(JSON.stringify(d).length).toBeLessThan(200 * d.steps.length + 20 * d.initial.length);
  });
});

describe("faultsim report", () => {
  it("tells a series, a stream and a repro apart; anything else is one clear line", () => {
    expect(kindOf(readFileSync(csv, "utf8"), csv)).toBe("run");
    expect(kindOf(readFileSync(jsonl, "utf8"), jsonl)).toBe("run");
    expect(kindOf(readFileSync(stream, "utf8"), stream)).toBe("hunt");
    expect(kindOf(readFileSync(repro, "utf8"), repro)).toBe("repro");
    expect(() => kindOf("hello\n", "x.txt")).toThrow(/^x\.txt: not a result faultsim reports on/);
    // A repro cut short is named as one (it was "not a result faultsim reports on").
    const text = readFileSync(repro, "utf8");
    expect(() => kindOf(text.slice(0, -5), "cut.json")).toThrow(
      /^cut\.json: a repro file that is not valid JSON \(truncated or corrupt\)$/,
    );
    expect(() => kindOf("{", "brace.json")).toThrow(/^brace\.json: not a result faultsim reports on/);
  });

  it("writes one self-contained page per kind: nothing loaded from elsewhere", async () => {
    for (const [args, out] of [
      [[csv], "run.html"],
      [[csv, jsonl], "ab.html"],
      [[stream], "hunt.html"],
      [[repro], "repro.html"],
    ] as const) {
      const file = path.join(dir, out);
      expect(await faultsim("report", ...args, "--out", file)).toBe(0);
      expect(io.out).toContain(`report: ${file}`);
      const html = readFileSync(file, "utf8");
      expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b|@import|url\(/i);
      expect(html).toContain("uPlot");
      const data = pageData(html);
      if (out === "repro.html") expect(data.stepper?.steps.length).toBeGreaterThan(0);
      else expect(data.plots.length).toBeGreaterThan(0);
    }
    // No temporary file is left beside the pages.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a repro's page is the same byte for byte from the Wasm model and its JavaScript twin", async () => {
    const pages = ["wasm", "js"].map((b) => path.join(dir, `twin-${b}.html`));
    for (const [i, b] of ["wasm", "js"].entries()) expect(await faultsim("report", repro, "--backend", b, "--out", pages[i])).toBe(0);
    expect(readFileSync(pages[1], "utf8")).toBe(readFileSync(pages[0], "utf8"));
  });

  it("never overwrites a file; bad input, a wrong pair and a bad --out are one line and exit 2", async () => {
    const taken = path.join(dir, "taken.html");
    writeFileSync(taken, "mine");
    expect(await faultsim("report", csv, "--out", taken)).toBe(2);
    expect(io.err).toMatch(/^faultsim: --out .*taken\.html exists: remove it or name another file\n$/);
    expect(readFileSync(taken, "utf8")).toBe("mine");
    // No --out: the page's default name is taken; the message names no option the user did
    // not give (the command passes writeNewFile whether --out was given).
    expect(() => writeNewFile(taken, "x", false)).toThrow(
      new UsageError(`${taken} (the page's default name) exists: remove it or name another file with --out`),
    );
    expect(readFileSync(taken, "utf8")).toBe("mine");
    io.err = "";
    const junk = path.join(dir, "junk.csv");
    writeFileSync(junk, "a,b\n1,2\n");
    for (const args of [[junk], [csv, stream], [path.join(dir, "missing.csv")], [csv, "--out", path.join(dir, "x.txt")], [dir]]) {
      io.err = "";
      expect(await faultsim("report", ...args)).toBe(2);
      expect(io.err.split("\n").length).toBe(2);
      expect(io.err).not.toMatch(/\bat .*\.ts:\d+/);
    }
    expect(statSync(taken).size).toBe(4);
  });
});
