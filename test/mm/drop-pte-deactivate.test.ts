// try_to_swap_out's drop_pte (mm/vmscan.c). linux-2.4.0 unlocks the page and drops rss, then
// calls deactivate_page, which takes pagemap_lru_lock (mm/swap.c), and only then releases the
// pte's page reference: another CPU can lock the page in between and count that reference
// (flag drop-pte-deactivate). 2.4.16 unlocks and releases in one step: nobody can.
import { describe, it, expect } from "vitest";
import { AG, G, MM } from "../helpers/machine.js";
import { directedRig, useSlot, cachePage, setSwapPte, EV, LINUX_2_4_0, LINUX_2_4_16 } from "../helpers/rig.js";
import { FLAGS } from "../../src/model/models.js";
import { P, PG, PTE, pteIsSwap, pteEntry } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";

const DEACTIVATE = FLAGS.find((f) => f.name === "drop-pte-deactivate")!.bit;

/** Slot E (content 9) held by mm1[0]'s swap pte and by the swap cache's page f, which mm0[3]
 *  maps: f's count 2 (the cache's and the pte's), E's count 2 (mm1's pte and the cache's). */
function rig(flags: number) {
  const r = directedRig(
    { cpus: 2, frames: 16, mms: 2, pagesPerMm: 8, slotsPerArea: 8, areas: 1, flags, kswapd: false, freeMin: 0, freeLow: 0, pageCluster: 0 },
    { rounds: 100, disk: true, noViolation: true },
  );
  const { s } = r;
  const E = useSlot(r, 9);
  setSwapPte(s, 1, 0, E, 9);
  const f = cachePage(r, E, { keepRef: true, swapRef: true });
  s.setPte(0, 3, (f << 4) | PTE.PRESENT | PTE.RW);
  s.setShadow(0, 3, 9);
  s.setMm(0, MM.RSS, s.mm(0, MM.RSS) + 1);
  expect([s.count(f), s.swapCount(E)]).toEqual([2, 2]);
  expect(s.flags(f) & (PG.LOCKED | PG.ACTIVE)).toBe(0);
  return { ...r, E, f };
}

/** CPU0's swap_out_mm of mm0 up to the step that installs mm0[3]'s swap pte (drop_pte). */
function swappedPte(flags: number) {
  const r = rig(flags);
  const { s, d, start, E } = r;
  start(0, P.swap_out_mm, [0, 1]);
  d.untilEvent(0, EV.TSO_SWAP_PTE);
  expect(pteIsSwap(s.pte(0, 3)) && pteEntry(s.pte(0, 3))).toBe(E);
  return r;
}

/** CPU1 faults on mm1[0] (the swap pte of E) until it holds f's page lock; returns f's count then. */
function cpu1LocksPage(r: ReturnType<typeof rig>): number {
  const { s, d, start, f } = r;
  start(1, P.handle_mm_fault, [1, 0, 0]);
  for (let n = 0; n < 200 && (s.flags(f) & PG.LOCKED) === 0; n++) expect(d.step(1)).toBe(true);
  expect(s.flags(f) & PG.LOCKED).toBe(PG.LOCKED);
  return s.count(f);
}

/** Both CPUs and the disk to the end: nothing broken, every count right at rest. */
function finishClean(r: ReturnType<typeof rig>) {
  const { s, d, e, disk, finish } = r;
  finish([0, 1, disk], 100);
  d.drain(disk);
  expect(s.agent(0, AG.SP)).toBe(0);
  expect(s.agent(1, AG.SP)).toBe(0);
  expect(d.violation()).toBe("none");
  expect(s.g(G.LRU_LOCK)).toBe(0);
  expect(checkInvariants(e, { quiescent: true })).toEqual([]);
}

describe("try_to_swap_out's drop_pte", () => {
  it("linux-2.4.0: the page is unlocked while the pte's reference is still counted; deactivate_page takes pagemap_lru_lock first", () => {
    const r = swappedPte(LINUX_2_4_0);
    const { s, d, f } = r;
    // UnlockPage and rss-- are done; page_cache_release is not: the pte's reference is held.
    expect(s.flags(f) & PG.LOCKED).toBe(0);
    expect(s.count(f)).toBe(2);
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(s.agent(0, AG.SP)).not.toBe(0);
    // Another CPU locks the page meanwhile (2.4.0's lookup_swap_cache is find_lock_page) and
    // counts the cache's reference, its own and the pte's that CPU0 still holds.
    expect(cpu1LocksPage(r)).toBe(3);
    // CPU0 goes on: deactivate_page (pagemap_lru_lock taken and dropped in its own step),
    // then page_cache_release in the step after it.
    expect(d.step(0)).toBe(true);
    expect(s.count(f)).toBe(3);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    expect(d.step(0)).toBe(true);
    expect(s.count(f)).toBe(2);
    finishClean(r);
  });

  it("linux-2.4.0: deactivate_page clears PG_referenced and moves an active page only the cache and the pte hold", () => {
    const r = swappedPte(LINUX_2_4_0);
    const { s, d, f } = r;
    // As if another CPU's activate_page had moved f to the active list meanwhile.
    const nrActive = s.g(G.NR_ACTIVE);
    r.e.m.start_proc(1, P.mark_page_accessed, f, 0, 0, 0);
    s.setFlags(f, s.flags(f) | PG.REFERENCED);
    d.drain(1);
    expect(s.flags(f) & PG.ACTIVE).toBe(PG.ACTIVE);
    expect(s.g(G.NR_ACTIVE)).toBe(nrActive + 1);
    s.setFlags(f, s.flags(f) | PG.REFERENCED);
    expect(s.count(f)).toBe(2);
    d.drain(0);
    expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED)).toBe(0);
    expect(s.flags(f) & PG.LRU).toBe(PG.LRU);
    expect(s.g(G.NR_ACTIVE)).toBe(nrActive);
    expect(s.count(f)).toBe(1);
  });

  it.each([
    ["linux-2.4.16", LINUX_2_4_16],
    ["linux-2.4.0 --without drop-pte-deactivate", LINUX_2_4_0 & ~DEACTIVATE],
  ] as const)("%s: the unlock and the release are one step, so no CPU can lock the page in between", (_name, flags) => {
    const r = swappedPte(flags);
    const { s, f } = r;
    expect(s.flags(f) & PG.LOCKED).toBe(0);
    expect(s.count(f)).toBe(1); // the pte's reference went in the unlock's own step
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(cpu1LocksPage(r)).toBe(2); // the cache's and CPU1's own
    finishClean(r);
  });
});
