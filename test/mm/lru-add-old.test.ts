// lru_cache_add of the old VM (linux-2.4.0 mm/swap.c; linux-2.4.10-pre9's is of the same kind,
// with reclaim_page and no PG_lru bit): pagemap_lru_lock is taken first, and the page's list
// mark (PG_active / PG_inactive_dirty) is set while it is linked, so no other CPU can find a
// page marked listed but not linked. 2.4.16's TestSetPageLRU before the lock has that window.
// Under del-lru (2.4.0, pre9) a page the delete took off the LRU while two ptes map it is
// added again through one pte (try_to_swap_out's add_to_swap_cache) while mark_page_accessed
// can reach it through the other: with the 2.4.16 window that activate_page list_del'ed an
// unlinked page (bug-on@mark_page_accessed, found by `hunt --model linux-2.4.10-pre --sched
// random --mix all --keep-going`, audit of 4 Dec 2026).
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, useSlot, cachePage } from "../helpers/rig.js";
import { P, PG, PTE, MM } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";

const mkPte = (frame: number, bits: number) => (frame << 4) | bits | PTE.PRESENT;

function rig(m: { flags: number; flags2: number }) {
  return directedRig(
    { ...SMALL_RIG, frames: 16, pagesPerMm: 8, slotsPerArea: 8, areas: 1, kswapd: false, flags: m.flags, flags2: m.flags2 },
    { rounds: 100, disk: true, noViolation: true },
  );
}

/** A page mapped by mm0[2] and mm0[3] (a reference each), which delete_from_swap_cache took off
 *  the LRU (PG_DELISTED) and out of the swap cache; referenced and inactive, as a page whose
 *  pte was young once is. */
function delistedTwiceMapped(r: ReturnType<typeof rig>) {
  const { s } = r;
  const E = useSlot(r, 7);
  const f = cachePage(r, E, { keepRef: true, swapRef: true });
  s.setSlotContent(E, 7);
  expect(r.run(P.swap_free, [E])).toBe(0); // useSlot's reference stood for a swap pte
  s.setCount(f, s.count(f) + 1); // the second pte's reference
  s.setPte(0, 2, mkPte(f, PTE.RW | PTE.DIRTY | PTE.YOUNG));
  s.setPte(0, 3, mkPte(f, PTE.RW | PTE.DIRTY));
  s.setShadow(0, 2, 7);
  s.setShadow(0, 3, 7);
  s.setMm(0, MM.RSS, 2);
  s.setFlags(f, s.flags(f) | PG.LOCKED);
  expect(r.call(0, P.delete_from_swap_cache, [f])).toBe(0);
  s.setFlags(f, (s.flags(f) & ~PG.LOCKED) | PG.REFERENCED);
  expect(s.count(f)).toBe(2);
  expect(s.flags(f) & (PG.LRU | PG.DELISTED | PG.SWAPCACHE)).toBe(PG.DELISTED);
  return f;
}

describe.each([
  ["linux-2.4.0", resolveModel("linux-2.4.0")],
  ["linux-2.4.10-pre", resolveModel("linux-2.4.10-pre")],
] as const)("%s: lru_cache_add of a delisted page another pte maps", (_name, m) => {
  it("marks it listed only under pagemap_lru_lock, so mark_page_accessed through the other pte never meets it marked and unlinked", () => {
    const r = rig(m);
    const { s, d } = r;
    const f = delistedTwiceMapped(r);
    // CPU0 adds it to the LRU again (try_to_swap_out's add through mm0[3]); CPU1 holds
    // pagemap_lru_lock meanwhile, so the add stops before its lock.
    s.setG(G.LRU_LOCK, 2); // CPU1 + 1
    r.start(0, P.lru_cache_add, [f]);
    d.drain(0);
    expect(s.agent(0, AG.SP)).not.toBe(0); // spinning for the lock
    expect(s.flags(f) & PG.LRU).toBe(0); // not marked before the lock (2.4.16 would have)
    s.setG(G.LRU_LOCK, 0);
    // CPU1 finds the page through the young pte of mm0[2]: referenced and (not yet) listed,
    // activate_page leaves an unlisted page alone.
    r.call(1, P.mark_page_accessed, [f]);
    expect(d.violation()).toBe("none");
    r.finish([0], 10);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.violation()).toBe("none");
    expect(s.flags(f) & (PG.LRU | PG.DELISTED)).toBe(PG.LRU);
    expect(s.g(G.NR_DELISTED)).toBe(0);
    expect(s.g(G.NR_ACTIVE) + s.g(G.NR_INACTIVE)).toBe(1);
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});
