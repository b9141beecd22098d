// The deep invariant checker: walks the whole machine state through zero-copy views of the
// model's memory and checks the invariants at the end of kernel-notes.md (ids in abi.ts
// VIOLATION_IDS). The in-model BUG_ONs (assembly/kernel/check.ts) catch what a single step
// can see; this checker catches what only the whole state shows: leaked swap counts, a slot
// freed under a pte, a pte whose data is gone.
//
// It runs at the end of every hunt execution on tiny machines, hundreds of thousands of times
// a second, so: at rest on a machine of at most 32 frames one fused pass answers "clean?"
// without allocating or building anything, and only a state it does not call clean goes
// through the passes here that find and describe each violation; scratch arrays are
// preallocated per machine layout, and strings are built only for violations. The fused pass
// lives in the model (assembly/kernel/rest.ts, m.clean_at_rest()): hunt_execution runs it
// itself and answers RUN.CLEAN, so a clean hunt execution never comes here. A new invariant
// goes into both: test/invariants/fused.test.ts fails until the two agree.
//
// `quiescent` = every CPU between operations, the disk idle, kswapd idle: no running path
// holds a temporary reference or a lock, so counts must be exact and every lock free.
// Otherwise (bulk mode's periodic checks) counts need only cover their holders (">="), and
// what a lock holder may have half-updated is left alone: the ptes of an mm whose
// page_table_lock is held, the slots of an area whose sdev_lock is held, nr_swap_pages while
// swaplock or an sdev_lock is held.
import type { Engine } from "../wasm/engine.js";
import {
  R,
  G,
  A,
  MM,
  PG,
  AG,
  PTE,
  AREA_WORDS,
  MM_WORDS,
  AGENT_WORDS,
  MAX_AREAS,
  SWP_USED,
  SWP_WRITEOK,
  SWAP_MAP_MAX,
  SWAP_MAP_BAD,
  PROC_NAMES,
  BUG,
  LO,
  LK,
  BAD,
  LAYOUT,
  FRAME_SHIFT_PTE,
  ENTRY_SHIFT_PTE,
  SWP_TYPE_SHIFT,
  SWP_OFFSET_MASK,
  swpEntry,
} from "../wasm/abi.js";
import { BKL_NAME, byValue, fmtEntry, fmtPage, fmtVpage, LOCK_NAMES } from "../report/events/types.js";
import { violationName, violationRank, type ViolationId } from "./ids.js";
// The model hashes swap-cache keys with mix32 (assembly/kernel/rng.ts); the host's copy is
// src/workload/rng.ts.
import { mix32 } from "../workload/rng.js";

export interface Violation {
  id: ViolationId;
  /** Stable across runs: invariant id + what broke (or the procedure, for the in-model one). */
  signature: string;
  /** One line a kernel developer understands. */
  message: string;
  details: Record<string, number | string>;
}

export interface CheckOptions {
  /** Every CPU between ops, disk idle: counts must be exact and no lock may be held. */
  quiescent: boolean;
  /** Always run the full passes, never the fused one that answers a clean state at rest
   *  (tests comparing the two). */
  full?: boolean;
}

const EMPTY_SLOT = 0;

/** Word (or halfword) indices of the state arrays and per-layout scratch. */
class Layout {
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
  readonly frameMaps: Int32Array; // ptes mapping the frame
  readonly frameMark: Uint8Array; // visited (hash walk, free stack walk)
  readonly usedAreas: Int32Array; // areas with SWP_USED this check
  // The engine's views, kept: memory grows only in configure (a new layout), and a grown
  // memory detaches the old buffer (length 0), which checkInvariants notices.
  I32: Int32Array;
  U16: Uint16Array;
  nUsed = 0;
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
    this.frameMaps = new Int32Array(this.nFrames);
    this.frameMark = new Uint8Array(this.nFrames);
    this.usedAreas = new Int32Array(MAX_AREAS);
    this.I32 = e.I32;
    this.U16 = e.U16;
  }

  agentName(a: number): string {
    if (a < this.nCpu) return `CPU${a}`;
    if (a === this.nCpu) return "disk";
    return this.kswapd && a === this.nCpu + 1 ? "kswapd" : `agent ${a}`;
  }
}

/** Violations of one check, one per signature (later occurrences only counted). */
class Collector {
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
const NO_VIOLATIONS = Object.freeze([]) as unknown as Violation[];

/** Zeroes the first n words of a scratch array: a plain loop beats fill() on a hunt machine's
 *  few words, fill() (memset) a large machine's frames. */
function zero(a: Int32Array | Uint8Array, n: number): void {
  if (n > 256) a.fill(0, 0, n);
  else for (let i = 0; i < n; i++) a[i] = 0;
}

const layouts = new WeakMap<Engine, Layout>();
const collector = new Collector();
// The last engine checked and its layout: a hunt checks one engine over and over, and this
// spares it the WeakMap lookup.
let lastEngine: Engine | undefined;
let lastLayout: Layout | undefined;

function layoutOf(e: Engine): Layout {
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

/** The model's fused pass alone (tests): true when it finds the state clean at rest,
 *  undefined when the machine is too large for it. */
export function fusedCleanAtRest(e: Engine): boolean | undefined {
  const L = layoutOf(e);
  return L.small ? e.m.clean_at_rest() !== 0 : undefined;
}

/** Checks every invariant of the whole state; [] when clean. */
export function checkInvariants(e: Engine, opts: CheckOptions): Violation[] {
  const L = layoutOf(e);
  // At rest on a small machine: the model's fused pass, which only answers "clean?"; when it
  // is not, the passes below find out what and say so.
  if (opts.quiescent && L.small && opts.full !== true && e.m.clean_at_rest() !== 0) return NO_VIOLATIONS;
  const I = L.I32;
  const U16 = L.U16;
  const v = collector;
  v.reset();
  collectAreas(L, I, U16, v, opts.quiescent);
  scanSwapCacheHash(L, I, v);
  scanFrames(L, I, U16, v);
  scanPtes(L, I, U16, v, opts.quiescent);
  checkSlots(L, I, U16, v, opts.quiescent);
  checkPageCounts(L, I, v, opts.quiescent);
  checkFreeList(L, I, v);
  if (opts.quiescent) checkLru(L, I, v);
  if (opts.quiescent) checkLocksFree(L, I, v);
  return v.result();
}

// ---- swap areas: used areas, header slot, free counter and bracket (inv 6, 7) ----------

function collectAreas(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, quiescent: boolean): void {
  L.nUsed = 0;
  const ns = L.nSlots;
  let freeUsable = 0;
  // A running path holding swaplock or an sdev_lock may be between the two updates.
  let locked = !quiescent && I[L.G + G.SLL] !== 0;
  let sdlHeld = 0; // for checkLocksFree: one pass over the areas instead of two
  const areas = L.AREAS;
  for (let a = 0; a < MAX_AREAS; a++) {
    const ab = areas + a * AREA_WORDS;
    const flags = I[ab + A.FLAGS];
    if (I[ab + A.SDL] !== 0) sdlHeld |= 1 << a;
    if ((flags & SWP_USED) === 0) continue;
    L.usedAreas[L.nUsed++] = a;
    const base = a << L.slotsShift;
    // Plain loops: ranged fill() costs more than these few words.
    for (let s = base; s < base + ns; s++) {
      L.slotPtes[s] = 0;
      L.slotCacheN[s] = 0;
      L.slotCache[s] = EMPTY_SLOT;
    }
    const sm = L.SWAP_MAP16 + base;
    if (U16[sm] !== SWAP_MAP_BAD) {
      v.add("bad-slot", "header", `swap area ${a}: header slot 0 has count ${U16[sm]}, not SWAP_MAP_BAD`, { area: a, count: U16[sm] });
    }
    if ((flags & SWP_WRITEOK) !== SWP_WRITEOK) continue;
    if (!quiescent && I[ab + A.SDL] !== 0) {
      locked = true;
      continue;
    }
    const lowest = I[ab + A.LOWEST],
      highest = I[ab + A.HIGHEST];
    for (let s = 1; s < ns; s++) {
      if (U16[sm + s] !== 0) continue;
      freeUsable++;
      if (s < lowest || s > highest) {
        v.add(
          "nr-swap-pages",
          "bracket",
          `free slot ${fmtEntry(swpEntry(a, s))} lies outside swap area ${a}'s free bracket [${lowest}, ${highest}]: get_swap_page will never hand it out`,
          { area: a, offset: s, lowest, highest },
        );
      }
    }
  }
  L.sdlHeld = sdlHeld;
  // sys_swapoff subtracts the area's pages up front; the counter only matches again after.
  if (I[L.G + G.SWAPOFF_AREA] >= 0 || locked) return;
  const nr = I[L.G + G.NR_SWAP_PAGES];
  if (nr !== freeUsable) {
    v.add("nr-swap-pages", "counter", `nr_swap_pages is ${nr} but ${freeUsable} usable swap slots are free`, {
      nrSwapPages: nr,
      freeSlots: freeUsable,
    });
  }
}

/** Global slot index of a valid entry of a used area, or -1 (reported by the caller). */
function slotOf(L: Layout, I: Int32Array, entry: number): number {
  const a = entry >>> SWP_TYPE_SHIFT,
    off = entry & SWP_OFFSET_MASK;
  if (a >= MAX_AREAS || off >= L.nSlots) return -1;
  if ((I[L.AREAS + a * AREA_WORDS + A.FLAGS] & SWP_USED) === 0) return -1;
  return (a << L.slotsShift) | off;
}

/** Why an entry has no slot: "invalid" (out of range) or "unused-area". */
function badEntryReport(L: Layout, v: Collector, entry: number, holder: string, details: Record<string, number | string>): void {
  const a = entry >>> SWP_TYPE_SHIFT,
    off = entry & SWP_OFFSET_MASK;
  if (a >= MAX_AREAS || off >= L.nSlots) {
    v.add("bad-slot", "invalid-entry", `${holder} holds ${fmtEntry(entry)}, which is no valid swap entry`, details);
  } else {
    v.add("free-slot", "unused-area", `${holder} holds ${fmtEntry(entry)} of swap area ${a}, which is not in use (swapped off)`, details);
  }
}

// ---- the swap cache (inv 2, 3) ---------------------------------------------------------

/** Walks the hash buckets in order, as lookups do: per entry, the page a lookup returns. */
function scanSwapCacheHash(L: Layout, I: Int32Array, v: Collector): void {
  const mark = L.frameMark;
  zero(mark, L.nFrames);
  const mask = L.hashSize - 1;
  for (let b = 0; b < L.hashSize; b++) {
    let f = I[L.HASH_HEAD + b];
    while (f !== 0) {
      if (f < 0 || f >= L.nFrames || mark[f] !== 0) {
        v.add("cache-page", "hash-chain", `swap-cache hash bucket ${b} is corrupt at ${fmtPage(f)} (out of range or a loop)`, {
          bucket: b,
          page: f,
        });
        break;
      }
      mark[f] = 1;
      const entry = I[L.PG_INDEX + f];
      if ((I[L.PG_FLAGS + f] & PG.SWAPCACHE) === 0) {
        v.add("cache-page", "hashed-not-cached", `${fmtPage(f)} is in the swap-cache hash but not PG_swapcache`, { page: f, entry });
      } else if ((mix32(entry) & mask) !== b) {
        v.add(
          "cache-page",
          "index",
          `${fmtPage(f)} sits in the swap-cache hash chain of another key: its index changed to ${fmtEntry(entry)} while hashed`,
          { page: f, entry, bucket: b },
        );
      } else {
        const s = slotOf(L, I, entry);
        if (s >= 0 && L.slotCache[s] === EMPTY_SLOT) L.slotCache[s] = f;
      }
      f = I[L.PG_HASH_NEXT + f];
    }
  }
}

/** Every PG_swapcache frame: hashed, in use, keyed by a live slot; at most one per entry. */
function scanFrames(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector): void {
  L.dupSeen = false;
  const zf = I[L.PG_FLAGS];
  if ((zf & PG.SWAPCACHE) !== 0 || (zf & PG.RESERVED) === 0) {
    v.add("cache-page", "zero-page", `the zero page (page 0) lost PG_reserved or entered the swap cache (flags 0x${zf.toString(16)})`, {
      flags: zf,
    });
  }
  for (let f = 1; f < L.nFrames; f++) {
    const fl = I[L.PG_FLAGS + f];
    if ((fl & PG.SWAPCACHE) === 0) continue;
    const entry = I[L.PG_INDEX + f];
    if ((fl & PG.INUSE) === 0) {
      v.add("cache-page", "free-page", `free ${fmtPage(f)} is still in the swap cache for ${fmtEntry(entry)}`, { page: f, entry });
    }
    if (L.frameMark[f] === 0) {
      v.add(
        "cache-page",
        "unhashed",
        `${fmtPage(f)} is PG_swapcache for ${fmtEntry(entry)} but not in the swap-cache hash: lookups miss it`,
        { page: f, entry },
      );
    }
    const s = slotOf(L, I, entry);
    if (s < 0) {
      badEntryReport(L, v, entry, `swap-cache ${fmtPage(f)}`, { page: f, entry });
      continue;
    }
    if (++L.slotCacheN[s] === 2) L.dupSeen = true;
    const count = U16[L.SWAP_MAP16 + s];
    if ((entry & SWP_OFFSET_MASK) === 0 || count === SWAP_MAP_BAD) {
      v.add("bad-slot", "cache", `swap-cache ${fmtPage(f)} is keyed by ${fmtEntry(entry)}, a bad or header slot`, {
        page: f,
        entry,
        count,
      });
    } else if (count === 0) {
      v.add("free-slot", "cached", `swap-cache ${fmtPage(f)} is keyed by ${fmtEntry(entry)}, whose slot is free`, { page: f, entry });
    }
  }
  // Reported once per entry, naming the page a lookup finds and the other one.
  if (!L.dupSeen) return;
  for (let i = 0; i < L.nUsed; i++) {
    const base = L.usedAreas[i] << L.slotsShift;
    for (let s = base; s < base + L.nSlots; s++) {
      const n = L.slotCacheN[s];
      if (n < 2) continue;
      const entry = swpEntry(s >> L.slotsShift, s & ((1 << L.slotsShift) - 1));
      const first = L.slotCache[s] !== EMPTY_SLOT ? L.slotCache[s] : otherCachePage(L, I, entry, 0);
      const other = otherCachePage(L, I, entry, first);
      v.add(
        "swapcache-unique",
        "dup",
        `${n === 2 ? "two" : n} swap-cache pages for ${fmtEntry(entry)}: ${fmtPage(first)} and ${fmtPage(other)}`,
        { entry: fmtEntry(entry), page: first, other, pages: n },
      );
    }
  }
}

/** A cache page keyed by entry other than `not` (violation path only). */
function otherCachePage(L: Layout, I: Int32Array, entry: number, not: number): number {
  for (let f = 1; f < L.nFrames; f++) {
    if (f !== not && (I[L.PG_FLAGS + f] & PG.SWAPCACHE) !== 0 && I[L.PG_INDEX + f] === entry) return f;
  }
  return 0;
}

// ---- ptes: references and data (inv 5, 7, 9) ----------------------------------------------

function scanPtes(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, quiescent: boolean): void {
  zero(L.frameMaps, L.nFrames);
  for (let mm = 0; mm < L.nMm; mm++) {
    const mb = L.MMS + mm * MM_WORDS;
    if (I[mb + MM.USERS] === 0) continue; // no process in this mm
    // Under page_table_lock a path may have cleared a pte it is about to set again (swap_out)
    // or freed a slot its pte still names (do_swap_page): judge that mm when the lock is free.
    // Skipping its ptes only lowers the reference counts, so the ">=" checks stay sound.
    if (!quiescent && I[mb + MM.PTL] !== 0) continue;
    const row = mm << L.pagesShift;
    for (let p = 0; p < L.nPages; p++) {
      const pte = I[L.PTES + row + p];
      const shadow = I[L.SHADOW + row + p];
      if (pte === 0) {
        if (shadow !== 0) lost(v, "none", mm, p, `pte is none (reads zero) but ${shadow} was written`, shadow, 0);
      } else if ((pte & PTE.PRESENT) !== 0) {
        presentPte(L, I, v, mm, p, pte >>> FRAME_SHIFT_PTE, shadow);
      } else {
        swapPte(L, I, U16, v, mm, p, pte >>> ENTRY_SHIFT_PTE, shadow);
      }
    }
  }
}

function lost(v: Collector, what: string, mm: number, p: number, why: string, shadow: number, got: number): void {
  v.add("data-lost", what, `${fmtVpage(mm, p)}: ${why}`, { mm, page: p, expected: shadow, got });
}

function presentPte(L: Layout, I: Int32Array, v: Collector, mm: number, p: number, f: number, shadow: number): void {
  if (f >= L.nFrames) {
    lost(v, "bad-frame", mm, p, `pte maps frame ${f}, beyond the machine's ${L.nFrames} frames`, shadow, -1);
    return;
  }
  L.frameMaps[f]++;
  const content = I[L.PG_CONTENT + f];
  if (f === 0) {
    if (shadow !== 0 || content !== 0) {
      lost(v, "zero-page", mm, p, `maps the zero page (content ${content}) but ${shadow} was written`, shadow, content);
    }
    return;
  }
  if ((I[L.PG_FLAGS + f] & PG.INUSE) === 0) {
    lost(v, "free-frame", mm, p, `pte maps free ${fmtPage(f)}`, shadow, content);
  } else if (content !== shadow) {
    lost(v, "present", mm, p, `maps ${fmtPage(f)} holding ${content}, but the last write was ${shadow}`, shadow, content);
  }
}

function swapPte(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, mm: number, p: number, entry: number, shadow: number): void {
  const s = slotOf(L, I, entry);
  if (s < 0) {
    badEntryReport(L, v, entry, `the swap pte of ${fmtVpage(mm, p)}`, { mm, page: p, entry });
    return;
  }
  L.slotPtes[s]++;
  const count = U16[L.SWAP_MAP16 + s];
  if ((entry & SWP_OFFSET_MASK) === 0 || count === SWAP_MAP_BAD) {
    v.add("bad-slot", "pte", `the swap pte of ${fmtVpage(mm, p)} holds ${fmtEntry(entry)}, a bad or header slot`, {
      mm,
      page: p,
      entry,
      count,
    });
    return;
  }
  if (count === 0) {
    v.add("free-slot", "pte", `the swap pte of ${fmtVpage(mm, p)} holds ${fmtEntry(entry)}, whose slot is free`, { mm, page: p, entry });
  }
  // A fault reads the page a cache lookup returns once it is uptodate, else the slot.
  const f = L.slotCache[s];
  if (f !== EMPTY_SLOT && (I[L.PG_FLAGS + f] & PG.UPTODATE) !== 0) {
    const content = I[L.PG_CONTENT + f];
    if (content !== shadow) {
      lost(
        v,
        "swap-cache",
        mm,
        p,
        `swap pte ${fmtEntry(entry)} finds swap-cache ${fmtPage(f)} holding ${content}, but the last write was ${shadow}`,
        shadow,
        content,
      );
    }
  } else {
    const content = I[L.SLOT_CONTENT + s];
    if (content !== shadow) {
      const where = f !== EMPTY_SLOT ? ` (cache ${fmtPage(f)} not yet uptodate)` : "";
      lost(
        v,
        "swap-slot",
        mm,
        p,
        `swap slot ${fmtEntry(entry)} holds ${content}${where}, but the last write was ${shadow}`,
        shadow,
        content,
      );
    }
  }
}

// ---- swap_map counts (inv 1) -----------------------------------------------------------

function checkSlots(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, quiescent: boolean): void {
  const ns = L.nSlots;
  for (let i = 0; i < L.nUsed; i++) {
    const a = L.usedAreas[i];
    if (!quiescent && I[L.AREAS + a * AREA_WORDS + A.SDL] !== 0) continue; // mid swap_duplicate/swap_free
    const base = a << L.slotsShift;
    for (let off = 1; off < ns; off++) {
      const s = base + off;
      const count = U16[L.SWAP_MAP16 + s];
      // Free, bad and pinned-at-MAX slots are judged elsewhere or not at all (MAX is sticky).
      if (count === 0 || count >= SWAP_MAP_MAX) continue;
      const nCache = L.slotCacheN[s];
      const users = L.slotPtes[s] + (nCache > 0 ? 1 : 0);
      if (count < users) {
        swapCountReport(
          v,
          "short",
          a,
          off,
          count,
          L.slotPtes[s],
          nCache,
          "a swap_free ran while it is still referenced: the slot will be freed and reused under them",
        );
      } else if (quiescent && count > users && nCache < 2) {
        swapCountReport(v, "leak", a, off, count, L.slotPtes[s], nCache, "a reference leaked: the slot can never be freed");
      }
    }
  }
}

function swapCountReport(
  v: Collector,
  what: string,
  a: number,
  off: number,
  count: number,
  ptes: number,
  nCache: number,
  why: string,
): void {
  const entry = swpEntry(a, off);
  const holders = `${ptes} pte${ptes === 1 ? "" : "s"}${nCache > 0 ? " + the swap cache" : ""}`;
  v.add("swap-count", what, `swap_map[${fmtEntry(entry)}] = ${count} but ${holders} hold it: ${why}`, {
    entry: fmtEntry(entry),
    count,
    ptes,
    cached: nCache > 0 ? 1 : 0,
  });
}

// ---- page references (inv 3 and page counts) ---------------------------------------------

function checkPageCounts(L: Layout, I: Int32Array, v: Collector, quiescent: boolean): void {
  for (let f = 1; f < L.nFrames; f++) {
    const fl = I[L.PG_FLAGS + f];
    const count = I[L.PG_COUNT + f];
    if ((fl & PG.INUSE) === 0) {
      if (count !== 0) {
        v.add("bug-on", "free-page-count", `free ${fmtPage(f)} has count ${count}`, { page: f, count });
      }
      continue;
    }
    const maps = L.frameMaps[f];
    const cached = (fl & PG.SWAPCACHE) !== 0;
    const need = maps + (cached ? 1 : 0);
    if (count >= need && (!quiescent || count === need)) continue;
    const holders = `${maps} pte${maps === 1 ? "" : "s"}${cached ? " + the swap cache" : ""}`;
    const why = count < need ? "put_page will free it while still in use" : "a reference leaked";
    if (cached) {
      v.add(
        "cache-page",
        "count",
        `swap-cache ${fmtPage(f)} (${fmtEntry(I[L.PG_INDEX + f])}) has count ${count} but ${holders} hold it: ${why}`,
        { page: f, entry: fmtEntry(I[L.PG_INDEX + f]), count, ptes: maps },
      );
    } else {
      v.add("bug-on", count < need ? "page-count" : "page-leak", `${fmtPage(f)} has count ${count} but ${holders} hold it: ${why}`, {
        page: f,
        count,
        ptes: maps,
      });
    }
  }
}

/** The free stack holds exactly the frames without PG_inuse, each once (no double free). */
function checkFreeList(L: Layout, I: Int32Array, v: Collector): void {
  const mark = L.frameMark;
  zero(mark, L.nFrames);
  const n = I[L.G + G.NR_FREE];
  if (n < 0 || n > L.nFrames) {
    v.add("bug-on", "free-list", `nr_free_pages is ${n} on a machine of ${L.nFrames} frames`, { nrFree: n });
    return;
  }
  for (let i = 0; i < n; i++) {
    const f = I[L.FREE_STACK + i];
    if (f <= 0 || f >= L.nFrames || mark[f] !== 0 || (I[L.PG_FLAGS + f] & PG.INUSE) !== 0) {
      const why = f <= 0 || f >= L.nFrames ? "is no freeable frame" : mark[f] !== 0 ? "is on it twice (double free)" : "is in use";
      v.add("bug-on", "free-list", `the free page list holds ${fmtPage(f)}, which ${why}`, { page: f, position: i });
      return;
    }
    mark[f] = 1;
  }
  for (let f = 1; f < L.nFrames; f++) {
    if ((I[L.PG_FLAGS + f] & PG.INUSE) === 0 && mark[f] === 0) {
      v.add("bug-on", "free-list", `${fmtPage(f)} is neither in use nor on the free page list: lost`, { page: f });
    }
  }
}

// ---- the LRU lists at rest (lru) ------------------------------------------------------------
// 2.4.16 mm/swap.c lru_cache_add / __lru_cache_del, mm/vmscan.c refill_inactive: every page a
// process or the swap cache holds is on exactly one of the two lists, the active list holds
// exactly the PG_active pages, and nr_active_pages / nr_inactive_pages count them. Only at
// rest: a running path may have set PG_lru and still wait for pagemap_lru_lock to link it.

function checkLru(L: Layout, I: Int32Array, v: Collector): void {
  const pending = I[L.G + G.LRU_PENDING];
  if (pending !== 0) {
    v.add("lru", "pending", `${pending} count-0 pages still wait on the LRU for pagemap_lru_lock with every CPU at rest`, { pending });
  }
  const mark = L.frameMark;
  zero(mark, L.nFrames);
  lruList(L, I, v, L.nFrames, true, G.NR_ACTIVE, "nr_active_pages");
  lruList(L, I, v, L.nFrames + 1, false, G.NR_INACTIVE, "nr_inactive_pages");
  for (let f = 0; f < L.nFrames; f++) {
    if (mark[f] !== 0) continue;
    const fl = I[L.PG_FLAGS + f];
    if ((fl & (PG.LRU | PG.ACTIVE)) !== 0) {
      v.add("lru", "flags", `${fmtPage(f)} is marked ${(fl & PG.LRU) !== 0 ? "PG_lru" : "PG_active"} but on neither LRU list`, {
        page: f,
        flags: fl,
      });
    } else if (f !== 0 && (fl & PG.INUSE) !== 0) {
      v.add("lru", "missing", `${fmtPage(f)} is in use but on neither LRU list: reclaim can never find it`, { page: f });
    }
  }
}

/** Walks one list from its head (list_for_each), marking its pages; reports a broken link, a
 *  page met twice or with the wrong flags, and a length other than its counter. */
function lruList(L: Layout, I: Int32Array, v: Collector, head: number, active: boolean, counter: number, name: string): void {
  const list = active ? "active" : "inactive";
  const mark = L.frameMark;
  let prev = head;
  let n = 0;
  for (let f = I[L.PG_LRU_NEXT + head]; f !== head; f = I[L.PG_LRU_NEXT + f]) {
    if (f <= 0 || f >= L.nFrames || mark[f] !== 0 || I[L.PG_LRU_PREV + f] !== prev) {
      const why = f <= 0 || f >= L.nFrames ? "links to no page" : mark[f] !== 0 ? "loops" : "has a back link that does not match";
      v.add("lru", "list", `the ${list} list ${why} at ${f <= 0 || f >= L.nFrames ? `frame ${f}` : fmtPage(f)}`, { list, page: f });
      return;
    }
    const fl = I[L.PG_FLAGS + f];
    if ((fl & (PG.LRU | PG.INUSE)) !== (PG.LRU | PG.INUSE) || ((fl & PG.ACTIVE) !== 0) !== active) {
      v.add("lru", "flags", `${fmtPage(f)} is on the ${list} list with flags 0x${fl.toString(16)}`, { page: f, flags: fl, list });
      return;
    }
    mark[f] = 1;
    prev = f;
    n++;
  }
  if (I[L.PG_LRU_PREV + head] !== prev) {
    v.add("lru", "list", `the ${list} list's head links back to ${I[L.PG_LRU_PREV + head]}, not its last page`, { list });
    return;
  }
  const nr = I[L.G + counter];
  if (nr !== n) v.add("lru", name, `${name} is ${nr} but the ${list} list holds ${n} pages`, { counter: nr, pages: n });
}

// ---- locks at rest (inv 4, 8 → lock-leak) -------------------------------------------------

const GLOBAL_LOCK_WORDS: readonly number[] = [G.PCL, G.SLL, G.LRU_LOCK, G.BKL];
const GLOBAL_LOCK_NAMES: readonly string[] = [LOCK_NAMES[LK.PCL], LOCK_NAMES[LK.SLL], LOCK_NAMES[LK.LRU], BKL_NAME];

function checkLocksFree(L: Layout, I: Int32Array, v: Collector): void {
  const before = v.out ? v.out.length : 0;
  for (let i = 0; i < GLOBAL_LOCK_WORDS.length; i++) {
    const owner = I[L.G + GLOBAL_LOCK_WORDS[i]];
    if (owner !== 0) leak(L, v, GLOBAL_LOCK_NAMES[i], owner, "");
  }
  for (let mm = 0; mm < L.nMm; mm++) {
    const mb = L.MMS + mm * MM_WORDS;
    if (I[mb + MM.PTL] !== 0) leak(L, v, "page_table_lock", I[mb + MM.PTL], ` of mm ${mm}`);
    if (I[mb + MM.SEM] !== 0) leak(L, v, "mmap_sem", I[mb + MM.SEM], ` of mm ${mm}`);
  }
  // Held sdev_locks, in area order (collectAreas noted them).
  for (let m = L.sdlHeld; m !== 0; m &= m - 1) {
    const a = 31 - Math.clz32(m & -m);
    leak(L, v, "sdev_lock", I[L.AREAS + a * AREA_WORDS + A.SDL], ` of swap area ${a}`);
  }
  for (let f = 0; f < L.nFrames; f++) {
    if ((I[L.PG_FLAGS + f] & PG.LOCKED) !== 0) {
      v.add("lock-leak", "page-lock", `${fmtPage(f)} is still locked (PG_locked) with every CPU between operations`, {
        page: f,
        entry: fmtEntry(I[L.PG_INDEX + f]),
      });
    }
  }
  if ((v.out ? v.out.length : 0) !== before) return;
  // Lock words all free, yet an agent believes it holds one: its bookkeeping leaked.
  for (let a = 0; a < L.nAgents; a++) {
    const ab = L.AGENTS + a * AGENT_WORDS;
    const held = I[ab + AG.HELD],
      spins = I[ab + AG.SPINS_HELD],
      bkl = I[ab + AG.BKL_DEPTH] + I[ab + AG.BKL_SAVED];
    if (held !== 0 || spins !== 0 || bkl !== 0) {
      v.add(
        "lock-leak",
        "agent",
        `${L.agentName(a)} is at rest but still counts locks as held (classes 0x${held.toString(16)}, ${spins} spinlocks, BKL depth ${bkl})`,
        { agent: a, held, spins, bkl },
      );
    }
  }
}

function leak(L: Layout, v: Collector, name: string, owner: number, of: string): void {
  v.add("lock-leak", name.split(" ")[0], `${name}${of} is still held by ${L.agentName(owner - 1)} with every CPU between operations`, {
    lock: name,
    owner: owner - 1,
  });
}

// ---- the in-model violation ----------------------------------------------------------------

/** Decodes the violation the model recorded (G.VIOL*), or undefined when there is none. */
export function modelViolation(e: Engine): Violation | undefined {
  const I = e.I32;
  const g = e.region(R.GLOBALS) >> 2;
  const v = I[g + G.VIOL];
  if (v === 0) return undefined;
  const id = violationName(v);
  const agent = I[g + G.VIOL_AGENT],
    proc = I[g + G.VIOL_PROC],
    pc = I[g + G.VIOL_PC];
  const a = I[g + G.VIOL_A],
    b = I[g + G.VIOL_B],
    c = I[g + G.VIOL_C];
  const procName = PROC_NAMES[proc] ?? `proc${proc}`;
  const signature = proc > 0 ? `${id}@${procName}` : id;
  const cpus = e.config.cpus;
  const who = agent < 0 ? "the machine" : agent < cpus ? `CPU${agent}` : agent === cpus ? "disk" : "kswapd";
  const where = proc > 0 ? `${who} in ${procName}` : who;
  return {
    id,
    signature,
    message: `${where}: ${describeModelViolation(id, a, b, c)}`,
    details: { agent, proc: procName, pc, a, b, c },
  };
}

// assembly/mm/swapfile.ts swap_info_get's printk reasons (the third value of V_FREE_SLOT / V_BAD_SLOT).
const BAD_ENTRY_REASONS = byValue(BAD, {
  UNUSED_OFFSET: "Unused swap offset entry (the slot is free)",
  OFFSET: "Bad swap offset entry",
  UNUSED_FILE: "Unused swap file entry",
  FILE: "Bad swap file entry",
  FREED_UNDER_US: "slot freed under us (count 0 once sdev_lock was held)",
  BAD_SLOT: "reference to a SWAP_MAP_BAD slot",
});

function describeModelViolation(id: ViolationId, a: number, b: number, c: number): string {
  switch (id) {
    case "swapcache-unique":
      return `two swap-cache pages for ${fmtEntry(a)}: ${fmtPage(b)} and ${fmtPage(c)}`;
    case "page-lock":
      return `swap cache or I/O touched ${fmtPage(a)} without holding its page lock`;
    case "free-slot":
    case "bad-slot":
      return `${BAD_ENTRY_REASONS[c] ?? `bad entry (${c})`}: ${fmtEntry(a)}, count ${b}`;
    case "data-lost":
      return `${fmtVpage(a, b)} read ${c}, not the last value written to it`;
    case "lock-order":
      if (b === LO.SELF) return `${LOCK_NAMES[a] ?? `lock class ${a}`} taken twice by its holder (self-deadlock)`;
      if (a === LO.SLEEP_SPIN) return `went to sleep holding a spinlock (held classes 0x${b.toString(16)})`;
      if (a === LO.ALLOC_SPIN) return `may sleep (page allocation) holding a spinlock (held classes 0x${b.toString(16)})`;
      return `${LOCK_NAMES[a] ?? `lock class ${a}`} taken inside a lock that must nest inside it (held classes 0x${b.toString(16)})`;
    case "bug-on":
      if (a === BUG.FREE_BUSY_PAGE)
        return `freeing ${fmtPage(b)} while it is locked, in the swap cache or reserved (flags 0x${(c >>> 0).toString(16)})`;
      if (a === BUG.PUT_PAGE_UNDERFLOW) return `put_page underflow on ${fmtPage(b)}`;
      if (a === BUG.ADD_MAPPED) return `add_to_swap_cache: ${fmtPage(b)} is already in the swap cache (adding ${fmtEntry(c)})`;
      if (a === BUG.DELETE_UNCACHED) return `delete_from_swap_cache: ${fmtPage(b)} is not in the swap cache`;
      if (a === BUG.LRU_UNLINKED)
        return `LRU: ${fmtPage(b)} is marked PG_lru but on no list (flags 0x${(c >>> 0).toString(16)}): list_del of an unlinked page`;
      if (a === BUG.UNUSE_CACHE) return `try_to_unuse: ${fmtEntry(b)}'s slot count and ${fmtPage(c)}'s swap-cache membership disagree`;
      if (a === BUG.UNKNOWN_PC) return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} has no section ${c}`;
      if (a === BUG.UNKNOWN_PROC) return `model bug: no procedure ${b} (asked for section ${c})`;
      if (a === BUG.BLOCK_CHANGED)
        return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} section ${c} returned BLOCK after changing state`;
      if (a === BUG.RESUME_AT_ENTRY) return `model bug: ${PROC_NAMES[b] ?? `procedure ${b}`} called on with section 0 as its continuation`;
      return `BUG() (${a}, ${b}, ${c})`;
    case "deadlock":
      return "no agent can run while work remains";
    case "stack-overflow":
      return `frame stack exhausted calling ${PROC_NAMES[a] ?? a} at depth ${b}`;
    case "livelock":
      return "the execution ran past its step bound";
    case "swap-map-uaf":
      return `reads the swap map for ${fmtEntry(a)} after sys_swapoff freed it (max still ${b}): a use after free (2.4.0's swap_map is NULL by then)`;
    case "oom-misreport":
      if (a === -1)
        return `alloc_page fails for agent ${c} with ${b} swap slots free: out_of_memory kills nobody while swap is left, so a user allocation reclaims until it gets a page`;
      return `do_swap_page reports out of memory for ${fmtVpage(a >>> 16, a & 0xffff)} on ${fmtEntry(b)}, but its pte no longer holds that entry (now 0x${(c >>> 0).toString(16)}): someone else resolved it`;
    default:
      return `${id} violated (${a}, ${b}, ${c})`;
  }
}

/** Word index (into I32) of the swap-cache hash bucket of entry: for hand-built states in tests. */
export function swapCacheBucket(e: Engine, entry: number): number {
  const L = layoutOf(e);
  return L.HASH_HEAD + (mix32(entry) & (L.hashSize - 1));
}
