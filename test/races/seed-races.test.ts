// The four routes to the swap-cache duplicate of the September 2001 thread
// (docs/kernel-notes.md, "The seed's races"; docs/seed-mail-000_7c293cf58bcd9bf3.txt), each as
// a hand-written schedule on the model. For every route:
//   (a) the directed run reaches swapcache-unique and its trace tells the route's story;
//   (b) replay: a fresh machine with the same set-up, given the recorded choices, reaches the
//       same violation with one plain run() — the hand-written schedule is a replayable one;
//   (c) the fix: linux-2.4.16 driven the same way, as far as its code lets the race go, ends
//       with one cache page per entry and a consistent machine; switching the fix off
//       (2.4.16 without unique-add) brings the duplicate back.
// Set-ups use the model's own paths (test/races/rig.ts): swapped-out pages are really
// written, unmapped by try_to_swap_out, written to their slots and dropped by shrink_cache.
import { describe, it, expect } from "vitest";
import {
  rig,
  replay,
  expectStory,
  EV,
  EEXIST,
  ENOMEM,
  LINUX_2_4_0,
  LINUX_2_4_10,
  LINUX_2_4_16,
  LINUX_2_4_16_NO_UNIQUE,
  LINUX_2_4_10_RA_REFS,
  type Rig,
  type Beat,
} from "./rig.js";
import { P, G, OP, RUN, makeOp, pteFrame, swpOffset } from "../../src/wasm/abi.js";
import { FLAGS } from "../../src/model/models.js";

/** The event of zap's free of a swap pte: 2.4.16's free_swap_and_cache, or with
 *  exclusive-nolock (2.4.0, 2.4.10-pre9) the bare swap_free of free_pte. */
const EXCLUSIVE_NOLOCK = FLAGS.find((f) => f.name === "exclusive-nolock")!.bit;
const zapFreeEv = (flags: number) => ((flags & EXCLUSIVE_NOLOCK) !== 0 ? EV.SWAP_FREE : EV.FREE_SWAP);
import { modelViolation, checkInvariants } from "../../src/invariants/index.js";
import { readTrace } from "../../src/report/trace.js";

const vpage = (mm: number, page: number) => (mm << 16) | page;

/** The state the set-up left is one the kernel could be in: every invariant holds. */
function expectConsistent(r: Rig) {
  expect(checkInvariants(r.e, { quiescent: true }).map((v) => v.message)).toEqual([]);
}

/** The run stopped on two cache pages for entry, raised by `adder`'s add_to_swap_cache;
 *  returns the two pages (already cached, being added). */
function expectDuplicate(r: Rig, entry: number, adder: number) {
  expect(r.d.violation()).toBe("swapcache-unique");
  const v = modelViolation(r.e)!;
  expect(v.signature).toBe("swapcache-unique@add_to_swap_cache");
  expect(v.details.agent).toBe(adder);
  expect(v.details.a).toBe(entry);
  const pages = [v.details.b as number, v.details.c as number];
  expect(pages[0]).not.toBe(pages[1]);
  expect(r.cacheOf(entry).sort()).toEqual([...pages].sort()); // both hashed under entry
  // The host's deep checker sees the same broken invariant in the stopped machine.
  expect(checkInvariants(r.e, { quiescent: false }).map((v) => v.id)).toContain("swapcache-unique");
  return pages;
}

/** (b): a fresh machine from build(), the directed run's choices, one run(): the same
 *  violation at the same step, and the replayed trace tells the same story. */
function expectReplays(build: () => Rig, r: Rig, beats: Beat[]) {
  const want = modelViolation(r.e)!;
  const rep = replay(build, r.d.choices);
  expect(rep.code).toBe(RUN.VIOLATION);
  expect(rep.steps).toBe(r.d.choices.length);
  expect(rep.violation?.signature).toBe(want.signature);
  expect(rep.violation?.message).toBe(want.message);
  expect(rep.violation?.details).toEqual(want.details);
  expectStory(
    readTrace(rep.e).filter((t) => t.step >= rep.setupSteps),
    beats,
  );
  return rep;
}

/** (c): the fixed kernel ran everything to the end: no violation, every CPU done, the disk
 *  idle, and the whole state consistent (one cache page per entry among the rest). */
function expectFixed(r: Rig) {
  expect(r.d.violation()).toBe("none");
  r.quiet();
  expectConsistent(r);
}

const traced = (r: Rig, agent: number, ev: number, f: (t: { a: number; b: number; c: number }) => boolean) =>
  r.d.trace.some((t) => t.agent === agent && t.event === ev && f(t));

/** (b) for a route, and its control: the recorded schedule replays into the same duplicate,
 *  and the same agents run one after another (no interleaving) end clean. `raceBeats` drives
 *  the route on a built machine and returns the beats its story must show. */
function itReplaysAndNeedsItsInterleaving<X extends Rig>(build: () => X, raceBeats: (x: X) => Beat[]) {
  it("replay: the recorded schedule turns a fresh machine into the same duplicate", () => {
    const x = build();
    const beats = raceBeats(x);
    expectReplays(build, x, beats);
  });

  it("the interleaving is the bug: the same agents, each run until it blocks (CPU order), end clean", () => {
    const x = build();
    x.drainAll();
    expectFixed(x);
  });
}

// ---------------------------------------------------------------------------------------------

describe("Marcelo Tosatti, 11 Sep 2001: readahead without swap_map refs — valid_swaphandles counts E, E is freed, try_to_swap_out gets E back (linux-2.4.10-pre)", () => {
  const A = 0; // faults on mm0[2] (X = E0:5); its readahead window starts at E = E0:4
  const C = 1; // unmaps mm1[1], E's last user
  const B = 2; // reclaim: try_to_swap_out of mm2[0]

  /** Windows of 4 slots (page_cluster 2): E0:4..E0:7 is clear of the header slot 0, which
   *  stops 2.4.10-pre9's scan at once (it has no toff++ for a window at 0). */
  function build(flags: number) {
    const r = rig(flags, { pageCluster: 2 });
    r.swapOut(3, [0, 1, 2]); // E0:1..E0:3
    const [E] = r.swapOut(1, [1]);
    const [X] = r.swapOut(0, [2]);
    r.swapOut(3, [3, 4]); // the rest of swap: get_swap_page can only give what is freed
    r.victim(2, 0);
    const old = pteFrame(r.s.pte(2, 0));
    expectConsistent(r);
    r.start(A, P.access, [0, 2, 0]);
    r.start(C, P.do_munmap, [1, 1, 1]);
    r.start(B, P.swap_out_mm, [2, 1]);
    return { ...r, E, X, old, zapFree: zapFreeEv(flags) };
  }
  type X = ReturnType<typeof build>;

  /** The mail's order, on a kernel whose read_swap_cache_async looks up twice. */
  function race(x: X) {
    x.until(A, EV.VALID_HANDLES);
    x.d.drain(C);
    x.until(A, EV.LOOKUP_MISS, { a: x.E });
    x.until(A, EV.LOOKUP_MISS, { a: x.E }); // the second lookup, after alloc_page
    x.until(B, EV.TSO_GET_SWAP);
    x.until(A, EV.ADD, { b: x.E });
    expect(x.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    x.d.drain(B);
  }
  const beats = (x: X): Beat[] => [
    { what: "A's valid_swaphandles counts from E", agent: A, ev: EV.VALID_HANDLES, a: x.E, c: 0 },
    { what: "E's last user frees it", agent: C, ev: x.zapFree, a: x.E, b: 0 },
    { what: "A's readahead looks up E: miss", agent: A, ev: EV.LOOKUP_MISS, a: x.E },
    { what: "A allocates its page", agent: A, ev: EV.ALLOC },
    { what: "A's second lookup misses", agent: A, ev: EV.LOOKUP_MISS, a: x.E },
    { what: "B's get_swap_page returns E", agent: B, ev: EV.GET_SWAP_PAGE, a: x.E },
    { what: "A's swap_duplicate(E) succeeds", agent: A, ev: EV.SWAP_DUP, a: x.E, c: 1 },
    { what: "A adds its new page for E", agent: A, ev: EV.ADD, b: x.E, c: 1 },
    { what: "B adds its old page for E", agent: B, ev: EV.ADD, b: x.E, c: 2 },
  ];

  it("linux-2.4.10-pre: A adds its new page for E, B its old page: swapcache-unique", () => {
    const x = build(LINUX_2_4_10);
    expect(swpOffset(x.E)).toBe(4);
    expect(x.X).toBe(x.E + 1);
    race(x);
    const [first, second] = expectDuplicate(x, x.E, B);
    const [counted, , , alloc, , , , addA, addB] = expectStory(x.d.trace, beats(x));
    expect(counted.b).toBeGreaterThan(0); // E was counted in use
    expect(first).toBe(alloc.a); // A's newly allocated page went in first ...
    expect(addA.a).toBe(first);
    expect(second).toBe(x.old); // ... then B's old page, mm2[0]'s
    expect(addB.a).toBe(x.old);
  });

  itReplaysAndNeedsItsInterleaving(
    () => build(LINUX_2_4_10),
    (x) => {
      race(x);
      return beats(x);
    },
  );

  it("linux-2.4.16: the same interleaving ends with one cache page: B's add_to_swap_cache gets -EEXIST", () => {
    const x = build(LINUX_2_4_16);
    x.until(A, EV.VALID_HANDLES);
    x.d.drain(C);
    expect(traced(x, C, EV.FREE_SWAP, (t) => t.a === x.E && t.b === 0)).toBe(true);
    x.until(A, EV.LOOKUP_MISS, { a: x.E });
    x.until(A, EV.ALLOC); // 2.4.16 allocates once and has no second lookup
    expect(x.until(B, EV.TSO_GET_SWAP).c).toBe(x.E); // the same window is open
    x.until(A, EV.ADD, { b: x.E }); // swap_duplicate + check-and-insert under pagecache_lock
    x.drainAll();
    expect(traced(x, B, EV.TSO_RETRY, (t) => t.b === x.E && t.c === EEXIST)).toBe(true);
    expect(x.cacheOf(x.E).length).toBe(1);
    expectFixed(x);
  });

  it("linux-2.4.16 without unique-add: the duplicate is back", () => {
    const x = build(LINUX_2_4_16_NO_UNIQUE);
    race(x);
    expectDuplicate(x, x.E, B);
    expectStory(x.d.trace, beats(x));
  });

  it("2.4.10-pre with readahead refs (fix a): E outlives its last user, get_swap_page has nothing to give", () => {
    const x = build(LINUX_2_4_10_RA_REFS);
    x.until(A, EV.VALID_HANDLES, { c: 1 }); // a ref on every slot counted
    x.d.drain(C);
    expect(traced(x, C, x.zapFree, (t) => t.a === x.E && t.b === 1)).toBe(true); // readahead's ref
    x.until(A, EV.LOOKUP_MISS, { a: x.E });
    x.until(A, EV.LOOKUP_MISS, { a: x.E });
    expect(x.tryUntil(B, EV.TSO_GET_SWAP)?.c).toBe(0); // swap is full: nothing freed
    x.drainAll();
    expectFixed(x);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Marcelo Tosatti, 14 Sep 2001, confirmed by Hugh Dickins: get_swap_page → E, readahead\'s valid_swaphandles + swap_duplicate(E), add_to_swap_cache twice — "has been there forever" (linux-2.4.0)', () => {
  const B = 0; // CPU0 in the mail: try_to_swap_out of mm2[0]
  const A = 1; // CPU1: faults on mm0[1] (X = E0:4), swapin readahead over X's window

  /** Windows of 4 slots (page_cluster 2); X's, E0:4..E0:7, is clear of the header slot 0,
   *  whose SWAP_MAP_BAD stops 2.4.0's and 2.4.10-pre9's scan at once. */
  function build(flags: number) {
    const r = rig(flags, { cpus: 2, pageCluster: 2 });
    r.swapOut(3, [0, 1, 2]); // E0:1..E0:3
    const [X] = r.swapOut(0, [1]);
    expect(swpOffset(X)).toBe(4);
    r.victim(2, 0);
    expectConsistent(r);
    r.start(B, P.swap_out_mm, [2, 1]);
    r.start(A, P.access, [0, 1, 0]);
    return { ...r, X };
  }
  type X = ReturnType<typeof build>;

  /** The mail's diagram: CPU0 get_swap_page; CPU1 valid_swaphandles, swap_duplicate and its
   *  lookups; CPU0 add_to_swap_cache; CPU1 add_to_swap_cache. Returns E. */
  function race(x: X) {
    const E = x.until(B, EV.TSO_GET_SWAP).c;
    x.until(A, EV.VALID_HANDLES);
    x.until(A, EV.LOOKUP_MISS, { a: E });
    x.until(A, EV.LOOKUP_MISS, { a: E }); // the last lookup before its add
    x.until(B, EV.ADD, { b: E });
    expect(x.d.step(B)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    x.d.drain(A);
    return E;
  }
  const beats = (x: X, E: number): Beat[] => [
    { what: "CPU0's get_swap_page returns E", agent: B, ev: EV.GET_SWAP_PAGE, a: E },
    { what: "CPU1's valid_swaphandles counts X's window, refs taken", agent: A, ev: EV.VALID_HANDLES, a: x.X, c: 1 },
    { what: "CPU1's read_swap_cache_async: swap_duplicate(E)", agent: A, ev: EV.SWAP_DUP, a: E, c: 1 },
    { what: "CPU1's lookup of E misses", agent: A, ev: EV.LOOKUP_MISS, a: E },
    { what: "CPU1's lookup after alloc_page misses", agent: A, ev: EV.LOOKUP_MISS, a: E },
    { what: "CPU0's add_to_swap_cache", agent: B, ev: EV.ADD, b: E, c: 1 },
    { what: "CPU1's add_to_swap_cache: BOOM", agent: A, ev: EV.ADD, b: E, c: 2 },
  ];

  it("linux-2.4.0: BOOM — two pages for E, with no slot freed anywhere", () => {
    const x = build(LINUX_2_4_0);
    const E = race(x);
    expect(E).toBe(x.X + 1); // the next slot: inside X's readahead window
    expectDuplicate(x, E, A);
    const [, counted] = expectStory(x.d.trace, beats(x, E));
    expect(swpOffset(counted.a) + counted.b).toBeGreaterThan(swpOffset(E)); // E counted, in use
    // "No freeing needed": E's count never went back to 0.
    expect(x.d.trace.some((t) => (t.event === EV.SWAP_FREE || t.event === EV.FREE_SWAP) && t.a === E && t.b === 0)).toBe(false);
  });

  itReplaysAndNeedsItsInterleaving(
    () => build(LINUX_2_4_0),
    (x) => beats(x, race(x)),
  );

  it("linux-2.4.16: CPU1's add_to_swap_cache finds CPU0's page (-EEXIST) and its lookup returns that page", () => {
    const x = build(LINUX_2_4_16);
    const E = x.until(B, EV.TSO_GET_SWAP).c;
    x.until(A, EV.VALID_HANDLES);
    x.until(A, EV.LOOKUP_MISS, { a: E });
    x.until(A, EV.ALLOC);
    const added = x.until(B, EV.ADD, { b: E });
    x.drainAll();
    expect(traced(x, A, EV.ADD_EEXIST, (t) => t.b === E && t.c === added.a)).toBe(true);
    expect(traced(x, A, EV.LOOKUP_HIT, (t) => t.a === E && t.b === added.a)).toBe(true);
    expect(x.cacheOf(E)).toEqual([added.a]);
    expectFixed(x);
  });

  it("linux-2.4.16 without unique-add: the duplicate is back", () => {
    const x = build(LINUX_2_4_16_NO_UNIQUE);
    const E = race(x);
    expectDuplicate(x, E, A);
    // 2.4.10-pre's read_swap_cache_async: lookup, alloc, lookup again, then swap_duplicate,
    // which succeeds on E whether or not CPU0 has added its page yet.
    expectStory(x.d.trace, [
      { what: "CPU0's get_swap_page returns E", agent: B, ev: EV.GET_SWAP_PAGE, a: E },
      { what: "CPU1's valid_swaphandles counts X's window, no refs", agent: A, ev: EV.VALID_HANDLES, a: x.X, c: 0 },
      { what: "CPU1's lookup after alloc_page misses", agent: A, ev: EV.LOOKUP_MISS, a: E },
      { what: "CPU0's add_to_swap_cache", agent: B, ev: EV.ADD, b: E, c: 1 },
      { what: "CPU1's swap_duplicate(E)", agent: A, ev: EV.SWAP_DUP, a: E, c: 1 },
      { what: "CPU1's add_to_swap_cache", agent: A, ev: EV.ADD, b: E, c: 2 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Hugh Dickins, 14 Sep 2001 (the seed mail): multithreaded vm_swap_full deletion (linux-2.4.10-pre)", () => {
  const A = 0; // do_swap_page of mm0[1] (E = E0:1), misses and waits for the BKL
  const T = 1; // another thread of mm0 faulting on the same page
  const B = 2; // reclaim on another CPU: try_to_swap_out of mm1[0]

  function build(flags: number) {
    const r = rig(flags);
    const [E] = r.swapOut(0, [1]); // slot 1: its readahead window starts at the BAD slot 0
    r.swapOut(3, [0, 1, 2, 3, 4, 5]); // swap full: vm_swap_full()
    r.victim(1, 0);
    expectConsistent(r);
    r.start(A, P.access, [0, 1, 0]);
    r.start(T, P.access, [0, 1, 0]);
    r.start(B, P.swap_out_mm, [1, 1]);
    return { ...r, E, value: r.s.shadow(0, 1) };
  }
  type X = ReturnType<typeof build>;

  function race(x: X) {
    x.until(A, EV.SWAP_MISS);
    x.untilIO(T, EV.READ); // T's whole fault, its read I/O included
    x.until(A, EV.ALLOC);
    x.until(B, EV.TSO_GET_SWAP);
    x.until(A, EV.ADD, { b: x.E });
    expect(x.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    x.d.drain(B);
  }
  const beats = (x: X): Beat[] => [
    { what: "CPU0's lookup misses", agent: A, ev: EV.SWAP_MISS, a: x.E },
    { what: "CPU1 deletes the exclusive page from the cache (vm_swap_full)", agent: T, ev: EV.SWAP_FULL_DELETE, b: x.E },
    { what: "... and swap_frees E completely", agent: T, ev: EV.SWAP_FREE, a: x.E, b: 0 },
    { what: "CPU1 reads the value", agent: T, ev: EV.READ, a: vpage(0, 1), b: x.value },
    { what: "CPU0 gets the BKL", agent: A, ev: EV.LOCK_KERNEL },
    { what: "readahead does nothing", agent: A, ev: EV.VALID_HANDLES, b: 0 },
    { what: "bare read_swap_cache_async: lookup misses", agent: A, ev: EV.LOOKUP_MISS, a: x.E },
    { what: "it allocates", agent: A, ev: EV.ALLOC },
    { what: "CPU2's get_swap_page gives the entry just freed", agent: B, ev: EV.GET_SWAP_PAGE, a: x.E },
    { what: "CPU0's swap_duplicate", agent: A, ev: EV.SWAP_DUP, a: x.E, c: 1 },
    { what: "CPU0's add_to_swap_cache", agent: A, ev: EV.ADD, b: x.E, c: 1 },
    { what: "CPU2's add_to_swap_cache", agent: B, ev: EV.ADD, b: x.E, c: 2 },
  ];

  it("linux-2.4.10-pre: CPU0's read and CPU2's swap-out both add a page for the freed E", () => {
    const x = build(LINUX_2_4_10);
    race(x);
    expectDuplicate(x, x.E, B);
    expectStory(x.d.trace, beats(x));
  });

  itReplaysAndNeedsItsInterleaving(
    () => build(LINUX_2_4_10),
    (x) => {
      race(x);
      return beats(x);
    },
  );

  it("linux-2.4.16: one cache page for E, both threads read the value, CPU2 retries elsewhere", () => {
    const x = build(LINUX_2_4_16);
    x.until(A, EV.SWAP_MISS);
    x.untilIO(T, EV.READ);
    expect(traced(x, T, EV.SWAP_FREE, (t) => t.a === x.E && t.b === 0)).toBe(true); // remove_exclusive_swap_page
    x.until(A, EV.ALLOC);
    expect(x.until(B, EV.TSO_GET_SWAP).c).toBe(x.E);
    x.until(A, EV.ADD, { b: x.E });
    x.drainAll();
    expect(traced(x, B, EV.TSO_RETRY, (t) => t.b === x.E && t.c === EEXIST)).toBe(true);
    expect(x.d.trace.filter((t) => t.event === EV.READ).map((t) => [t.agent, t.b])).toEqual([
      [T, x.value],
      [A, x.value],
    ]);
    expectFixed(x);
  });

  it("linux-2.4.16 without unique-add: the duplicate is back", () => {
    const x = build(LINUX_2_4_16_NO_UNIQUE);
    race(x);
    expectDuplicate(x, x.E, B);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Hugh Dickins, 14 Sep 2001 (the seed mail): via swapoff — try_to_unuse frees E, then -ENOMEM or swapon makes it allocatable while a reader still wants E", () => {
  const A = 0; // do_swap_page of mm0[1] (E = E0:1): misses, then waits for the BKL
  const S = 1; // swapoff of area 0 (then, in one variant, swapon)
  const B = 2; // reclaim: try_to_swap_out of mm2[0] (-ENOMEM variant: buildEnomem says which)
  const C = 3; // -ENOMEM variant: another process unmaps memory after swapoff gave up

  /** swapoff succeeds; `swapon` = swapon straight after it, on the same CPU. */
  function buildSwapon(flags: number, swapon = true) {
    const r = rig(flags);
    const [E] = r.swapOut(0, [1]);
    r.victim(2, 0);
    expectConsistent(r);
    r.start(A, P.access, [0, 1, 0]);
    r.ops(S, swapon ? [makeOp(OP.SWAPOFF, 0, 0, 0), makeOp(OP.SWAPON, 0, 0, 0)] : [makeOp(OP.SWAPOFF, 0, 0, 0)]);
    r.start(B, P.swap_out_mm, [2, 1]);
    return { ...r, E, value: r.s.shadow(0, 1) };
  }

  /** Swap full, memory full but one page: try_to_unuse reads E into the last free page, frees
   *  it, then cannot read F (E0:2) → -ENOMEM, and the area is WRITEOK again. */
  function buildEnomem(flags: number) {
    const r = rig(flags, { cpus: 4, frames: 10 });
    const [E] = r.swapOut(0, [1]);
    const [F] = r.swapOut(1, [1]);
    r.swapOut(3, [0, 1, 2, 3, 4]);
    r.victim(2, 0);
    for (const p of [5, 6, 7]) r.write(3, p);
    for (const p of [2, 3, 4, 5]) r.write(1, p);
    expect(r.s.g(G.NR_FREE)).toBe(1);
    expect(r.s.g(G.NR_SWAP_PAGES)).toBe(0);
    expectConsistent(r);
    r.start(A, P.access, [0, 1, 0]);
    r.start(S, P.sys_swapoff, [0]);
    // B is a whole swap_out (started directly: no current->mm of its own). The swapoff's own
    // allocations reclaim first (memory is full) and move swap_mm on; B picks when it first
    // runs, after them. 2.4.16: their walks take every mm to TASK_SIZE (a walk of mm2 picked
    // before them would back out, "We raced"); B picks mm0 and takes mm0[1], the page
    // try_to_unuse mapped for A. 2.4.10-pre9: the swapoff (no current->mm either) made
    // ((4 << 4) >> p) + 1 round-robin picks at each priority 6..1, 69 in all, the last mm2;
    // B picks mm3, whose swap_address the swapoff's last walk of it left at vm_end (it stopped
    // on its count at mm3[7]), finds nothing there and resets it, then picks mm0 and walks
    // swap_amount = rss ptes from 0, taking mm0[1] as 2.4.16's B does. (Until such a walk kept
    // swap_address, 5 Dec 2026, B walked mm3 from 0 and took mm3[5], C's unmap then waiting on
    // the mm3 PTL B held.) C frees mm3[6..7] before B's walk, which holds mm0's PTL until its
    // add: A's alloc_page then finds a free page and A does not reclaim into the PTL B holds
    // (without C, A's reclaim spins on it).
    r.start(B, P.swap_out, [6]);
    r.start(C, P.do_munmap, [3, 6, 2]);
    return { ...r, E, F, value: r.s.shadow(0, 1) };
  }
  type X = ReturnType<typeof buildSwapon> & { F?: number };

  /** A misses; swapoff runs (and fails, or is followed by swapon); [C frees memory]; B takes
   *  E; A reads E; B adds its page. C runs before B's walk, which holds mm0's PTL until its
   *  add: A's allocation then needs no reclaim, which would spin on that PTL (buildEnomem). */
  function race(x: X, enomem: boolean) {
    x.until(A, EV.SWAP_MISS);
    x.untilIO(S, enomem ? EV.SWAPOFF_FAILED : EV.SWAPON);
    if (enomem) x.d.drain(C);
    x.until(B, EV.TSO_GET_SWAP);
    x.until(A, EV.ADD, { b: x.E });
    expect(x.d.step(A)).toBe(true); // pcl-lru: lru_cache_add inside the add's PCL hold, then PCL dropped
    x.d.drain(B);
  }
  const beats = (x: X, enomem: boolean): Beat[] => [
    { what: "A's lookup of E misses", agent: A, ev: EV.SWAP_MISS, a: x.E },
    { what: "swapoff: area 0 not allocatable", agent: S, ev: EV.SWAPOFF, a: 0 },
    { what: "try_to_unuse reads E", agent: S, ev: EV.UNUSE_READ, a: x.E },
    { what: "try_to_unuse replaces A's swap pte by the page", agent: S, ev: EV.UNUSE_PTE, b: vpage(0, 1), c: x.E },
    { what: "try_to_unuse frees E", agent: S, ev: EV.SWAP_FREE, a: x.E, b: 0 },
    ...((enomem
      ? [
          { what: "try_to_unuse reads F", agent: S, ev: EV.UNUSE_READ, a: x.F },
          { what: "no page for F", agent: S, ev: EV.ALLOC_FAIL },
          { what: "try_to_unuse gives up", agent: S, ev: EV.UNUSE_NOMEM, a: x.F },
          { what: "swapoff fails: area 0 WRITEOK again", agent: S, ev: EV.SWAPOFF_FAILED, a: 0, b: ENOMEM },
        ]
      : [
          { what: "swapoff completes", agent: S, ev: EV.SWAPOFF_DONE, a: 0 },
          { what: "swapon straight after", agent: S, ev: EV.SWAPON, a: 0 },
        ]) as Beat[]),
    { what: "B's get_swap_page hands out E again", agent: B, ev: EV.GET_SWAP_PAGE, a: x.E },
    { what: "A gets the BKL", agent: A, ev: EV.LOCK_KERNEL },
    // E0:1's window starts at the header slot 0: 2.4.10-pre9's scan stops there at once.
    { what: "A's readahead reads nothing", agent: A, ev: EV.VALID_HANDLES, b: 0 },
    { what: "A's lookup misses", agent: A, ev: EV.LOOKUP_MISS, a: x.E },
    { what: "A's second lookup misses", agent: A, ev: EV.LOOKUP_MISS, a: x.E },
    { what: "A's swap_duplicate(E) succeeds", agent: A, ev: EV.SWAP_DUP, a: x.E, c: 1 },
    { what: "A adds its page for E", agent: A, ev: EV.ADD, b: x.E, c: 1 },
    { what: "B adds its page for E", agent: B, ev: EV.ADD, b: x.E, c: 2 },
  ];

  describe.each([
    ["swapoff fails with -ENOMEM", true, (f: number) => buildEnomem(f) as X],
    ["swapon straight after swapoff", false, (f: number) => buildSwapon(f) as X],
  ] as const)("%s", (_name, enomem, build) => {
    it("linux-2.4.10-pre: E is handed out again while A still reads it: swapcache-unique", () => {
      const x = build(LINUX_2_4_10);
      race(x, enomem);
      expectDuplicate(x, x.E, B);
      expectStory(x.d.trace, beats(x, enomem));
    });

    itReplaysAndNeedsItsInterleaving(
      () => build(LINUX_2_4_10),
      (x) => {
        race(x, enomem);
        return beats(x, enomem);
      },
    );

    it("linux-2.4.16: A's add_to_swap_cache wins, B's gets -EEXIST; A finds its pte resolved by try_to_unuse", () => {
      const x = build(LINUX_2_4_16);
      x.until(A, EV.SWAP_MISS);
      x.untilIO(S, enomem ? EV.SWAPOFF_FAILED : EV.SWAPON);
      expect(x.until(B, EV.TSO_GET_SWAP).c).toBe(x.E);
      if (enomem) x.d.drain(C);
      x.until(A, EV.ADD, { b: x.E });
      x.drainAll();
      expect(traced(x, B, EV.TSO_RETRY, (t) => t.b === x.E && t.c === EEXIST)).toBe(true);
      // try_to_unuse mapped A's page meanwhile: A backs off at pte_same after its read, or (its
      // readahead page reclaimed and E freed again) when read_swap_cache_async gives nothing.
      const backedOff =
        traced(x, A, EV.PTE_CHANGED, (t) => t.a === x.E) || traced(x, A, EV.SWAP_READ_NONE, (t) => t.a === x.E && t.b === 1);
      expect(backedOff).toBe(true);
      expect(x.d.trace.filter((t) => t.event === EV.READ && t.agent === A).map((t) => t.b)).toEqual([x.value]);
      expectFixed(x);
    });

    it("linux-2.4.16 without unique-add: the duplicate is back", () => {
      const x = build(LINUX_2_4_16_NO_UNIQUE);
      race(x, enomem);
      expectDuplicate(x, x.E, B);
    });
  });

  it("linux-2.4.10-pre, swapoff alone: the area is not allocatable, so E cannot be handed out (the mail's rescue)", () => {
    const x = buildSwapon(LINUX_2_4_10, false);
    x.until(A, EV.SWAP_MISS);
    x.untilIO(S, EV.SWAP_FREE, { a: x.E, b: 0 }); // try_to_unuse has freed E
    expect(x.tryUntil(B, EV.TSO_GET_SWAP)?.c).toBe(0); // get_swap_page: nothing
    x.drainAll();
    expect(traced(x, S, EV.SWAPOFF_DONE, (t) => t.a === 0)).toBe(true);
    expect(x.d.trace.filter((t) => t.event === EV.READ && t.agent === A).map((t) => t.b)).toEqual([x.value]);
    expectFixed(x);
  });
});
