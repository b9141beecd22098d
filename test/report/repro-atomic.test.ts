// Repro files are written atomically: a write that fails part way (a full disk) leaves no file
// at all, never a 0-byte or truncated repro that later "replays" as "not valid JSON".
import { describe, it, expect, vi, beforeEach, afterEach } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Set to a code to make writeSync / fsyncSync fail with it (after writing `partial` bytes). */
const fail = vi.hoisted(() => ({ writeCode: "", fsyncCode: "", partial: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const err = (code: string) => Object.assign(new Error(`${code}: no space left on device, write`), { code });
  return {
    ...fs,
    writeSync: ((fd: number, buf: Uint8Array, ...rest: unknown[]) => {
      if (fail.writeCode) {
        if (fail.partial > 0) fs.writeSync(fd, buf.subarray(0, fail.partial));
        throw err(fail.writeCode);
      }
      return (fs.writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
    }) as typeof fs.writeSync,
    fsyncSync: ((fd: number) => {
      if (fail.fsyncCode) throw err(fail.fsyncCode);
      return fs.fsyncSync(fd);
    }) as typeof fs.fsyncSync,
  };
});

const { writeRepro, REPRO_FORMAT, REPRO_FORMAT_VERSION } = await import("../../src/report/repro.js");
const { loadRepro } = await import("../../src/report/repro-schema.js");
const { HUNT_MACHINE } = await import("../../src/explore/machine.js");
const { makeOp, OP } = await import("../../src/wasm/abi.js");
type Repro = import("../../src/report/repro.js").Repro;

const sample = (): Repro => ({
  format: REPRO_FORMAT,
  formatVersion: REPRO_FORMAT_VERSION,
  faultsim: "0.1.0",
  model: "linux-2.4.10-pre",
  flags: 0b10101,
  flagNames: ["bkl-swapin", "swap-full-delete", "pte-same-recheck"],
  machine: { ...HUNT_MACHINE, cpus: 2 },
  sched: { kind: "pct", depth: 3 },
  seed: 7,
  ops: [[makeOp(OP.WRITE, 0, 1)], [makeOp(OP.READ, 0, 1)]],
  schedule: "0011",
  signature: "swapcache-unique@add_to_swap_cache",
  violation: { id: "swapcache-unique", message: "two pages" },
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-atomic-"));
});
afterEach(() => {
  fail.writeCode = "";
  fail.fsyncCode = "";
  fail.partial = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe("writeRepro on a full disk", () => {
  it.each([
    [
      "the first write fails",
      () => {
        fail.writeCode = "ENOSPC";
      },
    ],
    [
      "a write fails after part of the file",
      () => {
        fail.writeCode = "ENOSPC";
        fail.partial = 100;
      },
    ],
    [
      "the flush fails (delayed allocation, NFS)",
      () => {
        fail.fsyncCode = "EIO";
      },
    ],
  ])("%s: throws, and leaves no file behind", (_what, arrange) => {
    arrange();
    expect(() => writeRepro(dir, sample())).toThrow(/ENOSPC|EIO/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a good write leaves exactly the repro, whole, and no temporary file", () => {
    const file = writeRepro(dir, sample());
    expect(readdirSync(dir)).toEqual([path.basename(file)]);
    expect(loadRepro(file).signature).toBe(sample().signature);
  });

  it("still never replaces a file that holds the name", () => {
    const name = path.basename(writeRepro(dir, sample()));
    writeFileSync(path.join(dir, name), "mine");
    const second = writeRepro(dir, sample());
    expect(readFileSync(path.join(dir, name), "utf8")).toBe("mine");
    expect(path.basename(second)).toBe(name.replace(/\.json$/, "-1.json"));
    expect(readdirSync(dir).sort()).toEqual([name, path.basename(second)].sort());
  });
});
