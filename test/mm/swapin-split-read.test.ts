// 2.4.0 do_swap_page's tail (mm/memory.c): lock_page, swap_free, then "if (write_access &&
// !is_page_shared(page))". is_page_shared (include/linux/swap.h) reads page_count, then
// swap_count, with no lock between: the model reads them in two steps (DSP_OLD_SWAP_FREED,
// DSP_OLD_SHARED), as do_wp_page does, so another mm's swap_free can fall between the reads.
import { describe, it, expect } from "vitest";
import { tinyModelRig, setSwapPte, useSlot, cachePage, EV } from "../helpers/rig.js";
import { P, PG, PTE, pteFrame, pteIsSwap } from "../../src/wasm/abi.js";

/** E held by mm0[0]'s and mm1[2]'s swap ptes and by the swap cache's page f (count 1, the
 *  cache's): E's count 3. */
function rig() {
  const r = tinyModelRig("linux-2.4.0", { rounds: 100, disk: true, noViolation: true });
  const E = useSlot(r, 7);
  setSwapPte(r.s, 0, 0, E, 7);
  expect(r.call(1, P.swap_duplicate, [E])).toBe(1);
  setSwapPte(r.s, 1, 2, E, 7);
  const f = cachePage(r, E, { keepRef: false, swapRef: true });
  expect([r.s.count(f), r.s.swapCount(E)]).toEqual([1, 3]);
  return { ...r, E, f };
}

/** CPU0's write fault on mm0[0] up to the step after its swap_free: the page count read. */
function countRead() {
  const r = rig();
  const { s, d, start, E, f } = r;
  start(0, P.access, [0, 0, 1]);
  d.until(0, (t) => t.event === EV.SWAP_FREE && t.a === E);
  expect(s.swapCount(E)).toBe(2); // mm1[2]'s and the cache's
  expect(d.step(0)).toBe(true); // page_count(page): 2, the cache's and the fault's
  expect(s.count(f)).toBe(2);
  expect(s.flags(f) & PG.LOCKED).toBe(PG.LOCKED);
  expect(pteIsSwap(s.pte(0, 0))).toBe(true);
  return r;
}

describe("linux-2.4.0 do_swap_page: is_page_shared's two reads", () => {
  it("undisturbed: page count 2 + slot count 2 - 2 = 2 is shared, the pte is mapped read-only (the write then faults again and copies)", () => {
    const r = countRead();
    const { s, d, f } = r;
    const map = d.untilEvent(0, EV.SWAP_MAP);
    expect([map.a, map.c]).toEqual([f, 0]);
    expect(pteFrame(s.pte(0, 0))).toBe(f);
    expect(s.pte(0, 0) & PTE.RW).toBe(0);
    r.finish([0, r.disk], 100);
    expect(d.violation()).toBe("none");
  });

  it("another mm's swap_free between the reads: the slot count is read after it (2 + 1 - 2 = 1, not shared), so the pte is mapped writable", () => {
    const r = countRead();
    const { s, d, E, f } = r;
    // CPU1 unmaps mm1[2]: its zap's swap_free drops E to the cache's reference alone.
    r.start(1, P.do_munmap, [1, 2, 1]);
    d.drain(1);
    expect(s.swapCount(E)).toBe(1);
    expect(s.flags(f) & PG.LOCKED).toBe(PG.LOCKED); // CPU0 still between its two reads
    const map = d.untilEvent(0, EV.SWAP_MAP);
    expect([map.a, map.c]).toEqual([f, 1]);
    r.finish([0, r.disk], 100);
    expect(pteFrame(s.pte(0, 0))).toBe(f);
    expect(s.pte(0, 0) & (PTE.RW | PTE.DIRTY)).toBe(PTE.RW | PTE.DIRTY);
    expect(d.violation()).toBe("none");
  });

  it("a read fault asks nothing: no step between the swap_free and the unlock", () => {
    const r = rig();
    const { s, d, start, E, f } = r;
    start(0, P.access, [0, 0, 0]);
    d.until(0, (t) => t.event === EV.SWAP_FREE && t.a === E);
    expect(d.step(0)).toBe(true);
    expect(s.flags(f) & PG.LOCKED).toBe(0); // UnlockPage in the step after swap_free's return
    r.finish([0, r.disk], 100);
    expect(s.pte(0, 0) & PTE.RW).toBe(0);
  });
});
