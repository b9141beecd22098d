// The fixes, as a kernel developer would check them: the shipped linux-2.4.16 hunted for a
// million executions finds nothing; switching its fix (unique-add: add_to_swap_cache's atomic
// check-and-insert with the -EEXIST/-ENOENT retry loops) off, and the BKL it replaced back,
// brings the seed's duplicate back.
import { describe, it, expect } from "vitest";
import { resolveModel } from "../../src/model/models.js";
import { hunt, HUNT_DEFAULTS, HUNT_OPS_PER_CPU } from "../../src/explore/hunt.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";

const base = { ...HUNT_DEFAULTS, machine: HUNT_MACHINE, seed: 7, shrinkMs: 0 };

describe("linux-2.4.16", () => {
  it("finds nothing in 1,000,000 hunt executions (stated budget: 1e6 executions, no time limit)", async () => {
    const r = await hunt({
      ...base,
      model: resolveModel("linux-2.4.16"),
      executions: 1_000_000,
      budgetMs: Number.POSITIVE_INFINITY,
    });
    expect(r.executions).toBe(1_000_000);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
  }, 300_000);

  // The fix off as history had it before: pre9's unchecked add under the BKL it replaced
  // (without bkl-swapin, 2.4.16 less unique-add is a kernel no release was: two faults reading
  // one entry were always serialized).
  it("without unique-add, with bkl-swapin, finds the swap-cache duplicate again", async () => {
    const r = await hunt({
      ...base,
      model: resolveModel("linux-2.4.16", ["bkl-swapin"], ["unique-add"]),
      executions: 1_000_000,
      budgetMs: Number.POSITIVE_INFINITY,
    });
    expect(r.findings.map((f) => f.signature)).toEqual(["swapcache-unique@add_to_swap_cache"]);
    expect(r.executions).toBeLessThan(1_000_000);
  }, 300_000);
});

describe("linux-2.4.16 under the random walk", () => {
  it("finds nothing in 1,000,000 hunt executions (stated budget: 1e6 executions, no time limit)", async () => {
    const r = await hunt({
      ...base,
      model: resolveModel("linux-2.4.16"),
      sched: "random",
      opsPerCpu: HUNT_OPS_PER_CPU.random,
      executions: 1_000_000,
      budgetMs: Number.POSITIVE_INFINITY,
    });
    expect(r.executions).toBe(1_000_000);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
  }, 300_000);
});
// The swapin ABA of linux-2.4.10-pre (vm_swap_full at half) is test/races/swapin-aba.full.test.ts,
// on the race catalogue's shape.
