// `run --reclaim lru|fifo|clock|opt`: the policies' miss counts equal those of simple
// implementations written here (lists and scans, no shared code), on Belady's classic
// sequences, on seeded random streams, and through the CLI on the shipped traces (whose
// requests this file parses itself); the machine around them keeps every page's data.
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makePolicy, HIT, POLICY_NAMES, type PolicyName } from "../../src/policy/policies.js";
import { simulate, arraySource } from "../../src/policy/run.js";
import { PolicyRunJsonSchema } from "../../src/schema/outputs.js";
import { cliCapture } from "../helpers/cli.js";

const { io, faultsim } = cliCapture();

// ---- reference implementations: the textbook definitions, O(frames) per request -----------

function refMisses(policy: PolicyName, seq: readonly number[], frames: number): number {
  let misses = 0;
  const mem: number[] = [];
  const ref = new Map<number, boolean>(); // CLOCK: the referenced bit of a resident page
  seq.forEach((p, i) => {
    const at = mem.indexOf(p);
    if (at >= 0) {
      if (policy === "lru") mem.push(...mem.splice(at, 1)); // most recent last
      if (policy === "clock") ref.set(p, true);
      return;
    }
    misses++;
    if (mem.length === frames) {
      if (policy === "lru" || policy === "fifo") mem.shift();
      else if (policy === "clock") {
        // Second chance as a queue: a referenced head loses its bit and goes to the back.
        while (ref.get(mem[0])) {
          ref.set(mem[0], false);
          mem.push(mem.shift()!);
        }
        ref.delete(mem.shift()!);
      } else {
        // OPT: the resident page next requested farthest ahead (or never).
        const next = (q: number) => {
          const j = seq.indexOf(q, i + 1);
          return j < 0 ? Number.POSITIVE_INFINITY : j;
        };
        let far = 0;
        for (let k = 1; k < mem.length; k++) if (next(mem[k]) > next(mem[far])) far = k;
        mem.splice(far, 1);
      }
    }
    mem.push(p);
    if (policy === "clock") ref.set(p, false);
  });
  return misses;
}

function misses(policy: PolicyName, seq: readonly number[], frames: number): number {
  const pages = Math.max(...seq) + 1;
  const s = Int32Array.from(seq);
  const pol = makePolicy(policy, pages, frames, s);
  let n = 0;
  for (const p of seq) if (pol.request(p) !== HIT) n++;
  return n;
}

/** A seeded stream with locality: a hot set and a cold tail. */
function stream(seed: number, n: number, pages: number): number[] {
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  const hot = Math.max(1, pages >> 3);
  return Array.from({ length: n }, () => (rnd() < 0.7 ? Math.floor(rnd() * hot) : Math.floor(rnd() * pages)));
}

describe("the policies on Belady's classic sequences", () => {
  const classic = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
  it("7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1 with 3 frames: OPT 9, LRU 12, FIFO 15", () => {
    expect(misses("opt", classic, 3)).toBe(9);
    expect(misses("lru", classic, 3)).toBe(12);
    expect(misses("fifo", classic, 3)).toBe(15);
    expect(misses("clock", classic, 3)).toBe(refMisses("clock", classic, 3));
    for (const p of POLICY_NAMES) expect(refMisses(p, classic, 3)).toBe(misses(p, classic, 3));
  });

  it("Belady's anomaly: FIFO on 1 2 3 4 1 2 5 1 2 3 4 5 misses 9 with 3 frames, 10 with 4", () => {
    const seq = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
    expect(misses("fifo", seq, 3)).toBe(9);
    expect(misses("fifo", seq, 4)).toBe(10);
  });
});

describe("the policies equal the reference on seeded streams", () => {
  for (const policy of POLICY_NAMES) {
    it(`${policy}: every seed and cache size`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const seq = stream(seed, 3000, 40 + seed * 7);
        for (const frames of [1, 2, 5, 16, 33])
          expect(misses(policy, seq, frames), `seed ${seed}, ${frames} frames`).toBe(refMisses(policy, seq, frames));
      }
    });
  }

  it("OPT never misses more than the others", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const seq = stream(seed, 3000, 120);
      for (const p of POLICY_NAMES) expect(misses("opt", seq, 20)).toBeLessThanOrEqual(misses(p, seq, 20));
    }
  });
});

describe("the machine around a policy", () => {
  it("swaps a dirty victim out and back in with its data; a clean one with a swap copy is dropped", () => {
    // Pages 0,1 written; page 2 pushes 0 out (dirty: a swap-out); 0 comes back (a swap-in),
    // read only; 1 then goes out (dirty), then 2, then 0 clean with its swap copy: no write.
    const seq = Int32Array.from([0, 1, 2, 0, 3, 1, 2, 0]);
    const w = Uint8Array.from([1, 1, 1, 0, 1, 0, 0, 0]);
    const s = simulate("fifo", 2, 4, arraySource(seq, w));
    expect(s.misses).toBe(refMisses("fifo", [...seq], 2));
    expect(s.minorFaults).toBe(4); // 0, 1, 2, 3 first touched
    expect(s.swapIns).toBe(s.misses - s.minorFaults);
    expect(s.dataLost).toBe(0);
    expect(s.pages).toBe(4);
  });
});

// ---- the CLI on the shipped traces ------------------------------------------------------------

const fixtures = path.resolve(import.meta.dirname, "../fixtures/trace");

/** small.csv parsed here: time,pid,address,op; each (pid, page) a page; op R or W. */
function csvRequests(): number[] {
  const ids = new Map<string, number>();
  return readFileSync(path.join(fixtures, "small.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [, pid, addr] = line.split(",");
      const key = `${pid}:${BigInt(addr) >> 12n}`;
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key)!;
    });
}

describe("faultsim run --reclaim on a trace", () => {
  const seq = csvRequests();
  for (const policy of POLICY_NAMES) {
    it(`${policy}: the misses of the reference on the same requests and frames`, async () => {
      for (const frames of [16, 40]) {
        io.out = "";
        expect(
          await faultsim("run", "--trace", path.join(fixtures, "small.csv"), "--reclaim", policy, "--frames", String(frames), "--json"),
        ).toBe(0);
        const r = PolicyRunJsonSchema.parse(JSON.parse(io.out));
        expect(r.frames).toBe(frames - 1); // frame 0 is the zero page
        expect(r.requests).toBe(seq.length);
        expect(r.misses).toBe(refMisses(policy, seq, frames - 1));
        expect(r.minorFaults + r.swapIns).toBe(r.misses);
        expect(r.dataLost).toBe(0);
      }
    });
  }

  it("the generated workload: deterministic, OPT fewest misses, data kept", async () => {
    const out: Record<string, { misses: number; requests: number; dataLost: number }> = {};
    for (const policy of [...POLICY_NAMES, "lru"]) {
      io.out = "";
      expect(await faultsim("run", "--reclaim", policy, "--ops", "20000", "--frames", "512", "--pages", "256", "--json")).toBe(0);
      const r = PolicyRunJsonSchema.parse(JSON.parse(io.out));
      if (out[policy]) expect(r.misses).toBe(out[policy].misses); // the same seed: the same stream
      out[policy] = r;
      expect(r.dataLost).toBe(0);
      expect(r.swapOuts).toBeGreaterThan(0);
    }
    for (const p of POLICY_NAMES) expect(out.opt.misses).toBeLessThanOrEqual(out[p].misses);
  });

  it("refuses an unknown policy with one line and exit 2", async () => {
    expect(await faultsim("run", "--reclaim", "arc")).toBe(2);
    expect(io.err.trim().split("\n")).toHaveLength(1);
  });

  it("refuses --series, --interval, --series-format and --budget-ms, which it would drop (no file, no budget, exit 0)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "faultsim-policy-"));
    try {
      const series = path.join(dir, "s.csv");
      for (const [opt, value] of [
        ["--series", series],
        ["--interval", "1000"],
        ["--series-format", "csv"],
        ["--budget-ms", "100"],
      ]) {
        io.err = "";
        io.out = "";
        expect(await faultsim("run", "--reclaim", "lru", "--ops", "1000", opt, value), opt).toBe(2);
        expect(io.err).toBe(`faultsim: ${opt} does not apply to --reclaim lru: a policy run has no steps to sample and runs to its end\n`);
        expect(io.out).toBe("");
      }
      expect(existsSync(series)).toBe(false);
      // The defaults of those options do not count as given: the run goes on.
      expect(await faultsim("run", "--reclaim", "lru", "--ops", "1000")).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
