// bench/cpu.ts medianInterval: the distribution-free 95% interval of a median over hunt seeds
// (bench/hunt-figures.ts first), held to the binomial coverage it claims, computed here apart.
import { describe, it, expect } from "vitest";
import { medianInterval } from "../../bench/cpu.js";

/** P(Bin(n, 1/2) < j), summed from the binomial coefficients. */
function below(n: number, j: number): number {
  let p = 0;
  let c = 1; // C(n, i)
  for (let i = 0; i < j; i++) {
    p += c / 2 ** n;
    c = (c * (n - i)) / (i + 1);
  }
  return p;
}

/** The 1-based order statistic medianInterval chose as its lower end, for 1..n as the data. */
const lowerRank = (n: number): number | undefined => medianInterval(Array.from({ length: n }, (_, i) => n - i))?.[0];

describe("medianInterval", () => {
  it("takes the 6th and 15th of 20 and the 40th and 61st of 100, in sorted order", () => {
    const twenty = [13, 2, 20, 7, 1, 19, 5, 16, 9, 11, 3, 18, 6, 15, 8, 12, 4, 17, 10, 14];
    expect(medianInterval(twenty)).toEqual([6, 15]);
    expect(medianInterval(Array.from({ length: 100 }, (_, i) => 100 - i))).toEqual([40, 61]);
  });

  it("covers at least 95% and is the narrowest order-statistic interval that does, for 6 to 200 seeds", () => {
    for (let n = 6; n <= 200; n++) {
      const j = lowerRank(n)!;
      expect(1 - 2 * below(n, j), `n = ${n}`).toBeGreaterThanOrEqual(0.95);
      expect(1 - 2 * below(n, j + 1), `n = ${n}`).toBeLessThan(0.95);
    }
  });

  it("has no interval below 6 seeds, and keeps misses (Infinity) as the largest", () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
    expect(medianInterval([Infinity, 1, 2, 3, 4, Infinity])).toEqual([1, Infinity]);
  });
});
