// Three places where 2.4.0 (and, for the first, 2.4.10-pre9) touches a page or an mm outside the lock the model used to take:
// - add_to_swap_cache (mm/swap_state.c, mm/filemap.c add_to_page_cache_locked; flag
//   add-before-pcl): PG_swap_cache, the rewrite of the whole flags word and the cache's page
//   reference come before pagecache_lock, which covers only the index and the hash;
// - zap_page_range and exit_mmap (mm/memory.c, mm/mmap.c; flag rss-unlocked): rss is updated
//   after page_table_lock is dropped, a read and a write with no lock;
// - do_wp_page (mm/memory.c, every release): the old page's reference (or the unused copy) is
//   released after page_table_lock is dropped.
import { describe, it, expect } from "vitest";
import { AG, G } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, swappedOut, EV } from "../helpers/rig.js";
import { P, PG, MM, pteFrame } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

function rig(name: string, withF: string[] = [], withoutF: string[] = []) {
  const m = resolveModel(name, withF, withoutF);
  const r = directedRig({ ...SMALL_RIG, flags: m.flags, flags2: m.flags2, kswapd: false }, { rounds: 100, disk: true, noViolation: true });
  const write = (mm: number, page: number) => {
    r.call(0, P.access, [mm, page, 1]);
    return r.s.g(G.WRITE_SEQ);
  };
  return { ...r, write };
}

/** A page for entry, locked as add_to_swap_cache's callers lock it, and CPU0 about to add it. */
function adding(r: ReturnType<typeof rig>) {
  const { s, start } = r;
  const entry = swappedOut(r, 0, 3, 0x11);
  const page = r.run(P.alloc_page);
  s.setFlags(page, s.flags(page) | PG.LOCKED);
  start(0, P.add_to_swap_cache, [page, entry]);
  return { entry, page, count: s.count(page) };
}

// pre9's add_to_swap_cache: the removed side of Hugh Dickins' 15 Sep 2001 patch shows its
// PageTestandSetSwapCache before add_to_page_cache_locked (the flag set on it since 6 Dec 2026).
describe.each(["linux-2.4.0", "linux-2.4.10-pre"])("add-before-pcl (%s add_to_swap_cache)", (model) => {
  it("the page is PG_swap_cache, off the hash, before pagecache_lock; a PG_referenced set between the read and the write of page->flags is lost", () => {
    const r = rig(model);
    const { s, d } = r;
    const { entry, page, count } = adding(r);
    expect(d.step(0)).toBe(true); // PageTestandSetSwapCache and the read of page->flags
    expect(s.flags(page) & (PG.SWAPCACHE | PG.LRU)).toBe(PG.SWAPCACHE);
    expect(s.count(page)).toBe(count);
    expect(s.g(G.PCL)).toBe(0);
    // CPU1 in the window: its lookup misses the page (not hashed yet), and its
    // mark_page_accessed (a young pte of another mm) sets PG_referenced with no lock.
    expect(r.call(1, P.lookup_swap_cache, [entry])).toBe(0);
    r.call(1, P.mark_page_accessed, [page]);
    expect(s.flags(page) & PG.REFERENCED).toBe(PG.REFERENCED);
    expect(d.step(0)).toBe(true); // page->flags = flags | PG_uptodate; page_cache_get
    expect(s.flags(page) & (PG.REFERENCED | PG.UPTODATE)).toBe(PG.UPTODATE);
    expect(s.count(page)).toBe(count + 1);
    expect(r.call(1, P.lookup_swap_cache, [entry])).toBe(0); // still off the hash
    d.drain(0); // pagecache_lock: index and hash; then lru_cache_add
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.flags(page) & (PG.SWAPCACHE | PG.LRU | PG.REFERENCED)).toBe(PG.SWAPCACHE | PG.LRU);
    expect(s.g(G.PCL)).toBe(0);
    s.setFlags(page, s.flags(page) & ~PG.LOCKED); // the caller's UnlockPage
    expect(r.call(1, P.lookup_swap_cache, [entry])).toBe(page);
    expect(d.violation()).toBe("none");
  });

  it("--without add-before-pcl: flag, reference, index and hash in one pagecache_lock step; the same PG_referenced is kept", () => {
    const r = rig(model, [], ["add-before-pcl"]);
    const { s, d } = r;
    const { entry, page, count } = adding(r);
    expect(d.step(0)).toBe(true);
    // pcl-lru: lru_cache_add comes in the next step, pagecache_lock still held.
    expect(s.flags(page) & (PG.SWAPCACHE | PG.LRU)).toBe(PG.SWAPCACHE);
    expect(s.g(G.PCL)).toBe(1);
    expect(s.count(page)).toBe(count + 1);
    r.call(1, P.mark_page_accessed, [page]);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.flags(page) & PG.REFERENCED).toBe(PG.REFERENCED);
    s.setFlags(page, s.flags(page) & ~PG.LOCKED); // the caller's UnlockPage
    expect(r.call(1, P.lookup_swap_cache, [entry])).toBe(page);
    expect(d.violation()).toBe("none");
  });
});

describe("rss-unlocked (2.4.0 zap_page_range, exit_mmap)", () => {
  /** mm0 maps pages 1 and 2 (rss 2); CPU0 munmaps page 1 up to the first step after the
   *  zap's PTL hold. */
  function zapped(name: string, withoutF: string[] = []) {
    const r = rig(name, [], withoutF);
    const { s, d, start, write } = r;
    write(0, 1);
    write(0, 2);
    expect(s.mm(0, MM.RSS)).toBe(2);
    start(0, P.do_munmap, [0, 1, 1]);
    d.untilEvent(0, EV.ZAP_PAGE);
    for (let n = 0; n < 50 && s.mm(0, MM.PTL) !== 0; n++) expect(d.step(0)).toBe(true);
    expect(s.mm(0, MM.PTL)).toBe(0);
    return r;
  }

  it("linux-2.4.0: rss still counts the freed page after the PTL is dropped, and a decrement between the zap's read and write of rss is lost", () => {
    const r = zapped("linux-2.4.0");
    const { s, d } = r;
    expect(s.mm(0, MM.RSS)).toBe(2);
    expect(d.step(0)).toBe(true); // the read: rss 2 > freed 1
    // Another CPU's rss-- meanwhile. With the model's one vma, hidden by the munmap, no
    // model path reaches this mm here (2.4.0's swap_out_mm on another vma of the mm would):
    // the test writes it, as try_to_swap_out's "mm->rss--" under the PTL would.
    s.setMm(0, MM.RSS, s.mm(0, MM.RSS) - 1);
    expect(d.step(0)).toBe(true); // the write: 2 - 1
    expect(s.mm(0, MM.RSS)).toBe(1); // the other CPU's decrement is lost: page 2 is gone too
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it("linux-2.4.0 --without rss-unlocked: rss dropped per page under the PTL; the same decrement is kept", () => {
    const r = zapped("linux-2.4.0", ["rss-unlocked"]);
    const { s, d } = r;
    expect(s.mm(0, MM.RSS)).toBe(1);
    s.setMm(0, MM.RSS, s.mm(0, MM.RSS) - 1);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it.each([
    ["linux-2.4.0", [], 0],
    ["linux-2.4.0 --without rss-unlocked", ["rss-unlocked"], 1],
  ] as const)(
    "%s: exit_mmap's rss at the zap's first page (cleared before the zap with no lock in 2.4.0)",
    (_name, withoutF, rssAtFirstPage) => {
      const r = rig("linux-2.4.0", [], [...withoutF]);
      const { s, d, start, write } = r;
      write(0, 1);
      write(0, 2);
      start(0, P.do_exit, [0]);
      d.untilEvent(0, EV.ZAP_PAGE);
      expect(s.mm(0, MM.RSS)).toBe(rssAtFirstPage);
      d.drain(0);
      expect(s.agent(0, AG.SP)).toBe(0);
      expect(s.mm(0, MM.RSS)).toBe(0);
      expect(d.violation()).toBe("none");
    },
  );
});

describe("do_wp_page releases after page_table_lock (2.4.0 and 2.4.16 mm/memory.c)", () => {
  /** mm0 writes page 7, forks into mm1; CPU1 write-faults mm1[7] up to the step that drops
   *  mm1's PTL after the copy took the pte. */
  function copied(name: string) {
    const r = rig(name);
    const { s, d, start, write } = r;
    write(0, 7);
    const old = pteFrame(s.pte(0, 7));
    r.call(0, P.do_fork, [0, 1]);
    expect(s.count(old)).toBe(2);
    start(1, P.access, [1, 7, 1]);
    d.untilEvent(1, EV.WP_COPY);
    expect(s.mm(1, MM.PTL)).toBe(0);
    const fresh = pteFrame(s.pte(1, 7));
    expect(fresh).not.toBe(old);
    return { ...r, old, fresh };
  }

  it.each([
    ["linux-2.4.0", 2, [1]],
    ["linux-2.4.16", 3, [2, 1]],
  ] as const)("%s: a holder of mm1's PTL runs with mm1's pte on the copy and the old page still counted for it", (name, counted, after) => {
    const r = copied(name);
    const { s, d, old } = r;
    // mm0's pte, mm1's old pte's reference (and 2.4.16's own reference for the copy).
    expect(s.count(old)).toBe(counted);
    // CPU0 walks mm1 under its PTL meanwhile (swap_out_mm), and finds the copy mapped.
    r.call(0, P.swap_out_mm, [1, 1]);
    expect(s.count(old)).toBe(counted);
    for (const c of after) {
      expect(d.step(1)).toBe(true); // page_cache_release, one per step
      expect(s.count(old)).toBe(c);
    }
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(s.count(old)).toBe(1);
    expect(d.violation()).toBe("none");
  });
});
