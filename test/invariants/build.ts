// Hand-built machine states for the invariant checker's tests: a small machine booted by the
// model, then pages mapped, swapped and cached by writing the state the kernel paths would
// leave, keeping every counter consistent (free stack, nr_swap_pages, page and slot counts).
import type { Engine } from "../../src/wasm/engine.js";
import { R, G, PG, PTE, swpEntry } from "../../src/wasm/abi.js";
import { swapCacheBucket } from "../../src/invariants/check.js";
import { machine, state } from "../helpers/machine.js";

export type State = ReturnType<typeof state>;

/** Small machine: 2 CPUs, 16 frames, 2 mms of 8 pages, 2 areas of 16 slots (on e, if given). */
export function tinyMachine(e?: Engine): Engine {
  return machine({ cpus: 2, frames: 16, mms: 2, pagesPerMm: 8, areas: 2, slotsPerArea: 16 }, e);
}

/** Pops the top of the free stack like rmqueue: count 1, in use, content zeroed; then, as
 *  the fault paths do (lru_cache_add), onto the head of the inactive list. */
export function allocPage(e: Engine, s: State): number {
  const n = s.g(G.NR_FREE);
  const f = e.I32[(e.region(R.FREE_STACK) >> 2) + n - 1];
  s.setG(G.NR_FREE, n - 1);
  s.setCount(f, 1);
  s.setFlags(f, PG.INUSE);
  s.setIndex(f, 0);
  s.setContent(f, 0);
  lruCacheAdd(e, s, f);
  return f;
}

/** lru_cache_add: PG_lru, at the head of the inactive list (its head is word nFrames + 1). */
export function lruCacheAdd(e: Engine, s: State, f: number): void {
  const next = e.region(R.PG_LRU_NEXT) >> 2,
    prev = e.region(R.PG_LRU_PREV) >> 2;
  const head = e.config.frames + 1;
  const first = e.I32[next + head];
  e.I32[next + f] = first;
  e.I32[prev + f] = head;
  e.I32[prev + first] = f;
  e.I32[next + head] = f;
  s.setFlags(f, s.flags(f) | PG.LRU);
  s.setG(G.NR_INACTIVE, s.g(G.NR_INACTIVE) + 1);
}

/** Marks a free slot in use (get_swap_page) with count `count`. */
export function takeSlot(s: State, entry: number, count: number): void {
  s.setSwapCount(entry, count);
  s.setG(G.NR_SWAP_PAGES, s.g(G.NR_SWAP_PAGES) - 1);
}

/** Hashes page into the swap cache under entry (adds the cache's page ref, PG_swapcache). */
export function addToSwapCache(e: Engine, s: State, page: number, entry: number, uptodate = true): void {
  s.setFlags(page, s.flags(page) | PG.SWAPCACHE | (uptodate ? PG.UPTODATE : 0));
  s.setIndex(page, entry);
  s.setCount(page, s.count(page) + 1);
  const b = swapCacheBucket(e, entry);
  e.I32[(e.region(R.PG_HASH_NEXT) >> 2) + page] = e.I32[b];
  e.I32[b] = page;
}

/** A write of `value` to (mm, page) through a present pte mapping frame f (takes the pte's ref). */
export function mapPage(s: State, mm: number, page: number, f: number, value: number, newRef = false): void {
  s.setPte(mm, page, (f << 4) | PTE.PRESENT | PTE.RW | PTE.DIRTY);
  s.setContent(f, value);
  s.setShadow(mm, page, value);
  if (newRef) s.setCount(f, s.count(f) + 1);
}

export interface Clean {
  e: Engine;
  s: State;
  /** frame mapped by mm0[0] */ anon: number;
  /** frame shared by mm0[4] and mm1[1] (after fork) */ shared: number;
  /** swap-cache page of E0:2 (not mapped; mm0[2] holds the swap pte) */ cached: number;
  /** swap-cache page of E0:3, mapped by mm1[0] */ mappedCached: number;
  /** E0:1 swapped out, held by mm0[1]; E0:2 cached + mm0[2]; E0:3 cached + mapped */
  e1: number;
  e2: number;
  e3: number;
}

/**
 * A consistent quiescent state touching every invariant (on engine `on`, else a new Wasm one):
 *   mm0[0] present anon page, mm0[1] swap pte E0:1 (on disk only), mm0[2] swap pte E0:2
 *   (page in the swap cache, uptodate), mm0[3] the zero page, mm0[4] and mm1[1] share a page
 *   (fork), mm1[0] maps the swap-cache page of E0:3 (swapped in, slot still held by the cache).
 */
export function cleanState(on?: Engine): Clean {
  const e = tinyMachine(on);
  const s = state(e);
  const e1 = swpEntry(0, 1),
    e2 = swpEntry(0, 2),
    e3 = swpEntry(0, 3);

  const anon = allocPage(e, s);
  mapPage(s, 0, 0, anon, 101);

  takeSlot(s, e1, 1);
  s.setSlotContent(e1, 102);
  s.setPte(0, 1, e1 << 1);
  s.setShadow(0, 1, 102);

  const cached = allocPage(e, s);
  s.setCount(cached, 0); // the cache's ref is its only one
  addToSwapCache(e, s, cached, e2);
  s.setContent(cached, 103);
  s.setSlotContent(e2, 103); // written back: clean
  takeSlot(s, e2, 2); // pte + cache
  s.setPte(0, 2, e2 << 1);
  s.setShadow(0, 2, 103);

  s.setPte(0, 3, (0 << 4) | PTE.PRESENT); // read fault on a none pte: the zero page

  const shared = allocPage(e, s);
  mapPage(s, 0, 4, shared, 104);
  mapPage(s, 1, 1, shared, 104, true);

  const mappedCached = allocPage(e, s);
  addToSwapCache(e, s, mappedCached, e3);
  takeSlot(s, e3, 1); // the cache's ref; do_swap_page's swap_free dropped the pte's
  mapPage(s, 1, 0, mappedCached, 105);
  s.setSlotContent(e3, 105);
  return { e, s, anon, shared, cached, mappedCached, e1, e2, e3 };
}
