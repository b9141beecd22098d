// The per-release behaviours of slot freeing (assembly/model.ts bits 13-17): each flag's
// directed test runs the path with the flag on and with it off, on small machines driven step
// by step (test/helpers/directed.ts) or run to completion. The "off" side is linux-2.4.16 and
// the "on" side the old model (or 2.4.16 --with the flag, resolveModel).
import { describe, it, expect } from "vitest";
import { runProc, G, AG } from "../helpers/machine.js";
import {
  rtcRig,
  directedRig,
  addCachePage,
  setSwapPte,
  EV,
  LINUX_2_4_0 as V240,
  LINUX_2_4_10 as V2410,
  LINUX_2_4_16 as V2416,
} from "../helpers/rig.js";
import { P, PG, PTE, SWAP_MAP_MAX } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

/** swapfile.ts events not in the shared EV table. */
const EVX = { SWAP_DUP_CHECKED: 322, UNUSE_DONE: 318 } as const;

const with2416 = (flag: string) => resolveModel("linux-2.4.16", [flag]).flags;
const without = (model: string, flag: string) => resolveModel(model, [], [flag]).flags;

/** A directed machine (the disk is agent `disk`); call() runs a procedure on a CPU to its return. */
function drig(flags: number, over: Partial<MachineConfig> = {}) {
  return directedRig(
    { cpus: 2, frames: 32, mms: 2, pagesPerMm: 16, slotsPerArea: 8, flags, freeMin: 0, freeLow: 0, pageCluster: 0, ...over },
    { rounds: 100, disk: true, noViolation: true },
  );
}

describe("unlocked-dup-check: swap_duplicate racing the last swap_free (2.4.0, 2.4.10-pre9)", () => {
  /** CPU0: swap_duplicate(E) passes its "in use" test; CPU1: the last swap_free(E); CPU0 goes on. */
  function race(flags: number) {
    const r = drig(flags);
    const { s, d, start, call } = r;
    const E = call(1, P.get_swap_page);
    const nr = s.g(G.NR_SWAP_PAGES);
    start(0, P.swap_duplicate, [E]);
    return { ...r, E, nr, s, d, start, call };
  }

  it("2.4.10-pre9: the increment revives the freed slot while nr_swap_pages still counts it free", () => {
    const r = race(V2410);
    const { s, d, E, nr, start, e } = r;
    d.untilEvent(0, EVX.SWAP_DUP_CHECKED); // the test read count 1 with no lock
    start(1, P.swap_free, [E]); // E's last user: count 0, nr_swap_pages + 1
    d.drain(1);
    expect(s.swapCount(E)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(nr + 1);
    d.drain(0);
    expect(e.m.agent_ret(0)).toBe(1); // "success": the caller now holds a reference ...
    expect(s.swapCount(E)).toBe(1); // ... to a slot taken from 0 to 1 ...
    expect(s.g(G.NR_SWAP_PAGES)).toBe(nr + 1); // ... that is still counted free
    expect(d.violation()).toBe("none"); // nothing in the model's paths objects at once
    // At rest the counter no longer matches the free slots: invariant 6.
    const found = checkInvariants(e, { quiescent: true });
    expect(found.some((v) => v.id === "nr-swap-pages" && v.message.startsWith(`nr_swap_pages is ${nr + 1} but ${nr} usable`))).toBe(true);
    // get_swap_page still hands out only count-0 slots: E is not given out twice, the
    // allocator just believes in one slot more than there is.
    for (let i = 0; i < 6; i++) expect(r.call(1, P.get_swap_page)).not.toBe(E);
    expect(r.call(1, P.get_swap_page)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(1);
    // The reviver's own swap_free then frees E "again": the count is right, the counter stays one too high.
    r.call(1, P.swap_free, [E]);
    expect(s.swapCount(E)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(2);
  });

  it("2.4.16 (flag off): the test and the increment are one sdev_lock section, so the free comes before or after", () => {
    const { s, d, E, nr, start, e } = race(V2416);
    // There is no point between test and increment: the free can only run first.
    start(1, P.swap_free, [E]);
    d.drain(1);
    d.drain(0);
    expect(e.m.agent_ret(0)).toBe(0);
    expect(s.swapCount(E)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(nr + 1);
    expect(d.trace.some((t) => t.event === EVX.SWAP_DUP_CHECKED)).toBe(false);
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
  });

  it("2.4.16 --with unlocked-dup-check reopens the window", () => {
    const { s, d, E, start } = race(with2416("unlocked-dup-check"));
    d.untilEvent(0, EVX.SWAP_DUP_CHECKED);
    start(1, P.swap_free, [E]);
    d.drain(1);
    d.drain(0);
    expect(s.swapCount(E)).toBe(1);
  });
});

describe("swapoff-bkl: sys_swapoff keeps the BKL across try_to_unuse (2.4.0, 2.4.10-pre9)", () => {
  /** Two slots of area 0 held by swap ptes of mm0; area 1 takes over. */
  function swapoff(flags: number) {
    const r = drig(flags, { areas: 2 });
    const { s, call, start } = r;
    for (let p = 0; p < 2; p++) {
      const E = call(1, P.get_swap_page);
      s.setSlotContent(E, 50 + p);
      setSwapPte(s, 0, p, E, 50 + p);
    }
    start(0, P.sys_swapoff, [0]);
    return r;
  }
  const bklOwner = (r: ReturnType<typeof drig>) => r.s.g(G.BKL) - 1;

  it("2.4.10-pre9: the BKL is CPU0's while it reads the first slot, let go between entries, retaken", () => {
    const r = swapoff(V2410);
    r.d.untilEvent(0, EV.UNUSE_READ);
    expect(bklOwner(r)).toBe(0);
    // CPU0 sleeps on the read (the BKL dropped meanwhile); the disk completes it.
    for (let i = 0; i < 200 && !r.d.trace.some((t) => t.event === EVX.UNUSE_DONE); i++) {
      if (!r.d.step(0)) r.d.step(r.disk);
    }
    expect(bklOwner(r)).toBe(-1); // unlock_kernel() at the entry's end: another CPU could take it now
    r.d.step(0); // lock_kernel()
    expect(bklOwner(r)).toBe(0);
    r.finish([0, r.disk], 100);
    expect(r.e.m.agent_ret(0)).toBe(0);
    expect(bklOwner(r)).toBe(-1);
    expect(r.d.violation()).toBe("none");
  });

  it("2.4.16 (flag off): try_to_unuse runs without the BKL", () => {
    const r = swapoff(V2416);
    r.d.untilEvent(0, EV.UNUSE_READ);
    expect(bklOwner(r)).toBe(-1);
    r.finish([0, r.disk], 100);
    expect(r.e.m.agent_ret(0)).toBe(0);
    expect(r.d.violation()).toBe("none");
  });

  it("a fault's BKL section (2.4.10-pre do_swap_page) waits while swapoff holds it", () => {
    const r = swapoff(V2410);
    const E2 = r.call(1, P.get_swap_page); // area 0 is still WRITEOK: mm1[3] swapped out there
    r.s.setSlotContent(E2, 99);
    setSwapPte(r.s, 1, 3, E2, 99);
    r.d.untilEvent(0, EV.UNUSE_READ);
    r.start(1, P.access, [1, 3, 0]);
    // CPU1 misses the cache and spins for the BKL that CPU0's swapoff holds.
    for (let i = 0; i < 50 && r.d.step(1); i++);
    expect(r.s.agent(1, AG.SP)).not.toBe(0);
    expect(bklOwner(r)).toBe(0);
    r.finish([0, 1, r.disk], 200);
    expect(r.d.violation()).toBe("none");
  });
});

describe("free-under-pcl: __delete_from_swap_cache frees the slot with pagecache_lock held (2.4.0, 2.4.10-pre9)", () => {
  /** A locked swap-cache page whose slot only the cache holds; delete_from_swap_cache on CPU0. */
  function deleting(flags: number) {
    const r = drig(flags);
    const E = r.call(1, P.get_swap_page);
    const page = addCachePage(r, E);
    if (r.s.swapCount(E) === 1) expect(r.call(1, P.swap_duplicate, [E])).toBe(1); // the old add took none
    r.call(1, P.swap_free, [E]); // the "pte" goes: the cache's reference is the last
    r.start(0, P.delete_from_swap_cache, [page]);
    return { ...r, E, page };
  }

  it("2.4.10-pre9: swap_free runs inside pagecache_lock, which is dropped after it", () => {
    const { s, d, E, page, e } = deleting(V2410);
    d.untilEvent(0, EV.SWAP_FREE);
    expect(s.swapCount(E)).toBe(0);
    expect(s.g(G.PCL)).toBe(1); // CPU0 (agent 0) + 1
    d.drain(0);
    expect(s.g(G.PCL)).toBe(0);
    expect(s.flags(page) & PG.SWAPCACHE).toBe(0);
    expect(e.m.agent_ret(0)).toBe(0);
    expect(d.violation()).toBe("none"); // PCL -> SLL -> SDL is that release's lock order
  });

  it("2.4.16 (flag off): pagecache_lock is dropped before swap_free", () => {
    const { s, d, E } = deleting(V2416);
    d.untilEvent(0, EV.SWAP_FREE);
    expect(s.swapCount(E)).toBe(0);
    expect(s.g(G.PCL)).toBe(0);
    d.drain(0);
    expect(d.violation()).toBe("none");
  });

  it("the lock-order check follows the release: 2.4.16's SLL -> SDL -> PCL nesting is an inversion on 2.4.0", () => {
    const exclusive = (flags: number) => {
      const r = rtcRig({ cpus: 1, frames: 32, slotsPerArea: 8, flags, freeMin: 0, freeLow: 0 });
      const E = r.run(P.get_swap_page);
      const page = addCachePage(r, E);
      if (r.s.swapCount(E) === 2) r.run(P.swap_free, [E]); // 2.4.16's add took the cache's ref
      return runProc(r.e, 0, P.remove_exclusive_swap_page, [page]).violation;
    };
    expect(exclusive(V2416)).toBe("none");
    expect(exclusive(V240)).toBe("lock-order");
    expect(exclusive(without("linux-2.4.0", "free-under-pcl"))).toBe("none");
  });
});

describe("exclusive-nolock: unlocked exclusive tests, bare swap_free in zap (2.4.0, 2.4.10-pre9)", () => {
  /** A locked cache page, exclusive (page count 2, slot count 1), with swaplock held by CPU1. */
  function exclusiveWithSllHeld(flags: number) {
    const r = rtcRig({ cpus: 2, frames: 32, slotsPerArea: 8, flags, freeMin: 0, freeLow: 0 });
    const E = r.run(P.get_swap_page);
    const page = addCachePage(r, E);
    if (r.s.swapCount(E) === 2) r.run(P.swap_free, [E]);
    r.s.setG(G.SLL, 2); // agent 1 holds swap_list_lock
    return { ...r, page };
  }

  it("2.4.0: can_share_swap_page reads the counts with no lock, even while swaplock is held", () => {
    const { e, page } = exclusiveWithSllHeld(V240);
    const r = runProc(e, 0, P.can_share_swap_page, [page]);
    expect(r.violation).toBe("none");
    expect(r.ret).toBe(1);
  });

  it("2.4.16 (flag off): can_share_swap_page needs swaplock, and waits for it", () => {
    const { e, s, page } = exclusiveWithSllHeld(V2416);
    runProc(e, 0, P.can_share_swap_page, [page], 1000);
    expect(s.agent(0, AG.SP)).not.toBe(0); // still spinning in can_share_swap_page
  });

  it("zap of a present cached page: 2.4.10-pre9 deletes it on the unlocked test", () => {
    for (const [flags, deleted] of [
      [V2410, true],
      [V2416, true],
      [V2416, false],
    ] as const) {
      const r = rtcRig({ cpus: 1, frames: 32, slotsPerArea: 8, flags, freeMin: 0, freeLow: 0 });
      const E = r.run(P.get_swap_page);
      const page = addCachePage(r, E);
      if (r.s.swapCount(E) === 2) r.run(P.swap_free, [E]);
      if (!deleted) expect(r.run(P.swap_duplicate, [E])).toBe(1); // a swap pte elsewhere
      r.s.setFlags(page, r.s.flags(page) & ~PG.LOCKED);
      r.run(P.free_page_and_swap_cache, [page]);
      expect((r.s.flags(page) & PG.INUSE) === 0).toBe(deleted);
      expect(r.s.swapCount(E)).toBe(deleted ? 0 : 2);
      expect(r.s.g(G.SLL)).toBe(0);
    }
  });

  it("zap of a swap pte: 2.4.10-pre9 leaves the only-cache page in the cache, 2.4.16 deletes it", () => {
    for (const [flags, kept] of [
      [V2410, true],
      [V240, true],
      [V2416, false],
      [with2416("exclusive-nolock"), true],
    ] as const) {
      const r = rtcRig({ cpus: 1, frames: 32, slotsPerArea: 8, flags, freeMin: 0, freeLow: 0 });
      const E = r.run(P.get_swap_page);
      const page = addCachePage(r, E);
      if (r.s.swapCount(E) === 1) expect(r.run(P.swap_duplicate, [E])).toBe(1);
      r.s.setFlags(page, r.s.flags(page) & ~PG.LOCKED);
      r.s.setCount(page, 1); // only the cache holds the page
      setSwapPte(r.s, 0, 4, E, 0);
      r.run(P.zap_page_range, [0, 4, 5]);
      expect(r.s.swapCount(E)).toBe(kept ? 1 : 0);
      expect((r.s.flags(page) & PG.SWAPCACHE) !== 0).toBe(kept);
    }
  });
});

describe("unuse-delete-first: try_to_unuse deletes the page from the cache before the mm search (2.4.0, 2.4.10-pre9)", () => {
  /** One slot of area 0 held by ptes of mm0 and mm1; swapoff of area 0 to completion. */
  function unuse(flags: number) {
    const r = drig(flags, { areas: 2 });
    const E = r.call(1, P.get_swap_page);
    r.s.setSlotContent(E, 321);
    expect(r.call(1, P.swap_duplicate, [E])).toBe(1);
    setSwapPte(r.s, 0, 1, E, 321);
    setSwapPte(r.s, 1, 2, E, 321);
    r.start(0, P.sys_swapoff, [0]);
    r.finish([0, r.disk], 100);
    expect(r.e.m.agent_ret(0)).toBe(0);
    const at = (ev: number) => r.d.trace.findIndex((t) => t.agent === 0 && t.event === ev);
    const read = r.d.trace[at(EV.UNUSE_READ)];
    return { ...r, E, at, read };
  }

  // The page ends dirty in pre9 and 2.4.16 (SetPageDirty / set_page_dirty); 2.4.0 (its own
  // loop, flag unuse-clear-undead) leaves the page clean and dirties the ptes instead.
  it.each([
    ["2.4.10-pre9", V2410, true, true],
    ["2.4.0", V240, true, false],
    ["2.4.16 (flag off)", V2416, false, true],
    ["2.4.16 --with unuse-delete-first", with2416("unuse-delete-first"), true, true],
  ] as const)("%s", (_name, flags, deleteFirst, dirtyPage) => {
    const { s, e, d, at, read } = unuse(flags);
    // The slot count try_to_unuse sees when it reads: two ptes, plus its own pin when it deletes first.
    expect(read.b).toBe(deleteFirst ? 3 : 2);
    expect(at(EV.DELETE)).toBeGreaterThan(0);
    expect(at(EV.UNUSE_PTE)).toBeGreaterThan(0);
    expect(at(EV.DELETE) < at(EV.UNUSE_PTE)).toBe(deleteFirst);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
    const f = s.pte(0, 1) >>> 4;
    expect(s.pte(0, 1) & 1).toBe(1);
    expect(s.pte(1, 2) >>> 4).toBe(f);
    expect(s.content(f)).toBe(321);
    expect(s.flags(f) & (PG.SWAPCACHE | PG.DIRTY)).toBe(dirtyPage ? PG.DIRTY : 0);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(dirtyPage ? 0 : PTE.DIRTY);
    expect(s.pte(1, 2) & PTE.DIRTY).toBe(dirtyPage ? 0 : PTE.DIRTY);
  });
});

describe("unuse_pte: the pte try_to_unuse puts in place of a swap pte is young in 2.4.0, old in 2.4.16", () => {
  // 2.4.0 mm/swapfile.c unuse_pte: set_pte(dir, pte_mkdirty(mk_pte(page, vma->vm_page_prot))),
  // and a private writable vma's vm_page_prot is i386's PAGE_COPY = _PAGE_PRESENT | _PAGE_USER |
  // _PAGE_ACCESSED: young. 2.4.16's unuse_pte: set_pte(dir, pte_mkold(mk_pte(page, ...))): old.
  it.each([
    ["2.4.0", V240, PTE.YOUNG | PTE.DIRTY],
    ["2.4.16", V2416, 0],
  ] as const)("%s", (_name, flags, bits) => {
    const r = drig(flags, { areas: 2 });
    const E = r.call(1, P.get_swap_page);
    r.s.setSlotContent(E, 77);
    setSwapPte(r.s, 0, 3, E, 77);
    r.start(0, P.sys_swapoff, [0]);
    r.finish([0, r.disk], 100);
    expect(r.e.m.agent_ret(0)).toBe(0);
    const pte = r.s.pte(0, 3);
    expect(pte & 1).toBe(1); // present
    expect(pte & (PTE.YOUNG | PTE.DIRTY | PTE.RW)).toBe(bits); // read-only either way
    expect(r.s.content(pte >>> 4)).toBe(77);
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

describe("try_to_unuse (2.4.16): the SWAP_MAP_MAX reset counts the slot free, and the delete counts it again", () => {
  // 2.4.16 mm/swapfile.c try_to_unuse: "if (*swap_map == SWAP_MAP_MAX) { swap_list_lock();
  // swap_device_lock(si); nr_swap_pages++; *swap_map = 1; ...}", then delete_from_swap_cache's
  // swap_free takes the count from 1 to 0 and swap_entry_free does nr_swap_pages++ once more.
  // The slot was counted out once (get_swap_page), so the counter ends one too high ("We
  // believe SWAP_MAP_MAX cannot occur in Linux 2.4": 0x7fff references, which no hunt reaches).
  it("nr_swap_pages ends one above the free slots after swapoff of a pinned slot", () => {
    const r = drig(V2416, { areas: 2 });
    const E = r.call(1, P.get_swap_page);
    r.s.setSlotContent(E, 55);
    setSwapPte(r.s, 0, 2, E, 55);
    r.s.setSwapCount(E, SWAP_MAP_MAX);
    r.start(0, P.sys_swapoff, [0]);
    r.finish([0, r.disk], 100);
    expect(r.e.m.agent_ret(0)).toBe(0);
    expect(r.d.trace.some((t) => t.event === EV.UNUSE_MAX_RESET)).toBe(true);
    expect(r.s.content(r.s.pte(0, 2) >>> 4)).toBe(55);
    const free = r.s.g(G.TOTAL_SWAP_PAGES); // area 1 alone, all free
    expect(r.s.g(G.NR_SWAP_PAGES)).toBe(free + 1);
    const found = checkInvariants(r.e, { quiescent: true });
    expect(found.map((v) => v.id)).toEqual(["nr-swap-pages"]);
  });
});
