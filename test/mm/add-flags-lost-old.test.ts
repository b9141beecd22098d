// 2.4.0 and 2.4.10-pre9 mm/swap_state.c add_to_swap_cache (flag add-before-pcl): "flags =
// page->flags & ~((1 << PG_error) | (1 << PG_arch_1)); page->flags = flags | (1 <<
// PG_uptodate);" is a plain load and a plain store of the whole word, with no lock that the
// page's other writers take. try_to_swap_out holds the page lock and the mm's page_table_lock
// there; the LRU's writers (deactivate_page under pagemap_lru_lock, from refill_inactive) take
// neither. So a deactivation between the load and the store is undone: the page stays on the
// inactive list with PG_active set again, and the active count falls below the list (in 2.4.0,
// with PG_inactive_dirty cleared too: page_launder's "wrong page on list"). The same plain
// store in 2.4.16's __add_to_page_cache is flag plain-add-flags (fixed in 2.4.23); there no
// model path reaches the window. Found by the pre9 hunts once pre9 took add-before-pcl (6 Dec
// 2026): `hunt --sched random --page-cluster 0 --seed 2` reports lru:nr_active_pages.
import { describe, it, expect } from "vitest";
import { AG, G } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, EV } from "../helpers/rig.js";
import { P, PG, pteFrame } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";

function activePageBeingAdded(model: string, without: string[] = []) {
  const m = resolveModel(model, [], without);
  const r = directedRig({ ...SMALL_RIG, flags: m.flags, flags2: m.flags2, kswapd: false }, { rounds: 100, disk: true, noViolation: true });
  const { s, d, start, call } = r;
  call(0, P.access, [0, 3, 1]);
  const f = pteFrame(s.pte(0, 3));
  call(1, P.mark_page_accessed, [f]);
  call(1, P.mark_page_accessed, [f]); // the second touch activates it
  expect(s.flags(f) & (PG.ACTIVE | PG.LRU)).toBe(PG.ACTIVE | PG.LRU);
  const entry = call(1, P.get_swap_page);
  s.setFlags(f, s.flags(f) | PG.LOCKED); // try_to_swap_out's TryLockPage
  start(0, P.add_to_swap_cache, [f, entry]);
  return { ...r, f, entry, s, d };
}

describe.each(["linux-2.4.0", "linux-2.4.10-pre"])("%s add_to_swap_cache's plain store of page->flags", (model) => {
  it("undoes a deactivate_page between its load and its store: PG_active on the inactive list", () => {
    const r = activePageBeingAdded(model);
    const { s, d, f, start, disk } = r;
    expect(d.step(0)).toBe(true); // PageTestandSetSwapCache and the load of page->flags
    const active = s.g(G.NR_ACTIVE);
    start(1, P.try_to_free_pages); // refill_inactive moves the page to the inactive list
    d.untilEvent(1, EV.REFILL);
    expect(s.flags(f) & PG.ACTIVE).toBe(0);
    expect(s.g(G.NR_ACTIVE)).toBe(active - 1);
    expect(d.step(0)).toBe(true); // page->flags = flags | PG_uptodate: PG_active back
    expect(s.flags(f) & PG.ACTIVE).toBe(PG.ACTIVE);
    const lost = d.trace.find((t) => t.agent === 0 && t.event === EV.ADD_FLAGS_LOST_OLD);
    expect(lost?.a).toBe(f);
    expect((lost?.b ?? 0) & PG.ACTIVE).toBe(PG.ACTIVE);
    expect(s.g(G.NR_ACTIVE)).toBe(active - 1); // the count says the page left
    r.finish([0, 1, disk], 100);
    expect(s.agent(0, AG.SP)).toBe(0);
    s.setFlags(f, s.flags(f) & ~PG.LOCKED); // the caller's UnlockPage
    const found = checkInvariants(r.e, { quiescent: true });
    expect(found.map((v) => v.signature)).toContain("lru:nr_active_pages");
  });

  it("--without add-before-pcl: load and store in one pagecache_lock section, the deactivation kept", () => {
    const r = activePageBeingAdded(model, ["add-before-pcl"]);
    const { s, d, f, start, disk } = r;
    expect(d.step(0)).toBe(true);
    start(1, P.try_to_free_pages);
    d.untilEvent(1, EV.REFILL);
    expect(s.flags(f) & PG.ACTIVE).toBe(0);
    r.finish([0, 1, disk], 100);
    expect(s.agent(0, AG.SP)).toBe(0);
    expect(d.trace.some((t) => t.event === EV.ADD_FLAGS_LOST_OLD)).toBe(false);
    s.setFlags(f, s.flags(f) & ~PG.LOCKED); // the caller's UnlockPage
    expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
  });
});
