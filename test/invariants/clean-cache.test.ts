// A swap pte whose entry's swap-cache page holds the pte's last value while the slot holds
// another, the page clean and unlocked: nothing will ever write the page (it is not dirty, no
// I/O is queued on it), reclaim frees it unwritten, and the pte's next fault reads the slot's
// stale value. Until 6 Dec 2026 (an open gap of that day's audit of the invariants) both checks
// at rest took it for clean, since a fault now would read the page. Now the host's passes report
// data-lost:clean-cache and the model's fused check (assembly/kernel/rest.ts swap_pte_reads) is
// not clean; a dirty page, or one locked for its write, is the kernel's normal way to it.
import { describe, it, expect } from "vitest";
import { tinyModelRig, swappedOut, cachePage } from "../helpers/rig.js";
import { PG } from "../../src/wasm/abi.js";
import { checkInvariants, fusedCleanAtRest } from "../../src/invariants/check.js";

/** mm0[6] swapped out to E holding 0x55, E's page in the swap cache (uptodate, clean). */
function cachedSwapPte(model: string) {
  const r = tinyModelRig(model, { rounds: 200, disk: true, noViolation: true });
  const entry = swappedOut(r, 0, 6, 0x55);
  const page = cachePage(r, entry, { keepRef: false, swapRef: true });
  expect(r.s.content(page)).toBe(0x55);
  expect(checkInvariants(r.e, { quiescent: true, full: true })).toEqual([]);
  expect(fusedCleanAtRest(r.e)).toBe(true);
  return { ...r, entry, page };
}

describe("a clean swap-cache page its slot disagrees with, at rest", () => {
  for (const model of ["linux-2.4.16", "linux-2.4.0"]) {
    it(`${model}: reported by the host's passes and by the model's fused check`, () => {
      const { s, e, entry, page } = cachedSwapPte(model);
      s.setSlotContent(entry, 0x66); // the slot lost the page's value; the page is clean
      const found = checkInvariants(e, { quiescent: true, full: true });
      expect(found.map((v) => v.signature)).toEqual(["data-lost:clean-cache"]);
      expect(found[0].message).toMatch(new RegExp(`clean swap-cache page ${page} holding 85 but its slot holds 102`));
      expect(fusedCleanAtRest(e)).toBe(false);
    });

    it(`${model}: the same page dirty is on its way to the slot: clean`, () => {
      const { s, e, entry, page } = cachedSwapPte(model);
      s.setSlotContent(entry, 0x66);
      s.setFlags(page, s.flags(page) | PG.DIRTY);
      expect(checkInvariants(e, { quiescent: true, full: true })).toEqual([]);
      expect(fusedCleanAtRest(e)).toBe(true);
    });
  }
});
