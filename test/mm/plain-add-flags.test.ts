// Flag plain-add-flags: 2.4.16 mm/filemap.c __add_to_page_cache rewrites page->flags with a
// plain load and a plain store ("flags = page->flags & ~(...); page->flags = flags | (1 <<
// PG_locked);") under pagecache_lock, which no other writer of those bits takes. A page fork
// shares is mapped by two mms: while CPU0's try_to_swap_out adds it to the swap cache through
// one pte, CPU1 calls mark_page_accessed on it, whose activate_page sets PG_active and moves
// the page to the active list. CPU0's store then writes the word it read before: the page is on
// the active list without PG_active. (The test starts mark_page_accessed itself: the model's
// own caller, swap_out's walk of the other mm, never runs beside a walk of this one, as every
// 2.4.16 walk is in swap_mm; the kernel's other callers, shmem and file pages, are not
// modelled. docs/kernel-notes.md, "page->flags rewritten with a plain store".) Rik van
// Riel's fix (7 Oct 2003, 2.4.23; found by Robert Hentosh and Matt Domsch) makes each bit
// change atomic (the flag off, as in linux-2.4.16-fixed), and the model's add one section again.
import { describe, it, expect } from "vitest";
import { G, MM, AG } from "../helpers/machine.js";
import { directedRig, EV } from "../helpers/rig.js";
import { P, PG, PTE, F2, R, FRAME_WORDS } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";

const V2416 = resolveModel("linux-2.4.16");
const ATSCU_INSERT = 2; // assembly/mm/swap_state.ts: add_to_page_cache_unique's section

/** One page, listed and referenced, mapped at page 1 of mm0 (old pte) and mm1 (young pte),
 *  count 2; CPU0 walks mm0 (swap_out_mm), which will add the page to the swap cache. */
function sharedPage(atomic: boolean) {
  const flags2 = atomic ? V2416.flags2 & ~F2.PLAIN_ADD_FLAGS : V2416.flags2 | F2.PLAIN_ADD_FLAGS;
  const r = directedRig(
    {
      cpus: 2,
      mms: 2,
      pagesPerMm: 4,
      frames: 16,
      areas: 1,
      slotsPerArea: 16,
      kswapd: false,
      flags: V2416.flags,
      flags2,
      freeMin: 0,
      freeLow: 0,
    },
    { rounds: 1, disk: false, noViolation: true },
  );
  const { s } = r;
  const page = r.run(P.alloc_page);
  r.run(P.lru_cache_add, [page]);
  s.setFlags(page, s.flags(page) | PG.REFERENCED | PG.UPTODATE);
  s.setCount(page, 2);
  s.setPte(0, 1, (page << 4) | PTE.PRESENT | PTE.RW | PTE.DIRTY);
  s.setPte(1, 1, (page << 4) | PTE.PRESENT | PTE.RW | PTE.DIRTY | PTE.YOUNG);
  s.setMm(0, MM.RSS, 1);
  s.setMm(1, MM.RSS, 1);
  r.start(0, P.swap_out_mm, [0, 1]);
  return { ...r, page };
}

/** CPU0 up to the point where it holds pagecache_lock in add_to_swap_cache (its insert). */
function untilAddHoldsPcl(r: ReturnType<typeof sharedPage>) {
  for (let i = 0; i < 100 && r.s.g(G.PCL) !== 1; i++) expect(r.d.step(0)).toBe(true);
  expect(r.s.g(G.PCL)).toBe(1); // CPU0 + 1
}

/** CPU0 up to add_to_swap_cache's insert, not yet run (its top frame there). */
function untilAddNext(r: ReturnType<typeof sharedPage>) {
  const top = () => {
    const sp = r.s.agent(0, AG.SP);
    const f = (r.e.region(R.STACKS) >> 2) + (sp - 1) * FRAME_WORDS; // CPU0's frames come first
    return [r.e.I32[f], r.e.I32[f + 1]];
  };
  for (let i = 0; i < 100 && !(top()[0] === P.add_to_swap_cache && top()[1] === ATSCU_INSERT); i++) expect(r.d.step(0)).toBe(true);
  expect(top()).toEqual([P.add_to_swap_cache, ATSCU_INSERT]);
}

describe("plain-add-flags (__add_to_page_cache's plain store of page->flags)", () => {
  it("on (2.4.16): an activate_page between the load and the store is undone: the page is on the active list without PG_active", () => {
    const r = sharedPage(false);
    const { s, d, start, e, page } = r;
    untilAddHoldsPcl(r);
    expect(s.flags(page) & PG.SWAPCACHE).toBe(0); // read, not yet stored or hashed
    // CPU1: mark_page_accessed on the referenced page → activate_page.
    start(1, P.mark_page_accessed, [page]);
    d.drain(1);
    expect(s.flags(page) & PG.ACTIVE).toBe(PG.ACTIVE);
    const active = s.g(G.NR_ACTIVE);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    const lost = d.trace.find((t) => t.event === EV.ADD_FLAGS_LOST)!;
    expect([lost.agent, lost.a, lost.b]).toEqual([0, page, PG.ACTIVE]);
    expect(s.flags(page) & (PG.ACTIVE | PG.SWAPCACHE | PG.LRU)).toBe(PG.SWAPCACHE | PG.LRU); // listed, cached, PG_active gone
    expect(s.g(G.NR_ACTIVE)).toBe(active); // still counted on the active list
    expect(s.flags(page) & PG.LOCKED).toBe(0); // try_to_swap_out unlocked it
    const found = checkInvariants(e, { quiescent: true });
    expect(found.map((v) => v.signature)).toContain("lru:flags");
    expect(found.find((v) => v.signature === "lru:flags")?.message).toMatch(`page ${page}`);
  });

  it("off (the 2.4.23 fix): the same schedule keeps PG_active, and the state at rest is clean", () => {
    const r = sharedPage(true);
    const { s, d, start, e, page } = r;
    // The add is one section: CPU1's activate_page comes before it (after try_to_swap_out's
    // PageActive test) or after it; before, as the interleaving above is nearest to.
    untilAddNext(r);
    start(1, P.mark_page_accessed, [page]);
    d.drain(1);
    expect(s.flags(page) & PG.ACTIVE).toBe(PG.ACTIVE);
    d.drain(0);
    expect(d.trace.some((t) => t.event === EV.ADD_FLAGS_LOST)).toBe(false);
    expect(s.flags(page) & (PG.ACTIVE | PG.SWAPCACHE | PG.LRU)).toBe(PG.ACTIVE | PG.SWAPCACHE | PG.LRU);
    expect(s.flags(page) & PG.LOCKED).toBe(0);
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
  });
});
