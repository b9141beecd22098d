// munmap and exit unlink the vma before the zap (mm/mmap.c do_munmap, exit_mmap; 2.4.0 and
// 2.4.16 alike): from the unlink under page_table_lock until unmap_fixup re-inserts the rest
// (munmap) or for good (exit), try_to_unuse's unuse_process and swap_out_mm, which walk the
// vma list, see no pte of it, the part munmap keeps included (MM_VMA_HIDDEN). 2.4.0's
// try_to_unuse then forces the entry's count to 0 ("VM: Undead swap entry") and the zap's
// swap_free meets a freed slot; 2.4.16's comes back on a later pass.
import { describe, it, expect } from "vitest";
import { G, MM, AG } from "../helpers/machine.js";
import { directedRig, swappedOut, setSwapPte, LINUX_2_4_0, LINUX_2_4_16 } from "../helpers/rig.js";
import { P, PTE, pteFrame } from "../../src/wasm/abi.js";
import { modelViolation } from "../../src/invariants/check.js";

/** mm1's ptes 1 and 3 both hold swap entry E (count 2); CPU0's munmap of page 1 alone has
 *  run its unlink (mmap_sem, then the PTL section that hides the vma) and not its zap. */
function munmapUnlinked(flags: number) {
  const r = directedRig(
    { cpus: 2, frames: 32, mms: 2, pagesPerMm: 8, slotsPerArea: 8, flags, kswapd: false, freeMin: 0, freeLow: 0, pageCluster: 0 },
    { rounds: 100, disk: true, noViolation: false },
  );
  const { s, d, run, start } = r;
  const E = swappedOut(r, 1, 1, 0x55);
  setSwapPte(s, 1, 3, E, 0x55);
  expect(run(P.swap_duplicate, [E])).toBe(1);
  expect(s.swapCount(E)).toBe(2);
  start(0, P.do_munmap, [1, 1, 1]);
  expect(d.step(0)).toBe(true); // mmap_sem
  expect(d.step(0)).toBe(true); // the unlink under the PTL; the zap is called
  expect(s.mm(1, MM.VMA_HIDDEN)).toBe(1);
  expect(s.mm(1, MM.PTL)).toBe(0);
  return { ...r, E };
}

describe("munmap hides the vma from try_to_unuse between its unlink and unmap_fixup", () => {
  it("linux-2.4.0: the swapoff skips both ptes, forces E's count to 0 and ends; the zap's swap_free then meets an unused area", () => {
    const { s, d, disk, start, finish, E } = munmapUnlinked(LINUX_2_4_0);
    start(1, P.sys_swapoff, [0]);
    finish([1, disk], 100);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(d.e.m.agent_ret(1)).toBe(0); // the swapoff succeeded
    // Neither pte was unused: both still name E, whose slot the Undead clear freed.
    expect(s.pte(1, 1)).toBe(E << 1);
    expect(s.pte(1, 3)).toBe(E << 1);
    expect(d.violation()).toBe("none");
    d.drain(0); // the zap of page 1: swap_free(E) on the area swapoff retired
    expect(d.violation()).toBe("free-slot");
    expect(modelViolation(d.e)!.message).toContain("in swap_free: Trying to free swap from unused swap-device");
    expect(s.mm(1, MM.VMA_HIDDEN)).toBe(1); // still between the zap and unmap_fixup
  });

  it("linux-2.4.16: the swapoff finds nothing to unuse while the vma is hidden, and finishes clean after unmap_fixup", () => {
    const { s, d, disk, start, finish, E } = munmapUnlinked(LINUX_2_4_16);
    start(1, P.sys_swapoff, [0]);
    for (let n = 0; n < 400; n++) {
      d.step(1);
      d.drain(disk);
    }
    expect(d.violation()).toBe("none");
    expect(s.pte(1, 1)).toBe(E << 1);
    expect(s.pte(1, 3)).toBe(E << 1);
    expect(s.swapCount(E)).toBeGreaterThanOrEqual(2);
    d.drain(0); // the zap and unmap_fixup: the vma is back
    expect(s.mm(1, MM.VMA_HIDDEN)).toBe(0);
    finish([1, disk], 1000);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(d.e.m.agent_ret(1)).toBe(0);
    expect(d.violation()).toBe("none");
    expect(s.pte(1, 1)).toBe(0);
    expect(s.pte(1, 3) & PTE.PRESENT).toBe(PTE.PRESENT);
    expect(s.content(pteFrame(s.pte(1, 3)))).toBe(0x55);
    expect(s.g(G.NR_SWAP_PAGES)).toBeGreaterThanOrEqual(0);
  });
});
