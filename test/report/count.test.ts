// countText writes counts as toLocaleString("en-US") does (the CLI's text output is unchanged).
import { describe, expect, it } from "vitest";
import { countText } from "../../src/report/count.js";

describe("countText", () => {
  it("groups digits as en-US does, for every size and sign, and rounds as Math.round", () => {
    const xs = [
      0,
      -0,
      1,
      -1,
      12,
      999,
      1000,
      -1000,
      1234.5,
      999_999.5,
      1e15,
      2 ** 53 - 1,
      -(2 ** 53),
      0.4,
      -0.4,
      NaN,
      Infinity,
      -Infinity,
      1e21,
    ];
    for (let i = 1, x = 7; i < 2000; i++, x = (x * 48271) % 2147483647)
      xs.push((x % 10 ** (1 + (i % 9))) * (i % 3 ? 1 : -1) * (i % 7 ? 1 : 1e6));
    for (const x of xs) expect(countText(x), String(x)).toBe(Math.round(x).toLocaleString("en-US"));
  });
});
