// `faultsim merge` and `hunt --resume` read a hunt's --jsonl stream: a path that is not a regular
// file is the user's mistake (one line, exit 2), not an internal error. A directory opens on
// Linux and only fails on read (EISDIR), which used to reach the user as exit 3; a FIFO with no
// writer must be refused, not waited on.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { readStream } from "../../src/explore/campaign-stream.js";
import { InputError } from "../../src/errors.js";

const dir = mkdtempSync(path.join(tmpdir(), "faultsim-stream-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  // hunt and merge report a finding through process.exitCode, as under src/bin.ts.
  process.exitCode = undefined;
  try {
    const code = await main(["node", "faultsim", ...args]);
    return { code: code || Number(process.exitCode ?? 0), err };
  } finally {
    process.exitCode = undefined;
    spy.mockRestore();
  }
}

describe("a hunt stream path that is not a regular file", () => {
  it("a directory is an InputError naming it", () => {
    expect(() => readStream(dir)).toThrow(InputError);
    expect(() => readStream(dir)).toThrow(/is a directory, not a hunt event stream/);
  });

  it("a FIFO with no writer is refused at once", () => {
    const fifo = path.join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(() => readStream(fifo)).toThrow(/is not a regular file, not a hunt event stream/);
  });

  for (const args of [["merge"], ["hunt", "--resume"]]) {
    it(`faultsim ${args.join(" ")} DIR: one line on stderr, exit 2`, async () => {
      const { code, err } = await cli([...args, dir]);
      expect(code).toBe(2);
      expect(err.trimEnd().split("\n")).toHaveLength(1);
      expect(err).toContain("is a directory");
      expect(err).not.toContain("internal error");
    });
  }
});

describe("a hunt stream that merge and --resume must not fold", () => {
  // A real stream of a campaign that ended at its first finding (pre9's default hunt finds the
  // 14 Sep race at execution 45,456 since the 6 Dec audit's splits, 17,061 before them).
  const stream = path.join(dir, "ended.jsonl");
  const out = path.join(dir, "out");
  const made = (async () => {
    mkdirSync(out);
    const { code } = await cli(["hunt", "--executions", "50000", "--jsonl", stream, "--out", out, "--shrink-ms", "0"]);
    expect(code).toBe(1);
  })();

  it("another schemaVersion is refused by merge and by --resume alike (report refuses it too): one line, exit 2", async () => {
    await made;
    const newer = path.join(dir, "newer.jsonl");
    writeFileSync(newer, readFileSync(stream, "utf8").replaceAll('"schemaVersion":1,', '"schemaVersion":99,'));
    const before = readFileSync(newer);
    for (const args of [["merge"], ["hunt", "--resume"]]) {
      const { code, err } = await cli([...args, newer]);
      expect(code).toBe(2);
      expect(err.trimEnd().split("\n")).toHaveLength(1);
      expect(err).toContain("schemaVersion 99, this faultsim reads 1");
    }
    expect(readFileSync(newer).equals(before)).toBe(true);
  });

  // An edited finding line: merge replays a deferred finding from its repro and --resume
  // reports it; either met a null repro or a missing schedule as an internal error (exit 3).
  it.each([
    ["a null repro", (f: Record<string, any>) => (f.repro = null), "repro: "],
    ["no schedule", (f: Record<string, any>) => delete f.repro.schedule, "repro.schedule: "],
    ["a negative execution", (f: Record<string, any>) => (f.execution = -5), "execution: "],
    ["a schedule naming agent 9", (f: Record<string, any>) => (f.repro.schedule = `9${f.repro.schedule.slice(1)}`), "agent 9"],
  ])("a finding with %s is refused by merge and by --resume: one line, exit 2, the file kept", async (what, edit, says) => {
    await made;
    const bad = path.join(dir, `bad-${what.replaceAll(" ", "-")}.jsonl`);
    const lines = readFileSync(stream, "utf8").trimEnd().split("\n");
    const at = lines.findIndex((l) => JSON.parse(l).event === "finding");
    expect(at).toBeGreaterThan(0);
    const f = JSON.parse(lines[at]);
    edit(f);
    lines[at] = JSON.stringify(f);
    writeFileSync(bad, `${lines.join("\n")}\n`);
    const before = readFileSync(bad);
    for (const args of [["merge"], ["hunt", "--resume"]]) {
      const { code, err } = await cli([...args, bad]);
      expect(code, `${args.join(" ")}: ${err}`).toBe(2);
      expect(err.trimEnd().split("\n")).toHaveLength(1);
      expect(err).toContain(`line ${at + 1}: a malformed finding (`);
      expect(err).toContain(says);
    }
    expect(readFileSync(bad).equals(before)).toBe(true);
  });

  it("--resume of a campaign that ended by itself runs nothing and appends nothing; its exit code is the campaign's", async () => {
    await made;
    const copy = path.join(dir, "ended-copy.jsonl");
    copyFileSync(stream, copy);
    const before = readFileSync(copy);
    const { code, err } = await cli(["hunt", "--resume", copy]);
    expect(code).toBe(1);
    expect(err).toMatch(/the campaign ended by itself \(\d+ executions, 1 signature\): nothing is left to resume/);
    expect(readFileSync(copy).equals(before)).toBe(true);
    // Its first finding ended it: even a new budget leaves nothing to run.
    expect((await cli(["hunt", "--resume", copy, "--budget-ms", "200"])).code).toBe(1);
    expect(readFileSync(copy).equals(before)).toBe(true);
  });
});
