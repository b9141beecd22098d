// mm/memory.c and kernel/fork.c: the fault, COW, unmapping and fork paths of
// assembly/mm/memory.ts and fork.ts on small machines. Driven through the Director
// (SCHED.REPLAY, one chosen agent per step), so a test can run one CPU to a chosen point,
// let another one in, and let the disk complete I/O when it chooses. Swap state is set up
// through the model's own paths (get_swap_page, alloc_page, add_to_swap_cache), so the
// swap-in, fork-of-swap-pte and exit tests also need swapfile.ts and swap_state.ts.
import { describe, it, expect } from "vitest";
import { machine, state, G, SCHED, AG } from "../helpers/machine.js";
import { Director } from "../helpers/directed.js";
import { P, PG, PTE, R, ST, pteFrame, swpEntry } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import type { MachineConfig } from "../../src/wasm/engine.js";
import { memoryEvents } from "../../src/report/events/memory.js";

const V2416 = resolveModel("linux-2.4.16").flags;
const V2410 = resolveModel("linux-2.4.10-pre").flags;
const V240 = resolveModel("linux-2.4.0").flags;
const VARIANTS = [["2.4.16", V2416], ["2.4.10-pre", V2410], ["2.4.0", V240]] as const;

// Trace events (assembly/mm/memory.ts, page_alloc.ts, page_io.ts).
const EV_SWAP_MISS = 110;
const EV_ANON_RACE = 108;
const EV_WP_RACE = 122;
const EV_COPY_DONE = 602;
const EV_ALLOC = 500;
const EV_IO_QUEUED = 550;
// Statistics (state.ts S_*).
const S = {
  ACCESSES: 0, MINOR: 1, MAJOR: 2, READAHEAD_HITS: 6, OOM: 12, COW: 13, COW_REUSE: 14, PTE_CHANGED: 17,
  FORKS: 18, EXITS: 19, MUNMAPS: 20, SWAP_FULL_DELETES: 26, DISK_IOS: 27, ZERO_MAPS: 29,
} as const;

const swapPte = (entry: number) => (entry << 1) | 0;

/** A directed machine: cpus CPUs + the disk, nothing running. */
function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const e = machine({
    cpus: 2, frames: 32, mms: 2, pagesPerMm: 16, slotsPerArea: 32, flags, freeMin: 0, freeLow: 0,
    pageCluster: 0, sched: SCHED.REPLAY, traceCap: 1 << 14, ...over,
  });
  const s = state(e);
  const d = new Director(e);
  const disk = e.config.cpus;
  const start = (cpu: number, proc: number, args: number[] = []) => {
    const a = [...args, 0, 0, 0, 0];
    e.m.start_proc(cpu, proc, a[0], a[1], a[2], a[3]);
    e.m.ops_end(cpu);
  };
  /** Runs proc on cpu to its return, letting the disk complete I/O it waits for. */
  const call = (cpu: number, proc: number, args: number[] = []) => {
    start(cpu, proc, args);
    for (let i = 0; i < 100 && s.agent(cpu, AG.SP) !== 0; i++) {
      d.drain(cpu);
      d.drain(disk);
    }
    expect(s.agent(cpu, AG.SP)).toBe(0); // returned, not stuck
    d.drain(disk);
    return e.m.agent_ret(cpu);
  };
  const read = (mm: number, page: number, cpu = 0) => call(cpu, P.access, [mm, page, 0]);
  const write = (mm: number, page: number, cpu = 0) => {
    call(cpu, P.access, [mm, page, 1]);
    return s.g(G.WRITE_SEQ);
  };
  const stat = (k: number) => e.I32[(e.region(R.STATS) >> 2) + k];
  /** The value the last access on cpu saw (its trace record: reads/writes mm[page] = v). */
  const lastRead = () => {
    const r = [...d.trace].reverse().find((t) => t.event === 100);
    return r ? r.b : undefined;
  };
  /** A swapped-out page: a slot from get_swap_page with content, held by mm[page]'s pte. */
  const swappedOut = (mm: number, page: number, content: number) => {
    const entry = call(0, P.get_swap_page);
    expect(entry).not.toBe(0);
    s.setSlotContent(entry, content);
    s.setPte(mm, page, swapPte(entry));
    s.setShadow(mm, page, content);
    return entry;
  };
  /** Puts an uptodate, unlocked page for entry in the swap cache holding the slot's content. */
  const cachePage = (entry: number) => {
    const page = call(0, P.alloc_page);
    expect(page).not.toBe(0);
    const before = s.swapCount(entry);
    expect(call(0, P.add_to_swap_cache, [page, entry])).toBe(0);
    // 2.4.16's add takes the cache's swap_map reference itself; before, the caller did.
    if (s.swapCount(entry) === before) expect(call(0, P.swap_duplicate, [entry])).toBe(1);
    s.setFlags(page, (s.flags(page) | PG.UPTODATE) & ~PG.LOCKED);
    s.setContent(page, s.slotContent(entry));
    s.setCount(page, s.count(page) - 1); // only the cache's ref remains
    return page;
  };
  const inCache = (entry: number) => {
    for (let f = 1; f < e.config.frames; f++) if (s.flags(f) & PG.SWAPCACHE && s.index(f) === entry) return f;
    return 0;
  };
  return { e, s, d, disk, start, call, read, write, stat, lastRead, swappedOut, cachePage, inCache };
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
    expect(stat(S.MINOR)).toBe(1);
    expect(stat(S.ACCESSES)).toBe(2);
    expect(d.violation()).toBe("none");
  });

  it("a read fault maps the zero page read-only; a later write copies it", () => {
    const { s, d, read, write, stat, lastRead } = rig(flags);
    read(1, 5);
    expect(s.pte(1, 5) & (PTE.PRESENT | PTE.RW)).toBe(PTE.PRESENT);
    expect(pteFrame(s.pte(1, 5))).toBe(0);
    expect(lastRead()).toBe(0);
    expect(stat(S.ZERO_MAPS)).toBe(1);
    expect(s.mm(1, 2)).toBe(0); // the zero page is not counted in rss
    const zeroCount = s.count(0);
    const v = write(1, 5);
    const f = pteFrame(s.pte(1, 5));
    expect(f).not.toBe(0);
    expect(s.pte(1, 5) & PTE.RW).toBe(PTE.RW);
    expect(s.content(f)).toBe(v);
    expect(s.content(0)).toBe(0); // the zero page stays zero
    expect(s.count(0)).toBe(zeroCount);
    expect(stat(S.COW)).toBe(1);
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
    d.untilEvent(0, EV_ALLOC); // CPU0 has its page, PTL dropped
    start(1, P.access, [0, 2, 1]);
    d.drain(1);
    const page = pteFrame(s.pte(0, 2));
    d.drain(0);
    expect(d.trace.some((r) => r.event === EV_ANON_RACE && r.agent === 0)).toBe(true);
    expect(pteFrame(s.pte(0, 2))).toBe(page);
    expect(s.content(page)).toBe(s.g(G.WRITE_SEQ)); // CPU0's write, retried on the winner's page
    expect(s.g(G.NR_FREE)).toBe(free - 1);
    expect(stat(S.ACCESSES)).toBe(2);
    expect(d.violation()).toBe("none");
  });

  it("do_wp_page backs off when the pte changed while it allocated the copy", () => {
    const { s, d, start, read } = rig(V2416);
    read(0, 4); // zero page
    const free = s.g(G.NR_FREE);
    start(0, P.access, [0, 4, 1]);
    d.untilEvent(0, EV_ALLOC); // CPU0 allocated its copy of the zero page
    start(1, P.access, [0, 4, 1]);
    d.drain(1); // CPU1 copies first
    const page = pteFrame(s.pte(0, 4));
    d.drain(0);
    expect(d.trace.some((r) => r.event === EV_WP_RACE && r.agent === 0)).toBe(true);
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
    expect(stat(S.OOM)).toBe(1);
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
    expect(stat(S.DISK_IOS)).toBe(0);
    expect(stat(S.READAHEAD_HITS)).toBe(1);
    expect(stat(S.MINOR)).toBe(1);
    expect(stat(S.MAJOR)).toBe(0);
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
    d.untilEvent(0, EV_SWAP_MISS);
    d.drain(0); // runs until it sleeps on the page lock (the read is in flight)
    expect(s.agent(0, AG.SP)).not.toBe(0);
    expect(d.trace.some((r) => r.event === EV_IO_QUEUED && r.b === entry)).toBe(true);
    const page = inCache(entry);
    expect(page).not.toBe(0);
    expect(s.swapCount(entry)).toBe(2); // pte + cache while the read runs
    d.drain(disk);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(pteFrame(s.pte(1, 2))).toBe(page);
    expect(s.content(page)).toBe(0xbeef);
    expect(lastRead()).toBe(0xbeef);
    expect(stat(S.MAJOR)).toBe(1);
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

describe("do_swap_page when swap is more than half full", () => {
  /** Fills 20 of 31 slots (vm_swap_full), one of them held by mm0[1]'s pte. */
  const full = (flags: number) => {
    const r = rig(flags);
    for (let i = 0; i < 19; i++) r.call(0, P.get_swap_page);
    const entry = r.swappedOut(0, 1, 555);
    expect(r.s.g(G.NR_SWAP_PAGES) * 2).toBeLessThan(r.s.g(G.TOTAL_SWAP_PAGES));
    return { ...r, entry };
  };

  it("2.4.16: remove_exclusive_swap_page frees the slot of the page just read", () => {
    const { s, d, read, lastRead, entry, inCache } = full(V2416);
    read(0, 1);
    expect(lastRead()).toBe(555);
    expect(s.swapCount(entry)).toBe(0);
    expect(inCache(entry)).toBe(0);
    expect(s.count(pteFrame(s.pte(0, 1)))).toBe(1); // only the pte's
    expect(d.violation()).toBe("none");
  });

  it("2.4.10-pre: the exclusive page is deleted from the cache and the pte made dirty", () => {
    const { s, d, read, stat, lastRead, entry, inCache } = full(V2410);
    read(0, 1);
    expect(lastRead()).toBe(555);
    expect(stat(S.SWAP_FULL_DELETES)).toBe(1);
    expect(s.swapCount(entry)).toBe(0);
    expect(inCache(entry)).toBe(0);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(PTE.DIRTY);
    expect(s.count(pteFrame(s.pte(0, 1)))).toBe(1);
    expect(d.violation()).toBe("none");
  });
});

describe("do_swap_page: two threads fault on one swap pte", () => {
  it("2.4.16: the second backs off at the pte_same recheck and both read the slot's value", () => {
    const { s, d, disk, start, stat, swappedOut } = rig(V2416);
    const entry = swappedOut(0, 3, 4242);
    start(0, P.access, [0, 3, 0]);
    d.untilEvent(0, EV_SWAP_MISS);
    start(1, P.access, [0, 3, 0]);
    d.untilEvent(1, EV_SWAP_MISS);
    for (let i = 0; i < 50 && (s.agent(0, AG.SP) || s.agent(1, AG.SP)); i++) {
      d.drain(0);
      d.drain(disk);
      d.drain(1);
    }
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.agent(1, AG.SP)).toBe(0);
    const reads = d.trace.filter((r) => r.event === 100).map((r) => r.b);
    expect(reads).toEqual([4242, 4242]);
    expect(stat(S.PTE_CHANGED)).toBe(1); // CPU0, whose page CPU1 mapped first
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
    expect(stat(S.FORKS)).toBe(1);
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
    expect(stat(S.COW)).toBe(1);
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
    expect(stat(S.COW_REUSE)).toBe(1);
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
    expect(stat(S.FORKS)).toBe(0);
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
      // Between its first and last section, copy_page_range holds both page table locks.
      if (!recs.some((r) => r.event === EV_COPY_DONE) && s.mm(1, 1) !== 0) {
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
    expect(stat(S.EXITS)).toBe(1);
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
    expect(stat(S.MUNMAPS)).toBe(1);
    expect(s.pte(0, 1)).toBe(0);
    expect(s.pte(0, 2)).toBe(0);
    expect(s.pte(0, 0)).not.toBe(0);
    expect(s.pte(0, 4)).not.toBe(0);
    expect(s.mm(0, 2)).toBe(2);
    // mm0[1]'s page and the cached page of the freed slot both go back.
    expect(s.g(G.NR_FREE)).toBe(free + 2);
    expect(inCache(entry)).toBe(0);
    expect(s.swapCount(entry)).toBe(0);
    expect(s.flags(cached) & PG.INUSE).toBe(0);
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
    r.d.untilEvent(0, EV_SWAP_MISS);
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
    for (const [flags, serial] of [[V240, true], [V2416, false]] as const) {
      const { s, d, start } = faultInFlight(flags);
      start(1, P.access, [0, 5, 1]);
      d.drain(1);
      expect(s.agent(1, AG.SP) !== 0).toBe(serial);
      expect(s.pte(0, 5) !== 0).toBe(!serial);
    }
  });
});

describe("the seed mail's race 3 (Hugh Dickins, 14 Sep 2001): multithreaded vm_swap_full deletion", () => {
  const EV_SWAP_FULL_DELETE = 117;
  const EV_TSO_GET_SWAP = 402; // vmscan.ts: (vpage, page, entry)

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
    const { s, d, disk, start, entry } = setup(V2410);
    // CPU0: do_swap_page's lookup misses; it drops PTL and goes for the BKL.
    start(0, P.access, [0, 1, 0]);
    d.untilEvent(0, EV_SWAP_MISS);
    // CPU1, another thread faulting on the same page, wins: reads E, maps it, sees it
    // exclusive with vm_swap_full, deletes it from the swap cache and frees E.
    start(1, P.access, [0, 1, 0]);
    for (let i = 0; i < 20 && s.agent(1, AG.SP) !== 0; i++) { d.drain(1); d.drain(disk); }
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV_SWAP_FULL_DELETE)).toBe(true);
    expect(s.swapCount(entry)).toBe(0);
    // CPU0 gets the BKL; readahead does nothing; the bare read_swap_cache_async allocates.
    d.untilEvent(0, EV_ALLOC);
    // CPU2 reclaims: try_to_swap_out's get_swap_page hands back E.
    start(2, P.swap_out_mm, [1, 1]);
    const got = d.untilEvent(2, EV_TSO_GET_SWAP);
    expect(got.c).toBe(entry);
    // CPU0: swap_duplicate(E) succeeds, add_to_swap_cache; then CPU2's add_to_swap_cache.
    d.drain(0);
    d.drain(2);
    expect(d.violation()).toBe("swapcache-unique");
  });

  it("2.4.16: the same threads end with one cache page and both reads see the slot's value", () => {
    const { s, d, disk, start, entry } = setup(V2416);
    start(0, P.access, [0, 1, 0]);
    d.untilEvent(0, EV_SWAP_MISS);
    start(1, P.access, [0, 1, 0]);
    for (let i = 0; i < 20 && s.agent(1, AG.SP) !== 0; i++) { d.drain(1); d.drain(disk); }
    expect(s.swapCount(entry)).toBe(0); // remove_exclusive_swap_page freed E
    start(2, P.swap_out_mm, [1, 1]);
    for (let i = 0; i < 50 && (s.agent(0, AG.SP) || s.agent(2, AG.SP)); i++) { d.drain(0); d.drain(2); d.drain(disk); }
    expect(d.trace.filter((t) => t.event === 100).map((t) => t.b)).toEqual([0x5eed, 0x5eed]);
    expect(d.violation()).toBe("none");
  });
});
