// The deep checker's shared machinery: the word indices of the state arrays and per-layout
// scratch (Layout, one per engine configuration), and the Collector that keeps one violation
// per signature. The invariant families (the other files here) read the state through these.
import type { Engine } from "../wasm/engine.js";
import {
  R,
  A,
  G,
  MM,
  MM_WORDS,
  AREA_WORDS,
  MAX_AREAS,
  SWP_USED,
  LAYOUT,
  SWP_TYPE_SHIFT,
  SWP_OFFSET_MASK,
  HASH_TOUCHED_MAX,
} from "../wasm/abi.js";
import { violationRank, type ViolationId } from "./ids.js";
import { zeroRunEnd } from "../wasm/fnv.js";

export interface Violation {
  id: ViolationId;
  /** Stable across runs: invariant id + what broke (or the procedure, for the in-model one). */
  signature: string;
  /** One line a kernel developer understands. */
  message: string;
  details: Record<string, number | string>;
}

export const EMPTY_SLOT = 0;

/** Word (or halfword) indices of the state arrays and per-layout scratch. */
export class Layout {
  readonly config: object;
  readonly nFrames: number;
  readonly nMm: number;
  readonly nPages: number;
  readonly pagesShift: number;
  readonly nSlots: number;
  readonly slotsShift: number;
  readonly nCpu: number;
  readonly nAgents: number;
  readonly kswapd: boolean;
  /** Areas the machine has (a swap map each); MAX_AREAS areas are checked. */
  readonly nAreas: number;
  readonly hashSize: number;
  /** The layout has the fused check's scratch (at most REST_MAX_FRAMES frames and REST_MAX_SLOTS
   *  slots, assembly/kernel/state.ts): the model's check at rest (clean_at_rest) applies. */
  readonly small: boolean;
  // word indices into I32 (halfword index for the swap map)
  readonly G: number;
  readonly AGENTS: number;
  readonly AREAS: number;
  readonly MMS: number;
  readonly PG_COUNT: number;
  readonly PG_FLAGS: number;
  readonly PG_INDEX: number;
  readonly PG_CONTENT: number;
  readonly PG_HASH_NEXT: number;
  readonly PG_LRU_NEXT: number;
  readonly PG_LRU_PREV: number;
  readonly FREE_STACK: number;
  readonly SWAP_MAP16: number;
  readonly SLOT_CONTENT: number;
  readonly HASH_HEAD: number;
  readonly PTES: number;
  readonly SHADOW: number;
  // scratch, indexed by global slot or frame
  readonly slotPtes: Int32Array; // live ptes holding the slot's entry
  readonly slotCacheN: Int32Array; // swap-cache pages keyed by the slot's entry
  readonly slotCache: Int32Array; // the page a cache lookup returns (first in its chain)
  // Per frame below `top` (frameMapsFor, frameMarkFor): grown with it, so a large machine's
  // scratch stays the size of what its run touched.
  frameMaps = new Int32Array(0); // ptes mapping the frame
  frameMark = new Uint8Array(0); // visited (hash walk, free stack walk)
  readonly usedAreas: Int32Array; // areas with SWP_USED this check
  // Every entry of frameMaps (frameMark) from here up is zero: a new array needs no clearing.
  private mapsDirty = 0;
  private markDirty = 0;
  // This check's bounds (touched.ts setBounds): frames [0, top) are read; the swap-cache
  // buckets are the nBuckets of `buckets`, or every one (-1). `touched`: the model's bounds,
  // which a pass found broken when it sets `beyond` (the check is then done whole).
  touched = false;
  top = 0;
  nBuckets = -1;
  readonly buckets = new Int32Array(HASH_TOUCHED_MAX);
  beyond = false;
  // The free stack's positions below this hold their boot frames with their words unwritten
  // (assembly/kernel/state.ts freeFilled; 0 on a machine of up to 65537 frames).
  freeFilled = 0;
  // The engine's views, kept: memory grows only in configure (a new layout), and a grown
  // memory detaches the old buffer (length 0), which checkInvariants notices.
  I32: Int32Array;
  U16: Uint16Array;
  nUsed = 0;
  /** Areas (bit a) whose slot scratch a check has written since the arrays were made. */
  slotsDirty = 0;
  dupSeen = false; // some entry has two cache pages (this check)
  sdlHeld = 0; // areas (bit a) whose sdev_lock word is nonzero (this check)

  constructor(e: Engine) {
    const c = e.config;
    this.config = c;
    this.nFrames = c.frames;
    this.nMm = c.mms;
    this.nPages = c.pagesPerMm;
    this.pagesShift = e.layoutValue(LAYOUT.PAGES_SHIFT);
    this.nSlots = c.slotsPerArea;
    this.slotsShift = e.layoutValue(LAYOUT.SLOTS_SHIFT);
    this.nCpu = c.cpus;
    this.kswapd = c.kswapd;
    this.nAgents = e.layoutValue(LAYOUT.AGENTS);
    this.nAreas = Math.max(0, Math.min(c.areas, MAX_AREAS));
    this.hashSize = e.layoutValue(LAYOUT.HASH_SIZE);
    this.small = e.layoutValue(LAYOUT.REST_CHECK) === 1;
    const w = (r: number) => e.region(r) >> 2;
    this.G = w(R.GLOBALS);
    this.AGENTS = w(R.AGENTS);
    this.AREAS = w(R.AREAS);
    this.MMS = w(R.MMS);
    this.PG_COUNT = w(R.PG_COUNT);
    this.PG_FLAGS = w(R.PG_FLAGS);
    this.PG_INDEX = w(R.PG_INDEX);
    this.PG_CONTENT = w(R.PG_CONTENT);
    this.PG_HASH_NEXT = w(R.PG_HASH_NEXT);
    this.PG_LRU_NEXT = w(R.PG_LRU_NEXT);
    this.PG_LRU_PREV = w(R.PG_LRU_PREV);
    this.FREE_STACK = w(R.FREE_STACK);
    this.SWAP_MAP16 = e.region(R.SWAP_MAP) >> 1;
    this.SLOT_CONTENT = w(R.SLOT_CONTENT);
    this.HASH_HEAD = w(R.HASH_HEAD);
    this.PTES = w(R.PTES);
    this.SHADOW = w(R.SHADOW);
    const totalSlots = MAX_AREAS << this.slotsShift;
    this.slotPtes = new Int32Array(totalSlots);
    this.slotCacheN = new Int32Array(totalSlots);
    this.slotCache = new Int32Array(totalSlots);
    this.usedAreas = new Int32Array(MAX_AREAS);
    this.I32 = e.I32;
    this.U16 = e.U16;
  }

  /** frameMaps, zero for frames [0, top). */
  frameMapsFor(): Int32Array {
    const n = this.top;
    if (this.frameMaps.length < n) {
      this.frameMaps = new Int32Array(this.scratchSize(n));
      this.mapsDirty = 0;
    }
    zero(this.frameMaps, Math.min(n, this.mapsDirty));
    this.mapsDirty = Math.max(this.mapsDirty, n);
    return this.frameMaps;
  }

  /** frameMark, zero for frames [0, top). */
  frameMarkFor(): Uint8Array {
    const n = this.top;
    if (this.frameMark.length < n) {
      this.frameMark = new Uint8Array(this.scratchSize(n));
      this.markDirty = 0;
    }
    zero(this.frameMark, Math.min(n, this.markDirty));
    this.markDirty = Math.max(this.markDirty, n);
    return this.frameMark;
  }

  /** Scratch for n frames: a power of two from 4096 up (the bound grows a little at a time
   *  during a run), at most the machine's frames. */
  private scratchSize(n: number): number {
    let size = 4096;
    while (size < n) size *= 2;
    return Math.min(size, this.nFrames);
  }

  agentName(a: number): string {
    if (a < this.nCpu) return `CPU${a}`;
    if (a === this.nCpu) return "disk";
    return this.kswapd && a === this.nCpu + 1 ? "kswapd" : `agent ${a}`;
  }
}

/** Violations of one check, one per signature (later occurrences only counted). */
export class Collector {
  out: Violation[] | undefined;

  reset(): void {
    this.out = undefined;
  }

  add(id: ViolationId, what: string, message: string, details: Record<string, number | string>): void {
    const signature = `${id}:${what}`;
    if (!this.out) this.out = [];
    for (const v of this.out) {
      if (v.signature === signature) {
        v.details.occurrences = (v.details.occurrences as number) + 1;
        return;
      }
    }
    details.occurrences = 1;
    this.out.push({ id, signature, message, details });
  }

  result(): Violation[] {
    const out = this.out;
    if (!out) return NO_VIOLATIONS;
    // Stable order by invariant number so the first one is the same on every run.
    return out.sort((a, b) => violationRank(a.id) - violationRank(b.id));
  }
}

/** The clean result, shared (frozen: a caller that pushes onto it fails loudly). */
export const NO_VIOLATIONS = Object.freeze([]) as unknown as Violation[];

/** Zeroes the first n words of a scratch array: a plain loop beats fill() on a hunt machine's
 *  few words, fill() (memset) a large machine's frames. */
export function zero(a: Int32Array | Uint8Array, n: number): void {
  if (n > 256) a.fill(0, 0, n);
  else for (let i = 0; i < n; i++) a[i] = 0;
}

/** The first index in [i, to) of U16 whose halfword is not zero, or `to`: zeroRunEnd over the
 *  32-bit words of the same memory (I and U16 view one buffer from its start). */
export function zeroRunEnd16(U16: Uint16Array, I: Int32Array, i: number, to: number): number {
  if (i < to && (i & 1) !== 0) {
    if (U16[i] !== 0) return i;
    i++;
  }
  if (i + 1 < to) i = zeroRunEnd(I, i >> 1, to >> 1) << 1;
  while (i < to && U16[i] === 0) i++;
  return i;
}

const layouts = new WeakMap<Engine, Layout>();

// The last engine checked and its layout: a hunt checks one engine over and over, and this
// spares it the WeakMap lookup.
let lastEngine: Engine | undefined;
let lastLayout: Layout | undefined;

export function layoutOf(e: Engine): Layout {
  let L = e === lastEngine ? lastLayout! : layouts.get(e);
  // Engine.configure replaces e.config: a new object means a new layout.
  if (!L || L.config !== e.config) {
    L = new Layout(e);
    layouts.set(e, L);
  }
  lastEngine = e;
  lastLayout = L;
  // A grown memory detached the kept views (only configure grows it).
  if (L.I32.length === 0) {
    L.I32 = e.I32;
    L.U16 = e.U16;
  }
  return L;
}

/** Global slot index of a valid entry of a used area, or -1 (reported by the caller). */
export function slotOf(L: Layout, I: Int32Array, entry: number): number {
  const a = entry >>> SWP_TYPE_SHIFT,
    off = entry & SWP_OFFSET_MASK;
  if (a >= MAX_AREAS || off >= L.nSlots) return -1;
  if ((I[L.AREAS + a * AREA_WORDS + A.FLAGS] & SWP_USED) === 0) return -1;
  return (a << L.slotsShift) | off;
}

// ---- what a check mid-run leaves alone ------------------------------------------------------
// A running path that holds one of these locks may be between two updates the lock covers, so
// a check that is not quiescent leaves what it guards to a later check: an mm's ptes under its
// page_table_lock (swap_out cleared a pte it sets again; do_swap_page freed a slot its pte
// still names), an area's swap_map under its swap_device_lock (mid swap_duplicate/swap_free),
// the free-slot counter under swap_list_lock. The passes (ptes.ts, slots.ts) and the bulk run's
// judgement of suspects (src/bulk/run.ts) ask these, so that both name the same rules.

/** Mid-run, mm's ptes are left alone: its page_table_lock is held. */
export const ptesBusy = (L: Layout, I: Int32Array, mm: number): boolean => I[L.MMS + mm * MM_WORDS + MM.PTL] !== 0;
/** Mid-run, area a's swap_map is left alone: its swap_device_lock is held. */
export const swapMapBusy = (L: Layout, I: Int32Array, a: number): boolean => I[L.AREAS + a * AREA_WORDS + A.SDL] !== 0;
/** Mid-run, nr_swap_pages is not compared: swap_list_lock is held. */
export const swapCounterBusy = (L: Layout, I: Int32Array): boolean => I[L.G + G.SLL] !== 0;

/** Whether a check mid-run now leaves part of the machine alone (any of the above for an mm
 *  or an area in use): a suspect it does not see again may still be there. */
export function checkLeavesSomeAlone(L: Layout, I: Int32Array): boolean {
  if (swapCounterBusy(L, I)) return true;
  for (let mm = 0; mm < L.nMm; mm++) if (ptesBusy(L, I, mm)) return true;
  for (let a = 0; a < MAX_AREAS; a++) {
    if ((I[L.AREAS + a * AREA_WORDS + A.FLAGS] & SWP_USED) !== 0 && swapMapBusy(L, I, a)) return true;
  }
  return false;
}
