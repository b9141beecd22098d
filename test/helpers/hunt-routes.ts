// Hunts as the command line runs them, and the routes their first findings take: shared by
// the tests that check which route a hunt finds (test/explore/*-240.test.ts,
// readahead-vm-swap-full.test.ts, route-reclaim.test.ts).
import { expect } from "vitest";
import { resolveModel } from "../../src/model/models.js";
import { hunt, HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import type { HuntOptions, HuntResult } from "../../src/explore/hunt-options.js";
import { huntMachineFor } from "../../src/explore/machine.js";
import { huntOpsPerCpu, huntThreads } from "../../src/explore/defaults.js";
import { routeOfRepro, type ReproRoute, type RouteVerdict } from "../../src/explore/route.js";

/** What `faultsim hunt --model MODEL --sched SCHED` runs (the model's own hunt machine, threads
 *  and ops), bounded by `executions` rather than the clock, and unshrunk: the repro is the
 *  execution as hunted, the same on every run. */
export function commandLineHunt(model: string, sched: "pct" | "random", executions: number): HuntOptions {
  return {
    ...HUNT_DEFAULTS,
    model: resolveModel(model),
    machine: huntMachineFor(model, sched),
    shareMm: huntThreads(model),
    sched,
    opsPerCpu: huntOpsPerCpu(model, sched),
    executions,
    budgetMs: 60_000, // the execution bound decides; the clock only guards
    shrinkMs: -1,
  };
}

export interface HuntAndRoute {
  hunt: HuntResult;
  /** The traced replay of the first finding, and the route it took. */
  replay: ReproRoute;
}

/** One hunt per seed, each with the route of its first finding. */
export async function huntRoutes(opts: HuntOptions, seeds: readonly number[]): Promise<Map<number, HuntAndRoute>> {
  const out = new Map<number, HuntAndRoute>();
  for (const seed of seeds) {
    const r = await hunt({ ...opts, seed });
    const f = r.findings[0];
    out.set(seed, { hunt: r, replay: f ? await routeOfRepro(f.repro) : { reproduced: false, route: undefined } });
  }
  return out;
}

/** The duplicate's two adds by their callers, each expected there: the swap-out's
 *  (try_to_swap_out) and the reader's (read_swap_cache_async). */
export function addersOf(v: RouteVerdict) {
  const adds = [v.first, v.second];
  const swapper = adds.find((a) => a.callers.at(-1) === "try_to_swap_out");
  const reader = adds.find((a) => a.callers.at(-1) === "read_swap_cache_async");
  expect(swapper, "try_to_swap_out's add").toBeDefined();
  expect(reader, "read_swap_cache_async's add").toBeDefined();
  return { swapper: swapper!, reader: reader! };
}
