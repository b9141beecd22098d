// Flag launder-skips-locked (linux-2.4.0, linux-2.4.10-pre): the old VM's page_launder
// (mm/vmscan.c) never sleeps on a page: "The page is locked. IO in progress? Move it to the
// back of the list." 2.4.16's shrink_cache waits for the write of a page it laundered itself
// (PageLaunder: page_cache_get, pagemap_lru_lock dropped, wait_on_page). Here a reclaimer writes
// a dirty swap-cache page, the disk does not run, and the reclaimer meets the page again, still
// locked under its write.
import { describe, it, expect } from "vitest";
import { directedRig, TINY_RIG, useSlot, cachePage, EV } from "../helpers/rig.js";
import { AG, P, PG } from "../../src/wasm/abi.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { checkInvariants } from "../../src/invariants/check.js";

const FLAG = FLAGS.find((f) => f.name === "launder-skips-locked")!;
const ON = resolveModel("linux-2.4.0");
const OFF = resolveModel("linux-2.4.0", [], [FLAG.name]);
const RECLAIMER = 1;

/** m's machine with one clean swap-cache page held by the cache alone, then dirtied (as a zap
 *  or try_to_swap_out of another pte would leave it), and a reclaimer stepped to its write. */
function laundering(m: { flags: number; flags2: number }) {
  const r = directedRig({ ...TINY_RIG, flags: m.flags, flags2: m.flags2 }, { rounds: 100, disk: false, noViolation: true });
  const entry = useSlot(r, 0x77);
  // get_swap_page's reference is the cache's (2.4.0's add takes none of its own).
  const page = cachePage(r, entry, { keepRef: false, swapRef: false });
  r.s.setFlags(page, r.s.flags(page) | PG.DIRTY);
  r.start(RECLAIMER, P.try_to_free_pages);
  r.d.untilEvent(RECLAIMER, EV.SHRINK_WRITE);
  return { ...r, entry, page };
}
type Rig = ReturnType<typeof laundering>;

const waited = (r: Rig) => r.d.trace.some((t) => t.event === EV.SHRINK_WAIT && t.agent === RECLAIMER && t.a === r.page);

/** The disk completes the write; then the reclaimer runs to its return. */
function settle(r: Rig): void {
  r.finish([RECLAIMER, r.disk], 100);
  r.d.drain(r.disk);
  expect(r.s.agent(RECLAIMER, AG.SP)).toBe(0);
  expect(r.d.violation()).toBe("none");
  expect(checkInvariants(r.e, { quiescent: true })).toEqual([]);
}

describe("launder-skips-locked", () => {
  it("is word 1's, set in linux-2.4.0 and linux-2.4.10-pre, not in linux-2.4.16", () => {
    expect(FLAG.word).toBe(1);
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre"]) expect(resolveModel(m).flagNames, m).toContain(FLAG.name);
    for (const m of ["linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flagNames, m).not.toContain(FLAG.name);
  });

  it("off (2.4.16's wait): the reclaimer meets its page under write and sleeps on its lock until the disk is done", () => {
    const r = laundering(OFF);
    r.d.drain(RECLAIMER); // the disk never runs: the reclaimer goes on until it blocks
    expect(waited(r)).toBe(true);
    expect(r.s.agent(RECLAIMER, AG.SP)).not.toBe(0); // asleep inside try_to_free_pages
    expect(r.s.flags(r.page) & PG.LOCKED).toBe(PG.LOCKED);
    settle(r);
  });

  it("on (page_launder's): the reclaimer passes over the locked page and returns with the write still in flight", () => {
    const r = laundering(ON);
    r.d.drain(RECLAIMER);
    expect(waited(r)).toBe(false);
    expect(r.s.agent(RECLAIMER, AG.SP)).toBe(0); // back from try_to_free_pages without the disk
    expect(r.s.flags(r.page) & PG.LOCKED).toBe(PG.LOCKED); // its write not yet done
    settle(r);
    expect(r.s.flags(r.page) & (PG.LOCKED | PG.DIRTY)).toBe(0); // written, and still cached
  });
});
