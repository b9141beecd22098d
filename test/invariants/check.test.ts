// The deep checker: a hand-built consistent state reports nothing; breaking one thing on
// purpose reports exactly that invariant, with a stable signature and a readable message.
import { describe, it, expect } from "vitest";
import { checkInvariants, modelViolation, swapCacheBucket, type Violation } from "../../src/invariants/check.js";
import { checkLeavesSomeAlone, layoutOf } from "../../src/invariants/layout.js";
import { R, G, A, MM, PG, PTE, P, SWAP_MAP_BAD, SWP_USED, MAX_AREAS, swpEntry, VIOLATION_IDS } from "../../src/wasm/abi.js";
import { cleanState, allocPage, addToSwapCache, tinyMachine } from "./build.js";
import { machine, state } from "../helpers/machine.js";

const Q = { quiescent: true };
const RUNNING = { quiescent: false };

function ids(vs: Violation[]): string[] {
  return [...new Set(vs.map((v) => v.id))].sort();
}

/** Exactly one invariant broken; returns its violations for further checks. */
function expectOnly(vs: Violation[], id: string): Violation[] {
  expect(ids(vs), vs.map((v) => v.message).join("\n")).toEqual([id]);
  return vs;
}

describe("clean states", () => {
  it("a freshly booted machine reports nothing", () => {
    const e = tinyMachine();
    expect(checkInvariants(e, Q)).toEqual([]);
    expect(checkInvariants(e, RUNNING)).toEqual([]);
    expect(modelViolation(e)).toBeUndefined();
  });

  it("the hand-built state with mapped, swapped, cached, shared and zero pages reports nothing", () => {
    const { e } = cleanState();
    expect(checkInvariants(e, Q)).toEqual([]);
    expect(checkInvariants(e, RUNNING)).toEqual([]);
  });

  it("a swap pte whose cache page is still being read in is judged by the slot content", () => {
    const { e, s, cached, e2 } = cleanState();
    s.setFlags(cached, s.flags(cached) & ~PG.UPTODATE);
    s.setContent(cached, 0); // read in flight: the page holds nothing yet
    expect(checkInvariants(e, RUNNING)).toEqual([]);
    s.setSlotContent(e2, 999);
    expectOnly(checkInvariants(e, RUNNING), "data-lost");
  });
});

describe("1 swap-count", () => {
  it("quiescent: a count above ptes + cache is a leaked reference", () => {
    const { e, s, e1 } = cleanState();
    s.setSwapCount(e1, 2);
    const [v] = expectOnly(checkInvariants(e, Q), "swap-count");
    expect(v.signature).toBe("swap-count:leak");
    expect(v.message).toContain("swap_map[E0:1] = 2 but 1 pte hold it");
    // A running path may hold a temporary reference.
    expect(checkInvariants(e, RUNNING)).toEqual([]);
  });

  it("at any time: a count below ptes + cache means a premature swap_free", () => {
    const { e, s, e2 } = cleanState();
    s.setSwapCount(e2, 1); // pte + cache need 2
    const [v] = expectOnly(checkInvariants(e, RUNNING), "swap-count");
    expect(v.signature).toBe("swap-count:short");
    expect(v.message).toContain("1 pte + the swap cache");
  });

  it("a count stuck at SWAP_MAP_MAX is sticky and not counted", () => {
    const { e, s, e1 } = cleanState();
    s.setSwapCount(e1, 0x7fff);
    expect(checkInvariants(e, Q)).toEqual([]);
  });
});

describe("2 swapcache-unique", () => {
  it("two cache pages for one entry are reported once, naming both pages", () => {
    const { e, s, cached, e2 } = cleanState();
    const dup = allocPage(e, s);
    s.setCount(dup, 0);
    addToSwapCache(e, s, dup, e2);
    s.setContent(dup, 103); // same data, so only the uniqueness breaks
    const [v] = expectOnly(checkInvariants(e, Q), "swapcache-unique");
    expect(v.signature).toBe("swapcache-unique:dup");
    expect(v.message).toBe(`two swap-cache pages for E0:2: page ${dup} and page ${cached}`);
  });
});

describe("3 cache-page", () => {
  it("quiescent: a cache page's count must be cache + ptes exactly", () => {
    const { e, s, cached } = cleanState();
    s.setCount(cached, 2);
    const [v] = expectOnly(checkInvariants(e, Q), "cache-page");
    expect(v.signature).toBe("cache-page:count");
    expect(checkInvariants(e, RUNNING)).toEqual([]);
  });

  it("at any time: fewer refs than cache + ptes", () => {
    const { e, s, mappedCached } = cleanState();
    s.setCount(mappedCached, 1); // mapped once + cache = 2
    expectOnly(checkInvariants(e, RUNNING), "cache-page");
  });

  it("a PG_swapcache page missing from the hash", () => {
    const { e, e3, mappedCached } = cleanState();
    // Unhash E0:3's page: the last one added, so the head of its bucket.
    const b = swapCacheBucket(e, e3);
    expect(e.I32[b]).toBe(mappedCached);
    e.I32[b] = e.I32[(e.region(R.PG_HASH_NEXT) >> 2) + mappedCached];
    const [v] = expectOnly(checkInvariants(e, Q), "cache-page");
    expect(v.signature).toBe("cache-page:unhashed");
  });

  it("a hashed page whose index changed under it", () => {
    const { e, s, cached, e2 } = cleanState();
    // Its key rewritten to one hashing to another bucket: lookups for either key miss it.
    // (The entries' counts and ptes then disagree too; the hash position is what this tests.)
    let k = 4;
    while (swapCacheBucket(e, swpEntry(0, k)) === swapCacheBucket(e, e2)) k++;
    s.setIndex(cached, swpEntry(0, k));
    const vs = checkInvariants(e, Q);
    expect(vs.map((v) => v.signature)).toContain("cache-page:index");
  });
});

describe("4 page-lock", () => {
  it("quiescent: a page left locked is a lock leak", () => {
    const { e, s, cached } = cleanState();
    s.setFlags(cached, s.flags(cached) | PG.LOCKED);
    const [v] = expectOnly(checkInvariants(e, Q), "lock-leak");
    expect(v.signature).toBe("lock-leak:page-lock");
    expect(v.message).toContain(`page ${cached} is still locked`);
    expect(checkInvariants(e, RUNNING)).toEqual([]);
  });
});

describe("5 free-slot", () => {
  it("a swap pte holding a free slot", () => {
    const { e, s, e1 } = cleanState();
    s.setSwapCount(e1, 0);
    s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) + 1); // as swap_free would
    const [v] = expectOnly(checkInvariants(e, RUNNING), "free-slot");
    expect(v.signature).toBe("free-slot:pte");
    expect(v.message).toContain("mm0[1]");
  });

  it("a swap-cache page keyed by a free slot", () => {
    const { e, s, e3 } = cleanState();
    s.setSwapCount(e3, 0);
    s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) + 1);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "free-slot");
    expect(v.signature).toBe("free-slot:cached");
  });
});

describe("6 nr-swap-pages", () => {
  it("the counter must equal the free usable slots", () => {
    const { e, s } = cleanState();
    s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) + 1);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "nr-swap-pages");
    expect(v.signature).toBe("nr-swap-pages:counter");
  });

  it("is not judged while swapoff runs", () => {
    const { e, s } = cleanState();
    s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) - 3);
    s.setG(G.SWAPOFF_AREA, 0);
    expect(checkInvariants(e, RUNNING)).toEqual([]);
  });

  it("every free slot lies within the free bracket", () => {
    const { e, s } = cleanState();
    s.setArea(0, A.LOWEST, 5); // slot 4 is free
    const [v] = expectOnly(checkInvariants(e, RUNNING), "nr-swap-pages");
    expect(v.signature).toBe("nr-swap-pages:bracket");
    expect(v.message).toContain("E0:4");
  });

  // A large area's free slots are passed a run at a time (slots.ts collectAreas): each one
  // outside the bracket still counts once, the first reported is the lowest, and every free
  // slot counts toward nr_swap_pages.
  it.each([
    ["a bracket inside the area", 300, 1700],
    ["the empty bracket of a full area (lowest past highest)", 1500, 100],
  ])("every free slot of a large area lies within the free bracket: %s", (_name, lowest, highest) => {
    const e = machine({ cpus: 2, frames: 64, mms: 2, pagesPerMm: 8, areas: 1, slotsPerArea: 2048 });
    const s = state(e);
    // Slots in use in runs and alone, the rest free.
    const used = new Set<number>();
    for (const [from, to] of [
      [1, 5],
      [250, 260],
      [301, 302],
      [1000, 1100],
      [1699, 1750],
      [2040, 2048],
    ]) {
      for (let off = from; off < to; off++) used.add(off);
    }
    used.add(777);
    for (const off of used) s.setSwapCount(swpEntry(0, off), 1);
    let free = 0;
    const outside: number[] = [];
    for (let off = 1; off < 2048; off++) {
      if (used.has(off)) continue;
      free++;
      if (off < lowest || off > highest) outside.push(off);
    }
    s.setG(G.NR_SWAP_PAGES, free + 1); // one off: the counter's report says how many it found
    s.setArea(0, A.LOWEST, lowest);
    s.setArea(0, A.HIGHEST, highest);
    const vs = checkInvariants(e, RUNNING).filter((v) => v.id === "nr-swap-pages");
    const bracket = vs.find((v) => v.signature === "nr-swap-pages:bracket");
    expect(bracket?.details).toMatchObject({ offset: outside[0], occurrences: outside.length });
    expect(vs.find((v) => v.signature === "nr-swap-pages:counter")?.details).toMatchObject({ freeSlots: free, nrSwapPages: free + 1 });
  });
});

describe("7 bad-slot", () => {
  it("the header slot must stay BAD", () => {
    const { e, s } = cleanState();
    s.setSwapCount(swpEntry(0, 0), 0);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "bad-slot");
    expect(v.signature).toBe("bad-slot:header");
  });

  it("no pte holds a BAD slot", () => {
    const { e, s, e1 } = cleanState();
    s.setSwapCount(e1, SWAP_MAP_BAD);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "bad-slot");
    expect(v.signature).toBe("bad-slot:pte");
  });

  it("no pte holds a header slot", () => {
    const { e, s } = cleanState();
    s.setPte(1, 2, swpEntry(1, 0) << 1); // (E0:0 would be the none pte)
    const [v] = expectOnly(checkInvariants(e, RUNNING), "bad-slot");
    expect(v.signature).toBe("bad-slot:pte");
  });

  it("a pte holding a slot of a swapped-off area", () => {
    const { e, s } = cleanState();
    s.setArea(1, A.FLAGS, 0);
    s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) - 15);
    s.setPte(1, 2, swpEntry(1, 4) << 1);
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toEqual(["free-slot:unused-area"]);
  });
});

describe("8 lock-order (locks at rest)", () => {
  it("quiescent: a held spinlock is a lock leak, named by its kernel name", () => {
    for (const [set, name] of [
      [(s: ReturnType<typeof state>) => s.setG(G.PCL, 2), "pagecache_lock"],
      [(s: ReturnType<typeof state>) => s.setG(G.SLL, 1), "swaplock"],
      [(s: ReturnType<typeof state>) => s.setG(G.LRU_LOCK, 1), "pagemap_lru_lock"],
      [(s: ReturnType<typeof state>) => s.setG(G.BKL, 1), "kernel_flag"],
      [(s: ReturnType<typeof state>) => s.setG(G.MMLIST_LOCK, 1), "mmlist_lock"],
      [(s: ReturnType<typeof state>) => s.setG(G.TASKLIST_LOCK, 1), "tasklist_lock"],
      [(s: ReturnType<typeof state>) => s.setMm(1, MM.PTL, 1), "page_table_lock"],
      [(s: ReturnType<typeof state>) => s.setArea(0, A.SDL, 1), "sdev_lock"],
    ] as const) {
      const { e, s } = cleanState();
      set(s);
      const [v] = expectOnly(checkInvariants(e, Q), "lock-leak");
      expect(v.signature).toBe(`lock-leak:${name}`);
      expect(checkInvariants(e, RUNNING)).toEqual([]);
    }
  });

  it("the message names the holder", () => {
    const { e, s } = cleanState();
    s.setG(G.PCL, 2);
    expect(checkInvariants(e, Q)[0].message).toBe("pagecache_lock is still held by CPU1 with every CPU between operations");
  });
});

describe("9 data-lost", () => {
  it("a present pte must map the last value written", () => {
    const { e, s, anon } = cleanState();
    s.setContent(anon, 77);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "data-lost");
    expect(v.signature).toBe("data-lost:present");
    expect(v.message).toBe(`mm0[0]: maps page ${anon} holding 77, but the last write was 101`);
  });

  it("a swap pte reads the slot when the entry is not cached", () => {
    const { e, s, e1 } = cleanState();
    s.setSlotContent(e1, 5);
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toEqual(["data-lost:swap-slot"]);
  });

  it("a swap pte reads the cache page when it is cached and uptodate", () => {
    const { e, s, cached, e2 } = cleanState();
    s.setContent(cached, 5);
    s.setSlotContent(e2, 103); // the slot would be right: the cache wins
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toEqual(["data-lost:swap-cache"]);
  });

  it("a none pte reads zero", () => {
    const { e, s } = cleanState();
    s.setShadow(1, 5, 42);
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toEqual(["data-lost:none"]);
  });

  it("the zero page stays zero", () => {
    const { e, s } = cleanState();
    s.setContent(0, 9);
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toEqual(["data-lost:zero-page"]);
  });

  it("a pte never maps a free frame", () => {
    const { e, s } = cleanState();
    const free = e.I32[(e.region(R.FREE_STACK) >> 2) + s.g(G.NR_FREE) - 1]; // top of the free stack
    s.setPte(1, 6, (free << 4) | PTE.PRESENT);
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toEqual(["data-lost:free-frame"]);
  });

  it("the duplicate race's damage: a swap pte finds the other cache page", () => {
    const { e, s, e2 } = cleanState();
    const dup = allocPage(e, s);
    s.setCount(dup, 0);
    addToSwapCache(e, s, dup, e2); // hashed first: lookups now return it
    s.setContent(dup, 55);
    expect(ids(checkInvariants(e, RUNNING))).toEqual(["data-lost", "swapcache-unique"]);
  });
});

describe("page references", () => {
  it("quiescent: an unmapped uncached page in use has leaked", () => {
    const { e, s } = cleanState();
    allocPage(e, s);
    const [v] = expectOnly(checkInvariants(e, Q), "bug-on");
    expect(v.signature).toBe("bug-on:page-leak");
  });

  it("a frame freed twice is on the free list twice", () => {
    const { e, s, anon } = cleanState();
    s.setPte(0, 0, 0);
    s.setShadow(0, 0, 0);
    s.setCount(anon, 0);
    s.setFlags(anon, 0);
    const top = s.g(G.NR_FREE);
    const stack = e.region(R.FREE_STACK) >> 2;
    e.I32[stack + top] = anon;
    e.I32[stack + top + 1] = anon;
    s.setG(G.NR_FREE, top + 2);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "bug-on");
    expect(v.signature).toBe("bug-on:free-list");
    expect(v.message).toContain("twice");
  });
});

describe("running paths (not quiescent)", () => {
  it("an mm whose page_table_lock is held may show a half-done pte change", () => {
    const { e, s } = cleanState();
    s.setMm(0, MM.PTL, 1);
    s.setPte(0, 1, 0); // try_to_swap_out cleared the pte and will set the swap pte
    expect(checkInvariants(e, RUNNING)).toEqual([]);
    // At rest the same state is a leaked lock, a lost write and a leaked swap reference.
    expect(ids(checkInvariants(e, Q))).toEqual(["data-lost", "lock-leak", "swap-count"]);
  });

  it("an area whose sdev_lock is held may be between its count and counter updates", () => {
    const { e, s, e1 } = cleanState();
    s.setArea(0, A.SDL, 2);
    s.setSwapCount(e1, 0); // swap_free decremented; nr_swap_pages not yet
    const running = checkInvariants(e, RUNNING).map((v) => v.signature);
    expect(running).not.toContain("nr-swap-pages:counter");
    s.setArea(0, A.SDL, 0);
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toContain("nr-swap-pages:counter");
  });

  // The bulk run keeps its suspects while a check leaves something alone (src/bulk/run.ts):
  // the same rules as the passes', each lock alone, and nothing when none is held.
  it("a check mid-run leaves something alone exactly while one of those locks is held", () => {
    const { e, s } = cleanState();
    const leaves = () => checkLeavesSomeAlone(layoutOf(e), e.I32);
    expect(leaves()).toBe(false);
    const held: [string, (v: number) => void][] = [
      ["page_table_lock", (v) => s.setMm(0, MM.PTL, v)],
      ["sdev_lock", (v) => s.setArea(0, A.SDL, v)],
      ["swap_list_lock", (v) => s.setG(G.SLL, v)],
    ];
    for (const [name, set] of held) {
      set(1);
      expect(leaves(), name).toBe(true);
      set(0);
      expect(leaves(), name).toBe(false);
    }
    // An area not in use has no swap_map the passes read: its lock word leaves nothing alone.
    let unused = 0;
    while ((s.area(unused, A.FLAGS) & SWP_USED) !== 0) unused++;
    expect(unused).toBeLessThan(MAX_AREAS);
    s.setArea(unused, A.SDL, 1);
    expect(leaves()).toBe(false);
  });
});

describe("signatures and reporting", () => {
  it("the same breakage on several slots gives one violation with its occurrences", () => {
    const { e, s, e1, e2 } = cleanState();
    s.setSwapCount(e1, 3);
    s.setSwapCount(e2, 4);
    const vs = expectOnly(checkInvariants(e, Q), "swap-count");
    expect(vs).toHaveLength(1);
    expect(vs[0].details.occurrences).toBe(2);
  });

  it("signatures carry no addresses, entries or pages", () => {
    const a = cleanState();
    a.s.setSwapCount(a.e1, 3);
    const b = cleanState();
    b.s.setSwapCount(b.e3, 2);
    expect(checkInvariants(a.e, Q)[0].signature).toBe(checkInvariants(b.e, Q)[0].signature);
  });

  it("violations are listed in invariant order", () => {
    const { e, s, anon, e1 } = cleanState();
    s.setContent(anon, 1); // data-lost (9)
    s.setSwapCount(e1, 2); // swap-count (1)
    s.setG(G.PCL, 1); // lock-leak (11)
    expect(ids(checkInvariants(e, Q))).toEqual(["data-lost", "lock-leak", "swap-count"]);
    expect(checkInvariants(e, Q).map((v) => v.id)).toEqual(["swap-count", "data-lost", "lock-leak"]);
  });
});

describe("modelViolation", () => {
  it("decodes the seed race's duplicate insert with the procedure in the signature", () => {
    const e = tinyMachine();
    const s = state(e);
    s.setG(G.VIOL, VIOLATION_IDS.indexOf("swapcache-unique"));
    s.setG(G.VIOL_AGENT, 1);
    s.setG(G.VIOL_PROC, P.add_to_swap_cache);
    s.setG(G.VIOL_A, swpEntry(0, 1));
    s.setG(G.VIOL_B, 3);
    s.setG(G.VIOL_C, 5);
    const v = modelViolation(e)!;
    expect(v.id).toBe("swapcache-unique");
    expect(v.signature).toBe("swapcache-unique@add_to_swap_cache");
    expect(v.message).toBe("CPU1 in add_to_swap_cache: two swap-cache pages for E0:1: page 3 and page 5");
  });

  it("a deadlock has no procedure: the signature is the id alone", () => {
    const e = tinyMachine();
    const s = state(e);
    s.setG(G.VIOL, VIOLATION_IDS.indexOf("deadlock"));
    s.setG(G.VIOL_AGENT, -1);
    expect(modelViolation(e)!.signature).toBe("deadlock");
  });
});

describe("a large machine's untouched frames (passed a block at a time)", () => {
  // 20,000 frames: the free frames past the few a boot touches are long zero runs in the
  // flags, counts and hash buckets, which the passes skip by blocks. A fault planted deep in
  // such a run, and one just past a block edge, is still reported.
  const big = () => {
    const e = machine({ cpus: 2, frames: 20_000, mms: 2, pagesPerMm: 8, areas: 1, slotsPerArea: 64 });
    return { e, s: state(e) };
  };
  it("reports nothing on a fresh one", () => {
    const { e } = big();
    expect(checkInvariants(e, Q)).toEqual([]);
  });
  it.each([777, 16_384, 16_385, 19_999])("a free frame %i with a count", (f) => {
    const { e, s } = big();
    s.setCount(f, 1);
    const [v] = expectOnly(checkInvariants(e, RUNNING), "bug-on");
    expect(v.signature).toBe("bug-on:free-page-count");
    expect(v.message).toContain(`has count 1`);
  });
  it.each([300, 16_640, 19_998])("a free frame %i marked PG_swapcache", (f) => {
    const { e, s } = big();
    s.setFlags(f, PG.SWAPCACHE);
    const vs = checkInvariants(e, RUNNING);
    expect(vs.map((v) => v.signature)).toContain("cache-page:free-page");
    expect(vs.map((v) => v.signature)).toContain("cache-page:unhashed");
  });
  it.each([513, 17_000])("a free frame %i marked PG_lru, at rest", (f) => {
    const { e, s } = big();
    s.setFlags(f, PG.LRU);
    expect(checkInvariants(e, Q).map((v) => v.signature)).toContain("lru:flags");
  });
  it("the free stack's boot-order bottom: a frame of it in use, or on it twice", () => {
    const { e, s } = big();
    const fs = e.region(R.FREE_STACK) >> 2;
    const n = s.g(G.NR_FREE);
    // Frame 19,000 sits at position 19,999 - 19,000 = 999 of the stack as booted.
    s.setFlags(19_000, PG.INUSE);
    s.setCount(19_000, 1);
    let [v] = expectOnly(checkInvariants(e, RUNNING), "bug-on");
    expect(v.message).toContain("which is in use");
    expect(v.details).toMatchObject({ page: 19_000, position: 999 });
    s.setFlags(19_000, 0);
    s.setCount(19_000, 0);
    // The top of the stack names a frame the bottom holds too.
    const top = e.I32[fs + n - 1];
    e.I32[fs + n - 1] = 19_998;
    const vs = checkInvariants(e, RUNNING);
    [v] = vs;
    expect(v.message).toContain("is on it twice (double free)");
    expect(v.details).toMatchObject({ page: 19_998, position: n - 1 });
    // Put back: clean again.
    e.I32[fs + n - 1] = top;
    expect(checkInvariants(e, RUNNING)).toEqual([]);
  });
  it("a hash bucket deep in the table that names a frame outside the cache", () => {
    const { e } = big();
    const bucket = (e.region(R.HASH_HEAD) >> 2) + 20_000;
    e.I32[bucket] = 5;
    expect(checkInvariants(e, RUNNING).map((v) => v.signature)).toContain("cache-page:hashed-not-cached");
  });
});
