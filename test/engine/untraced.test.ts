// The two Wasm builds of the model (src/build/build-wasm.mjs): build/faultsim.wasm can trace,
// build/faultsim-untraced.wasm cannot (its trace() calls fold away) and is what the hunt's
// search, campaign workers and bulk runs load. A hunt searches on one and replays its findings
// on the other, so the two must run the same executions: same run codes, same choice logs,
// same end states, for every model, under PCT and the random walk, and in bulk runs (uniform random).
import { describe, it, expect } from "vitest";
import { Engine, wasmModule } from "../../src/wasm/engine.js";
import { RUN, SCHED } from "../../src/wasm/abi.js";
import { huntConfig, HUNT_MACHINE, HUNT_LOGCAP } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase } from "../../src/explore/workload.js";
import { resolveModel, MODELS } from "../../src/model/models.js";
import { runBulk } from "../../src/bulk/run.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";
import { checkInvariants } from "../../src/invariants/check.js";

const traced = () => Engine.wasm(wasmModule("traced"));
const untraced = () => Engine.wasm(wasmModule("untraced"));

describe("the untraced build", () => {
  it("is not the traced build, and refuses to trace where the traced build and the JS twin do", async () => {
    expect(wasmModule("untraced")).not.toBe(wasmModule("traced"));
    for (const [e, can] of [
      [traced(), 1],
      [untraced(), 0],
      [await Engine.js(), 1],
    ] as const) {
      expect(e.m.tracing(1)).toBe(can);
      expect(e.m.tracing(0)).toBe(1); // off is always possible
    }
  });

  it.each(MODELS.map((m) => m.name))("runs %s's hunt executions exactly as the traced build", (name) => {
    const flags = resolveModel(name);
    for (const sched of [SCHED.PCT, SCHED.RANDOM]) {
      const runs = [traced(), untraced()].map((e) => {
        e.configure(huntConfig(HUNT_MACHINE, flags, sched, 4, 100));
        configureHuntWorkload(e.m, { cpus: 2, opsPerCpu: 5, pagesPerMm: HUNT_MACHINE.pagesPerMm, mms: 1, shareMm: true, writeRatio: 0.5 });
        const out: string[] = [];
        for (let n = 0; n < 400; n++) {
          const code = e.m.hunt_execution(huntSeedBase(11), n, HUNT_LOGCAP);
          out.push(`${code} ${e.choiceLog().join("")} ${e.stateHash()}`);
        }
        return out;
      });
      expect(runs[1]).toEqual(runs[0]);
      // Not a vacuous comparison: the executions differ, and some are clean at rest.
      expect(new Set(runs[0]).size).toBeGreaterThan(300);
      expect(runs[0].some((r) => r.startsWith(`${RUN.CLEAN} `))).toBe(true);
    }
  });

  it("runs a bulk run to the same stats and end state as the traced build", async () => {
    const checker = checkInvariants;
    const sizes = { cpus: 3, mms: 4, pagesPerMm: 256, frames: 160, areas: 2, slotsPerArea: 512 };
    const machine = bulkMachineConfig(sizes, {
      flags: resolveModel("linux-2.4.10-pre").flags,
      flags2: resolveModel("linux-2.4.10-pre").flags2,
      kswapd: true,
      seed: 3,
      sched: SCHED.RANDOM,
    });
    const workload = {
      cpus: 3,
      mms: 4,
      pagesPerMm: 256,
      areas: 2,
      pattern: "hotcold" as const,
      writeRatio: 0.4,
      threads: true,
      forkRate: 0.01,
      exitRate: 0.005,
      munmapRate: 0.01,
      swapoffRate: 0.001,
      swaponRate: 0.001,
    };
    const [a, b] = await Promise.all(
      [traced(), untraced()].map((engine) =>
        runBulk({ backend: "wasm", machine, workload, seed: 3, ops: 30_000, checkInterval: 5000, checker, engine }),
      ),
    );
    expect(b.stateHash).toBe(a.stateHash);
    expect(b.stats).toEqual(a.stats);
    expect(a.stats.swapOuts).toBeGreaterThan(0);
  });
});
