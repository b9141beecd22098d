// mm/memory.c and kernel/fork.c: the fault, COW, unmapping and fork paths of
// assembly/mm/memory.ts and fork.ts on small machines. Driven through the Director
// (SCHED.REPLAY, one chosen agent per step), so a test can run one CPU to a chosen point,
// let another one in, and let the disk complete I/O when it chooses. Swap state is set up
// through the model's own paths (get_swap_page, alloc_page, add_to_swap_cache), so the
// swap-in, fork-of-swap-pte and exit tests also need swapfile.ts and swap_state.ts.
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import {
  directedRig,
  SMALL_RIG,
  swappedOut,
  cachePage,
  swapPte,
  EV,
  S,
  VARIANTS,
  LINUX_2_4_0 as V240,
  LINUX_2_4_10 as V2410,
  LINUX_2_4_16 as V2416,
} from "../helpers/rig.js";
import { P, PG, PTE, ST, pteFrame, swpEntry } from "../../src/wasm/abi.js";
import type { MachineConfig } from "../../src/wasm/engine.js";
import { memoryEvents } from "../../src/report/events/memory.js";

/** A directed machine: cpus CPUs + the disk, nothing running. call() lets the disk complete
 *  the I/O a procedure sleeps on (up to 100 rounds); cachePage() gives the cache its own
 *  swap_map reference on every version. */
function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig({ ...SMALL_RIG, flags, ...over }, { rounds: 100, disk: true, noViolation: false });
  const { s, d, call } = r;
  const read = (mm: number, page: number, cpu = 0) => call(cpu, P.access, [mm, page, 0]);
  const write = (mm: number, page: number, cpu = 0) => {
    call(cpu, P.access, [mm, page, 1]);
    return s.g(G.WRITE_SEQ);
  };
  /** The value the last access on cpu saw (its trace record: reads/writes mm[page] = v). */
  const lastRead = () => {
    const t = [...d.trace].reverse().find((x) => x.event === EV.READ);
    return t ? t.b : undefined;
  };
  return {
    ...r,
    read,
    write,
    stat: s.stat,
    lastRead,
    inCache: s.cachedPageOf,
    swappedOut: (mm: number, page: number, content: number) => swappedOut(r, mm, page, content),
    cachePage: (entry: number) => cachePage(r, entry, { keepRef: false, swapRef: true }),
  };
}

describe.each(VARIANTS)("anonymous faults (%s)", (_name, flags) => {
  it("a write fault on a none pte maps a fresh writable page and the value is read back", () => {
    const { s, d, read, write, stat, lastRead } = rig(flags);
    const free = s.g(G.NR_FREE);
    const v = write(0, 3);
    const pte = s.pte(0, 3);
    const f = pteFrame(pte);
    expect(f).not.toBe(0);
    expect(pte & (PTE.PRESENT | PTE.RW | PTE.DIRTY)).toBe(PTE.PRESENT | PTE.RW | PTE.DIRTY);
    expect(s.content(f)).toBe(v);
    expect(s.shadow(0, 3)).toBe(v);
    expect(s.count(f)).toBe(1);
    expect(s.flags(f) & PG.LRU).toBe(PG.LRU);
    expect(s.mm(0, 2)).toBe(1); // rss
    expect(s.g(G.NR_FREE)).toBe(free - 1);
    read(0, 3);
    expect(lastRead()).toBe(v);
    expect(stat(S.minorFaults)).toBe(1);
    expect(stat(S.accesses)).toBe(2);
    expect(d.violation()).toBe("none");
  });

  it("a read fault maps the zero page read-only; a later write copies it", () => {
    const { s, d, read, write, stat, lastRead } = rig(flags);
    read(1, 5);
    expect(s.pte(1, 5) & (PTE.PRESENT | PTE.RW)).toBe(PTE.PRESENT);
    expect(pteFrame(s.pte(1, 5))).toBe(0);
    expect(lastRead()).toBe(0);
    expect(stat(S.zeroMaps)).toBe(1);
    expect(s.mm(1, 2)).toBe(0); // the zero page is not counted in rss
    const zeroCount = s.count(0);
    const v = write(1, 5);
    const f = pteFrame(s.pte(1, 5));
    expect(f).not.toBe(0);
    expect(s.pte(1, 5) & PTE.RW).toBe(PTE.RW);
    expect(s.content(f)).toBe(v);
    expect(s.content(0)).toBe(0); // the zero page stays zero
    expect(s.count(0)).toBe(zeroCount);
    expect(stat(S.cow)).toBe(1);
    expect(s.mm(1, 2)).toBe(1);
    read(1, 5);
    expect(lastRead()).toBe(v);
    expect(d.violation()).toBe("none");
  });

  it("a read that does not return the last value written is data loss (invariant 9)", () => {
    const { s, d, read, write } = rig(flags);
    const v = write(0, 1);
    s.setContent(pteFrame(s.pte(0, 1)), v - 1); // as if a stale copy had been mapped
    read(0, 1);
    expect(d.violation()).toBe("data-lost");
  });
});

describe("do_anonymous_page races", () => {
  it("a thread that allocated while another mapped the page frees its page and writes the other's", () => {
    const { s, d, start, stat } = rig(V2416);
    const free = s.g(G.NR_FREE);
    start(0, P.access, [0, 2, 1]);
    d.untilEvent(0, EV.ALLOC); // CPU0 has its page, PTL dropped
    start(1, P.access, [0, 2, 1]);
    d.drain(1);
    const page = pteFrame(s.pte(0, 2));
    d.drain(0);
    expect(d.trace.some((r) => r.event === EV.ANON_RACE && r.agent === 0)).toBe(true);
    expect(pteFrame(s.pte(0, 2))).toBe(page);
    expect(s.content(page)).toBe(s.g(G.WRITE_SEQ)); // CPU0's write, retried on the winner's page
    expect(s.g(G.NR_FREE)).toBe(free - 1);
    expect(stat(S.accesses)).toBe(2);
    expect(d.violation()).toBe("none");
  });

  it("do_wp_page backs off when the pte changed while it allocated the copy", () => {
    const { s, d, start, read } = rig(V2416);
    read(0, 4); // zero page
    const free = s.g(G.NR_FREE);
    start(0, P.access, [0, 4, 1]);
    d.untilEvent(0, EV.ALLOC); // CPU0 allocated its copy of the zero page
    start(1, P.access, [0, 4, 1]);
    d.drain(1); // CPU1 copies first
    const page = pteFrame(s.pte(0, 4));
    d.drain(0);
    expect(d.trace.some((r) => r.event === EV.WP_RACE && r.agent === 0)).toBe(true);
    expect(pteFrame(s.pte(0, 4))).toBe(page);
    expect(s.g(G.NR_FREE)).toBe(free - 1);
    expect(d.violation()).toBe("none");
  });
});

describe("out of memory", () => {
  it("a write fault with no free page and no swap ends the op with the pte still none", () => {
    const { s, d, write, stat } = rig(V2416, { frames: 2, areas: 0 });
    write(0, 0); // takes the only free frame
    expect(s.g(G.NR_FREE)).toBe(0);
    write(0, 1);
    expect(s.pte(0, 1)).toBe(0);
    expect(stat(S.oom)).toBe(1);
    expect(d.violation()).toBe("none");
  });
});

describe.each(VARIANTS)("do_swap_page (%s)", (_name, flags) => {
  it("a page found in the swap cache is mapped without I/O (minor fault)", () => {
    const { s, d, read, stat, lastRead, swappedOut, cachePage, inCache } = rig(flags);
    const entry = swappedOut(0, 6, 0x1234);
    const page = cachePage(entry);
    expect(s.swapCount(entry)).toBe(2); // the pte's + the cache's
    read(0, 6);
    expect(pteFrame(s.pte(0, 6))).toBe(page);
    expect(lastRead()).toBe(0x1234);
    expect(stat(S.diskIos)).toBe(0);
    expect(stat(S.readaheadHits)).toBe(1);
    expect(stat(S.minorFaults)).toBe(1);
    expect(stat(S.majorFaults)).toBe(0);
    expect(s.swapCount(entry)).toBe(1); // the pte's ref was dropped, the cache keeps its own
    expect(inCache(entry)).toBe(page);
    expect(s.count(page)).toBe(2); // cache + pte
    expect(s.flags(page) & PG.LOCKED).toBe(0);
    expect(s.mm(0, 2)).toBe(1);
    expect(d.violation()).toBe("none");
  });

  it("a page not in the cache is read from disk (major fault) and holds the slot's content", () => {
    const { s, d, disk, start, stat, lastRead, swappedOut, inCache } = rig(flags);
    const entry = swappedOut(1, 2, 0xbeef);
    start(0, P.access, [1, 2, 0]);
    d.untilEvent(0, EV.SWAP_MISS);
    d.drain(0); // runs until it sleeps on the page lock (the read is in flight)
    expect(s.agent(0, AG.SP)).not.toBe(0);
    expect(d.trace.some((r) => r.event === EV.IO_QUEUED && r.b === entry)).toBe(true);
    const page = inCache(entry);
    expect(page).not.toBe(0);
    // pte + cache while the read runs. 2.4.0 (page_cluster 0: its readahead reads the entry
    // itself) sleeps inside read_swap_cache(entry), whose lookup_swap_cache waits for the page
    // lock while holding the swap_duplicate it took first.
    expect(s.swapCount(entry)).toBe(flags === V240 ? 3 : 2);
    d.drain(disk);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(pteFrame(s.pte(1, 2))).toBe(page);
    expect(s.content(page)).toBe(0xbeef);
    expect(lastRead()).toBe(0xbeef);
    expect(stat(S.majorFaults)).toBe(1);
    expect(s.swapCount(entry)).toBe(1); // swap_free dropped the pte's reference
    expect(d.violation()).toBe("none");
  });

  it("a write fault on an exclusive swap page maps it writable and stores the new value", () => {
    const { s, d, write, read, lastRead, swappedOut } = rig(flags);
    swappedOut(0, 9, 77);
    const v = write(0, 9);
    const f = pteFrame(s.pte(0, 9));
    expect(f).not.toBe(0);
    expect(s.pte(0, 9) & PTE.RW).toBe(PTE.RW);
    expect(s.content(f)).toBe(v);
    read(0, 9);
    expect(lastRead()).toBe(v);
    expect(d.violation()).toBe("none");
  });
});

describe("do_swap_page when swap is full (vm_swap_full)", () => {
  /** Fills `used` of 31 slots, one of them held by mm0[1]'s pte: 20 is more than half
   *  (2.4.16's vm_swap_full), 25 more than 80% (2.4.10-pre9's, flag swap-full-80). */
  const full = (flags: number, used: number) => {
    const r = rig(flags);
    for (let i = 0; i < used - 1; i++) r.call(0, P.get_swap_page);
    const entry = r.swappedOut(0, 1, 555);
    expect(r.s.g(G.NR_SWAP_PAGES) * 2).toBeLessThan(r.s.g(G.TOTAL_SWAP_PAGES));
    return { ...r, entry };
  };

  it("2.4.16: remove_exclusive_swap_page frees the slot of the page just read", () => {
    const { s, d, read, lastRead, entry, inCache } = full(V2416, 20);
    read(0, 1);
    expect(lastRead()).toBe(555);
    expect(s.swapCount(entry)).toBe(0);
    expect(inCache(entry)).toBe(0);
    expect(s.count(pteFrame(s.pte(0, 1)))).toBe(1); // only the pte's
    expect(d.violation()).toBe("none");
  });

  it("2.4.10-pre: the exclusive page is deleted from the cache and the pte made dirty", () => {
    const { s, d, read, stat, lastRead, entry, inCache } = full(V2410, 25);
    read(0, 1);
    expect(lastRead()).toBe(555);
    expect(stat(S.swapFullDeletes)).toBe(1);
    expect(s.swapCount(entry)).toBe(0);
    expect(inCache(entry)).toBe(0);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(PTE.DIRTY);
    expect(s.count(pteFrame(s.pte(0, 1)))).toBe(1);
    expect(d.violation()).toBe("none");
  });
});

describe("do_swap_page: two threads fault on one swap pte", () => {
  it("2.4.16: the second backs off at the pte_same recheck and both read the slot's value", () => {
    const { s, d, disk, start, finish, stat, swappedOut } = rig(V2416);
    const entry = swappedOut(0, 3, 4242);
    start(0, P.access, [0, 3, 0]);
    d.untilEvent(0, EV.SWAP_MISS);
    start(1, P.access, [0, 3, 0]);
    d.untilEvent(1, EV.SWAP_MISS);
    finish([0, disk, 1], 50);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.agent(1, AG.SP)).toBe(0);
    const reads = d.trace.filter((r) => r.event === EV.READ).map((r) => r.b);
    expect(reads).toEqual([4242, 4242]);
    expect(stat(S.pteChanged)).toBe(1); // CPU0, whose page CPU1 mapped first
    expect(s.swapCount(entry)).toBe(1); // cache only: exactly one swap_free for the one pte
    expect(d.violation()).toBe("none");
  });
});

describe.each(VARIANTS)("fork (%s)", (_name, flags) => {
  it("parent and child see the old value; a write in the child does not change the parent's", () => {
    const { s, d, call, read, write, stat, lastRead } = rig(flags);
    const v = write(0, 7);
    const f = pteFrame(s.pte(0, 7));
    call(0, P.do_fork, [0, 1]);
    expect(stat(S.forks)).toBe(1);
    expect(pteFrame(s.pte(1, 7))).toBe(f);
    expect(s.count(f)).toBe(2);
    expect(s.pte(0, 7) & PTE.RW).toBe(0); // COW in both
    expect(s.pte(1, 7) & PTE.RW).toBe(0);
    expect(s.shadow(1, 7)).toBe(v);
    read(0, 7);
    expect(lastRead()).toBe(v);
    read(1, 7, 1);
    expect(lastRead()).toBe(v);
    const w = write(1, 7, 1);
    expect(pteFrame(s.pte(1, 7))).not.toBe(f);
    expect(pteFrame(s.pte(0, 7))).toBe(f);
    expect(s.count(f)).toBe(1);
    expect(stat(S.cow)).toBe(1);
    read(0, 7);
    expect(lastRead()).toBe(v);
    read(1, 7);
    expect(lastRead()).toBe(w);
    expect(d.violation()).toBe("none");
  });

  it("the parent's write after the child's copy reuses the page in place", () => {
    const { s, d, call, write, stat } = rig(flags);
    write(0, 7);
    const f = pteFrame(s.pte(0, 7));
    call(0, P.do_fork, [0, 1]);
    write(1, 7, 1); // the child copies
    write(0, 7); // the parent is the only user left: can_share_swap_page
    expect(pteFrame(s.pte(0, 7))).toBe(f);
    expect(stat(S.cowReuse)).toBe(1);
    expect(d.violation()).toBe("none");
  });

  it("the child's old pages are freed, a zero-page mapping is shared, a swap pte is duplicated", () => {
    const { s, d, call, read, write, swappedOut } = rig(flags);
    write(1, 0); // the child slot's old process
    read(0, 2); // zero page in the parent
    const entry = swappedOut(0, 3, 99);
    const free = s.g(G.NR_FREE);
    call(0, P.do_fork, [0, 1]);
    expect(s.g(G.NR_FREE)).toBe(free + 1); // mm1[0]'s page went back
    expect(s.pte(1, 0)).toBe(0);
    expect(s.pte(1, 2)).toBe(s.pte(0, 2) & ~PTE.YOUNG);
    expect(s.pte(1, 3)).toBe(swapPte(entry));
    expect(s.swapCount(entry)).toBe(2);
    expect(s.shadow(1, 3)).toBe(99);
    expect(d.violation()).toBe("none");
  });

  it("fork onto itself does nothing", () => {
    const { s, d, call, write, stat } = rig(flags);
    write(0, 1);
    const pte = s.pte(0, 1);
    call(0, P.do_fork, [0, 0]);
    expect(s.pte(0, 1)).toBe(pte);
    expect(stat(S.forks)).toBe(0);
    expect(d.violation()).toBe("none");
  });
});

describe("fork of a large mm", () => {
  it("copies in chunks with both page table locks held throughout", () => {
    const { s, d, start, write } = rig(V2416, { pagesPerMm: 256, frames: 300 });
    for (let p = 0; p < 200; p++) write(0, p);
    start(0, P.do_fork, [0, 1]);
    let sections = 0;
    let before = d.trace.length;
    while (s.agent(0, AG.SP) !== 0) {
      expect(d.step(0)).toBe(true);
      const recs = d.trace.slice(before);
      before = d.trace.length;
      if (!recs.every((r) => r.proc === "copy_page_range")) continue;
      sections++;
      // While the copy runs, copy_page_range holds both page table locks: the child's from
      // its first section (dup_mmap's), the parent's (taken second, dropped first) inside it.
      if (!recs.some((r) => r.event === EV.COPY_DONE) && s.mm(0, 1) !== 0) {
        expect(s.mm(0, 1)).toBe(1); // owner agent 0 + 1
        expect(s.mm(1, 1)).toBe(1);
      }
    }
    expect(sections).toBeGreaterThanOrEqual(4); // 200 ptes, at most 64 per section
    for (let p = 0; p < 200; p++) expect(pteFrame(s.pte(1, p))).toBe(pteFrame(s.pte(0, p)));
    expect(s.mm(1, 2)).toBe(200);
    expect(d.violation()).toBe("none");
  });
});

describe.each(VARIANTS)("exit and munmap (%s)", (_name, flags) => {
  it("exit frees every page and swap slot of the mm, and the slot takes a new process", () => {
    const { s, d, call, read, write, stat, swappedOut } = rig(flags);
    const free = s.g(G.NR_FREE);
    const swapFree = s.g(G.NR_SWAP_PAGES);
    write(0, 0);
    write(0, 1);
    read(0, 2);
    const entry = swappedOut(0, 5, 11);
    call(0, P.do_exit, [0]);
    expect(stat(S.exits)).toBe(1);
    for (let p = 0; p < 16; p++) {
      expect(s.pte(0, p)).toBe(0);
      expect(s.shadow(0, p)).toBe(0);
    }
    expect(s.mm(0, 0)).toBe(1); // MM_USERS
    expect(s.mm(0, 2)).toBe(0); // rss
    expect(s.g(G.NR_FREE)).toBe(free);
    expect(s.swapCount(entry)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(swapFree);
    read(0, 0); // the new process sees a fresh, zero page
    expect(d.violation()).toBe("none");
  });

  it("munmap frees only the range; a swap page cached and mapped elsewhere survives", () => {
    const { s, d, call, write, stat, swappedOut, cachePage, inCache } = rig(flags);
    write(0, 0);
    write(0, 1);
    write(0, 4);
    const entry = swappedOut(0, 2, 5);
    const cached = cachePage(entry);
    const free = s.g(G.NR_FREE);
    call(0, P.do_munmap, [0, 1, 2]); // [1, 3)
    expect(stat(S.munmaps)).toBe(1);
    expect(s.pte(0, 1)).toBe(0);
    expect(s.pte(0, 2)).toBe(0);
    expect(s.pte(0, 0)).not.toBe(0);
    expect(s.pte(0, 4)).not.toBe(0);
    expect(s.mm(0, 2)).toBe(2);
    if (flags === V2416) {
      // mm0[1]'s page and the cached page of the freed slot both go back (free_swap_and_cache).
      expect(s.g(G.NR_FREE)).toBe(free + 2);
      expect(inCache(entry)).toBe(0);
      expect(s.swapCount(entry)).toBe(0);
      expect(s.flags(cached) & PG.INUSE).toBe(0);
    } else {
      // 2.4.0 / 2.4.10-pre9 free_pte: a bare swap_free; the cache keeps its page and slot
      // until reclaim finds them.
      expect(s.g(G.NR_FREE)).toBe(free + 1);
      expect(inCache(entry)).toBe(cached);
      expect(s.swapCount(entry)).toBe(1);
      expect(s.flags(cached) & PG.INUSE).toBe(PG.INUSE);
    }
    call(0, P.do_munmap, [0, 10, 60]); // clipped to the mm's size
    expect(d.violation()).toBe("none");
  });
});

describe("event wording", () => {
  it("has a formatter for every memory.ts / fork.ts event, readable for sample values", () => {
    const ids = Object.keys(memoryEvents).map(Number);
    for (const id of ids) expect((id >= 100 && id < 200) || (id >= 600 && id < 650)).toBe(true);
    expect(memoryEvents[110](swpEntry(0, 1), 0, 0)).toBe("lookup_swap_cache(E0:1) misses");
    expect(memoryEvents[119](3, (0 << 16) | 2, 0)).toBe("maps page 3 at mm0[2]");
    expect(memoryEvents[116](swpEntry(0, 1), 0, 0)).toBe("swap_free(E0:1)");
    for (const id of ids) expect(memoryEvents[id](1, 2, 3).length).toBeGreaterThan(0);
  });
});

describe("mmap_sem", () => {
  /** CPU0 faults on swapped-out mm0[2] and sleeps on the page lock while the disk reads it. */
  const faultInFlight = (flags: number) => {
    const r = rig(flags);
    const entry = r.swappedOut(0, 2, 321);
    r.start(0, P.access, [0, 2, 0]);
    r.d.untilEvent(0, EV.SWAP_MISS);
    r.d.drain(0);
    expect(r.s.agent(0, AG.STATE)).toBe(ST.SLEEP);
    return { ...r, entry };
  };

  it("munmap of the mm waits until a fault in flight there is done", () => {
    const { s, d, disk, start, read, lastRead, entry } = faultInFlight(V2416);
    start(1, P.do_munmap, [0, 0, 4]);
    d.step(1);
    expect(s.agent(1, AG.STATE)).toBe(ST.SLEEP); // down_write behind the fault's down_read
    expect(s.pte(0, 2)).toBe(swapPte(entry));
    d.drain(disk);
    d.drain(0);
    expect(lastRead()).toBe(321);
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(s.pte(0, 2)).toBe(0);
    expect(s.swapCount(entry)).toBe(0);
    expect(s.mm(0, 4)).toBe(0); // the semaphore is free again
    read(0, 2);
    expect(lastRead()).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it("2.4.0 serialises the faults of one mm; 2.4.16 lets another thread fault meanwhile", () => {
    for (const [flags, serial] of [
      [V240, true],
      [V2416, false],
    ] as const) {
      const { s, d, start } = faultInFlight(flags);
      start(1, P.access, [0, 5, 1]);
      d.drain(1);
      expect(s.agent(1, AG.SP) !== 0).toBe(serial);
      expect(s.pte(0, 5) !== 0).toBe(!serial);
    }
  });
});

describe("the seed mail's race 3 (Hugh Dickins, 14 Sep 2001): multithreaded vm_swap_full deletion", () => {
  /** Swap full but for nothing: E = slot 1 (its readahead cluster starts at the BAD slot 0)
   *  held by mm0[1]; mm1[0] a clean, old page reclaim can take. */
  function setup(flags: number) {
    const r = rig(flags, { cpus: 3, pageCluster: 3 });
    const { s, write, swappedOut, call } = r;
    const entry = swappedOut(0, 1, 0x5eed);
    expect(entry).toBe(swpEntry(0, 1));
    while (call(0, P.get_swap_page) !== 0);
    write(1, 0);
    s.setPte(1, 0, s.pte(1, 0) & ~PTE.YOUNG);
    return { ...r, entry };
  }

  it("2.4.10-pre: CPU0's read and CPU2's swap-out both add a page for the freed entry", () => {
    const { s, d, disk, start, finish, entry } = setup(V2410);
    // CPU0: do_swap_page's lookup misses; it drops PTL and goes for the BKL.
    start(0, P.access, [0, 1, 0]);
    d.untilEvent(0, EV.SWAP_MISS);
    // CPU1, another thread faulting on the same page, wins: reads E, maps it, sees it
    // exclusive with vm_swap_full, deletes it from the swap cache and frees E.
    start(1, P.access, [0, 1, 0]);
    finish([1, disk], 20);
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV.SWAP_FULL_DELETE)).toBe(true);
    expect(s.swapCount(entry)).toBe(0);
    // CPU0 gets the BKL; readahead does nothing; the bare read_swap_cache_async allocates.
    d.untilEvent(0, EV.ALLOC);
    // CPU2 reclaims: try_to_swap_out's get_swap_page hands back E.
    start(2, P.swap_out_mm, [1, 1]);
    const got = d.untilEvent(2, EV.TSO_GET_SWAP);
    expect(got.c).toBe(entry);
    // CPU0: swap_duplicate(E) succeeds, add_to_swap_cache; then CPU2's add_to_swap_cache.
    d.drain(0);
    d.drain(2);
    expect(d.violation()).toBe("swapcache-unique");
  });

  it("2.4.16: the same threads end with one cache page and both reads see the slot's value", () => {
    const { s, d, disk, start, finish, entry } = setup(V2416);
    start(0, P.access, [0, 1, 0]);
    d.untilEvent(0, EV.SWAP_MISS);
    start(1, P.access, [0, 1, 0]);
    finish([1, disk], 20);
    expect(s.swapCount(entry)).toBe(0); // remove_exclusive_swap_page freed E
    start(2, P.swap_out_mm, [1, 1]);
    finish([0, 2, disk], 50);
    expect(d.trace.filter((t) => t.event === EV.READ).map((t) => t.b)).toEqual([0x5eed, 0x5eed]);
    expect(d.violation()).toBe("none");
  });
});
