// Repro files: round trip, never overwriting, and one clear InputError (exit 2 through the
// CLI) for a truncated, corrupt or foreign file.
import { describe, it, expect, beforeEach, afterEach, vi } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  writeRepro,
  encodeSchedule,
  decodeSchedule,
  REPRO_FORMAT,
  REPRO_FORMAT_VERSION,
  REPRO_MAX_BYTES,
  reproFlags,
  reproSchemaVersion,
  type Repro,
} from "../../src/report/repro.js";
import { loadRepro, parseRepro } from "../../src/report/repro-schema.js";
import { HUNT_LIMITS, HUNT_LOGCAP, HUNT_OPCAP } from "../../src/explore/machine.js";
import { FLAGS, FLAG_BITS, resolveModel } from "../../src/model/models.js";
import { buildProgram } from "../../src/cli.js";
import { InputError } from "../../src/errors.js";
import { makeOp, OP } from "../../src/wasm/abi.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { main } from "../../src/cli.js";

/** The lowest bit of flag word 0 a repro can carry (0..30) that no flag of the model has; 0
 *  when the word is full (then no repro in the schema's range can set an unknown bit). */
function unusedFlagBit(): number {
  for (let b = 0; b < 31; b++) if (!FLAGS.some((f) => (f.word ?? 0) === 0 && f.bit === 1 << b)) return 1 << b;
  return 0;
}

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
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-repro-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

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
    [
      "an op on an mm the machine lacks",
      () => JSON.stringify({ ...sample(), ops: [[makeOp(OP.READ, 5, 0)], []] }),
      /ops\.0\.0: op names mm5/,
    ],
    [
      "an op on a page past the mm",
      () => JSON.stringify({ ...sample(), ops: [[], [makeOp(OP.WRITE, 0, 99)]] }),
      /ops\.1\.0: op names page 99/,
    ],
    ["an unknown op kind", () => JSON.stringify({ ...sample(), ops: [[0], []] }), /op kind 0 is unknown/],
    ["a missing field", () => JSON.stringify({ ...sample(), seed: undefined }), /seed/],
    ["a model id that is not hex", () => JSON.stringify({ ...sample(), modelId: "not-an-id" }), /modelId/],
    ["a model id that is not a string", () => JSON.stringify({ ...sample(), modelId: 12 }), /modelId/],
    // Bounds: what a hunt can write (the model used to throw RangeError/InternalError: exit 3).
    [
      "33 ops on one CPU (the op buffer is 32)",
      () => JSON.stringify({ ...sample(), ops: [Array(33).fill(makeOp(OP.READ, 0, 1)), []] }),
      /ops\.0: more than 32 ops on one CPU/,
    ],
    [
      "a 16385-step schedule (the choice log is 16384)",
      () => JSON.stringify({ ...sample(), schedule: "0".repeat(16385) }),
      /schedule: 16385 steps, more than a hunt's 16384-step choice log/,
    ],
    ["a schedule of 16385 picked steps", () => JSON.stringify({ ...sample(), schedule: "g0".repeat(16385) }), /schedule: longer than/],
    [
      "a 16M-frame machine",
      () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: 2, frames: 1 << 24 } }),
      /machine\.frames: Too big: expected number to be <=4096/,
    ],
    ["64 mms", () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: 2, mms: 64 } }), /machine\.mms/],
    [
      "64K pages per mm",
      () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: 2, pagesPerMm: 65536 } }),
      /machine\.pagesPerMm/,
    ],
    [
      "16M slots",
      () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: 2, slotsPerArea: 1 << 24 } }),
      /machine\.slotsPerArea/,
    ],
    ["three swap areas", () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: 2, areas: 3 } }), /machine\.areas/],
    [
      "a watermark at the frame count",
      () => JSON.stringify({ ...sample(), machine: { ...HUNT_MACHINE, cpus: 2, freeHigh: HUNT_MACHINE.frames } }),
      /machine\.freeHigh/,
    ],
    ["a PCT depth of 10", () => JSON.stringify({ ...sample(), sched: { kind: "pct", depth: 10 } }), /sched\.depth/],
    ["a seed past 32 bits", () => JSON.stringify({ ...sample(), seed: 2 ** 32 }), /seed/],
    // Version, model, flags.
    [
      "formatVersion as a string",
      () => JSON.stringify({ ...sample(), formatVersion: "1" }),
      /formatVersion must be a number \(this faultsim reads 1\); got the string "1"$/,
    ],
    [
      "formatVersion missing",
      () => JSON.stringify({ ...sample(), formatVersion: undefined }),
      /formatVersion must be a number .*; it is missing/,
    ],
    [
      "an unknown model",
      () => JSON.stringify({ ...sample(), model: "linux-9.9" }),
      /model: unknown model 'linux-9\.9' \(known: linux-2\.4\.0, /,
    ],
    [
      "flags without one of flagNames",
      () => JSON.stringify({ ...sample(), flags: 0b10001 }),
      /flags: flag word 17 does not agree with flagNames: it does not set swap-full-delete$/,
    ],
    [
      "flagNames without one of the flags",
      () => JSON.stringify({ ...sample(), flagNames: ["bkl-swapin", "pte-same-recheck"] }),
      /it sets swap-full-delete, which flagNames omits/,
    ],
    ...(unusedFlagBit() === 0
      ? []
      : [
          ["a flag bit no flag has", () => JSON.stringify({ ...sample(), flags: 0b10101 | unusedFlagBit() }), /sets bits no flag has/] as [
            string,
            () => string,
            RegExp,
          ],
        ]),
    ["an unknown flag name", () => JSON.stringify({ ...sample(), flagNames: [...sample().flagNames, "zap"] }), /unknown flag 'zap'/],
  ])("reject %s with an InputError", (_what, text, msg) => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, text());
    expect(() => loadRepro(file)).toThrow(InputError);
    expect(() => loadRepro(file)).toThrow(msg);
  });

  it("reject a missing file with an InputError", () => {
    expect(() => loadRepro(path.join(dir, "nope.json"))).toThrow(/cannot read \(ENOENT\)/);
  });

  it("accept a BOM at the start", () => {
    const file = path.join(dir, "bom.json");
    writeFileSync(file, "\ufeff" + good());
    expect(loadRepro(file).signature).toBe(sample().signature);
    expect(parseRepro("\ufeff" + good()).signature).toBe(sample().signature);
  });

  it("accept the unsigned spelling of a seed", () => {
    expect(parseRepro(JSON.stringify({ ...sample(), seed: 4294967295 })).seed).toBe(4294967295);
  });

  it("make control characters and escape codes from the file visible", () => {
    const r = parseRepro(
      JSON.stringify({
        ...sample(),
        faultsim: "0.1\u001b[8m",
        signature: "\u001b]0;t\u0007sig\nnext\u202e",
        violation: { id: "x\u009b2J", message: "\u001b[31mred\r" },
        opsText: ["\u001b[1A"],
      }),
    );
    expect(r.signature).toBe("\\x1b]0;t\\x07sig\\x0anext\\u202e");
    expect(r.violation).toEqual({ id: "x\\x9b2J", message: "\\x1b[31mred\\x0d" });
    expect(r.faultsim).toBe("0.1\\x1b[8m");
    expect(r.opsText).toEqual(["\\x1b[1A"]);
    expect(JSON.stringify(r)).not.toMatch(/\\u00(1b|07|9b)/);
  });

  it("name the file with its escapes made visible", () => {
    expect(() => parseRepro("{", "a\u001b[2J.json")).toThrow(/^a\\x1b\[2J\.json: not valid JSON/);
  });

  it("refuse what is not a regular file, at once", () => {
    const fifo = path.join(dir, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(() => loadRepro(fifo)).toThrow(/is a FIFO, not a repro file/); // does not block
    expect(() => loadRepro("/dev/zero")).toThrow(/is a device/); // is not read
    expect(() => loadRepro(dir)).toThrow(/is a directory/);
  });

  it("refuse a file above the limit, stating the limit", () => {
    const file = path.join(dir, "big.json");
    writeFileSync(file, " ".repeat(REPRO_MAX_BYTES + 1));
    expect(() => loadRepro(file)).toThrow(InputError);
    expect(() => loadRepro(file)).toThrow(/larger than 1 MiB, the most replay reads/);
    writeFileSync(file, good() + " ".repeat(REPRO_MAX_BYTES - good().length));
    expect(loadRepro(file).signature).toBe(sample().signature); // exactly at the limit: read
  });

  it("the largest repro a hunt can write is well under the limit", () => {
    // Every bound at its maximum: 8 CPUs of 32 ops, a 16384-step log with a pick on every
    // step, every flag, the longest names.
    const big: Repro = {
      ...sample(),
      modelId: "f".repeat(64),
      model: "linux-2.4.10-pre",
      schemaVersion: 2,
      flags: FLAG_BITS[0],
      flags2: FLAG_BITS[1],
      flagNames: FLAGS.map((f) => f.name),
      machine: {
        ...HUNT_MACHINE,
        cpus: 8,
        mms: 8,
        frames: HUNT_LIMITS.frames.max,
        pagesPerMm: HUNT_LIMITS.pages.max,
        slotsPerArea: HUNT_LIMITS.slots.max,
      },
      seed: -(2 ** 31),
      ops: Array.from({ length: 8 }, () => Array.from({ length: HUNT_OPCAP }, () => makeOp(OP.WRITE, 7, 4095))),
      schedule: encodeSchedule(Array.from({ length: HUNT_LOGCAP }, () => (15 << 4) | 9)),
      signature: "s".repeat(120),
      violation: { id: "i".repeat(40), message: "m".repeat(400) },
    };
    const file = writeRepro(dir, big);
    const size = readFileSync(file).length;
    expect(size).toBeLessThan(64 * 1024);
    expect(size * 16).toBeLessThan(REPRO_MAX_BYTES);
    expect(loadRepro(file).ops[7]).toHaveLength(HUNT_OPCAP);
  });

  it("bound the machine by what hunt's options allow (its --help says the same ranges)", () => {
    const hunt = buildProgram().commands.find((c) => c.name() === "hunt")!;
    const help = (flag: string) => hunt.options.find((o) => o.long === flag)!.description;
    const L = HUNT_LIMITS;
    expect(help("--cpus")).toContain(`(${L.cpus.min}..${L.cpus.max})`);
    expect(help("--frames")).toContain(`(${L.frames.min}..${L.frames.max})`);
    expect(help("--pages")).toContain(`(${L.pages.min}..${L.pages.max})`);
    expect(help("--slots")).toContain(`(${L.slots.min}..${L.slots.max})`);
    expect(help("--depth")).toContain(`(${L.depth.min}..${L.depth.max})`);
    expect(help("--ops")).toContain(`(1..${HUNT_OPCAP};`);
    // Every model a hunt can be given loads.
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre", "linux-2.4.16"]) {
      const r = resolveModel(m);
      const words = { ...reproFlags(r), schemaVersion: reproSchemaVersion(r, {}) };
      expect(parseRepro(JSON.stringify({ ...sample(), model: m, ...words })).model).toBe(m);
    }
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
    spy = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
  });
  afterEach(() => {
    spy.mockRestore();
    process.exitCode = undefined;
  });

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
