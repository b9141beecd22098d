// get_swap_page's "out of swap" test (mm/swapfile.c). linux-2.4.0 and linux-2.4.10-pre9's
// __get_swap_page refuse only when nr_swap_pages == 0 (flag get-swap-page-eq0); 2.4.16's
// get_swap_page when it is <= 0 (Hugh Dickins, 15 Sep 2001). sys_swapoff subtracts the whole
// area's pages from nr_swap_pages when it unlinks the area, before try_to_unuse has freed any
// of its slots in use, so the count goes negative while another area still has free slots:
// the older releases go on allocating from them, 2.4.16 refuses.
import { describe, it, expect } from "vitest";
import { G } from "../helpers/machine.js";
import { directedRig, LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16 } from "../helpers/rig.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { P, swpEntry, swpType } from "../../src/wasm/abi.js";

const EQ0 = FLAGS.find((f) => f.name === "get-swap-page-eq0")!;
/** swapfile.ts EV_SWAPOFF: (area, slots in use): the area is unlinked and subtracted. */
const EV_SWAPOFF = 310;

/** Two areas of 7 usable slots each; 12 slots taken by get_swap_page, all 7 of area 0 (the
 *  higher priority) and 5 of area 1; then CPU0's swapoff of area 0 runs until it has unlinked
 *  the area: nr_swap_pages = 2 - 7 = -5, while area 1 still has 2 free slots. */
function negativeCount(flags: number, flags2: number) {
  const r = directedRig(
    {
      cpus: 2,
      frames: 16,
      mms: 2,
      pagesPerMm: 8,
      slotsPerArea: 8,
      areas: 2,
      flags,
      flags2,
      kswapd: false,
      freeMin: 0,
      freeLow: 0,
      pageCluster: 0,
    },
    { rounds: 100, disk: true, noViolation: true },
  );
  const { s, d, start, call } = r;
  const taken = Array.from({ length: 12 }, () => call(1, P.get_swap_page));
  expect(taken.every((e) => e !== 0)).toBe(true);
  expect(taken.filter((e) => swpType(e) === 0)).toHaveLength(7);
  expect(s.g(G.NR_SWAP_PAGES)).toBe(2);
  start(0, P.sys_swapoff, [0]);
  d.untilEvent(0, EV_SWAPOFF);
  expect(s.g(G.NR_SWAP_PAGES)).toBe(-5);
  return { ...r, taken };
}

describe("get_swap_page with a swapoff in flight (flag get-swap-page-eq0)", () => {
  it("the flag is word 1's, set in linux-2.4.0 and linux-2.4.10-pre, not in linux-2.4.16", () => {
    expect(EQ0.word).toBe(1);
    expect(resolveModel("linux-2.4.0").flagNames).toContain(EQ0.name);
    expect(resolveModel("linux-2.4.10-pre").flagNames).toContain(EQ0.name);
    expect(resolveModel("linux-2.4.16").flagNames).not.toContain(EQ0.name);
    expect(resolveModel("linux-2.4.16-fixed").flagNames).not.toContain(EQ0.name);
  });

  it.each([
    ["linux-2.4.0", LINUX_2_4_0],
    ["linux-2.4.10-pre", LINUX_2_4_10],
  ] as const)("%s: nr_swap_pages is negative, yet area 1's free slots are handed out", (name, flags) => {
    const r = negativeCount(flags, resolveModel(name).flags2);
    const { s, call, taken } = r;
    const got = [call(1, P.get_swap_page), call(1, P.get_swap_page)];
    for (const e of got) {
      expect(e).not.toBe(0);
      expect(swpType(e)).toBe(1); // area 0 is off the list
      expect(taken).not.toContain(e);
      expect(s.swapCount(e)).toBe(1);
    }
    expect(s.g(G.NR_SWAP_PAGES)).toBe(-7);
    // Area 1 is full now: the next call scans it, finds nothing and returns 0.
    expect(call(1, P.get_swap_page)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(-7);
  });

  it.each([
    ["linux-2.4.16", LINUX_2_4_16, 0],
    ["linux-2.4.10-pre --without get-swap-page-eq0", LINUX_2_4_10, 0],
  ] as const)("%s: nr_swap_pages <= 0 refuses, though area 1 has free slots", (_name, flags, flags2) => {
    const r = negativeCount(flags, flags2);
    const { s, call, taken } = r;
    expect(call(1, P.get_swap_page)).toBe(0);
    expect(s.g(G.NR_SWAP_PAGES)).toBe(-5);
    // Area 1's free slots are still free: the refusal came before any scan.
    const free1 = [1, 2, 3, 4, 5, 6, 7].map((o) => swpEntry(1, o)).filter((e) => !taken.includes(e));
    expect(free1).toHaveLength(2);
    for (const e of free1) expect(s.swapCount(e)).toBe(0);
  });
});
