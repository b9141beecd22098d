// mm/swapfile.c: slot allocation and freeing, swap_duplicate, valid_swaphandles, the
// exclusive-page paths and swapon/swapoff of assembly/mm/swapfile.ts, on small machines.
// Single procedures run to completion (rtcRig, test/helpers/rig.ts); the swapoff race is directed.
import { describe, it, expect } from "vitest";
import { runProc, swpEntry, G, A, MM } from "../helpers/machine.js";
import { rtcRig, directedRig, addCachePage, setSwapPte, swapPte, EV, S, F_READAHEAD_REFS, LINUX_2_4_16 as V2416 } from "../helpers/rig.js";
import { P, PG, PTE, SWAP_MAP_MAX, SWAP_MAP_BAD, SWP_WRITEOK } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

/** A booted machine plus shorthands; run-to-completion scheduler, 2.4.16 unless told. run()
 *  runs a procedure on CPU0 to completion and fails the test on a violation. */
function rig(over: Partial<MachineConfig> = {}) {
  const r = rtcRig({ cpus: 2, frames: 32, slotsPerArea: 8, flags: V2416, freeMin: 0, freeLow: 0, ...over });
  const get = () => r.run(P.get_swap_page);
  const nr = () => r.s.g(G.NR_SWAP_PAGES);
  return { ...r, get, nr, stat: r.s.stat, tmpRefs: r.s.tmpRefs };
}

const off = (entry: number) => entry & 0xffffff;
const area = (entry: number) => entry >>> 24;

describe("get_swap_page", () => {
  it("hands out consecutive slots of one cluster, and continues the cluster past a freed slot", () => {
    const { run, get, s } = rig({ slotsPerArea: 32 });
    const first = [get(), get(), get(), get(), get()];
    expect(first.map(off)).toEqual([1, 2, 3, 4, 5]);
    run(P.swap_free, [first[1]]);
    // The cluster goes on at 6: the freed slot 2 waits until the cluster runs out.
    expect(off(get())).toBe(6);
    for (let i = 7; i < 32; i++) expect(off(get())).toBe(i);
    expect(get()).toBe(swpEntry(0, 2));
    expect(s.g(G.NR_SWAP_PAGES)).toBe(0);
    expect(get()).toBe(0);
  });

  it("starts a new cluster at the first run of SWAPFILE_CLUSTER free slots, skipping lone free ones", () => {
    const { run, get, s } = rig({ slotsPerArea: 1024 });
    const used = Array.from({ length: 10 }, () => get());
    run(P.swap_free, [used[4]]); // slot 5 free, 6..10 still used
    s.setArea(0, A.CLUSTER_NR, 0); // this cluster is used up
    expect(off(get())).toBe(11);
    expect(off(get())).toBe(12);
    expect(s.swapCount(swpEntry(0, 5))).toBe(0);
  });

  it("never hands out slot 0 or a BAD slot, and returns 0 once swap is exhausted", () => {
    const { get, nr, s } = rig({ slotsPerArea: 8, areas: 2 });
    s.setSwapCount(swpEntry(1, 3), SWAP_MAP_BAD); // a bad block in area 1
    s.setG(G.NR_SWAP_PAGES, nr() - 1);
    const got: number[] = [];
    for (;;) {
      const entry = get();
      if (entry === 0) break;
      got.push(entry);
      expect(got.length).toBeLessThan(20);
    }
    expect(got.length).toBe(7 + 6);
    expect(new Set(got).size).toBe(got.length);
    for (const entry of got) {
      expect(off(entry)).not.toBe(0);
      expect(entry).not.toBe(swpEntry(1, 3));
      expect(s.swapCount(entry)).toBe(1);
    }
    expect(nr()).toBe(0);
    expect(get()).toBe(0);
  });

  it("allocates from the higher-priority area first", () => {
    const { get, s } = rig({ areas: 2, areaPrioEqual: false });
    expect(s.area(0, A.PRIO)).toBeGreaterThan(s.area(1, A.PRIO));
    const areas = Array.from({ length: 9 }, () => area(get()));
    expect(areas).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it("round-robins between areas of equal priority", () => {
    const { get } = rig({ areas: 3, areaPrioEqual: true });
    const got = Array.from({ length: 6 }, () => get());
    expect(got.map(area)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(got.map(off)).toEqual([1, 1, 1, 2, 2, 2]);
  });
});

describe("swap_free", () => {
  it("the last reference frees the slot: nr_swap_pages and the free bracket come back", () => {
    const { run, get, nr, s } = rig({ slotsPerArea: 8 });
    const all = Array.from({ length: 7 }, () => get());
    expect(nr()).toBe(0);
    expect(s.area(0, A.INUSE)).toBe(7);
    const e4 = all[3];
    expect(run(P.swap_duplicate, [e4])).toBe(1);
    run(P.swap_free, [e4]);
    expect(s.swapCount(e4)).toBe(1);
    expect(nr()).toBe(0);
    run(P.swap_free, [e4]);
    expect(s.swapCount(e4)).toBe(0);
    expect(nr()).toBe(1);
    expect(s.area(0, A.INUSE)).toBe(6);
    expect([s.area(0, A.LOWEST), s.area(0, A.HIGHEST)]).toEqual([4, 4]);
    expect(get()).toBe(e4);
  });

  it("freeing a free slot is the kernel's 'Unused swap offset entry': a free-slot violation", () => {
    const { e, run, get } = rig();
    const entry = get();
    run(P.swap_free, [entry]);
    const r = runProc(e, 0, P.swap_free, [entry]);
    expect(r.violation).toBe("free-slot");
    expect(e.global(G.VIOL_A)).toBe(entry);
  });

  it("a count at SWAP_MAP_MAX is sticky", () => {
    const { run, get, nr, s } = rig();
    const entry = get();
    s.setSwapCount(entry, SWAP_MAP_MAX);
    const before = nr();
    run(P.swap_free, [entry]);
    run(P.swap_free, [entry]);
    expect(s.swapCount(entry)).toBe(SWAP_MAP_MAX);
    expect(nr()).toBe(before);
  });
});

describe("swap_duplicate", () => {
  it("increments an in-use count and pins it at SWAP_MAP_MAX", () => {
    const { run, get, s } = rig();
    const entry = get();
    expect(run(P.swap_duplicate, [entry])).toBe(1);
    expect(s.swapCount(entry)).toBe(2);
    s.setSwapCount(entry, SWAP_MAP_MAX - 1);
    expect(run(P.swap_duplicate, [entry])).toBe(1);
    expect(s.swapCount(entry)).toBe(SWAP_MAP_MAX);
    expect(run(P.swap_duplicate, [entry])).toBe(1);
    expect(s.swapCount(entry)).toBe(SWAP_MAP_MAX);
  });

  it("fails on a free slot, the BAD header and an offset beyond the area", () => {
    const { run, get, s } = rig({ slotsPerArea: 8 });
    const entry = get();
    run(P.swap_free, [entry]);
    expect(run(P.swap_duplicate, [entry])).toBe(0);
    expect(s.swapCount(entry)).toBe(0);
    expect(run(P.swap_duplicate, [swpEntry(0, 0)])).toBe(0);
    expect(s.swapCount(swpEntry(0, 0))).toBe(SWAP_MAP_BAD);
    expect(run(P.swap_duplicate, [swpEntry(0, 8)])).toBe(0);
    expect(run(P.swap_duplicate, [swpEntry(5, 1)])).toBe(0); // an area never swapped on
  });
});

describe("valid_swaphandles", () => {
  /** 20 slots, all but the header in use; page_cluster 3 (windows of 8). */
  function full(flags = V2416) {
    const r = rig({ slotsPerArea: 20, pageCluster: 3, flags });
    for (let i = 1; i < 20; i++) expect(off(r.get())).toBe(i);
    return r;
  }
  const counts = (r: ReturnType<typeof rig>, from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => r.s.swapCount(swpEntry(0, from + i)));

  it("skips the header slot 0: the first window is slots 1..7", () => {
    const r = full();
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 3)])).toBe(7);
  });

  it("stops at a free slot, at a BAD slot and at the end of the area", () => {
    const r = full();
    r.run(P.swap_free, [swpEntry(0, 11)]);
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 9)])).toBe(3); // 8, 9, 10
    r.s.setSwapCount(swpEntry(0, 6), SWAP_MAP_BAD);
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 2)])).toBe(5); // 1..5
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 17)])).toBe(4); // 16..19, max is 20
  });

  it("with page_cluster 0 there is no readahead", () => {
    const r = rig({ slotsPerArea: 20, pageCluster: 0 });
    for (let i = 1; i < 20; i++) r.get();
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 5)])).toBe(0);
  });

  it("2.4.16 takes no references", () => {
    const r = full();
    const before = counts(r, 1, 20);
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 9)])).toBe(8);
    expect(counts(r, 1, 20)).toEqual(before);
    expect(r.tmpRefs(swpEntry(0, 9))).toBe(0);
  });

  it("with readahead-refs (2.4.0, 2.4.9) every counted slot, and only those, gets a reference", () => {
    const r = full(V2416 | F_READAHEAD_REFS);
    r.run(P.swap_free, [swpEntry(0, 12)]);
    expect(r.run(P.valid_swaphandles, [swpEntry(0, 9)])).toBe(4); // 8..11
    expect(counts(r, 8, 16)).toEqual([2, 2, 2, 2, 0, 1, 1, 1]);
    for (let i = 8; i < 12; i++) expect(r.tmpRefs(swpEntry(0, i))).toBe(1);
    expect(r.tmpRefs(swpEntry(0, 13))).toBe(0);
  });
});

/** A page in the swap cache for a fresh entry, locked, held by the caller (count 2: us +
 *  cache), with `ptes` extra swap_map refs standing for swap ptes. */
function cachedPage(r: ReturnType<typeof rig>, ptes: number) {
  const entry = r.get(); // count 1: the first "pte"
  const page = addCachePage(r, entry); // + the cache's ref
  for (let i = 1; i < ptes; i++) expect(r.run(P.swap_duplicate, [entry])).toBe(1);
  if (ptes === 0) r.run(P.swap_free, [entry]);
  expect(r.s.flags(page) & (PG.LOCKED | PG.SWAPCACHE)).toBe(PG.LOCKED | PG.SWAPCACHE);
  expect(r.s.count(page)).toBe(2);
  expect(r.s.swapCount(entry)).toBe(ptes + 1);
  return { entry, page };
}

describe("remove_exclusive_swap_page", () => {
  it("removes a page only the cache and the caller use, and frees its slot", () => {
    const r = rig();
    const { entry, page } = cachedPage(r, 0);
    const nr = r.nr();
    expect(r.run(P.remove_exclusive_swap_page, [page])).toBe(1);
    expect(r.s.flags(page) & PG.SWAPCACHE).toBe(0);
    expect(r.s.flags(page) & PG.DIRTY).toBe(PG.DIRTY); // its data now lives only in the page
    expect(r.s.count(page)).toBe(1); // the caller's
    expect(r.s.swapCount(entry)).toBe(0);
    expect(r.nr()).toBe(nr + 1);
  });

  it("leaves a page whose slot another pte still holds", () => {
    const r = rig();
    const { entry, page } = cachedPage(r, 1);
    expect(r.run(P.remove_exclusive_swap_page, [page])).toBe(0);
    expect(r.s.flags(page) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
    expect(r.s.count(page)).toBe(2);
    expect(r.s.swapCount(entry)).toBe(2);
  });

  it("leaves a page someone else holds a reference to", () => {
    const r = rig();
    const { entry, page } = cachedPage(r, 0);
    r.s.setCount(page, 3);
    expect(r.run(P.remove_exclusive_swap_page, [page])).toBe(0);
    expect(r.s.flags(page) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
    expect(r.s.swapCount(entry)).toBe(1);
  });
});

describe("can_share_swap_page", () => {
  it("is 1 for an exclusive swap-cache page and 0 when a swap pte still holds its slot", () => {
    const r = rig();
    const mine = cachedPage(r, 0);
    const shared = cachedPage(r, 1);
    expect(r.run(P.can_share_swap_page, [mine.page])).toBe(1);
    expect(r.run(P.can_share_swap_page, [shared.page])).toBe(0);
    expect(r.s.flags(mine.page) & PG.SWAPCACHE).toBe(PG.SWAPCACHE); // it only looks
  });
});

describe("free_swap_and_cache", () => {
  it("dropping the last pte ref of a cached entry deletes the unused cache page and frees everything", () => {
    const r = rig();
    const { entry, page } = cachedPage(r, 1);
    // The caller's reference goes: only the cache holds the page now, unlocked.
    r.s.setCount(page, 1);
    r.s.setFlags(page, r.s.flags(page) & ~PG.LOCKED);
    const nr = r.nr();
    r.run(P.free_swap_and_cache, [entry]);
    expect(r.s.swapCount(entry)).toBe(0);
    expect(r.nr()).toBe(nr + 1);
    expect(r.s.flags(page) & PG.INUSE).toBe(0); // freed
  });
});

/** Swap ptes in area 0: mm0 pages 0..2 hold one entry each, mm0[3] and mm1[5] share one. */
function swappedOut(r: ReturnType<typeof rig>) {
  const { s } = r;
  const entries: number[] = [];
  for (let p = 0; p < 3; p++) {
    const entry = r.get();
    s.setSlotContent(entry, 100 + p);
    setSwapPte(s, 0, p, entry, 100 + p);
    entries.push(entry);
  }
  const shared = r.get();
  expect(r.run(P.swap_duplicate, [shared])).toBe(1);
  s.setSlotContent(shared, 777);
  setSwapPte(s, 0, 3, shared, 777);
  setSwapPte(s, 1, 5, shared, 777);
  entries.push(shared);
  return entries;
}

/** Does read_swap_cache_async read an in-use slot yet (swap_state.ts written, not a stub)? */
describe("swapoff", () => {
  it("empties an area with used slots: every swap pte becomes a present pte of its data", () => {
    const r = rig({ areas: 2, slotsPerArea: 8 });
    const { e, s } = r;
    const entries = swappedOut(r);
    const total = s.g(G.TOTAL_SWAP_PAGES);
    expect(r.run(P.sys_swapoff, [0])).toBe(0);
    for (let i = 0; i < 8; i++) {
      if (i > 0) expect(s.swapCount(swpEntry(0, i))).toBe(0);
    }
    expect(entries.length).toBe(4);
    const expectPresent = (mm: number, p: number) => {
      const pte = s.pte(mm, p);
      expect(pte & PTE.PRESENT).toBe(PTE.PRESENT);
      expect(pte & PTE.RW).toBe(0); // COW-style: a write goes through do_wp_page
      const f = pte >>> 4;
      expect(s.content(f)).toBe(s.shadow(mm, p));
      expect(s.flags(f) & (PG.SWAPCACHE | PG.LOCKED)).toBe(0);
      expect(s.flags(f) & PG.DIRTY).toBe(PG.DIRTY);
      return f;
    };
    for (let p = 0; p < 3; p++) {
      expect(s.count(expectPresent(0, p))).toBe(1);
    }
    const f = expectPresent(0, 3);
    expect(expectPresent(1, 5)).toBe(f);
    expect(s.count(f)).toBe(2);
    expect(s.mm(0, MM.RSS)).toBe(4);
    expect(s.mm(1, MM.RSS)).toBe(1);
    expect(s.area(0, A.FLAGS)).toBe(0);
    expect(s.area(0, A.MAX)).toBe(0);
    expect(s.g(G.TOTAL_SWAP_PAGES)).toBe(total - 7);
    expect(s.g(G.SWAPOFF_AREA)).toBe(-1);
    expect(r.stat(S.swapoffs)).toBe(1);
    // The whole machine is consistent once swapoff is done.
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
    // Nothing is allocated from the area any more; area 1 serves.
    expect(area(r.get())).toBe(1);
  });

  it("-ENOMEM puts the area back as WRITEOK, and slots freed meanwhile become allocatable again", () => {
    // Directed: CPU1's procedures must return in one turn; the disk does not run.
    const { e, s, d, start, call } = directedRig(
      { cpus: 2, frames: 32, slotsPerArea: 8, flags: V2416, freeMin: 0, freeLow: 0 },
      { rounds: 1, disk: false, noViolation: false },
    );
    // The area is full: e1 is held by a swap pte, e2 .. e7 by whatever.
    const all = Array.from({ length: 7 }, () => call(1, P.get_swap_page));
    const [e1, e2] = all;
    expect(s.g(G.NR_SWAP_PAGES)).toBe(0);
    s.setPte(0, 0, swapPte(e1));
    const nr = s.g(G.NR_SWAP_PAGES);
    s.setG(G.NR_FREE, 0); // no page to read e1 into
    start(0, P.sys_swapoff, [0]);
    d.untilEvent(0, EV.SWAPOFF);
    expect(s.g(G.SWAPOFF_AREA)).toBe(0);
    // While swapoff runs, the area's freed slots are not allocatable.
    call(1, P.swap_free, [e2]);
    expect(call(1, P.get_swap_page)).toBe(0);
    d.drain(0);
    expect(e.m.agent_ret(0)).toBe(-12);
    expect(d.violation()).toBe("none");
    expect(s.area(0, A.FLAGS)).toBe(SWP_WRITEOK);
    expect(s.g(G.SWAPOFF_AREA)).toBe(-1);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(nr + 1);
    expect(s.stat(S.swapoffEnomem)).toBe(1);
    expect(s.swapCount(e1)).toBe(1);
    expect(s.pte(0, 0)).toBe(swapPte(e1));
    expect(call(1, P.get_swap_page)).toBe(e2);
  });

  it("refuses an area that is not active", () => {
    const r = rig({ areas: 2 });
    expect(r.run(P.sys_swapoff, [1])).toBe(0);
    expect(r.run(P.sys_swapoff, [1])).toBe(-22);
    expect(r.run(P.sys_swapoff, [3])).toBe(-22);
    expect(r.run(P.sys_swapoff, [40])).toBe(-22);
  });
});

describe("swapon", () => {
  it("swaps an empty area off and on again: its pages count again, below the higher priority", () => {
    const r = rig({ areas: 2, slotsPerArea: 8, areaPrioEqual: false });
    const { s } = r;
    expect(r.run(P.sys_swapoff, [1])).toBe(0); // no slot in use: try_to_unuse reads nothing
    expect(s.area(1, A.FLAGS)).toBe(0);
    expect(r.nr()).toBe(7);
    expect(s.g(G.TOTAL_SWAP_PAGES)).toBe(7);
    expect(r.run(P.sys_swapon, [1])).toBe(0);
    expect(s.area(1, A.FLAGS)).toBe(SWP_WRITEOK);
    expect(r.nr()).toBe(14);
    expect(s.g(G.TOTAL_SWAP_PAGES)).toBe(14);
    expect(s.swapCount(swpEntry(1, 0))).toBe(SWAP_MAP_BAD);
    expect(r.stat(S.swapons)).toBe(1);
    expect(r.stat(S.swapoffs)).toBe(1);
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
    const areas = Array.from({ length: 8 }, () => area(r.get()));
    expect(areas).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("refuses an area in use and one beyond the configured areas", () => {
    const r = rig({ areas: 2 });
    expect(r.run(P.sys_swapon, [1])).toBe(-16);
    expect(r.run(P.sys_swapon, [2])).toBe(-22);
    expect(r.run(P.sys_swapon, [32])).toBe(-22);
  });

  it("an area swapped off and on again starts empty", () => {
    const r = rig({ areas: 2, slotsPerArea: 8 });
    swappedOut(r);
    expect(r.run(P.sys_swapoff, [0])).toBe(0);
    expect(r.run(P.sys_swapon, [0])).toBe(0);
    for (let i = 1; i < 8; i++) expect(r.s.swapCount(swpEntry(0, i))).toBe(0);
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});
