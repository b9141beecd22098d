// The writer's lock on a hunt's --jsonl stream (src/commands/stream-lock.ts) on a disk that
// cannot take it: a write of the lock's line that fails (ENOSPC, or a close that reports it) is
// bad input, one line and exit 2 like the stream's own failures to write, and the lock file
// this process created is removed: a full disk leaves no 0-byte FILE.lock behind (it was an
// uncaught error, exit 3, and an empty lock). vi.mock: this file runs isolated (vitest.config.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Set to a code to make the lock's write (or its close) fail with it, after writing `partial` bytes. */
const fail = vi.hoisted(() => ({ writeCode: "", closeCode: "", partial: 0, lockFds: new Set<number>() }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const err = (code: string) => Object.assign(new Error(`${code}: no space left on device, write`), { code });
  return {
    ...fs,
    // The lock is the one file opened "wx" whose name ends in .lock: only its fd fails.
    openSync: ((file: string, flags: unknown, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(file, flags, ...rest);
      if (flags === "wx" && String(file).endsWith(".lock")) fail.lockFds.add(fd);
      return fd;
    }) as typeof fs.openSync,
    writeSync: ((fd: number, buf: Uint8Array, ...rest: unknown[]) => {
      if (fail.writeCode && fail.lockFds.has(fd)) {
        if (fail.partial > 0) fs.writeSync(fd, buf.subarray(0, fail.partial));
        throw err(fail.writeCode);
      }
      return (fs.writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
    }) as typeof fs.writeSync,
    closeSync: ((fd: number) => {
      const lock = fail.lockFds.delete(fd);
      fs.closeSync(fd);
      if (lock && fail.closeCode) throw err(fail.closeCode);
    }) as typeof fs.closeSync,
  };
});

const { StreamLock } = await import("../../src/commands/stream-lock.js");
const { UsageError } = await import("../../src/errors.js");
const { cliCapture } = await import("../helpers/cli.js");

const { io, faultsim } = cliCapture();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-lock-write-"));
});
afterEach(() => {
  fail.writeCode = "";
  fail.closeCode = "";
  fail.partial = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe("StreamLock.acquire on a disk that cannot take the lock's line", () => {
  it.each([
    ["the write fails", () => void (fail.writeCode = "ENOSPC"), "ENOSPC"],
    ["a write fails after part of the line", () => ((fail.writeCode = "ENOSPC"), (fail.partial = 5)), "ENOSPC"],
    ["the close reports the failure (NFS)", () => void (fail.closeCode = "EIO"), "EIO"],
  ])("%s: a UsageError naming the lock, and no lock file left", (_what, arrange, code) => {
    arrange();
    const stream = path.join(dir, "s.jsonl");
    let thrown: unknown;
    try {
      StreamLock.acquire(stream, "--jsonl");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toBe(`--jsonl ${stream}: cannot write its lock ${stream}.lock (${code})`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("once the disk has room again the next writer takes the lock, and releases it", () => {
    const stream = path.join(dir, "s.jsonl");
    fail.writeCode = "ENOSPC";
    expect(() => StreamLock.acquire(stream, "--jsonl")).toThrow(UsageError);
    fail.writeCode = "";
    const lock = StreamLock.acquire(stream, "--jsonl");
    expect(readdirSync(dir)).toEqual(["s.jsonl.lock"]);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("faultsim hunt --jsonl: one line, exit 2 (it was exit 3), and neither lock nor stream nor repro directory left", async () => {
    fail.writeCode = "ENOSPC";
    const stream = path.join(dir, "s.jsonl");
    const code = await faultsim("hunt", "--model", "linux-2.4.16", "--executions", "10", "--jsonl", stream, "--out", path.join(dir, "out"));
    expect(code).toBe(2);
    expect(io.err).toBe(`faultsim: --jsonl ${stream}: cannot write its lock ${stream}.lock (ENOSPC)\n`);
    expect(io.out).toBe("");
    expect(readdirSync(dir)).toEqual([]);
  });
});
