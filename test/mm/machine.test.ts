// The machine side of mm/: the disk's completion order (page_io.ts), alloc_page's loop
// (page_alloc.ts), pagemap_lru_lock around the LRU (swap.ts) and fork's page-table locks
// (fork.ts). Directed schedules (SCHED.REPLAY, one chosen agent per step) on small machines.
import { describe, it, expect } from "vitest";
import { G, MM, AG, SCHED, RUN, machine, state } from "../helpers/machine.js";
import { directedRig, useSlot, swappedOut, holdLruLock, S, LINUX_2_4_16 as V2416 } from "../helpers/rig.js";
import { P, PG, PTE, ST, choiceAgent, choicePick } from "../../src/wasm/abi.js";
import { encodeSchedule, decodeSchedule } from "../../src/report/repro.js";
import { makeOp, OP } from "../../src/wasm/abi.js";

const EV_SPIN = 4;
const EV_IO_DONE = 551;
const EV_ALLOC_OOM = 504;
const EV_ALLOC_YIELD = 505;
const EV_FREE_DEFERRED = 506;
const EV_FREE_PAGE = 503;
const LK_PTL = 0;
const LK_LRU = 1;

describe("the disk completes queued requests in the order the scheduler picks", () => {
  /** Two reads queued, CPU0's (entry a) first, then CPU1's (entry b). */
  function twoReads() {
    const r = directedRig(
      { cpus: 2, frames: 16, slotsPerArea: 16, flags: V2416, freeMin: 0, freeLow: 0 },
      { rounds: 1, disk: false, noViolation: true },
    );
    const a = useSlot(r, 11);
    const b = useSlot(r, 22);
    r.start(0, P.read_swap_cache_async, [a]);
    r.d.drain(0);
    r.start(1, P.read_swap_cache_async, [b]);
    r.d.drain(1);
    const pa = r.e.m.agent_ret(0),
      pb = r.e.m.agent_ret(1);
    expect(pa).not.toBe(0);
    expect(pb).not.toBe(0);
    expect(r.s.g(G.IOQ_TAIL) - r.s.g(G.IOQ_HEAD)).toBe(2);
    const done = () => r.d.trace.filter((t) => t.event === EV_IO_DONE).map((t) => t.a);
    return { ...r, a, b, pa, pb, done };
  }

  it("pick 0 completes the oldest request first (FIFO)", () => {
    const { d, disk, s, pa, pb, done } = twoReads();
    expect(d.step(disk, 0)).toBe(true);
    expect(done()).toEqual([pa]);
    expect(s.content(pa)).toBe(11);
    expect(s.flags(pb) & PG.LOCKED).not.toBe(0); // still under I/O
    d.drain(disk);
    expect(done()).toEqual([pa, pb]);
  });

  it("pick 1 completes the second request before the first, and the log records the pick", () => {
    const { d, disk, s, pa, pb, done } = twoReads();
    expect(d.step(disk, 1)).toBe(true);
    expect(done()).toEqual([pb]);
    expect(s.content(pb)).toBe(22);
    expect(s.flags(pb) & PG.LOCKED).toBe(0);
    expect(s.flags(pa) & PG.LOCKED).not.toBe(0); // the first is still in flight
    d.drain(disk);
    expect(done()).toEqual([pb, pa]);
    expect(s.content(pa)).toBe(11);
    const last = d.choices.filter((c) => choiceAgent(c) === disk);
    expect(choicePick(last[0])).toBe(1);
    // The repro encoding keeps the pick.
    expect(decodeSchedule(encodeSchedule(d.choices))).toEqual(d.choices);
    expect(encodeSchedule([0x12, 3, 0x1f].map((x) => x & 0xff))).toBe("g2" + "3" + "gf");
  });

  it("a random run reorders some completions, and its choice log replays to the same state", () => {
    const cfg = {
      cpus: 2,
      frames: 6,
      mms: 1,
      pagesPerMm: 8,
      slotsPerArea: 16,
      flags: V2416,
      freeMin: 1,
      freeLow: 2,
      seed: 7,
      logRing: false,
    };
    const ops = (cpu: number) => Array.from({ length: 40 }, (_, i) => makeOp(i % 3 === 0 ? OP.READ : OP.WRITE, 0, (i * 5 + cpu * 3) % 8));
    let picks = 0;
    for (let seed = 1; seed <= 40 && picks === 0; seed++) {
      const e = machine({ ...cfg, seed, sched: SCHED.RANDOM });
      e.loadOps([ops(0), ops(1)]);
      expect(e.run(1 << 20)).toBe(RUN.DONE);
      const log = e.choiceLog();
      picks = log.filter((c) => choicePick(c) !== 0).length;
      if (picks === 0) continue;
      const snap = (x: typeof e) => {
        const v = state(x);
        return {
          step: v.g(G.STEP),
          seq: v.g(G.WRITE_SEQ),
          free: v.g(G.NR_FREE),
          swap: v.g(G.NR_SWAP_PAGES),
          ptes: Array.from({ length: 8 }, (_, p) => v.pte(0, p)),
          contents: Array.from({ length: 6 }, (_, f) => v.content(f)),
        };
      };
      const before = snap(e);
      const r = machine({ ...cfg, seed, sched: SCHED.REPLAY });
      r.loadChoices(log);
      r.loadOps([ops(0), ops(1)]);
      expect(r.run(1 << 20)).toBe(RUN.DONE);
      expect(snap(r)).toEqual(before);
      // The same seed again: the same log (bulk runs stay deterministic).
      const again = machine({ ...cfg, seed, sched: SCHED.RANDOM });
      again.loadOps([ops(0), ops(1)]);
      again.run(1 << 20);
      expect(again.choiceLog()).toEqual(log);
    }
    expect(picks).toBeGreaterThan(0);
  });
});

describe("alloc_page(GFP_HIGHUSER) loops until it gets a page", () => {
  /** A machine whose frames are all held by CPU0's earlier allocations (not on the LRU, not
   *  mapped: nothing reclaim could free), watermarks 0, `slots` swap slots free. */
  function exhausted(slotsPerArea: number) {
    const r = directedRig(
      { cpus: 2, frames: 6, slotsPerArea, flags: V2416, freeMin: 0, freeLow: 0 },
      { rounds: 1, disk: false, noViolation: true },
    );
    while (r.s.g(G.NR_FREE) > 0) expect(r.run(P.alloc_page)).not.toBe(0);
    return r;
  }

  it("with swap left, a reclaim that frees nothing does not fail the allocation: it yields and reclaims again", () => {
    const { d, s, start } = exhausted(16);
    expect(s.g(G.NR_SWAP_PAGES)).toBeGreaterThan(0);
    start(0, P.alloc_page);
    // Far more rounds than the 3 tries of before, still in alloc_page.
    for (let i = 0; i < 2000 && d.trace.filter((t) => t.event === EV_ALLOC_YIELD).length < 6; i++) d.step(0);
    expect(d.trace.filter((t) => t.event === EV_ALLOC_YIELD).length).toBe(6);
    expect(s.agent(0, AG.SP)).not.toBe(0);
    expect(d.trace.some((t) => t.event === EV_ALLOC_OOM)).toBe(false);
  });

  it("once no swap is left either, out_of_memory picks the task: alloc_page returns NULL", () => {
    const { d, s, e, start } = exhausted(16);
    start(0, P.alloc_page);
    for (let i = 0; i < 2000 && !d.trace.some((t) => t.event === EV_ALLOC_YIELD); i++) d.step(0);
    // CPU1 takes every slot left (get_swap_page, as try_to_swap_out would).
    while (s.g(G.NR_SWAP_PAGES) > 0) {
      start(1, P.get_swap_page);
      d.drain(1);
    }
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(e.m.agent_ret(0)).toBe(0);
    expect(d.trace.some((t) => t.event === EV_ALLOC_OOM && t.agent === 0)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  it("a page freed by another CPU between rounds ends the loop with that page", () => {
    const { d, s, e, start } = exhausted(16);
    const held = 1; // CPU0's first allocation, count 1, not cached
    expect(s.count(held)).toBe(1);
    start(0, P.alloc_page);
    for (let i = 0; i < 2000 && !d.trace.some((t) => t.event === EV_ALLOC_YIELD); i++) d.step(0);
    start(1, P.free_page_and_swap_cache, [held]); // page_cache_release: frees it
    d.drain(1);
    expect(s.g(G.NR_FREE)).toBe(1);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(e.m.agent_ret(0)).toBe(held);
  });
});

describe("lru_cache_add / lru_cache_del take pagemap_lru_lock", () => {
  /** CPU1 holds the LRU lock in shrink_cache's walk over a referenced inactive page. */
  function lruHeld(more = 0) {
    const r = directedRig(
      { cpus: 2, frames: 16, slotsPerArea: 16, flags: V2416, freeMin: 0, freeLow: 0 },
      { rounds: 1, disk: false, noViolation: true },
    );
    // Pages on the LRU beside `listed`, each with one reference, for CPU0 to drop later.
    const others: number[] = [];
    for (let i = 0; i < more; i++) {
      others.push(r.run(P.alloc_page));
      r.run(P.lru_cache_add, [others[i]]);
    }
    const listed = r.run(P.alloc_page);
    r.run(P.lru_cache_add, [listed]);
    expect(r.s.flags(listed) & PG.LRU).not.toBe(0);
    r.s.setFlags(listed, r.s.flags(listed) | PG.REFERENCED);
    holdLruLock(r, 1);
    return { ...r, listed, others };
  }

  it("lru_cache_add spins while another CPU holds the lock, then adds", () => {
    const { d, s, run, start } = lruHeld();
    const page = run(P.alloc_page);
    start(0, P.lru_cache_add, [page]);
    d.drain(0);
    expect(s.agent(0, AG.SP)).not.toBe(0); // spinning
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV_SPIN && t.a === LK_LRU)).toBe(true);
    expect(s.flags(page) & PG.LRU).not.toBe(0); // TestSetPageLRU ran before the lock
    const inactive = s.g(G.NR_INACTIVE),
      freed = s.stat(S.pagesFreed);
    d.drain(1); // shrink_cache ends, drops the lock
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    // Listed now, beside what CPU1's shrink_cache took off the list meanwhile.
    expect(s.g(G.NR_INACTIVE)).toBe(inactive + 1 - (s.stat(S.pagesFreed) - freed));
    expect(d.violation()).toBe("none");
  });

  it("a listed page whose last reference goes while another CPU holds the lock stays listed at count 0 until that CPU lets go", () => {
    const { d, s, start, listed } = lruHeld();
    start(0, P.free_page_and_swap_cache, [listed]);
    d.drain(0);
    expect(d.trace.some((t) => t.event === EV_FREE_DEFERRED && t.a === listed)).toBe(true);
    expect(s.count(listed)).toBe(0);
    expect(s.flags(listed) & PG.LRU).not.toBe(0);
    expect(s.g(G.LRU_PENDING)).toBe(1);
    d.drain(1);
    expect(s.flags(listed) & (PG.LRU | PG.INUSE)).toBe(0);
    expect(s.g(G.LRU_PENDING)).toBe(0);
    expect(d.trace.some((t) => t.event === EV_FREE_PAGE && t.a === listed && t.agent === 1)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  // 2.4.16 mm/page_alloc.c page_cache_release: "if (PageLRU(page)) lru_cache_del(page);" after
  // the count reached 0, and lru_cache_del spins on pagemap_lru_lock. The freer's section goes
  // on to its end (put_page is a plain function), but its next section waits for the unlock:
  // here munmap's zap, back from free_page_and_swap_cache with the PTL held. Until 5 Dec 2026
  // the freer went on at once.
  it("a freer whose page waits on the lock runs its next section only after that CPU lets go", () => {
    const { d, s, start, listed } = lruHeld();
    s.setPte(0, 1, (listed << 4) | PTE.PRESENT | PTE.RW); // the pte's is the page's one reference
    s.setMm(0, MM.RSS, 1);
    start(0, P.zap_page_range, [0, 1, 2]);
    d.untilEvent(0, EV_FREE_DEFERRED);
    expect(s.count(listed)).toBe(0);
    expect(s.agent(0, AG.STATE)).toBe(ST.SPIN);
    expect(s.agent(0, AG.SP)).not.toBe(0); // the zap's frame: its walk goes on after the free
    expect(s.mm(0, MM.PTL)).toBe(1); // CPU0 + 1: spinning with the PTL held, as the kernel's does
    expect(d.step(0)).toBe(false); // no section of CPU0 while CPU1 holds pagemap_lru_lock
    d.drain(1); // shrink_cache lets go: the page leaves the list, freed
    expect(s.flags(listed) & (PG.LRU | PG.INUSE)).toBe(0);
    expect(s.agent(0, AG.STATE)).toBe(ST.RUNNABLE);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.pte(0, 1)).toBe(0);
    expect(s.mm(0, MM.PTL)).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it("pages left at count 0 while the lock is held are freed at its release lowest frame first, whatever order they were put in", () => {
    const { d, s, start, listed, others } = lruHeld(2);
    const pages = [listed, ...others];
    // Put highest frame first: the release frees them in frame order all the same (the order
    // a walk over every frame frees them in, which the free stack and the state hash record).
    for (const f of [...pages].sort((a, b) => b - a)) {
      start(0, P.free_page_and_swap_cache, [f]);
      d.drain(0);
    }
    expect(s.g(G.LRU_PENDING)).toBe(3);
    for (const f of pages) expect(s.count(f)).toBe(0);
    d.drain(1);
    expect(s.g(G.LRU_PENDING)).toBe(0);
    const freed = d.trace.filter((t) => t.event === EV_FREE_PAGE && pages.includes(t.a) && t.agent === 1).map((t) => t.a);
    expect(freed).toEqual([...pages].sort((a, b) => a - b));
    for (const f of pages) expect(s.flags(f) & (PG.LRU | PG.INUSE)).toBe(0);
    expect(d.violation()).toBe("none");
  });
});

describe("fork: copy_page_range under the child's PTL, then the parent's", () => {
  it("swap_out reaching the child while the parent's copy is in flight spins on the child's PTL until the copy is done", () => {
    const r = directedRig(
      { cpus: 2, frames: 16, slotsPerArea: 16, mms: 2, pagesPerMm: 4, flags: V2416, freeMin: 0, freeLow: 0 },
      { rounds: 1, disk: false, noViolation: true },
    );
    const { d, s, start } = r;
    const entry = swappedOut(r, 0, 1, 5);
    start(0, P.copy_page_range, [1, 0]);
    expect(d.step(0)).toBe(true);
    // dup_mmap's lock first: the child's (mm1) PTL held, the parent's not yet.
    expect(s.mm(1, MM.PTL)).toBe(1);
    expect(s.mm(0, MM.PTL)).toBe(0);
    expect(d.step(0)).toBe(true); // the parent's PTL; the walk stops at the swap pte
    expect(s.mm(0, MM.PTL)).toBe(1);
    // Another CPU's swap_out picks the child (on the mmlist already) mid-copy: it spins.
    start(1, P.swap_out_mm, [1, 4]);
    d.drain(1);
    expect(s.agent(1, AG.SP)).not.toBe(0);
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV_SPIN && t.a === LK_PTL && t.b === 0)).toBe(true);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.pte(1, 1)).toBe(s.pte(0, 1));
    expect(s.swapCount(entry)).toBe(2);
    expect(s.mm(1, MM.PTL)).toBe(0);
    d.drain(1); // now it walks the finished child
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(d.violation()).toBe("none");
  });
});
