// The kernel BUG()s on unlocking what is not held: 2.4.0's UnlockPage and 2.4.16's unlock_page
// ("if (!test_and_clear_bit(PG_locked, &(page)->flags)) BUG();") and unlock_kernel ("if
// (current->lock_depth < 0) BUG();", include/asm-i386/smplock.h). No model path does either (a
// helper's probe ran millions of hunt executions and bulk steps with the checks in, 6 Dec
// 2026); these tests make one happen by hand and see it reported.
import { describe, it, expect } from "vitest";
import { tinyModelRig, swappedOut, cachePage } from "../helpers/rig.js";
import { AG } from "../helpers/machine.js";
import { P, PG } from "../../src/wasm/abi.js";
import { modelViolation } from "../../src/invariants/check.js";

describe("unlocking what is not held", () => {
  it("the disk's unlock of a read page whose PG_locked was cleared meanwhile: unlock_page's BUG", () => {
    const r = tinyModelRig("linux-2.4.16", { rounds: 100, disk: true, noViolation: false });
    const { s, d, disk, start } = r;
    const entry = swappedOut(r, 0, 3, 0x55);
    start(0, P.access, [0, 3, 0]);
    // CPU0 faults, reads the slot (page locked, I/O queued) and sleeps on the page.
    for (let n = 0; n < 200 && s.cachedPageOf(entry) === 0; n++) expect(d.step(0)).toBe(true);
    for (let n = 0; n < 200 && d.step(0); n++);
    const page = s.cachedPageOf(entry);
    expect(s.flags(page) & PG.LOCKED).toBe(PG.LOCKED);
    s.setFlags(page, s.flags(page) & ~PG.LOCKED);
    d.drain(disk);
    expect(d.violation()).toBe("bug-on");
    expect(modelViolation(r.e)?.message).toMatch(new RegExp(`unlock_page of page ${page}, which is not locked`));
  });

  it("an unlock_kernel by a task without the BKL: its BUG", () => {
    // 2.4.10-pre's swapoff holds the BKL across try_to_unuse and drops it at its end: take
    // the depth away while it holds it.
    const r = tinyModelRig("linux-2.4.10-pre", { rounds: 100, disk: true, noViolation: false });
    const { s, d, disk, start, finish } = r;
    swappedOut(r, 0, 3, 0x55);
    start(0, P.sys_swapoff, [0]);
    for (let n = 0; n < 200 && s.agent(0, AG.BKL_DEPTH) === 0; n++) expect(d.step(0)).toBe(true);
    s.setAgent(0, AG.BKL_DEPTH, 0);
    finish([0, disk], 200);
    expect(d.violation()).toBe("bug-on");
    expect(modelViolation(r.e)?.message).toMatch(/unlock_kernel by agent 0, which does not hold the BKL/);
  });
});

describe("a sleeping lock taken under a spinlock", () => {
  it("is reported when it does not sleep too (down_read, lock_page: the kernel may sleep there)", () => {
    // A fault on mm0[3], whose swap-cache page is found without an allocation: its mmap_sem
    // and page lock are uncontended. The CPU is made to hold a spinlock (its count) from the
    // start: the first sleeping lock it takes is reported, though nothing sleeps.
    const r = tinyModelRig("linux-2.4.16", { rounds: 100, disk: true, noViolation: false });
    const { s, d, start } = r;
    const entry = swappedOut(r, 0, 3, 0x55);
    cachePage(r, entry, { keepRef: false, swapRef: true });
    s.setAgent(0, AG.SPINS_HELD, 1);
    start(0, P.access, [0, 3, 0]);
    for (let n = 0; n < 50 && d.violation() === "none" && d.step(0); n++);
    expect(d.violation()).toBe("lock-order");
    expect(modelViolation(r.e)?.message).toMatch(/may sleep \(a page allocation, lock_page, wait_on_page or down\) holding a spinlock/);
  });
});
