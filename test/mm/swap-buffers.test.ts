// Flag swap-buffers (linux-2.4.0): swap I/O goes through brw_page (fs/buffer.c), whose
// create_empty_buffers leaves buffer heads on the page with a page reference of their own after
// the I/O; only try_to_free_buffers drops them: page_launder's buffers branch (mm/vmscan.c) and
// block_flushpage in delete_from_swap_cache_nolock (mm/swap_state.c). 2.4.0's do_wp_page
// switches on the raw page_count (mm/memory.c, no "- !!page->buffers"), so a page just read
// from swap, held by one pte, the cache and its buffers (count 3), is copied on a write; the
// model without the flag reused it at once (count 2), a step 2.4.0 takes only after reclaim has
// freed the buffers. pre9's "case 3: if (!old_page->buffers) break;" falls through to case 2.
import { describe, it, expect } from "vitest";
import { directedRig, TINY_RIG, swappedOut, EV } from "../helpers/rig.js";
import { P, PG, PTE, pteFrame } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { checkInvariants, fusedCleanAtRest } from "../../src/invariants/check.js";

const BUFFERS = FLAGS.find((f) => f.name === "swap-buffers")!;
const ON = resolveModel("linux-2.4.0");
const OFF = resolveModel("linux-2.4.0", [], ["swap-buffers"]);
const PRE9_ON = resolveModel("linux-2.4.10-pre", ["swap-buffers"]);

/** TINY_RIG (16 frames, one area of 8 slots, no kswapd) with m's flags. */
const rig = (m: { flags: number; flags2: number }) =>
  directedRig({ ...TINY_RIG, flags: m.flags, flags2: m.flags2 }, { rounds: 100, disk: true, noViolation: true });

/** m's machine where mm0[6] was swapped out to E holding 0x55, then read back by a read fault:
 *  mapped read-only from the swap cache. */
function swappedIn(m: { flags: number; flags2: number }) {
  const r = rig(m);
  const entry = swappedOut(r, 0, 6, 0x55);
  r.call(0, P.access, [0, 6, 0]);
  const page = pteFrame(r.s.pte(0, 6));
  expect(r.s.pte(0, 6) & PTE.RW).toBe(0);
  expect(r.s.flags(page) & PG.SWAPCACHE).toBe(PG.SWAPCACHE);
  expect(r.s.content(page)).toBe(0x55);
  return { ...r, entry, page };
}
type Rig = ReturnType<typeof swappedIn>;

const saw = (r: Rig, event: number, pred: (t: { a: number; b: number; c: number }) => boolean = () => true) =>
  r.d.trace.some((t) => t.event === event && pred(t));

function quiet(r: Rig): void {
  expect(r.d.violation()).toBe("none");
  expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
}

describe("swap-buffers", () => {
  it("is word 1's, set in linux-2.4.0 only", () => {
    expect(BUFFERS.word).toBe(1);
    expect(resolveModel("linux-2.4.0").flagNames).toContain(BUFFERS.name);
    for (const m of ["linux-2.4.10-pre", "linux-2.4.16", "linux-2.4.16-fixed"])
      expect(resolveModel(m).flagNames, m).not.toContain(BUFFERS.name);
  });

  it("on: the read leaves buffers on the page, a reference of their own (count 3), and the host's and the model's checks count them", () => {
    const r = swappedIn(ON);
    expect(r.s.flags(r.page) & PG.BUFFERS).toBe(PG.BUFFERS);
    expect(r.s.count(r.page)).toBe(3); // the pte, the cache, the buffers
    expect(saw(r, EV.BUFFERS_CREATED, (t) => t.a === r.page)).toBe(true);
    quiet(r);
    // One reference short is the count a lost buffers reference leaves: reported.
    r.s.setCount(r.page, 2);
    expect(checkInvariants(r.e, { quiescent: true }).map((v) => v.signature)).toContain("cache-page:count");
  });

  it("off: no buffers; count 2", () => {
    const r = swappedIn(OFF);
    expect(r.s.flags(r.page) & PG.BUFFERS).toBe(0);
    expect(r.s.count(r.page)).toBe(2);
    quiet(r);
  });

  it("on: a write fault copies the page (2.4.0's switch sees count 3), which stays cached with its buffers", () => {
    const r = swappedIn(ON);
    r.call(0, P.access, [0, 6, 1]);
    const now = pteFrame(r.s.pte(0, 6));
    expect(now).not.toBe(r.page);
    expect(saw(r, EV.WP_COPY, (t) => t.a === r.page)).toBe(true);
    expect(saw(r, EV.WP_REUSE)).toBe(false);
    expect(r.s.content(r.page)).toBe(0x55); // the copy's source, as it was read
    expect(r.s.flags(r.page) & (PG.SWAPCACHE | PG.BUFFERS)).toBe(PG.SWAPCACHE | PG.BUFFERS);
    expect(r.s.count(r.page)).toBe(2); // the cache and the buffers
    quiet(r);
  });

  it("off: the same write fault reuses the page in place", () => {
    const r = swappedIn(OFF);
    r.call(0, P.access, [0, 6, 1]);
    expect(pteFrame(r.s.pte(0, 6))).toBe(r.page);
    expect(saw(r, EV.WP_REUSE, (t) => t.a === r.page)).toBe(true);
    quiet(r);
  });

  it("on: reclaim frees the copied-from page's buffers in page_launder's branch, then reclaim_page frees the page and its slot", () => {
    const r = swappedIn(ON);
    r.call(0, P.access, [0, 6, 1]);
    r.call(1, P.try_to_free_pages);
    expect(saw(r, EV.BUFFERS_FREED, (t) => t.a === r.page && t.c === 0)).toBe(true);
    expect(saw(r, EV.SHRINK_FREE, (t) => t.a === r.page && t.b === r.entry)).toBe(true);
    expect(r.s.flags(r.page) & (PG.INUSE | PG.BUFFERS)).toBe(0);
    expect(r.s.swapCount(r.entry)).toBe(0);
    quiet(r);
  });

  it("on: page_launder writes a dirty page that has buffers, mapped or not, before any free of its buffers (2.4.0 tests only PageDirty)", () => {
    const r = swappedIn(ON);
    r.s.setFlags(r.page, r.s.flags(r.page) | PG.DIRTY); // as try_to_swap_out's set_page_dirty of another pte would
    r.call(1, P.try_to_free_pages);
    const at = (event: number) => r.d.trace.findIndex((t) => t.event === event && t.a === r.page);
    expect(at(EV.SHRINK_WRITE)).toBeGreaterThan(-1);
    const freed = at(EV.BUFFERS_FREED);
    if (freed >= 0) expect(freed).toBeGreaterThan(at(EV.SHRINK_WRITE));
    quiet(r);
  });

  it("buffers left on a page out of the swap cache are a leak at rest: the count checks give them no holder there", () => {
    const r = swappedIn(ON);
    r.call(0, P.access, [0, 6, 1]); // copied: the old page is held by the cache and its buffers
    // As a path that took the page out of the cache without block_flushpage would leave it.
    r.s.setFlags(r.page, r.s.flags(r.page) & ~PG.SWAPCACHE);
    r.s.setCount(r.page, 1);
    expect(checkInvariants(r.e, { quiescent: true }).map((v) => v.signature)).toContain("bug-on:page-leak");
    expect(fusedCleanAtRest(r.e)).toBe(false);
  });

  it("on: munmap's free_page_and_swap_cache deletes the page; block_flushpage frees its buffers first, and the page is freed", () => {
    const r = swappedIn(ON);
    r.call(0, P.do_munmap, [0, 6, 1]);
    expect(saw(r, EV.BUFFERS_FREED, (t) => t.a === r.page && t.c === 1)).toBe(true);
    expect(r.s.flags(r.page) & (PG.INUSE | PG.BUFFERS | PG.SWAPCACHE)).toBe(0);
    expect(r.s.swapCount(r.entry)).toBe(0);
    quiet(r);
  });

  it("pre9 with the flag, swap full: a write fault's vm_swap_full delete flushes the buffers (block_flushpage), and the page is counted right at rest", () => {
    const r = rig(PRE9_ON);
    const entry = swappedOut(r, 0, 6, 0x55);
    // Every other slot in use (as swapped-out ptes of mm1): swap is full past 80%.
    for (let p = 0; p < 6; p++) swappedOut(r, 1, p, p + 1);
    r.call(0, P.access, [0, 6, 1]);
    const page = pteFrame(r.s.pte(0, 6));
    const at = (event: number) => r.d.trace.findIndex((t) => t.event === event && t.a === page);
    expect(at(EV.BUFFERS_CREATED)).toBeGreaterThan(-1);
    expect(at(EV.SWAP_FULL_DELETE)).toBeGreaterThan(at(EV.BUFFERS_FREED));
    expect(at(EV.BUFFERS_FREED)).toBeGreaterThan(-1);
    expect(r.s.flags(page) & (PG.SWAPCACHE | PG.BUFFERS)).toBe(0);
    expect(r.s.count(page)).toBe(1);
    expect(r.s.swapCount(entry)).toBe(0);
    expect(r.d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });

  it("pre9 with the flag: case 3 falls through to case 2, and exclusive_swap_page subtracts the buffers: reused", () => {
    const r = swappedIn(PRE9_ON);
    expect(r.s.count(r.page)).toBe(3);
    r.call(0, P.access, [0, 6, 1]);
    expect(pteFrame(r.s.pte(0, 6))).toBe(r.page);
    expect(saw(r, EV.WP_REUSE, (t) => t.a === r.page)).toBe(true);
    quiet(r);
  });
});
