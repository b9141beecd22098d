// linux-2.4.0 holds a page lock across steps where the model once took and dropped it in one
// section, so no other CPU could find the page locked (the 6 Dec 2026 locks audit's open row):
// - lookup_swap_cache (mm/swap_state.c, through find_lock_page): lock_page, the PageSwapCache
//   check, then UnlockPage in the next section (LSC_UNLOCK);
// - free_page_and_swap_cache: TryLockPage with is_page_shared's page_count read, then its
//   swap_count() read, the decision and UnlockPage in the next section (FPSC_SHARED).
import { describe, it, expect } from "vitest";
import { tinyModelRig, useSlot, cachePage, EV } from "../helpers/rig.js";
import { P, PG } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";

type Rig = ReturnType<typeof tinyModelRig>;
const rig = () => tinyModelRig("linux-2.4.0", { rounds: 100, disk: true, noViolation: true });

const locked = (r: Rig, page: number) => (r.s.flags(page) & PG.LOCKED) !== 0;

describe("linux-2.4.0's page-lock windows", () => {
  it("lookup_swap_cache holds the page lock into a step of its own: a zap's TryLockPage fails there and keeps the page", () => {
    const r = rig();
    const { s, d, start } = r;
    const E = useSlot(r, 7);
    const page = cachePage(r, E, { keepRef: false, swapRef: true });
    start(0, P.lookup_swap_cache, [E]);
    r.d.untilState(0, () => locked(r, page));
    // CPU1 zaps a pte mapping the page (its reference stands for that pte): TryLockPage fails.
    s.setCount(page, s.count(page) + 1);
    r.call(1, P.free_page_and_swap_cache, [page]);
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV.FREE_SWAP_DELETE)).toBe(false);
    expect(s.flags(page) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
    d.drain(0);
    expect(r.e.m.agent_ret(0)).toBe(page);
    expect(locked(r, page)).toBe(false);
    expect(d.violation()).toBe("none");
  });

  /** A locked-free swap-cache page held by the cache and a zapped pte's reference, its slot
   *  held by the cache alone (not shared: free_page_and_swap_cache deletes it). */
  function zapOfExclusive(r: Rig) {
    const E = useSlot(r, 7);
    const page = cachePage(r, E, { keepRef: true, swapRef: true });
    r.run(P.swap_free, [E]); // the slot's "pte" reference: only the cache's is left
    expect([r.s.count(page), r.s.swapCount(E)]).toEqual([2, 1]);
    r.start(0, P.free_page_and_swap_cache, [page]);
    return { E, page };
  }

  it("free_page_and_swap_cache alone: unshared (2 + 1 - 2), deleted, the slot freed", () => {
    const r = rig();
    const { E, page } = zapOfExclusive(r);
    r.d.drain(0);
    expect(r.d.trace.some((t) => t.event === EV.FREE_SWAP_DELETE && t.a === page)).toBe(true);
    expect([r.s.count(page), r.s.swapCount(E)]).toEqual([0, 0]);
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });

  it("a swap_duplicate of the entry between is_page_shared's two reads makes it shared: kept, and the page was seen locked", () => {
    const r = rig();
    const { E, page } = zapOfExclusive(r);
    r.d.untilState(0, () => locked(r, page));
    r.call(1, P.swap_duplicate, [E]); // another mm's copy of a swap pte (fork)
    r.d.drain(0);
    expect(r.d.trace.some((t) => t.event === EV.FREE_SWAP_DELETE)).toBe(false);
    expect(r.s.flags(page) & (PG.SWAPCACHE | PG.LOCKED)).toBe(PG.SWAPCACHE);
    expect([r.s.count(page), r.s.swapCount(E)]).toEqual([1, 2]);
    expect(r.d.violation()).toBe("none");
  });
});
