// set_page_dirty (2.4.0 include/linux/mm.h + mm/filemap.c __set_page_dirty; 2.4.16
// mm/filemap.c set_page_dirty): test_and_set_bit(PG_dirty), and only where the bit was clear and
// the page has a mapping (the swap cache's swapper_space here), spin_lock(&pagecache_lock) to
// move it to the mapping's dirty list. try_to_swap_out calls it with the PTL and the page lock
// held: for a cached page whose pte is dirty, before swap_duplicate, and after
// add_to_swap_cache; free_pte / __free_pte (the zap) with the PTL held. So the swapper waits
// there for a pagecache_lock holder. 2.4.0 and pre9 (flag dirty-mapped-only) dirty an uncached
// page only after the add; 2.4.16 at the unmap, with no lock (no mapping yet).
import { describe, it, expect } from "vitest";
import { AG, G } from "../helpers/machine.js";
import { EV, LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16 } from "../helpers/rig.js";
import { dropPteRig, finishClean, type DropPteRig } from "./drop-pte-rig.js";
import { P, PG, PTE, ST, LK, pteIsSwap, pteEntry } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";

const MAPPED_ONLY = FLAGS.find((f) => f.name === "dirty-mapped-only")!;
const W2_240 = resolveModel("linux-2.4.0").flags2;
const W2_PRE9 = resolveModel("linux-2.4.10-pre").flags2;
const W2_2416 = resolveModel("linux-2.4.16").flags2;

/** dropPteRig's machine, mm0[3]'s pte made dirty: f (cached for E) was written through it. */
function dirtyCached(flags: number, flags2: number): DropPteRig {
  const r = dropPteRig(flags, flags2);
  r.s.setPte(0, 3, r.s.pte(0, 3) | PTE.DIRTY);
  return r;
}

/** dropPteRig's machine with mm0[3] remapped to a fresh anonymous page g, outside the swap
 *  cache, written through a dirty pte (f keeps the cache's and mm0[3]'s old references: the
 *  old pte's reference goes to CPU0's rig, nothing else changes). */
function dirtyUncached(flags: number, flags2: number) {
  const r = dropPteRig(flags, flags2);
  const { s, f } = r;
  const g = r.run(P.alloc_page);
  s.setContent(g, 9);
  s.setPte(0, 3, (g << 4) | PTE.PRESENT | PTE.RW | PTE.DIRTY);
  s.setCount(f, s.count(f) - 1); // mm0[3] no longer maps f
  expect(s.flags(g) & (PG.DIRTY | PG.SWAPCACHE)).toBe(0);
  return { ...r, g };
}

/** 2.4.0 / pre9 (free-under-pcl): a locked page that only the swap cache and CPU1 hold, whose
 *  slot only the cache holds, for CPU1 to delete (set up before CPU0 starts). */
function pclHolderPage(r: DropPteRig): number {
  const { s } = r;
  const E2 = r.call(1, P.get_swap_page);
  const page = r.call(1, P.alloc_page);
  s.setFlags(page, s.flags(page) | PG.LOCKED);
  expect(r.call(1, P.add_to_swap_cache, [page, E2])).toBe(0);
  if (s.swapCount(E2) === 2) r.call(1, P.swap_free, [E2]); // 2.4.16's add took its own
  expect(s.swapCount(E2)).toBe(1);
  return page;
}

/** CPU1's delete_from_swap_cache of that page holds pagecache_lock across its swap_free; CPU1
 *  stops there, holding it. */
function cpu1HoldsPcl(r: DropPteRig, page: number): void {
  const { s, d } = r;
  r.start(1, P.delete_from_swap_cache, [page]);
  for (let n = 0; n < 50 && s.g(G.PCL) !== 2; n++) expect(d.step(1)).toBe(true);
  expect(s.g(G.PCL)).toBe(2); // CPU1 (agent 1) + 1
}

/** CPU1 finishes the delete (dropping pagecache_lock), unlocks its page and lets it go. */
function cpu1Releases(r: DropPteRig, page: number): void {
  const { s, d } = r;
  d.drain(1);
  expect(s.agent(1, AG.SP)).toBe(0);
  expect(s.g(G.PCL)).toBe(0);
  s.setFlags(page, s.flags(page) & ~PG.LOCKED); // the deleter's UnlockPage
  r.start(1, P.free_page_and_swap_cache, [page]);
  d.drain(1);
  expect(s.count(page)).toBe(0);
}

const spinsOnPcl = (r: DropPteRig) => r.d.trace.some((t) => t.agent === 0 && t.event === EV.SPIN && t.a === LK.PCL);

/** CPU0 steps until it spins; returns false if it ran out of work first. */
function cpu0RunsIntoPcl(r: DropPteRig): boolean {
  for (let n = 0; n < 200; n++) {
    if (!r.d.step(0)) break;
    if (r.s.agent(0, AG.STATE) === ST.SPIN) return true;
  }
  return r.s.agent(0, AG.STATE) === ST.SPIN;
}

describe("dirty-mapped-only", () => {
  it("is word 1's, set in linux-2.4.0 and linux-2.4.10-pre", () => {
    expect(MAPPED_ONLY.word).toBe(1);
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre"]) expect(resolveModel(m).flagNames, m).toContain(MAPPED_ONLY.name);
    for (const m of ["linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flagNames, m).not.toContain(MAPPED_ONLY.name);
  });
});

describe.each([
  ["linux-2.4.0", LINUX_2_4_0, W2_240],
  ["linux-2.4.10-pre9", LINUX_2_4_10, W2_PRE9],
] as const)("%s: try_to_swap_out waits at set_page_dirty while another CPU holds pagecache_lock", (_name, flags, flags2) => {
  it("a cached page with a dirty pte: the pte is cleared and PG_dirty set, swap_duplicate waits for the lock", () => {
    const r = dirtyCached(flags, flags2);
    const { s, d, E, f } = r;
    const held = pclHolderPage(r);
    cpu1HoldsPcl(r, held);
    r.start(0, P.swap_out_mm, [0, 1]);
    expect(cpu0RunsIntoPcl(r)).toBe(true);
    expect(spinsOnPcl(r)).toBe(true);
    expect(s.pte(0, 3)).toBe(0); // ptep_get_and_clear done, no swap pte yet
    expect(s.flags(f) & (PG.DIRTY | PG.LOCKED)).toBe(PG.DIRTY | PG.LOCKED);
    expect(s.swapCount(E)).toBe(2); // no swap_duplicate yet
    cpu1Releases(r, held);
    expect(s.agent(0, AG.STATE)).toBe(ST.RUNNABLE);
    d.untilEvent(0, EV.SET_DIRTY);
    d.untilEvent(0, EV.TSO_SWAP_PTE);
    expect(pteIsSwap(s.pte(0, 3)) && pteEntry(s.pte(0, 3))).toBe(E);
    expect(s.swapCount(E)).toBe(3);
    finishClean(r);
  });

  it("an uncached page: PG_dirty stays clear at the unmap; set_page_dirty after add_to_swap_cache waits for the lock", () => {
    const r = dirtyUncached(flags, flags2);
    const { s, d, g } = r;
    const held = pclHolderPage(r);
    r.start(0, P.swap_out_mm, [0, 1]);
    d.untilEvent(0, EV.TSO_UNMAP);
    expect(s.flags(g) & PG.DIRTY).toBe(0); // judged dirty by its pte, not marked
    for (let n = 0; n < 50 && (s.flags(g) & PG.DIRTY) === 0; n++) expect(d.step(0)).toBe(true);
    expect(s.flags(g) & (PG.DIRTY | PG.SWAPCACHE)).toBe(PG.DIRTY | PG.SWAPCACHE); // after the add
    const entry = s.index(g);
    expect(s.swapCount(entry)).toBe(1); // get_swap_page's, now the cache's
    cpu1HoldsPcl(r, held);
    expect(cpu0RunsIntoPcl(r)).toBe(true);
    expect(spinsOnPcl(r)).toBe(true);
    expect(s.pte(0, 3)).toBe(0);
    expect(s.swapCount(entry)).toBe(1); // swap_duplicate waits behind the lock
    cpu1Releases(r, held);
    d.untilEvent(0, EV.TSO_SWAP_PTE);
    expect(pteIsSwap(s.pte(0, 3)) && pteEntry(s.pte(0, 3))).toBe(entry);
    expect(s.swapCount(entry)).toBe(2);
    finishClean(r);
  });

  it("free_pte of a cached page with a dirty pte waits at set_page_dirty, the PTL held", () => {
    const r = dirtyCached(flags, flags2);
    const { s, d, f } = r;
    const held = pclHolderPage(r);
    cpu1HoldsPcl(r, held);
    r.start(0, P.do_munmap, [0, 3, 1]);
    expect(cpu0RunsIntoPcl(r)).toBe(true);
    expect(spinsOnPcl(r)).toBe(true);
    expect(s.pte(0, 3)).toBe(0);
    expect(s.flags(f) & PG.DIRTY).toBe(PG.DIRTY);
    expect(s.count(f)).toBe(2); // free_page_and_swap_cache not yet
    cpu1Releases(r, held);
    d.untilEvent(0, EV.SET_DIRTY);
    finishClean(r);
  });
});

describe("linux-2.4.16: set_page_dirty's pagecache_lock is a step of its own", () => {
  it("a cached page with a dirty pte: with the lock word held (another CPU inside a pagecache_lock section), the swapper spins before swap_duplicate", () => {
    const r = dirtyCached(LINUX_2_4_16, W2_2416);
    const { s, E, f } = r;
    // No 2.4.16 path of the model holds pagecache_lock across a point: the word stands for a
    // holder inside one section.
    s.setG(G.PCL, 2);
    r.start(0, P.swap_out_mm, [0, 1]);
    expect(cpu0RunsIntoPcl(r)).toBe(true);
    expect(r.d.trace.some((t) => t.agent === 0 && t.event === EV.SPIN && t.a === LK.PCL && t.b === 1)).toBe(true);
    expect(s.pte(0, 3)).toBe(0);
    expect(s.flags(f) & (PG.DIRTY | PG.LOCKED)).toBe(PG.DIRTY | PG.LOCKED);
    expect(s.swapCount(E)).toBe(2);
  });

  it("an uncached page is marked dirty at the unmap (no mapping, no lock); after the add the lock is taken in a step between the add and the swap pte", () => {
    const r = dirtyUncached(LINUX_2_4_16, W2_2416);
    const { s, d, g } = r;
    r.start(0, P.swap_out_mm, [0, 1]);
    d.untilEvent(0, EV.TSO_UNMAP);
    expect(s.flags(g) & PG.DIRTY).toBe(PG.DIRTY);
    const add = d.untilEvent(0, EV.ADD);
    expect(s.flags(g) & PG.DIRTY).toBe(0); // __add_to_page_cache cleared it
    const dirty = d.untilEvent(0, EV.SET_DIRTY);
    const pte = d.untilEvent(0, EV.TSO_SWAP_PTE);
    expect(dirty.step).toBeGreaterThan(add.step);
    expect(pte.step).toBeGreaterThan(dirty.step);
    expect(s.flags(g) & PG.DIRTY).toBe(PG.DIRTY);
    finishClean(r);
  });

  it("with the lock word held after the add, the swapper spins with the page in the cache and its pte still none", () => {
    const r = dirtyUncached(LINUX_2_4_16, W2_2416);
    const { s, d, g } = r;
    r.start(0, P.swap_out_mm, [0, 1]);
    d.untilEvent(0, EV.ADD);
    for (let n = 0; n < 50 && (s.flags(g) & PG.DIRTY) === 0; n++) expect(d.step(0)).toBe(true);
    s.setG(G.PCL, 2);
    expect(cpu0RunsIntoPcl(r)).toBe(true);
    expect(s.flags(g) & (PG.SWAPCACHE | PG.LOCKED)).toBe(PG.SWAPCACHE | PG.LOCKED);
    expect(s.pte(0, 3)).toBe(0);
  });
});
