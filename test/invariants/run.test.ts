// The checker over real executions of the model: random schedules of generated workloads on
// a hunt-sized machine. The shipped fix (linux-2.4.16) must come out clean at rest; whatever
// the model itself reports must decode, and a duplicate it catches must be visible to the
// deep checker too (the two layers agree on the state).
import { describe, it, expect } from "vitest";
import { Engine, DEFAULT_CONFIG } from "../../src/wasm/engine.js";
import { SCHED, RUN, VIOLATION_IDS } from "../../src/wasm/abi.js";
import { checkInvariants, modelViolation } from "../../src/invariants/check.js";
import { configureGenerator, DEFAULT_WORKLOAD, type WorkloadOptions } from "../../src/workload/generator.js";
import { MODELS, resolveModel } from "../../src/model/models.js";

const WORKLOAD: WorkloadOptions = {
  ...DEFAULT_WORKLOAD,
  cpus: 2,
  mms: 1,
  pagesPerMm: 4,
  threadsShareMm: true,
  pattern: "uniform",
  writeRatio: 0.6,
  forkRate: 0,
  exitRate: 0,
  munmapRate: 0,
};

function hunt(model: string, executions: number, workload = WORKLOAD) {
  const e = Engine.wasm();
  e.configure({
    ...DEFAULT_CONFIG,
    cpus: workload.cpus,
    frames: 8,
    mms: workload.mms,
    pagesPerMm: workload.pagesPerMm,
    areas: workload.areas,
    slotsPerArea: 16,
    pageCluster: 1,
    freeMin: 3,
    freeLow: 4,
    freeHigh: 5,
    swapCluster: 2,
    flags: resolveModel(model).flags,
    sched: SCHED.RANDOM,
    opCap: 64,
    logCap: 1 << 14,
    logRing: false,
  });
  const atRest: string[] = [];
  const inModel: string[] = [];
  const disagreements: string[] = [];
  for (let seed = 1; seed <= executions; seed++) {
    e.setSeed(seed);
    configureGenerator(e, workload, seed, 12 * workload.cpus); // 12 generated ops per CPU
    e.reset();
    const code = e.run(1 << 14);
    if (code === RUN.DONE) {
      for (const v of checkInvariants(e, { quiescent: true })) atRest.push(`seed ${seed}: ${v.signature}: ${v.message}`);
    } else if (code === RUN.VIOLATION) {
      const v = modelViolation(e)!;
      inModel.push(v.signature);
      expect(VIOLATION_IDS).toContain(v.id);
      if (v.id === "swapcache-unique") {
        const deep = checkInvariants(e, { quiescent: false }).map((d) => d.id);
        if (!deep.includes("swapcache-unique")) disagreements.push(`seed ${seed}: ${v.message} / deep: ${deep.join(",")}`);
      }
    }
  }
  return { atRest, inModel, disagreements };
}

describe("the checker over model executions", () => {
  it("linux-2.4.16 (the shipped fix) is clean at rest and in-model", () => {
    const r = hunt("linux-2.4.16", 3000);
    expect(r.atRest.slice(0, 5)).toEqual([]);
    expect(r.inModel.slice(0, 5)).toEqual([]);
  });

  it("linux-2.4.16 under pressure with munmap, swapoff and swapon is clean at rest and in-model", () => {
    // More pages than frames; threads of three mms. (Fork and exit are left out: the model's
    // fork replaces the child mm while other CPUs' threads may still fault in it.)
    const r = hunt("linux-2.4.16", 1500, {
      ...WORKLOAD,
      mms: 3,
      pagesPerMm: 6,
      areas: 2,
      pattern: "hotcold",
      munmapRate: 0.05,
      swapoffRate: 0.02,
      swaponRate: 0.02,
    });
    expect(r.atRest.slice(0, 5)).toEqual([]);
    expect(r.inModel.slice(0, 5)).toEqual([]);
  });

  for (const m of MODELS) {
    it(`${m.name}: in-model violations decode, and a duplicate is seen by the deep checker`, () => {
      const r = hunt(m.name, 2000);
      for (const s of r.inModel) expect(s).toMatch(/^[a-z-]+(@[a-z_]+)?$/);
      expect(r.disagreements.slice(0, 5)).toEqual([]);
    });
  }
});
