// mm/page_alloc.c __alloc_pages (every release): "if (z->free_pages > min) { page =
// rmqueue(z, order); if (page) return page; }". The watermark test reads the free count with
// no lock; rmqueue takes zone->lock. Another CPU can act between the two (assembly/mm/
// page_alloc.ts alloc_page, AP_TRY -> AP_RMQUEUE_LOW, AP_TEST_MIN -> AP_RMQUEUE_MIN). Until
// 6 Dec 2026 each test and its rmqueue were one section, and neither schedule below could run.
import { describe, it, expect } from "vitest";
import { AG, G } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, EV, VARIANTS, LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16, cachePage, useSlot } from "../helpers/rig.js";
import { P, ST } from "../../src/wasm/abi.js";

const CALLS = { rounds: 100, disk: false, noViolation: true } as const;

/** 2 CPUs and kswapd (idle, asleep on kswapd_wait), the free count one over the low
 *  watermark's threshold (CFG_FREE_LOW: a page is taken while free > it), pages_min's well
 *  below it. */
function rig(flags: number) {
  const config = { ...SMALL_RIG, frames: 16, kswapd: true, flags };
  const free = directedRig(config, CALLS).s.g(G.NR_FREE);
  const low = free - 1;
  const r = directedRig({ ...config, freeMin: 1, freeLow: low, freeHigh: low + 1 }, CALLS);
  expect(r.s.g(G.NR_FREE)).toBe(free);
  return { ...r, free, low, kswapd: r.e.config.cpus + 1 };
}

describe.each(VARIANTS)("linux-%s: __alloc_pages' low watermark test and rmqueue are steps apart", (_name, flags) => {
  it("two allocators both pass the test at low + 1 and take the free count below it; kswapd is not woken", () => {
    const { s, d, start, free, low, kswapd } = rig(flags);
    start(0, P.alloc_page, []);
    start(1, P.alloc_page, []);
    d.step(0); // CPU0: free_pages > low
    d.step(1); // CPU1: free_pages > low, the same count
    expect(s.g(G.NR_FREE)).toBe(free);
    d.step(0); // CPU0's rmqueue
    d.step(1); // CPU1's rmqueue
    expect([s.agent(0, AG.SP), s.agent(1, AG.SP)]).toEqual([0, 0]);
    expect(s.agent(0, AG.RET)).not.toBe(0);
    expect(s.agent(1, AG.RET)).not.toBe(0);
    expect(s.agent(0, AG.RET)).not.toBe(s.agent(1, AG.RET));
    expect(s.g(G.NR_FREE)).toBe(low - 1); // at or below the watermark now...
    expect(s.g(G.KSWAPD_WAKE)).toBe(0); // ...and nobody woke kswapd
    expect(s.agent(kswapd, AG.STATE)).toBe(ST.IDLE);
    expect(d.violation()).toBe("none");
  });

  it("one after the other, the second allocator's test fails and it wakes kswapd", () => {
    const { s, d, start, low, kswapd } = rig(flags);
    start(0, P.alloc_page, []);
    d.drain(0);
    start(1, P.alloc_page, []);
    d.drain(1);
    expect(s.agent(1, AG.RET)).not.toBe(0); // above pages_min: it still gets a page
    expect(s.g(G.NR_FREE)).toBe(low - 1);
    expect(s.g(G.KSWAPD_WAKE)).toBe(1);
    expect(s.agent(kswapd, AG.STATE)).toBe(ST.RUNNABLE);
  });

  it("a passed test can meet an empty free list: rmqueue returns NULL and the path goes on to the wake", () => {
    // Watermarks 0 (a page is taken while free > 0), one free page left.
    const r = directedRig({ ...SMALL_RIG, frames: 16, kswapd: true, flags }, CALLS);
    const { s, d, start, call } = r;
    const kswapd = r.e.config.cpus + 1;
    while (s.g(G.NR_FREE) > 1) expect(call(0, P.alloc_page)).not.toBe(0);
    s.setG(G.KSWAPD_WAKE, 0);
    start(0, P.alloc_page, []);
    start(1, P.alloc_page, []);
    d.step(0); // CPU0: free_pages (1) > 0
    d.step(1); // CPU1: the same
    d.step(0); // CPU0 takes the last page
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.g(G.NR_FREE)).toBe(0);
    expect(s.g(G.KSWAPD_WAKE)).toBe(0); // CPU1 passed its test: it has not woken kswapd
    d.step(1); // CPU1's rmqueue finds the list empty
    expect(s.agent(1, AG.SP)).not.toBe(0); // no page: on to the min test and reclaim
    expect(d.trace.some((t) => t.agent === 1 && t.event === EV.ALLOC)).toBe(false);
    expect(s.g(G.KSWAPD_WAKE)).toBe(1);
    expect(s.agent(kswapd, AG.STATE)).not.toBe(ST.IDLE);
  });
});

// After balance_classzone (2.4.16 mm/page_alloc.c): a local page the reclaim kept but may not
// take ("if (likely(__freed))" false) goes back to the free lists under zone->lock, and
// __alloc_pages' "if (z->free_pages > min) rmqueue" comes after, with no lock between. Until
// the 6 Dec 2026 audit the three were one section, and the LIFO free stack handed the reclaimer its own
// page back every time.
describe("linux-2.4.16: after direct reclaim, the page given back can go to another CPU first", () => {
  it("CPU1 takes the page CPU0's reclaim freed back; CPU0's test finds nothing and yields for another round", () => {
    const r = directedRig({ ...SMALL_RIG, frames: 12, flags: LINUX_2_4_16 }, CALLS);
    const { s, d, start, call } = r;
    const page = cachePage(r, useSlot(r, 1), { keepRef: false, swapRef: true }); // the one page reclaim can free
    while (s.g(G.NR_FREE) > 0) expect(call(1, P.alloc_page)).not.toBe(0);
    start(0, P.alloc_page); // nothing free: direct reclaim
    const back = () => d.trace.some((x) => x.agent === 0 && x.proc === "alloc_page" && x.pc === 1);
    for (let n = 0; n < 300 && !back(); n++) d.step(0);
    // try_to_free_pages freed the page onto CPU0's local_pages (flag local-pages) short of what
    // it was asked for, so CPU0 gave it back: free, and CPU0 still in alloc_page.
    const local = d.trace.find((x) => x.agent === 0 && x.event === EV.ALLOC_LOCAL);
    expect(local).toMatchObject({ a: page, c: 0 });
    expect(s.g(G.NR_FREE)).toBe(1);
    expect(s.agent(0, AG.SP)).not.toBe(0);
    expect(call(1, P.alloc_page)).toBe(page); // CPU1's fast path takes it
    for (let n = 0; n < 5 && !d.trace.some((x) => x.agent === 0 && x.event === EV.ALLOC_YIELD); n++) d.step(0);
    expect(d.trace.some((x) => x.agent === 0 && x.event === EV.ALLOC_YIELD)).toBe(true);
    expect(s.agent(0, AG.SP)).not.toBe(0); // no page yet: the next rebalance round
    expect(d.violation()).toBe("none");
  });
});

// linux-2.4.0 mm/page_alloc.c __alloc_pages, after the PAGES_HIGH and PAGES_LOW tries fail:
// "wakeup_kswapd(0); if (gfp_mask & __GFP_WAIT) { __set_current_state(TASK_RUNNING);
// current->policy |= SCHED_YIELD; schedule(); }" before the PAGES_MIN try. schedule() lets
// the BKL go (assembly/mm/page_alloc.ts wake_then_test_min, flag alloc-wait-kswapd; SCHED_YIELD
// adds no interleaving and is not a PCT demotion there, as the function's comment argues).
// Until the 6 Dec 2026 audit of the old paths the model kept the BKL there.
describe("__alloc_pages' wake before the min test: 2.4.0's schedule() lets the BKL go", () => {
  /** CPU0 holds the BKL (a swap-in under bkl-swapin, say) and allocates with the free count at
   *  the low watermark's threshold (the low test fails), well above pages_min's. */
  function bklRig(flags: number) {
    const config = { ...SMALL_RIG, frames: 16, kswapd: true, flags };
    const free = directedRig(config, CALLS).s.g(G.NR_FREE);
    const r = directedRig({ ...config, freeMin: 1, freeLow: free, freeHigh: free + 1 }, CALLS);
    r.s.setG(G.BKL, 1); // CPU0 + 1, once
    r.s.setAgent(0, AG.BKL_DEPTH, 1);
    r.start(0, P.alloc_page, []);
    r.e.m.yield_take();
    return { ...r, free };
  }

  it("linux-2.4.0: the low test fails, kswapd is woken, and the BKL is free before the min test", () => {
    const { s, d, e, start, free } = bklRig(LINUX_2_4_0);
    d.step(0); // the low test fails: wakeup_kswapd, SCHED_YIELD, schedule()
    expect(s.g(G.KSWAPD_WAKE)).toBe(1);
    expect(e.m.yield_take()).toBe(-1); // not a wait loop: no PCT demotion
    expect(s.g(G.BKL)).toBe(0);
    expect(s.agent(0, AG.BKL_SAVED)).toBe(1);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.BKL_DROPPED)).toBe(true);
    // Another CPU takes the BKL meanwhile (sys_swapoff's lock_kernel): CPU0 cannot run its
    // min test until swapoff lets it go.
    start(1, P.sys_swapoff, [0]);
    expect(d.step(1)).toBe(true);
    expect(s.g(G.BKL)).toBe(2);
    d.step(0);
    expect(s.agent(0, AG.STATE)).toBe(ST.SPIN);
    expect(s.g(G.NR_FREE)).toBe(free);
    d.drain(1); // swapoff of an empty area runs to its end and unlocks
    expect(s.agent(1, AG.SP)).toBe(0);
    expect(s.g(G.BKL)).toBe(0);
    d.drain(0); // retakes the BKL, the min test passes, rmqueue
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(s.agent(0, AG.RET)).not.toBe(0);
    expect(s.g(G.BKL)).toBe(1);
    expect(s.agent(0, AG.BKL_DEPTH)).toBe(1);
    expect(d.violation()).toBe("none");
  });

  it.each([
    ["2.4.16", LINUX_2_4_16],
    ["2.4.10-pre", LINUX_2_4_10],
  ] as const)("linux-%s: no yield there, the BKL kept (its wake shares the low test's step)", (_name, flags) => {
    const { s, d, e } = bklRig(flags);
    d.step(0);
    expect(s.g(G.KSWAPD_WAKE)).toBe(1);
    expect(e.m.yield_take()).toBe(-1);
    expect(s.g(G.BKL)).toBe(1);
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.BKL_DROPPED)).toBe(false);
  });
});
