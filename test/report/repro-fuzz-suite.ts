// The repro loader fuzzed with fast-check, as a suite run with a seed and a number of runs of
// each property: repro-fuzz.test.ts (the fast tier) and repro-fuzz.full.test.ts (another seed,
// more runs). A failure prints its seed and path, and the same run reproduces it.
// - the repro schema's own arbitrary (generated from its JSON Schema, test/helpers/
//   schema-arbitrary.ts): whatever it draws, parseRepro returns a repro or throws a ReproError;
// - the same repros made coherent (ops that fit the machine, flags that agree with their
//   names): the loader accepts them, and each replays without an error, in bounded time and
//   memory (the schema's bounds are ones the model can run);
// - byte-level corruption of a good repro file (truncation, changed and inserted bytes, tokens
//   that are not numbers, a BOM, invalid UTF-8, duplicated and deleted runs): loadRepro returns
//   a repro or throws a ReproError, quickly;
// - the command line on such files: `faultsim replay` exits 0, 1 or 2, never 3.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { encodeSchedule, decodeSchedule, agentCount, type Repro } from "../../src/report/repro.js";
import { parseRepro, loadRepro } from "../../src/report/repro-schema.js";
import { ReproError } from "../../src/errors.js";
import { diagramOf } from "../../src/explore/replay.js";
import { MODELS, FLAG_BITS, flagNamesOf } from "../../src/model/models.js";
import { makeOp, OP } from "../../src/wasm/abi.js";
import { jsonSchemaOf } from "../../src/schema/json-schema.js";
import { arbitraryOf } from "../helpers/schema-arbitrary.js";
import { cliCapture } from "../helpers/cli.js";

/** The schema's own arbitrary: op lists of up to 8 CPUs, free strings up to 40 characters. */
const schemaRepro = arbitraryOf(jsonSchemaOf("repro"), { array: 8, string: 40 }) as fc.Arbitrary<Repro>;

/** A drawn repro made coherent where the schema cannot say it: one op list per CPU, each op
 *  within the machine, a known model, flag names that agree with the words (word 1 at revision 2), a
 *  fast clock a power of two (at revision 3), the schedule's
 *  agents ones the machine has, watermarks below its frames and in order. */
function coherent(x: Repro): Repro {
  const m = { ...x.machine };
  for (const k of ["freeMin", "freeLow", "freeHigh"] as const) m[k] = m[k] % m.frames;
  // In order, pages_min <= pages_low <= pages_high, as every machine a hunt lays out has them.
  [m.freeMin, m.freeLow, m.freeHigh] = [m.freeMin, m.freeLow, m.freeHigh].sort((a, b) => a - b);
  // A power of two, at revision 3 (below).
  if (m.jiffySteps !== undefined) m.jiffySteps = 1 << (m.jiffySteps % 15);
  const flags = x.flags & FLAG_BITS[0];
  const flags2 = ((x.flags2 ?? 0) & FLAG_BITS[1]) >>> 0;
  const op = (w: number): number => {
    const u = w >>> 0;
    const kind = OP.READ + (u % 7);
    const arg = kind === OP.FORK ? (u >>> 3) % m.mms : kind === OP.SWAPOFF || kind === OP.SWAPON ? (u >>> 3) % m.areas : 0;
    return makeOp(kind, (u >>> 8) % m.mms, (u >>> 12) % m.pagesPerMm, arg);
  };
  const agents = agentCount(m);
  // flags2 as a hunt writes it: only when not 0, and then at revision 2.
  const { flags2: _drawn, ...rest } = x;
  return {
    ...rest,
    ...(flags2 !== 0 ? { flags2, schemaVersion: 2 } : {}),
    ...(m.jiffySteps !== undefined ? { schemaVersion: 3 } : {}),
    model: MODELS[x.flags % MODELS.length].name,
    flags,
    flagNames: flagNamesOf(flags, flags2),
    machine: m,
    ops: Array.from({ length: m.cpus }, (_, cpu) => (x.ops[cpu] ?? []).map(op)),
    schedule: encodeSchedule(decodeSchedule(x.schedule).map((c) => (c & 0xf0) | ((c & 15) % agents))),
  };
}

/** parseRepro's outcome: "ok", "repro" (a ReproError), or the unexpected error itself. */
function outcome(load: () => Repro): "ok" | "repro" | unknown {
  try {
    load();
    return "ok";
  } catch (err) {
    return err instanceof ReproError ? "repro" : err;
  }
}

const NASTY = [
  "",
  "-",
  "1e309",
  "-1",
  "4294967296",
  "1.5",
  "null",
  "true",
  '"x"',
  "[]",
  "{}",
  "\u001b[2J",
  "\ufeff",
  "\\u0000",
  "99999999999999999999",
  "\\ud800",
];

/** One byte-level change: where (a fraction of the length), what, how much. */
const mutation = fc.record({
  kind: fc.constantFrom("truncate", "byte", "insert", "token", "numbers", "duplicate", "delete", "bom", "utf8"),
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  byte: fc.integer({ min: 0, max: 255 }),
  len: fc.integer({ min: 1, max: 64 }),
  token: fc.constantFrom(...NASTY),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Buffer, ms: Mutation[]): Buffer {
  let b = bytes;
  for (const m of ms) {
    const at = Math.floor(m.at * b.length);
    const put = (x: Buffer) => Buffer.concat([b.subarray(0, at), x, b.subarray(at)]);
    switch (m.kind) {
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "byte":
        b = Buffer.from(b);
        if (at < b.length) b[at] = m.byte;
        break;
      case "insert":
        b = put(Buffer.from([m.byte]));
        break;
      case "token":
        b = put(Buffer.from(m.token, "utf8"));
        break;
      case "numbers": // a number replaced by a nasty token
        b = Buffer.from(b.toString("utf8").replace(/-?\d+/, (d) => (at % 2 ? m.token : `${d}${d}`)));
        break;
      case "duplicate":
        b = put(b.subarray(at, at + m.len));
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case "bom":
        b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
        break;
      case "utf8": // a lone continuation byte or a truncated sequence
        b = put(Buffer.from([0x80 | (m.byte & 0x3f)]));
        break;
    }
  }
  return b;
}

/** A coherent repro as hunt writes it, and some corruption of its bytes. */
const corruptFile = fc
  .tuple(schemaRepro.map(coherent), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([r, ms]) => mutate(Buffer.from(JSON.stringify(r, null, 2)), ms));

/** The fuzz seed, and how many cases each property draws. */
export interface FuzzRuns {
  seed: number;
  /** The schema's own arbitrary, parsed. */
  draws: number;
  /** Made coherent, replayed. */
  coherent: number;
  /** Corrupt files, loaded. */
  corrupt: number;
  /** Corrupt files, replayed by the command line. */
  cli: number;
}

/** The suite, with o's seed and runs. */
export function reproFuzz(o: FuzzRuns): void {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "faultsim-fuzz-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe("the repro schema's own arbitrary", () => {
    it("every draw is a repro or a ReproError", () => {
      const counts = { ok: 0, repro: 0 };
      fc.assert(
        fc.property(schemaRepro, (x) => {
          const r = outcome(() => parseRepro(JSON.stringify(x), "fuzz.json"));
          if (r !== "ok" && r !== "repro") throw r;
          counts[r]++;
        }),
        { seed: o.seed, numRuns: o.draws },
      );
      expect(counts.repro).toBeGreaterThan(o.draws * 0.3); // the draws did reach the validator's refusals
    });

    it("made coherent, each is accepted and replays without an error, in bounded time and memory", async () => {
      const rss0 = process.memoryUsage().rss;
      let slowest = 0;
      await fc.assert(
        fc.asyncProperty(schemaRepro.map(coherent), async (x) => {
          const parsed = parseRepro(JSON.stringify(x), "coherent.json");
          const t0 = performance.now();
          const out = await diagramOf(parsed);
          slowest = Math.max(slowest, performance.now() - t0);
          expect(typeof out.reproduced).toBe("boolean");
        }),
        { seed: o.seed, numRuns: o.coherent },
      );
      expect(slowest).toBeLessThan(10_000);
      // The largest machine the schema allows is a few MiB of model memory, not the GiBs a
      // crafted repro once cost.
      expect(process.memoryUsage().rss - rss0).toBeLessThan(1024 * 2 ** 20);
    }, 180_000);
  });

  describe("byte-level corruption of a good repro file", () => {
    it("loadRepro gives a repro or a ReproError, quickly", () => {
      const counts = { ok: 0, repro: 0 };
      let slowest = 0;
      let n = 0;
      fc.assert(
        fc.property(corruptFile, (bytes) => {
          const file = path.join(dir, `m${n++ % 8}.json`);
          writeFileSync(file, bytes);
          const t0 = performance.now();
          const r = outcome(() => loadRepro(file));
          slowest = Math.max(slowest, performance.now() - t0);
          if (r !== "ok" && r !== "repro") throw r;
          counts[r]++;
        }),
        { seed: o.seed, numRuns: o.corrupt },
      );
      expect(counts.repro).toBeGreaterThan(o.corrupt / 2);
      expect(counts.ok).toBeGreaterThan(0); // some corruption leaves a valid repro (a BOM, a changed letter)
      expect(slowest).toBeLessThan(2_000);
    });
  });

  describe("faultsim replay on corrupt repro files", () => {
    const { io, faultsim } = cliCapture();
    it("exits 0, 1 or 2, never 3", async () => {
      const codes = new Set<number>();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(corruptFile, async (bytes) => {
          const file = path.join(dir, `cli${n++ % 8}.json`);
          writeFileSync(file, bytes);
          io.err = "";
          const code = await faultsim("replay", file);
          expect([0, 1, 2]).toContain(code);
          expect(io.err).not.toMatch(/internal error/);
          if (code === 2) expect(io.err.trimEnd().split("\n")).toHaveLength(1);
          codes.add(code);
        }),
        { seed: o.seed, numRuns: o.cli },
      );
      expect(codes.has(2)).toBe(true);
      expect(codes.has(0) || codes.has(1)).toBe(true); // some corrupt files still replay
    }, 180_000);
  });
}
