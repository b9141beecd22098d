// The swarm tests' hunt (test/explore/swarm.test.ts, swarm.full.test.ts): a swarm hunt of
// linux-2.4.10-pre from one seed until the seed race, and the spec its shapes are drawn with.
import { hunt, type Finding } from "../../src/index.js";
import type { SwarmSpec } from "../../src/explore/swarm.js";

export const SEED_RACE = "swapcache-unique@add_to_swap_cache";

/** The spec of the default hunt's swarm shapes: nothing pinned, 5 ops, threads, half writes. */
export const SWARM_SPEC: SwarmSpec = { pins: {}, opsPerCpu: 5, shareMm: true, writeRatio: 0.5 };

/** A swarm hunt of linux-2.4.10-pre from `seed` until the seed race (or 60,000 executions). */
export async function huntSeedRace(seed: number, shrinkMs = 0): Promise<Finding | undefined> {
  const r = await hunt({
    model: "linux-2.4.10-pre",
    swarm: true,
    seed,
    executions: 60_000,
    budgetMs: 600_000,
    shrinkMs,
    until: (f) => f.signature === SEED_RACE,
  });
  return r.findings.find((f) => f.signature === SEED_RACE);
}
