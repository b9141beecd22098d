// mm/vmscan.c: try_to_swap_out, shrink_cache and direct reclaim on small hand-built machines.
// Pages are mapped by writing ptes, counts and the LRU lists directly (no fault path needed);
// the swap side (get_swap_page, add_to_swap_cache, swap_writepage, ...) is the real one.
import { describe, it, expect } from "vitest";
import { machine, state, runProc, runProcs, startProc, R, G, MM, swpEntry } from "../helpers/machine.js";
import { CFG, F2, PG, PTE, P, RUN, SCHED, OP, VIOLATION_IDS, makeOp, pteIsSwap, pteEntry, pteFrame } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/index.js";
import type { Engine } from "../../src/wasm/engine.js";
import { vmscanEvents } from "../../src/report/events/vmscan.js";
import { Director } from "../helpers/directed.js";
import { EV, LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16 } from "../helpers/rig.js";
import { resolveModel } from "../../src/model/models.js";
import { AGENT_WORDS, AG, ST } from "../../src/wasm/abi.js";

const SMALL = { cpus: 1, frames: 16, mms: 2, pagesPerMm: 8, areas: 1, slotsPerArea: 16, kswapd: false };
/** TASK_SIZE as the model holds it in swap_address: one past the stack's vma, which follows the
 *  mm's one anonymous vma of pagesPerMm pages (whose vm_end is pagesPerMm). */
const TASK_SIZE = SMALL.pagesPerMm + 1;

/** A machine plus helpers that build process state by hand. */
function world(over: Record<string, unknown> = {}) {
  const e = machine({ ...SMALL, flags: LINUX_2_4_16, ...over });
  const s = state(e);
  const nFrames = e.config.frames;
  const w = (r: number) => e.region(r) >> 2;

  /** rmqueue: pops the free stack top, as the kernel would hand the frame out. */
  const allocFrame = (): number => {
    const n = s.g(G.NR_FREE);
    const f = s.I[w(R.FREE_STACK) + n - 1];
    s.setG(G.NR_FREE, n - 1);
    s.setCount(f, 0);
    s.setFlags(f, PG.INUSE);
    return f;
  };

  /** lru_cache_add: head of the inactive list (head index nFrames + 1). */
  const lruAdd = (f: number) => {
    const head = nFrames + 1;
    const next = w(R.PG_LRU_NEXT),
      prev = w(R.PG_LRU_PREV);
    const first = s.I[next + head];
    s.I[next + f] = first;
    s.I[prev + f] = head;
    s.I[prev + first] = f;
    s.I[next + head] = f;
    s.setFlags(f, s.flags(f) | PG.LRU);
    s.setG(G.NR_INACTIVE, s.g(G.NR_INACTIVE) + 1);
  };

  /** An anonymous page written with `value`, mapped at mm[page] by a present pte. */
  const mapAnon = (mm: number, page: number, value: number, bits = PTE.RW | PTE.DIRTY): number => {
    const f = allocFrame();
    s.setCount(f, 1);
    s.setContent(f, value);
    s.setShadow(mm, page, value);
    s.setPte(mm, page, (f << 4) | bits | PTE.PRESENT);
    s.setMm(mm, MM.RSS, s.mm(mm, MM.RSS) + 1);
    lruAdd(f);
    return f;
  };

  /** Maps an existing frame at mm[page] too (a second pte, one more reference). */
  const mapAgain = (mm: number, page: number, f: number, bits = PTE.RW) => {
    s.setPte(mm, page, (f << 4) | bits | PTE.PRESENT);
    s.setCount(f, s.count(f) + 1);
    s.setMm(mm, MM.RSS, s.mm(mm, MM.RSS) + 1);
  };

  const stats = () => e.takeStats();
  return { e, s, allocFrame, mapAnon, mapAgain, lruAdd, stats };
}

const inCache = (s: ReturnType<typeof state>, f: number) => (s.flags(f) & PG.SWAPCACHE) !== 0;

/** Every swap pte's slot has the last value written; every present pte's frame too. */
function expectNoDataLost(e: Engine, mms: number, pages: number) {
  const s = state(e);
  for (let mm = 0; mm < mms; mm++) {
    for (let p = 0; p < pages; p++) {
      const pte = s.pte(mm, p);
      if (pte === 0) continue;
      const where = `mm${mm}[${p}]`;
      if (pteIsSwap(pte)) {
        const entry = pteEntry(pte);
        // Either the slot holds the data, or a cache page for the entry still does.
        const cached = cachePageFor(e, entry);
        const value = cached ? s.content(cached) : s.slotContent(entry);
        expect(value, where).toBe(s.shadow(mm, p));
      } else {
        expect(s.content(pteFrame(pte)), where).toBe(s.shadow(mm, p));
      }
    }
  }
}

/** The frame the swap cache holds for entry (scanning frames; tests only), or 0. */
const cachePageFor = (e: Engine, entry: number): number => state(e).cachedPageOf(entry);

/** Invariant 1 without temporary refs: swap_map == ptes holding E + 1 if E has a cache page. */
function expectSwapCountsExact(e: Engine, mms: number, pages: number) {
  const s = state(e);
  const users = new Map<number, number>();
  for (let mm = 0; mm < mms; mm++) {
    for (let p = 0; p < pages; p++) {
      const pte = s.pte(mm, p);
      if (pteIsSwap(pte)) users.set(pteEntry(pte), (users.get(pteEntry(pte)) ?? 0) + 1);
    }
  }
  for (let f = 1; f < e.config.frames; f++) {
    if (inCache(s, f)) users.set(s.index(f), (users.get(s.index(f)) ?? 0) + 1);
  }
  for (const [entry, n] of users) expect(s.swapCount(entry), `swap_map of ${entry.toString(16)}`).toBe(n);
}

describe("try_to_swap_out", () => {
  it("only ages a young pte: clears young, marks the page referenced", () => {
    const { e, s, mapAnon } = world();
    const f = mapAnon(0, 3, 77, PTE.RW | PTE.DIRTY | PTE.YOUNG);
    const pteBefore = s.pte(0, 3);
    const r = runProc(e, 0, P.try_to_swap_out, [0, 3]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(0);
    expect(s.pte(0, 3)).toBe(pteBefore & ~PTE.YOUNG);
    expect(s.flags(f) & PG.REFERENCED).toBe(PG.REFERENCED);
    expect(s.count(f)).toBe(1);
    expect(inCache(s, f)).toBe(false);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(s.g(G.TOTAL_SWAP_PAGES));
    expect(s.mm(0, MM.RSS)).toBe(1);
  });

  it("a second young pte activates the page (mark_page_accessed); refill_inactive moves it back referenced", () => {
    const { e, s, mapAnon } = world();
    const f = mapAnon(0, 3, 77, PTE.RW | PTE.DIRTY | PTE.YOUNG);
    expect(runProc(e, 0, P.try_to_swap_out, [0, 3]).ret).toBe(0); // referenced, still inactive
    expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED)).toBe(PG.REFERENCED);
    s.setPte(0, 3, s.pte(0, 3) | PTE.YOUNG); // the user touches it again
    expect(runProc(e, 0, P.try_to_swap_out, [0, 3]).ret).toBe(0);
    expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED)).toBe(PG.ACTIVE); // activated, bit cleared
    expect([s.g(G.NR_ACTIVE), s.g(G.NR_INACTIVE)]).toEqual([1, 0]);
    expect(s.pte(0, 3) & PTE.PRESENT).toBe(PTE.PRESENT); // an active page stays mapped
    // Reclaim: shrink_caches' ratio (32 * 1 active / ((0 + 1) * 2)) asks refill_inactive for it.
    runProc(e, 0, P.try_to_free_pages, []);
    expect(s.flags(f) & PG.ACTIVE).toBe(0);
    expect(s.g(G.NR_ACTIVE)).toBe(0);
  });

  it("names nr_inactive_pages below zero as an LRU violation before shrink_caches divides by it", () => {
    const { e, s, mapAnon } = world();
    mapAnon(0, 3, 77, PTE.RW | PTE.DIRTY | PTE.YOUNG);
    runProc(e, 0, P.try_to_swap_out, [0, 3]);
    s.setPte(0, 3, s.pte(0, 3) | PTE.YOUNG);
    runProc(e, 0, P.try_to_swap_out, [0, 3]); // activated: nr_active 1, nr_inactive 0
    s.setG(G.NR_INACTIVE, -1); // a counter gone wrong: (-1 + 1) * 2 is a zero divisor
    const r = runProc(e, 0, P.try_to_free_pages, []);
    expect(r.violation).toBe("lru");
    expect([e.global(G.VIOL_A), e.global(G.VIOL_B)]).toEqual([-1, 1]);
  });

  it("leaves an active page and a locked page mapped", () => {
    const { e, s, mapAnon } = world();
    const a = mapAnon(0, 1, 5);
    s.setFlags(a, s.flags(a) | PG.ACTIVE);
    const b = mapAnon(0, 2, 6);
    s.setFlags(b, s.flags(b) | PG.LOCKED);
    const ptes = [s.pte(0, 1), s.pte(0, 2)];
    expect(runProc(e, 0, P.try_to_swap_out, [0, 1]).ret).toBe(0);
    expect(runProc(e, 0, P.try_to_swap_out, [0, 2]).ret).toBe(0);
    expect([s.pte(0, 1), s.pte(0, 2)]).toEqual(ptes);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(s.g(G.TOTAL_SWAP_PAGES));
  });

  for (const [model, flags] of [
    ["linux-2.4.16", LINUX_2_4_16],
    ["linux-2.4.0", LINUX_2_4_0],
  ] as const) {
    it(`${model}: gives an old anonymous page a fresh entry in the swap cache and a swap pte`, () => {
      const { e, s, mapAnon } = world({ flags });
      const f = mapAnon(0, 3, 1234);
      const freeSlots = s.g(G.NR_SWAP_PAGES);
      const r = runProc(e, 0, P.try_to_swap_out, [0, 3]);
      expect(r.violation).toBe("none");
      const pte = s.pte(0, 3);
      expect(pteIsSwap(pte)).toBe(true);
      const entry = pteEntry(pte);
      expect(inCache(s, f)).toBe(true);
      expect(s.index(f)).toBe(entry);
      expect(s.g(G.NR_SWAP_PAGES)).toBe(freeSlots - 1);
      // swap_map: the pte's reference + the cache's.
      expect(s.swapCount(entry)).toBe(2);
      // The page: only the cache's reference is left; dirty (never written), unlocked.
      expect(s.count(f)).toBe(1);
      expect(s.flags(f) & (PG.DIRTY | PG.LOCKED | PG.UPTODATE)).toBe(PG.DIRTY | PG.UPTODATE);
      expect(s.content(f)).toBe(1234);
      expect(s.mm(0, MM.RSS)).toBe(0);
      expect(r.ret).toBe(1); // freeable: nobody but the cache holds it
    });
  }

  it("takes a swap_duplicate for a page already in the swap cache", () => {
    const { e, s, mapAnon, mapAgain } = world();
    const f = mapAnon(0, 3, 99);
    mapAgain(1, 5, f); // shared (as after fork): a second pte
    runProc(e, 0, P.try_to_swap_out, [0, 3]);
    const entry = pteEntry(s.pte(0, 3));
    expect(inCache(s, f)).toBe(true);
    expect(s.swapCount(entry)).toBe(2);
    const freeSlots = s.g(G.NR_SWAP_PAGES);
    const r = runProc(e, 0, P.try_to_swap_out, [1, 5]);
    expect(r.violation).toBe("none");
    expect(s.pte(1, 5)).toBe(s.pte(0, 3)); // the same swap pte
    expect(s.swapCount(entry)).toBe(3);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(freeSlots); // no new slot
    expect(s.count(f)).toBe(1);
    expect(s.mm(1, MM.RSS)).toBe(0);
    expectSwapCountsExact(e, 2, 8);
  });

  it("restores the pte when swap is full", () => {
    const { e, s, mapAnon } = world({ slotsPerArea: 2 });
    const f1 = mapAnon(0, 0, 1);
    const f2 = mapAnon(0, 1, 2);
    runProc(e, 0, P.try_to_swap_out, [0, 0]); // takes the only usable slot
    expect(pteIsSwap(s.pte(0, 0))).toBe(true);
    const before = s.pte(0, 1);
    const r = runProc(e, 0, P.try_to_swap_out, [0, 1]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(0); // preserve: nothing freeable; swap_out_mm's walk goes on
    expect(s.pte(0, 1)).toBe(before);
    expect(s.flags(f2) & (PG.LOCKED | PG.SWAPCACHE)).toBe(0);
    expect(s.count(f2)).toBe(1);
    expect(inCache(s, f1)).toBe(true);
  });
});

describe("swap_out_mm", () => {
  it("walks from the mm's cursor under PTL and stops once count pages are freeable", () => {
    const { e, s, mapAnon } = world();
    mapAnon(0, 2, 20, PTE.RW | PTE.DIRTY | PTE.YOUNG);
    mapAnon(0, 5, 50);
    mapAnon(0, 6, 60);
    s.setMm(0, MM.SWAP_CURSOR, 1);
    e.takeStats();
    const r = runProc(e, 0, P.swap_out_mm, [0, 1]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(1);
    expect(s.pte(0, 2) & (PTE.PRESENT | PTE.YOUNG)).toBe(PTE.PRESENT); // aged, kept
    expect(pteIsSwap(s.pte(0, 5))).toBe(true);
    expect(pteIsSwap(s.pte(0, 6))).toBe(false);
    expect(s.mm(0, MM.SWAP_CURSOR)).toBe(6);
    expect(s.mm(0, MM.PTL)).toBe(0); // released
    expect(e.takeStats().pteScans).toBe(5); // [1] .. [5]
  });

  // 2.4.16 swap_out_mm: the walk never wraps; reaching the end sets swap_address = TASK_SIZE
  // ("we reached the end of address space"), and swap_out's next pick starts it at 0 again.
  it("walks from the cursor to the end, not round again, and leaves swap_address at TASK_SIZE", () => {
    const { e, s, mapAnon } = world();
    mapAnon(0, 0, 10);
    mapAnon(0, 2, 20, PTE.RW | PTE.DIRTY | PTE.YOUNG);
    mapAnon(0, 6, 60);
    s.setMm(0, MM.SWAP_CURSOR, 4);
    e.takeStats();
    const r = runProc(e, 0, P.swap_out_mm, [0, 8]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(1);
    expect(pteIsSwap(s.pte(0, 6))).toBe(true);
    expect(pteIsSwap(s.pte(0, 0))).toBe(false); // below the cursor: left for the next walk
    expect(s.pte(0, 2) & PTE.YOUNG).toBe(PTE.YOUNG); // not aged either
    expect(s.mm(0, MM.SWAP_CURSOR)).toBe(TASK_SIZE);
    expect(s.mm(0, MM.RSS)).toBe(2);
    expect(e.takeStats().pteScans).toBe(4); // [4] .. [7]
    expectSwapCountsExact(e, 1, 8);
  });

  // 2.4.16 swap_out_mm: "if (address == TASK_SIZE || swap_mm != mm) { /* We raced: don't count
  // this mm but try again */ ++*mmcounter; goto out_unlock; }" under the mm's PTL.
  it("backs out under the PTL when another walk took the mm to TASK_SIZE or swap_mm moved on", () => {
    for (const raced of ["TASK_SIZE", "swap_mm"] as const) {
      const { e, s, mapAnon } = world();
      mapAnon(0, 1, 10);
      const before = s.pte(0, 1);
      startProc(e, 0, P.swap_out_mm, [0, 1]); // as swap_out's pick leaves it: swap_mm = mm0
      if (raced === "TASK_SIZE") s.setMm(0, MM.SWAP_CURSOR, TASK_SIZE);
      else s.setG(G.SWAP_MM, 1);
      e.takeStats();
      const { code, violation } = runProcs(e, []);
      expect(code).toBe(RUN.DONE);
      expect(violation).toBe("none");
      expect(e.m.agent_ret(0), raced).toBe(-1); // SWAP_OUT_RACED: swap_out does not count it
      expect(s.pte(0, 1), raced).toBe(before); // nothing walked
      expect(e.takeStats().pteScans, raced).toBe(0);
      expect(s.mm(0, MM.PTL), raced).toBe(0); // released
    }
  });

  // mm/vmscan.c swap_out_pmd → try_to_swap_out (2.4.16): each pte's page is tested for
  // PageActive when the walk reaches it, under page_table_lock only; PG_active changes under
  // pagemap_lru_lock. Another CPU can activate a later page while the walk is at an earlier one.
  // (pre9's try_to_swap_out has no PageActive test: linux-2.4.10-pre runs it here without its
  // swap-amount flag, which the "swap-amount" tests below take on.)
  it("reads a later page's PG_active only when it gets there: an activate_page in between is seen", () => {
    const pre9NoAmount = resolveModel("linux-2.4.10-pre").flags2 & ~F2.SWAP_AMOUNT;
    for (const [flags, flags2] of [[LINUX_2_4_16], [LINUX_2_4_10, pre9NoAmount], [LINUX_2_4_0]]) {
      const { e, s, mapAnon } = world({
        flags,
        ...(flags2 === undefined ? {} : { flags2 }),
        cpus: 2,
        sched: SCHED.REPLAY,
        traceCap: 1 << 12,
      });
      const a = mapAnon(0, 1, 10);
      const b = mapAnon(0, 2, 20);
      const d = new Director(e);
      // Page a is active (on the active list); page b inactive, referenced once already.
      for (const f of [a, a, b]) {
        e.m.start_proc(0, P.mark_page_accessed, f, 0, 0, 0);
        d.drain(0);
      }
      expect(s.flags(a) & PG.ACTIVE).toBe(PG.ACTIVE);
      expect(s.flags(b) & (PG.ACTIVE | PG.REFERENCED)).toBe(PG.REFERENCED);
      s.setMm(0, MM.SWAP_CURSOR, 0);
      const ptes = [s.pte(0, 1), s.pte(0, 2)];
      startProc(e, 0, P.swap_out_mm, [0, 1]);
      expect(d.step(0)).toBe(true); // PTL taken; the walk passes over active page a
      expect(s.pte(0, 2)).toBe(ptes[1]); // b not looked at yet
      // CPU1: mark_page_accessed(b) activates it (activate_page under pagemap_lru_lock).
      e.m.start_proc(1, P.mark_page_accessed, b, 0, 0, 0);
      d.drain(1);
      expect(s.flags(b) & PG.ACTIVE).toBe(PG.ACTIVE);
      d.drain(0);
      expect(d.violation()).toBe("none");
      // The walk finds b active: neither page is unmapped, nothing became freeable.
      expect([s.pte(0, 1), s.pte(0, 2)]).toEqual(ptes);
      expect(s.g(G.NR_SWAP_PAGES)).toBe(s.g(G.TOTAL_SWAP_PAGES));
      expect(s.mm(0, MM.PTL)).toBe(0);
    }
  });
});

describe("shrink_cache", () => {
  it("writes a dirty swap-cache page, and frees it on a later pass", () => {
    const { e, s, mapAnon } = world();
    const f = mapAnon(0, 3, 4242);
    runProc(e, 0, P.try_to_swap_out, [0, 3]);
    const entry = pteEntry(s.pte(0, 3));
    e.takeStats();

    // First pass: the page is dirty → swap_writepage; the disk runs once the CPU is done.
    const r1 = runProc(e, 0, P.shrink_cache, [1, 6]);
    expect(r1.violation).toBe("none");
    expect(r1.code).toBe(RUN.DONE);
    expect(r1.ret).toBe(1); // nothing freed yet
    expect(s.slotContent(entry)).toBe(4242);
    expect(inCache(s, f)).toBe(true);
    expect(s.flags(f) & (PG.DIRTY | PG.LOCKED)).toBe(0);
    expect(s.count(f)).toBe(1);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    const st1 = e.takeStats();
    expect(st1.swapOuts).toBe(1);
    expect(st1.pagesFreed).toBe(0);

    // Second pass: clean, only the cache holds it → out of the cache, slot ref dropped, freed.
    const free = s.g(G.NR_FREE);
    const r2 = runProc(e, 0, P.shrink_cache, [1, 6]);
    expect(r2.violation).toBe("none");
    expect(r2.ret).toBe(0);
    expect(s.g(G.NR_FREE)).toBe(free + 1);
    expect(s.flags(f)).toBe(0);
    expect(s.count(f)).toBe(0);
    expect(s.swapCount(entry)).toBe(1); // the pte's
    expect(s.slotContent(entry)).toBe(4242);
    expect(s.slotContent(entry)).toBe(s.shadow(0, 3));
    expect(s.g(G.NR_INACTIVE)).toBe(0);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    expect(s.g(G.PCL)).toBe(0);
    expect(e.takeStats().pagesFreed).toBe(1);
  });

  it("keeps a swap-cache page that a pte still maps and swaps out instead", () => {
    const { e, s, mapAnon, mapAgain } = world();
    const f = mapAnon(0, 3, 7);
    mapAgain(1, 0, f);
    runProc(e, 0, P.try_to_swap_out, [0, 3]); // cache + mm1's pte: count 2
    const before = s.count(f);
    expect(before).toBe(2);
    const r = runProc(e, 0, P.shrink_cache, [1, 6]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(1);
    // max_mapped ran out on this page: swap_out unmapped mm1[0], nothing was freed.
    expect(pteIsSwap(s.pte(1, 0))).toBe(true);
    expect(s.count(f)).toBe(1);
    expect(inCache(s, f)).toBe(true);
    expectSwapCountsExact(e, 2, 8);
  });
});

describe("direct reclaim", () => {
  it("alloc_page below pages_min frees a page through try_to_free_pages", () => {
    const frames = 8;
    const { e, s, mapAnon } = world({ frames, freeMin: 1, freeLow: 2, freeHigh: 3, swapCluster: 32 });
    for (let p = 0; p < frames - 1; p++) mapAnon(0, p, 100 + p);
    expect(s.g(G.NR_FREE)).toBe(0);
    const r = runProc(e, 0, P.alloc_page, []);
    expect(r.violation).toBe("none");
    expect(r.code).toBe(RUN.DONE);
    expect(r.ret).toBeGreaterThan(0);
    const st = e.takeStats();
    expect(st.directReclaim).toBeGreaterThan(0);
    expect(st.pagesFreed).toBeGreaterThan(0);
    // The page alloc_page returned is no longer mapped anywhere; its old owner's pte is a swap pte.
    const got = r.ret;
    for (let p = 0; p < frames - 1; p++) {
      const pte = s.pte(0, p);
      if (!pteIsSwap(pte)) expect(pteFrame(pte)).not.toBe(got);
    }
    expectNoDataLost(e, 1, 8);
    expectSwapCountsExact(e, 1, 8);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    expect(s.mm(0, MM.PTL)).toBe(0);
  });

  it("kswapd reclaims up to pages_high once woken", () => {
    const frames = 8;
    const { e, s, mapAnon } = world({ frames, freeMin: 0, freeLow: 1, freeHigh: 3, kswapd: true });
    for (let p = 0; p < frames - 2; p++) mapAnon(0, p, 200 + p);
    expect(s.g(G.NR_FREE)).toBe(1);
    // alloc_page takes the last frame (above pages_min) and wakes kswapd.
    const r = runProc(e, 0, P.alloc_page, []);
    expect(r.violation).toBe("none");
    expect(r.code).toBe(RUN.DONE);
    expect(r.ret).toBeGreaterThan(0);
    const st = e.takeStats();
    expect(st.directReclaim).toBe(0);
    expect(st.kswapdRuns).toBeGreaterThan(0);
    expect(s.g(G.NR_FREE)).toBeGreaterThanOrEqual(3);
    expect(s.g(G.KSWAPD_WAKE)).toBe(0);
    expectNoDataLost(e, 1, 8);
    expectSwapCountsExact(e, 1, 8);
  });
  // mm/vmscan.c kswapd_balance_pgdat (2.4.16): "if (!try_to_free_pages(zone, GFP_KSWAPD, 0))
  // { zone->need_balance = 0; schedule_timeout(HZ); continue; }": try_to_free_pages returns 1
  // only when it freed all of its nr_pages, so a pass that frees fewer ends kswapd's run.
  it("kswapd sleeps after a pass that freed fewer pages than it was asked for", () => {
    const frames = 16; // nr_pages: SWAP_CLUSTER_MAX scaled to a quarter of the frames, 4
    const { e, s, mapAnon } = world({ frames, freeMin: 0, freeLow: 2, freeHigh: 8, kswapd: true });
    // One clean swap-cache page that only the cache holds: the one page reclaim can free.
    const f = mapAnon(0, 0, 100);
    runProc(e, 0, P.try_to_swap_out, [0, 0]);
    runProc(e, 0, P.shrink_cache, [1, 6]); // writes it; the disk completes
    expect(s.flags(f) & (PG.SWAPCACHE | PG.DIRTY | PG.LOCKED)).toBe(PG.SWAPCACHE);
    expect(s.count(f)).toBe(1);
    // Every other frame mapped, and no swap left for them: nothing else can be freed.
    for (let p = 1; s.g(G.NR_FREE) > 1; p++) mapAnon(p < 8 ? 0 : 1, p % 8, 100 + p);
    s.setG(G.NR_SWAP_PAGES, 0);
    e.takeStats();
    // alloc_page takes the last free frame (above pages_min) and wakes kswapd.
    const r = runProc(e, 0, P.alloc_page, []);
    expect(r.violation).toBe("none");
    expect(r.ret).toBeGreaterThan(0);
    const st = e.takeStats();
    expect(st.pagesFreed).toBe(1);
    expect(st.kswapdRuns).toBe(1); // one try_to_free_pages: freed 1 of 4, then asleep
    expect(s.g(G.KSWAPD_WAKE)).toBe(0);
  });
});

describe("kswapd's schedule_timeout(HZ) after a pass that fell short (kswapd-timeout)", () => {
  /** kswapd-timeout on, a jiffy of 1 step (HZ = 100 steps), the machine of the test above:
   *  one freeable page, every other frame mapped, no swap left. */
  function shortPass() {
    const model = resolveModel("linux-2.4.16", ["kswapd-timeout"]);
    const { e, s, mapAnon } = world({ frames: 16, freeMin: 0, freeLow: 2, freeHigh: 8, kswapd: true, flags2: model.flags2, jiffyShift: 0 });
    const f = mapAnon(0, 0, 100);
    runProc(e, 0, P.try_to_swap_out, [0, 0]);
    runProc(e, 0, P.shrink_cache, [1, 6]);
    for (let p = 1; s.g(G.NR_FREE) > 1; p++) mapAnon(p < 8 ? 0 : 1, p % 8, 100 + p);
    s.setG(G.NR_SWAP_PAGES, 0);
    expect(s.count(f)).toBe(1);
    const kswapd = e.config.cpus + 1;
    const agent = (k: number) => s.I[(e.region(R.AGENTS) >> 2) + kswapd * AGENT_WORDS + k];
    return { e, s, kswapd, agent };
  }

  it("sleeps on its timer, which no wakeup_kswapd ends; at the timer's step it runs the pass an allocation asked for meanwhile", () => {
    const { e, s, agent } = shortPass();
    e.takeStats();
    const r = runProc(e, 0, P.alloc_page, []);
    expect(r.violation).toBe("none");
    expect(e.takeStats().kswapdRuns).toBe(1); // freed 1 of 4: short
    const timerAddr = e.region(R.GLOBALS) + G.KSWAPD_TIMER * 4;
    expect([agent(AG.STATE), agent(AG.WAIT)]).toEqual([ST.SLEEP, timerAddr]);
    // The steps left of HZ = 100 (a jiffy of 1 step), counted down as the machine ran on.
    const left = s.g(G.KSWAPD_TIMER);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(100);
    expect(s.g(G.KSWAPD_WAKE)).toBe(0); // need_balance cleared before the sleep
    // An allocation below the watermark with 50 steps left: need_balance set, kswapd asleep on.
    s.setG(G.KSWAPD_TIMER, 50);
    const before = s.g(G.STEP);
    runProc(e, 0, P.alloc_page, []);
    const ran = s.g(G.STEP) - before;
    expect(ran).toBeLessThan(50);
    expect(s.g(G.KSWAPD_TIMER)).toBe(50 - ran);
    expect(e.takeStats().kswapdRuns).toBe(0);
    expect(s.g(G.KSWAPD_WAKE)).toBe(1);
    expect(agent(AG.STATE)).toBe(ST.SLEEP);
    // One step left while a CPU runs: kswapd wakes and, need_balance set, runs a pass.
    s.setG(G.KSWAPD_TIMER, 1);
    runProc(e, 0, P.alloc_page, []);
    expect(e.takeStats().kswapdRuns).toBeGreaterThan(0);
    expect(s.g(G.KSWAPD_TIMER)).not.toBe(1);
  });

  it("off (--without kswapd-timeout), the next allocation below the watermark wakes it at once", () => {
    const off = resolveModel("linux-2.4.16", [], ["kswapd-timeout"]);
    const { e, s, mapAnon } = world({ frames: 16, freeMin: 0, freeLow: 2, freeHigh: 8, kswapd: true, jiffyShift: 0, flags2: off.flags2 });
    mapAnon(0, 0, 100);
    runProc(e, 0, P.try_to_swap_out, [0, 0]);
    runProc(e, 0, P.shrink_cache, [1, 6]);
    for (let p = 1; s.g(G.NR_FREE) > 1; p++) mapAnon(p < 8 ? 0 : 1, p % 8, 100 + p);
    s.setG(G.NR_SWAP_PAGES, 0);
    e.takeStats();
    runProc(e, 0, P.alloc_page, []);
    expect(e.takeStats().kswapdRuns).toBe(1);
    runProc(e, 0, P.alloc_page, []);
    expect(e.takeStats().kswapdRuns).toBeGreaterThan(0);
  });
});

describe("try_to_swap_out against a racing add_to_swap_cache (seed race 2)", () => {
  /** CPU0 unmaps mm0[3] and gets E from get_swap_page; before it adds its page, CPU1 adds
   *  another page for E (what swapin readahead's read_swap_cache_async does). */
  function race(flags: number) {
    const { e, s, allocFrame, mapAnon } = world({ cpus: 2, flags, sched: SCHED.REPLAY, traceCap: 1 << 12 });
    const mine = mapAnon(0, 3, 333);
    const theirs = allocFrame();
    s.setCount(theirs, 1);
    s.setFlags(theirs, PG.INUSE | PG.LOCKED);
    const d = new Director(e);
    e.m.start_proc(0, P.try_to_swap_out, 0, 3, 0, 0);
    const got = d.untilEvent(0, EV.TSO_GET_SWAP);
    const entry = got.c;
    expect(entry).not.toBe(0);
    e.m.start_proc(1, P.add_to_swap_cache, theirs, entry, 0, 0);
    d.drain(1);
    expect(cachePageFor(e, entry)).toBe(theirs);
    d.drain(0);
    return { e, s, d, mine, theirs, entry };
  }

  it("linux-2.4.16: -EEXIST, swap_free and retry with a fresh entry", () => {
    const { e, s, d, mine, theirs, entry } = race(LINUX_2_4_16);
    expect(d.violation()).toBe("none");
    const now = pteEntry(s.pte(0, 3));
    expect(pteIsSwap(s.pte(0, 3))).toBe(true);
    expect(now).not.toBe(entry);
    expect(cachePageFor(e, now)).toBe(mine);
    expect(cachePageFor(e, entry)).toBe(theirs);
    expect(s.swapCount(now)).toBe(2); // pte + cache
    expect(s.swapCount(entry)).toBe(1); // their cache page only: our get_swap_page ref was freed
    expect(d.trace.some((r) => r.event === EV.TSO_RETRY && r.b === entry && r.c === -17)).toBe(true);
    expect(e.takeStats().eexistRaces).toBe(1);
  });

  it("linux-2.4.0: the unchecked add puts a second page in the cache for the entry", () => {
    const { d } = race(LINUX_2_4_0);
    expect(d.violation()).toBe("swapcache-unique");
  });
});

describe("concurrent reclaim", () => {
  it("two CPUs in direct reclaim and kswapd, random interleavings: counts exact, no data lost", () => {
    const frames = 10;
    let freedTotal = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const { e, s, mapAnon, mapAgain } = world({
        cpus: 2,
        frames,
        kswapd: true,
        sched: SCHED.RANDOM,
        seed,
        freeMin: 1,
        freeLow: 2,
        freeHigh: 3,
      });
      for (let p = 0; p < 5; p++) mapAnon(0, p, 1000 + p);
      for (let p = 0; p < 4; p++) mapAnon(1, p, 2000 + p);
      mapAgain(1, 7, pteFrame(s.pte(0, 0)), PTE.RW); // one page shared by both mms
      s.setShadow(1, 7, s.shadow(0, 0));
      expect(s.g(G.NR_FREE)).toBe(0);
      const both = [
        { cpu: 0, proc: P.alloc_page },
        { cpu: 1, proc: P.alloc_page },
      ];
      const { code, violation } = runProcs(e, both, 200000);
      const where = `seed ${seed}`;
      expect(violation, where).toBe("none");
      expect(code, where).toBe(RUN.DONE);
      for (const lock of [G.LRU_LOCK, G.PCL, G.SLL]) expect(s.g(lock), where).toBe(0);
      for (let mm = 0; mm < 2; mm++) expect(s.mm(mm, MM.PTL), where).toBe(0);
      expectNoDataLost(e, 2, 8);
      expectSwapCountsExact(e, 2, 8);
      freedTotal += e.takeStats().pagesFreed;
    }
    expect(freedTotal).toBeGreaterThan(0);
  });
});

describe("reclaim under fault load (with mm/memory.c)", () => {
  it("linux-2.4.16: 2 CPUs faulting on 8 frames, kswapd on/off, PCT and random: no violation", () => {
    const flags = LINUX_2_4_16;
    const e = machine({ ...SMALL, cpus: 2, frames: 8, flags, pageCluster: 2, freeMin: 1, freeLow: 2, freeHigh: 3 });
    let freed = 0,
      swapOuts = 0;
    for (let seed = 1; seed <= 600; seed++) {
      e.configure({
        ...e.config,
        kswapd: seed % 2 === 0,
        sched: seed % 3 === 0 ? SCHED.RANDOM : SCHED.PCT,
        pctDepth: 3,
        pctK: 400,
        seed,
      });
      e.reset();
      const next = xorshift(seed);
      const stream = () => Array.from({ length: 12 }, () => makeOp(next() % 10 < 6 ? OP.WRITE : OP.READ, next() % 2, next() % 8));
      e.loadOps([stream(), stream()]);
      const code = e.run(200000);
      const where = `seed ${seed}`;
      expect(VIOLATION_IDS[e.global(G.VIOL)], where).toBe("none");
      expect(code, where).toBe(RUN.DONE);
      expect(
        checkInvariants(e, { quiescent: true }).map((v) => v.message),
        where,
      ).toEqual([]);
      const st = e.takeStats();
      freed += st.pagesFreed;
      swapOuts += st.swapOuts;
    }
    expect(freed).toBeGreaterThan(0);
    expect(swapOuts).toBeGreaterThan(0);
  });
});

/** A small deterministic op-stream generator for the test (not the model's RNG). */
function xorshift(seed: number): () => number {
  let x = Math.imul(seed, 0x9e3779b1) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe("vmscan event wording", () => {
  it("names the virtual page, the frame and the entry", () => {
    const v = (0 << 16) | 3;
    expect(vmscanEvents[402](v, 5, swpEntry(0, 1))).toBe("try_to_swap_out mm0[3] page 5: get_swap_page → E0:1");
    expect(vmscanEvents[407](5, swpEntry(0, 1), -17)).toBe("add_to_swap_cache(page 5, E0:1) = -EEXIST: swap_free(E0:1), retry");
    expect(vmscanEvents[422](5, swpEntry(0, 1), 0)).toBe("shrink_cache frees page 5 (E0:1)");
  });
});

// Issue 14: 2.4.16's own reclaim steps, and the older releases' swap-cache steps.
describe("faithful reclaim (2.4.16 vmscan.c; 2.4.0 / 2.4.10-pre9 swap-cache steps)", () => {
  const bit = (n: string) => resolveModel("linux-2.4.16", [n]).flags & ~resolveModel("linux-2.4.16").flags;

  it("swap full: try_to_swap_out restores the pte and swap_out_mm walks on to a cached page", () => {
    const { e, s, mapAnon } = world({ slotsPerArea: 2 });
    mapAnon(0, 0, 1);
    runProc(e, 0, P.try_to_swap_out, [0, 0]); // takes the only usable slot
    const entry = pteEntry(s.pte(0, 0));
    const f1 = pteFrame(s.pte(0, 0)) || 0;
    // Fault the cached page back in by hand: mapped again at mm0[2] (pte + cache refs).
    const cached = s.cachedPageOf(entry);
    s.setPte(0, 2, (cached << 4) | PTE.RW | PTE.PRESENT);
    s.setCount(cached, s.count(cached) + 1);
    s.setMm(0, MM.RSS, s.mm(0, MM.RSS) + 1);
    const f2 = mapAnon(0, 1, 2); // needs a new slot: none left
    s.setMm(0, MM.SWAP_CURSOR, 1);
    const r = runProc(e, 0, P.swap_out_mm, [0, 2]);
    expect(r.violation).toBe("none");
    expect(f1).toBe(0);
    expect(pteFrame(s.pte(0, 1))).toBe(f2); // restored
    expect(pteIsSwap(s.pte(0, 2))).toBe(true); // the walk went on: unmapped by swap_duplicate
    expect(pteEntry(s.pte(0, 2))).toBe(entry);
    expect(s.swapCount(entry)).toBe(3); // two ptes + the cache
  });

  it("a clean page outside the swap cache loses its pte and gets no slot (drop_pte)", () => {
    const { e, s, mapAnon } = world();
    const f = mapAnon(0, 3, 0, PTE.RW); // clean pte, page not dirty
    const r = runProc(e, 0, P.try_to_swap_out, [0, 3]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(1);
    expect(s.pte(0, 3)).toBe(0);
    expect(s.count(f)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(s.g(G.TOTAL_SWAP_PAGES));
  });

  for (const [name, flags] of [
    ["linux-2.4.0", LINUX_2_4_0],
    ["linux-2.4.10-pre", LINUX_2_4_10],
  ] as const) {
    it(`${name}: try_to_swap_out takes get_swap_page's count 1, adds unchecked, then swap_duplicate for the pte`, () => {
      const { e, s, mapAnon } = world({ flags, traceCap: 1 << 12, sched: SCHED.REPLAY });
      const f = mapAnon(0, 3, 9);
      const d = new Director(e);
      e.m.start_proc(0, P.try_to_swap_out, 0, 3, 0, 0);
      const got = d.untilEvent(0, EV.TSO_GET_SWAP);
      expect(s.swapCount(got.c)).toBe(1);
      d.untilEvent(0, EV.ADD);
      expect(s.swapCount(got.c)).toBe(1); // the add takes no reference
      const dup = d.untilEvent(0, EV.SWAP_DUP);
      expect(dup.a).toBe(got.c);
      d.drain(0);
      expect(d.violation()).toBe("none");
      expect(pteEntry(s.pte(0, 3))).toBe(got.c);
      expect(s.swapCount(got.c)).toBe(2);
      expect(s.flags(f) & PG.DIRTY).toBe(PG.DIRTY);
    });
  }

  /** A dirty swap-cache page only the cache holds, its slot count 1, on the inactive list. */
  function exclusiveDirty(flags: number) {
    const w = world({ flags, kswapd: false });
    const { e, s, mapAnon } = w;
    const f = mapAnon(0, 3, 4242);
    runProc(e, 0, P.try_to_swap_out, [0, 3]);
    const entry = pteEntry(s.pte(0, 3));
    // The pte goes away (as by munmap's free_swap_and_cache leaving the cache page): count 1.
    s.setPte(0, 3, 0);
    s.setSwapCount(entry, 1);
    e.takeStats();
    return { ...w, f, entry };
  }

  it("writepage-delete (2.4.10-pre9): swap_writepage deletes an exclusive page instead of writing it", () => {
    const { e, s, f, entry } = exclusiveDirty(LINUX_2_4_10);
    const free = s.g(G.NR_FREE);
    const r = runProc(e, 0, P.shrink_cache, [1, 6]);
    expect(r.violation).toBe("none");
    expect(e.takeStats().swapOuts).toBe(0); // nothing written
    expect(s.flags(f)).toBe(0); // out of the cache, freed
    expect(s.count(f)).toBe(0);
    expect(s.g(G.NR_FREE)).toBe(free + 1);
    expect(s.swapCount(entry)).toBe(0); // the cache's slot ref dropped
  });

  it("without writepage-delete (2.4.0, and pre9 --without) the same page is written", () => {
    for (const flags of [LINUX_2_4_0, LINUX_2_4_10 & ~bit("writepage-delete")]) {
      const { e, s, f, entry } = exclusiveDirty(flags);
      const r = runProc(e, 0, P.shrink_cache, [1, 6]);
      expect(r.violation).toBe("none");
      expect(e.takeStats().swapOuts).toBe(1);
      expect(s.flags(f) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
      expect(s.swapCount(entry)).toBe(1);
      expect(s.slotContent(entry)).toBe(4242);
    }
  });

  it("writepage-delete writes a page whose slot a pte still holds (swap_count > 1)", () => {
    const { e, s, mapAnon } = world({ flags: LINUX_2_4_10 | bit("writepage-delete"), kswapd: false });
    const f = mapAnon(0, 3, 77);
    runProc(e, 0, P.try_to_swap_out, [0, 3]);
    const entry = pteEntry(s.pte(0, 3));
    e.takeStats();
    runProc(e, 0, P.shrink_cache, [1, 6]);
    expect(e.takeStats().swapOuts).toBe(1);
    expect(s.flags(f) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
    expect(s.slotContent(entry)).toBe(77);
  });

  it("unscaled-shrink-cache: 2.4.16's max_scan (nr_inactive / priority) looks at no page of a short list", () => {
    // The flag is in the second config word (CFG_FLAGS2): --with sets it there, the engine
    // writes it into the config block, and the model's has2 reads it.
    const unscaled = resolveModel("linux-2.4.16", ["unscaled-shrink-cache"]);
    expect(unscaled.flags).toBe(LINUX_2_4_16);
    expect(unscaled.flags2).not.toBe(0);
    for (const [model, scans] of [
      [unscaled, 0],
      [resolveModel("linux-2.4.16"), 1],
    ] as const) {
      const { e, s, mapAnon } = world({ flags: model.flags, flags2: model.flags2 });
      expect(s.I[(e.m.config_addr() >> 2) + CFG.FLAGS2] >>> 0).toBe(model.flags2);
      mapAnon(0, 3, 5);
      e.takeStats();
      const r = runProc(e, 0, P.shrink_cache, [1, 6]);
      expect(r.violation).toBe("none");
      expect(e.takeStats().reclaimScans, `flags ${model.flagNames}`).toBe(scans);
    }
    // setFlags between executions to a model whose word 1 is 0 clears word 1, as of the next boot.
    const { e, mapAnon } = world({ flags: unscaled.flags, flags2: unscaled.flags2 });
    e.setFlags(resolveModel("linux-2.4.16"));
    e.reset();
    mapAnon(0, 3, 5);
    e.takeStats();
    runProc(e, 0, P.shrink_cache, [1, 6]);
    expect(e.takeStats().reclaimScans).toBe(1);
  });

  it("a direct reclaimer holding the BKL drops it at every need_resched point of shrink_cache", () => {
    for (const flags of [LINUX_2_4_16, LINUX_2_4_10]) {
      const { e, s, mapAnon } = world({ flags, cpus: 2, traceCap: 1 << 12, sched: SCHED.REPLAY });
      for (let p = 0; p < 4; p++) mapAnon(0, p, 10 + p);
      // CPU0 holds the BKL, as 2.4.0/pre9's do_swap_page does around its allocation.
      s.setAgent(0, AG.BKL_DEPTH, 1);
      s.setG(G.BKL, 1);
      const d = new Director(e);
      e.m.start_proc(0, P.try_to_free_pages, 0, 0, 0, 0);
      let freeSteps = 0;
      for (let n = 0; n < 200 && d.step(0); n++) if (s.g(G.BKL) === 0) freeSteps++;
      expect(d.violation()).toBe("none");
      const dropped = d.trace.filter((r) => r.agent === 0 && r.event === EV.BKL_DROPPED).length;
      const retaken = d.trace.filter((r) => r.agent === 0 && r.event === EV.BKL_RETAKEN).length;
      expect(dropped).toBeGreaterThan(1); // the pass's loop top, each page, swap_out
      // Each drop is retaken before CPU0's next section (the last one, if the procedure
      // returned right after it, when the task would run again).
      expect(retaken).toBeGreaterThanOrEqual(dropped - 1);
      expect(freeSteps).toBeGreaterThan(1); // free between two of CPU0's sections
      const saved = s.I[(e.region(R.AGENTS) >> 2) + AG.BKL_SAVED];
      expect(s.g(G.BKL) === 1 || saved === 1).toBe(true); // held, or saved to be retaken
    }
  });
});

// 2.4.10-pre9 mm/vmscan.c swap_out, swap_amount, swap_out_mm, swap_out_pmd (flag swap-amount,
// set on linux-2.4.10-pre): the allocating task's own mm first, then swap_mm round-robin, each
// mm for swap_amount(mm) present ptes; each test runs pre9 with the flag and without it.
describe("swap-amount: 2.4.10-pre9's swap_out", () => {
  const PRE9_WORD1 = resolveModel("linux-2.4.10-pre").flags2;
  const flags2Of = (on: boolean) => (on ? PRE9_WORD1 : PRE9_WORD1 & ~F2.SWAP_AMOUNT);
  const THREE = { cpus: 1, frames: 32, mms: 3, pagesPerMm: 8, areas: 1, slotsPerArea: 32, kswapd: false };

  it("is set on linux-2.4.10-pre alone", () => {
    expect(PRE9_WORD1 & F2.SWAP_AMOUNT).toBe(F2.SWAP_AMOUNT);
    for (const m of ["linux-2.4.0", "linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flags2 & F2.SWAP_AMOUNT, m).toBe(0);
  });

  // "Always start by trying to penalize the process that is allocating memory": CPU 0 faults in
  // mm 2, so mm 2 is walked first, then swap_mm's mm (mm 0, past init_mm), and swap_mm moves
  // on to mm 1 at that pick; (mmlist_nr << 4) >> 6 = 0 more. 2.4.16 walks no own mm: from
  // swap_mm's on, every mm in turn (mmlist_nr + 1 walks at most) while SWAP_CLUSTER_MAX (here
  // 8) pages are not yet freeable.
  it("walks the faulting CPU's own mm first, then swap_mm's, moving swap_mm on at the pick", () => {
    for (const on of [true, false]) {
      const { e, s, mapAnon } = world({ ...THREE, flags: LINUX_2_4_10, flags2: flags2Of(on) });
      for (let mm = 0; mm < 3; mm++) for (let p = 0; p < 2; p++) mapAnon(mm, p, 10 * mm + p);
      startProc(e, 0, P.swap_out, [6]);
      s.setAgent(0, AG.OP, makeOp(OP.READ, 2, 5, 0));
      const { code, violation } = runProcs(e, []);
      expect([code, violation], `swap-amount ${on}`).toEqual([RUN.DONE, "none"]);
      const swapped = [0, 1, 2].map((mm) => [0, 1].filter((p) => pteIsSwap(s.pte(mm, p))).length);
      if (on) {
        expect(swapped).toEqual([2, 0, 2]);
        expect(s.g(G.SWAP_MM)).toBe(1);
      } else {
        expect(swapped).toEqual([2, 2, 2]);
      }
      for (let mm = 0; mm < 3; mm++) expect(s.mm(mm, MM.USERS), `mm ${mm} pin put`).toBe(1);
      expectSwapCountsExact(e, 3, 8);
    }
  });

  // kswapd has no mm (current->mm is NULL): pre9's swap_out starts at the pick.
  it("walks no own mm for a CPU whose op names none", () => {
    const { e, s, mapAnon } = world({ ...THREE, flags: LINUX_2_4_10, flags2: flags2Of(true) });
    for (let mm = 0; mm < 3; mm++) mapAnon(mm, 0, mm + 1);
    startProc(e, 0, P.swap_out, [6]);
    s.setAgent(0, AG.OP, makeOp(OP.SWAPOFF, 0, 0, 0));
    expect(runProcs(e, []).violation).toBe("none");
    expect([0, 1, 2].map((mm) => pteIsSwap(s.pte(mm, 0)))).toEqual([true, false, false]);
  });

  // swap_out_pmd: "if (!--count) break;" after every present page, whatever became of it, and
  // "mm->swap_address = address + PAGE_SIZE"; no PageActive test in pre9's try_to_swap_out.
  // 2.4.16 passes over the active page and walks on until `count` pages are freeable.
  it("walks count present ptes, an active page among them, and stops right after the last", () => {
    for (const on of [true, false]) {
      const { e, s, mapAnon } = world({ flags: LINUX_2_4_10, flags2: flags2Of(on) });
      const active = mapAnon(0, 1, 11);
      s.setFlags(active, s.flags(active) | PG.ACTIVE);
      mapAnon(0, 3, 33);
      mapAnon(0, 5, 55);
      mapAnon(0, 6, 66);
      e.takeStats();
      const r = runProc(e, 0, P.swap_out_mm, [0, 2]);
      expect(r.violation).toBe("none");
      const swapped = [1, 3, 5, 6].filter((p) => pteIsSwap(s.pte(0, p)));
      if (on) {
        expect(swapped).toEqual([1, 3]); // two present ptes: the active page is the first
        expect(s.mm(0, MM.SWAP_CURSOR)).toBe(4); // right after page 3, not at the next present pte
        expect(e.takeStats().pteScans).toBe(4); // [0] .. [3]
      } else {
        expect(swapped).toEqual([3, 5]); // two pages made freeable, the active page passed over
        expect(s.mm(0, MM.SWAP_CURSOR)).toBe(6);
      }
    }
  });

  // pre9 swap_out_mm: no "We raced" (2.4.16's TASK_SIZE and swap_mm tests under the PTL), and
  // "Reset to 0 when we reach the end of address space" where 2.4.16 leaves TASK_SIZE.
  it("has no 'We raced' back-out and resets swap_address to 0 at the end", () => {
    for (const on of [true, false]) {
      for (const movedOn of [true, false]) {
        const what = `swap-amount ${on}, swap_mm moved on ${movedOn}`;
        const { e, s, mapAnon } = world({ flags: LINUX_2_4_10, flags2: flags2Of(on) });
        mapAnon(0, 6, 66);
        startProc(e, 0, P.swap_out_mm, [0, 8]);
        if (movedOn) s.setG(G.SWAP_MM, 1); // another pick moved swap_mm past mm 0
        expect(runProcs(e, []).violation).toBe("none");
        const raced = !on && movedOn; // 2.4.16 backs out before the walk
        expect(pteIsSwap(s.pte(0, 6)), what).toBe(!raced);
        expect(e.m.agent_ret(0), what).toBe(raced ? -1 : 1);
        // The walk that reached the end: pre9 resets to 0, 2.4.16 leaves TASK_SIZE.
        expect(s.mm(0, MM.SWAP_CURSOR), what).toBe(raced || on ? 0 : TASK_SIZE);
      }
    }
  });

  // pre9 swap_out_pmd breaks on "if (!--count)" with swap_address the next page, vm_end after the
  // vma's last, and swap_out_mm returns before its reset: only the next walk, which finds the
  // stack's vma there (unmapped in the model), resets to 0. Until 5 Dec 2026 the model reset at
  // once and walked the mm again from 0.
  // 2.4.16 (the flag off) the same way: swap_out_pmd stores vm_end, and swap_out_mm's loop over the
  // vmas takes "if (!count) goto out_unlock" because the stack's vma follows; the next walk walks
  // that vma, finds nothing and sets TASK_SIZE. Until 5 Dec 2026 the model's 2.4.16 took vm_end
  // for TASK_SIZE, and swap_out's next pick moved on without that walk.
  it("a walk whose count runs out on the vma's last page leaves vm_end; the next finds nothing and ends", () => {
    for (const on of [true, false]) {
      const what = `swap-amount ${on}`;
      const { e, s, mapAnon } = world({ flags: LINUX_2_4_10, flags2: flags2Of(on) });
      mapAnon(0, 7, 77);
      expect(runProc(e, 0, P.swap_out_mm, [0, 1]).violation, what).toBe("none");
      expect(pteIsSwap(s.pte(0, 7)), what).toBe(true);
      expect(e.m.agent_ret(0), what).toBe(1); // one page made freeable: the count (1) met
      expect(s.mm(0, MM.SWAP_CURSOR), what).toBe(SMALL.pagesPerMm); // vm_end, neither reset nor TASK_SIZE
      mapAnon(0, 2, 22);
      e.takeStats();
      expect(runProc(e, 0, P.swap_out_mm, [0, 1]).violation, what).toBe("none");
      expect(e.takeStats().pteScans, what).toBe(0); // the walk from vm_end met no pte
      expect(pteIsSwap(s.pte(0, 2)), what).toBe(false);
      expect(e.m.agent_ret(0), what).toBe(0); // nothing found either way
      expect(s.mm(0, MM.SWAP_CURSOR), what).toBe(on ? 0 : TASK_SIZE);
    }
  });
});

describe("swap-cnt: 2.4.0's swap_out", () => {
  const W1_240 = resolveModel("linux-2.4.0").flags2;
  const flags2Of = (on: boolean) => (on ? W1_240 : W1_240 & ~F2.SWAP_CNT);
  const THREE = { cpus: 1, frames: 32, mms: 3, pagesPerMm: 8, areas: 1, slotsPerArea: 32, kswapd: false };
  const swappedPer = (s: ReturnType<typeof state>, pages: number[]) =>
    [0, 1, 2].map((mm) => pages.filter((p) => pteIsSwap(s.pte(mm, p))).length);

  it("is set on linux-2.4.0 alone", () => {
    expect(W1_240 & F2.SWAP_CNT).toBe(F2.SWAP_CNT);
    for (const m of ["linux-2.4.10-pre", "linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flags2 & F2.SWAP_CNT, m).toBe(0);
  });

  // linux-2.4.0 mm/vmscan.c swap_out: "Select the task with maximal swap_cnt": mm 2's 7 beats
  // mm 1's 5, and only mm 2 is walked (the loop breaks after one swap_out_mm). 2.4.16 walks the
  // mms round-robin from swap_mm until SWAP_CLUSTER_MAX (8) pages are freeable: all of them.
  it("walks the one mm with the largest swap_cnt", () => {
    for (const on of [true, false]) {
      const { e, s, mapAnon } = world({ ...THREE, flags: LINUX_2_4_0, flags2: flags2Of(on) });
      for (let mm = 0; mm < 3; mm++) for (let p = 0; p < 2; p++) mapAnon(mm, p, 10 * mm + p);
      s.setMm(1, MM.SWAP_CNT, 5);
      s.setMm(2, MM.SWAP_CNT, 7);
      startProc(e, 0, P.swap_out, [6]);
      expect(runProcs(e, []).violation, `swap-cnt ${on}`).toBe("none");
      expect(swappedPer(s, [0, 1]), `swap-cnt ${on}`).toEqual(on ? [0, 0, 2] : [2, 2, 2]);
      if (on) expect([0, 1, 2].map((mm) => s.mm(mm, MM.SWAP_CNT))).toEqual([0, 5, 0]); // mm 2 walked to the end: zeroed
      for (let mm = 0; mm < 3; mm++) expect(s.mm(mm, MM.USERS), `mm ${mm} pin put`).toBe(1);
      expectSwapCountsExact(e, 3, 8);
    }
  });

  // "Pass 2: re-assign rss swap_cnt values, then select as above": with no swap_cnt left the
  // select drops mmlist_lock and runs again with assign, each mm with rss getting rss >> 5, at
  // least 8; the first of the ties on the mmlist (mm 0) is walked, an mm without rss (mm 1)
  // is passed over and keeps its 0.
  it("with no swap_cnt left, refreshes every one from rss and selects again", () => {
    const { e, s, mapAnon } = world({ ...THREE, flags: LINUX_2_4_0, flags2: flags2Of(true), sched: SCHED.REPLAY, traceCap: 1 << 12 });
    mapAnon(0, 0, 1);
    mapAnon(2, 0, 3);
    const d = new Director(e);
    startProc(e, 0, P.swap_out, [6]);
    d.drain(0);
    expect(d.violation()).toBe("none");
    expect(swappedPer(s, [0])).toEqual([1, 0, 0]);
    expect([0, 1, 2].map((mm) => s.mm(mm, MM.SWAP_CNT))).toEqual([0, 0, 8]);
    const selects = d.trace.filter((t) => t.event === EV.SWAP_CNT_SELECT);
    expect(selects.map((t) => [t.a, t.c])).toEqual([
      [-1, 0], // none, then mmlist_lock dropped
      [0, 1], // mm 0, after the refresh
    ]);
  });

  // try_to_swap_out: "if (!mm->swap_cnt) return 1; mm->swap_cnt--;" after its present and
  // reserved tests, with swap_out_pmd's "mm->swap_address = address + PAGE_SIZE" before the call:
  // two present pages spend the 2, the third stops the walk past it, untouched. 2.4.16's walk
  // (count 2) stops right after its second freeable page.
  it("spends one swap_cnt per present page and stops past the page that finds none", () => {
    for (const on of [true, false]) {
      const { e, s, mapAnon } = world({ flags: LINUX_2_4_0, flags2: flags2Of(on) });
      for (const p of [1, 3, 5, 6]) mapAnon(0, p, 10 + p);
      s.setMm(0, MM.SWAP_CNT, 2);
      const r = runProc(e, 0, P.swap_out_mm, [0, 2]);
      expect(r.violation).toBe("none");
      expect(
        [1, 3, 5, 6].filter((p) => pteIsSwap(s.pte(0, p))),
        `swap-cnt ${on}`,
      ).toEqual([1, 3]);
      expect(s.mm(0, MM.SWAP_CURSOR), `swap-cnt ${on}`).toBe(on ? 6 : 4);
      expect(r.ret, `swap-cnt ${on}`).toBe(on ? 1 : 2); // 2.4.0 returns 1 on swap_cnt 0; 2.4.16 the freeable pages
      if (on) expect(s.mm(0, MM.SWAP_CNT)).toBe(0);
    }
  });

  // swap_out_mm: "Reset to 0 when we reach the end of address space": swap_address and
  // swap_cnt; no "We raced" test (2.4.16 backs out when swap_mm moved past the mm).
  it("has no 'We raced' back-out and resets swap_address and swap_cnt at the end", () => {
    for (const on of [true, false]) {
      const what = `swap-cnt ${on}`;
      const { e, s, mapAnon } = world({ flags: LINUX_2_4_0, flags2: flags2Of(on) });
      mapAnon(0, 6, 66);
      startProc(e, 0, P.swap_out_mm, [0, 8]);
      s.setG(G.SWAP_MM, 1); // another pick moved swap_mm past mm 0
      expect(runProcs(e, []).violation).toBe("none");
      expect(pteIsSwap(s.pte(0, 6)), what).toBe(on);
      expect(e.m.agent_ret(0), what).toBe(on ? 0 : -1);
      expect(s.mm(0, MM.SWAP_CURSOR), what).toBe(0);
      if (on) expect(s.mm(0, MM.SWAP_CNT)).toBe(0);
    }
  });
});
