// A hunt on worker threads keeps a budget its start-up used up (issue 9, part 3: "--budget-ms is
// honoured within a few percent with any number of workers"): on a loaded machine starting
// the workers can take longer than a short budget, and the first round, run whatever is left,
// must then be a few executions, not a round sized for a machine at rest. With the random
// scheduler there is no PCT probe, so no rate to size the first round from (as for a built
// campaign whose k is in the build's table; sources run by the tests have no table); PCT's
// probe gives one.
import { describe, it, expect } from "vitest";
import { huntInWorkers } from "../../src/workers/hunt-workers.js";
import { HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { resolveModel } from "../../src/model/models.js";

const opts = (sched: "pct" | "random") => ({
  ...HUNT_DEFAULTS,
  model: resolveModel("linux-2.4.10-pre"),
  machine: HUNT_MACHINE,
  sched,
  shrinkMs: 0,
  budgetMs: 1, // spent before the first round: the workers take longer than that to start
});

describe("hunt --workers N, a budget the start-up used up", () => {
  for (const sched of ["random", "pct"] as const) {
    it(`${sched} (${sched === "pct" ? "a rate from the probe" : "no rate"}): a few executions, no more than a chunk per worker`, async () => {
      for (const workers of [1, 2]) {
        const r = await huntInWorkers(opts(sched), workers);
        expect(r.executions, `${workers} workers`).toBeGreaterThan(0);
        // One worker runs in this thread, whose start-up may leave a little of the budget: a chunk.
        expect(r.executions, `${workers} workers`).toBeLessThanOrEqual(workers === 1 ? 64 : workers);
      }
    }, 60_000);
  }
});
