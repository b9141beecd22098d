// The 2.4.0 flags of kernel/fork.c (dup_mmap, copy_page_range in mm/memory.c) and of
// mm/page_alloc.c __alloc_pages: each on and off, on directed schedules that show the lock,
// list or sleep it changes. The flags are set by name on linux-2.4.16 (resolveModel
// --with/--without), so the rest of the machine stays the same on both sides.
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, EV } from "../helpers/rig.js";
import { P, PTE, MM, ST } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

const LK_PTL = 0;

/** linux-2.4.16 with flags added / removed by name. */
const model = (withF: string[], withoutF: string[] = []) => resolveModel("linux-2.4.16", withF, withoutF).flags;

function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig(
    { cpus: 2, frames: 32, mms: 2, pagesPerMm: 8, slotsPerArea: 32, flags, freeMin: 0, freeLow: 0, pageCluster: 0, ...over },
    { rounds: 100, disk: true, noViolation: false },
  );
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
    return { ...r, scanned: d.trace.filter((t) => t.agent === 1 && t.event === EV.SWAP_OUT_MM_END).map((t) => t.a) };
  }

  it("on: swap_out passes over the half-copied child", () => {
    const { s, d, scanned } = midCopy(model(["fork-nolock", "fork-list-late"]));
    expect(scanned).not.toContain(1);
    expect(s.mm(1, MM.UNLISTED)).toBe(1);
    d.drain(0);
    expect(s.mm(1, MM.UNLISTED)).toBe(0); // listed once the copy is done
  });

  it("off (2.4.16's order): swap_out walks the child while its ptes are being copied", () => {
    const { scanned, s } = midCopy(model(["fork-nolock"]));
    expect(scanned).toContain(1);
    expect(s.mm(1, MM.UNLISTED)).toBe(0);
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
    d.step(0);
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
