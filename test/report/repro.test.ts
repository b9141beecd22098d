// Repro files: round trip, never overwriting, and one clear InputError (exit 2 through the
// CLI) for a truncated, corrupt or foreign file.
import { describe, it, expect, beforeEach, afterEach, vi } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  loadRepro, writeRepro, parseRepro, encodeSchedule, decodeSchedule, REPRO_FORMAT, REPRO_FORMAT_VERSION, type Repro,
} from "../../src/report/repro.js";
import { InputError } from "../../src/errors.js";
import { makeOp, OP } from "../../src/wasm/abi.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { main } from "../../src/cli.js";

const sample = (): Repro => ({
  format: REPRO_FORMAT,
  formatVersion: REPRO_FORMAT_VERSION,
  faultsim: "0.1.0",
  model: "linux-2.4.10-pre",
  flags: 0b10101,
  flagNames: ["bkl-swapin", "swap-full-delete", "pte-same-recheck"],
  machine: { ...HUNT_MACHINE, cpus: 2 },
  sched: { kind: "pct", depth: 3 },
  seed: -123456789,
  ops: [[makeOp(OP.WRITE, 0, 1), makeOp(OP.READ, 0, 2)], [makeOp(OP.READ, 0, 1)]],
  schedule: encodeSchedule([0, 0, 1, 1, 2, 0, 1]),
  signature: "swapcache-unique@add_to_swap_cache",
  violation: { id: "swapcache-unique", message: "two swap-cache pages for E0:1: page 3 and page 5" },
});

let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), "faultsim-repro-")); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe("repro files", () => {
  it("load what was written: same content", () => {
    const r = sample();
    const file = writeRepro(dir, r);
    const back = loadRepro(file);
    expect({ ...back, opsText: undefined }).toEqual({ ...r, opsText: undefined });
    expect(back.opsText).toEqual(["CPU0: write mm0[1], read mm0[2]", "CPU1: read mm0[1]"]);
    expect(decodeSchedule(back.schedule)).toEqual([0, 0, 1, 1, 2, 0, 1]);
  });

  it("never overwrite an existing file: a second write picks a new name", () => {
    const first = writeRepro(dir, sample());
    const before = readFileSync(first, "utf8");
    const second = writeRepro(dir, { ...sample(), schedule: "0101" });
    expect(second).not.toBe(first);
    expect(readFileSync(first, "utf8")).toBe(before);
    expect(loadRepro(second).schedule).toBe("0101");
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it("carry the model build that recorded them; a file from before model ids still loads", () => {
    const r = { ...sample(), modelId: "1a2b3c4d5e6f" };
    const file = writeRepro(dir, r);
    expect(JSON.parse(readFileSync(file, "utf8")).modelId).toBe("1a2b3c4d5e6f");
    expect(loadRepro(file).modelId).toBe("1a2b3c4d5e6f");
    const old = sample();
    expect("modelId" in old).toBe(false);
    const back = parseRepro(JSON.stringify(old), "old.json");
    expect(back.modelId).toBeUndefined();
    expect(back.signature).toBe(old.signature);
  });

  const good = () => JSON.stringify(sample());
  it.each([
    ["a truncated file", () => good().slice(0, good().length >> 1), /not valid JSON/],
    ["an empty file", () => "", /not valid JSON/],
    ["a foreign JSON file", () => JSON.stringify({ name: "faultsim", version: "0.1.0" }), /not a faultsim repro file/],
    ["a JSON array", () => "[1,2,3]", /not a faultsim repro file/],
    ["a newer format", () => JSON.stringify({ ...sample(), formatVersion: 99 }), /format version 99/],
    ["ops that are not integers", () => JSON.stringify({ ...sample(), ops: [[1.5], []] }), /ops/],
    ["op lists for the wrong number of CPUs", () => JSON.stringify({ ...sample(), ops: [[]] }), /1 op lists for 2 CPUs/],
    ["a schedule naming an agent the machine lacks", () => JSON.stringify({ ...sample(), schedule: "0019" }), /agent 9/],
    ["a schedule that is not hex", () => JSON.stringify({ ...sample(), schedule: "01x" }), /schedule/],
    ["an op on an mm the machine lacks", () => JSON.stringify({ ...sample(), ops: [[makeOp(OP.READ, 5, 0)], []] }), /ops\.0\.0: op names mm5/],
    ["an op on a page past the mm", () => JSON.stringify({ ...sample(), ops: [[], [makeOp(OP.WRITE, 0, 99)]] }), /ops\.1\.0: op names page 99/],
    ["an unknown op kind", () => JSON.stringify({ ...sample(), ops: [[0], []] }), /op kind 0 is unknown/],
    ["a missing field", () => JSON.stringify({ ...sample(), seed: undefined }), /seed/],
    ["a model id that is not hex", () => JSON.stringify({ ...sample(), modelId: "not-an-id" }), /modelId/],
    ["a model id that is not a string", () => JSON.stringify({ ...sample(), modelId: 12 }), /modelId/],
  ])("reject %s with an InputError", (_what, text, msg) => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, text());
    expect(() => loadRepro(file)).toThrow(InputError);
    expect(() => loadRepro(file)).toThrow(msg);
  });

  it("reject a missing file with an InputError", () => {
    expect(() => loadRepro(path.join(dir, "nope.json"))).toThrow(/cannot read \(ENOENT\)/);
  });

  it("parse error messages name the file", () => {
    expect(() => parseRepro("{", "x.json")).toThrow(/^x\.json: /);
  });
});

describe("faultsim replay on a bad file", () => {
  let stderr: string;
  let spy: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    stderr = "";
    spy = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => { stderr += String(s); return true; });
  });
  afterEach(() => { spy.mockRestore(); process.exitCode = undefined; });

  it.each([
    ["truncated", () => good().slice(0, 40)],
    ["foreign", () => JSON.stringify({ hello: "world" })],
    ["corrupt", () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: "two" } })],
  ])("exits 2 with one line on stderr for a %s file", async (_what, text) => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, text());
    const code = await main(["node", "faultsim", "replay", file]);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toContain("bad.json");
  });
  const good = () => JSON.stringify(sample());
});
