// The swap-in half per release (assembly/mm/swapfile.ts valid_swaphandles, swap_state.ts
// lookup_swap_cache / read_swap_cache_async / swapin_readahead, memory.ts do_swap_page): for
// each flag that tells the releases apart, a directed run with the flag on and with it off.
import { describe, it, expect } from "vitest";
import { G, AG } from "../helpers/machine.js";
import { directedRig, SMALL_RIG, useSlot, cachePage, swappedOut, EV, S } from "../helpers/rig.js";
import { P, PG, swpEntry } from "../../src/wasm/abi.js";
import type { MachineConfig } from "../../src/wasm/engine.js";
import { resolveModel } from "../../src/model/models.js";

const flagsOf = (model: string, w: string[] = [], wo: string[] = []) => resolveModel(model, w, wo).flags;

const EV_LOOKUP_RACED = 211; // swap_state.ts
const EV_READAHEAD_THROTTLED = 212;
const EV_READ_WAIT_DONE = 213;
const EV_SWAP_READ = 111; // memory.ts
const EV_FAULT_OOM = 105;

/** A directed machine: 2 CPUs + the disk; call() must return within one turn of the CPU
 *  (the disk then finishes what was queued). */
function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig({ ...SMALL_RIG, flags, pageCluster: 3, ...over }, { rounds: 1, disk: true, noViolation: true });
  /** n slots from offset 1, in use (one ref each, as a swapped-out pte's), contents 100 + i. */
  const slots = (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(useSlot(r, 100 + i));
    out.sort((a, b) => a - b);
    expect(out[0]).toBe(swpEntry(0, 1));
    return out;
  };
  const cached = (entries: number[]) => entries.filter((en) => r.s.cachedPageOf(en) !== 0);
  return { ...r, slots, cached };
}

describe("readahead-skip-header (2.4.16): valid_swaphandles and the header slot 0", () => {
  const on = flagsOf("linux-2.4.16");
  const off = flagsOf("linux-2.4.16", [], ["readahead-skip-header"]);

  it("on: a window at slot 0 starts at slot 1 and reads the in-use run; off: slot 0's BAD stops it at once", () => {
    for (const [flags, want] of [
      [on, 5],
      [off, 0],
    ] as const) {
      const r = rig(flags);
      const en = r.slots(5); // offsets 1..5 of the window 0..7
      expect(r.call(0, P.swapin_readahead, [en[1]])).toBe(0);
      const w = r.d.trace.find((t) => t.event === EV.VALID_HANDLES)!;
      expect([w.a, w.b]).toEqual([flags === on ? en[0] : swpEntry(0, 0), want]);
      expect(r.cached(en).length).toBe(want);
      expect(r.s.stat(S.readahead)).toBe(want);
    }
  });

  it("on: page_cluster 0 means no readahead; off: the window is the entry itself", () => {
    for (const [flags, want] of [
      [on, 0],
      [off, 1],
    ] as const) {
      const r = rig(flags, { pageCluster: 0 });
      const en = r.slots(3);
      expect(r.call(0, P.valid_swaphandles, [en[1]])).toBe(want);
    }
  });
});

describe("readahead-sdl (2.4.0, 2.4.16): valid_swaphandles under swap_device_lock", () => {
  const on = flagsOf("linux-2.4.10-pre", ["readahead-sdl"]);
  const off = flagsOf("linux-2.4.10-pre");

  it("off (2.4.10-pre9): a slot freed by another CPU mid-scan ends the run there; on: the scan is one locked step", () => {
    for (const [flags, want] of [
      [off, 2],
      [on, 7],
    ] as const) {
      const r = rig(flags);
      const en = r.slots(14); // offsets 1..14; the window of offset 9 is 8..15
      r.start(0, P.valid_swaphandles, [en[8]]);
      expect(r.d.step(0)).toBe(true); // off: reads slot 8; on: the whole scan under SDL
      r.start(1, P.swap_free, [en[9]]); // slot 10's only user goes
      r.d.drain(1);
      expect(r.s.swapCount(en[9])).toBe(0);
      r.d.drain(0);
      expect(r.s.agent(0, AG.SP)).toBe(0);
      expect(r.e.m.agent_ret(0)).toBe(want);
      const w = r.d.trace.find((t) => t.event === EV.VALID_HANDLES)!;
      expect([w.a, w.b]).toEqual([en[7], want]);
      expect(r.d.violation()).toBe("none");
    }
  });
});

describe("sync-swapin (2.4.0): lookup_swap_cache takes the page lock; do_swap_page's read waits", () => {
  const on = flagsOf("linux-2.4.0");
  const off = flagsOf("linux-2.4.0", [], ["sync-swapin"]);

  it("on: a lookup of a page being read sleeps until the disk unlocks it; off: it returns the locked page at once", () => {
    for (const flags of [on, off]) {
      const r = rig(flags);
      const [entry] = r.slots(1);
      r.start(1, P.read_swap_cache_async, [entry, 0]);
      r.d.drain(1); // CPU1 added a locked page for entry and queued its read
      const page = r.s.cachedPageOf(entry);
      expect(r.s.flags(page) & PG.LOCKED).toBe(PG.LOCKED);
      r.start(0, P.lookup_swap_cache, [entry]);
      r.d.drain(0);
      if (flags === on) {
        expect(r.s.agent(0, AG.SP)).not.toBe(0); // asleep on the page lock
        r.d.drain(r.disk);
        r.d.drain(0);
      }
      expect(r.s.agent(0, AG.SP)).toBe(0);
      expect(r.e.m.agent_ret(0)).toBe(page);
      expect(r.s.flags(page) & PG.LOCKED).toBe(flags === on ? 0 : PG.LOCKED);
      r.d.drain(r.disk);
      expect(r.d.violation()).toBe("none");
    }
  });

  it("on: a page that leaves the cache while the lookup sleeps for its lock is dropped and the lookup searches again", () => {
    const r = rig(on);
    const [entry] = r.slots(1);
    const page = cachePage(r, entry, { keepRef: false, swapRef: true });
    r.start(0, P.lookup_swap_cache, [entry]);
    // Under PCL: found, ref taken; lock_page is next. (linux-2.4.0's pcl-lru: the page is
    // inactive, so age_page_up's activate_page takes pagemap_lru_lock first, a step more.)
    for (let n = 0; n < 2 && r.s.count(page) !== 2; n++) expect(r.d.step(0)).toBe(true);
    expect(r.s.count(page)).toBe(2);
    expect(r.s.g(G.PCL)).toBe(0);
    // Meanwhile the page's lock holder (the lock set by hand) takes it out of the cache and
    // lets go of the lock.
    r.s.setFlags(page, r.s.flags(page) | PG.LOCKED);
    r.start(1, P.delete_from_swap_cache, [page]);
    r.d.drain(1);
    expect(r.s.cachedPageOf(entry)).toBe(0);
    r.s.setFlags(page, r.s.flags(page) & ~PG.LOCKED);
    r.d.drain(0);
    expect(r.s.agent(0, AG.SP)).toBe(0);
    expect(r.e.m.agent_ret(0)).toBe(0); // the second search misses
    expect(r.d.trace.some((t) => t.event === EV_LOOKUP_RACED && t.a === entry && t.b === page)).toBe(true);
    expect(r.d.violation()).toBe("none");
  });

  it("on: do_swap_page sleeps inside read_swap_cache(entry) until its read is done; off: it returns from the read with the I/O in flight", () => {
    for (const flags of [on, off]) {
      const r = rig(flags); // E0:1: its window starts at slot 0, so no readahead in 2.4.0
      const entry = swappedOut(r, 0, 3, 0xabc);
      r.start(0, P.access, [0, 3, 0]);
      r.d.drain(0); // until CPU0 sleeps on the read
      expect(r.s.agent(0, AG.SP)).not.toBe(0);
      expect(r.d.trace.some((t) => t.event === EV_SWAP_READ && t.a === entry)).toBe(flags === off);
      r.d.drain(r.disk);
      r.d.drain(0);
      expect(r.s.agent(0, AG.SP)).toBe(0);
      expect(r.d.trace.some((t) => t.event === EV_READ_WAIT_DONE && t.b === entry)).toBe(flags === on);
      expect(r.d.trace.filter((t) => t.event === EV.READ).map((t) => t.b)).toEqual([0xabc]);
      expect(r.d.violation()).toBe("none");
    }
  });
});

describe("readahead-throttle (2.4.0, 2.4.10-pre9): nr_async_pages", () => {
  const on = flagsOf("linux-2.4.10-pre");
  const off = flagsOf("linux-2.4.10-pre", [], ["readahead-throttle"]);

  it("on: async reads count until the disk completes them; off: nothing is counted", () => {
    for (const flags of [on, off]) {
      const r = rig(flags);
      const en = r.slots(14);
      r.start(0, P.swapin_readahead, [en[8]]);
      r.d.drain(0);
      expect(r.s.stat(S.readahead)).toBe(7);
      expect(r.s.g(G.NR_ASYNC_PAGES)).toBe(flags === on ? 7 : 0);
      r.d.drain(r.disk);
      expect(r.s.g(G.NR_ASYNC_PAGES)).toBe(0);
    }
  });

  it("on: with swap_cluster << page_cluster reads in flight readahead reads nothing; off: it reads the window", () => {
    for (const flags of [on, off]) {
      const r = rig(flags);
      const en = r.slots(14);
      r.s.setG(G.NR_ASYNC_PAGES, 8 << 3); // as if 64 other async swap I/Os were in flight
      expect(r.call(0, P.swapin_readahead, [en[8]])).toBe(0);
      expect(r.s.stat(S.readahead)).toBe(flags === on ? 0 : 7);
      expect(r.d.trace.some((t) => t.event === EV_READAHEAD_THROTTLED && t.a === en[7] && t.b === 64 && t.c === 64)).toBe(flags === on);
    }
  });

  it("2.4.0: a throttled stop gives back valid_swaphandles' refs of the slots not read", () => {
    const r = rig(flagsOf("linux-2.4.0"));
    const en = r.slots(14);
    r.s.setG(G.NR_ASYNC_PAGES, 64);
    expect(r.call(0, P.swapin_readahead, [en[8]])).toBe(0);
    for (const x of en) {
      expect(r.s.swapCount(x)).toBe(1);
      expect(r.s.tmpRefs(x)).toBe(0);
    }
    expect(r.cached(en)).toEqual([]);
  });
});

describe("readahead-refs (2.4.0): a failed read does not stop the readahead", () => {
  it("on: the slots after a freed one are still read; off (2.4.10-pre9 + refs removed): the readahead stops there", () => {
    // With refs a counted slot cannot be freed under the readahead, so the failure here is
    // memory: no free page from the third read on.
    const refs = flagsOf("linux-2.4.0");
    const norefs = flagsOf("linux-2.4.0", [], ["readahead-refs"]);
    for (const flags of [refs, norefs]) {
      const r = rig(flags, { frames: 8, slotsPerArea: 15 }); // 14 usable slots, all taken: no swap left, so alloc_page can fail
      const en = r.slots(14);
      expect(r.s.g(G.NR_FREE)).toBeGreaterThan(2);
      r.start(0, P.swapin_readahead, [en[8]]);
      r.d.until(0, (t) => t.event === EV.READAHEAD);
      // Two pages for the first two reads, then memory is out for the rest (the pages read
      // are locked until the disk runs, so reclaim finds nothing to free).
      r.d.until(0, (t) => t.event === EV.ADD && t.b === en[8]);
      r.s.setG(G.NR_FREE, 0);
      r.d.drain(0);
      expect(r.s.agent(0, AG.SP)).toBe(0);
      for (const x of en) expect(r.s.tmpRefs(x)).toBe(0);
      const reads = r.d.trace.filter((t) => t.event === EV.SWAP_DUP || t.event === EV.ALLOC || t.event === EV.ALLOC_FAIL);
      const fails = reads.filter((t) => t.event === EV.ALLOC_FAIL).length;
      // With refs every remaining slot is tried (each allocation fails); without, the first
      // failure ends the readahead.
      expect(fails).toBe(flags === refs ? 5 : 1);
    }
  });
});

describe("oom-recheck (2.4.8+): a failed read is OOM only if the pte is unchanged", () => {
  const on = flagsOf("linux-2.4.16");
  const off = flagsOf("linux-2.4.16", [], ["oom-recheck"]);

  it("on: another thread resolved the pte and freed E (vm_swap_full): the fault retries and reads the value; off: OOM, misreported", () => {
    for (const flags of [on, off]) {
      const r = rig(flags, { pageCluster: 0 });
      for (let i = 0; i < 19; i++) r.call(0, P.get_swap_page); // swap more than half full
      const entry = swappedOut(r, 0, 1, 555);
      r.start(0, P.access, [0, 1, 0]);
      r.d.until(0, (t) => t.event === EV.SWAP_MISS && t.a === entry);
      r.start(1, P.access, [0, 1, 0]); // another thread: its whole fault, I/O included
      for (let n = 0; n < 100 && r.s.agent(1, AG.SP) !== 0; n++) {
        r.d.drain(1);
        r.d.drain(r.disk);
      }
      expect(r.s.agent(1, AG.SP)).toBe(0);
      expect(r.s.swapCount(entry)).toBe(0); // remove_exclusive_swap_page freed E
      r.d.drain(0); // CPU0's read: -ENOENT, nothing
      expect(r.d.trace.some((t) => t.event === EV.SWAP_READ_NONE && t.agent === 0 && t.b === (flags === on ? 1 : 0))).toBe(true);
      if (flags === off) {
        // Off: do_swap_page reports OOM for the pte the other thread resolved; the model's
        // oom-misreport check stops the run in that step.
        expect(r.d.violation()).toBe("oom-misreport");
        continue;
      }
      expect(r.s.agent(0, AG.SP)).toBe(0);
      expect(r.s.stat(S.oom)).toBe(0);
      expect(r.d.trace.filter((t) => t.event === EV.READ && t.agent === 0).map((t) => t.b)).toEqual([555]);
      expect(r.d.trace.some((t) => t.event === EV_FAULT_OOM && t.agent === 0)).toBe(false);
      expect(r.d.violation()).toBe("none");
    }
  });
});

describe("remove-exclusive (2.4.16): do_swap_page frees an exclusive page's slot when swap is full", () => {
  const on = flagsOf("linux-2.4.16");
  const off = flagsOf("linux-2.4.16", [], ["remove-exclusive"]);

  it("on: the page leaves the swap cache and E is freed; off: the page stays cached and E in use", () => {
    for (const flags of [on, off]) {
      const r = rig(flags, { pageCluster: 0 });
      for (let i = 0; i < 19; i++) r.call(0, P.get_swap_page); // swap more than half full
      const entry = swappedOut(r, 0, 1, 555);
      r.start(0, P.access, [0, 1, 0]); // a read fault: the only user of E
      for (let n = 0; n < 100 && r.s.agent(0, AG.SP) !== 0; n++) {
        r.d.drain(0);
        r.d.drain(r.disk);
      }
      expect(r.s.agent(0, AG.SP)).toBe(0);
      expect(r.d.trace.filter((t) => t.event === EV.READ && t.agent === 0).map((t) => t.b)).toEqual([555]);
      expect(r.d.trace.some((t) => t.event === EV.REMOVE_EXCLUSIVE && t.b === entry)).toBe(flags === on);
      expect(r.s.swapCount(entry)).toBe(flags === on ? 0 : 1); // off: the cache's reference
      expect(r.s.cachedPageOf(entry) !== 0).toBe(flags === off);
      expect(r.d.violation()).toBe("none");
    }
  });
});
