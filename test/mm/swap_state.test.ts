// mm/swap_state.c: the swap cache paths of assembly/mm/swap_state.ts, on small machines.
// Every test drives the model through the Director (SCHED.REPLAY, one chosen agent per
// step), so set-up, single procedures and two-CPU races all use the model's own paths:
// slots come from get_swap_page (each such ref stands for a pte holding the entry).
import { describe, it, expect } from "vitest";
import { G } from "../helpers/machine.js";
import type { Director } from "../helpers/directed.js";
import {
  directedRig,
  useSlot,
  cachePage,
  EV,
  S,
  F_READAHEAD_REFS,
  VARIANTS,
  LINUX_2_4_0 as V240,
  LINUX_2_4_10 as V2410,
  LINUX_2_4_16 as V2416,
} from "../helpers/rig.js";
import { P, PG, SWAP_MAP_BAD } from "../../src/wasm/abi.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

/** A directed machine: cpus CPUs + the disk, nothing running. call() runs a procedure that
 *  must return without waiting for I/O, then lets the disk finish what it queued;
 *  cachePage() leaves the swap_map references to add_to_swap_cache as the version has it. */
function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig(
    { cpus: 2, frames: 32, slotsPerArea: 32, flags, freeMin: 0, freeLow: 0, pageCluster: 3, ...over },
    { rounds: 1, disk: true, noViolation: false },
  );
  /** Entries among `entries` with a page in the swap cache. */
  const cached = (entries: number[]) => entries.filter((en) => r.s.cachedPageOf(en) !== 0);
  return {
    ...r,
    stat: r.s.stat,
    tmpRefs: r.s.tmpRefs,
    cached,
    /** Takes a slot with get_swap_page and gives it content, as a swapped-out pte would. */
    useSlot: (content: number) => useSlot(r, content),
    /** Puts an uptodate, unlocked page for entry in the cache; keepRef: we keep the alloc ref. */
    cachePage: (entry: number, keepRef = false) => cachePage(r, entry, { keepRef, swapRef: false }),
  };
}

describe("lookup_swap_cache", () => {
  it("a hit returns the cached page with a ref taken and no page lock; a miss returns 0", () => {
    const { s, d, call, useSlot, cachePage } = rig(V2416);
    const entry = useSlot(41);
    const other = useSlot(42);
    const page = cachePage(entry);
    const before = s.count(page);
    expect(call(0, P.lookup_swap_cache, [entry])).toBe(page);
    expect(s.count(page)).toBe(before + 1);
    expect(s.flags(page) & PG.LOCKED).toBe(0);
    expect(call(0, P.lookup_swap_cache, [other])).toBe(0);
    expect(s.count(page)).toBe(before + 1);
    expect(d.violation()).toBe("none");
  });
});

describe.each(VARIANTS)("read_swap_cache_async (%s)", (_name, flags) => {
  it("returns the cached page of a cached entry, allocating nothing", () => {
    const { s, d, call, tmpRefs, useSlot, cachePage } = rig(flags);
    const entry = useSlot(7);
    const page = cachePage(entry);
    const free = s.g(G.NR_FREE);
    const slotCount = s.swapCount(entry);
    expect(call(0, P.read_swap_cache_async, [entry])).toBe(page);
    expect(d.violation()).toBe("none");
    expect(s.count(page)).toBe(2); // the cache's + ours
    expect(s.g(G.NR_FREE)).toBe(free);
    expect(s.swapCount(entry)).toBe(slotCount); // 2.4.0's early swap_duplicate was given back
    expect(tmpRefs(entry)).toBe(0);
  });

  it("reads an uncached in-use entry: adds a new locked page, queues the read; after the disk it holds the slot's content", () => {
    const { s, d, disk, start, tmpRefs, useSlot } = rig(flags);
    const entry = useSlot(0x5eed);
    start(0, P.read_swap_cache_async, [entry]);
    d.drain(0); // CPU0 returns; the disk has not run yet
    const page = d.e.m.agent_ret(0);
    expect(page).not.toBe(0);
    expect(s.flags(page) & (PG.LOCKED | PG.SWAPCACHE | PG.UPTODATE)).toBe(PG.LOCKED | PG.SWAPCACHE);
    expect(s.index(page)).toBe(entry);
    // The caller's ref + the cache's, + brw_page's buffers in 2.4.0 (flag swap-buffers).
    const buffers = (s.flags(page) & PG.BUFFERS) !== 0 ? 1 : 0;
    expect(buffers).toBe(_name === "2.4.0" ? 1 : 0);
    expect(s.count(page)).toBe(2 + buffers);
    expect(s.swapCount(entry)).toBe(2); // the "pte" + the cache
    expect(tmpRefs(entry)).toBe(0);
    expect(d.trace.some((r) => r.event === EV.ADD && r.a === page && r.b === entry)).toBe(true);
    d.drain(disk);
    expect(s.flags(page) & (PG.LOCKED | PG.UPTODATE)).toBe(PG.UPTODATE);
    expect(s.content(page)).toBe(0x5eed);
    expect(d.violation()).toBe("none");
  });

  it("returns 0 for a free slot and leaks neither page nor slot", () => {
    const { s, d, call, stat, useSlot } = rig(flags);
    const entry = useSlot(3);
    call(0, P.swap_free, [entry]);
    expect(s.swapCount(entry)).toBe(0);
    const free = s.g(G.NR_FREE);
    expect(call(0, P.read_swap_cache_async, [entry])).toBe(0);
    expect(d.violation()).toBe("none");
    expect(s.g(G.NR_FREE)).toBe(free);
    expect(s.swapCount(entry)).toBe(0);
    expect(stat(S.enoentRaces)).toBe(flags === V2416 ? 1 : 0);
  });
});

/** CPU0 and CPU1 both read one in-use entry: CPU0 runs until stopAt says, then CPU1 runs to
 *  its return, then CPU0 does. */
function twoReaders(flags: number, stopAt: (d: Director) => void) {
  const r = rig(flags);
  const entry = r.useSlot(99);
  r.start(0, P.read_swap_cache_async, [entry]);
  r.start(1, P.read_swap_cache_async, [entry]);
  stopAt(r.d);
  r.d.drain(1);
  r.d.drain(0);
  return { ...r, entry, r0: r.e.m.agent_ret(0), r1: r.e.m.agent_ret(1) };
}
const allocOf = (d: Director, cpu: number) => d.trace.find((t) => t.agent === cpu && t.event === EV.ALLOC)!.a;
const lookupMisses = (d: Director, cpu: number) => d.trace.filter((t) => t.agent === cpu && t.event === EV.LOOKUP_MISS).length;

describe("two readers of one entry", () => {
  it("2.4.16: a page added while this reader allocated sends it round the -EEXIST loop to that page", () => {
    const { s, d, stat, tmpRefs, entry, r0, r1 } = twoReaders(V2416, (d) => d.untilEvent(0, EV.ALLOC));
    expect(d.violation()).toBe("none");
    const mine = allocOf(d, 0);
    expect(r1).not.toBe(0);
    expect(r0).toBe(r1); // CPU0 ends up with CPU1's page
    expect(stat(S.eexistRaces)).toBe(1);
    const eexist = d.trace.find((t) => t.event === EV.ADD_EEXIST)!;
    expect([eexist.agent, eexist.a, eexist.b, eexist.c]).toEqual([0, mine, entry, r1]);
    expect(s.flags(mine) & PG.INUSE).toBe(0); // its own new page went back
    expect(s.count(r1)).toBe(3); // two readers + the cache
    expect(s.swapCount(entry)).toBe(2); // the -EEXIST path gave back its swap_duplicate
    expect(tmpRefs(entry)).toBe(0);
  });

  it("2.4.10-pre: a page added while this reader allocated is found by its second lookup", () => {
    const { s, d, stat, entry, r0, r1 } = twoReaders(V2410, (d) => d.untilEvent(0, EV.ALLOC));
    expect(d.violation()).toBe("none");
    expect(r0).toBe(r1);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.READ_BACKOFF && t.c === r1)).toBe(true);
    expect(s.flags(allocOf(d, 0)) & PG.INUSE).toBe(0);
    expect(s.swapCount(entry)).toBe(2);
    expect(stat(S.eexistRaces)).toBe(0);
  });

  it.each([
    ["2.4.10-pre", V2410],
    ["2.4.0", V240],
  ] as const)("%s: an add after this reader's second lookup puts a second page in the cache (swapcache-unique)", (_n, flags) => {
    const { e, d, entry, r1 } = twoReaders(flags, (d) => {
      while (lookupMisses(d, 0) < 2) d.untilEvent(0, EV.LOOKUP_MISS);
    });
    expect(d.violation()).toBe("swapcache-unique");
    expect(e.global(G.VIOL_AGENT)).toBe(0);
    // (entry, page already cached, page being added)
    expect([e.global(G.VIOL_A), e.global(G.VIOL_B), e.global(G.VIOL_C)]).toEqual([entry, r1, allocOf(d, 0)]);
  });
});

describe("swapin_readahead", () => {
  /** n consecutive slots from offset 1, in use, contents 100 + i. */
  function slots(r: ReturnType<typeof rig>, n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(r.useSlot(100 + i));
    out.sort((a, b) => a - b);
    expect(out[0] & 0xffffff).toBe(1); // a fresh area hands out its lowest slots first
    expect(out[n - 1] - out[0]).toBe(n - 1);
    return out;
  }

  // pageCluster 3: windows of 8 slots, 8..15 clear of the header slot 0 in every release.
  it.each(VARIANTS)("%s: reads the run of in-use slots up to a BAD slot, not past it", (_n, flags) => {
    const r = rig(flags);
    const { s, d, call, stat, tmpRefs, cached } = r;
    const en = slots(r, 14); // offsets 1..14
    s.setSwapCount(en[10], SWAP_MAP_BAD); // offset 11
    expect(call(0, P.swapin_readahead, [en[8]])).toBe(0); // offset 9: window 8..15
    expect(d.violation()).toBe("none");
    expect(cached(en)).toEqual(en.slice(7, 10));
    expect(stat(S.readahead)).toBe(3);
    for (const x of en.slice(7, 10)) {
      expect(s.swapCount(x)).toBe(2); // the "pte" + the cache: readahead refs all given back
      expect(tmpRefs(x)).toBe(0);
    }
    expect(s.swapCount(en[11])).toBe(1);
    const w = d.trace.find((t) => t.event === EV.READAHEAD)!;
    expect([w.a, w.b, w.c]).toEqual([en[8], en[7], 3]);
  });

  it.each(VARIANTS)("%s: stops at the first slot read_swap_cache_async cannot read", (_n, flags) => {
    // CPU0 counts slots 8..14, then CPU1 frees slot 10. Without readahead refs the read of
    // slot 10 fails and the readahead stops there; with them (2.4.0) the slot stays in use and
    // is read.
    const r = rig(flags);
    const { s, d, disk, start, tmpRefs, cached } = r;
    const en = slots(r, 14);
    start(0, P.swapin_readahead, [en[8]]);
    start(1, P.swap_free, [en[9]]);
    d.untilEvent(0, EV.READAHEAD);
    d.drain(1);
    d.drain(0);
    d.drain(disk);
    expect(d.violation()).toBe("none");
    const refs = (flags & F_READAHEAD_REFS) !== 0;
    expect(cached(en)).toEqual(refs ? en.slice(7) : en.slice(7, 9));
    expect(s.swapCount(en[9])).toBe(refs ? 1 : 0); // then only 2.4.0's readahead page holds it
    expect(s.swapCount(en[10])).toBe(refs ? 2 : 1);
    for (const x of en) expect(tmpRefs(x)).toBe(0);
  });
});

describe("delete_from_swap_cache", () => {
  it("unhashes the page, frees the slot and drops the cache's ref", () => {
    const { s, d, call, useSlot, cachePage } = rig(V2416);
    const entry = useSlot(5);
    const page = cachePage(entry, true); // held by us and by the cache
    call(0, P.swap_free, [entry]); // the "pte" is gone: the cache holds the slot's last ref
    expect(s.swapCount(entry)).toBe(1);
    const nrSwap = s.g(G.NR_SWAP_PAGES);
    s.setFlags(page, s.flags(page) | PG.LOCKED);
    expect(call(0, P.delete_from_swap_cache, [page])).toBe(0);
    expect(d.violation()).toBe("none");
    expect(s.flags(page) & PG.SWAPCACHE).toBe(0);
    expect(s.count(page)).toBe(1); // ours
    expect(s.swapCount(entry)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(nrSwap + 1);
    expect(call(0, P.lookup_swap_cache, [entry])).toBe(0);
  });
});

describe("swap_writepage", () => {
  it("writes a shared page to its slot; the disk unlocks it", () => {
    const { s, d, call, useSlot, cachePage } = rig(V2416);
    const entry = useSlot(1);
    expect(call(0, P.swap_duplicate, [entry])).toBe(1); // a second user: not exclusive
    const page = cachePage(entry, true);
    s.setContent(page, 777);
    s.setFlags(page, s.flags(page) | PG.LOCKED);
    expect(call(0, P.swap_writepage, [page])).toBe(0);
    expect(d.violation()).toBe("none");
    expect(s.slotContent(entry)).toBe(777);
    expect(s.flags(page) & (PG.LOCKED | PG.SWAPCACHE)).toBe(PG.SWAPCACHE);
  });
});
