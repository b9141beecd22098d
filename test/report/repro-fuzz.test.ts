// The repro loader under corruption: whatever the bytes, parseRepro returns a repro or throws an
// InputError (exit 2), never anything else (exit 3); and a repro it accepts replays without an
// error (the schema's bounds are ones the model can run). Seeded, so a failure reproduces.
import { describe, it, expect } from "vitest";
import { parseRepro, encodeSchedule, agentCount, REPRO_FORMAT, REPRO_FORMAT_VERSION, type Repro } from "../../src/report/repro.js";
import { InputError } from "../../src/errors.js";
import { HUNT_LIMITS, HUNT_MACHINE, HUNT_OPCAP } from "../../src/explore/machine.js";
import { diagramOf } from "../../src/explore/hunt.js";
import { MODELS, FLAGS, resolveModel } from "../../src/model/models.js";
import { makeOp, OP } from "../../src/wasm/abi.js";

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = (): Repro => ({
  format: REPRO_FORMAT,
  formatVersion: REPRO_FORMAT_VERSION,
  faultsim: "0.1.0",
  modelId: "0123456789ab",
  model: "linux-2.4.10-pre",
  ...(({ flags, flagNames }) => ({ flags, flagNames }))(resolveModel("linux-2.4.10-pre")),
  machine: { ...HUNT_MACHINE, cpus: 2 },
  sched: { kind: "pct", depth: 3 },
  seed: -123456789,
  ops: [[makeOp(OP.WRITE, 0, 1), makeOp(OP.READ, 0, 2)], [makeOp(OP.READ, 0, 1)]],
  schedule: encodeSchedule([0, 0, 1, 1, 2, 0, 1, 0x12, 3]),
  signature: "swapcache-unique@add_to_swap_cache",
  violation: { id: "swapcache-unique", message: "two swap-cache pages" },
});

/** parseRepro's outcome: "ok", "input" (InputError), or the unexpected error itself. */
function outcome(text: string): "ok" | "input" | unknown {
  try {
    parseRepro(text, "fuzz.json");
    return "ok";
  } catch (err) {
    return err instanceof InputError ? "input" : err;
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
];

describe("byte-level corruption of a good repro", () => {
  it("is accepted or an InputError, 3000 mutants", () => {
    const good = JSON.stringify(base(), null, 2);
    const rnd = prng(0xfa017);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const counts = { ok: 0, input: 0 };
    for (let i = 0; i < 3000; i++) {
      let t = good;
      for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
        const at = Math.floor(rnd() * t.length);
        switch (Math.floor(rnd() * 6)) {
          case 0:
            t = t.slice(0, at);
            break; // truncated
          case 1:
            t = t.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 256)) + t.slice(at + 1);
            break; // a byte changed
          case 2:
            t = t.slice(0, at) + pick(NASTY) + t.slice(at);
            break; // something inserted
          case 3:
            t = t.replace(/-?\d+/g, (d) => (rnd() < 0.15 ? pick(NASTY) : d));
            break; // numbers replaced
          case 4: {
            const len = Math.floor(rnd() * 40);
            t = t.slice(0, at) + t.slice(at, at + len).repeat(2) + t.slice(at + len);
            break;
          } // duplicated
          default:
            t = t.slice(0, at) + t.slice(at + Math.floor(rnd() * 20)); // deleted
        }
      }
      const r = outcome(t);
      if (r !== "ok" && r !== "input") throw new Error(`mutant ${i} threw ${String(r)}: ${JSON.stringify(t).slice(0, 400)}`);
      counts[r]++;
    }
    expect(counts.input).toBeGreaterThan(1000); // the corruption did reach the validator
  });
});

describe("repros the schema accepts replay without an error", () => {
  it("120 random repros within hunt's bounds", async () => {
    const rnd = prng(0x5eed);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const L = HUNT_LIMITS;
    for (let i = 0; i < 120; i++) {
      const cpus = int(1, L.cpus.max);
      const frames = rnd() < 0.8 ? int(L.frames.min, 16) : int(L.frames.min, L.frames.max);
      const machine = {
        ...HUNT_MACHINE,
        cpus,
        frames,
        mms: rnd() < 0.5 ? 1 : int(1, cpus),
        pagesPerMm: rnd() < 0.8 ? int(1, 8) : int(1, L.pages.max),
        slotsPerArea: rnd() < 0.8 ? int(L.slots.min, 16) : int(L.slots.min, L.slots.max),
        pageCluster: int(L.pageCluster.min, L.pageCluster.max),
        kswapd: rnd() < 0.5,
        freeMin: int(0, frames - 1),
        freeLow: int(0, frames - 1),
        freeHigh: int(0, frames - 1),
        swapCluster: int(1, 8),
      };
      const op = () => {
        const k = int(OP.READ, OP.SWAPON);
        const arg = k === OP.FORK ? int(0, machine.mms - 1) : k === OP.SWAPOFF || k === OP.SWAPON ? 0 : 0;
        return makeOp(k, int(0, machine.mms - 1), int(0, machine.pagesPerMm - 1), arg);
      };
      const flags = FLAGS.filter(() => rnd() < 0.3).reduce((w, f) => w | f.bit, 0);
      const agents = agentCount(machine);
      const r: Repro = {
        ...base(),
        model: MODELS[int(0, MODELS.length - 1)].name,
        flags,
        flagNames: FLAGS.filter((f) => flags & f.bit).map((f) => f.name),
        machine,
        seed: int(-(2 ** 31), 2 ** 31 - 1),
        ops: Array.from({ length: cpus }, () => Array.from({ length: int(0, rnd() < 0.9 ? 6 : HUNT_OPCAP) }, op)),
        schedule: encodeSchedule(Array.from({ length: int(0, 3000) }, () => int(0, agents - 1) | (rnd() < 0.05 ? int(1, 15) << 4 : 0))),
      };
      const parsed = parseRepro(JSON.stringify(r), `case ${i}`);
      try {
        await diagramOf(parsed);
      } catch (err) {
        throw new Error(`case ${i} (${JSON.stringify(r.machine)}) replayed with ${String(err)}`);
      }
    }
  }, 120000);
});
