// The machine both drop_pte tests start from (test/mm/drop-pte-deactivate*.test.ts): CPU0's
// try_to_swap_out of a swap-cache page, and a second CPU faulting on the same entry.
import { expect } from "vitest";
import { AG, G, MM } from "../helpers/machine.js";
import { directedRig, TINY_RIG, useSlot, cachePage, setSwapPte, EV } from "../helpers/rig.js";
import { P, PG, PTE, pteIsSwap, pteEntry } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";

/** Slot E (content 9) held by mm1[0]'s swap pte and by the swap cache's page f, which mm0[3]
 *  maps: f's count 2 (the cache's and the pte's), E's count 2 (mm1's pte and the cache's). */
export function dropPteRig(flags: number, flags2 = 0) {
  const r = directedRig({ ...TINY_RIG, flags, flags2 }, { rounds: 100, disk: true, noViolation: true });
  const { s } = r;
  const E = useSlot(r, 9);
  setSwapPte(s, 1, 0, E, 9);
  const f = cachePage(r, E, { keepRef: true, swapRef: true });
  s.setPte(0, 3, (f << 4) | PTE.PRESENT | PTE.RW);
  s.setShadow(0, 3, 9);
  s.setMm(0, MM.RSS, s.mm(0, MM.RSS) + 1);
  expect([s.count(f), s.swapCount(E)]).toEqual([2, 2]);
  expect(s.flags(f) & (PG.LOCKED | PG.ACTIVE)).toBe(0);
  return { ...r, E, f };
}

export type DropPteRig = ReturnType<typeof dropPteRig>;

/** CPU0's swap_out_mm of mm0 up to the step that installs mm0[3]'s swap pte (drop_pte);
 *  `referenced`: f is PG_referenced first. */
export function swappedPte(flags: number, flags2 = 0, referenced = false): DropPteRig {
  const r = dropPteRig(flags, flags2);
  const { s, d, start, E, f } = r;
  if (referenced) s.setFlags(f, s.flags(f) | PG.REFERENCED);
  start(0, P.swap_out_mm, [0, 1]);
  d.untilEvent(0, EV.TSO_SWAP_PTE);
  expect(pteIsSwap(s.pte(0, 3)) && pteEntry(s.pte(0, 3))).toBe(E);
  return r;
}

/** Both CPUs and the disk to the end: nothing broken, every count right at rest. */
export function finishClean(r: DropPteRig): void {
  const { s, d, e, disk, finish } = r;
  finish([0, 1, disk], 100);
  d.drain(disk);
  expect(s.agent(0, AG.SP)).toBe(0);
  expect(s.agent(1, AG.SP)).toBe(0);
  expect(d.violation()).toBe("none");
  expect(s.g(G.LRU_LOCK)).toBe(0);
  expect(checkInvariants(e, { quiescent: true })).toEqual([]);
}
