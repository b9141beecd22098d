// mmlist_lock (kernel/fork.c): 2.4.16's and 2.4.10-pre9's try_to_unuse hold it across their
// walk over the mms (each mm's page_table_lock taken inside it), so while the walk runs no
// swap_out picks its next mm, no fork lists its child and no exit unlists its mm: each of
// those spins until the walk is over. And the lock-order check ranks it outside the PTL.
import { describe, it, expect } from "vitest";
import { AG, G } from "../helpers/machine.js";
import { EV, LINUX_2_4_0 as V240, LINUX_2_4_10 as V2410, LINUX_2_4_16 as V2416, directedRig } from "../helpers/rig.js";
import { P, ST, LK, R, AGENT_WORDS, VPAGE_MM_SHIFT, PTE, OP, makeOp } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { describeModelViolation } from "../../src/report/violations.js";
import { mmlistRig } from "./mmlist-rig.js";

/** Two CPUs (the disk is agent `disk`), three mms; slot E of area 0 held by mm0[1] and mm1[2]. */
function rig(flags: number) {
  const r = mmlistRig(flags);
  const E = r.slot(
    [
      [0, 1],
      [1, 2],
    ],
    321,
  );
  return { ...r, E };
}

/** CPU0's swapoff of area 0 up to its first unuse_pte (mm0's pte): mmlist_lock held by CPU0. */
function walking(flags: number) {
  const r = rig(flags);
  const { s, d, start, disk } = r;
  start(0, P.sys_swapoff, [0]);
  for (let n = 0; n < 500 && !d.trace.some((t) => t.agent === 0 && t.event === EV.UNUSE_PTE); n++) {
    if (!d.step(0)) d.step(disk); // the read of E
  }
  expect(d.trace.filter((t) => t.agent === 0 && t.event === EV.UNUSE_PTE).length).toBe(1);
  expect(s.g(G.MMLIST_LOCK)).toBe(1); // CPU0 + 1, its PTL of mm0 taken inside it
  return r;
}

const spinsOnMmlist = (t: { agent: number; event: number; a: number; b: number }) =>
  t.agent === 1 && t.event === EV.SPIN && t.a === LK.MMLIST && t.b === 0;

describe.each([
  ["linux-2.4.16", V2416],
  ["linux-2.4.10-pre9", V2410],
] as const)("%s: try_to_unuse holds mmlist_lock from the walk's first mm to its end", (_name, flags) => {
  it.each([
    ["swap_out's pick of its next mm", P.swap_out, [6], flags === V2410 ? EV.SWAP_AMOUNT_MM : EV.SWAP_OUT_MM],
    ["fork's list_add of the child (mmput of the slot's old process first)", P.do_fork, [0, 2], EV.COPY_DONE],
    ["exit's mmput (list_del before exit_mmap)", P.do_exit, [1], EV.EXIT],
  ] as const)("%s spins until the walk is over", (_what, proc, args, after) => {
    const r = walking(flags);
    const { s, d, start, disk, e } = r;
    start(1, proc, [...args]);
    d.drain(1);
    expect(d.trace.some(spinsOnMmlist)).toBe(true);
    expect(s.agent(1, AG.STATE)).toBe(ST.SPIN);
    // The walk goes on to mm1 (its second pte) with CPU1 still spinning, then drops the lock.
    d.untilEvent(0, EV.UNUSE_PTE);
    expect(s.agent(1, AG.STATE)).toBe(ST.SPIN);
    for (let n = 0; n < 50 && s.g(G.MMLIST_LOCK) !== 0; n++) d.step(0);
    expect(s.g(G.MMLIST_LOCK)).toBe(0);
    expect(s.agent(1, AG.STATE)).toBe(ST.RUNNABLE);
    const walkEnd = d.trace.length;
    r.finish([1, 0, disk], 100);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(e.m.agent_ret(0)).toBe(0);
    // What CPU1 did under or after the lock came after the walk: nothing of it before.
    const first = d.trace.findIndex((t) => t.agent === 1 && t.event === after);
    expect(first).toBeGreaterThanOrEqual(walkEnd);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
  });
});

// 2.4.16 try_to_unuse: the mm the previous entry was found in (start_mm) is searched first with
// no mmlist_lock; the walk under the lock goes on from the mm after it round the list (the
// list as the model boots it: init_mm, mm0, mm1, mm2; test/mm/mmlist-order.test.ts has forks and exits) back to it. pre9 (16 Aug 2001): the
// same with last_mm, the mm the previous walk reached.
describe.each([
  // E (mm1): from init_mm, all under the lock. F (mm1, mm2): mm1 unlocked, mm2 locked; both
  // keep mm1 as start_mm, pre9's walk ends at mm2. G (mm0, mm2): 2.4.16 searches mm1 unlocked
  // (nothing), then mm2, init_mm, mm0 locked; pre9 searches mm2 unlocked, then init_mm, mm0.
  [
    "linux-2.4.16",
    V2416,
    [
      [1, true],
      [1, false],
      [2, true],
      [2, true],
      [0, true],
    ],
  ],
  [
    "linux-2.4.10-pre9",
    V2410,
    [
      [1, true],
      [1, false],
      [2, true],
      [2, false],
      [0, true],
    ],
  ],
] as const)("%s: the mm the last entry was found in is searched first, without mmlist_lock", (_name, flags, expected) => {
  it("then the rest of the list from the mm after it, under mmlist_lock", () => {
    const { s, d, start, disk, e, slot } = mmlistRig(flags);
    const E = slot([[1, 2]], 11);
    const F = slot(
      [
        [1, 3],
        [2, 4],
      ],
      12,
    );
    const G2 = slot(
      [
        [0, 5],
        [2, 6],
      ],
      13,
    );
    start(0, P.sys_swapoff, [0]);
    const seen: { entry: number; mm: number; locked: boolean }[] = [];
    for (let n = 0; n < 2000 && s.agent(0, AG.SP) !== 0; n++) {
      const before = d.trace.length;
      if (!d.step(0)) d.step(disk);
      for (const t of d.trace.slice(before)) {
        if (t.agent === 0 && t.event === EV.UNUSE_PTE)
          seen.push({ entry: t.c, mm: t.b >> VPAGE_MM_SHIFT, locked: s.g(G.MMLIST_LOCK) === 1 });
      }
    }
    expect(e.m.agent_ret(0)).toBe(0);
    const entries = [E, F, F, G2, G2];
    expect(seen).toEqual(expected.map(([mm, locked], i) => ({ entry: entries[i], mm, locked })));
    expect(d.violation()).toBe("none");
    expect(checkInvariants(e, { quiescent: true })).toEqual([]);
  });
});

describe("linux-2.4.16: without a walk in progress nothing waits on mmlist_lock", () => {
  it("swap_out, fork and exit take and drop it in their own sections", () => {
    const r = rig(V2416);
    const { s, d, call } = r;
    call(1, P.access, [0, 3, 1]);
    call(1, P.swap_out, [6]);
    call(1, P.do_fork, [0, 2]);
    call(1, P.do_exit, [2]);
    expect(d.trace.some((t) => t.event === EV.SPIN)).toBe(false);
    expect(s.g(G.MMLIST_LOCK)).toBe(0);
  });
});

describe("the lock-order check ranks mmlist_lock outside page_table_lock", () => {
  // No kernel path takes mmlist_lock with a PTL held (try_to_unuse takes each PTL inside it):
  // CPU1 is made to hold a PTL's rank when swap_out's pick takes mmlist_lock.
  it("mmlist_lock taken with a page_table_lock held is a lock-order violation", () => {
    const r = rig(V2416);
    const { d, start, e } = r;
    const ptlRank = 1 << 2; // locks.ts lk_rank(LK_PTL): tasklist_lock and mmlist_lock are ranks 0 and 1
    const agentWord = (k: number) => (e.region(R.AGENTS) >> 2) + AGENT_WORDS + k; // agent 1
    e.I32[agentWord(AG.HELD)] = ptlRank;
    e.I32[agentWord(AG.SPINS_HELD)] = 1;
    start(1, P.swap_out, [6]);
    d.step(1);
    expect(d.violation()).toBe("lock-order");
    expect(e.global(G.VIOL_A)).toBe(LK.MMLIST);
    const why = describeModelViolation("lock-order", e.global(G.VIOL_A), e.global(G.VIOL_B), e.global(G.VIOL_C));
    expect(why).toBe("mmlist_lock taken inside a lock that must nest inside it (held lock ranks 0x4)");
  });

  it("the walk's page_table_lock inside mmlist_lock is the order: no violation", () => {
    const r = walking(V2416);
    expect(r.s.agent(0, AG.HELD)).toBe(0b110); // ranks 1 (mmlist_lock) and 2 (mm0's PTL)
    r.finish([0, r.disk], 100);
    expect(r.d.violation()).toBe("none");
  });
});

describe("linux-2.4.0: try_to_unuse walks for_each_task under read_lock(&tasklist_lock)", () => {
  // 2.4.0 mm/swapfile.c try_to_unuse: "read_lock(&tasklist_lock); for_each_task(p)
  // unuse_process(p->mm, entry, page); read_unlock(&tasklist_lock);". Its do_fork lists the
  // child task under write_lock_irq(&tasklist_lock), after copy_mm's list_add under mmlist_lock.
  it("a fork's listing of its child spins until the walk is over; swap_out's pick (mmlist_lock) does not", () => {
    const r = rig(V240);
    const { s, d, start, disk } = r;
    start(0, P.sys_swapoff, [0]);
    for (let n = 0; n < 500 && !d.trace.some((t) => t.agent === 0 && t.event === EV.UNUSE_PTE); n++) {
      if (!d.step(0)) d.step(disk); // the read of E
    }
    expect(s.g(G.TASKLIST_LOCK)).toBe(-1); // one reader: CPU0's walk
    expect(s.g(G.MMLIST_LOCK)).toBe(0);
    expect(s.agent(0, AG.HELD)).toBe(0b1); // rank 0, tasklist_lock (mm0's PTL, taken inside it, went after its pte)
    start(1, P.do_fork, [0, 2]);
    d.drain(1);
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV.SPIN && t.a === LK.TASKLIST && t.b === -1)).toBe(true);
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV.SPIN && t.a === LK.MMLIST)).toBe(false);
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV.COPY_DONE)).toBe(true); // copied, not yet listed
    expect(s.agent(1, AG.STATE)).toBe(ST.SPIN);
    d.untilEvent(0, EV.UNUSE_PTE); // mm1's pte: the walk goes on, the fork still waits
    expect(s.agent(1, AG.STATE)).toBe(ST.SPIN);
    for (let n = 0; n < 50 && s.g(G.TASKLIST_LOCK) !== 0; n++) d.step(0);
    expect(s.agent(1, AG.STATE)).toBe(ST.RUNNABLE);
    r.finish([1, 0, disk], 100);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(s.g(G.TASKLIST_LOCK)).toBe(0);
    expect(d.violation()).toBe("none");
  });
});

// 2.4.10-pre9 mm/vmscan.c swap_out (flag swap-amount): after the walk of the allocating task's
// own mm, "counter = (mmlist_nr << SWAP_MM_SHIFT) >> priority;" is read with no lock, and only
// the loop's first turn takes mmlist_lock for its pick. Another CPU's mmput (list_del under
// mmlist_lock, mmlist_nr--) can come between the read and the pick, and the loop then makes
// the walks the count read before it. Until the 6 Dec 2026 audit of the old paths the model
// read the counter in the section that took the lock and picked.
// Both ways in: try_to_free_pages (shrink_cache's swap_out loop, SC_SWAP_OUT_OWN) and the
// swap_out procedure that directed tests start (P_SWAP_OUT, SO_OWN_DONE): the same steps.
describe.each([
  ["shrink_cache's swap_out", P.try_to_free_pages, []],
  ["the swap_out procedure", P.swap_out, [6]],
] as const)("linux-2.4.10-pre9: swap_out reads its counter a step before mmlist_lock (%s)", (_way, entry, entryArgs) => {
  /** Four mms of 6 old pages each; CPU0's try_to_free_pages (priority 6), current->mm mm3,
   *  run until its own mm's walk is over and then `more` steps more; then CPU1's exit of mm2
   *  to its list_del (mmlist_nr 4 -> 3), then both to the end. The walks CPU0 made after its
   *  own mm's. */
  function run(more: number) {
    const r = directedRig(
      { cpus: 2, frames: 40, mms: 4, pagesPerMm: 8, slotsPerArea: 16, areas: 2, flags: V2410, freeMin: 0, freeLow: 0, pageCluster: 0 },
      { rounds: 100, disk: true, noViolation: true },
    );
    const { s, d, start, disk } = r;
    for (let mm = 0; mm < 4; mm++) {
      for (let p = 0; p < 6; p++) {
        r.call(0, P.access, [mm, p, 1]);
        s.setPte(mm, p, s.pte(mm, p) & ~PTE.YOUNG);
      }
    }
    expect(s.g(G.MMLIST_NR)).toBe(4);
    start(0, entry, [...entryArgs]);
    s.setAgent(0, AG.OP, makeOp(OP.READ, 3, 5, 0));
    const ownEnd = () => d.trace.findIndex((t) => t.agent === 0 && t.event === EV.SWAP_AMOUNT_MM_END);
    for (let n = 0; n < 400 && ownEnd() < 0; n++) if (!d.step(0)) d.step(disk);
    expect(d.trace[ownEnd()].a).toBe(3); // the own mm's walk came first
    const picks = () => d.trace.filter((t, i) => i > ownEnd() && t.agent === 0 && t.event === EV.SWAP_AMOUNT_MM);
    for (let n = 0; n < more; n++) d.step(0);
    const pickedBefore = picks().length > 0;
    const lockBefore = s.g(G.MMLIST_LOCK);
    start(1, P.do_exit, [2]);
    for (let n = 0; n < 50 && s.g(G.MMLIST_NR) === 4; n++) d.step(1);
    expect(s.g(G.MMLIST_NR)).toBe(3);
    // CPU0 to the end of this swap_out: the walks up to the shrink_cache pass after it, or
    // the procedure's return.
    const mark = d.trace.length;
    const over = () => d.trace.slice(mark).some((t) => t.agent === 0 && t.event === EV.SHRINK) || s.agent(0, AG.SP) === 0;
    for (let n = 0; n < 2000 && !over(); n++) if (!d.step(0)) d.step(disk);
    return { pickedBefore, lockBefore, walks: picks().map((t) => t.a) };
  }

  it("an exit's mmput between the read and the pick: the loop makes the walks the count read before it", () => {
    // The first mm's walk starts (its PTL, SWAP_AMOUNT_MM) a step after the pick under
    // mmlist_lock, and the counter is read a step before the pick.
    let walkStep = 0;
    while (!run(walkStep + 1).pickedBefore) walkStep++;
    walkStep++;
    const afterRead = run(walkStep - 2);
    expect(afterRead.pickedBefore).toBe(false);
    expect(afterRead.lockBefore).toBe(0); // read, not yet locked: no lock held
    // (4 << 4) >> 6 = 1: two walks (do { } while (--counter >= 0)), from swap_mm (mm0) on.
    expect(afterRead.walks).toEqual([0, 1]);
    // The exit a step earlier, before the read: (3 << 4) >> 6 = 0, one walk.
    expect(run(walkStep - 3).walks).toEqual([0]);
  });
});
