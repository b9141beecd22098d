// linux-2.4.16-fixed (2.4.16 plus every later fix of the races the op mix reaches) hunted with
// --mix all for a stated budget finds nothing. The fast tier's test/races/later-races.test.ts
// shows linux-2.4.16 failing on the same mix.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";

const HUNT = { mix: "all", shrinkMs: 2_000, budgetMs: 600_000 } as const;

describe("linux-2.4.16-fixed", () => {
  it("linux-2.4.16-fixed: a --mix all hunt finds nothing from seeds 1 and 2 (budget: 1,000,000 executions each)", async () => {
    for (const seed of [1, 2]) {
      const r = await hunt({ ...HUNT, model: "linux-2.4.16-fixed", seed, executions: 1_000_000 });
      expect(r.executions).toBe(1_000_000);
      expect(r.findings.map((f) => f.signature)).toEqual([]);
    }
  }, 600_000);

  it("linux-2.4.16-fixed: swap-map-uaf's hunt (swapoff and swapon beside reads and writes) finds nothing (budget: 1,000,000 executions)", async () => {
    const r = await hunt({
      ...HUNT,
      mix: "read=4,write=4,swapoff=1,swapon=1",
      model: "linux-2.4.16-fixed",
      seed: 1,
      executions: 1_000_000,
    });
    expect(r.executions).toBe(1_000_000);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
  }, 600_000);
});
