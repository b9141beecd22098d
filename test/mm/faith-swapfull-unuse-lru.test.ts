// Flags 20-21 (assembly/model.ts): swap-full-80 (vm_swap_full's threshold in 2.4.10-pre9) and
// unuse-clear-undead (2.4.0's own try_to_unuse loop), each shown with the flag on and off; and
// activate_page under pagemap_lru_lock (every release), on small machines driven step by step
// (test/helpers/directed.ts).
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, swappedOut, setSwapPte, S, LINUX_2_4_10 as V2410, LINUX_2_4_16 as V2416 } from "../helpers/rig.js";
import { P, PG, PTE, MM, pteFrame } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { resolveModel } from "../../src/model/models.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

const with2416 = (flag: string) => resolveModel("linux-2.4.16", [flag]).flags;
const without = (model: string, flag: string) => resolveModel(model, [], [flag]).flags;

/** A directed machine with 31 usable slots; call() lets the disk complete what it waits on. */
function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig({ ...SMALL_RIG, flags, ...over }, { rounds: 100, disk: true, noViolation: true });
  const read = (mm: number, page: number, cpu = 0) => r.call(cpu, P.access, [mm, page, 0]);
  return { ...r, read, swappedOut: (mm: number, page: number, v: number) => swappedOut(r, mm, page, v) };
}

describe("swap-full-80: vm_swap_full's threshold (2.4.10-pre9: more than 80% in use; 2.4.16: more than half)", () => {
  /** `used` of the 31 slots taken, one of them held by mm0[1]'s pte; then mm0[1] is read. */
  function readWhenUsed(flags: number, used: number) {
    const r = rig(flags);
    for (let i = 0; i < used - 1; i++) r.call(0, P.get_swap_page);
    const E = r.swappedOut(0, 1, 555);
    expect(r.s.g(G.TOTAL_SWAP_PAGES)).toBe(31);
    expect(r.s.g(G.TOTAL_SWAP_PAGES) - r.s.g(G.NR_SWAP_PAGES)).toBe(used);
    r.read(0, 1);
    const page = pteFrame(r.s.pte(0, 1));
    return { ...r, E, page, deleted: r.s.stat(S.swapFullDeletes) };
  }

  it("2.4.10-pre9 (on): 24 of 31 in use (77%) is not full: the page stays in the swap cache, the slot kept", () => {
    const { s, E, page, deleted } = readWhenUsed(V2410, 24);
    expect(deleted).toBe(0);
    expect(s.cachedPageOf(E)).toBe(page);
    expect(s.swapCount(E)).toBe(1); // the cache's
  });

  it("2.4.10-pre9 (on): 25 of 31 in use (81%) is full: the exclusive page leaves the cache and frees its slot", () => {
    const { s, E, page, deleted } = readWhenUsed(V2410, 25);
    expect(deleted).toBe(1);
    expect(s.cachedPageOf(E)).toBe(0);
    expect(s.swapCount(E)).toBe(0);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(PTE.DIRTY);
    expect(s.count(page)).toBe(1);
  });

  it("2.4.10-pre9 --without swap-full-80: 2.4.16's half, so 16 of 31 in use is already full", () => {
    const { s, E, deleted } = readWhenUsed(without("linux-2.4.10-pre", "swap-full-80"), 16);
    expect(deleted).toBe(1);
    expect(s.swapCount(E)).toBe(0);
    const on = readWhenUsed(V2410, 16);
    expect(on.deleted).toBe(0);
    expect(on.s.swapCount(on.E)).toBe(1);
  });

  it("2.4.16 (off): 16 of 31 frees the slot (remove_exclusive_swap_page), 15 does not; --with swap-full-80 keeps it at 20", () => {
    expect(readWhenUsed(V2416, 16).s.swapCount(readWhenUsed(V2416, 16).E)).toBe(0);
    const at15 = readWhenUsed(V2416, 15);
    expect(at15.s.swapCount(at15.E)).toBe(1);
    const w = readWhenUsed(with2416("swap-full-80"), 20);
    expect(w.s.swapCount(w.E)).toBe(1);
    expect(w.s.cachedPageOf(w.E)).toBe(w.page);
    const w25 = readWhenUsed(with2416("swap-full-80"), 25);
    expect(w25.s.swapCount(w25.E)).toBe(0);
  });
});

/** swapfile.ts events not in the shared EV table. */
const EVX = { UNUSE_UNDEAD: 323, UNUSE_CLEARED: 324, UNUSE_PTE_DIRTY: 325, UNUSE_RELEASED: 326, UNUSE_DONE: 318 } as const;
const V240 = resolveModel("linux-2.4.0").flags;
/** A present pte of frame with bits (assembly/kernel/state.ts mk_pte). */
const mkPte = (frame: number, bits: number) => (frame << 4) | bits | PTE.PRESENT;
/** 2.4.0 with pre9's try_to_unuse loop instead of its own. */
const V240_PRE9_LOOP = without("linux-2.4.0", "unuse-clear-undead");

/** Two areas, so that swapoff of area 0 leaves somewhere to swap. */
function urig(flags: number) {
  return directedRig({ ...SMALL_RIG, slotsPerArea: 8, areas: 2, flags }, { rounds: 100, disk: true, noViolation: true });
}

describe("unuse-clear-undead: 2.4.0's own try_to_unuse loop", () => {
  /** E0:n held by mm0[1]'s pte and by one more reference no pte holds (a path still using
   *  the slot); swapoff of area 0 runs on CPU0 for at most `steps` of its steps. */
  function orphan(flags: number, steps: number) {
    const r = urig(flags);
    const E = r.call(1, P.get_swap_page);
    r.s.setSlotContent(E, 321);
    setSwapPte(r.s, 0, 1, E, 321);
    expect(r.call(1, P.swap_duplicate, [E])).toBe(1); // the reference nobody will drop
    const nr = r.s.g(G.NR_SWAP_PAGES);
    r.start(0, P.sys_swapoff, [0]);
    for (let i = 0; i < steps; i++) if (!r.d.step(0)) r.d.step(r.disk);
    const count = (ev: number) => r.d.trace.filter((t) => t.event === ev).length;
    return { ...r, E, nr, count };
  }

  it("on (2.4.0): a count left after the search is forced to 0 and counted free again; swapoff ends", () => {
    const { s, e, d, E, nr, count } = orphan(V240, 400);
    expect(s.agent(0, AG.SP)).toBe(0); // sys_swapoff returned ...
    expect(e.m.agent_ret(0)).toBe(0); // ... with success
    expect(d.trace.find((t) => t.event === EVX.UNUSE_UNDEAD)?.b).toBe(1); // "VM: Undead swap entry"
    expect(count(EVX.UNUSE_CLEARED)).toBe(1);
    expect(s.swapCount(E)).toBe(0); // the orphan reference now names a free slot
    // nr_swap_pages: area 0's 7 pages left with the swapoff, E came back free once (its pte's
    // swap_free does not reach 0: the orphan holds it), by the forced clear.
    expect(s.g(G.NR_SWAP_PAGES)).toBe(nr - 7 + 1);
    const f = pteFrame(s.pte(0, 1));
    expect(s.content(f)).toBe(321);
  });

  it("off (2.4.0 with pre9's loop): the leftover is undead, left for the next sweep, which finds it again: swapoff never ends", () => {
    const { s, d, E, count } = orphan(V240_PRE9_LOOP, 2000);
    expect(s.agent(0, AG.SP)).not.toBe(0); // still in sys_swapoff
    expect(count(EVX.UNUSE_UNDEAD)).toBeGreaterThan(3); // sweep after sweep
    expect(count(EVX.UNUSE_CLEARED)).toBe(0);
    expect(s.swapCount(E)).toBeGreaterThanOrEqual(1); // (mid-sweep: plus the pin and the cache's)
    expect(d.trace.filter((t) => t.event === EVX.UNUSE_UNDEAD).every((t) => t.b === 1)).toBe(true);
    expect(d.violation()).toBe("none"); // a hunt would end it at its step bound: a livelock
  });

  /** E0:n in the swap cache (page P, clean, unlocked), mapped by mm0[1] with a clean pte, and
   *  held by mm1[2]'s swap pte: swapoff of area 0 to completion. */
  function mapped(flags: number) {
    const r = urig(flags);
    const E = r.call(1, P.get_swap_page); // the cache's reference (2.4.0, pre9: count 1)
    r.s.setSlotContent(E, 77);
    const page = r.call(1, P.alloc_page);
    r.s.setFlags(page, r.s.flags(page) | PG.LOCKED);
    expect(r.call(1, P.add_to_swap_cache, [page, E])).toBe(0);
    r.s.setFlags(page, (r.s.flags(page) | PG.UPTODATE) & ~(PG.LOCKED | PG.DIRTY));
    r.s.setContent(page, 77);
    r.s.setPte(0, 1, mkPte(page, 0)); // the alloc_page reference is this pte's
    r.s.setShadow(0, 1, 77);
    expect(r.call(1, P.swap_duplicate, [E])).toBe(1);
    setSwapPte(r.s, 1, 2, E, 77);
    r.start(0, P.sys_swapoff, [0]);
    r.finish([0, r.disk], 100);
    expect(r.e.m.agent_ret(0)).toBe(0);
    expect(r.d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
    return { ...r, E, page };
  }

  it("on (2.4.0): the ptes are made dirty, the one it fills and the one already mapping the page; the page stays clean", () => {
    const { s, d, page } = mapped(V240);
    expect(pteFrame(s.pte(1, 2))).toBe(page);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(PTE.DIRTY);
    expect(s.pte(1, 2) & (PTE.DIRTY | PTE.RW)).toBe(PTE.DIRTY); // dirty, read-only
    expect(s.flags(page) & (PG.DIRTY | PG.SWAPCACHE)).toBe(0);
    expect(d.trace.some((t) => t.event === EVX.UNUSE_PTE_DIRTY)).toBe(true);
    expect(d.trace.some((t) => t.event === EVX.UNUSE_RELEASED)).toBe(true);
  });

  it("off (pre9's loop): the page is marked dirty, the ptes are left as they were", () => {
    const { s, page } = mapped(V240_PRE9_LOOP);
    expect(pteFrame(s.pte(1, 2))).toBe(page);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(0);
    expect(s.pte(1, 2) & PTE.DIRTY).toBe(0);
    expect(s.flags(page) & (PG.DIRTY | PG.SWAPCACHE)).toBe(PG.DIRTY);
  });

  /** Two slots of area 0, each already in the swap cache (nothing to read, nothing to sleep
   *  on), each held by a swap pte of mm0: which CPU owns the BKL at each of CPU0's steps. */
  function bklOwners(flags: number) {
    const r = urig(flags);
    for (let p = 0; p < 2; p++) {
      const E = r.call(1, P.get_swap_page);
      r.s.setSlotContent(E, 60 + p);
      const page = r.call(1, P.alloc_page);
      r.s.setFlags(page, r.s.flags(page) | PG.LOCKED);
      expect(r.call(1, P.add_to_swap_cache, [page, E])).toBe(0);
      r.s.setFlags(page, (r.s.flags(page) | PG.UPTODATE) & ~PG.LOCKED);
      r.s.setContent(page, 60 + p);
      r.s.setCount(page, r.s.count(page) - 1); // only the cache's reference
      expect(r.call(1, P.swap_duplicate, [E])).toBe(1);
      setSwapPte(r.s, 0, p, E, 60 + p);
    }
    r.start(0, P.sys_swapoff, [0]);
    const owners: number[] = [];
    for (let i = 0; i < 500 && r.d.step(0); i++) owners.push(r.s.g(G.BKL) - 1);
    expect(r.s.agent(0, AG.SP)).toBe(0);
    expect(r.e.m.agent_ret(0)).toBe(0);
    expect(r.d.violation()).toBe("none");
    return { ...r, owners };
  }

  it("on (2.4.0): no BKL yield between entries: CPU0 holds it from lock_kernel to the end", () => {
    const { owners } = bklOwners(V240);
    const first = owners.indexOf(0);
    const last = owners.lastIndexOf(0);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(owners.slice(first, last + 1).every((o) => o === 0)).toBe(true);
  });

  it("off (pre9's loop): unlock_kernel() between entries lets the BKL go", () => {
    const { owners } = bklOwners(V240_PRE9_LOOP);
    const first = owners.indexOf(0);
    const last = owners.lastIndexOf(0);
    expect(owners.slice(first, last + 1).some((o) => o === -1)).toBe(true);
  });
});

describe("activate_page takes pagemap_lru_lock (mm/swap.c activate_page, from mark_page_accessed)", () => {
  const EV_SPIN = 4; // kernel/trace.ts
  const LK_LRU = 1; // kernel/locks.ts
  const EV_TSO_YOUNG = 400;

  /** mm0[3] maps a listed, inactive page whose PG_referenced is set, through a young pte;
   *  CPU1 holds pagemap_lru_lock in reclaim (the technique of test/mm/machine.test.ts). */
  function setup(flags: number) {
    const r = directedRig(
      { cpus: 2, frames: 16, slotsPerArea: 16, mms: 2, pagesPerMm: 4, flags, freeMin: 0, freeLow: 0 },
      { rounds: 1, disk: false, noViolation: true },
    );
    const { s } = r;
    const f = r.run(P.alloc_page);
    r.run(P.lru_cache_add, [f]);
    s.setContent(f, 9);
    s.setShadow(0, 3, 9);
    s.setPte(0, 3, mkPte(f, PTE.RW | PTE.DIRTY)); // alloc_page's reference
    s.setMm(0, MM.RSS, 1);
    // A clean swap-cache page only the cache holds, at the inactive list's tail, for CPU1's
    // reclaim to hold the LRU lock over from one section to the next.
    const E = r.run(P.get_swap_page);
    s.setSlotContent(E, 1);
    const c = r.run(P.alloc_page);
    s.setFlags(c, s.flags(c) | PG.LOCKED);
    expect(r.run(P.add_to_swap_cache, [c, E])).toBe(0);
    s.setFlags(c, (s.flags(c) | PG.UPTODATE) & ~PG.LOCKED);
    s.setCount(c, s.count(c) - 1);
    // f is locked meanwhile (as by an I/O in flight), so that CPU1's reclaim passes it by.
    s.setFlags(f, s.flags(f) | PG.LOCKED);
    r.start(1, P.try_to_free_pages);
    for (let n = 0; n < 50 && s.g(G.LRU_LOCK) !== 2; n++) expect(r.d.step(1)).toBe(true);
    expect(s.g(G.LRU_LOCK)).toBe(2); // CPU1 + 1
    s.setFlags(f, s.flags(f) & ~PG.LOCKED);
    // Then the user touches mm0[3] again: young pte, page referenced and inactive.
    expect(pteFrame(s.pte(0, 3))).toBe(f);
    expect(s.flags(f) & (PG.LRU | PG.ACTIVE)).toBe(PG.LRU);
    s.setPte(0, 3, s.pte(0, 3) | PTE.YOUNG);
    s.setFlags(f, s.flags(f) | PG.REFERENCED);
    return { ...r, f };
  }

  for (const [model, flags] of [
    ["linux-2.4.16", V2416],
    ["linux-2.4.0", resolveModel("linux-2.4.0").flags],
  ] as const) {
    it(`${model}: swap_out_mm's young pte of a referenced inactive page spins for the LRU lock with the mm's PTL held, then activates it`, () => {
      const { s, d, start, f } = setup(flags);
      start(0, P.swap_out_mm, [0, 1]);
      d.drain(0);
      expect(d.trace.some((t) => t.agent === 0 && t.event === EV_SPIN && t.a === LK_LRU)).toBe(true);
      expect(s.agent(0, AG.SP)).not.toBe(0); // spinning ...
      expect(s.mm(0, MM.PTL)).toBe(1); // ... with mm0's page_table_lock (CPU0 + 1) held
      expect(s.pte(0, 3) & PTE.YOUNG).toBe(0); // the young bit already cleared
      expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED)).toBe(PG.REFERENCED); // not moved yet
      d.drain(1); // reclaim lets the LRU lock go
      d.drain(0);
      expect(s.agent(0, AG.SP)).toBe(0);
      expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED | PG.LRU)).toBe(PG.ACTIVE | PG.LRU); // activated, bit cleared after
      expect(s.pte(0, 3) & PTE.PRESENT).toBe(PTE.PRESENT);
      expect(d.violation()).toBe("none"); // PTL -> LRU is a legal nesting
    });
  }

  it("a young pte of a page not yet referenced only marks it, in the walk's own step (no lock)", () => {
    const { s, d, start, f } = setup(V2416);
    s.setFlags(f, s.flags(f) & ~PG.REFERENCED);
    start(0, P.swap_out_mm, [0, 1]);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0); // never waited for CPU1's LRU lock
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV_SPIN)).toBe(false);
    expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED)).toBe(PG.REFERENCED);
    expect(d.trace.some((t) => t.event === EV_TSO_YOUNG)).toBe(false); // the walk's own test, not try_to_swap_out's
  });
});
