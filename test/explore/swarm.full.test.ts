// Swarm shapes, the slower checks (src/explore/swarm.ts; swarm.test.ts has the rest): a swarm
// hunt finds the seed race on linux-2.4.10-pre from several seeds, each on the shape its
// execution drew, and a swarm campaign runs the same executions (hash, hits, findings) in one
// thread and on two workers, the shapes depending on each execution's seed alone.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { swarmCode, swarmShape } from "../../src/explore/swarm.js";
import { executionSeed } from "../../src/explore/workload.js";
import { SWARM_SPEC, huntSeedRace } from "../helpers/swarm.js";

describe("swarm hunts", () => {
  it("finds the seed race on linux-2.4.10-pre from several seeds", async () => {
    const machines: string[] = [];
    // Seed 4 found it at execution 28,474 until munmap and exit hid the vma before the zap
    // (MM_VMA_HIDDEN, 4 Dec 2026; now at 119,286); seeds 1-8 at 60,000 since: all but 4 (seed 6 at 829).
    // Since the mmlist became a list (the same day), seeds 1-8 at 60,000: 1 (33,311), 3 (50,571),
    // 5 (9,576) and 7 (2,437), each on a shape of its own; 2, 4, 6 and 8 nothing. Since pre9's
    // try_to_unuse yields under PCT at its per-entry schedule() (the same day), seeds 1-10 at
    // 60,000: 1 (33,311), 2 (19,266), 3 (50,571), 5 (50,687), 6 (829), 9 (41,301) and 10
    // (2,744); 4, 7 and 8 nothing. Since the 2.4.0 / pre9 delete takes the page off the LRU
    // (flag del-lru, the same day), the same but seed 6, which finds nothing in 60,000. Since
    // swap_out walks as 2.4.16's does (5 Dec 2026), seeds 1-10 at 60,000: 2 (2,738), 3 (25,659),
    // 5 (20,746), 6 (38,111), 7 (2,437), 9 (41,695) and 10 (17,560); 1, 4 and 8 nothing. Since
    // linux-2.4.10-pre's swap_out is pre9's (flag swap-amount, the same day): 1 (33,311), 3
    // (19,728), 8 (57,704), 9 (41,301) and 10 (17,560); 2, 4, 5, 6 and 7 nothing. Since pre9's
    // walk that stops on its count at vm_end keeps swap_address (5 Dec 2026), seeds 1-12 at
    // 60,000 (huntSeedRace's hunt from a script on dist/, 0.1-0.7 CPU s a seed): 1 (14,379),
    // 5 (56,836), 6 (42,422), 7 (46,491), 8 (57,704), 9 (41,301), 10 (57,551) and 12 (4,107),
    // each on the shape its execution drew; 2, 3, 4 and 11 nothing (seed 3 was tried here
    // until then). Since swap_out's mmput runs a section after swap_out_mm's unlock and
    // __alloc_pages' watermark tests are sections apart from their rmqueue (6 Dec 2026), seeds
    // 1-12 at 60,000 (the same script): 2 (2,738), 3 (6,598), 5 (20,746), 6 (22,701), 9
    // (41,611), 10 (56,359), 11 (32,074) and 12 (4,107); 1, 4, 7 and 8 nothing (10, 12 and 1
    // were tried here until then). Since pre9's add-before-pcl, pcl-lru, walk past init_mm
    // ending its section and swap_out counter read before mmlist_lock (6 Dec 2026), seeds 1-12
    // at 60,000 (the same script, 0.1-0.9 CPU s a seed): 1 (40,868), 2 (2,738), 3 (6,598), 5
    // (37,912), 6 (22,701), 9 (41,611), 10 (50,442), 11 (32,074) and 12 (4,107); 4, 7 and 8
    // nothing (2, 3 and 5 were tried here until then). Since pre9's page_launder passes over a
    // locked page (launder-skips-locked, 6 Dec 2026), seeds 1-12 at 60,000 (the same script): 2
    // (2,738), 3 (6,598), 5 (37,912), 6 (22,701), 9 (41,611), 10 (50,442), 11 (32,074) and 12
    // (4,107); 1, 4, 7 and 8 nothing (1 was tried here until then). The test tries the first
    // three of seeds 1.. that find it, on two shapes (2 CPUs and 8 frames; 4 and 8).
    for (const seed of [2, 3, 5]) {
      const f = await huntSeedRace(seed);
      expect(f, `seed ${seed}`).toBeDefined();
      // The repro holds the shape its execution drew.
      const drawn = swarmShape(SWARM_SPEC, swarmCode(executionSeed(seed, f!.execution)));
      expect(f!.repro.machine).toEqual(drawn.machine);
      expect(f!.repro.mix).toBe(drawn.mix);
      machines.push(JSON.stringify(f!.repro.machine));
    }
    expect(new Set(machines).size).toBeGreaterThan(1); // found on more than one shape
  }, 120_000);

  it("runs the same executions in one thread and on two workers (same hash, hits and findings)", async () => {
    const o = {
      model: "linux-2.4.10-pre",
      swarm: true,
      sched: "random" as const,
      seed: 7,
      executions: 10_000,
      budgetMs: 600_000,
      shrinkMs: 0,
      keepGoing: true,
    };
    const one = await hunt(o);
    const two = await hunt({ ...o, workers: 2 });
    expect(Object.keys(one.hits).length).toBeGreaterThan(0);
    expect(two.hash).toBe(one.hash);
    expect(two.hits).toEqual(one.hits);
    expect(two.findings.map((f) => [f.execution, f.repro])).toEqual(one.findings.map((f) => [f.execution, f.repro]));
  }, 120_000);
});
