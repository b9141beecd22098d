// 2.4.0 mm/swapfile.c try_to_unuse searches "read_lock(&tasklist_lock); for_each_task(p)
// unuse_process(p->mm, entry, page);": it reads a task's mm, then takes that mm's
// page_table_lock. The model splits the two (a lock is taken at a section's start), and its mm
// is a slot: between them a fork can end the slot's old process and copy its child into the
// slot. In 2.4.0 the child's mm_struct is another object, unlisted until do_fork's
// write_lock(&tasklist_lock), and the old one cannot be freed while the walk holds the read
// lock (kernel/exit.c exit_notify write-locks it before the exiting task's last schedule()
// drops its mm_count): the walk locks the old, emptied mm and finds nothing; the child's copy
// of a swap pte of the entry keeps its count, which try_to_unuse then forces to 0 ("VM: Undead
// swap entry"), and the child is left with a swap pte of a freed slot. Until 6 Dec 2026 the
// model walked the child's ptes instead (docs/faithfulness.md, the value audits' open row):
// a clean swapoff where 2.4.0 is not clean. The walk now keeps the slot's generation
// (MM_BIRTH, fork.ts task_born) with the mm it reads.
import { describe, it, expect } from "vitest";
import { directedRig, SMALL_RIG, swappedOut, LINUX_2_4_0 } from "../helpers/rig.js";
import { AG, MM } from "../helpers/machine.js";
import { EV, P, PTE, pteFrame } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

const W1_240 = resolveModel("linux-2.4.0").flags2;
const TU240_TASKLIST = 10; // assembly/mm/swapfile.ts: the section that reads the first task's mm
const CPU_SWAPOFF = 0;
const CPU_FORK = 1;

/** CPU0's swapoff of area 0 (2.4.0), with the disk as needed, up to its walk's read of the
 *  first task's mm (mm0): that mm's PTL comes in its next section. */
function swapoffUntilWalkRead(r: ReturnType<typeof directedRig>) {
  const { d, disk, start } = r;
  start(CPU_SWAPOFF, P.sys_swapoff, [0]);
  const read = () => d.trace.some((t) => t.agent === CPU_SWAPOFF && t.proc === "try_to_unuse" && t.pc === TU240_TASKLIST);
  for (let n = 0; n < 500 && !read(); n++) if (!d.step(CPU_SWAPOFF)) expect(d.step(disk)).toBe(true);
  expect(read()).toBe(true);
}

/** mm1[3] holds a swap pte of E (count 1). CPU0's swapoff of area 0 (2.4.0) runs up to its
 *  walk's read of the first task's mm (mm0), with the disk as needed; then CPU1 forks mm1
 *  into slot 0 (mm0's process exits, mm1's ptes are copied, E's among them) up to the child's
 *  listing, which waits for the walk's tasklist_lock; then the swapoff runs to its end, then
 *  the fork. */
function forkIntoTheWalkedSlot() {
  const r = directedRig({ ...SMALL_RIG, flags: LINUX_2_4_0, flags2: W1_240 }, { rounds: 100, disk: true, noViolation: true });
  const { s, d, disk, start, finish } = r;
  const entry = swappedOut(r, 1, 3, 0x77);
  expect(s.swapCount(entry)).toBe(1);
  const birth0 = s.mm(0, MM.BIRTH);

  swapoffUntilWalkRead(r);

  start(CPU_FORK, P.do_fork, [1, 0]);
  for (let n = 0; n < 2000 && d.step(CPU_FORK); n++);
  // The copy is done (mm1's swap pte is in the child, E's count raised) and the fork waits on
  // tasklist_lock to list the child.
  expect(s.pte(0, 3)).toBe(s.pte(1, 3));
  expect(s.swapCount(entry)).toBe(3); // mm1, the child, and the walk's own reference
  expect(s.mm(0, MM.BIRTH)).not.toBe(birth0); // slot 0 holds a new process

  finish([CPU_SWAPOFF, disk], 200);
  expect(s.agent(CPU_SWAPOFF, AG.SP)).toBe(0); // the swapoff returned
  const walked = d.trace.filter((t) => t.agent === CPU_SWAPOFF);
  finish([CPU_FORK, disk], 200);
  expect(s.agent(CPU_FORK, AG.SP)).toBe(0);
  return { r, entry, walked };
}

describe("linux-2.4.0 try_to_unuse: a fork replaces the process whose mm the walk has just read", () => {
  it("walks nothing of the slot's new process: the child keeps its swap pte, whose count is forced to 0", () => {
    const { r, entry, walked } = forkIntoTheWalkedSlot();
    const { s, d } = r;
    expect(walked.some((t) => t.event === EV.UNUSE_MM_GONE && t.a === 0)).toBe(true);
    // The walk mapped the page into mm1 only, never into slot 0's child.
    const mapped = walked.filter((t) => t.event === EV.UNUSE_PTE).map((t) => t.b);
    expect(mapped).toHaveLength(1);
    expect(s.pte(1, 3) & PTE.PRESENT).toBe(PTE.PRESENT);
    expect(s.pte(0, 3) & PTE.PRESENT).toBe(0);
    // The child's reference was left, and cleared: "VM: Undead swap entry".
    expect(walked.some((t) => t.event === EV.UNUSE_CLEARED && t.a === entry && t.b === 1)).toBe(true);
    expect(d.violation()).toBe("none");
    // The child's fault on that pte reads the area's swap_map, which 2.4.0's sys_swapoff has
    // freed (leaving p->max: flag swapoff-clears-max is off).
    r.start(CPU_FORK, P.access, [0, 3, 0]);
    r.finish([CPU_FORK, r.disk], 100);
    expect(d.violation()).toBe("swap-map-uaf");
  });

  it("a process that exited without a new one in its slot is still walked (its emptied mm: nothing found)", () => {
    // The same walk with the slot's old process gone but no new one born: the mm read is the
    // one the walk locks (MM_BIRTH unchanged), so no UNUSE_MM_GONE.
    const r = directedRig({ ...SMALL_RIG, flags: LINUX_2_4_0, flags2: W1_240 }, { rounds: 100, disk: true, noViolation: true });
    const { s, d, disk, start, finish } = r;
    const entry = swappedOut(r, 1, 3, 0x77);
    swapoffUntilWalkRead(r);
    start(CPU_FORK, P.do_exit, [0]);
    // mm0's exit up to its zap's end; its new process is born after it (EXIT_ZAPPED takes
    // mmlist_lock, which nobody holds), so stop at the first sign of the new process.
    const birth0 = s.mm(0, MM.BIRTH);
    for (let n = 0; n < 2000 && s.mm(0, MM.VMA_HIDDEN) === 0; n++) expect(d.step(CPU_FORK)).toBe(true);
    expect(s.mm(0, MM.BIRTH)).toBe(birth0);
    finish([CPU_SWAPOFF, disk], 200);
    expect(s.agent(CPU_SWAPOFF, AG.SP)).toBe(0);
    expect(d.trace.some((t) => t.event === EV.UNUSE_MM_GONE)).toBe(false);
    expect(pteFrame(s.pte(1, 3))).not.toBe(0);
    expect(s.swapCount(entry)).toBe(0);
    finish([CPU_FORK, disk], 200);
    expect(d.violation()).toBe("none");
  });
});
