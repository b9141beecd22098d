// rw_swap_page (mm/page_io.c, 2.4.0 and 2.4.16) checks that "all swap pages go through the swap
// cache": PAGE_BUG unless the page is locked, PageSwapCache, and its mapping is swapper_space.
// The model checked only the lock until 6 Dec 2026 (a helper's value audit of page_io.ts): a
// locked page outside the swap cache was written to the slot its page->index named. No model
// path hands it such a page today; the check keeps a new caller honest.
import { describe, it, expect } from "vitest";
import { tinyModelRig, useSlot } from "../helpers/rig.js";
import { P, PG, BUG } from "../../src/wasm/abi.js";
import { G } from "../helpers/machine.js";

describe("rw_swap_page of a page not in the swap cache", () => {
  it.each(["linux-2.4.16", "linux-2.4.0"])("%s: PAGE_BUG, nothing written", (model) => {
    const r = tinyModelRig(model, { rounds: 100, disk: true, noViolation: false });
    const { s, d } = r;
    const E = useSlot(r, 9);
    const f = r.run(P.alloc_page);
    s.setFlags(f, s.flags(f) | PG.LOCKED);
    s.setIndex(f, E); // page->index names a live slot, but the page is not in the swap cache
    s.setContent(f, 1234);
    r.start(0, P.rw_swap_page_sync, [f, 1 /* WRITE */]);
    r.finish([0, r.disk], 10); // the BUG stops the run: it never returns
    expect(d.violation()).toBe("bug-on");
    expect([s.g(G.VIOL_A), s.g(G.VIOL_B)]).toEqual([BUG.RW_UNCACHED, f]);
    expect(s.slotContent(E)).not.toBe(1234);
  });
});
