// Flag local-pages: 2.4.16's current->local_pages (mm/page_alloc.c __free_pages_ok, "local_freelist:",
// and balance_classzone). A task reclaiming for its own allocation runs try_to_free_pages with
// PF_MEMALLOC | PF_FREE_PAGES; the first page it frees goes on its own local_pages list, not the
// free lists, so no other task can take it meanwhile and nr_free does not count it; after a
// try_to_free_pages that returned 1 (all it was asked for freed) the task takes that page,
// otherwise it frees it back and allocates as before. 2.4.0's and pre9's allocators have no
// local_pages (off): every freed page goes to the free lists at once.
import { describe, it, expect } from "vitest";
import { AG, MM } from "../helpers/machine.js";
import { directedRig, useSlot, cachePage, holdLruLock, EV } from "../helpers/rig.js";
import { P, PG, PTE, F2, CFG, G, ST } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

const V2416 = resolveModel("linux-2.4.16");

/** linux-2.4.16 with or without local-pages: 2 CPUs, 16 frames, the watermarks at 0. */
function rig(localPages: boolean, rounds: number) {
  const flags2 = localPages ? V2416.flags2 | F2.LOCAL_PAGES : V2416.flags2 & ~F2.LOCAL_PAGES;
  return directedRig(
    { cpus: 2, frames: 16, slotsPerArea: 16, flags: V2416.flags, flags2, freeMin: 0, freeLow: 0 },
    { rounds, disk: false, noViolation: true },
  );
}

/** CPU0 short of pages (pages_min above every free frame), with `freeable` clean swap-cache
 *  pages only the cache holds on the inactive list, for its try_to_free_pages to free. */
function short(localPages: boolean, freeable: number) {
  const r = rig(localPages, 100);
  const cached: number[] = [];
  for (let i = 0; i < freeable; i++) cached.push(cachePage(r, useSlot(r, i + 1), { keepRef: false, swapRef: true }));
  // Then the watermarks above every frame: the next allocation reclaims.
  r.e.m.config_set(CFG.FREE_MIN, 16);
  r.e.m.config_set(CFG.FREE_LOW, 16);
  r.e.m.config_set(CFG.FREE_HIGH, 17);
  return { ...r, cached };
}

describe("local-pages (2.4.16 balance_classzone: the reclaimer keeps the first page it frees)", () => {
  it("on: the first page freed is kept off the free lists, and the allocation takes it after a full reclaim", () => {
    const { s, d, start, e, cached } = short(true, 6);
    start(0, P.alloc_page, []);
    const kept = d.untilEvent(0, EV.FREE_LOCAL);
    const page = kept.a;
    expect(cached).toContain(page);
    // Freed, yet on no free list: no other task can be handed it.
    expect(s.count(page)).toBe(0);
    expect(s.flags(page) & PG.SWAPCACHE).toBe(0);
    expect(s.freeStack().includes(page)).toBe(false);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    // The pages freed after it went to the free lists as usual: one kept, no more.
    expect(d.trace.filter((t) => t.agent === 0 && t.event === EV.FREE_LOCAL)).toHaveLength(1);
    const others = d.trace.filter((t) => t.agent === 0 && t.event === EV.FREE_PAGE && t.step >= kept.step && cached.includes(t.a));
    expect(others.length).toBeGreaterThan(0);
    expect(others.map((t) => t.a)).not.toContain(page);
    const took = d.trace.find((t) => t.agent === 0 && t.event === EV.ALLOC_LOCAL)!;
    expect([took.a, took.c]).toEqual([page, 1]); // try_to_free_pages freed all it was asked for
    expect(e.m.agent_ret(0)).toBe(page);
    expect(s.count(page)).toBe(1);
    expect(d.violation()).toBe("none");
  });

  it("on: a reclaim that falls short frees the kept page back before it allocates", () => {
    const { d, start, cached } = short(true, 1);
    start(0, P.alloc_page, []);
    const kept = d.untilEvent(0, EV.FREE_LOCAL);
    expect(cached).toContain(kept.a);
    d.drain(0);
    const back = d.trace.find((t) => t.agent === 0 && t.event === EV.ALLOC_LOCAL)!;
    expect([back.a, back.c]).toEqual([kept.a, 0]); // short: freed back
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.FREE_PAGE && t.a === kept.a && t.step >= back.step)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  it("off (2.4.0, pre9): every page the reclaim frees goes to the free lists at once", () => {
    const { s, d, start, cached } = short(false, 6);
    start(0, P.alloc_page, []);
    const freed = d.untilEvent(0, EV.FREE_PAGE);
    expect(cached).toContain(freed.a);
    expect(s.freeStack().includes(freed.a)).toBe(true);
    d.drain(0);
    expect(d.trace.some((t) => t.event === EV.FREE_LOCAL || t.event === EV.ALLOC_LOCAL)).toBe(false);
    expect(d.violation()).toBe("none");
  });

  /** CPU1 holds pagemap_lru_lock in shrink_cache (stopped for pagecache_lock over a clean
   *  cached page), while CPU0, reclaiming with PF_FREE_PAGES and nothing kept yet
   *  (AG_PF_MEMALLOC 1: its try_to_free_pages is under way), holds the one reference of each
   *  listed page in `pages`. */
  function lruHeldWhileReclaiming(localPages: boolean, n: number) {
    const r = rig(localPages, 1);
    const pages: number[] = [];
    for (let i = 0; i < n; i++) {
      pages.push(r.run(P.alloc_page));
      r.run(P.lru_cache_add, [pages[i]]);
      r.s.setFlags(pages[i], r.s.flags(pages[i]) | PG.REFERENCED); // shrink_cache passes them over
    }
    holdLruLock(r, 1);
    r.s.setAgent(0, AG.PF_MEMALLOC, 1);
    return { ...r, pages };
  }

  it("on: a page whose free waited for another CPU's LRU lock goes on the freer's local_pages at that unlock", () => {
    const { s, d, start, pages } = lruHeldWhileReclaiming(true, 1);
    const [page] = pages;
    // Its pte's is the page's one reference; CPU0 unmaps it (zap_page_range's
    // free_page_and_swap_cache, the way try_to_swap_out's page_cache_release would drop it).
    s.setPte(0, 1, (page << 4) | PTE.PRESENT | PTE.RW);
    s.setMm(0, MM.RSS, 1);
    start(0, P.zap_page_range, [0, 1, 2]);
    d.untilEvent(0, EV.FREE_DEFERRED);
    expect(s.agent(0, AG.STATE)).toBe(ST.SPIN);
    expect(s.agent(0, AG.PF_MEMALLOC)).toBe(1); // nothing kept while it spins
    d.drain(1); // shrink_cache lets go of the lock: the spin ends, lru_cache_del, __free_pages_ok
    const kept = d.trace.find((t) => t.event === EV.FREE_LOCAL)!;
    expect([kept.a, kept.b, kept.agent]).toEqual([page, 1, 1]); // CPU0's (keeper 0 + 1), at CPU1's unlock
    expect(s.agent(0, AG.PF_MEMALLOC)).toBe((page << 1) | 1);
    expect(s.flags(page) & (PG.LRU | PG.INUSE)).toBe(PG.INUSE); // off the LRU, not free
    expect(s.freeStack().includes(page)).toBe(false);
    expect(s.agent(0, AG.STATE)).toBe(ST.RUNNABLE);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it("on: of two pages a freer left waiting on one unlock, the one it put first is kept, whatever their frames", () => {
    const { s, d, start, pages } = lruHeldWhileReclaiming(true, 2);
    const [low, high] = [...pages].sort((a, b) => a - b);
    for (const f of [high, low]) {
      start(0, P.free_page_and_swap_cache, [f]);
      d.drain(0);
    }
    expect(s.g(G.LRU_PENDING)).toBe(2);
    d.drain(1); // the release takes the low frame first; CPU0's first free was the high one
    expect(s.agent(0, AG.PF_MEMALLOC)).toBe((high << 1) | 1);
    expect(s.freeStack().includes(low)).toBe(true);
    expect(s.freeStack().includes(high)).toBe(false);
  });

  it("off: a page whose free waited for the LRU lock goes to the free lists at the unlock", () => {
    const { s, d, start, pages } = lruHeldWhileReclaiming(false, 1);
    const [page] = pages;
    start(0, P.free_page_and_swap_cache, [page]);
    d.untilEvent(0, EV.FREE_DEFERRED);
    d.drain(1);
    expect(d.trace.some((t) => t.event === EV.FREE_LOCAL)).toBe(false);
    expect(s.agent(0, AG.PF_MEMALLOC)).toBe(1);
    expect(s.freeStack().includes(page)).toBe(true);
    expect(d.violation()).toBe("none");
  });
});
