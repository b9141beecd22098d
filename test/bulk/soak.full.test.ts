// Issue 2's clean-run guarantee: linux-2.4.16, two CPUs (threads of shared mms) interleaved
// at random at every section, kswapd, memory pressure (4x more pages touched than frames) and
// swap slots reused, for at least 1,000,000 faults, with the deep invariant checker at the end
// of every operation and an exact (quiescent) check at the end: no violation.
//
// What the run leaves out to stay clean: nothing of the 2.4.16 model; the ops are the full mix
// (reads, writes, fork, exit, munmap, swapoff, swapon).
import { describe, it, expect } from "vitest";
import { Engine, DEFAULT_CONFIG } from "../../src/wasm/engine.js";
import { RUN, SCHED, G } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { configureGenerator, DEFAULT_WORKLOAD } from "../../src/workload/index.js";
import { checkInvariants, modelViolation, type Violation } from "../../src/invariants/index.js";

const FAULTS = 1_000_000;

/** Runs the soak on a model until FAULTS faults or the first violation. */
function soak(modelName: string) {
  const model = resolveModel(modelName, [], []);
  const cpus = 2,
    mms = 2,
    pages = 64,
    frames = 32;
  const e = Engine.wasm();
  e.configure({
    ...DEFAULT_CONFIG,
    cpus,
    mms,
    pagesPerMm: pages,
    frames,
    areas: 2,
    slotsPerArea: 64,
    flags: model.flags,
    kswapd: true,
    sched: SCHED.RANDOM,
    seed: 2416,
    opCap: 1 << 12,
    freeMin: 2,
    freeLow: 4,
    freeHigh: 6,
    logRing: true,
  });
  // The model generates the ops (bulk mode's generator), with no end until ops_end below.
  configureGenerator(
    e,
    {
      ...DEFAULT_WORKLOAD,
      cpus,
      mms,
      pagesPerMm: pages,
      areas: 2,
      threadsShareMm: true,
      writeRatio: 0.5,
      forkRate: 0.001,
      exitRate: 0.0005,
      munmapRate: 0.002,
      swapoffRate: 0.0002,
      swaponRate: 0.0002,
    },
    2416,
    Number.MAX_SAFE_INTEGER,
  );
  e.reset();
  e.m.stop_at_op_end(1);
  let faults = 0,
    ops = 0,
    checks = 0;
  const found: Violation[] = [];
  const stats = e.takeStats();
  while (faults < FAULTS && found.length === 0) {
    const code = e.run(1 << 16);
    if (code === RUN.OP_END) {
      ops++;
      checks++;
      found.push(...checkInvariants(e, { quiescent: false }));
    } else if (code === RUN.VIOLATION) {
      found.push(modelViolation(e)!);
    } else if (code !== RUN.LIMIT) {
      throw new Error(`unexpected run result ${code}`);
    }
    if ((ops & 0xfff) === 0) {
      e.takeStats(stats);
      faults = stats.minorFaults + stats.majorFaults;
    }
  }
  // Drain: no more ops, let every CPU finish and the disk go idle, then the exact check.
  e.m.stop_at_op_end(0);
  for (let c = 0; c < cpus; c++) e.m.ops_end(c);
  if (found.length === 0) {
    const code = e.run(1 << 24);
    if (code === RUN.VIOLATION) found.push(modelViolation(e)!);
    else {
      expect(code).toBe(RUN.DONE);
      found.push(...checkInvariants(e, { quiescent: true }));
    }
  }
  e.takeStats(stats);
  return { found, stats, checks, e };
}

describe("soak: 2 interleaved CPUs under pressure, deep check after every op", () => {
  it(`linux-2.4.16: ${FAULTS.toLocaleString()} faults and no violation`, () => {
    const { found, stats, checks, e } = soak("linux-2.4.16");
    expect(found.map((v) => v.message)).toEqual([]);
    expect(stats.minorFaults + stats.majorFaults).toBeGreaterThanOrEqual(FAULTS);
    expect(checks).toBeGreaterThan(FAULTS / 2);
    // The run really was under pressure and really swapped, raced and reclaimed.
    expect(stats.majorFaults).toBeGreaterThan(10_000);
    expect(stats.swapOuts).toBeGreaterThan(10_000);
    expect(stats.directReclaim + stats.kswapdRuns).toBeGreaterThan(1000);
    expect(stats.forks).toBeGreaterThan(100);
    expect(e.global(G.VIOL)).toBe(0);
  }, 300_000);

  it("linux-2.4.10-pre: the same run finds the seed's swap-cache duplicate", () => {
    const { found } = soak("linux-2.4.10-pre");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].id).toBe("swapcache-unique");
  }, 300_000);
});
