// The search loop's swarm path (src/explore/loop.ts): each execution's shape is written into
// the config block and the model lays it out and takes its workload itself (kernel/hunt.ts
// hunt_shaped). Every execution must be the one its shape gives an engine configured from
// scratch (configure, configureHuntWorkload, hunt_execution), on Wasm and on the JS twin.
import { describe, it, expect } from "vitest";
import { Engine, type Backend } from "../../src/wasm/engine.js";
import { CFG, CFG_COUNT, G, R, SCHED } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { HUNT_LOGCAP, HUNT_MACHINE, huntConfig } from "../../src/explore/machine.js";
import { HuntLoop, type HuntLoopSpec } from "../../src/explore/loop.js";
import { emptySeqHash, emptyTally } from "../../src/explore/shard.js";
import { swarmCode, swarmShape } from "../../src/explore/swarm.js";
import { configureHuntWorkload, executionSeedFrom, huntSeedBase } from "../../src/explore/workload.js";
import { parseMix } from "../../src/explore/mix.js";
import { SWARM_SPEC } from "../helpers/swarm.js";

/** Steps and choice-log fingerprint of the execution the engine ran last. */
const outcome = (e: Engine, code: number) => ({ code, steps: e.I32[(e.region(R.GLOBALS) >> 2) + G.STEP], print: e.m.hunt_print() });

/** The engine's config block but the CFG_HUNT_* words (which configureHuntWorkload does not
 *  write: it hands the workload to the model directly, where the loop's executions read it
 *  from those words, and the executions compared above would differ). */
const configWords = (e: Engine) =>
  Array.from(e.I32.subarray(e.m.config_addr() >> 2, (e.m.config_addr() >> 2) + CFG_COUNT)).filter(
    (_, k) => k < CFG.HUNT_OPS || k > CFG.HUNT_MIX_AREAS,
  );

async function sideBySide(backend: Backend, swarm: HuntLoopSpec["swarm"], n: number): Promise<number> {
  const model = resolveModel("linux-2.4.16");
  const spec: HuntLoopSpec = {
    machine: HUNT_MACHINE,
    flags: model.flags,
    flags2: model.flags2,
    sched: "pct",
    depth: 4,
    pctK: 64,
    huntSeed: 7,
    workload: { cpus: 3, opsPerCpu: 5, pagesPerMm: 4, mms: 1, shareMm: true, writeRatio: 0.5 },
    swarm,
  };
  const loop = new HuntLoop(await Engine.create(backend, "untraced"), spec);
  const ref = await Engine.create(backend, "untraced");
  const base = huntSeedBase(spec.huntSeed);
  const shapes = new Set<number>();
  for (let i = 0; i < n; i++) {
    loop.run(i, i + 1, emptyTally(), emptySeqHash(), () => false);
    const ours = outcome(loop.e, -1);
    const code = swarmCode(executionSeedFrom(base, i));
    shapes.add(code);
    const shape = swarmShape(swarm!, code);
    ref.configure(huntConfig(shape.machine, model, SCHED.PCT, spec.depth, spec.pctK));
    configureHuntWorkload(ref.m, shape.workload);
    const theirs = outcome(ref, ref.m.hunt_execution(base, i, HUNT_LOGCAP));
    expect({ ...ours, code: -1 }, `execution ${i}`).toEqual({ ...theirs, code: -1 });
    // The config block as configure() left it (HuntLoop.writeShape writes a layout's words).
    expect(configWords(loop.e), `execution ${i}'s config`).toEqual(configWords(ref));
    expect(loop.e.config.cpus).toBe(shape.machine.cpus); // Engine.config follows the layout
  }
  return shapes.size;
}

describe("the search loop's swarm executions", () => {
  for (const backend of ["wasm", "js"] as const) {
    it(`are those of their shapes configured from scratch (${backend})`, async () => {
      expect(await sideBySide(backend, SWARM_SPEC, backend === "wasm" ? 400 : 120)).toBeGreaterThan(50);
    }, 60_000);
  }

  it("with pins, a mix among them", async () => {
    const pins = { cpus: 2, mix: parseMix("all") };
    expect(await sideBySide("wasm", { ...SWARM_SPEC, pins }, 200)).toBeGreaterThan(20);
  }, 60_000);
});
