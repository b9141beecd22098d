// The mmlist as a list (kernel/fork.c): init_mm at its head, then the mms in the order the
// kernel links them. dup_mmap (2.4.16, pre9) and copy_mm (2.4.0) put a child right after its
// PARENT; mmput takes an mm off the list (moving swap_out's swap_mm cursor on first, 2.4.16)
// before exit_mmap's zap; exec_mmap lists a fresh mm right after init_mm. try_to_unuse's walk
// and swap_out's pick follow the links, so they meet a child right after its parent and never
// meet an mm during its exit's zap. swap_mm stays on an mm until a walk takes it to TASK_SIZE
// (2.4.16 mm/vmscan.c swap_out, swap_out_mm): the last tests here show a queued walker backing
// out, and an exited mm's last pin put, under that rule. 2.4.0's swap_out (flag swap-cnt) walks
// one mm a call, the first on the list with the largest swap_cnt, so its calls meet the mms in
// list order too.
import { describe, it, expect } from "vitest";
import { AG, G, MM } from "../helpers/machine.js";
import { EV, LINUX_2_4_0 as V240, LINUX_2_4_10 as V2410, LINUX_2_4_16 as V2416 } from "../helpers/rig.js";
import { mmlistRig, INIT_MM } from "./mmlist-rig.js";
import { P, LK, PTE, VPAGE_MM_SHIFT } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";

/** The end of a swap_out_mm walk: 2.4.16's event, pre9's (flag swap-amount) or 2.4.0's (swap-cnt). */
const walkEnd = (ev: number) => ev === EV.SWAP_OUT_MM_END || ev === EV.SWAP_AMOUNT_MM_END || ev === EV.SWAP_CNT_MM_END;

/** How many swap_out calls make the walks a test expects: one, but 2.4.0's swap_out walks one
 *  mm a call. */
const callsFor = (flags: number, walks: number) => (flags === V240 ? walks : 1);

const RELEASES = [
  ["linux-2.4.16", V2416],
  ["linux-2.4.10-pre9", V2410],
  ["linux-2.4.0", V240],
] as const;

describe.each(RELEASES)("%s: fork puts the child right after its parent", (_name, flags) => {
  it("fork of mm0 into mm2: init_mm, mm0, mm2, mm1; both links of each node agree", () => {
    const r = mmlistRig(flags);
    expect(r.list()).toEqual([0, 1, 2]); // boot: by slot index
    r.call(0, P.do_fork, [0, 2]);
    expect(r.list()).toEqual([0, 2, 1]);
    expect([r.s.mm(2, MM.LIST_PREV), r.s.mm(1, MM.LIST_PREV), r.s.g(G.INIT_MM_PREV)]).toEqual([0, 2, 1]);
  });
});

describe.each(RELEASES)("%s: exit's mmput unlists the mm before its zap", (_name, flags) => {
  it("off the list during exit_mmap, then its slot's fresh mm right after init_mm", () => {
    const r = mmlistRig(flags);
    const { s, d, start } = r;
    r.slot([[1, 1]], 5); // the zap's swap_free of it holds mm1's PTL across a step
    start(1, P.do_exit, [1]);
    for (let n = 0; n < 50 && s.g(G.MMLIST_LOCK) === 0 && s.mm(1, MM.LIST_NEXT) !== -1; n++) d.step(1);
    for (let n = 0; n < 50 && s.mm(1, MM.PTL) === 0; n++) d.step(1);
    expect(s.mm(1, MM.PTL)).not.toBe(0); // in the zap
    expect(s.mm(1, MM.LIST_NEXT)).toBe(-1);
    expect(r.list()).toEqual([0, 2]);
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(r.list()).toEqual([1, 0, 2]); // fs/exec.c exec_mmap: list_add after init_mm
  });
});

// 2.4.16 try_to_unuse starts at init_mm (start_mm) and walks the list under mmlist_lock:
// after a fork of mm0 into mm2 it meets mm2 before mm1 (by slot index it met mm1 first).
// pre9's walk from last_mm (init_mm at the start) likewise.
describe.each([
  ["linux-2.4.16", V2416],
  ["linux-2.4.10-pre9", V2410],
] as const)("%s: try_to_unuse walks the child right after its parent", (_name, flags) => {
  it("E held by mm1 and the child mm2: mm2's pte is found first", () => {
    const r = mmlistRig(flags);
    const { s, d, start, disk, e } = r;
    r.call(0, P.do_fork, [0, 2]);
    const E = r.slot(
      [
        [1, 2],
        [2, 3],
      ],
      11,
    );
    start(0, P.sys_swapoff, [0]);
    const found: number[] = [];
    for (let n = 0; n < 2000 && s.agent(0, AG.SP) !== 0; n++) {
      const before = d.trace.length;
      if (!d.step(0)) d.step(disk);
      for (const t of d.trace.slice(before)) if (t.agent === 0 && t.event === EV.UNUSE_PTE && t.c === E) found.push(t.b >> VPAGE_MM_SHIFT);
    }
    expect(e.m.agent_ret(0)).toBe(0);
    expect(found).toEqual([2, 1]);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
  });
});

/** swap_out's priority for mmlist_nr + 1 walks: 2.4.16 and 2.4.0 walk "counter = mmlist_nr"
 *  + 1 mms at any priority; pre9 (swap-amount) "(mmlist_nr << 4) >> priority" + 1, which is
 *  mmlist_nr + 1 at priority 4 for 2 or 3 mms (48 >> 4 = 3, 32 >> 4 = 2). */
const priorityOf = (flags: number) => (flags === V2410 ? 4 : 6);

describe.each(RELEASES)("%s: swap_out's pick follows the mmlist", (_name, flags) => {
  it("after a fork of mm0 into mm2 it scans mm0, mm2, mm1", () => {
    const r = mmlistRig(flags);
    const { s, d, start, call } = r;
    for (const mm of [0, 1]) call(0, P.access, [mm, 0, 1]); // young ptes: nothing is taken
    r.call(0, P.do_fork, [0, 2]);
    call(0, P.access, [2, 0, 1]); // the child's COW fault: its own young pte
    expect([0, 1, 2].map((mm) => s.mm(mm, MM.RSS))).toEqual([1, 1, 1]);
    s.setG(G.SWAP_MM, 0);
    for (let n = 0; n < callsFor(flags, 4); n++) {
      start(1, P.swap_out, [priorityOf(flags)]);
      d.drain(1);
    }
    const scanned = d.trace.filter((t) => t.agent === 1 && walkEnd(t.event)).map((t) => t.a);
    // 2.4.16 swap_out: "counter = mmlist_nr; do { ... } while (--counter >= 0)": mmlist_nr + 1
    // walks, so after the three mms (each walked to TASK_SIZE) mm0 again, from address 0.
    // pre9: swap_mm moves on at every pick, past init_mm after mm1; CPU1 runs no op, so no mm
    // of its own is walked first. 2.4.0 (swap-cnt), four calls: the first finds no swap_cnt
    // left and selects again refreshing each to 8 (rss 1), the first of the ties is walked to
    // the end, which zeroes its swap_cnt; then the next ones; the fourth refreshes again.
    expect(scanned).toEqual([0, 2, 1, 0]);
  });
});

describe.each(RELEASES)("%s: an exiting mm is not visited during its zap", (_name, flags) => {
  /** CPU1's exit of mm1 stopped in its zap, mm1's PTL held (the swap_free of F under it). */
  function zapping() {
    const r = mmlistRig(flags);
    const { s, d, start, call } = r;
    for (const mm of [0, 1, 2]) call(0, P.access, [mm, 5, 1]);
    const F = r.slot([[1, 1]], 7);
    const E = r.slot(
      [
        [0, 2],
        [2, 3],
      ],
      11,
    );
    start(1, P.do_exit, [1]);
    for (let n = 0; n < 50 && s.mm(1, MM.PTL) === 0; n++) d.step(1);
    expect(s.mm(1, MM.PTL)).not.toBe(0);
    expect(s.mm(1, MM.LIST_NEXT)).toBe(-1);
    // Its page is not zapped yet (its pte still maps it: under 2.4.0's rss-unlocked the exit
    // has already cleared rss before the zap, as exit_mmap does).
    expect(s.pte(1, 5) & PTE.PRESENT).not.toBe(0);
    return { ...r, E, F };
  }
  const spinsOnPtl = (t: { agent: number; event: number; a: number; b: number }) =>
    t.agent === 0 && t.event === EV.SPIN && t.a === LK.PTL && t.b === 1;

  it("swap_out passes over it: it scans mm0 and mm2 and never waits for mm1's PTL", () => {
    const r = zapping();
    const { s, d, start } = r;
    s.setG(G.SWAP_MM, 0);
    for (let n = 0; n < callsFor(flags, 3); n++) {
      start(0, P.swap_out, [priorityOf(flags)]);
      d.drain(0);
    }
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.trace.some(spinsOnPtl)).toBe(false);
    // mmlist_nr is 2 with mm1 off the list: three walks, mm0 twice (see the pick's test above;
    // 2.4.0: three calls).
    expect(d.trace.filter((t) => t.agent === 0 && walkEnd(t.event)).map((t) => t.a)).toEqual([0, 2, 0]);
  });

  it("try_to_unuse's walk passes over it: it never waits for mm1's PTL", () => {
    if (flags === V240) return; // 2.4.0 walks the task list (for_each_task), not the mmlist
    const r = zapping();
    const { s, d, start, disk, E } = r;
    start(0, P.sys_swapoff, [0]);
    // F (mm1's, its pte already cleared by the zap) is unused first, then E: each walk
    // passes over mm1 while CPU1 holds its PTL.
    const found: number[] = [];
    for (let n = 0; n < 1000 && found.length < 2 && s.agent(0, AG.SP) !== 0; n++) {
      const before = d.trace.length;
      if (!d.step(0)) d.step(disk);
      for (const t of d.trace.slice(before)) if (t.agent === 0 && t.event === EV.UNUSE_PTE && t.c === E) found.push(t.b >> VPAGE_MM_SHIFT);
    }
    expect([...found].sort()).toEqual([0, 2]); // (pre9 starts at last_mm: F's walk reached mm2)
    expect(d.trace.some(spinsOnPtl)).toBe(false);
  });
});

describe.each(RELEASES)("%s: mmput moves swap_out's cursor on", (_name, flags) => {
  it.each([
    [1, 2],
    [2, INIT_MM], // the last mm: the cursor goes to init_mm, which the next pick passes
  ])("swap_mm at mm%i, that mm exits: swap_mm is the mm after it (%i)", (mm, after) => {
    const r = mmlistRig(flags);
    r.s.setG(G.SWAP_MM, mm);
    r.call(1, P.do_exit, [mm]);
    expect(r.s.g(G.SWAP_MM)).toBe(after);
    expect(r.list()).toEqual([mm, ...[0, 1, 2].filter((m) => m !== mm)]);
  });
});
