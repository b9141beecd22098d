// 2.4.0's free_page_and_swap_cache (mm/swap_state.c) tests PageSwapCache and then
// TryLockPage with only the PTL held, and its !is_page_shared (include/linux/swap.h) counts a
// page that left the swap cache as unshared at page_count 1. An exiting task's mm is invisible
// to swapoff's for_each_task walk (kernel/exit.c __exit_mm: tsk->mm = NULL before mmput), so
// sys_swapoff's try_to_unuse can delete the page from the swap cache, release it and free its
// entry between the zap's test and its trylock. The zap then takes the page lock, finds the
// page unshared and calls delete_from_swap_cache_nolock on a page that is no longer
// swapper_space's: remove_from_swap_cache's BUG(). 2.4.16 (remove_exclusive_swap_page) and
// pre9 (exclusive_swap_page) read PageSwapCache again under the page lock and let the page go.
// The model splits the test from the trylock under is-page-shared (assembly/mm/swapfile.ts
// free_page_and_swap_cache, FPSC_TRYLOCK); each test below tries a drained swapoff at every
// step of the exit, so that it does not depend on how many sections lead to the zap.
import { describe, it, expect } from "vitest";
import { directedRig, SMALL_RIG, swappedOut, cachePage, LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16 } from "../helpers/rig.js";
import { AG } from "../helpers/machine.js";
import { P, PTE, pteFrame } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { modelViolation } from "../../src/invariants/check.js";

const SHARED = FLAGS.find((f) => f.name === "is-page-shared")!;
const W1_240 = resolveModel("linux-2.4.0").flags2;

/** mm0[6] maps swap-cache page P of E read-only (page count 2: the pte and the cache; E's
 *  count 1, the cache's). CPU0 runs mm0's exit for `k` steps; then CPU1's swapoff of area 0
 *  runs to its end, then CPU0's exit. The violation, if any, and what happened to P. */
function exitThenSwapoff(flags: number, flags2: number | undefined, k: number) {
  const r = directedRig(
    { ...SMALL_RIG, flags, ...(flags2 === undefined ? {} : { flags2 }) },
    { rounds: 100, disk: true, noViolation: false },
  );
  const { s, d, disk, start, finish, call } = r;
  const entry = swappedOut(r, 0, 6, 0x55);
  const page = cachePage(r, entry, { keepRef: false, swapRef: true });
  call(0, P.access, [0, 6, 0]);
  expect(pteFrame(s.pte(0, 6))).toBe(page);
  expect(s.pte(0, 6) & PTE.PRESENT).toBe(PTE.PRESENT);
  expect([s.count(page), s.swapCount(entry)]).toEqual([2, 1]);
  start(0, P.do_exit, [0]);
  for (let n = 0; n < k && s.agent(0, AG.SP) !== 0; n++) d.step(0);
  const exitDone = s.agent(0, AG.SP) === 0;
  start(1, P.sys_swapoff, [0]);
  finish([1, disk], 200);
  const swapoffDone = s.agent(1, AG.SP) === 0;
  if (d.violation() === "none") finish([0, disk], 200);
  return { violation: d.violation(), message: modelViolation(r.e)?.message ?? "", exitDone, swapoffDone };
}

/** The outcomes of a swapoff run after each step of the exit, up to the exit's end. */
function everyPreemption(flags: number, flags2?: number) {
  const out: ReturnType<typeof exitThenSwapoff>[] = [];
  for (let k = 0; k < 200; k++) {
    const o = exitThenSwapoff(flags, flags2, k);
    out.push(o);
    if (o.exitDone) break;
  }
  return out;
}

describe("linux-2.4.0: swapoff deletes the page between the zap's PageSwapCache test and its TryLockPage", () => {
  it("at one step of the exit, the zap deletes a page no longer in the swap cache: remove_from_swap_cache's BUG", () => {
    const out = everyPreemption(LINUX_2_4_0);
    expect(out.at(-1)!.exitDone).toBe(true); // every step of the exit was tried
    const bugs = out.filter((o) => o.violation !== "none");
    expect(bugs.length).toBeGreaterThan(0);
    for (const b of bugs) {
      expect(b.violation).toBe("bug-on");
      expect(b.message).toMatch(/delete_from_swap_cache/);
    }
    // The swapoff itself ran to its end first every time: the BUG is the zap's.
    expect(bugs.every((b) => b.swapoffDone)).toBe(true);
  });

  it("without is-page-shared (pre9's exclusive_swap_page reads PageSwapCache again under the lock): clean at every step", () => {
    expect(resolveModel("linux-2.4.0").flagNames).toContain(SHARED.name);
    const out = everyPreemption(LINUX_2_4_0, W1_240 & ~SHARED.bit);
    expect(out.at(-1)!.exitDone).toBe(true);
    expect(out.map((o) => o.violation).filter((v) => v !== "none")).toEqual([]);
  });

  it("linux-2.4.10-pre and linux-2.4.16: clean at every step", () => {
    for (const flags of [LINUX_2_4_10, LINUX_2_4_16]) {
      const out = everyPreemption(flags);
      expect(out.at(-1)!.exitDone).toBe(true);
      expect(out.map((o) => o.violation).filter((v) => v !== "none")).toEqual([]);
    }
  });
});
