// mm/page_alloc.c __alloc_pages (every release): "if (z->free_pages > min) { page =
// rmqueue(z, order); if (page) return page; }". The watermark test reads the free count with
// no lock; rmqueue takes zone->lock. Another CPU can act between the two (assembly/mm/
// page_alloc.ts alloc_page, AP_TRY -> AP_RMQUEUE_LOW, AP_TEST_MIN -> AP_RMQUEUE_MIN). Until
// 6 Dec 2026 each test and its rmqueue were one section, and neither schedule below could run.
import { describe, it, expect } from "vitest";
import { AG, G } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, EV, VARIANTS } from "../helpers/rig.js";
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
