// The mm_users pins (kernel/fork.c mmput, mm/vmscan.c swap_out, mm/swapfile.c try_to_unuse):
// swap_out pins the mm it picks and puts it after swap_out_mm, 2.4.16's try_to_unuse pins
// start_mm (pre9's last_mm). Only the last mmput unlists the mm and runs exit_mmap, so a
// process that exits while its mm is pinned leaves its ptes to the pin's holder, whose mmput
// zaps them in its own context; the slot's next process (the model's mm is its slot) waits
// for that teardown.
import { describe, it, expect } from "vitest";
import { AG, G, MM } from "../helpers/machine.js";
import { EV, LINUX_2_4_0 as V240, LINUX_2_4_10 as V2410, LINUX_2_4_16 as V2416 } from "../helpers/rig.js";
import { mmlistRig, INIT_MM } from "./mmlist-rig.js";
import { P, PTE, ST, VPAGE_MM_SHIFT } from "../../src/wasm/abi.js";
import { checkInvariants } from "../../src/invariants/check.js";

const RELEASES = [
  ["linux-2.4.16", V2416],
  ["linux-2.4.10-pre9", V2410],
  ["linux-2.4.0", V240],
] as const;

type Rig = ReturnType<typeof mmlistRig>;
const mmOf = (vp: number) => vp >> VPAGE_MM_SHIFT;

/** Pages 0..3 of mm1 present, dirty and old (swap_out's walk takes an old pte's page). */
function oldPages(r: Rig) {
  for (let p = 0; p < 4; p++) {
    r.call(0, P.access, [1, p, 1]);
    r.s.setPte(1, p, r.s.pte(1, p) & ~PTE.YOUNG);
  }
}

/** swap_out's next pick is mm1: swap_mm there (2.4.16, pre9), or (2.4.0, flag swap-cnt) mm1
 *  the only mm with swap_cnt left, so its select takes it without a refresh. */
function pickMm1(r: Rig, flags: number) {
  if (flags === V240) r.s.setMm(1, MM.SWAP_CNT, 8);
  else r.s.setG(G.SWAP_MM, 1);
}

/** The end of flags' swap_out_mm walk: 2.4.16's, pre9's (swap-amount) or 2.4.0's (swap-cnt). */
const walkEndOf = (flags: number) => (flags === V2410 ? EV.SWAP_AMOUNT_MM_END : flags === V240 ? EV.SWAP_CNT_MM_END : EV.SWAP_OUT_MM_END);

/** CPU0's swapoff of area 0 until its walk has unused mm2[2] (`atMm2Pte` runs then) and dropped
 *  mm2's PTL; gives back the stepper it used (CPU0, else the disk). */
function swapoffPastMm2(r: Rig, atMm2Pte: () => void = () => {}) {
  const { s, d, start, disk } = r;
  start(0, P.sys_swapoff, [0]);
  const step0 = () => {
    if (!d.step(0)) d.step(disk);
  };
  const mm2Pte = (2 << VPAGE_MM_SHIFT) | 2;
  for (let n = 0; n < 500 && !d.trace.some((x) => x.event === EV.UNUSE_PTE && x.b === mm2Pte); n++) step0();
  atMm2Pte();
  for (let n = 0; n < 50 && s.mm(2, MM.PTL) !== 0; n++) step0();
  expect(s.mm(2, MM.PTL)).toBe(0);
  return step0;
}

/** CPU1 runs do_exit(mm1) until it is asleep waiting for the slot (its mmput was not the last). */
function exitWhilePinned(r: Rig) {
  const { s, d, start } = r;
  start(1, P.do_exit, [1]);
  for (let n = 0; n < 20 && s.agent(1, AG.STATE) !== ST.SLEEP; n++) d.step(1);
  expect(s.agent(1, AG.STATE)).toBe(ST.SLEEP);
  expect(s.agent(1, AG.SP)).not.toBe(0);
}

describe.each(RELEASES)("%s: swap_out's pin keeps an exiting mm for its walk", (_name, flags) => {
  it("the walk takes the OLD ptes, its mmput zaps them, and only then the slot's next process starts", () => {
    const r = mmlistRig(flags);
    const { s, d, start } = r;
    oldPages(r);
    pickMm1(r, flags);
    start(0, P.swap_out, [6]);
    d.step(0); // the pick under mmlist_lock: mm1, pinned
    expect(s.mm(1, MM.USERS)).toBe(2);
    exitWhilePinned(r);
    // The process's mmput left the pin's user: mm1 is listed, its ptes untouched.
    expect(s.mm(1, MM.USERS)).toBe(1);
    expect(r.list()).toContain(1);
    for (let p = 0; p < 4; p++) expect(s.pte(1, p) & PTE.PRESENT).not.toBe(0);
    d.drain(0);
    r.finish([0, r.disk], 10);
    expect(s.agent(0, AG.SP)).toBe(0);
    const t = d.trace;
    const walked = t.filter((x) => x.agent === 0 && x.event === walkEndOf(flags) && x.a === 1);
    expect(walked.length).toBe(1);
    // The walk unmapped pages of the old mm (swap ptes set before its end).
    const unmapped = t.filter((x) => x.agent === 0 && x.event === EV.TSO_SWAP_PTE && mmOf(x.a) === 1);
    expect(unmapped.length).toBeGreaterThan(0);
    expect(t.indexOf(unmapped[0])).toBeLessThan(t.indexOf(walked[0]));
    // swap_out's mmput was the last: exit_mmap ran in CPU0, which zapped mm1.
    const teardown = t.findIndex((x) => x.agent === 0 && x.event === EV.EXIT_MMAP && x.a === 1);
    expect(teardown).toBeGreaterThan(t.indexOf(walked[0]));
    const zaps = t.filter((x) => (x.event === EV.ZAP_SWAP || x.event === EV.ZAP_PAGE) && mmOf(x.b) === 1);
    expect(zaps.length).toBeGreaterThan(0);
    expect(zaps.every((x) => x.agent === 0)).toBe(true);
    // CPU1 slept until then; now its new process takes the slot, listed after init_mm.
    expect(s.agent(1, AG.STATE)).toBe(ST.RUNNABLE);
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    const exited = d.trace.findIndex((x) => x.agent === 1 && x.event === EV.EXIT && x.a === 1);
    expect(exited).toBeGreaterThan(t.lastIndexOf(zaps[zaps.length - 1]));
    expect(r.list()[0]).toBe(1);
    expect(s.mm(1, MM.USERS)).toBe(1);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });

  it("a fork into the pinned slot copies only after the pin's mmput tore the old mm down", () => {
    const r = mmlistRig(flags);
    const { s, d, start } = r;
    oldPages(r);
    r.call(0, P.access, [0, 6, 1]);
    pickMm1(r, flags);
    start(0, P.swap_out, [6]);
    d.step(0);
    expect(s.mm(1, MM.USERS)).toBe(2);
    start(1, P.do_fork, [0, 1]);
    for (let n = 0; n < 20 && s.agent(1, AG.STATE) !== ST.SLEEP; n++) d.step(1);
    expect(s.agent(1, AG.STATE)).toBe(ST.SLEEP);
    expect(d.trace.some((x) => x.agent === 1 && x.event === EV.COPY_DONE)).toBe(false);
    d.drain(0);
    r.finish([0, r.disk], 10);
    const teardown = d.trace.findIndex((x) => x.agent === 0 && x.event === EV.EXIT_MMAP && x.a === 1);
    expect(teardown).toBeGreaterThan(-1);
    d.drain(1);
    r.finish([1, r.disk], 10);
    expect(s.agent(1, AG.SP)).toBe(0);
    const copied = d.trace.findIndex((x) => x.agent === 1 && x.event === EV.COPY_DONE && x.a === 1);
    expect(copied).toBeGreaterThan(teardown);
    expect(s.pte(1, 6) & PTE.PRESENT).not.toBe(0); // the parent's page, copied
    expect(r.list()).toEqual([0, 1, 2]); // the child right after its parent
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// 2.4.16 mm/vmscan.c swap_out_mm: a reclaimer that picked the mm while another walked it waits
// for the PTL, then finds swap_address at TASK_SIZE ("We raced: don't count this mm but try
// again") and puts its pin without walking. Before the model had that check, queued walkers
// each walked the mm again, and with enough reclaimers an exited process's mm was never
// without a pin: its teardown never came (docs/faithfulness.md, swap_out_mm). pre9's and 2.4.0's
// swap_out_mm have no such check.
describe.each(RELEASES.filter(([, f]) => f === V2416))("%s: a walker queued behind another's walk of the same mm", (_name, flags) => {
  it("backs out under the PTL once the first walk reached TASK_SIZE, puts its pin, and goes on", () => {
    const r = mmlistRig(flags);
    const { s, d, start } = r;
    oldPages(r);
    s.setG(G.SWAP_MM, 1);
    start(0, P.swap_out, [6]);
    d.step(0); // CPU0's pick: mm1
    d.step(0); // swap_out_mm: mm1's PTL taken, the walk under way
    expect(s.mm(1, MM.PTL)).not.toBe(0);
    start(1, P.swap_out, [6]);
    d.step(1); // CPU1's pick: swap_mm is still mm1, its walk not at the end
    expect(s.mm(1, MM.USERS)).toBe(3);
    d.step(1); // spins on mm1's PTL
    expect(d.trace.some((x) => x.agent === 1 && x.event === EV.SPIN)).toBe(true);
    d.drain(0);
    r.finish([0, r.disk], 10);
    d.drain(1);
    r.finish([1, r.disk], 10);
    const ends = (agent: number) => d.trace.filter((x) => x.agent === agent && x.event === EV.SWAP_OUT_MM_END);
    expect(ends(0)[0]).toMatchObject({ a: 1, b: -1 }); // CPU0 walked mm1 to TASK_SIZE
    expect(ends(0)[0].c).toBeGreaterThan(0);
    expect(ends(1)[0]).toMatchObject({ a: 1, c: -1 }); // CPU1 raced: nothing walked
    const walks1 = d.trace.filter((x) => x.agent === 1 && x.event === EV.SWAP_OUT_MM).map((x) => x.a);
    expect(walks1[0]).not.toBe(1); // its first walk is of the next mm
    expect(s.mm(1, MM.USERS)).toBe(1); // both pins put
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// Every release's swap_out: "nr_pages = swap_out_mm(mm, ...); mmput(mm);" (2.4.0: "__ret =
// swap_out_mm(best, gfp_mask); mmput(best);"). swap_out_mm drops the PTL before it returns, so
// another CPU can take the PTL while the pin still counts: 2.4.16's tlb_gather_mmu then sees
// mm_users 2 and gathers. Until 6 Dec 2026 the put shared the unlock's step.
describe.each(RELEASES)("%s: swap_out's mmput comes a step after swap_out_mm's unlock", (_name, flags) => {
  it("the PTL is free while the pin still counts; a munmap in between gathers (2.4.16) and the put follows", () => {
    const r = mmlistRig(flags);
    const { s, d, start } = r;
    oldPages(r);
    for (let p = 4; p < 8; p++) r.call(0, P.access, [1, p, 1]); // young: the walk leaves them mapped
    pickMm1(r, flags);
    start(0, P.swap_out, [6]);
    d.untilEvent(0, walkEndOf(flags)); // the walk's end, in the step that drops mm1's PTL
    expect(s.mm(1, MM.PTL)).toBe(0);
    expect(s.mm(1, MM.USERS)).toBe(2); // swap_out's pin not yet put
    expect(s.agent(0, AG.SP)).not.toBe(0);
    start(1, P.do_munmap, [1, 4, 4]);
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    const zapped = d.trace.filter((x) => x.agent === 1 && x.event === EV.ZAP_PAGE);
    expect(zapped.length).toBe(4);
    // 2.4.16 gathers (mm_users 2); 2.4.0 and pre9 free each page where the walk meets it
    // (free_pte, flag no-mmu-gather).
    const gathered = flags === V2416 ? 1 : 0;
    expect(zapped.map((x) => x.c)).toEqual([gathered, gathered, gathered, gathered]);
    d.drain(0);
    r.finish([0, r.disk], 10);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.mm(1, MM.USERS)).toBe(1);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// 2.4.10-pre9 mm/vmscan.c swap_out (flag swap-amount): "swap_mm = list_entry(mm->mmlist.next,
// ...)" at every pick, so a second reclaimer picks the next mm while the first walks; pre9's
// swap_out_mm has no "We raced" to back out with.
describe("linux-2.4.10-pre9: a second walker while another walks an mm", () => {
  it("picks the next mm: it neither waits for the first walk's PTL nor backs out", () => {
    const r = mmlistRig(V2410);
    const { s, d, start } = r;
    oldPages(r);
    r.call(0, P.access, [2, 0, 1]); // mm2 maps a page too: swap_amount(mm2) is 1, not 0
    s.setG(G.SWAP_MM, 1);
    start(0, P.swap_out, [6]);
    d.step(0); // CPU0's pick: mm1, swap_mm moved on to mm2
    expect(s.g(G.SWAP_MM)).toBe(2);
    d.step(0); // swap_out_mm: mm1's PTL taken, the walk under way
    expect(s.mm(1, MM.PTL)).not.toBe(0);
    start(1, P.swap_out, [6]);
    d.step(1); // CPU1's pick: mm2
    expect([s.mm(1, MM.USERS), s.mm(2, MM.USERS)]).toEqual([2, 2]);
    d.drain(1);
    r.finish([1, r.disk], 10);
    d.drain(0);
    r.finish([0, r.disk], 10);
    expect(d.trace.some((x) => x.agent === 1 && x.event === EV.SPIN)).toBe(false);
    const ends = (agent: number) => d.trace.filter((x) => x.agent === agent && x.event === EV.SWAP_AMOUNT_MM_END);
    expect(ends(0).map((x) => x.a)).toEqual([1]);
    expect(ends(1).map((x) => x.a)).toEqual([2]);
    expect([...ends(0), ...ends(1)].every((x) => x.c >= 0)).toBe(true); // no back-out
    expect([0, 1, 2].map((mm) => s.mm(mm, MM.USERS))).toEqual([1, 1, 1]); // pins put
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// 2.4.16: start_mm is pinned from the walk that chose it. Its process exits: the mm stays
// listed with its ptes, and the next entry's "looks like exiting" test (mm_users == 1) puts it,
// the last put: swapoff runs exit_mmap. pre9 pins its last_mm the same way (no such test).
describe("linux-2.4.16: try_to_unuse's start_mm pinned across an exit", () => {
  it("the exit leaves mm1 to swapoff's mmput, which zaps it; the slot's process waits for it", () => {
    const r = mmlistRig(V2416);
    const { s, d, start, disk } = r;
    const F = r.slot(
      [
        [1, 1],
        [2, 1],
      ],
      7,
    );
    const E = r.slot(
      [
        [1, 2],
        [2, 2],
      ],
      11,
    );
    expect(F).toBeLessThan(E); // F is unused first
    start(0, P.sys_swapoff, [0]);
    // F's walk: the count falls first at mm1, which becomes start_mm (pinned).
    for (let n = 0; n < 500 && s.mm(1, MM.USERS) !== 2; n++) if (!d.step(0)) d.step(disk);
    expect(s.mm(1, MM.USERS)).toBe(2);
    exitWhilePinned(r);
    expect(s.mm(1, MM.USERS)).toBe(1);
    expect(r.list()).toContain(1);
    expect(s.pte(1, 2)).toBe(E << 1); // its E pte is still there
    for (let n = 0; n < 3000 && s.agent(0, AG.SP) !== 0; n++) if (!d.step(0)) d.step(disk);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(r.e.m.agent_ret(0)).toBe(0);
    const t = d.trace;
    const teardown = t.findIndex((x) => x.agent === 0 && x.event === EV.EXIT_MMAP && x.a === 1);
    expect(teardown).toBeGreaterThan(-1);
    // mm1's E pte went with swapoff's zap, mm2's with its unuse.
    expect(t.some((x) => x.agent === 0 && x.event === EV.ZAP_SWAP && x.a === E && mmOf(x.b) === 1)).toBe(true);
    expect(t.some((x) => x.agent === 0 && x.event === EV.UNUSE_PTE && x.c === E && mmOf(x.b) === 2)).toBe(true);
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(d.trace.findIndex((x) => x.agent === 1 && x.event === EV.EXIT)).toBeGreaterThan(teardown);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// 2.4.16 mm/swapfile.c try_to_unuse's walk: "swcount = *swap_map; if (mm == &init_mm) {
// set_start_mm = 1; shmem_unuse(entry, page); } ... if (set_start_mm && *swap_map < swcount)
// new_start_mm = mm;". shmem_unuse takes shmem_ilock, so a swap_free on another CPU can come
// between the two reads: init_mm becomes start_mm, and no process's mm is pinned. Until 6 Dec
// 2026 the walk passed init_mm without reading the count, and the next mm searched (mm0 here)
// was the one pinned.
describe("linux-2.4.16: try_to_unuse's walk judges init_mm like any searched mm", () => {
  it("a swap_free between init_mm's count read and its judgement makes init_mm start_mm: mm0 stays unpinned", () => {
    const r = mmlistRig(V2416);
    const { s, d, call } = r;
    expect(r.list()).toEqual([0, 1, 2]); // the walk from mm1: mm2, init_mm, mm0
    r.slot(
      [
        [1, 1],
        [2, 1],
      ],
      7,
    ); // F: its count falls first at mm1, which becomes start_mm
    const E = r.slot(
      [
        [1, 2],
        [2, 2],
        [0, 2],
      ],
      11,
    );
    expect(call(1, P.swap_duplicate, [E])).toBe(1); // CPU1 holds a reference of its own
    // E: start_mm (mm1) is searched first, which lowers the count (set_start_mm 0); then the
    // walk searches mm2 and drops its PTL.
    const step0 = swapoffPastMm2(r);
    step0(); // mm2 judged; the walk reaches init_mm and reads swcount there
    const count = s.swapCount(E);
    call(1, P.swap_free, [E]);
    expect(s.swapCount(E)).toBe(count - 1);
    for (let n = 0; n < 500 && !d.trace.some((x) => x.agent === 0 && x.event === EV.UNUSE_DONE && x.a === E); n++) step0();
    // The walk is over (mm0 searched too): start_mm is init_mm, whose pins are not counted;
    // mm1's pin was put and mm0 was not pinned.
    expect(d.trace.some((x) => x.event === EV.UNUSE_PTE && mmOf(x.b) === 0)).toBe(true);
    expect([0, 1, 2].map((mm) => s.mm(mm, MM.USERS))).toEqual([1, 1, 1]);
    for (let n = 0; n < 3000 && s.agent(0, AG.SP) !== 0; n++) step0();
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// The same choice at the start of an entry whose start_mm is init_mm (every swapoff's first
// entry): "swcount = *swap_map; if (swcount > 1) { ... shmem_unuse(entry, page); } if
// (*swap_map > 1) { int set_start_mm = (*swap_map >= swcount); ...". A swap_free between the
// two reads leaves set_start_mm 0, and the walk (which stops before init_mm again) pins no
// process's mm. Until the 6 Dec 2026 audit both reads were one instant and mm1 was pinned here.
describe("linux-2.4.16: try_to_unuse starting at init_mm reads the count again after shmem_unuse", () => {
  it("a swap_free between the two reads keeps init_mm start_mm: no process's mm is pinned", () => {
    const r = mmlistRig(V2416);
    const { s, d, start, disk, call } = r;
    const E = r.slot(
      [
        [1, 1],
        [2, 1],
      ],
      7,
    );
    expect(call(1, P.swap_duplicate, [E])).toBe(1); // CPU1 holds a reference of its own
    start(0, P.sys_swapoff, [0]);
    const step0 = () => {
      if (!d.step(0)) d.step(disk);
    };
    // Up to try_to_unuse's TU_LOCK_PAGE: the page locked, swcount read, shmem_unuse next.
    const lockedPage = () => d.trace.some((x) => x.agent === 0 && x.proc === "try_to_unuse" && x.pc === 3);
    for (let n = 0; n < 500 && !lockedPage(); n++) step0();
    expect(lockedPage()).toBe(true);
    const count = s.swapCount(E);
    call(1, P.swap_free, [E]);
    expect(s.swapCount(E)).toBe(count - 1);
    for (let n = 0; n < 500 && !d.trace.some((x) => x.agent === 0 && x.event === EV.UNUSE_DONE && x.a === E); n++) step0();
    // Both ptes were searched (mm1's lowered the count first), but start_mm stays init_mm.
    expect(d.trace.filter((x) => x.agent === 0 && x.event === EV.UNUSE_PTE && x.c === E).map((x) => mmOf(x.b))).toEqual([1, 2]);
    expect([0, 1, 2].map((mm) => s.mm(mm, MM.USERS))).toEqual([1, 1, 1]);
    for (let n = 0; n < 3000 && s.agent(0, AG.SP) !== 0; n++) step0();
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// pre9 (16 Aug 2001): the mm its walk reached becomes last_mm, pinned; for the next entry,
// once its page is read and before lock_page, "Don't hold on to last_mm if it looks like
// exiting": with our pin its only user, mmput(last_mm) is the last put (exit_mmap runs in
// swapoff) and last_mm becomes init_mm; else last_mm is searched first, unlocked, and the walk
// moves it on and puts the old one. Until 6 Dec 2026 the model's pre9 had no such test and
// searched the exited mm2 first with its old ptes, which pre9 cannot.
describe("linux-2.4.10-pre9: try_to_unuse's last_mm pinned across an exit", () => {
  it("the exited mm2 looks like exiting: swapoff's put of it runs exit_mmap before E is searched, and only mm1's pte is unused", () => {
    const r = mmlistRig(V2410);
    const { s, d, start, disk } = r;
    const F = r.slot(
      [
        [1, 1],
        [2, 1],
      ],
      7,
    );
    const E = r.slot(
      [
        [2, 2],
        [1, 2],
      ],
      11,
    );
    expect(F).toBeLessThan(E);
    start(0, P.sys_swapoff, [0]);
    // F's walk from init_mm ends having reached mm2: last_mm, pinned.
    for (let n = 0; n < 500 && s.mm(2, MM.USERS) !== 2; n++) if (!d.step(0)) d.step(disk);
    expect(s.mm(2, MM.USERS)).toBe(2);
    start(1, P.do_exit, [2]);
    for (let n = 0; n < 20 && s.agent(1, AG.STATE) !== ST.SLEEP; n++) d.step(1);
    expect(s.agent(1, AG.STATE)).toBe(ST.SLEEP);
    expect(s.mm(2, MM.USERS)).toBe(1);
    expect(s.pte(2, 2)).toBe(E << 1);
    const mark = d.trace.length;
    for (let n = 0; n < 3000 && s.agent(0, AG.SP) !== 0; n++) if (!d.step(0)) d.step(disk);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(r.e.m.agent_ret(0)).toBe(0);
    const t = d.trace.slice(mark);
    // E read, then mm2's teardown in swapoff's frame (its zap frees mm2's reference to E),
    // then the search, which finds E's pte in mm1 alone.
    const read = t.findIndex((x) => x.agent === 0 && x.event === EV.UNUSE_READ && x.a === E);
    const teardown = t.findIndex((x) => x.agent === 0 && x.event === EV.EXIT_MMAP && x.a === 2);
    const unuses = t.filter((x) => x.agent === 0 && x.event === EV.UNUSE_PTE && x.c === E);
    expect(read).toBeGreaterThan(-1);
    expect(teardown).toBeGreaterThan(read);
    expect(unuses.map((x) => mmOf(x.b))).toEqual([1]);
    expect(t.indexOf(unuses[0])).toBeGreaterThan(teardown);
    d.drain(1);
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(d.trace.slice(mark).findIndex((x) => x.agent === 1 && x.event === EV.EXIT)).toBeGreaterThan(teardown);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

// pre9 (16 Aug 2001) try_to_unuse's walk: "while (*swap_map && (p = p->next) !=
// &last_mm->mmlist) { mm = list_entry(p, struct mm_struct, mmlist); if (mm == &init_mm)
// shmem_unuse(entry, page); else unuse_process(mm, entry, page); }", and the mm reached becomes
// last_mm. shmem_unuse takes and drops shmem_ilock between the count reads on either side of
// init_mm: a swap_free there ends the walk at init_mm, which becomes last_mm, and no process's
// mm is pinned. Until the 6 Dec 2026 audit of the old paths the walk passed init_mm and read
// the count for the next mm in one section, so the walk went on to mm0 and pinned it.
describe("linux-2.4.10-pre9: try_to_unuse's walk passing init_mm reads the count in the next section", () => {
  it("a swap_free after the walk reaches init_mm ends it there: last_mm is init_mm, mm0 unpinned", () => {
    const r = mmlistRig(V2410);
    const { s, d, call } = r;
    expect(r.list()).toEqual([0, 1, 2]); // from mm1 the walk meets mm2, init_mm, mm0
    const F = r.slot([[1, 1]], 7); // F's walk from init_mm reaches mm1: last_mm
    const E = r.slot([[2, 2]], 11);
    expect(F).toBeLessThan(E);
    expect(call(1, P.swap_duplicate, [E])).toBe(1); // CPU1 holds a reference of its own
    // E: last_mm (mm1) searched first (nothing), then the walk searches mm2 and drops its PTL.
    const step0 = swapoffPastMm2(r, () => expect(s.mm(1, MM.USERS)).toBe(2)); // last_mm pinned
    step0(); // the count (CPU1's reference left) is read; the walk reaches init_mm: shmem_unuse
    expect(s.swapCount(E)).toBe(1);
    call(1, P.swap_free, [E]);
    expect(s.swapCount(E)).toBe(0);
    for (let n = 0; n < 500 && !d.trace.some((x) => x.agent === 0 && x.event === EV.UNUSE_DONE && x.a === E); n++) step0();
    // The walk ended at init_mm: mm1's pin was put and mm0 was not pinned (the model before
    // went on past init_mm to mm0 and made it last_mm).
    expect([0, 1, 2].map((mm) => s.mm(mm, MM.USERS))).toEqual([1, 1, 1]);
    for (let n = 0; n < 3000 && s.agent(0, AG.SP) !== 0; n++) step0();
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(r.e.m.agent_ret(0)).toBe(0);
    expect(d.violation()).toBe("none");
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});

describe("the check at rest: every pin put", () => {
  it("an mm left with mm_users 2 is a lock-leak (mm-users), in the host's pass and the model's", () => {
    const r = mmlistRig(V2416);
    expect(r.e.m.clean_at_rest()).toBe(1);
    r.s.setMm(2, MM.USERS, 2);
    expect(r.e.m.clean_at_rest()).toBe(0);
    const v = checkInvariants(r.e, { quiescent: true });
    expect(v.map((x) => x.signature)).toEqual(["lock-leak:mm-users"]);
    expect(INIT_MM).toBe(3);
  });
});
