// Flag del-lru (linux-2.4.0, linux-2.4.10-pre): delete_from_swap_cache_nolock (mm/swap_state.c)
// starts with "if (block_flushpage(page, 0)) lru_cache_del(page);"; a model page has no buffers,
// so lru_cache_del (mm/swap.c) takes pagemap_lru_lock, unlinks the page and drops the lock before
// pagecache_lock is taken for the removal. A page still mapped is then on no list (PG_DELISTED,
// a model mark) until try_to_swap_out's add_to_swap_cache lists it again. 2.4.16's delete leaves
// the page listed (its page_cache_release unlinks it at the last put).
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, useSlot, cachePage, EV } from "../helpers/rig.js";
import { P, PG, PTE, MM, LK, pteFrame } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";

const DEL_LRU = FLAGS.find((f) => f.name === "del-lru")!;
const CASES = [
  ["linux-2.4.0", resolveModel("linux-2.4.0"), true],
  ["linux-2.4.10-pre", resolveModel("linux-2.4.10-pre"), true],
  ["linux-2.4.0 --without del-lru", resolveModel("linux-2.4.0", [], ["del-lru"]), false],
  ["linux-2.4.16", resolveModel("linux-2.4.16"), false],
] as const;

const mkPte = (frame: number, bits: number) => (frame << 4) | bits | PTE.PRESENT;

function rig(m: { flags: number; flags2: number }) {
  return directedRig(
    { ...SMALL_RIG, frames: 16, pagesPerMm: 8, slotsPerArea: 8, areas: 1, kswapd: false, flags: m.flags, flags2: m.flags2 },
    { rounds: 100, disk: true, noViolation: true },
  );
}
type Rig = ReturnType<typeof rig>;

/** A swap-cache page, listed, mapped by mm0[3]'s pte (its one reference besides the cache's),
 *  the slot held by the cache alone. */
function mappedCached(r: Rig) {
  const { s } = r;
  const E = useSlot(r, 7);
  const f = cachePage(r, E, { keepRef: true, swapRef: true });
  s.setSlotContent(E, 7);
  // useSlot's reference stood for a swap pte; the page's pte holds the page instead.
  expect(r.run(P.swap_free, [E])).toBe(0);
  s.setPte(0, 3, mkPte(f, PTE.RW | PTE.DIRTY));
  s.setShadow(0, 3, 7);
  s.setMm(0, MM.RSS, 1);
  expect([s.count(f), s.swapCount(E)]).toEqual([2, 1]);
  expect(s.flags(f) & (PG.LRU | PG.SWAPCACHE)).toBe(PG.LRU | PG.SWAPCACHE);
  return { E, f };
}

const spinsOn = (r: Rig, agent: number, cls: number) => r.d.trace.some((t) => t.agent === agent && t.event === EV.SPIN && t.a === cls);

describe("del-lru", () => {
  it("is word 1's, set in linux-2.4.0 and linux-2.4.10-pre only", () => {
    expect(DEL_LRU.word).toBe(1);
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre"]) expect(resolveModel(m).flagNames, m).toContain("del-lru");
    for (const m of ["linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flagNames, m).not.toContain("del-lru");
  });
});

describe.each(CASES)("%s: delete_from_swap_cache of a mapped page", (_name, m, on) => {
  it(
    on
      ? "takes pagemap_lru_lock first (spins while another CPU holds it) and leaves the page off the LRU"
      : "takes no pagemap_lru_lock and leaves the page listed",
    () => {
      const r = rig(m);
      const { s, d, start } = r;
      // A clean swap-cache page only the cache holds, at the inactive list's tail: CPU1's
      // reclaim holds pagemap_lru_lock over it from one section to the next.
      const Ec = useSlot(r, 1);
      cachePage(r, Ec, { keepRef: false, swapRef: true });
      expect(r.run(P.swap_free, [Ec])).toBe(0); // the cache's reference alone is left
      const { E, f } = mappedCached(r);
      s.setFlags(f, s.flags(f) | PG.LOCKED); // the deleter's page lock (delete_from_swap_cache's caller)
      r.start(1, P.try_to_free_pages);
      for (let n = 0; n < 50 && s.g(G.LRU_LOCK) !== 2; n++) expect(d.step(1)).toBe(true);
      expect(s.g(G.LRU_LOCK)).toBe(2); // CPU1 + 1
      start(0, P.delete_from_swap_cache, [f]);
      d.drain(0);
      expect(spinsOn(r, 0, LK.LRU)).toBe(on);
      if (on) {
        // Nothing done yet: still listed and cached, pagecache_lock not taken.
        expect(s.agent(0, AG.SP)).not.toBe(0);
        expect(s.flags(f) & (PG.LRU | PG.SWAPCACHE)).toBe(PG.LRU | PG.SWAPCACHE);
        expect(s.g(G.PCL)).not.toBe(1);
      }
      r.finish([1, 0, r.disk], 100);
      d.drain(r.disk);
      expect([s.agent(0, AG.SP), s.agent(1, AG.SP)]).toEqual([0, 0]);
      expect(d.violation()).toBe("none"); // PTL/LRU/PCL order kept
      // Out of the swap cache, its slot freed, still mapped.
      expect(s.flags(f) & PG.SWAPCACHE).toBe(0);
      expect(s.swapCount(E)).toBe(0);
      expect(s.count(f)).toBe(1); // the pte's: the cache's went with the delete
      expect(pteFrame(s.pte(0, 3))).toBe(f);
      expect(s.flags(f) & (PG.LRU | PG.DELISTED)).toBe(on ? PG.DELISTED : PG.LRU);
      expect(s.g(G.NR_DELISTED)).toBe(on ? 1 : 0);
      s.setFlags(f, s.flags(f) & ~PG.LOCKED);
      expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
    },
  );

  it.runIf(on)("try_to_swap_out finds the unlisted page through the pte and add_to_swap_cache lists it again", () => {
    const r = rig(m);
    const { s } = r;
    const { f } = mappedCached(r);
    s.setFlags(f, s.flags(f) | PG.LOCKED);
    expect(r.call(0, P.delete_from_swap_cache, [f])).toBe(0);
    s.setFlags(f, s.flags(f) & ~PG.LOCKED);
    expect(s.count(f)).toBe(1);
    expect(s.flags(f) & (PG.LRU | PG.DELISTED)).toBe(PG.DELISTED);
    expect([s.g(G.NR_ACTIVE), s.g(G.NR_INACTIVE)]).toEqual([0, 0]);
    // The inactive list is empty and the mapped page on neither list: the 2.4.16 loop would end
    // its pass; with a delisted page in use it runs swap_out (2.4.0's refill_inactive does).
    r.call(0, P.try_to_free_pages);
    expect(r.d.trace.some((t) => t.agent === 0 && t.event === EV.SHRINK_SWAP_OUT)).toBe(true);
    expect(s.pte(0, 3) & PTE.PRESENT).toBe(0); // swapped out: a swap pte now
    expect(s.g(G.NR_DELISTED)).toBe(0);
    // Listed again by the add (or freed after its write), never left delisted.
    if (s.flags(f) & PG.INUSE) expect(s.flags(f) & (PG.LRU | PG.DELISTED)).toBe(PG.LRU);
    r.finish([0, r.disk], 100);
    r.d.drain(r.disk);
    expect(r.d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});
