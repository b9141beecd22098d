// An execution's fingerprint (the campaign hash's input, src/explore/checkpoint.ts) is computed
// in the model (assembly/kernel/hunt.ts execution_print, four log bytes a load): it must be
// FNV-1a over the choice log's bytes, one at a time, and the agents mask the OR of each byte's
// agent, for logs of every length mod 4, in both builds, of hunt executions and of replays.
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { SCHED } from "../../src/wasm/abi.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, executionSeedFrom, huntOps, huntSeedBase } from "../../src/explore/workload.js";
import { Replayer } from "../../src/explore/execute.js";
import { resolveModel } from "../../src/model/models.js";

function reference(log: number[]): { print: number; agents: number } {
  let h = 0x811c9dc5;
  let agents = 0;
  for (const b of log) {
    h = Math.imul(h ^ b, 0x01000193);
    agents |= 1 << (b & 15);
  }
  return { print: h | 0, agents };
}

const WORKLOAD = { cpus: 3, opsPerCpu: 5, pagesPerMm: 4, mms: 1, shareMm: true, writeRatio: 0.5 };

describe("the execution fingerprint", () => {
  // A step's own pick (the disk's request, sched_pick) is in its byte: the random walk's logs
  // have picks (PCT's of this machine, none).
  it.each([
    ["wasm", SCHED.PCT],
    ["js", SCHED.PCT],
    ["wasm", SCHED.RANDOM],
    ["js", SCHED.RANDOM],
  ] as const)("is FNV-1a over the choice log's bytes (%s, scheduler %i)", async (backend, sched) => {
    const e = backend === "wasm" ? await Engine.create("wasm", "untraced") : await Engine.js();
    e.configure(huntConfig(HUNT_MACHINE, resolveModel("linux-2.4.16"), sched, 4, 40));
    configureHuntWorkload(e.m, WORKLOAD);
    const lengths = new Set<number>();
    let picks = 0;
    for (let n = 0; n < 200; n++) {
      e.m.hunt_execution(huntSeedBase(2), n, HUNT_LOGCAP);
      const log = e.choiceLog();
      lengths.add(log.length % 4);
      if (log.some((b) => b >> 4 !== 0)) picks++;
      const want = reference(log);
      expect(e.m.hunt_print(), `execution ${n}`).toBe(want.print);
      expect(e.m.hunt_agents(), `execution ${n}`).toBe(want.agents);
    }
    expect([...lengths].sort()).toEqual([0, 1, 2, 3]);
    if (sched === SCHED.RANDOM) expect(picks).toBeGreaterThan(0);
  });

  it("of a replayed execution is that of the log the host wrote", async () => {
    const flags = resolveModel("linux-2.4.16");
    const e = await Engine.create("wasm", "untraced");
    e.configure(huntConfig(HUNT_MACHINE, flags, SCHED.PCT, 4, 40));
    configureHuntWorkload(e.m, WORKLOAD);
    const r = await Replayer.create(HUNT_MACHINE, flags);
    for (let n = 0; n < 20; n++) {
      e.m.hunt_execution(huntSeedBase(2), n, HUNT_LOGCAP);
      const s = executionSeedFrom(huntSeedBase(2), n);
      const schedule = e.choiceLog();
      expect(r.run({ ops: huntOps({ ...WORKLOAD }, s), seed: s, schedule }).diverged).toBe(false);
      expect(r.e.m.hunt_print(), `execution ${n}`).toBe(reference(schedule).print);
    }
  });
});
