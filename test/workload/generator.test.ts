// The workload generator (assembly/kernel/workload.ts, configured by src/workload): determinism
// per (seed, CPU), the access patterns' shapes, op rates, the Wasm and JS builds drawing the
// same streams, and the refill of bulk mode (a CPU's ring refilled by the model, its quota).
import { describe, it, expect } from "vitest";
import {
  configureGenerator,
  drawOps,
  validateWorkload,
  DEFAULT_WORKLOAD,
  MUNMAP_MAX,
  type WorkloadOptions,
} from "../../src/workload/generator.js";
import { Engine, DEFAULT_CONFIG } from "../../src/wasm/engine.js";
import { OP, AG, G, R, RUN, opKind, opMm, opPage, opArg } from "../../src/wasm/abi.js";
import { UsageError } from "../../src/errors.js";

const base: WorkloadOptions = {
  ...DEFAULT_WORKLOAD,
  cpus: 4,
  mms: 4,
  pagesPerMm: 64,
  areas: 2,
  pattern: "uniform",
  forkRate: 0,
  exitRate: 0,
  munmapRate: 0,
  swapoffRate: 0,
  swaponRate: 0,
};

const wasm = Engine.wasm();

/** A machine just large enough for o's ops (nothing runs: ops = 0), the generator seeded. */
function ready(e: Engine, o: WorkloadOptions, seed: number, opCap = 1 << 12): Engine {
  e.configure({
    ...DEFAULT_CONFIG,
    cpus: o.cpus,
    mms: o.mms,
    pagesPerMm: o.pagesPerMm,
    areas: o.areas,
    frames: 64,
    slotsPerArea: 16,
    opCap,
  });
  configureGenerator(e, o, seed, 0);
  e.reset();
  return e;
}

function stream(o: WorkloadOptions, seed: number, cpu: number, n: number, e: Engine = wasm): Int32Array {
  return drawOps(ready(e, o, seed), cpu, n);
}

function sameCount(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n;
}

describe("determinism", () => {
  it("the same seed gives the same ops, in one call or in chunks", () => {
    const o = { ...base, pattern: "hotcold" as const, forkRate: 0.05, munmapRate: 0.05, swapoffRate: 0.01, swaponRate: 0.01 };
    const whole = stream(o, 42, 1, 10000);
    expect(stream(o, 42, 1, 10000)).toEqual(whole);
    const e = ready(wasm, o, 42, 256); // a small ring: the draws come in many pieces
    const chunk = new Int32Array(10000);
    chunk.set(drawOps(e, 1, 300));
    chunk.set(drawOps(e, 1, 9700), 300);
    expect(chunk).toEqual(whole);
  });

  it("one CPU's stream does not depend on how far the others went", () => {
    const e = ready(wasm, base, 7);
    drawOps(e, 0, 5000);
    expect(drawOps(e, 1, 100)).toEqual(stream(base, 7, 1, 100));
  });

  it("different seeds and different CPUs give unrelated streams", () => {
    // Uniform over 64 pages x read/write: two unrelated streams agree on ~1/128 of the ops.
    const n = 10000;
    const a = stream(base, 1, 0, n);
    for (const [seed, cpu] of [
      [2, 0],
      [1, 1],
      [0x80000001, 0],
    ]) {
      const b = stream(base, seed, cpu, n);
      expect(sameCount(a, b)).toBeLessThan(n / 50);
    }
    // Nor shifted copies of each other (the failure of chaining one xorshift per CPU).
    const c1 = stream(base, 1, 1, n);
    for (let shift = 1; shift < 64; shift++) {
      expect(sameCount(a.subarray(shift), c1.subarray(0, n - shift))).toBeLessThan(n / 50);
    }
  });

  it("the Wasm and JS builds of the model draw the same streams", async () => {
    const js = await Engine.js();
    const mixes: WorkloadOptions[] = [
      {
        ...base,
        pattern: "hotcold",
        threadsShareMm: true,
        forkRate: 0.05,
        exitRate: 0.02,
        munmapRate: 0.1,
        swapoffRate: 0.01,
        swaponRate: 0.03,
      },
      { ...base, pattern: "sequential", pagesPerMm: 10, munmapRate: 0.2, writeRatio: 1 },
      {
        ...base,
        cpus: 8,
        mms: 64,
        pagesPerMm: 65536,
        areas: 32,
        forkRate: 0.2,
        exitRate: 0.2,
        munmapRate: 0.2,
        swapoffRate: 0.2,
        swaponRate: 0.2,
      },
      { ...base, pattern: "hotcold", hotProbability: 1, forkRate: 1 },
    ];
    // Each build seeded once per mix and seed (a reset of the largest machine clears 16 MiB of
    // ptes), then every CPU's stream drawn from both in the same order.
    const differ: string[] = [];
    for (const o of mixes) {
      for (const seed of [1, -7, 0x80000001]) {
        const [w, j] = [ready(wasm, o, seed), ready(js, o, seed)];
        for (let cpu = 0; cpu < o.cpus; cpu++) {
          const [a, b] = [drawOps(w, cpu, 3000), drawOps(j, cpu, 3000)];
          const at = a.findIndex((x, i) => x !== b[i]);
          if (at >= 0) differ.push(`${o.pattern} seed ${seed} cpu ${cpu} op ${at}: wasm ${a[at]}, js ${b[at]}`);
        }
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
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
    for (const op of ops) {
      if (opPage(op) < 16) hot++;
      pages.add(opPage(op));
    }
    expect(hot / n).toBeGreaterThan(0.88);
    expect(hot / n).toBeLessThan(0.92);
    expect(pages.size).toBe(64); // cold pages are still touched
  });

  it("hot/cold with probability 1 never leaves the hot pages; with 0 never enters them", () => {
    const o = { ...base, pattern: "hotcold" as const, hotFraction: 0.25 };
    expect(Array.from(stream({ ...o, hotProbability: 1 }, 5, 0, 20000)).every((op) => opPage(op) < 16)).toBe(true);
    expect(Array.from(stream({ ...o, hotProbability: 0 }, 5, 0, 20000)).every((op) => opPage(op) >= 16)).toBe(true);
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
    ...base,
    writeRatio: 0.3,
    forkRate: 0.05,
    exitRate: 0.02,
    munmapRate: 0.1,
    swapoffRate: 0.01,
    swaponRate: 0.03,
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
    // Every op checked, the bad ones listed (one expect, not one per op: 100K expects cost seconds).
    const bad = Array.from(ops).filter((op) => {
      const k = opKind(op);
      if (k === OP.FORK) return opArg(op) === opMm(op) || opArg(op) >= o.mms;
      if (k === OP.MUNMAP) return opArg(op) < 1 || opArg(op) > MUNMAP_MAX || opPage(op) + opArg(op) > o.pagesPerMm;
      if (k === OP.SWAPOFF || k === OP.SWAPON) return opArg(op) >= o.areas;
      return opPage(op) >= o.pagesPerMm;
    });
    expect(bad.map((op) => (op >>> 0).toString(16))).toEqual([]);
    const lengths = new Set(ops.filter((op) => opKind(op) === OP.MUNMAP).map(opArg));
    expect(lengths.size).toBe(MUNMAP_MAX);
    const areas = new Set(ops.filter((op) => opKind(op) === OP.SWAPOFF || opKind(op) === OP.SWAPON).map(opArg));
    expect(areas).toEqual(new Set([0, 1]));
  });

  it("rare ops keep the encoding kind << 28 | arg << 22 | mm << 16 | page", () => {
    const bad = Array.from(ops).filter((op) => {
      const k = opKind(op);
      if (k === OP.FORK) return opPage(op) !== 0;
      if (k === OP.EXIT) return (op & 0x0fc0ffff) !== 0; // mm only
      if (k === OP.SWAPOFF || k === OP.SWAPON) return (op & 0x3fffff) !== 0; // area in arg, no mm, no page
      if (k === OP.READ || k === OP.WRITE) return opArg(op) !== 0;
      return k !== OP.MUNMAP;
    });
    expect(bad.map((op) => (op >>> 0).toString(16))).toEqual([]);
  });

  it("a rate of 1 makes every op that kind", () => {
    for (const [rate, kind] of [
      ["forkRate", OP.FORK],
      ["munmapRate", OP.MUNMAP],
      ["swaponRate", OP.SWAPON],
    ] as const) {
      const all = stream({ ...base, [rate]: 1 }, 9, 0, 20000);
      expect(Array.from(all).every((op) => opKind(op) === kind)).toBe(true);
    }
    // Writes only: a write ratio of 1 (and reads only at 0).
    expect(Array.from(stream({ ...base, writeRatio: 1 }, 9, 0, 20000)).every((op) => opKind(op) === OP.WRITE)).toBe(true);
    expect(Array.from(stream({ ...base, writeRatio: 0 }, 9, 0, 20000)).every((op) => opKind(op) === OP.READ)).toBe(true);
  });

  it("with one mm there is nowhere to fork to: no forks", () => {
    const one = stream({ ...o, mms: 1 }, 3, 0, 10000);
    expect(Array.from(one).some((op) => opKind(op) === OP.FORK)).toBe(false);
  });
});

describe("bulk mode's refill", () => {
  const o: WorkloadOptions = { ...base, cpus: 3, writeRatio: 0, munmapRate: 0.05 };
  const machine = { ...DEFAULT_CONFIG, cpus: 3, mms: 4, pagesPerMm: 64, areas: 2, frames: 512, slotsPerArea: 64, opCap: 64 };

  it("each CPU runs its share of the ops, drawn from its stream, refilled by the model", () => {
    const e = Engine.wasm();
    e.configure(machine);
    const ops = 3 * 1000 + 2; // CPUs 0 and 1 get one more
    configureGenerator(e, o, 5, ops);
    e.reset();
    e.takeStats();
    expect(e.run(1 << 20)).toBe(RUN.DONE); // never STARVED: the host wrote nothing
    expect(e.takeStats().ops).toBe(ops);
    const cap = machine.opCap;
    for (let c = 0; c < 3; c++) {
      const mine = 1000 + (c < 2 ? 1 : 0);
      expect(e.agentWord(c, AG.OPS_DONE)).toBe(mine);
      expect(e.agentWord(c, AG.OP_TAIL)).toBe(mine);
      expect(e.agentWord(c, AG.OPS_FINAL)).toBe(1);
      // The ring holds the last ops the CPU ran: its stream's, in order.
      const want = stream(o, 5, c, mine);
      const ring = (e.region(R.OPS) >> 2) + c * cap;
      for (let i = mine - cap; i < mine; i++) expect(e.I32[ring + (i & (cap - 1))]).toBe(want[i]);
    }
    expect(e.global(G.CPUS_DONE)).toBe(0b111);
  });

  it("quotas beyond 2^31 ops count down in two words", () => {
    const e = Engine.wasm();
    e.configure(machine);
    const ops = 3 * (2 ** 31 + 5); // 2^31 + 5 = 2 * 2^30 + 5 each
    configureGenerator(e, o, 5, ops);
    e.reset(); // each CPU's ring is filled once (64 ops): 2 * 2^30 + 5 - 64 = 1 * 2^30 + (2^30 - 59) left
    const w = e.region(R.WORKLOAD) >> 2;
    for (let c = 0; c < 3; c++) {
      const at = w + 4 * (c + 1);
      expect([e.I32[at + 2], e.I32[at + 3]]).toEqual([2 ** 30 - 59, 1]);
    }
  });

  it("ops_end ends a generated stream: the CPU runs what its ring holds and goes DONE", () => {
    const e = Engine.wasm();
    e.configure(machine);
    configureGenerator(e, o, 5, Number.MAX_SAFE_INTEGER);
    e.reset();
    e.takeStats();
    expect(e.run(5000)).toBe(RUN.LIMIT);
    for (let c = 0; c < 3; c++) e.m.ops_end(c);
    expect(e.run(1 << 20)).toBe(RUN.DONE);
    for (let c = 0; c < 3; c++) expect(e.agentWord(c, AG.OPS_DONE)).toBe(e.agentWord(c, AG.OP_TAIL));
    expect(e.takeStats().ops).toBeLessThan(5000 + 3 * machine.opCap);
  });

  it("with the generator off (configure's default) the host's ops run as before", () => {
    const e = Engine.wasm();
    e.configure(machine);
    configureGenerator(e, o, 5, 100);
    e.configure(machine); // turns it off again
    e.reset();
    expect(e.run(100)).toBe(RUN.STARVED);
    e.loadOps([[0x10000000], [0x10000001], []]); // one read each on CPUs 0 and 1
    e.takeStats();
    expect(e.run(1 << 16)).toBe(RUN.DONE);
    expect(e.takeStats().ops).toBe(2);
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

  it("the workload must fit the machine it is configured on", () => {
    const e = Engine.wasm();
    e.configure({ ...DEFAULT_CONFIG, cpus: 4, mms: 4, pagesPerMm: 64, areas: 2 });
    expect(() => configureGenerator(e, base, 1, 10)).not.toThrow();
    expect(() => configureGenerator(e, { ...base, cpus: 3 }, 1, 10)).toThrow(/3 CPUs, but the machine has 4/);
    expect(() => configureGenerator(e, { ...base, mms: 5 }, 1, 10)).toThrow(UsageError);
    expect(() => configureGenerator(e, { ...base, pagesPerMm: 65 }, 1, 10)).toThrow(UsageError);
    expect(() => configureGenerator(e, { ...base, areas: 3 }, 1, 10)).toThrow(UsageError);
    expect(() => configureGenerator(e, base, 1, -1)).toThrow(/ops must be a non-negative integer/);
  });

  it("drawOps rejects a CPU the machine does not have", () => {
    expect(() => drawOps(ready(wasm, base, 1), 4, 1)).toThrow(RangeError);
  });
});
