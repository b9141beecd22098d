// `faultsim hunt` and `faultsim replay` through the command line's main(): exit codes, one-line
// errors, JSON output, and linux-2.4.16 (the shipped fix) finding nothing in a stated budget.
import { HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cliCapture } from "../helpers/cli.js";
import { modelId } from "../../src/report/version.js";

const { io, faultsim } = cliCapture();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-hunt-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hunt: bad usage exits 2 with one line on stderr", () => {
  it.each([
    ["an unknown model", ["--model", "linux-9.9"], /unknown model/],
    ["an unknown flag", ["--with", "no-such-flag"], /unknown flag/],
    ["an unknown scheduler", ["--sched", "fifo"], /fifo/],
    ["a PCT depth of 0", ["--depth", "0"], /--depth/],
    ["a budget that is not a number", ["--budget-ms", "soon"], /--budget-ms/],
    ["too many ops per CPU", ["--ops", "1000"], /--ops/],
    ["a write ratio above 1", ["--write-ratio", "2"], /--write-ratio/],
    ["no worker threads", ["--workers", "0"], /--workers/],
    ["a fractional number of workers", ["--workers", "1.5"], /--workers/],
    ["an empty write ratio", ["--write-ratio", ""], /--write-ratio must be a decimal number/],
    ["a hex number", ["--cpus", "0x3"], /--cpus must be a decimal integer/],
    ["a flag both added and removed", ["--with", "early-dup", "--without", "early-dup"], /early-dup/],
  ])("%s", async (_what, args, msg) => {
    expect(await faultsim("hunt", ...args, "--out", dir)).toBe(2);
    expect(io.err.trimEnd().split("\n")).toHaveLength(1);
    expect(io.err).toMatch(msg);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("hunt --seed", () => {
  it("echoes an unsigned 32-bit seed as written, and hunts it as the same 32-bit value", async () => {
    const run = async (seed: string) => {
      io.out = "";
      expect(await faultsim("hunt", "--seed", seed, "--model", "linux-2.4.16", "--executions", "300", "--json", "--out", dir)).toBe(0);
      return JSON.parse(io.out);
    };
    const big = await run("4294967295");
    const minus = await run("-1");
    expect(JSON.stringify(big)).toContain("4294967295");
    expect(big.steps).toBe(minus.steps); // the same executions
  }, 30000);
});

describe("hunt on linux-2.4.16", () => {
  // The shipped fix: 10,000 executions of the default hunt find nothing, under PCT and under
  // the random walk, which finds 2.4.10-pre's race in a median of about 1,250 executions
  // (20 seeds, bench/hunt-figures.ts first; 1,000,000 in the full tier:
  // test/explore/fixes.full.test.ts).
  it("finds nothing in 10,000 executions and reports rates and the PCT bound", async () => {
    const code = await faultsim(
      "hunt",
      "--model",
      "linux-2.4.16",
      "--sched",
      "pct",
      "--executions",
      "10000",
      "--budget-ms",
      "60000",
      "--seed",
      "11",
      "--json",
      "--out",
      dir,
    );
    const r = JSON.parse(io.out);
    expect(r.signatures).toEqual([]);
    expect(code).toBe(0);
    expect(r.modelId).toBe(modelId() ?? null);
    expect(r.executions).toBe(10000);
    expect(r.steps).toBeGreaterThan(r.executions);
    expect(r.executionsPerSec).toBeGreaterThan(0);
    expect(r.stepsPerSec).toBeGreaterThan(r.executionsPerSec);
    // PCT's k is the mean number of scheduling decisions: at most the most any execution
    // had, and below the mean steps (not every step is a decision).
    expect(r.pct.depth).toBe(HUNT_DEFAULTS.depth);
    expect(r.pct.k).toBeLessThanOrEqual(r.pct.maxDecisions);
    expect(r.pct.k).toBeLessThan(r.steps / r.executions);
    expect(r.pct.n).toBeGreaterThanOrEqual(2);
    expect(r.pct.perExecution).toBeCloseTo(1 / (r.pct.orders * r.pct.k ** (r.pct.depth - 1)), 15);
    expect(readdirSync(dir)).toEqual([]);
  }, 60000);

  it("finds nothing with the random walk either, and prints a text summary (no PCT bound)", async () => {
    const code = await faultsim(
      "hunt",
      "--model",
      "linux-2.4.16",
      "--sched",
      "random",
      "--executions",
      "10000",
      "--budget-ms",
      "60000",
      "--out",
      dir,
    );
    expect(code).toBe(0);
    expect(io.out).toMatch(/executions 10,000 in [\d.]+ s: .*\/s; steps [\d,]+: .*\/s/);
    expect(io.out).toContain("distinct signatures: 0");
    expect(io.out).not.toContain("PCT guarantee");
  });
});

describe("hunt --workers", () => {
  it("hunts on worker threads: finds 2.4.10-pre's duplicate, says so in the JSON, writes the repro", async () => {
    const code = await faultsim(
      "hunt",
      "--workers",
      "2",
      "--executions",
      "200000",
      "--budget-ms",
      "60000",
      "--shrink-ms",
      "0",
      "--json",
      "--out",
      dir,
    );
    const r = JSON.parse(io.out);
    expect(code).toBe(1);
    expect(r.workers).toBe(2);
    expect(r.signatures).toEqual(["swapcache-unique@add_to_swap_cache"]);
    expect(readdirSync(dir)).toEqual([path.basename(r.findings[0].file)]);
  }, 60000);
});
