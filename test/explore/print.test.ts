// An execution's fingerprint (the campaign hash's input, src/explore/checkpoint.ts) is computed
// in the model (assembly/kernel/hunt.ts execution_print, four log bytes a load): it must be
// FNV-1a over the choice log's bytes, one at a time, and the agents mask the OR of each byte's
// agent, for logs of every length mod 4, in both builds.
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { SCHED } from "../../src/wasm/abi.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase } from "../../src/explore/workload.js";
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

describe("the execution fingerprint", () => {
  it.each(["wasm", "js"] as const)("is FNV-1a over the choice log's bytes (%s)", async (backend) => {
    const e = backend === "wasm" ? await Engine.create("wasm", "untraced") : await Engine.js();
    e.configure(huntConfig(HUNT_MACHINE, resolveModel("linux-2.4.16").flags, SCHED.PCT, 4, 40));
    configureHuntWorkload(e.m, { cpus: 3, opsPerCpu: 5, pagesPerMm: 4, mms: 1, shareMm: true, writeRatio: 0.5 });
    const lengths = new Set<number>();
    for (let n = 0; n < 200; n++) {
      e.m.hunt_execution(huntSeedBase(2), n, HUNT_LOGCAP);
      const log = e.choiceLog();
      lengths.add(log.length % 4);
      const want = reference(log);
      expect(e.m.hunt_print(), `execution ${n}`).toBe(want.print);
      expect(e.m.hunt_agents(), `execution ${n}`).toBe(want.agents);
    }
    expect([...lengths].sort()).toEqual([0, 1, 2, 3]);
  });
});
