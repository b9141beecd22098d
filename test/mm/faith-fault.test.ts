// The flags of the 2.4.0 / 2.4.10-pre9 fault code (mm/memory.c do_anonymous_page, do_wp_page,
// do_swap_page's write decision): each one on and off, on directed schedules that show the
// lock, reference or recheck it changes. The flags are set by name on linux-2.4.16 (resolveModel
// --with/--without), so the rest of the machine stays the same on both sides.
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, swappedOut, cachePage, EV } from "../helpers/rig.js";
import { P, PG, PTE, MM, pteFrame } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

const EV_ANON_MAP = 107;
const EV_WP_REUSE = 120;
const EV_WP_COPY = 121;
const EV_SWAP_MAP = 119;

/** linux-2.4.16 with flags added / removed by name. */
const model = (withF: string[], withoutF: string[] = []) => resolveModel("linux-2.4.16", withF, withoutF).flags;

function rig(flags: number) {
  const r = directedRig({ ...SMALL_RIG, flags }, { rounds: 100, disk: true, noViolation: false });
  const { s, call } = r;
  const write = (mm: number, page: number, cpu = 0) => {
    call(cpu, P.access, [mm, page, 1]);
    return s.g(G.WRITE_SEQ);
  };
  const read = (mm: number, page: number, cpu = 0) => call(cpu, P.access, [mm, page, 0]);
  const done = (cpu: number) => s.agent(cpu, AG.SP) === 0;
  return { ...r, write, read, done };
}

describe("anon-nolock (2.4.0 do_anonymous_page: no page_table_lock, no pte_none recheck)", () => {
  it("lists the new page on the LRU before its pte is set: a mapped page is never one whose lru_cache_add still waits", () => {
    // With no PTL, a pte set first would let swap_out see the page and activate it while its
    // lru_cache_add waits for pagemap_lru_lock (PG_lru set, on no list): the LRU count then
    // drifts, which once divided refill_ratio by zero.
    for (const flags of [model(["anon-nolock"]), resolveModel("linux-2.4.0").flags]) {
      const r = rig(flags);
      const { s, d, start } = r;
      const listed = () => s.g(G.NR_ACTIVE) + s.g(G.NR_INACTIVE);
      const before = listed();
      start(0, P.access, [0, 3, 1]);
      let mappedAt = -1;
      for (let n = 0; n < 200 && !r.done(0); n++) {
        d.step(0);
        const pte = s.pte(0, 3);
        if ((pte & PTE.PRESENT) !== 0 && mappedAt < 0) {
          mappedAt = n;
          expect(listed(), `step ${n}`).toBe(before + 1);
          expect(s.flags(pteFrame(pte)) & PG.LRU).not.toBe(0);
        }
      }
      expect(mappedAt).toBeGreaterThanOrEqual(0);
      expect(d.violation()).toBe("none");
    }
  });

  /** Two threads of mm0 write-fault the same none pte; CPU0 sleeps in alloc_page while CPU1
   *  maps its own page. Shared mmap_sem (fault-mmap-sem off) lets them overlap on both sides. */
  function race(flags: number) {
    const r = rig(flags);
    const { s, d, start } = r;
    const free = s.g(G.NR_FREE);
    start(0, P.access, [0, 2, 1]);
    d.untilEvent(0, EV.ALLOC); // CPU0 has its page, no PTL held
    start(1, P.access, [0, 2, 1]);
    d.drain(1);
    const theirs = pteFrame(s.pte(0, 2));
    d.drain(0);
    return { ...r, free, theirs };
  }

  it("off (2.4.16): the late thread retakes PTL, sees the pte is no longer none and frees its page", () => {
    const { s, d, free, theirs } = race(model([]));
    expect(d.trace.some((t) => t.event === EV.ANON_RACE && t.agent === 0)).toBe(true);
    expect(pteFrame(s.pte(0, 2))).toBe(theirs);
    expect(s.g(G.NR_FREE)).toBe(free - 1);
  });

  it("on: the late thread overwrites the other's pte; the other's page is left with no mapping", () => {
    const { s, d, free, theirs } = race(model(["anon-nolock"]));
    expect(d.trace.some((t) => t.event === EV.ANON_RACE)).toBe(false);
    const mine = pteFrame(s.pte(0, 2));
    expect(mine).not.toBe(theirs);
    expect(d.trace.some((t) => t.event === EV_ANON_MAP && t.agent === 0 && t.a === mine)).toBe(true);
    expect(s.count(theirs)).toBe(1); // CPU1's page: its pte ref, but no pte maps it any more
    expect(s.g(G.NR_FREE)).toBe(free - 2);
  });

  it("on, with 2.4.0's exclusive mmap_sem (linux-2.4.0): the second fault waits and finds the page mapped", () => {
    const { s, d, start } = rig(resolveModel("linux-2.4.0").flags);
    const before = s.g(G.NR_FREE);
    start(0, P.access, [0, 2, 1]);
    d.untilEvent(0, EV.ALLOC);
    start(1, P.access, [0, 2, 1]);
    d.drain(1); // blocks on mmap_sem
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV_ANON_MAP)).toBe(false);
    d.drain(0);
    d.drain(1);
    expect(s.g(G.NR_FREE)).toBe(before - 1);
    expect(d.violation()).toBe("none");
  });

  it("on: handle_pte_fault drops PTL for a none pte; off: do_anonymous_page starts with it held", () => {
    for (const [flags, held] of [
      [model(["anon-nolock"]), 0],
      [model([]), 1],
    ] as const) {
      const { s, d, start } = rig(flags);
      start(0, P.access, [0, 5, 0]);
      d.untilEvent(0, EV.FAULT); // handle_pte_fault's section: PTL taken, pte read
      expect(s.mm(0, MM.PTL)).toBe(held); // CPU0 + 1 while held
      d.drain(0);
      expect(pteFrame(s.pte(0, 5))).toBe(0); // the zero page, read-only
      expect(s.pte(0, 5) & PTE.RW).toBe(0);
      expect(s.mm(0, MM.PTL)).toBe(0);
      expect(d.violation()).toBe("none");
    }
  });
});

describe("share-count-nolock (2.4.0 is_page_shared, pre9 exclusive_swap_page: no swap lock)", () => {
  /** mm0[6] maps a swap-cache page read-only (count 2: pte + cache; slot count 1: the cache).
   *  CPU1 holds swaplock (get_swap_page stopped after its first section); CPU0 write-faults. */
  function wpWithSwaplockHeld(flags: number) {
    const r = rig(flags);
    const { s, d, start, read } = r;
    const entry = swappedOut(r, 0, 6, 0x77);
    const page = cachePage(r, entry, { keepRef: false, swapRef: true });
    read(0, 6);
    expect(pteFrame(s.pte(0, 6))).toBe(page);
    expect(s.count(page)).toBe(2);
    expect(s.swapCount(entry)).toBe(1);
    start(1, P.get_swap_page, []);
    expect(d.step(1)).toBe(true); // section 0: swap_list_lock() taken
    start(0, P.access, [0, 6, 1]);
    d.drain(0);
    return { ...r, page, entry };
  }

  it("off (2.4.16): do_wp_page's can_share_swap_page waits for swaplock", () => {
    const { s, d, page, done } = wpWithSwaplockHeld(model([]));
    expect(done(0)).toBe(false);
    expect(d.trace.some((t) => t.event === EV_WP_REUSE)).toBe(false);
    d.drain(1);
    d.drain(0);
    expect(done(0)).toBe(true);
    expect(pteFrame(s.pte(0, 6))).toBe(page);
    expect(d.trace.some((t) => t.event === EV_WP_REUSE && t.agent === 0)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  it("on: do_wp_page counts page_count + swap_count unlocked and reuses the page while swaplock is held", () => {
    const { s, d, page, done } = wpWithSwaplockHeld(model(["share-count-nolock"]));
    expect(done(0)).toBe(true);
    expect(pteFrame(s.pte(0, 6))).toBe(page);
    expect(s.pte(0, 6) & PTE.RW).toBe(PTE.RW);
    expect(d.trace.some((t) => t.event === EV_WP_REUSE && t.agent === 0)).toBe(true);
    d.drain(1);
    expect(d.violation()).toBe("none");
  });

  it("on: a page another mm still maps through the swap entry is copied, not reused", () => {
    const r = rig(model(["share-count-nolock"]));
    const { s, d, read, write, call } = r;
    const entry = swappedOut(r, 0, 6, 0x55);
    const page = cachePage(r, entry, { keepRef: false, swapRef: true });
    call(0, P.do_fork, [0, 1]); // mm1[6] holds the entry too: slot count 3
    read(0, 6); // mm0 maps the cache page; slot count 2
    expect(s.swapCount(entry)).toBe(2);
    write(0, 6);
    expect(pteFrame(s.pte(0, 6))).not.toBe(page);
    expect(d.trace.some((t) => t.event === EV_WP_COPY && t.agent === 0)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  /** A write fault on a swapped-out pte whose page is in the cache: once its swap_free (which
   *  takes swaplock in every model) is done, CPU1 takes swaplock; then the write decision. */
  function swapinWithSwaplockHeld(flags: number) {
    const r = rig(flags);
    const { s, d, start } = r;
    const entry = swappedOut(r, 0, 6, 0x99);
    const page = cachePage(r, entry, { keepRef: false, swapRef: true });
    start(0, P.access, [0, 6, 1]);
    d.untilEvent(0, EV.SWAP_FREE); // do_swap_page's swap_free of the pte's reference is done
    start(1, P.get_swap_page, []);
    expect(d.step(1)).toBe(true);
    d.drain(0);
    return { ...r, page, entry, s };
  }

  it("off (2.4.16): do_swap_page's can_share_swap_page waits for swaplock before mapping", () => {
    const { d, done } = swapinWithSwaplockHeld(model([]));
    expect(done(0)).toBe(false);
    expect(d.trace.some((t) => t.event === EV_SWAP_MAP)).toBe(false);
    d.drain(1);
    d.drain(0);
    const m = d.trace.find((t) => t.event === EV_SWAP_MAP && t.agent === 0)!;
    expect(m.c).toBe(1); // writable
    expect(d.violation()).toBe("none");
  });

  it("on: do_swap_page maps the page writable from the unlocked counts while swaplock is held", () => {
    const { s, d, page, done } = swapinWithSwaplockHeld(model(["share-count-nolock"]));
    expect(done(0)).toBe(true);
    const m = d.trace.find((t) => t.event === EV_SWAP_MAP && t.agent === 0)!;
    expect(m.a).toBe(page);
    expect(m.c).toBe(1);
    expect(s.pte(0, 6) & PTE.RW).toBe(PTE.RW);
    d.drain(1);
    expect(d.violation()).toBe("none");
  });
});

describe("wp-copy-noref (2.4.0 do_wp_page: no ref on the old page, copy under PTL after the recheck)", () => {
  /** mm0[7] and mm1[7] share a written page after fork; mm1 write-faults and stops once
   *  alloc_page has given it the new page (PTL dropped). */
  function cowAtAlloc(flags: number) {
    const r = rig(flags);
    const { s, d, start, write, call } = r;
    const v = write(0, 7);
    const old = pteFrame(s.pte(0, 7));
    call(0, P.do_fork, [0, 1]);
    expect(s.count(old)).toBe(2);
    start(1, P.access, [1, 7, 1]);
    const a = d.untilEvent(1, EV.ALLOC);
    return { ...r, v, old, fresh: a.a };
  }

  it("off (2.4.16): the old page holds an extra ref and the copy is made before PTL is retaken", () => {
    const { s, d, v, old, fresh } = cowAtAlloc(model([]));
    d.step(1); // back from alloc_page: copy_cow_page, then on to spin_lock
    expect(s.count(old)).toBe(3);
    expect(s.content(fresh)).toBe(v);
    d.drain(1);
    expect(s.count(old)).toBe(1);
    expect(pteFrame(s.pte(1, 7))).toBe(fresh);
    expect(d.violation()).toBe("none");
  });

  it("on: the old page has only its two pte refs and the new page is still empty until the recheck", () => {
    const { s, d, v, old, fresh } = cowAtAlloc(model(["wp-copy-noref"]));
    d.step(1);
    expect(s.count(old)).toBe(2);
    expect(s.content(fresh)).toBe(0);
    d.drain(1);
    expect(s.count(old)).toBe(1);
    expect(pteFrame(s.pte(1, 7))).toBe(fresh);
    expect(s.content(fresh)).toBe(s.g(G.WRITE_SEQ)); // the copy, then the retried write
    expect(s.shadow(0, 7)).toBe(v);
    expect(d.violation()).toBe("none");
  });

  it("on: when the pte changed meanwhile nothing is copied and the new page is freed", () => {
    const r = cowAtAlloc(model(["wp-copy-noref"]));
    const { s, d, start, old, fresh } = r;
    start(0, P.access, [1, 7, 1]); // another thread of mm1 breaks the COW first
    d.drain(0);
    const winner = pteFrame(s.pte(1, 7));
    expect(winner).not.toBe(old);
    expect(s.count(old)).toBe(1); // mm0's pte only: CPU1 holds no ref on it
    d.drain(1);
    expect(d.trace.some((t) => t.event === EV.WP_RACE && t.agent === 1)).toBe(true);
    expect(s.content(fresh)).toBe(0); // never copied into
    expect(pteFrame(s.pte(1, 7))).toBe(winner);
    expect(s.count(old)).toBe(1);
    expect(d.violation()).toBe("none");
  });
});

describe("add_to_swap_cache of 2.4.0 / 2.4.10-pre (mm/swap_state.c, add_to_page_cache_locked)", () => {
  // linux-2.4.0 sets PG_swap_cache and takes the reference before pagecache_lock (flag
  // add-before-pcl, test/mm/unlocked-240.test.ts); pre9's body is not in the sources.
  // Under del-lru (pre9's lru_cache_add is the old VM's, 2.4.0 mm/swap.c: pagemap_lru_lock
  // first, the list mark set with the link) the page is marked listed only in the next section,
  // under the LRU lock (test/mm/lru-add-old.test.ts); before the 4 Dec 2026 audit the insert's
  // section also set PG_lru, 2.4.16's TestSetPageLRU.
  it.each([["linux-2.4.10-pre"]])("%s: inserts in one pagecache_lock section, then lists the page under pagemap_lru_lock", (name) => {
    const r = rig(resolveModel(name).flags);
    const { s, d, start } = r;
    const entry = swappedOut(r, 0, 3, 0x11);
    const page = r.run(P.alloc_page);
    s.setFlags(page, s.flags(page) | PG.LOCKED); // the callers lock it first
    expect(s.flags(page) & PG.LRU).toBe(0);
    start(0, P.add_to_swap_cache, [page, entry]);
    expect(d.step(0)).toBe(true);
    expect(s.flags(page) & (PG.SWAPCACHE | PG.LRU)).toBe(PG.SWAPCACHE);
    expect(s.g(G.PCL)).toBe(0);
    d.drain(0);
    expect(s.flags(page) & (PG.SWAPCACHE | PG.LRU)).toBe(PG.SWAPCACHE | PG.LRU);
    expect(d.violation()).toBe("none");
  });

  it("an unlocked page is the kernel's BUG (V_PAGE_LOCK), not silently locked", () => {
    const r = rig(resolveModel("linux-2.4.0").flags);
    const { s, d, start } = r;
    const entry = swappedOut(r, 0, 3, 0x11);
    const page = r.run(P.alloc_page);
    expect(s.flags(page) & PG.LOCKED).toBe(0);
    start(0, P.add_to_swap_cache, [page, entry]);
    d.drain(0);
    expect(d.violation()).not.toBe("none");
  });
});
