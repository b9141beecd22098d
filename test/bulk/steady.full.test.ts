// Full tier: the default `faultsim run`, at its default length, swaps in and out on every seed
// 1-20 (test/bulk/steady.test.ts checks a tenth of the length in the fast tier).
import { describe, it, expect } from "vitest";
import { cliCapture } from "../helpers/cli.js";

const { io, faultsim } = cliCapture();

describe("the default run at its default length", () => {
  it("swaps in and out on seeds 1-20", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      io.out = "";
      expect(await faultsim("run", "--json", "--seed", String(seed))).toBe(0);
      const st = (JSON.parse(io.out) as { stats: Record<string, number> }).stats;
      expect(st.swapOuts, `seed ${seed}`).toBeGreaterThan(10_000);
      expect(st.swapIns, `seed ${seed}`).toBeGreaterThan(10_000);
      expect(Math.abs(st.forks - st.exits), `seed ${seed}`).toBeLessThanOrEqual(4);
    }
  }, 600_000);
});
