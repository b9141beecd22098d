// 2.4.0's is_page_shared (include/linux/swap.h; flag is-page-shared, word 1): a swap-cache page
// is shared when page_count + swap_count - 2 (unsigned) is above 1, so free_page_and_swap_cache
// (mm/swap_state.c) deletes it and do_wp_page (mm/memory.c) reuses it at a sum of 2 as well as 3.
// The sum is 2 for a page held by one pte and the cache whose slot count was forced to 0 under
// it (try_to_unuse's "Undead swap entry" clear, 2.4.0's flag unuse-clear-undead); here the rig
// writes that count. Off, the model tests pre9's exclusive_swap_page (a sum of exactly 3).
import { describe, it, expect } from "vitest";
import { G } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, swappedOut, cachePage, LINUX_2_4_0, EV } from "../helpers/rig.js";
import { P, PG, PTE, pteFrame } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { modelViolation } from "../../src/invariants/check.js";

const SHARED = FLAGS.find((f) => f.name === "is-page-shared")!;
const ON = resolveModel("linux-2.4.0").flags2;
const OFF = ON & ~SHARED.bit;
const EV_WP_REUSE = 120;
const EV_WP_COPY = 121;

/** linux-2.4.0 (word 1 as given): mm0[6] maps a swap-cache page read-only, held by its pte and
 *  the cache (count 2), whose slot E's count is then forced from 1 (the cache's) to 0, as the
 *  Undead clear does (nr_swap_pages++ with it). */
function cachedOverFreeSlot(flags2: number) {
  const r = directedRig({ ...SMALL_RIG, flags: LINUX_2_4_0, flags2 }, { rounds: 100, disk: true, noViolation: false });
  const { s, call } = r;
  const entry = swappedOut(r, 0, 6, 0x55);
  const page = cachePage(r, entry, { keepRef: false, swapRef: true });
  call(0, P.access, [0, 6, 0]);
  expect(pteFrame(s.pte(0, 6))).toBe(page);
  expect(s.pte(0, 6) & PTE.RW).toBe(0);
  expect([s.count(page), s.swapCount(entry)]).toEqual([2, 1]);
  s.setSwapCount(entry, 0);
  s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) + 1);
  expect(r.d.violation()).toBe("none");
  return { ...r, entry, page };
}

describe("is-page-shared (2.4.0 is_page_shared: a sum of 2 or 3 is not shared)", () => {
  it("is word 1's, set in linux-2.4.0 only", () => {
    expect(SHARED.word).toBe(1);
    expect(resolveModel("linux-2.4.0").flagNames).toContain(SHARED.name);
    for (const m of ["linux-2.4.10-pre", "linux-2.4.16", "linux-2.4.16-fixed"])
      expect(resolveModel(m).flagNames, m).not.toContain(SHARED.name);
  });

  it("on: do_wp_page reuses a cached page whose slot count is 0 in place (page count 2 + 0 - 2 = 0)", () => {
    const { s, d, call, page, entry } = cachedOverFreeSlot(ON);
    call(0, P.access, [0, 6, 1]);
    expect(pteFrame(s.pte(0, 6))).toBe(page);
    expect(s.pte(0, 6) & PTE.RW).toBe(PTE.RW);
    expect(d.trace.some((t) => t.event === EV_WP_REUSE && t.agent === 0)).toBe(true);
    // Still in the swap cache under E, whose slot is free: the next swap-out writes it there.
    expect(s.flags(page) & PG.SWAPCACHE).not.toBe(0);
    expect(s.swapCount(entry)).toBe(0);
    expect(d.violation()).toBe("none");
  });

  it("off (pre9's exclusive_swap_page, == 3): the same write fault copies", () => {
    const { s, d, call, page } = cachedOverFreeSlot(OFF);
    call(0, P.access, [0, 6, 1]);
    expect(pteFrame(s.pte(0, 6))).not.toBe(page);
    expect(s.pte(0, 6) & PTE.RW).toBe(PTE.RW);
    expect(d.trace.some((t) => t.event === EV_WP_COPY && t.agent === 0)).toBe(true);
    expect(d.violation()).toBe("none");
  });

  it("on: munmap's free_page_and_swap_cache deletes the page, and the delete's swap_free finds the slot free", () => {
    const { s, d, e, start, page, entry } = cachedOverFreeSlot(ON);
    start(0, P.do_munmap, [0, 6, 1]);
    d.drain(0);
    expect(d.violation()).toBe("free-slot");
    expect(e.global(G.VIOL_A)).toBe(entry);
    expect(modelViolation(e)!.message).toContain("VM: Bad swap entry");
    expect(d.trace.some((t) => t.event === EV.FREE_SWAP_DELETE && t.a === page)).toBe(true);
    expect(s.flags(page) & PG.SWAPCACHE).toBe(0);
  });

  it("off: the page stays cached under the free slot, held by the cache alone; nothing is reported", () => {
    const { s, d, call, page, entry } = cachedOverFreeSlot(OFF);
    call(0, P.do_munmap, [0, 6, 1]);
    expect(s.pte(0, 6)).toBe(0);
    expect(s.flags(page) & PG.SWAPCACHE).not.toBe(0);
    expect([s.count(page), s.swapCount(entry)]).toEqual([1, 0]);
    expect(d.trace.some((t) => t.event === EV.FREE_SWAP_DELETE)).toBe(false);
    expect(d.violation()).toBe("none");
  });

  it("a slot count of 1 (the sum pre9 also calls exclusive) is decided the same way on and off", () => {
    for (const flags2 of [ON, OFF]) {
      const { s, d, call, page, entry } = cachedOverFreeSlot(flags2);
      s.setSwapCount(entry, 1);
      s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) - 1);
      call(0, P.access, [0, 6, 1]);
      expect(pteFrame(s.pte(0, 6))).toBe(page);
      expect(d.violation()).toBe("none");
    }
  });
});
