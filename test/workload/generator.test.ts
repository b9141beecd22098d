// Workload generators: determinism per (seed, CPU), the access patterns' shapes, op rates.
import { describe, it, expect } from "vitest";
import {
  WorkloadGenerator, generateOps, validateWorkload, executionSeed, DEFAULT_WORKLOAD, MUNMAP_MAX,
  type WorkloadOptions,
} from "../../src/workload/generator.js";
import { OP, opKind, opMm, opPage, opArg } from "../../src/wasm/abi.js";
import { UsageError } from "../../src/errors.js";

const base: WorkloadOptions = {
  ...DEFAULT_WORKLOAD, cpus: 4, mms: 4, pagesPerMm: 64, areas: 2, pattern: "uniform",
  forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0,
};

function stream(o: WorkloadOptions, seed: number, cpu: number, n: number): Int32Array {
  const out = new Int32Array(n);
  new WorkloadGenerator(o, seed).fill(cpu, out, n);
  return out;
}

function sameCount(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n;
}

describe("determinism", () => {
  it("the same seed gives the same ops, in one call or in chunks", () => {
    const o = { ...base, pattern: "hotcold" as const, forkRate: 0.05, munmapRate: 0.05, swapoffRate: 0.01, swaponRate: 0.01 };
    expect(generateOps(o, 42, 1000)).toEqual(generateOps(o, 42, 1000));
    const whole = stream(o, 42, 1, 1000);
    const g = new WorkloadGenerator(o, 42);
    const chunk = new Int32Array(1000);
    g.fill(1, chunk, 300);
    g.fill(1, chunk.subarray(300), 700);
    expect(chunk).toEqual(whole);
  });

  it("one CPU's stream does not depend on how far the others went", () => {
    const g = new WorkloadGenerator(base, 7);
    const junk = new Int32Array(5000);
    g.fill(0, junk, 5000);
    const cpu1 = new Int32Array(100);
    g.fill(1, cpu1, 100);
    expect(cpu1).toEqual(stream(base, 7, 1, 100));
  });

  it("different seeds and different CPUs give unrelated streams", () => {
    // Uniform over 64 pages x read/write: two unrelated streams agree on ~1/128 of the ops.
    const n = 10000;
    const a = stream(base, 1, 0, n);
    for (const [seed, cpu] of [[2, 0], [1, 1], [0x80000001, 0]]) {
      const b = stream(base, seed, cpu, n);
      expect(sameCount(a, b)).toBeLessThan(n / 50);
    }
    // Nor shifted copies of each other (the failure of chaining one xorshift per CPU).
    const c1 = stream(base, 1, 1, n);
    for (let shift = 1; shift < 64; shift++) {
      expect(sameCount(a.subarray(shift), c1.subarray(0, n - shift))).toBeLessThan(n / 50);
    }
  });

  it("execution seeds are distinct for distinct executions", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 10000; i++) seen.add(executionSeed(99, i));
    expect(seen.size).toBe(10000);
  });
});

describe("patterns", () => {
  it("uniform: every page of the mm is hit about equally", () => {
    const n = 64000;
    const ops = stream(base, 3, 0, n);
    const hits = new Array(64).fill(0);
    for (const op of ops) hits[opPage(op)]++;
    for (const h of hits) expect(h).toBeGreaterThan(700), expect(h).toBeLessThan(1300);
  });

  it("hot/cold: hotFraction of the pages get hotProbability of the accesses", () => {
    const o = { ...base, pattern: "hotcold" as const, hotFraction: 0.25, hotProbability: 0.9 };
    const n = 100000;
    const ops = stream(o, 5, 2, n);
    let hot = 0;
    const pages = new Set<number>();
    for (const op of ops) { if (opPage(op) < 16) hot++; pages.add(opPage(op)); }
    expect(hot / n).toBeGreaterThan(0.88);
    expect(hot / n).toBeLessThan(0.92);
    expect(pages.size).toBe(64); // cold pages are still touched
  });

  it("sequential: each CPU walks its pages in order, wrapping", () => {
    const o = { ...base, pattern: "sequential" as const, pagesPerMm: 10 };
    for (const cpu of [0, 3]) {
      const ops = stream(o, 11, cpu, 25);
      expect(Array.from(ops, opPage)).toEqual(Array.from({ length: 25 }, (_, i) => i % 10));
    }
  });

  it("sequential: other ops do not disturb the walk", () => {
    const o = { ...base, pattern: "sequential" as const, pagesPerMm: 10, munmapRate: 0.2 };
    const ops = Array.from(stream(o, 11, 0, 200)).filter((op) => opKind(op) === OP.READ || opKind(op) === OP.WRITE);
    expect(ops.map(opPage)).toEqual(ops.map((_, i) => i % 10));
  });

  it("private mms: CPU c works on mm c % mms", () => {
    const o = { ...base, cpus: 4, mms: 3 };
    for (let cpu = 0; cpu < 4; cpu++) {
      expect(new Set(Array.from(stream(o, 1, cpu, 500), opMm))).toEqual(new Set([cpu % 3]));
    }
  });

  it("threads share mms: every CPU works on all of them", () => {
    const o = { ...base, mms: 2, threadsShareMm: true };
    for (let cpu = 0; cpu < 4; cpu++) {
      expect(new Set(Array.from(stream(o, 1, cpu, 500), opMm))).toEqual(new Set([0, 1]));
    }
  });
});

describe("op rates", () => {
  const o: WorkloadOptions = {
    ...base, writeRatio: 0.3, forkRate: 0.05, exitRate: 0.02, munmapRate: 0.1, swapoffRate: 0.01, swaponRate: 0.03,
  };
  const n = 100000;
  const ops = stream(o, 2024, 1, n);
  const count = (k: number) => ops.filter((op) => opKind(op) === k).length;

  it("each kind appears at its rate, the rest are accesses at the write ratio", () => {
    const near = (k: number, rate: number) => {
      const got = count(k) / n;
      // 5 standard deviations of a binomial proportion.
      expect(Math.abs(got - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / n));
    };
    near(OP.FORK, 0.05);
    near(OP.EXIT, 0.02);
    near(OP.MUNMAP, 0.1);
    near(OP.SWAPOFF, 0.01);
    near(OP.SWAPON, 0.03);
    const accesses = count(OP.READ) + count(OP.WRITE);
    expect(accesses).toBe(n - count(OP.FORK) - count(OP.EXIT) - count(OP.MUNMAP) - count(OP.SWAPOFF) - count(OP.SWAPON));
    expect(Math.abs(count(OP.WRITE) / accesses - 0.3)).toBeLessThan(0.01);
  });

  it("operands are in range: fork child != parent, munmap 1..8 inside the mm, areas", () => {
    for (const op of ops) {
      const k = opKind(op);
      if (k === OP.FORK) {
        expect(opArg(op)).not.toBe(opMm(op));
        expect(opArg(op)).toBeLessThan(o.mms);
      } else if (k === OP.MUNMAP) {
        expect(opArg(op)).toBeGreaterThanOrEqual(1);
        expect(opArg(op)).toBeLessThanOrEqual(MUNMAP_MAX);
        expect(opPage(op) + opArg(op)).toBeLessThanOrEqual(o.pagesPerMm);
      } else if (k === OP.SWAPOFF || k === OP.SWAPON) {
        expect(opArg(op)).toBeLessThan(o.areas);
      } else {
        expect(opPage(op)).toBeLessThan(o.pagesPerMm);
      }
    }
    const lengths = new Set(ops.filter((op) => opKind(op) === OP.MUNMAP).map(opArg));
    expect(lengths.size).toBe(MUNMAP_MAX);
    const areas = new Set(ops.filter((op) => opKind(op) === OP.SWAPOFF || opKind(op) === OP.SWAPON).map(opArg));
    expect(areas).toEqual(new Set([0, 1]));
  });

  it("with one mm there is nowhere to fork to: no forks", () => {
    const one = stream({ ...o, mms: 1 }, 3, 0, 10000);
    expect(Array.from(one).some((op) => opKind(op) === OP.FORK)).toBe(false);
  });
});

describe("options", () => {
  it("bad options are one clear UsageError", () => {
    expect(() => validateWorkload({ ...base, cpus: 0 })).toThrow(UsageError);
    expect(() => validateWorkload({ ...base, writeRatio: 1.5 })).toThrow(/writeRatio must be a probability/);
    expect(() => validateWorkload({ ...base, pattern: "zipf" as never })).toThrow(/pattern must be one of/);
    expect(() => validateWorkload({ ...base, forkRate: 0.6, exitRate: 0.6 })).toThrow(/add up to 1.2/);
    expect(() => validateWorkload({ ...base, mms: 65 })).toThrow(UsageError);
  });

  it("fill rejects a CPU the workload does not have", () => {
    expect(() => new WorkloadGenerator(base, 1).fill(4, new Int32Array(1), 1)).toThrow(RangeError);
  });
});

describe("speed", () => {
  it("fill produces at least 20M ops/s (per CPU second, so other load on the machine does not count)", () => {
    const o = { ...DEFAULT_WORKLOAD, cpus: 4, mms: 4, pagesPerMm: 1024, forkRate: 0.01, munmapRate: 0.01 };
    const g = new WorkloadGenerator(o, 1);
    const buf = new Int32Array(1 << 16);
    for (let i = 0; i < 50; i++) g.fill(i & 3, buf, buf.length); // warm up
    let best = 0;
    for (let r = 0; r < 5; r++) {
      const t = process.cpuUsage();
      for (let i = 0; i < 64; i++) g.fill(i & 3, buf, buf.length);
      const used = process.cpuUsage(t);
      best = Math.max(best, (64 * buf.length) / ((used.user + used.system) / 1e6));
    }
    expect(best).toBeGreaterThan(20e6);
  });
});
