// The 2.4.0 flags of kernel/fork.c (dup_mmap, copy_page_range in mm/memory.c) and of
// mm/page_alloc.c __alloc_pages: each on and off, on directed schedules that show the lock,
// list or sleep it changes. The flags are set by name on linux-2.4.16 (resolveModel
// --with/--without), so the rest of the machine stays the same on both sides.
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, EV } from "../helpers/rig.js";
import { P, PTE, MM, ST, swpEntry, pteEntry } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { resolveModel } from "../../src/model/models.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

/** The end of a swap_out_mm walk: 2.4.16's event, or pre9's (flag swap-amount). */
const walkEnd = (ev: number) => ev === EV.SWAP_OUT_MM_END || ev === EV.SWAP_AMOUNT_MM_END;

const LK_PTL = 0;

/** linux-2.4.16 with flags added / removed by name. */
const model = (withF: string[], withoutF: string[] = []) => resolveModel("linux-2.4.16", withF, withoutF).flags;

function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig({ ...SMALL_RIG, pagesPerMm: 8, flags, ...over }, { rounds: 100, disk: true, noViolation: false });
  const { s, call } = r;
  const write = (mm: number, page: number, cpu = 0) => {
    call(cpu, P.access, [mm, page, 1]);
    return s.g(G.WRITE_SEQ);
  };
  return { ...r, write };
}

/** mm0[1] written (dirty, present, not young); CPU1's swap_out_mm on mm0 stopped once
 *  try_to_swap_out has cleared the pte (ptep_get_and_clear) and before the swap pte is set:
 *  it holds mm0's page_table_lock there. */
function swapOutInFlight(flags: number) {
  const r = rig(flags);
  const { s, d, start } = r;
  const v = r.write(0, 1);
  s.setPte(0, 1, s.pte(0, 1) & ~PTE.YOUNG);
  start(1, P.swap_out_mm, [0, 4]);
  for (let n = 0; n < 50 && s.pte(0, 1) !== 0; n++) d.step(1);
  expect(s.pte(0, 1)).toBe(0);
  expect(s.mm(0, MM.PTL)).toBe(2); // CPU1 + 1
  return { ...r, v };
}

describe("fork-nolock (2.4.0 copy_page_range: no page_table_lock)", () => {
  it("on: the copy reads the parent's pte while try_to_swap_out has it cleared, and the child loses the page", () => {
    const { s, d, start, disk, v } = swapOutInFlight(model(["fork-nolock"]));
    start(0, P.do_fork, [0, 1]);
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0); // the fork never waited for mm0's lock
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.SPIN)).toBe(false);
    d.drain(1);
    d.drain(disk);
    expect(s.pte(0, 1) & PTE.PRESENT).toBe(0); // the parent's page went out to swap
    expect(s.pte(0, 1)).not.toBe(0);
    expect(s.pte(1, 1)).toBe(0); // the child copied the cleared pte: nothing
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.COPY_EMPTY)).toBe(true);
    expect(s.shadow(1, 1)).toBe(v); // though it last wrote v there
  });

  it("off (2.4.16): the copy spins on the parent's page_table_lock and copies the swap pte", () => {
    const { s, d, start, disk, v } = swapOutInFlight(model([]));
    start(0, P.do_fork, [0, 1]);
    d.drain(0);
    expect(s.agent(0, AG.SP)).not.toBe(0);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.SPIN && t.a === LK_PTL && t.b === 1)).toBe(true);
    d.drain(1);
    d.drain(0);
    d.drain(disk);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.pte(0, 1) & PTE.PRESENT).toBe(0);
    expect(s.pte(1, 1)).toBe(s.pte(0, 1)); // the same swap entry, duplicated
    expect(s.shadow(1, 1)).toBe(v);
    expect(d.violation()).toBe("none");
  });
});

describe("fork-nolock: copy_one_pte's three touches of a present pte (2.4.0: read, ptep_set_wrprotect, reread)", () => {
  // 2.4.0 mm/memory.c copy_page_range: pte = *src_pte; ptepage = pte_page(pte); if (cow) {
  // ptep_set_wrprotect(src_pte); pte = *src_pte; } pte = pte_mkold(pte); get_page(ptepage);
  // set_pte(dst_pte, pte). No page_table_lock: CPU1's try_to_swap_out on the parent can act
  // between the touches. mm0[1] written, not young; CPU0's fork stopped after its first read.
  function firstRead(flags: number, over: Partial<MachineConfig> = {}, before = (_r: ReturnType<typeof rig>) => {}) {
    const r = rig(flags, over);
    const { s, d, start } = r;
    before(r);
    const v = r.write(0, 1);
    s.setPte(0, 1, s.pte(0, 1) & ~PTE.YOUNG);
    const page = s.pte(0, 1) >>> 4;
    start(0, P.do_fork, [0, 1]);
    d.until(0, (t) => t.proc === "copy_page_range"); // pte 0 read (none): a section of its own
    expect(d.step(0)).toBe(true); // pte 1 read: the write-protect is next
    expect(s.pte(0, 1) & PTE.RW).toBe(PTE.RW); // not yet write-protected
    start(1, P.swap_out_mm, [0, 4]);
    return { ...r, v, page };
  }

  it("the pte cleared before the write-protect: the child gets none and the page a reference nobody holds", () => {
    const { s, d, e, disk, page } = firstRead(model(["fork-nolock"]));
    for (let n = 0; n < 50 && s.pte(0, 1) !== 0; n++) d.step(1);
    expect(s.pte(0, 1)).toBe(0);
    d.drain(0);
    const reread = d.trace.find((t) => t.agent === 0 && t.event === EV.COPY_REREAD);
    expect(reread && [reread.b, reread.c]).toEqual([page, 0]);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.COPY_EMPTY)).toBe(true); // left empty, its data in the parent
    expect(s.pte(1, 1)).toBe(0);
    d.drain(1);
    d.drain(disk);
    expect(pteEntry(s.pte(0, 1))).not.toBe(0); // the parent's page went to swap
    // The page: the swap cache's reference and the one get_page took for the child's pte.
    expect(s.count(page)).toBe(2);
    expect(checkInvariants(e, { quiescent: true }).length).toBeGreaterThan(0);
  });

  it("the swap pte set before the reread: the child copies it with no swap_duplicate", () => {
    const { s, d, e, disk } = firstRead(model(["fork-nolock"]));
    d.drain(1); // try_to_swap_out to its end: mm0[1] holds a swap pte of area 0
    const E = pteEntry(s.pte(0, 1));
    expect(E >>> 24).toBe(0);
    const count = s.swapCount(E);
    d.drain(0);
    d.drain(disk);
    expect(s.pte(1, 1)).toBe(s.pte(0, 1)); // the child holds E too ...
    expect(s.swapCount(E)).toBe(count); // ... with no reference of its own
    const found = checkInvariants(e, { quiescent: true });
    expect(found.some((v) => v.id === "swap-count")).toBe(true);
  });

  it("the write-protect hits a swap pte of area 1: i386's RW bit is the swap type's low bit, the parent's pte now names area 0", () => {
    // Area 0 full, so try_to_swap_out's get_swap_page takes a slot of area 1.
    const fill = (r: ReturnType<typeof rig>) => {
      for (let i = 1; i < 8; i++) expect(r.call(1, P.get_swap_page) >>> 24).toBe(0);
    };
    const r = firstRead(model(["fork-nolock"]), { areas: 2, slotsPerArea: 8 }, fill);
    const { s, d } = r;
    d.drain(1);
    const E = pteEntry(s.pte(0, 1));
    expect(E >>> 24).toBe(1);
    d.drain(0);
    const hit = d.trace.find((t) => t.agent === 0 && t.event === EV.COPY_WRPROTECT_SWAP);
    expect(hit && [hit.b, hit.c]).toEqual([E, swpEntry(0, E & 0xffffff)]);
    expect(pteEntry(s.pte(0, 1))).toBe(swpEntry(0, E & 0xffffff));
    expect(s.pte(1, 1)).toBe(s.pte(0, 1));
  });

  it("2.4.16 (both page_table_locks held): one section per pte, none of this", () => {
    const r = rig(model([]));
    r.write(0, 1);
    r.call(0, P.do_fork, [0, 1]);
    expect(r.d.trace.some((t) => t.event === EV.COPY_REREAD || t.event === EV.COPY_WRPROTECT_SWAP)).toBe(false);
    expect(r.s.pte(1, 1) >>> 4).toBe(r.s.pte(0, 1) >>> 4);
  });
});

// 2.4.0 mm/memory.c copy_page_range reads each pte once ("pte_t pte = *src_pte;"), a none pte
// included ("if (pte_none(pte)) goto cont_copy_pte_range_noset;"), with no page_table_lock. Each
// read is a section of its own (since the 6 Dec 2026 audit of the old paths; a run of none ptes
// was read in one section with the next pte before): a swap-out between the read of a pte it
// has cleared and the read of the next can finish the first and clear the second, and the
// child gets neither page, each read once as none (before, the next pte was read present in the
// same section, and only its write-protect and reread could meet the swap-out).
describe("fork-nolock: a none pte's read is a section of its own", () => {
  it("the swap-out finishes mm0[1] and clears mm0[2] between the two reads: the child loses both", () => {
    const r = rig(model(["fork-nolock"]));
    const { s, d, start, disk } = r;
    r.write(0, 1);
    r.write(0, 2);
    for (const p of [1, 2]) s.setPte(0, p, s.pte(0, p) & ~PTE.YOUNG);
    start(1, P.swap_out_mm, [0, 4]);
    for (let n = 0; n < 50 && s.pte(0, 1) !== 0; n++) d.step(1); // mm0[1] cleared, in flight
    expect(s.pte(0, 1)).toBe(0);
    start(0, P.do_fork, [0, 1]);
    d.until(0, (t) => t.proc === "copy_page_range"); // mm0[0] read (none)
    expect(d.step(0)).toBe(true); // mm0[1] read: none, its data in flight
    const empties = () => d.trace.filter((t) => t.agent === 0 && t.event === EV.COPY_EMPTY).map((t) => t.a & 0xff);
    expect(empties()).toEqual([1]);
    // Not yet read: still present and writable (a read would have write-protected it next).
    expect(s.pte(0, 2) & (PTE.PRESENT | PTE.RW)).toBe(PTE.PRESENT | PTE.RW);
    for (let n = 0; n < 200 && s.pte(0, 2) !== 0; n++) if (!d.step(1)) d.step(disk);
    expect(pteEntry(s.pte(0, 1))).not.toBe(0); // mm0[1]'s swap pte set
    expect(s.pte(0, 2)).toBe(0); // mm0[2] cleared, in flight
    d.drain(0); // mm0[2] read: none
    expect(empties()).toEqual([1, 2]);
    expect([s.pte(1, 1), s.pte(1, 2)]).toEqual([0, 0]);
    // Read once each, as none: no write-protect, no reread, no reference taken for the child.
    expect(d.trace.some((t) => t.agent === 0 && (t.event === EV.COPY_REREAD || t.event === EV.COPY_PAGE))).toBe(false);
  });
});

describe("fork-list-late (2.4.0: the child joins the mmlist after dup_mmap)", () => {
  /** mm0[0..3] written, none young; CPU0's fork (no PTLs, so both sides copy one pte per
   *  step) stopped once the child holds its first page; then CPU1's swap_out, aimed at mm1. */
  function midCopy(flags: number) {
    const r = rig(flags);
    const { s, d, start } = r;
    for (let p = 0; p < 4; p++) {
      r.write(0, p);
      s.setPte(0, p, s.pte(0, p) & ~PTE.YOUNG);
    }
    start(0, P.do_fork, [0, 1]);
    for (let n = 0; n < 50 && s.pte(1, 1) === 0; n++) d.step(0);
    expect(s.pte(1, 0) & PTE.PRESENT).not.toBe(0);
    expect(s.agent(0, AG.SP)).not.toBe(0); // still copying
    s.setG(G.SWAP_MM, 1);
    start(1, P.swap_out, [6]);
    d.drain(1);
    return { ...r, scanned: d.trace.filter((t) => t.agent === 1 && walkEnd(t.event)).map((t) => t.a) };
  }

  it("on: swap_out passes over the half-copied child", () => {
    const { s, d, scanned } = midCopy(model(["fork-nolock", "fork-list-late"]));
    expect(scanned).not.toContain(1);
    expect(s.mm(1, MM.LIST_NEXT)).toBe(-1); // off the mmlist (its slot's old process left by mmput)
    d.drain(0);
    // listed once the copy is done, right after its parent (2.4.0 copy_mm's list_add)
    expect([s.mm(0, MM.LIST_NEXT), s.mm(1, MM.LIST_PREV)]).toEqual([1, 0]);
  });

  it("off (2.4.16's order): swap_out walks the child while its ptes are being copied", () => {
    const { scanned, s } = midCopy(model(["fork-nolock"]));
    expect(scanned).toContain(1);
    expect([s.mm(0, MM.LIST_NEXT), s.mm(1, MM.LIST_PREV)]).toEqual([1, 0]); // listed after its parent before the copy
  });
});

describe("alloc-wait-kswapd (2.4.0 __alloc_pages: wakeup_kswapd(1), no direct reclaim)", () => {
  /** pages_min above every free frame: the first allocation is already short of pages. */
  function short(flags: number) {
    const r = rig(flags, { cpus: 1, mms: 1, frames: 12, kswapd: true, freeMin: 12, freeLow: 12, freeHigh: 13 });
    return { ...r, kswapd: r.e.config.cpus + 1 };
  }

  it("on: the allocating task sleeps on kswapd_done, kswapd reclaims and wakes it, then it takes a page", () => {
    const { s, d, start, kswapd, disk } = short(model(["alloc-wait-kswapd"]));
    start(0, P.alloc_page, []);
    d.step(0); // the low watermark test fails (kswapd woken); the min test is the next step
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.ALLOC_WAIT_KSWAPD)).toBe(false);
    d.step(0); // the min test fails: wakeup_kswapd(1)
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.ALLOC_WAIT_KSWAPD)).toBe(true);
    expect(s.agent(0, AG.STATE)).toBe(ST.SLEEP);
    for (let i = 0; i < 20 && s.agent(0, AG.STATE) === ST.SLEEP; i++) {
      d.drain(kswapd, 200);
      d.drain(disk);
    }
    d.drain(0);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.agent(0, AG.RET)).not.toBe(0);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.ALLOC_RECLAIM)).toBe(false); // never reclaimed itself
    expect(d.trace.some((t) => t.agent === kswapd && t.event === EV.KSWAPD_RUN)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  it("off (2.4.16): the allocating task enters try_to_free_pages itself", () => {
    const { d, start, s } = short(model([]));
    start(0, P.alloc_page, []);
    for (let n = 0; n < 400 && s.agent(0, AG.SP) !== 0; n++) {
      if (!d.step(0)) break;
    }
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.ALLOC_RECLAIM)).toBe(true);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.ALLOC_WAIT_KSWAPD)).toBe(false);
  });
});
