// set_page_dirty against a delete from the swap cache (mm/filemap.c set_page_dirty, 2.4.16;
// __set_page_dirty, 2.4.0). The zap's __free_pte dirties a dirty pte's page holding only its
// mm's page_table_lock: test_and_set_bit(PG_dirty) and the read of page->mapping in one step,
// pagecache_lock in the next. A delete_from_swap_cache on another CPU (try_to_unuse's, or
// free_swap_and_cache's when vm_swap_full: they hold the page lock) can take the page out of
// swapper_space in between; 2.4.16 then links page->list onto swapper_space's dirty list for a
// page that is no longer in it (2.4.0 follows the NULL mapping): violation dirty-list. 2.4.20's
// set_page_dirty reads the mapping again under the lock and moves nothing (flag
// set-page-dirty-recheck, in linux-2.4.16-fixed). Found by a helper auditing
// assembly/mm/swap_state.ts beside the kernel (6 Dec 2026): before, the model took the lock
// for the uncached page and reported nothing.
import { describe, it, expect } from "vitest";
import { tinyModelRig, useSlot, cachePage, EV } from "../helpers/rig.js";
import { MM } from "../helpers/machine.js";
import { P, PG, PTE } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";

/** Slot E held by the swap cache alone (page f, count 2: the cache's and mm0[3]'s dirty pte);
 *  CPU0's zap of mm0[3] run until set_page_dirty has set PG_dirty (its pagecache_lock next);
 *  then CPU1, holding the page lock as try_to_unuse does, deletes f from the swap cache; then
 *  CPU0 to its end. */
function zapAcrossDelete(model: string) {
  const r = tinyModelRig(model, { rounds: 100, disk: true, noViolation: true });
  const { s, d } = r;
  const E = useSlot(r, 9);
  const f = cachePage(r, E, { keepRef: true, swapRef: true });
  r.run(P.swap_free, [E]); // only the cache holds E now
  expect(s.swapCount(E)).toBe(1);
  s.setPte(0, 3, (f << 4) | PTE.PRESENT | PTE.RW | PTE.DIRTY);
  s.setShadow(0, 3, 9);
  s.setMm(0, MM.RSS, s.mm(0, MM.RSS) + 1);
  expect(s.flags(f) & PG.DIRTY).toBe(0);
  r.start(0, P.zap_page_range, [0, 3, 4, 0]);
  for (let n = 0; n < 20 && (s.flags(f) & PG.DIRTY) === 0; n++) expect(d.step(0)).toBe(true);
  expect(s.flags(f) & (PG.DIRTY | PG.SWAPCACHE)).toBe(PG.DIRTY | PG.SWAPCACHE);
  s.setFlags(f, s.flags(f) | PG.LOCKED); // CPU1's lock_page
  s.setCount(f, s.count(f) + 1); // and its own reference (try_to_unuse's read)
  r.start(1, P.delete_from_swap_cache, [f]);
  d.drain(1);
  expect(s.flags(f) & PG.SWAPCACHE).toBe(0);
  s.setFlags(f, s.flags(f) & ~PG.LOCKED); // its UnlockPage; it keeps its reference
  d.drain(0);
  const cpu0 = (ev: number) => d.trace.filter((t) => t.agent === 0 && t.event === ev).length;
  return { violation: d.violation(), moved: cpu0(EV.SET_DIRTY), gone: cpu0(EV.SET_DIRTY_GONE) };
}

describe("set_page_dirty's mapping, read before pagecache_lock, against a delete from the swap cache", () => {
  it.each(["linux-2.4.16", "linux-2.4.0"])("%s: the page is put on swapper_space's dirty list after it left the cache", (model) => {
    expect(zapAcrossDelete(model)).toEqual({ violation: "dirty-list", moved: 0, gone: 0 });
  });

  it("linux-2.4.16-fixed (set-page-dirty-recheck, 2.4.20): the mapping read again under the lock, nothing moved", () => {
    expect(resolveModel("linux-2.4.16-fixed").flagNames).toContain("set-page-dirty-recheck");
    expect(zapAcrossDelete("linux-2.4.16-fixed")).toEqual({ violation: "none", moved: 0, gone: 1 });
  });
});
