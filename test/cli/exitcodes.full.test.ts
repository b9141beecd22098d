// The exit-code contract of the built command line (0 nothing found, 1 a violation, 2 bad usage
// or input, 3 our bug), where it used to break: a closed or full stdout, bad repro files, files
// that are not files, escape codes from a file, and the smaller option gaps.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/cli.js");
const trace = /\bat .*\.js:\d+|node:events|Unhandled 'error'/;

function faultsim(args: string[], stdout: "pipe" | number = "pipe", timeout = 60000) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", timeout, stdio: ["ignore", stdout, "pipe"] });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr };
}

/** Runs the CLI with its stdout a pipe whose reading end is closed at once (`| true`). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Runs the CLI with stdout on /dev/full (every write is ENOSPC). */
function toFullDisk(args: string[]) {
  const fd = openSync("/dev/full", "w");
  try {
    return faultsim(args, fd);
  } finally {
    closeSync(fd);
  }
}

const small = ["--cpus", "2", "--mms", "2", "--pages", "64", "--frames", "48", "--areas", "1", "--slots", "128"];
// A run that finds a violation in a moment (the swap-cache duplicate of 2.4.10-pre, at step 87,178;
// 57,123 before pre9's add-before-pcl, pcl-lru, walk past init_mm ending its section and
// swap_out counter read before mmlist_lock, 6 Dec 2026).
const violating = [
  "run",
  "--model",
  "linux-2.4.10-pre",
  "--seed",
  "3",
  "--cpus",
  "4",
  "--mms",
  "1",
  "--threads",
  "--pages",
  "32",
  "--frames",
  "24",
  "--areas",
  "1",
  "--slots",
  "16",
  "--ops",
  "200000",
  "--check-interval",
  "1000",
];

let dir: string;
let repro: string;
let reproJson: Record<string, unknown>;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build the CLI first: npm run build");
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-exit-"));
  const r = faultsim(["hunt", "--out", dir, "--json", "--budget-ms", "20000"]);
  expect(r.code).toBe(1);
  repro = path.join(dir, readdirSync(dir).find((f) => f.endsWith(".json"))!);
  reproJson = JSON.parse(readFileSync(repro, "utf8"));
}, 60000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const edited = (name: string, change: (r: Record<string, unknown>) => unknown): string => {
  const file = path.join(dir, name);
  const out = change(structuredClone(reproJson));
  writeFileSync(file, typeof out === "string" ? out : JSON.stringify(out));
  return file;
};

describe("a closed stdout ends quietly (EPIPE)", () => {
  it.each([
    ["run", ["run", ...small, "--ops", "1000"]],
    ["run --json", ["run", ...small, "--ops", "1000", "--json"]],
    ["models", ["models"]],
    ["models --json", ["models", "--json"]],
    ["--help", ["--help"]],
  ])("%s: exit 0, nothing on stderr", async (_what, args) => {
    const r = await withClosedStdout(args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("hunt that finds nothing: exit 0, nothing on stderr", async () => {
    const r = await withClosedStdout(["hunt", "--model", "linux-2.4.16", "--executions", "2000", "--out", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("replay: the command's own code (1: reproduced), nothing on stderr", async () => {
    const r = await withClosedStdout(["replay", repro]);
    expect(r.stderr).not.toMatch(trace);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.code).toBe(1);
  });
});

describe("a full disk is one line and exit 2, or 1 when a violation was found", () => {
  it.each([
    ["run", ["run", ...small, "--ops", "1000"]],
    ["models", ["models"]],
    ["models --json", ["models", "--json"]],
  ])("%s > /dev/full: exit 2, one line", (_what, args) => {
    const r = toFullDisk(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual(["faultsim: cannot write the output: ENOSPC (no space left on device)"]);
  });

  it("hunt > /dev/full that finds nothing: exit 2, one line", () => {
    const r = toFullDisk(["hunt", "--model", "linux-2.4.16", "--executions", "2000", "--out", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual(["faultsim: cannot write the output: ENOSPC (no space left on device)"]);
  });

  it("replay > /dev/full of a repro that reproduces: exit 1, one line", () => {
    const r = toFullDisk(["replay", repro]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("faultsim: cannot write the output: ENOSPC");
    expect(r.stderr).not.toMatch(trace);
  });

  it("run > /dev/full that finds a violation: exit 1, the violation and its reproducing command on stderr", () => {
    const r = toFullDisk(violating);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^faultsim: cannot write the output: ENOSPC/);
    expect(r.stderr).toMatch(/VIOLATION swapcache-unique/);
    expect(r.stderr).toMatch(/reproduce with: faultsim run --model linux-2\.4\.10-pre --seed 3 /);
    expect(r.stderr).not.toMatch(trace);
  });
});

describe("every bad repro is exit 2 with one line", () => {
  const ops = () => reproJson.ops as number[][];
  it.each([
    [
      "33 ops on one CPU",
      () => edited("ops33.json", (r) => ({ ...r, ops: [Array(33).fill(ops()[0][0]), ...ops().slice(1)] })),
      /ops\.0: more than 32 ops/,
    ],
    ["a 16385-step schedule", () => edited("log.json", (r) => ({ ...r, schedule: "0".repeat(16385) })), /schedule/],
    [
      "a 16M-frame machine",
      () => edited("huge.json", (r) => ({ ...r, machine: { ...(r.machine as object), frames: 1 << 24, mms: 64, pagesPerMm: 65536 } })),
      /machine\.frames/,
    ],
    [
      "64 mms of 64K pages",
      () => edited("mms.json", (r) => ({ ...r, machine: { ...(r.machine as object), mms: 64, pagesPerMm: 65536 } })),
      /machine\.(mms|pagesPerMm)/,
    ],
    [
      "formatVersion as a string",
      () => edited("fv.json", (r) => ({ ...r, formatVersion: "1" })),
      /formatVersion must be a number \(this faultsim reads 1\); got the string "1"/,
    ],
    ["an unknown model", () => edited("model.json", (r) => ({ ...r, model: "linux-9.9" })), /model: unknown model 'linux-9\.9'/],
    [
      "flags that disagree with flagNames",
      () => edited("flags.json", (r) => ({ ...r, flagNames: (r.flagNames as string[]).slice(1) })),
      /flags: flag word \d+ (\(flags2 \d+\) )?does not agree with flagNames/,
    ],
    [
      "a flag name that is unknown",
      () => edited("flagname.json", (r) => ({ ...r, flagNames: [...(r.flagNames as string[]), "no-such-flag"] })),
      /unknown flag 'no-such-flag'/,
    ],
    ["a file that is not UTF-8", () => edited("latin1.json", () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1")), /not valid/],
    ["a file above the size limit", () => edited("big.json", () => " ".repeat((1 << 20) + 1)), /larger than 1 MiB/],
  ])("%s", (_what, make, msg) => {
    const t0 = Date.now();
    const r = faultsim(["replay", make()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
    expect(Date.now() - t0).toBeLessThan(15000);
  });

  it("a BOM at the start is accepted", () => {
    const r = faultsim(["replay", edited("bom.json", (r) => "\ufeff" + JSON.stringify(r))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/reproduced: /);
  });
});

describe("replay reads regular files only", () => {
  it("a FIFO is refused at once, not waited on", () => {
    const fifo = path.join(dir, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const r = faultsim(["replay", fifo], "pipe", 10000);
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toMatch(/fifo: is a FIFO, not a repro file/);
  });
  it.each([
    ["/dev/zero", /is a device/],
    ["/tmp", /is a directory/],
  ])("%s is refused at once", (file, msg) => {
    const r = faultsim(["replay", file], "pipe", 10000);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });
});

describe("text from a repro file reaches the terminal with its escapes neutralised", () => {
  it("signature and message", () => {
    const file = edited("esc.json", (r) => ({
      ...r,
      signature: "\u001b]0;owned\u0007\u001b[2J" + String(r.signature) + "\u202e",
      violation: { ...(r.violation as object), message: "\u001b[31mred\u009b" },
    }));
    for (const args of [
      ["replay", file],
      ["replay", file, "--json"],
    ]) {
      const r = faultsim(args);
      expect([0, 1]).toContain(r.code);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
    expect(faultsim(["replay", file]).stdout).toContain("\\x1b]0;owned\\x07\\x1b[2J");
  });
  it("in an error message", () => {
    const r = faultsim(["replay", edited("escmodel.json", (r) => ({ ...r, model: "\u001b[2Jevil" }))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown model '\\x1b[2Jevil'");
    expect(r.stderr).not.toContain("\u001b");
  });
});

describe("the smaller gaps", () => {
  it.each([
    ["an empty --write-ratio", ["run", "--write-ratio", ""], /--write-ratio must be a decimal number between 0 and 1, got ''/],
    ["a hex --seed", ["run", "--seed", "0x10"], /--seed must be a decimal integer .*no hex, octal or binary.*'0x10'/],
    ["a binary --ops", ["run", "--ops", "0b101"], /--ops must be a decimal integer/],
    ["an octal --cpus", ["run", "--cpus", "0o3"], /--cpus must be a decimal integer/],
    ["a hex rate", ["run", "--fork-rate", "0x0"], /--fork-rate must be a decimal number/],
    ["Infinity", ["run", "--ops", "Infinity"], /--ops must be a decimal integer/],
    [
      "--with X --without X (run)",
      ["run", "--with", "early-dup", "--without", "early-dup"],
      /--with early-dup and --without early-dup contradict each other/,
    ],
    [
      "--with X --without X (hunt)",
      ["hunt", "--with", "early-dup", "--without", "early-dup"],
      /--with early-dup and --without early-dup contradict each other/,
    ],
    [
      "a machine between 2 and 4 GiB",
      ["run", "--areas", "16", "--slots", "16000000"],
      /2\.5 GiB of model memory, more than the model's 2 GiB/,
    ],
    [
      "a machine above 4 GiB",
      ["run", "--areas", "32", "--slots", "16000000", "--pages", "65536", "--mms", "60"],
      /more than the model's 2 GiB/,
    ],
  ])("%s: exit 2, one line", (_what, args, msg) => {
    const r = faultsim(args);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
    expect(lines[0]).not.toMatch(/4 GiB|does not fit in memory.*does not fit in memory/);
  });

  it("--seed 4294967295 is echoed as 4294967295", () => {
    const text = faultsim(["run", ...small, "--ops", "500", "--seed", "4294967295"]);
    expect(text.stdout).toMatch(/^seed\s+4294967295,/m);
    const json = JSON.parse(faultsim(["run", ...small, "--ops", "500", "--seed", "4294967295", "--json"]).stdout);
    expect(json.seed).toBe(4294967295);
  });
});
