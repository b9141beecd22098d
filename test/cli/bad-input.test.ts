// Bad input found by using the command line as a new user would: each case is refused with
// one line on stderr and exit 2 (README, "Exit codes"), where it was taken silently before.
import { afterAll, describe, it, expect } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync, spawnSync } from "node:child_process";
import { cliCapture } from "../helpers/cli.js";
import { BUILD_WASM, compileBuild } from "../../src/wasm/engine.js";
import { UsageError } from "../../src/errors.js";

const { io, faultsim } = cliCapture();

/** Runs faultsim, expects exit 2 and one line on stderr, and returns that line. */
async function refused(...args: string[]): Promise<string> {
  io.out = "";
  io.err = "";
  expect(await faultsim(...args), args.join(" ")).toBe(2);
  const lines = io.err.trimEnd().split("\n");
  expect(lines, args.join(" ")).toHaveLength(1);
  expect(io.out).toBe("");
  return lines[0];
}

describe("a newline in what the user gave", () => {
  it.each([["hunt"], ["run"]])("%s --model with a newline: one line, the name's newline shown, the known models named", async (cmd) => {
    const line = await refused(cmd, "--model", "x\ny");
    expect(line).toMatch(/^faultsim: unknown model 'x\\x0ay' \(known: linux-2\.4\.0, /);
  });
});

describe("faultsim races: the options of --check without it", () => {
  it.each([
    ["--budget-executions", "x"],
    ["--budget-ms", "-1"],
    ["--fixed-executions", "0"],
    ["--other-budget-ms", "5"],
    ["--seed", "x"],
    ["--only", "pte-same"],
  ])("%s %s is refused (it went unread, exit 0)", async (opt, value) => {
    expect(await refused("races", opt, value)).toBe(`faultsim: races: ${opt} needs --check`);
  });

  it("the catalogue alone still prints, and with --json", async () => {
    expect(await faultsim("races")).toBe(0);
    expect(io.out).toContain("dup-14sep");
    io.out = "";
    expect(await faultsim("races", "--json")).toBe(0);
    expect(JSON.parse(io.out).command).toBe("races");
  });
});

describe("faultsim hunt --mix: a kind given twice", () => {
  it.each([["read=1,read=2"], ["write=4,read=2,write=1"], ["mprotect=1,wprotect=1,read=1"]])(
    "--mix %s is refused (the last rate was kept without a word)",
    async (mix) => {
      expect(await refused("hunt", "--mix", mix, "--executions", "1")).toMatch(/^faultsim: --mix: \w+ is given twice$/);
    },
  );

  it("each kind once is taken", async () => {
    expect(await faultsim("hunt", "--mix", "read=1,write=2,mprotect=1", "--executions", "10", "--json")).toBe(0);
    expect(JSON.parse(io.out).executions).toBe(10);
  });
});

describe("faultsim run: an option that qualifies one left out", () => {
  it.each([
    [["--trace-format", "csv"], "--trace-format needs --trace"],
    [["--interval", "100"], "--interval needs --series"],
    [["--series-format", "jsonl"], "--series-format needs --series"],
    [["--trace-format", "csv", "--reclaim", "lru"], "--trace-format needs --trace"],
  ])("%j is refused (it was dropped and the run went on)", async (args, line) => {
    expect(await refused("run", "--ops", "100", ...args)).toBe(`faultsim: ${line}`);
  });

  it("their defaults alone do not count: the run goes on", async () => {
    expect(await faultsim("run", "--ops", "100", "--json")).toBe(0);
    expect(JSON.parse(io.out).ops).toBe(100);
  });
});

describe("faultsim run --full-check", () => {
  it("is refused with a textbook policy, which has no deep checks", async () => {
    expect(await refused("run", "--ops", "100", "--full-check", "--reclaim", "fifo")).toBe(
      "faultsim: --full-check does not apply to --reclaim fifo: a policy run has no deep invariant checks",
    );
  });

  it("reports what the touched checks report (a run of 2.4.10-pre that breaks)", async () => {
    // 2.4.10-pre without do_swap_page's pte_same recheck miscounts a slot on this small machine
    // (test/invariants/touched.test.ts holds the two modes to each other state by state). With
    // seed 14 the checker sees the freed slot from both sides at the check of step 4,000 (a
    // swap-cache page and a swap pte still keyed by it) and finds them again once the ops open
    // then have ended (src/bulk/run.ts: a suspect is reported after two such closings). Until
    // 6 Dec 2026, when one recheck 256 steps on confirmed a suspect, seed 4 did; it now ends
    // at the model's own report of that slot's free in swap_free, 366 steps on.
    const args = ["run", "--model", "linux-2.4.10-pre", "--without", "pte-same-recheck", "--threads", "--cpus", "3", "--mms", "1"];
    const seed = ["--seed", "14"];
    const more = ["--pages", "48", "--frames", "32", "--slots", "128", "--ops", "20000", "--check-interval", "2000", "--json"];
    const out: Record<string, unknown>[] = [];
    for (const extra of [[], ["--full-check"]]) {
      io.out = "";
      await faultsim(...args, ...seed, ...more, ...extra);
      out.push(JSON.parse(io.out));
    }
    const [touched, whole] = out;
    expect(touched.violations).toMatchObject([
      { source: "checker", invariant: "free-slot", step: 4000 },
      { source: "checker", invariant: "free-slot", step: 4000 },
    ]);
    expect(whole.violations).toEqual(touched.violations);
    expect(whole.checks).toBe(touched.checks);
    expect([touched.checkMode, whole.checkMode]).toEqual(["touched", "whole"]);
    expect(whole.stateHash).toBe(touched.stateHash);
  });
});

describe("faultsim hunt: an option the chosen search does not read", () => {
  it.each([
    [["--mix", "all", "--write-ratio", "0.2"], "--write-ratio splits the ops without --mix: give read= and write= rates in the mix"],
    [["--sched", "random", "--depth", "3"], "--depth is PCT's bug depth: --sched random has none"],
    [["--sched", "exhaustive", "--depth", "3"], "--depth is PCT's bug depth: --sched exhaustive has none"],
  ])("%j is refused (it was dropped and the hunt went on)", async (args, line) => {
    expect(await refused("hunt", "--executions", "10", ...args)).toBe(`faultsim: ${line}`);
  });

  it.each([
    [["--swarm"], "--swarm: --sched exhaustive searches the one machine of the shape options"],
    [["--keep-going"], "--keep-going: --sched exhaustive stops at its first violation (the fewest preemptions)"],
    [
      ["--executions", "10"],
      "--executions: --sched exhaustive runs every schedule up to --preemptions, not executions (--budget-ms bounds it)",
    ],
    [["--shrink-ms", "100"], "--shrink-ms: --sched exhaustive does not shrink: its violation has the fewest preemptions already"],
  ])("--sched exhaustive %j is refused (the search ran without it, exit 0)", async (args, line) => {
    expect(await refused("hunt", "--sched", "exhaustive", "--preemptions", "0", ...args)).toBe(`faultsim: ${line}`);
  });

  it("--sched exhaustive with --no-swarm (its one machine anyway) runs", async () => {
    io.out = "";
    const code = await faultsim("hunt", "--sched", "exhaustive", "--model", "linux-2.4.16", "--preemptions", "0", "--no-swarm", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(io.out).sched).toBe("exhaustive");
  });

  it("with the search that reads them, or left at their defaults, they are taken", async () => {
    for (const args of [
      ["--write-ratio", "0.2"],
      ["--depth", "3"],
      ["--sched", "random", "--mix", "all"],
    ]) {
      io.out = "";
      expect(await faultsim("hunt", "--model", "linux-2.4.16", "--executions", "10", "--json", ...args), args.join(" ")).toBe(0);
      expect(JSON.parse(io.out).executions).toBe(10);
    }
  });
});

describe("faultsim help", () => {
  it("of an unknown command: one line, exit 2 (it printed the whole help on stderr)", async () => {
    expect(await refused("help", "nope")).toBe("faultsim: unknown command 'nope'");
  });

  it("of a command: its help on stdout, exit 0", async () => {
    expect(await faultsim("help", "hunt")).toBe(0);
    expect(io.out).toMatch(/^Usage: faultsim hunt \[options\]/);
    expect(io.err).toBe("");
  });
});

describe("faultsim hunt / run: --with / --without naming no flag", () => {
  it.each([
    ["hunt", "--with", ""],
    ["hunt", "--with", ","],
    ["hunt", "--without", " "],
    ["run", "--with", ""],
    ["run", "--without", ",,"],
  ])("%s %s '%s' is refused (it named no flag and the command ran as without it)", async (cmd, opt, value) => {
    const line = await refused(cmd, "--model", "linux-2.4.16", opt, value, ...(cmd === "hunt" ? ["--executions", "1"] : ["--ops", "10"]));
    expect(line).toBe(`faultsim: ${opt} '${value}': names nothing (give names separated by commas)`);
  });

  it("names separated by commas, spaces around them or not, are taken", async () => {
    expect(await faultsim("hunt", "--model", "linux-2.4.16", "--without", "unique-add, oom-recheck", "--executions", "1", "--json")).toBe(
      0,
    );
    const flags = JSON.parse(io.out).model.flags as string[];
    expect(flags).not.toContain("unique-add");
    expect(flags).not.toContain("oom-recheck");
  });
});

describe("a refused hunt or merge leaves nothing behind", () => {
  it("hunt --out NEW --jsonl EXISTING: refused before NEW is made (it was made, and left empty)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "faultsim-bad-"));
    try {
      const stream = path.join(dir, "campaign.jsonl");
      writeFileSync(stream, "precious\n");
      const out = path.join(dir, "repros");
      expect(await refused("hunt", "--executions", "1", "--out", out, "--jsonl", stream)).toBe(
        `faultsim: --jsonl ${stream}: the file exists (an event stream never overwrites one)`,
      );
      expect(await refused("hunt", "--executions", "1", "--out", out, "--jsonl", path.join(dir, "nodir", "x.jsonl"))).toMatch(
        /: cannot create it \(ENOENT\)$/,
      );
      expect(readdirSync(dir)).toEqual(["campaign.jsonl"]);
      expect(readFileSync(stream, "utf8")).toBe("precious\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("merge --out NEW of a stream it cannot read: refused before NEW is made (it was made, and left empty)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "faultsim-bad-"));
    try {
      const out = path.join(dir, "repros");
      expect(await refused("merge", "--out", out, path.join(dir, "nosuch.jsonl"))).toMatch(/nosuch\.jsonl: cannot read it \(ENOENT\)$/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("faultsim run --trace: the generated workload's options", () => {
  const walk = fileURLToPath(new URL("../fixtures/trace/walk.lackey", import.meta.url));
  it.each([
    ["--ops", "100"],
    ["--workload", "random"],
    ["--pattern", "uniform"],
    ["--write-ratio", "1"],
    ["--hot-fraction", "0.5"],
    ["--hot-probability", "0.5"],
    ["--fork-rate", "0.1"],
    ["--exit-rate", "0.1"],
    ["--munmap-rate", "0.1"],
    ["--swapoff-rate", "0.1"],
    ["--swapon-rate", "0.1"],
  ])("%s %s is refused (the trace's run ignored it: the same accesses, the same state hash)", async (opt, value) => {
    expect(await refused("run", "--trace", walk, opt, value)).toBe(
      `faultsim: ${opt} does not apply to --trace: the trace gives the accesses`,
    );
    expect(await refused("run", "--trace", walk, "--reclaim", "lru", opt, value)).toBe(
      `faultsim: ${opt} does not apply to --trace: the trace gives the accesses`,
    );
  });

  it("the trace alone runs, and so do the machine's options", async () => {
    io.out = "";
    expect(await faultsim("run", "--trace", walk, "--cpus", "2", "--json")).toBe(0);
    expect(JSON.parse(io.out).trace.records).toBe(1546);
  });
});

describe("found by a bad-input sweep (5 Dec 2026)", () => {
  it("no command: one line naming the commands (the whole help went to stderr)", async () => {
    expect(await refused()).toMatch(/^faultsim: a command is needed \(.*\bhunt\b.*\breplay\b.*\): faultsim --help describes them$/);
  });

  it("a repro whose watermarks are out of order (pages_min <= pages_low <= pages_high) is refused, not replayed as faultsim's bug", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "faultsim-bad-"));
    try {
      const fixture = fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-timed.repro.json", import.meta.url));
      const r = JSON.parse(readFileSync(fixture, "utf8"));
      for (const [m, field] of [
        [{ freeMin: 3, freeLow: 1, freeHigh: 3 }, "freeLow"],
        [{ freeMin: 1, freeLow: 2, freeHigh: 1 }, "freeHigh"],
      ] as const) {
        const file = path.join(dir, `${field}.json`);
        writeFileSync(file, JSON.stringify({ ...r, machine: { ...r.machine, ...m } }));
        expect(await refused("replay", file)).toMatch(new RegExp(`corrupt repro file: machine\\.${field}: \\d is below free`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an exhaustive op list with no op on any CPU (it searched nothing and said 'no violation', exit 0)", async () => {
    expect(await refused("hunt", "--sched", "exhaustive", "--op-list", "//")).toBe("faultsim: --op-list //: no CPU has an op");
  });

  it("a shard that the campaign's executions leave empty (it ran none and printed 'executions 0..-1', exit 0)", async () => {
    expect(await refused("hunt", "--executions", "3", "--shard", "0/4")).toBe(
      "faultsim: --shard 0/4: the campaign's 3 executions leave this part none (give at least 4)",
    );
    io.out = "";
    expect(await faultsim("hunt", "--executions", "3", "--shard", "3/4", "--json")).toBe(0);
    expect(JSON.parse(io.out).executions).toBe(1);
  });
});

describe("FAULTSIM_WASM naming no model build (it was reported as faultsim's bug, exit 3)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "faultsim-bad-wasm-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
  const notWasm = path.join(dir, "model.json");
  writeFileSync(notWasm, "{}\n");
  const noModel = path.join(dir, "empty.wasm");
  writeFileSync(noModel, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  const fixture = fileURLToPath(new URL("../fixtures/unuse-wrong-page-2416-timed.repro.json", import.meta.url));
  const fifo = path.join(dir, "fifo.wasm");
  execFileSync("mkfifo", [fifo]);
  const huge = path.join(dir, "huge.wasm"); // sparse: 65 MiB that take no disk
  writeFileSync(huge, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  truncateSync(huge, 65 * 2 ** 20);
  it.each([
    ["FAULTSIM_WASM", path.join(dir, "missing.wasm"), ["run", "--ops", "100"], "cannot read the model build (ENOENT)"],
    ["FAULTSIM_WASM", dir, ["hunt", "--executions", "10"], "is a directory, not a model build (only a regular file is read)"],
    ["FAULTSIM_WASM", notWasm, ["replay", fixture], "not a WebAssembly model build ("],
    ["FAULTSIM_WASM_UNTRACED", noModel, ["hunt", "--executions", "10"], "not a faultsim model build (it exports no init)"],
    // Not a regular file, or far larger than a build: refused before a byte is read (a device
    // was read until the memory ran out, a FIFO waited for a writer, both deaf to SIGTERM).
    ["FAULTSIM_WASM", "/dev/zero", ["run", "--ops", "100"], "is a device, not a model build (only a regular file is read)"],
    ["FAULTSIM_WASM", "/dev/zero", ["hunt", "--executions", "10"], "is a device, not a model build"],
    ["FAULTSIM_WASM", fifo, ["replay", fixture], "is a FIFO, not a model build"],
    ["FAULTSIM_WASM_UNTRACED", "/dev/zero", ["hunt", "--executions", "10"], "is a device, not a model build"],
    ["FAULTSIM_WASM", huge, ["run", "--ops", "100"], "larger than 64 MiB, not a model build (the shipped builds are under 1 MiB)"],
    // models reports the id of the build FAULTSIM_WASM names: it refuses one that is no build
    // as the others do (it exited 0 and reported on a build that is none).
    ["FAULTSIM_WASM", notWasm, ["models"], "not a WebAssembly model build ("],
    ["FAULTSIM_WASM", noModel, ["models", "--json"], "not a faultsim model build (it exports no init)"],
  ])("%s=%s: %j is one line, exit 2", (name, value, args, says) => {
    // A time bound of its own: the reads of a device or a FIFO did not end.
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, [name]: value }, timeout: 20_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.startsWith(`faultsim: ${name}=${value}: ${says}`), r.stderr).toBe(true);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });
  // --backend js runs the JS twin, built with build/ (README): neither variable is read, so a
  // bad private build refuses none of its commands (run refused, hunt with --workers too, as
  // they planned or handed out FAULTSIM_WASM's build; hunt and replay ran).
  it.each([
    [["run", "--backend", "js", "--ops", "100"]],
    [["hunt", "--backend", "js", "--executions", "10"]],
    [["hunt", "--backend", "js", "--executions", "40", "--workers", "2"]],
    [["replay", "--backend", "js", fixture]],
  ])("--backend js: %j runs whatever FAULTSIM_WASM and FAULTSIM_WASM_UNTRACED name", (args) => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      encoding: "utf8",
      env: { ...process.env, FAULTSIM_WASM: notWasm, FAULTSIM_WASM_UNTRACED: noModel },
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/FAULTSIM_WASM/);
    expect(r.status, r.stderr).toBe(args[0] === "replay" ? 1 : 0);
  });

  it("models with a private build that has no id file says so, naming that file (not build/'s)", () => {
    const mine = path.join(dir, "mine.wasm");
    writeFileSync(mine, readFileSync(BUILD_WASM));
    const r = spawnSync(process.execPath, [cli, "models"], { encoding: "utf8", env: { ...process.env, FAULTSIM_WASM: mine } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      `model build unknown: FAULTSIM_WASM's build has no ${path.join(dir, "mine.model-id.json")} (\`node src/build/model-id.mjs ${mine}\` writes it)`,
    );
  });

  it("the unit: a private build that does not load is a UsageError; the shipped build compiles", () => {
    expect(() => compileBuild({ file: path.resolve(notWasm), variable: "FAULTSIM_WASM" })).toThrow(UsageError);
    expect(() => compileBuild({ file: "/dev/zero", variable: "FAULTSIM_WASM" })).toThrow(/is a device, not a model build/);
    expect(() => compileBuild({ file: fifo, variable: "FAULTSIM_WASM_UNTRACED" })).toThrow(/is a FIFO, not a model build/);
    expect(() => compileBuild({ file: huge, variable: "FAULTSIM_WASM" })).toThrow(/larger than 64 MiB/);
    expect(compileBuild({ file: BUILD_WASM })).toBeInstanceOf(WebAssembly.Module);
  });
});
