// swap-map-uaf: a reader of swap_map touches the map of an area sys_swapoff has freed. The map's
// lifetime is modelled by its area's flags word (sys_swapoff sets p->flags = 0 as it frees
// p->swap_map), and every reader checks it where the kernel loads p->swap_map[offset]
// (assembly/mm/swapfile.ts map_read). 2.4.0's teardown frees the map and leaves p->max, so a
// fault that read its swap pte before the swapoff and waited for the BKL passes
// valid_swaphandles' only check (toff < max) and reads the freed map (a NULL swap_map there);
// p->max = 0 beside the vfree (flag swapoff-clears-max, 2.4.10-pre9 and 2.4.16) turns it away.
// 2.4.16 has no route (docs/kernel-notes.md): it stays clean under the same hunt.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import type { Finding } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { resolveModel } from "../../src/model/models.js";
import { opKind, OP } from "../../src/wasm/abi.js";
import { RACES, matchesRace } from "../../src/races/catalogue.js";

const MIX = "read=4,write=4,swapoff=1,swapon=1";
const race = RACES.find((r) => r.name === "swap-map-uaf")!;

/** A keep-going hunt of linux-2.4.0 from seed, stopped at the first finding of the race. */
async function huntUaf(seed: number, flags: { with?: string[] } = {}) {
  const r = await hunt({
    model: "linux-2.4.0",
    mix: MIX,
    ...flags,
    seed,
    shrinkMs: 0,
    executions: 5_000,
    budgetMs: 120_000,
    until: (f) => matchesRace(race, f.signature),
  });
  return { found: r.findings.find((f) => matchesRace(race, f.signature)), r };
}

describe("swapoff frees swap_map under a reader (swap-map-uaf, swapoff-clears-max)", () => {
  let found: Finding | undefined;

  it.each([1, 2, 3])(
    "a keep-going linux-2.4.0 hunt finds the reader of the freed map from seed %i (budget: 5,000 executions)",
    async (seed) => {
      const { found: f, r } = await huntUaf(seed);
      expect(f, r.findings.map((x) => x.signature).join(", ")).toBeDefined();
      expect(f!.signature).toBe("swap-map-uaf@valid_swaphandles");
      expect(f!.verdict.message).toMatch(/reads the swap map for E\d+:\d+ after sys_swapoff freed it \(max still \d+\)/);
      expect(f!.repro.ops.flat().map(opKind)).toContain(OP.SWAPOFF);
      found ??= f;
    },
    60_000,
  );

  it("the found schedule replayed: the use after free with 2.4.0's teardown, none with swapoff-clears-max", async () => {
    expect(found).toBeDefined();
    const x = { ops: found!.repro.ops, seed: found!.repro.seed, schedule: decodeSchedule(found!.repro.schedule) };
    const before = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.0"));
    expect(before.run(x).verdict?.signature).toBe("swap-map-uaf@valid_swaphandles");
    const fixed = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.0", ["swapoff-clears-max"]));
    const after = fixed.run(x);
    expect(after.verdict?.id ?? "clean").not.toBe("swap-map-uaf");
  });

  it("linux-2.4.0 with swapoff-clears-max: the same hunts find no reader of a freed map through the offset check", async () => {
    for (const seed of [1, 2, 3]) {
      const { found: f, r } = await huntUaf(seed, { with: ["swapoff-clears-max"] });
      expect(f).toBeUndefined();
      expect(r.executions).toBe(5_000);
    }
  }, 60_000);

  // linux-2.4.16-fixed under the same mix: 1,000,000 executions in the full tier
  // (test/races/later-races-fixed.full.test.ts).
  it("linux-2.4.16 stays clean under the same mix (20,000 executions, 2 seeds)", async () => {
    for (const seed of [1, 2]) {
      const r = await hunt({ model: "linux-2.4.16", mix: MIX, seed, executions: 20_000, budgetMs: 600_000, shrinkMs: 2_000 });
      expect(r.findings.map((f) => f.signature)).toEqual([]);
      expect(r.executions).toBe(20_000);
    }
  }, 120_000);
});
