// 2.4.0's try_to_unuse walks for_each_task(p) unuse_process(p->mm, ...) under tasklist_lock
// (read): the model reads a task's mm in one step (unuse_240_next_mm) and takes its
// page_table_lock in the next (TU240_PTL). In between, a fork can replace the slot's process: its
// old process's last mmput and zap, then 2.4.0's copy of the child into the same slot, with no
// lock. 2.4.0's walker holds the old mm_struct, emptied by exit_mmap: it finds nothing, and the
// child, listed by SET_LINKS only after the walker's read_unlock, is out of its reach. Until 6 Dec
// 2026 (a helper's value audit of fork.ts) the model's walker went on into the child's copied
// ptes; it now rechecks, under the PTL, that a task still has the slot.
import { describe, it, expect } from "vitest";
import { directedRig, LINUX_2_4_0, swappedOut, setSwapPte, EV } from "../helpers/rig.js";
import { MM } from "../helpers/machine.js";
import { P, VPAGE_MM_SHIFT } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

describe("linux-2.4.0 try_to_unuse: a slot whose process a fork replaced while the walk waited for its PTL", () => {
  it("is not walked: the fork's child, not yet a task, keeps its copied swap pte", () => {
    const r = directedRig(
      {
        cpus: 2,
        frames: 32,
        mms: 3,
        pagesPerMm: 8,
        slotsPerArea: 16,
        areas: 1,
        flags: LINUX_2_4_0,
        flags2: resolveModel("linux-2.4.0").flags2,
        kswapd: false,
        freeMin: 0,
        freeLow: 0,
        pageCluster: 0,
      },
      { rounds: 100, disk: true, noViolation: true },
    );
    const { s, d, disk, start, run } = r;
    const E = swappedOut(r, 0, 3, 0x77); // mm0[3] holds E
    setSwapPte(s, 2, 5, E, 0x77); // and mm2[5], the fork's parent
    expect(run(P.swap_duplicate, [E])).toBe(1);
    const swapPteE = s.pte(2, 5);
    start(1, P.sys_swapoff, [0]);
    // The walker to its first unuse_pte (mm0's), then one step: mm1 read (a task), its PTL next.
    for (let n = 0; n < 500 && !d.trace.some((t) => t.agent === 1 && t.event === EV.UNUSE_PTE); n++) if (!d.step(1)) d.step(disk);
    expect(d.step(1)).toBe(true);
    // CPU0 forks mm2 into slot 1: the old process leaves, the child is copied, and the fork waits
    // for tasklist_lock (write) to list it, which the walker holds for reading.
    start(0, P.do_fork, [2, 1]);
    d.drain(0);
    expect(s.pte(1, 5)).toBe(swapPteE);
    expect(s.mm(1, MM.NO_TASK)).toBe(1);
    const mark = d.trace.length;
    d.drain(1);
    const walked = d.trace
      .slice(mark)
      .filter((t) => t.agent === 1 && t.event === EV.UNUSE_PTE)
      .map((t) => t.b >>> VPAGE_MM_SHIFT);
    expect(walked).not.toContain(1); // no pte of slot 1 (the child) while it is not a task
    expect(walked).toContain(2); // the parent's mm2[5], walked after it
  });
});
