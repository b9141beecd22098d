// Flag pcl-lru (linux-2.4.0, linux-2.4.10-pre): pagecache_lock nests outside pagemap_lru_lock.
// - reclaim_page (mm/vmscan.c) takes PCL, then LRU, and removes a clean swap-cache page that
//   page_launder (LRU alone) left for it, its __delete_from_swap_cache's swap_free (mm/swap_state.c)
//   running with both held; 2.4.16's shrink_cache takes PCL inside LRU.
// - add_to_page_cache_locked (mm/filemap.c) calls lru_cache_add (LRU) before it drops PCL.
// - __find_page_nolock's age_page_up (mm/filemap.c, mm/swap.c) takes LRU for activate_page, PCL
//   held, when the page's age is 0 (the model: a page off the active list); 2.4.0 only, whose
//   lookup is find_lock_page (pre9's is find_get_page).
// - the lock-order check (kernel-notes invariant 8) ranks PTL -> PCL -> LRU -> SLL -> SDL under it.
import { describe, it, expect } from "vitest";
import { AG, G, runProc, machine, state as stateOf } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, useSlot, cachePage, addCachePage, EV } from "../helpers/rig.js";
import { P, PG, ST, LK } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";

const PCL_LRU = FLAGS.find((f) => f.name === "pcl-lru")!;
const ON = resolveModel("linux-2.4.0");
const OFF = resolveModel("linux-2.4.0", [], ["pcl-lru"]);
// The fourth field: the lookup is 2.4.0's find_lock_page (flag sync-swapin), whose
// __find_page_nolock runs age_page_up under PCL; pre9's lookup is find_get_page, PCL alone.
const CASES = [
  ["linux-2.4.0", ON, true, true],
  ["linux-2.4.0 --without pcl-lru", OFF, false, false],
  ["linux-2.4.10-pre", resolveModel("linux-2.4.10-pre"), true, false],
  ["linux-2.4.10-pre --without pcl-lru", resolveModel("linux-2.4.10-pre", [], ["pcl-lru"]), false, false],
] as const;

function rig(m: { flags: number; flags2: number }) {
  return directedRig(
    { ...SMALL_RIG, frames: 16, pagesPerMm: 8, slotsPerArea: 8, areas: 1, kswapd: false, flags: m.flags, flags2: m.flags2 },
    { rounds: 100, disk: true, noViolation: true },
  );
}
type Rig = ReturnType<typeof rig>;

/** CPU1's delete_from_swap_cache of a locked page only the cache and CPU1 hold, stopped while
 *  it holds pagecache_lock across swap_free (2.4.0's __delete_from_swap_cache). */
function cpu1HoldsPcl(r: Rig): number {
  const { s, d } = r;
  const E2 = r.call(1, P.get_swap_page);
  const page = r.call(1, P.alloc_page);
  s.setFlags(page, s.flags(page) | PG.LOCKED);
  expect(r.call(1, P.add_to_swap_cache, [page, E2])).toBe(0);
  r.start(1, P.delete_from_swap_cache, [page]);
  r.d.untilState(1, () => s.g(G.PCL) === 2);
  expect(d.step(1)).toBe(true); // into swap_free, PCL still held
  expect(s.g(G.PCL)).toBe(2);
  return page;
}

function cpu1Releases(r: Rig, page: number): void {
  const { s, d } = r;
  d.drain(1);
  expect(s.agent(1, AG.SP)).toBe(0);
  expect(s.g(G.PCL)).toBe(0);
  s.setFlags(page, s.flags(page) & ~PG.LOCKED);
  r.start(1, P.free_page_and_swap_cache, [page]);
  d.drain(1);
}

function finishClean(r: Rig): void {
  const { s, d, e, disk, finish } = r;
  finish([0, 1, disk], 100);
  d.drain(disk);
  expect(s.agent(0, AG.SP)).toBe(0);
  expect(s.agent(1, AG.SP)).toBe(0);
  expect(d.violation()).toBe("none");
  expect([s.g(G.PCL), s.g(G.LRU_LOCK)]).toEqual([0, 0]);
  expect(checkInvariants(e, { quiescent: true })).toEqual([]);
}

const spinsOn = (r: Rig, agent: number, cls: number) => r.d.trace.some((t) => t.agent === agent && t.event === EV.SPIN && t.a === cls);

describe("pcl-lru", () => {
  it("is word 1's, set in linux-2.4.0 and linux-2.4.10-pre only", () => {
    expect(PCL_LRU.word).toBe(1);
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre"]) expect(resolveModel(m).flagNames, m).toContain("pcl-lru");
    for (const m of ["linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flagNames, m).not.toContain("pcl-lru");
  });
});

describe.each(CASES)("%s: reclaim of a clean swap-cache page", (_name, m, on) => {
  /** A clean, unlocked page only the swap cache holds, on the inactive list, its slot held by the cache alone. */
  function cleanCached(r: Rig) {
    const { s } = r;
    const E = useSlot(r, 7);
    const f = cachePage(r, E, { keepRef: false, swapRef: false });
    expect([s.count(f), s.swapCount(E)]).toEqual([1, 1]);
    expect(s.flags(f) & (PG.LRU | PG.ACTIVE | PG.DIRTY | PG.LOCKED | PG.SWAPCACHE)).toBe(PG.LRU | PG.SWAPCACHE);
    return { E, f };
  }

  it(
    on
      ? "waits for pagecache_lock holding nothing (reclaim_page: PCL, then LRU)"
      : "waits for pagecache_lock holding pagemap_lru_lock (2.4.16's shrink_cache)",
    () => {
      const r = rig(m);
      const { s, d } = r;
      const { E, f } = cleanCached(r);
      const held = cpu1HoldsPcl(r);
      r.start(0, P.try_to_free_pages);
      r.d.untilState(0, () => s.agent(0, AG.STATE) === ST.SPIN);
      expect(spinsOn(r, 0, LK.PCL)).toBe(true);
      // 2.4.0: page_launder left the page unlocked and dropped LRU; 2.4.16's order keeps LRU
      // and the page lock across the wait.
      expect(s.g(G.LRU_LOCK)).toBe(on ? 0 : 1);
      expect(s.flags(f) & PG.LOCKED).toBe(on ? 0 : PG.LOCKED);
      expect(d.trace.some((t) => t.agent === 0 && t.event === EV.LAUNDER_CLEAN)).toBe(on);
      cpu1Releases(r, held);
      d.untilEvent(0, EV.SHRINK_FREE);
      // __delete_from_swap_cache's swap_free comes next with both locks held (every model that
      // frees under pcl); under pcl-lru PCL was taken first.
      expect([s.g(G.PCL), s.g(G.LRU_LOCK)]).toEqual([1, 1]);
      finishClean(r);
      expect(s.swapCount(E)).toBe(0);
      expect(s.count(f)).toBe(0);
    },
  );

  it.runIf(on)("reclaim_page passes over a page locked between page_launder and its own look", () => {
    const r = rig(m);
    const { s, d } = r;
    const { E, f } = cleanCached(r);
    r.start(0, P.try_to_free_pages);
    d.untilEvent(0, EV.LAUNDER_CLEAN);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    s.setFlags(f, s.flags(f) | PG.LOCKED); // another CPU's lock_page (a swap-in's lookup)
    d.untilEvent(0, EV.SHRINK_BUSY);
    expect(s.flags(f) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
    expect(s.swapCount(E)).toBe(1);
    s.setFlags(f, s.flags(f) & ~PG.LOCKED);
    finishClean(r);
  });
});

describe.each(CASES)("%s: add_to_swap_cache's lru_cache_add", (_name, m, on, ages) => {
  it(
    on
      ? "lists the page before pagecache_lock is dropped: a lookup waits and finds it listed"
      : "lists the page after pagecache_lock is dropped: a lookup finds it unlisted",
    () => {
      const r = rig(m);
      const { s, d } = r;
      const E = useSlot(r, 5);
      const page = r.call(0, P.alloc_page);
      s.setFlags(page, s.flags(page) | PG.LOCKED);
      const listed = s.g(G.NR_INACTIVE);
      r.start(0, P.add_to_swap_cache, [page, E]);
      r.d.untilState(0, () => s.index(page) === E); // hashed under PCL
      expect(s.g(G.NR_INACTIVE)).toBe(listed); // not on a list yet
      expect(s.g(G.PCL)).toBe(on ? 1 : 0);
      const before = s.count(page);
      r.start(1, P.lookup_swap_cache, [E]);
      d.step(1);
      if (on) {
        expect(s.agent(1, AG.STATE)).toBe(ST.SPIN);
        expect(spinsOn(r, 1, LK.PCL)).toBe(true);
        expect(s.count(page)).toBe(before);
        expect(d.step(0)).toBe(true); // lru_cache_add under LRU, then LRU and PCL dropped
        expect(s.g(G.NR_INACTIVE)).toBe(listed + 1);
        expect([s.g(G.PCL), s.g(G.LRU_LOCK)]).toEqual([0, 0]);
        expect(s.agent(0, AG.SP)).toBe(0);
        expect(s.agent(1, AG.STATE)).toBe(ST.RUNNABLE);
        expect(d.step(1)).toBe(true); // the lookup finds it, listed and inactive
        if (ages) {
          expect([s.g(G.PCL), s.count(page)]).toEqual([2, before]); // age_page_up next, PCL held
          expect(d.step(1)).toBe(true); // activate_page under LRU, page_cache_get, PCL dropped
        }
        expect([s.g(G.PCL), s.count(page)]).toEqual([0, before + 1]);
      } else {
        expect(s.count(page)).toBe(before + 1); // found and got before it is listed
        expect(s.g(G.NR_INACTIVE)).toBe(listed);
      }
      d.drain(0);
      expect(s.flags(page) & PG.LRU).toBe(PG.LRU);
      s.setFlags(page, s.flags(page) & ~PG.LOCKED);
      d.drain(1);
      expect(e1ret(r)).toBe(page);
    },
  );
});

const e1ret = (r: Rig) => r.e.m.agent_ret(1);

describe.each(CASES)("%s: lookup_swap_cache of an inactive page", (_name, m, _on, on) => {
  it(on ? "activates it under pagemap_lru_lock with pagecache_lock held (age_page_up)" : "takes pagecache_lock alone", () => {
    const r = rig(m);
    const { s, d } = r;
    const E = useSlot(r, 3);
    const f = cachePage(r, E, { keepRef: false, swapRef: false });
    expect(s.flags(f) & (PG.LRU | PG.ACTIVE)).toBe(PG.LRU);
    r.start(0, P.lookup_swap_cache, [E]);
    expect(d.step(0)).toBe(true); // __find_page_nolock under PCL
    expect(s.g(G.PCL)).toBe(on ? 1 : 0);
    expect(s.count(f)).toBe(on ? 1 : 2); // page_cache_get comes after age_page_up
    if (on) {
      // Another CPU may run meanwhile; a reclaimer wanting PCL waits.
      r.start(1, P.try_to_free_pages);
      r.d.untilState(1, () => s.agent(1, AG.STATE) === ST.SPIN);
      expect(spinsOn(r, 1, LK.PCL)).toBe(true);
      expect(d.step(0)).toBe(true); // activate_page: LRU inside PCL
      expect(s.flags(f) & PG.ACTIVE).toBe(PG.ACTIVE);
      expect([s.g(G.PCL), s.g(G.LRU_LOCK), s.count(f)]).toEqual([0, 0, 2]);
    } else {
      expect(s.flags(f) & PG.ACTIVE).toBe(0);
    }
    d.drain(0);
    expect(r.e.m.agent_ret(0)).toBe(f);
    expect(d.violation()).toBe("none");
  });
});

describe("the lock-order check under pcl-lru", () => {
  /** A locked swap-cache page held by the cache and the caller, whose slot only the cache holds. */
  function exclusive(flags: number, flags2: number) {
    const e = machine({
      cpus: 1,
      frames: 16,
      mms: 1,
      pagesPerMm: 8,
      slotsPerArea: 8,
      areas: 1,
      flags,
      flags2,
      kswapd: false,
      freeMin: 0,
      freeLow: 0,
    });
    const run = (proc: number, args: number[] = []) => runProc(e, 0, proc, args);
    const s = stateOf(e);
    const E = run(P.get_swap_page).ret;
    const page = addCachePage({ s, run: (p, a) => run(p, a).ret }, E);
    if (s.swapCount(E) === 2) run(P.swap_free, [E]); // 2.4.16's add took its own
    expect([s.count(page), s.swapCount(E)]).toEqual([2, 1]);
    return { e, run, page };
  }

  it("linux-2.4.16 --with pcl-lru: remove_exclusive_swap_page's PCL inside swap_device_lock is a violation", () => {
    const m = resolveModel("linux-2.4.16", ["pcl-lru"]);
    const { run, page } = exclusive(m.flags, m.flags2);
    expect(run(P.remove_exclusive_swap_page, [page]).violation).toBe("lock-order");
  });

  it("linux-2.4.16: the same remove is in order", () => {
    const m = resolveModel("linux-2.4.16");
    const { run, page } = exclusive(m.flags, m.flags2);
    const r = run(P.remove_exclusive_swap_page, [page]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(1);
  });
});
