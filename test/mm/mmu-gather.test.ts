// zap_page_range's mmu_gather (2.4.16 mm/memory.c zap_pte_range, include/asm-generic/tlb.h
// tlb_gather_mmu / tlb_remove_page / tlb_finish_mmu; off under flag no-mmu-gather): unless the mm has one
// user, a present pte is cleared in the walk but its page is freed only at tlb_finish_mmu,
// after the walk, while the swap ptes' free_swap_and_cache stays in the walk. exit_mmap runs
// at mm_users 0 and always gathers; a munmap gathers when other CPUs' ops run in the mm
// (threads). 2.4.0's zap_pte_range frees each pte's page or entry as it clears it.
import { describe, it, expect } from "vitest";
import { AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, swappedOut, EV } from "../helpers/rig.js";
import { P, MM, OP, PTE, makeOp, pteFrame } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

function rig(name: string, withF: string[] = [], pagesPerMm = 16) {
  const m = resolveModel(name, withF, []);
  const r = directedRig(
    { ...SMALL_RIG, pagesPerMm, flags: m.flags, flags2: m.flags2, kswapd: false },
    { rounds: 100, disk: true, noViolation: true },
  );
  return r;
}

/** mm0: pages at 1 and 3 (written), swap ptes at 2 and 4 (slots held by them alone). */
function populated(name: string, withF: string[] = []) {
  const r = rig(name, withF);
  const { s } = r;
  r.call(0, P.access, [0, 1, 1]);
  r.call(0, P.access, [0, 3, 1]);
  const frames = [pteFrame(s.pte(0, 1)), pteFrame(s.pte(0, 3))];
  const entries = [swappedOut(r, 0, 2, 0x22), swappedOut(r, 0, 4, 0x44)];
  for (const f of frames) expect(s.count(f)).toBe(1);
  for (const e of entries) expect(s.swapCount(e)).toBe(1);
  expect(s.mm(0, MM.RSS)).toBe(2);
  return { ...r, frames, entries };
}

/** CPU0's zap events in order, as [event, page or entry]. */
function zapEvents(r: ReturnType<typeof rig>): [number, number][] {
  const evs = [EV.ZAP_PAGE, EV.ZAP_SWAP, EV.ZAP_GATHERED_FREE] as number[];
  return r.d.trace.filter((t) => t.agent === 0 && evs.includes(t.event)).map((t) => [t.event, t.a]);
}

describe("mmu-gather: exit_mmap (mm_users 0)", () => {
  it("linux-2.4.16: every swap entry is freed before any page; mid-exit the pages are off their ptes but still counted", () => {
    const r = populated("linux-2.4.16");
    const { s, d, start, frames, entries } = r;
    start(0, P.do_exit, [0]);
    d.untilEvent(0, EV.ZAP_GATHERED_FREE); // tlb_finish_mmu's first page, not yet freed
    // What another agent sees now: both entries gone, both ptes clear, both pages still held
    // (by the gather), rss already down, the PTL held.
    for (const e of entries) expect(s.swapCount(e)).toBe(0);
    expect(s.pte(0, 1)).toBe(0);
    expect(s.pte(0, 3)).toBe(0);
    for (const f of frames) expect(s.count(f)).toBe(1);
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(s.mm(0, MM.PTL)).not.toBe(0);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    for (const f of frames) expect(s.count(f)).toBe(0);
    expect(s.mm(0, MM.PTL)).toBe(0);
    expect(zapEvents(r)).toEqual([
      [EV.ZAP_PAGE, frames[0]],
      [EV.ZAP_SWAP, entries[0]],
      [EV.ZAP_PAGE, frames[1]],
      [EV.ZAP_SWAP, entries[1]],
      [EV.ZAP_GATHERED_FREE, frames[0]],
      [EV.ZAP_GATHERED_FREE, frames[1]],
    ]);
    expect(d.violation()).toBe("none");
  });

  it.each([
    ["linux-2.4.0", []],
    ["linux-2.4.16 --with no-mmu-gather", ["no-mmu-gather"]],
  ] as const)("%s: the walk's order, each page freed before the next pte is looked at", (name, withF) => {
    const r = populated(name.split(" ")[0], [...withF]);
    const { s, d, start, frames, entries } = r;
    start(0, P.do_exit, [0]);
    d.untilEvent(0, EV.ZAP_SWAP); // the first swap pte, page 2: page 1 is gone already
    expect(s.count(frames[0])).toBe(0);
    expect(s.count(frames[1])).toBe(1);
    expect(s.swapCount(entries[1])).toBe(1);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    for (const f of frames) expect(s.count(f)).toBe(0);
    for (const e of entries) expect(s.swapCount(e)).toBe(0);
    expect(zapEvents(r)).toEqual([
      [EV.ZAP_PAGE, frames[0]],
      [EV.ZAP_SWAP, entries[0]],
      [EV.ZAP_PAGE, frames[1]],
      [EV.ZAP_SWAP, entries[1]],
    ]);
    expect(d.violation()).toBe("none");
  });
});

describe("mmu-gather: munmap (tlb_gather_mmu's mm_users == 1 test)", () => {
  it("linux-2.4.16, one task in the mm: fast mode, each page freed where the walk meets it", () => {
    const r = populated("linux-2.4.16");
    const { s, d, start, ops, frames } = r;
    ops(1, [makeOp(OP.READ, 1, 0)]); // CPU1's task is in mm1 only
    start(0, P.do_munmap, [0, 1, 4]);
    d.untilEvent(0, EV.ZAP_SWAP);
    expect(s.count(frames[0])).toBe(0);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(zapEvents(r).map(([ev]) => ev)).toEqual([EV.ZAP_PAGE, EV.ZAP_SWAP, EV.ZAP_PAGE, EV.ZAP_SWAP]);
    for (const f of frames) expect(s.count(f)).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it("linux-2.4.16, a second thread's ops in the mm: gathered, the pages freed after the swap entries", () => {
    const r = populated("linux-2.4.16");
    const { s, d, start, ops, frames, entries } = r;
    ops(1, [makeOp(OP.READ, 0, 9)]); // CPU1 runs a thread of mm0 (its op waits for mmap_sem)
    start(0, P.do_munmap, [0, 1, 4]);
    d.untilEvent(0, EV.ZAP_GATHERED_FREE);
    for (const e of entries) expect(s.swapCount(e)).toBe(0);
    for (const f of frames) expect(s.count(f)).toBe(1);
    expect(s.pte(0, 1)).toBe(0);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    for (const f of frames) expect(s.count(f)).toBe(0);
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(d.violation()).toBe("none");
  });
});

describe("mmu-gather: FREE_PTE_NR (508)", () => {
  it("linux-2.4.16: a full gather is freed inside tlb_remove_page, before the walk goes on", () => {
    const r = rig("linux-2.4.16", [], 512);
    const { s, d, start } = r;
    // The zero page read-only at 0..506 (gathered too, its __free_pte does nothing), a page
    // at 507 (the 508th pte gathered: the gather is full), a page at 508, a swap pte at 509.
    for (let p = 0; p < 507; p++) s.setPte(0, p, PTE.PRESENT | PTE.YOUNG);
    r.call(0, P.access, [0, 507, 1]);
    r.call(0, P.access, [0, 508, 1]);
    const full = pteFrame(s.pte(0, 507));
    const after = pteFrame(s.pte(0, 508));
    const entry = swappedOut(r, 0, 509, 0x99);
    start(0, P.do_exit, [0]);
    const first = d.untilEvent(0, EV.ZAP_GATHERED_FREE);
    expect(first.a).toBe(full);
    expect(pteFrame(s.pte(0, 508))).toBe(after); // the walk has not reached it
    expect(s.swapCount(entry)).toBe(1);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(zapEvents(r)).toEqual([
      [EV.ZAP_PAGE, full],
      [EV.ZAP_GATHERED_FREE, full],
      [EV.ZAP_PAGE, after],
      [EV.ZAP_SWAP, entry],
      [EV.ZAP_GATHERED_FREE, after],
    ]);
    expect(s.count(full)).toBe(0);
    expect(s.count(after)).toBe(0);
    expect(d.violation()).toBe("none");
  });
});
