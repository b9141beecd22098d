// The simulated machine's state: struct-of-arrays in linear memory, laid out once by
// layout_machine() from the configuration. Every array's base address is published in the
// region table so the host can build zero-copy typed-array views (src/wasm/engine.ts).
// Nothing here allocates after init.
import { ld, st, ld16, st16, heap_start, ensure_memory, mem_fill, trap, clz32 } from "./platform";
import {
  cfg, CONFIG_BASE, CFG_COUNT, CFG_NCPU, CFG_NFRAMES, CFG_NMM, CFG_PAGES, CFG_NAREAS,
  CFG_SLOTS, CFG_KSWAPD, CFG_OPCAP, CFG_LOGCAP, CFG_TRACECAP, CFG_FLAGS, CFG_FLAGS2,
} from "./config";

// ---- fixed sizes -------------------------------------------------------------------
export const MAX_AGENTS: i32 = 16;
export const MAX_CPUS: i32 = 8;
export const MAX_AREAS: i32 = 32;
export const STACK_FRAMES: i32 = 24;   // deepest call chain: fault → read → alloc → reclaim → swap_out ...
export const FRAME_WORDS: i32 = 12;    // [proc, pc, l0..l9]
export const FRAME_BYTES: i32 = FRAME_WORDS * 4;
export const AGENT_WORDS: i32 = 16;
export const AREA_WORDS: i32 = 16;
export const MM_WORDS: i32 = 16;
export const GLOBAL_WORDS: i32 = 64;
export const STAT_WORDS: i32 = 64;
export const TRACE_WORDS: i32 = 8;     // [step, agent, proc, pc, event, a, b, c]

// ---- region table (host ABI: index → base address) ---------------------------------
export const R_CONFIG: i32 = 0;
export const R_GLOBALS: i32 = 1;
export const R_STATS: i32 = 2;
export const R_AGENTS: i32 = 3;
export const R_STACKS: i32 = 4;
export const R_AREAS: i32 = 5;
export const R_MMS: i32 = 6;
export const R_PG_COUNT: i32 = 7;
export const R_PG_FLAGS: i32 = 8;
export const R_PG_INDEX: i32 = 9;
export const R_PG_CONTENT: i32 = 10;
export const R_PG_LRU_NEXT: i32 = 11;
export const R_PG_LRU_PREV: i32 = 12;
export const R_PG_HASH_NEXT: i32 = 13;
export const R_FREE_STACK: i32 = 14;
export const R_SWAP_MAP: i32 = 15;      // u16 per slot
export const R_SLOT_CONTENT: i32 = 16;
export const R_HASH_HEAD: i32 = 17;
export const R_PTES: i32 = 18;
export const R_SHADOW: i32 = 19;
export const R_OPS: i32 = 20;           // per CPU op ring, CFG_OPCAP words each
export const R_LOG: i32 = 21;           // choice log, one byte per step
export const R_TRACE: i32 = 22;         // trace records
export const R_IOQ: i32 = 23;           // disk queue ring: [frame, rw] pairs
export const R_SWAP_TMP: i32 = 24;      // per slot: temporary swap_map refs held by running paths
export const R_END: i32 = 25;           // first byte after the state
export const R_WORKLOAD: i32 = 26;      // in-model generator: header + per CPU stream state (workload.ts)
export const R_REST_SCRATCH: i32 = 27;  // rest.ts's scratch, after R_END: not state (not reset, not hashed)
export const R_HASH_TOUCHED: i32 = 28;  // the swap-cache buckets written since the last boot (note_bucket): not state
export const R_LRU_PENDING: i32 = 29;   // frames put_page left on the LRU at count 0 (G_LRU_PENDING): not state
export const R_GATHER: i32 = 30;        // per pte: zap_page_range's gathered ptes (mmu_gather), between TRACE and IOQ (gather_get)
export const REGION_COUNT: i32 = 32;

@inline export function region(r: i32): i32 { return ld(REGION_TABLE + (r << 2)); }
export function region_table(): i32 { return REGION_TABLE; }

// ---- cached bases and sizes (module globals: fast in Wasm and in JS) ----------------
export let nCpu: i32 = 0;
export let nAgents: i32 = 0;
export let DISK: i32 = 0;             // agent id of the disk
export let KSWAPD: i32 = -1;          // agent id of kswapd, -1 if none
export let nFrames: i32 = 0;
export let nMm: i32 = 0;
export let nPages: i32 = 0;           // per mm
export let pagesShift: i32 = 0;       // log2(nPages rounded up)
export let nSlots: i32 = 0;           // per area
export let slotsShift: i32 = 0;
/** Areas the slot arrays are sized for: the ones swapped on at boot. swapon/swapoff ops
 *  address only these (an area swapped off can be swapped on again). */
export let nAreaSlots: i32 = 0;
export let hashMask: i32 = 0;
export let ioqMask: i32 = 0;
export let opMask: i32 = 0;
export let logMask: i32 = 0;
export let traceMask: i32 = 0;
export let flags: i32 = 0;
export let flags2: i32 = 0; // CFG_FLAGS2, model.ts F2_*

// The fixed-size blocks (config, region table, globals, stats, agents, stacks, areas) sit
// at constant addresses from CONFIG_BASE: V8 keeps a module `let` in memory, so a base
// held in one costs a load of its own on every access, on the critical path of every step
// (measured: 5% of a hunt execution). The config-sized arrays follow from FIXED_END.
const REGION_TABLE: i32 = CONFIG_BASE + CFG_COUNT * 4;
/** The scheduler's byte table (sched.ts pct_bytes), just below the config block: a constant
 *  address, above the module's static data (reserve_fixed checks), and outside every range
 *  the state hash reads (it is derived from AG_PRIO, not state of its own). */
export const PCT_BEST_BYTES: i32 = 1 << 6;
export const PCT_BEST: i32 = CONFIG_BASE - PCT_BEST_BYTES;
/** The uniform scheduler's list of runnable agents (sched.ts uniform_list), a byte each, just
 *  below PCT_BEST: derived from the runnable mask, outside every range the state hash reads. */
export const RUN_LIST_BYTES: i32 = 16;
export const RUN_LIST: i32 = PCT_BEST - RUN_LIST_BYTES;
export const G: i32 = REGION_TABLE + REGION_COUNT * 4;
export const STATS: i32 = G + GLOBAL_WORDS * 4;
export const AGENTS: i32 = STATS + STAT_WORDS * 4;
export const STACKS: i32 = AGENTS + MAX_AGENTS * AGENT_WORDS * 4;
export const AREAS: i32 = STACKS + MAX_AGENTS * STACK_FRAMES * FRAME_BYTES;
const FIXED_END: i32 = AREAS + MAX_AREAS * AREA_WORDS * 4;
// The first config-sized array starts at the constant FIXED_END: its base is a constant too.
export const MMS: i32 = FIXED_END;
export let PG_COUNT: i32 = 0;
export let PG_FLAGS: i32 = 0;
export let PG_INDEX: i32 = 0;
export let PG_CONTENT: i32 = 0;
export let PG_LRU_NEXT: i32 = 0;
export let PG_LRU_PREV: i32 = 0;
export let PG_HASH_NEXT: i32 = 0;
export let FREE_STACK: i32 = 0;
export let SWAP_MAP: i32 = 0;
export let SLOT_CONTENT: i32 = 0;
export let SWAP_TMP: i32 = 0;
export let HASH_HEAD: i32 = 0;
export let PTES: i32 = 0;
export let SHADOW: i32 = 0;
export let OPS: i32 = 0;
export let LOG: i32 = 0;
export let TRACE: i32 = 0;
export let IOQ: i32 = 0;
export let WORKLOAD: i32 = 0;
// The fused check at rest's scratch (rest.ts), per slot and per frame; laid out only for
// machines of at most REST_MAX_FRAMES frames and REST_MAX_SLOTS slots in all (every hunt
// machine; a larger bulk machine is left to the host's passes rather than grow its layout).
export let REST_SLOT_PTES: i32 = 0;   // per slot: swap ptes holding its entry
export let REST_SLOT_CACHE: i32 = 0;  // per slot: the page a cache lookup of its entry returns, 0 none
export let REST_FRAME_MAPS: i32 = 0;  // per frame: present ptes mapping it
export let REST_FRAME_MARKS: i32 = 0; // per frame: met in a hash chain, on the free stack (rest.ts)
export const REST_MAX_FRAMES: i32 = 65536;
export const REST_MAX_SLOTS: i32 = 1 << 20;
/** Whether this layout has the fused check's scratch (LAYOUT_REST_CHECK). */
export let restCheck: bool = false;
/** The buckets note_bucket lists before it gives up (the next clear and check go whole). */
export const HASH_TOUCHED_MAX: i32 = 32;
export let HASH_TOUCHED: i32 = 0;
/** The deferred frees page_alloc.ts put_page lists for lru_release_pending; past this many it
 *  walks every frame instead. Not state: G_LRU_PENDING counts them, and only the first
 *  G_LRU_PENDING entries are read. */
export const LRU_PENDING_MAX: i32 = 64;
export let LRU_PENDING: i32 = 0;
// zap_page_range's mmu_gather (include/asm-generic/tlb.h, 2.4.16: mmu_gathers[cpu].ptes[]),
// one word per pte: the pte a gathering zap cleared and has not yet freed, 0 none. The
// kernel's array is per CPU, filled in walk order; here each pte has its own word and the
// flush walks them in address order, the same order. A gather is filled and emptied inside
// one page_table_lock hold of its mm, so every word is 0 whenever that lock is free: laid out
// between TRACE and IOQ, outside the state hash's ranges (a state stopped mid-zap differs in
// the zap's frame and the page counts too); clear_state zeroes it for a run a violation
// stopped mid-zap.
export let GATHER: i32 = 0;
export const WORKLOAD_WORDS: i32 = (MAX_CPUS + 1) * 4; // workload.ts: header block + one block per CPU

/** The least s with 2^s >= n (0 for n <= 1): from the leading zeros of n - 1, where a loop
 *  of data-dependent length missed its exit at each of a swarm layout's four sizes. */
function log2ceil(n: i32): i32 {
  return n <= 1 ? 0 : 32 - clz32(n - 1);
}

// The bump pointer counts 16-byte units, so a plan for a machine past 2 GiB (which cannot be
// laid out: addresses are i32) still says how large it would be (layout_units).
let bumpUnits: i32 = 0;
/** Region r gets n items of `size` bytes, 16-byte aligned; returns its base (meaningful only
 *  below 2 GiB). ceil(n * size / 16) without overflowing: n = 16q + rem. */
function take(r: i32, n: i32, size: i32): i32 {
  const base = bumpUnits << 4;
  st(REGION_TABLE + (r << 2), base);
  bumpUnits += (n >> 4) * size + (((n & 15) * size + 15) >> 4);
  return base;
}

/** A fixed block: its region table entry (the host finds every array there). */
function fixed(r: i32, base: i32): void { st(REGION_TABLE + (r << 2), base); }

/** Makes the fixed blocks addressable and zeroes the config block and region table. Called
 *  once at load. Traps when the module's static data reaches RUN_LIST (a build that
 *  outgrew the fixed layout: raise CONFIG_BASE). */
export function reserve_fixed(): void {
  if (heap_start() > RUN_LIST) trap();
  ensure_memory(FIXED_END + 65536);
  mem_fill(CONFIG_BASE, 0, CFG_COUNT * 4 + REGION_COUNT * 4);
}

/** Lays out every array from the configuration; returns the bytes needed, or -1 if they pass
 *  2 GiB or memory cannot grow. */
export function layout_machine(): i32 {
  const units = plan_layout();
  if (units > (0x7fffffff >> 4)) return -1;
  const bytes = units << 4;
  if (!ensure_memory(bytes)) return -1;
  // The fixed blocks but config and the stacks (nothing reads above an agent's stack pointer,
  // and a frame is written whole when pushed): clear_state zeroes only the agents and areas
  // this layout uses, the others stay as zeroed here. (A hunt's swarm lays out anew nearly
  // every execution: the stacks were 18 KB of the 22.)
  mem_fill(G, 0, STACKS - G);
  mem_fill(AREAS, 0, FIXED_END - AREAS);
  return bytes;
}

/** Set by a hunt's new layout (kernel/hunt.ts hunt_shaped) for the boot that follows it at
 *  once: layout_machine has just zeroed the globals, stats, agents and areas, so that boot's
 *  clear_state need not zero them again (a memory.fill of ~900 bytes an execution, where a
 *  swarm hunt lays out anew nearly every one). Any other clear zeroes them. */
let laidOut: bool = false;
export function boot_after_layout(): void { laidOut = true; }

/** The machine's size in 16-byte units for the current configuration, memory left alone (the
 *  host's estimate before a machine is built: src/wasm/engine.ts layoutBytes). Sets the
 *  layout's module globals and region table: call it on an instance that runs no machine. */
export function layout_units(): i32 { return plan_layout(); }

// layout_value(k): the layout's derived sizes, for the host's checker (src/invariants/check.ts).
export const LAYOUT_AGENTS: i32 = 0;       // agents: CPUs, the disk, kswapd if configured
export const LAYOUT_PAGES_SHIFT: i32 = 1;  // log2 of the ptes per mm (pages rounded up)
export const LAYOUT_SLOTS_SHIFT: i32 = 2;  // log2 of the slots per area (rounded up)
export const LAYOUT_HASH_SIZE: i32 = 3;    // swap-cache hash buckets
export const LAYOUT_REST_CHECK: i32 = 4;   // 1: the fused check at rest (rest.ts) has its scratch
export function layout_value(k: i32): i32 {
  switch (k) {
    case LAYOUT_AGENTS: return nAgents;
    case LAYOUT_PAGES_SHIFT: return pagesShift;
    case LAYOUT_SLOTS_SHIFT: return slotsShift;
    case LAYOUT_HASH_SIZE: return hashMask + 1;
    case LAYOUT_REST_CHECK: return restCheck ? 1 : 0;
  }
  return -1;
}

/** Every array's base from the configuration (module globals, region table); the size in units. */
function plan_layout(): i32 {
  clearWhole = true;
  touchedKnown = false;
  freeFilled = 0; // a new layout's free stack is what its memory holds, read as it is
  nCpu = cfg(CFG_NCPU);
  DISK = nCpu;
  KSWAPD = cfg(CFG_KSWAPD) != 0 ? nCpu + 1 : -1;
  nAgents = cfg(CFG_KSWAPD) != 0 ? nCpu + 2 : nCpu + 1;
  nFrames = cfg(CFG_NFRAMES);
  nMm = cfg(CFG_NMM);
  nPages = cfg(CFG_PAGES);
  pagesShift = log2ceil(nPages);
  nSlots = cfg(CFG_SLOTS);
  slotsShift = log2ceil(nSlots);
  flags = cfg(CFG_FLAGS);
  flags2 = cfg(CFG_FLAGS2);
  const hashSize = 1 << log2ceil(nFrames < 16 ? 16 : nFrames);
  hashMask = hashSize - 1;
  const ioqSize = 1 << log2ceil(nFrames + 1);
  ioqMask = ioqSize - 1;
  opMask = cfg(CFG_OPCAP) - 1;
  logMask = cfg(CFG_LOGCAP) - 1;
  traceMask = cfg(CFG_TRACECAP) - 1;
  nAreaSlots = cfg(CFG_NAREAS);
  const totalSlots = nAreaSlots << slotsShift;
  const totalPtes = nMm << pagesShift;
  const lruWords = nFrames + 2; // two list heads (active, inactive) after the frames

  fixed(R_GLOBALS, G);
  fixed(R_STATS, STATS);
  fixed(R_AGENTS, AGENTS);
  fixed(R_STACKS, STACKS);
  fixed(R_AREAS, AREAS);
  bumpUnits = FIXED_END >> 4;
  take(R_MMS, nMm, MM_WORDS * 4); // at MMS
  PG_COUNT = take(R_PG_COUNT, nFrames, 4);
  PG_FLAGS = take(R_PG_FLAGS, nFrames, 4);
  PG_INDEX = take(R_PG_INDEX, nFrames, 4);
  PG_CONTENT = take(R_PG_CONTENT, nFrames, 4);
  PG_LRU_NEXT = take(R_PG_LRU_NEXT, lruWords, 4);
  PG_LRU_PREV = take(R_PG_LRU_PREV, lruWords, 4);
  PG_HASH_NEXT = take(R_PG_HASH_NEXT, nFrames, 4);
  FREE_STACK = take(R_FREE_STACK, nFrames, 4);
  SWAP_MAP = take(R_SWAP_MAP, totalSlots, 2);
  SLOT_CONTENT = take(R_SLOT_CONTENT, totalSlots, 4);
  HASH_HEAD = take(R_HASH_HEAD, hashSize, 4);
  PTES = take(R_PTES, totalPtes, 4);
  SHADOW = take(R_SHADOW, totalPtes, 4);
  WORKLOAD = take(R_WORKLOAD, WORKLOAD_WORDS, 4); // before OPS: cleared by reset, in the state hash
  OPS = take(R_OPS, MAX_CPUS * cfg(CFG_OPCAP), 4);
  LOG = take(R_LOG, cfg(CFG_LOGCAP), 1);
  TRACE = take(R_TRACE, cfg(CFG_TRACECAP) > 0 ? cfg(CFG_TRACECAP) : 1, TRACE_WORDS * 4);
  GATHER = take(R_GATHER, totalPtes, 4); // before IOQ: in the state, not in the hash (as OPS, LOG, TRACE)
  IOQ = take(R_IOQ, ioqSize, 8);
  SWAP_TMP = take(R_SWAP_TMP, totalSlots, 4);
  take(R_END, 0, 0);
  // Past the end of the state: reset leaves it alone and the host's state hash does not read
  // it (rest.ts writes it during a check, so it must not count as state).
  restCheck = nFrames <= REST_MAX_FRAMES && totalSlots <= REST_MAX_SLOTS;
  const restSlots = restCheck ? totalSlots : 0;
  const restFrames = restCheck ? nFrames : 0;
  REST_SLOT_PTES = take(R_REST_SCRATCH, restSlots * 2 + restFrames * 2, 4);
  REST_SLOT_CACHE = REST_SLOT_PTES + restSlots * 4;
  REST_FRAME_MAPS = REST_SLOT_CACHE + restSlots * 4;
  REST_FRAME_MARKS = REST_FRAME_MAPS + restFrames * 4;
  HASH_TOUCHED = take(R_HASH_TOUCHED, HASH_TOUCHED_MAX, 4);
  LRU_PENDING = take(R_LRU_PENDING, LRU_PENDING_MAX, 4);
  return bumpUnits;
}

/** Zeroes every state region (not config, not op buffers, not the choice log, not the
 *  stack frames). `touched`: only what the executions since the last whole clear can have
 *  written (the hunt's boots between executions, kernel/hunt.ts); a host reset, a new
 *  layout or the debug switch set_whole_clear clear whole. */
export function clear_state(touched: bool): void {
  const ioqTail = gget(G_IOQ_TAIL); // read before the globals go: the ring slots written
  // The words of agents this machine does not have stay as layout_machine zeroed them. The
  // stacks are not state: a frame is written whole when pushed (frame.ts push_frame) and
  // nothing reads above an agent's stack pointer (nor does engine.ts stateHash).
  if (!laidOut) {
    mem_fill(G, 0, AGENTS + nAgents * AGENT_WORDS * 4 - G);
    // Areas swapon could use (the ones of the boot config), then the rest of the state.
    mem_fill(AREAS, 0, nAreaSlots * AREA_WORDS * 4);
  }
  laidOut = false;
  bootOnFresh = memoryFresh;
  memoryFresh = false;
  bootFreeFrom = 0;
  const listed = hashTouched;
  // Every path below leaves every bucket empty. A table no larger than the list is walked
  // whole (as cheap, and nothing to note): the list starts full.
  hashTouched = hashMask < HASH_TOUCHED_MAX ? HASH_TOUCHED_MAX + 1 : 0;
  // The first boot of an instance finds the config-sized arrays as memory was created or
  // grown, all zero: zeroing them would only make the OS commit every page of a large machine.
  if (bootOnFresh) {
    clearWhole = false; // all zero: the touched bounds start from this boot
    freeFilled = free_fill_from();
    return;
  }
  mem_fill(GATHER, 0, (nMm << pagesShift) << 2); // a zap stopped mid-gather
  if (!touched || clearWhole || wholeClearAlways) {
    clearWhole = false;
    mem_fill(MMS, 0, OPS - MMS);
    mem_fill(IOQ, 0, region(R_END) - IOQ);
    freeFilled = free_fill_from();
    return;
  }
  clear_touched(ioqTail, listed);
}

/** clear_state of what was touched. Frames: rmqueue (mm/page_alloc.ts) hands out the free
 *  stack's top, so with lowFree the fewest free frames since the last boot, positions below
 *  lowFree still hold their boot frames and only frames 0..nFrames - 1 - lowFree (the zero
 *  page and those ever handed out: every frame a pte, list, hash chain or I/O names came
 *  from there) can have per-frame words written. The I/O ring was written up to its tail. */
function clear_touched(ioqTail: i32, listed: i32): void {
  const bytes = (nFrames - lowFree) << 2;
  mem_fill(MMS, 0, PG_COUNT - MMS);
  mem_fill(PG_COUNT, 0, bytes);
  mem_fill(PG_FLAGS, 0, bytes);
  mem_fill(PG_INDEX, 0, bytes);
  mem_fill(PG_CONTENT, 0, bytes);
  mem_fill(PG_LRU_NEXT, 0, bytes);
  mem_fill(PG_LRU_PREV, 0, bytes);
  mem_fill(PG_LRU_NEXT + (nFrames << 2), 0, 8); // the list heads (swap.ts lru_active, lru_inactive)
  mem_fill(PG_LRU_PREV + (nFrames << 2), 0, 8);
  mem_fill(PG_HASH_NEXT, 0, bytes);
  // machine_boot rewrites the free stack from lowFree up; its last position is written only
  // by a free past a full stack (a double free the model reports), cleared in case.
  st(FREE_STACK + ((nFrames - 1) << 2), 0);
  bootFreeFrom = lowFree;
  mem_fill(SWAP_MAP, 0, HASH_HEAD - SWAP_MAP); // slots: whole
  // Hash heads: only the buckets note_bucket listed (every other one is still empty), unless it gave up.
  if (listed > HASH_TOUCHED_MAX) mem_fill(HASH_HEAD, 0, PTES - HASH_HEAD);
  else for (let i = 0; i < listed; i++) st(ld(HASH_TOUCHED + (i << 2)), 0);
  mem_fill(PTES, 0, OPS - PTES); // ptes, shadows, the generator: whole
  const ioqSize = ioqMask + 1;
  mem_fill(IOQ, 0, (ioqTail >= 0 && ioqTail < ioqSize ? ioqTail : ioqSize) << 3);
  mem_fill(SWAP_TMP, 0, region(R_END) - SWAP_TMP);
}

/** The swap-cache buckets written since the last boot: their head addresses at HASH_TOUCHED, how
 *  many (HASH_TOUCHED_MAX + 1: more, not listed). A bucket's head goes from empty to a page only
 *  in swap_state.ts add_to_swap_cache, which notes it then (a remove writes only a bucket it
 *  found a page in): every bucket not listed is empty. The hunt's touched clear zeroes those
 *  listed, and rest.ts's touched check walks only them. */
let hashTouched: i32 = 0;
@inline export function note_bucket(b: i32): void {
  if (hashTouched <= HASH_TOUCHED_MAX) list_bucket(b);
}
function list_bucket(b: i32): void {
  const n = hashTouched;
  for (let i = 0; i < n; i++) if (ld(HASH_TOUCHED + (i << 2)) == b) return;
  if (n < HASH_TOUCHED_MAX) st(HASH_TOUCHED + (n << 2), b);
  hashTouched = n + 1;
}
/** The buckets listed since the last boot, HASH_TOUCHED_MAX + 1 when more (note_bucket). */
export function buckets_touched(): i32 { return hashTouched; }
/** Frames 0..touched_frames() - 1 are all the frames the executions since the last boot can
 *  have named (clear_touched): every frame above is free, all its words zero, and still on
 *  the free stack where the boot put it, below position lowFree. */
export function touched_frames(): i32 { return nFrames - lowFree; }

/** Until this instance first boots a machine, nothing has written its memory past the fixed
 *  blocks (host writes go to config, op buffers and the choice log, which a boot leaves alone). */
let memoryFresh: bool = true;
/** Set during the first boot: the state arrays are zero, a boot need only write what is not
 *  (swapfile.ts swap_map_init). machine.ts machine_boot clears it when done. */
export let bootOnFresh: bool = false;
export function end_boot(): void {
  bootOnFresh = false;
  lowFree = gget(G_NR_FREE);
  touchedKnown = true;
}
/** Whether the touched bounds (touched_frames, buckets_touched, the I/O ring's tail) describe
 *  this layout's state: from its first boot on. A new layout's arrays may still hold an older
 *  layout's words until that boot clears them. */
let touchedKnown: bool = false;
export function touched_known(): bool { return touchedKnown; }
/** Set by a new layout: the touched bounds describe the last one, the next boot clears whole. */
let clearWhole: bool = true;
/** Debug and tests: every boot clears whole (the differential test of the touched clear). */
let wholeClearAlways: bool = false;
export function set_whole_clear(on: bool): void { wholeClearAlways = on; }
/** The fewest free frames since the last boot (page_alloc.ts rmqueue keeps it). */
let lowFree: i32 = 0;
@inline export function note_free_count(n: i32): void { if (n < lowFree) lowFree = n; }
/** The free-stack position machine_boot refills from: 0, or lowFree after a touched clear. */
export let bootFreeFrom: i32 = 0;

/** The free stack's lowest written position. Below it, position p holds frame nFrames - 1 - p,
 *  as the boot puts them, without its word having been written: its memory is still zero.
 *  A boot writes the top FREE_FILL_CHUNK positions (all of them on a machine of up to
 *  FREE_FILL_CHUNK + 1 frames: every hunt machine, the rest check's) and rmqueue
 *  (mm/page_alloc.ts), about to take the one below freeFilled, writes the next chunk down
 *  (free_stack_fill). A 1M-frame machine's boot so writes 256 KB, not 4 MB of fresh memory
 *  that the OS must first map (~10 us a 4 KiB page: ~10 ms of a 1-op run; issue 12). Nothing
 *  below it was written since the memory was zero (a whole clear zeroes it again), and the
 *  positions a free writes were all taken before (at or above freeFilled). Readers of the
 *  whole stack take the positions below it as their boot frames: hash.ts fnv_free_stack, the
 *  host's checker (src/invariants/frames.ts, through free_filled()). */
export let freeFilled: i32 = 0;
export const FREE_FILL_CHUNK: i32 = 1 << 16;
function free_fill_from(): i32 {
  const from = nFrames - 1 - FREE_FILL_CHUNK;
  return from > 0 ? from : 0;
}
/** Writes the boot frames of the chunk of free-stack positions below freeFilled, down to p at
 *  least (rmqueue, about to take position p < freeFilled). */
export function free_stack_fill(p: i32): void {
  let lo = freeFilled - FREE_FILL_CHUNK;
  if (lo > p) lo = p;
  if (lo < 0) lo = 0;
  for (let q = lo; q < freeFilled; q++) st(FREE_STACK + (q << 2), nFrames - 1 - q);
  freeFilled = lo;
}

// ---- globals (G region) -----------------------------------------------------------
export const G_NR_FREE: i32 = 0;          // free frames
export const G_NR_SWAP_PAGES: i32 = 1;    // nr_swap_pages
export const G_TOTAL_SWAP_PAGES: i32 = 2; // total_swap_pages
export const G_PCL: i32 = 3;              // pagecache_lock word (owner agent + 1)
export const G_SLL: i32 = 4;              // swaplock (swap_list_lock)
export const G_LRU_LOCK: i32 = 5;         // pagemap_lru_lock
export const G_BKL: i32 = 6;              // big kernel lock owner + 1
export const G_SWAP_LIST_HEAD: i32 = 7;   // highest priority area, -1 none
export const G_SWAP_LIST_NEXT: i32 = 8;   // next area to allocate from
export const G_WRITE_SEQ: i32 = 9;        // last content value written
export const G_IOQ_HEAD: i32 = 10;
export const G_IOQ_TAIL: i32 = 11;
export const G_NR_ACTIVE: i32 = 12;
export const G_NR_INACTIVE: i32 = 13;
export const G_KSWAPD_WAKE: i32 = 14;     // kswapd has been woken
export const G_SWAP_MM: i32 = 15;         // swap_out's round-robin mm cursor
export const G_VIOL: i32 = 16;            // violation id (check.ts), 0 = none
export const G_VIOL_AGENT: i32 = 17;
export const G_VIOL_PROC: i32 = 18;
export const G_VIOL_PC: i32 = 19;
export const G_VIOL_A: i32 = 20;
export const G_VIOL_B: i32 = 21;
export const G_VIOL_C: i32 = 22;
export const G_STEP: i32 = 23;            // steps since machine_reset
export const G_RUNNABLE: i32 = 24;        // bitmask of runnable agents
export const G_LAST_AGENT: i32 = 25;      // agent that ran the last step
export const G_LOG_LEN: i32 = 26;         // choices logged (saturates at LOGCAP unless ring)
export const G_TRACE_LEN: i32 = 27;       // trace records written
export const G_REPLAY_LEN: i32 = 28;      // replay: choices available in the log
export const G_RNG_LO: i32 = 29;          // scheduler PRNG state
export const G_RNG_HI: i32 = 30;
export const G_PCT_NEXT_CP: i32 = 31;     // PCT: index of next change point
export const G_PCT_SWITCHES: i32 = 32;    // context switches (agent differs from last step)
export const G_WAITERS: i32 = 33;         // bitmask of the agents asleep or spinning (a wake-up looks at these only)
export const G_CPUS_DONE: i32 = 34;       // bitmask of CPUs whose op stream ended
export const G_CPUS_STARVED: i32 = 35;    // bitmask of CPUs waiting for the host to add ops
export const G_SWAPOFF_AREA: i32 = 36;    // area being swapped off, -1 none
export const G_PCT_DECISIONS: i32 = 37;   // PCT: steps at which more than one agent could run
export const G_LRU_PENDING: i32 = 38;     // pages at count 0 still on the LRU: their freer waits for the LRU lock
export const G_NR_ASYNC_PAGES: i32 = 39;  // nr_async_pages: async swap I/O queued, not yet done (kept with F_READAHEAD_THROTTLE)
export const G_PCT_CP0: i32 = 40;         // PCT change points (up to 8 words: 40..47)
export const G_WALK_HANDOFF: i32 = 48;    // random walk: how a turn hands on (sched.ts WALK_*), 0 without the walk
export const G_WALK_BURST_J: i32 = 49;    // random walk: the running turn's j
export const G_MMLIST_LOCK: i32 = 50;     // mmlist_lock (kernel/fork.c): guards the mmlist and swap_out's swap_mm
export const G_TASKLIST_LOCK: i32 = 51;   // tasklist_lock (rwlock: owner + 1 written, -readers read); 2.4.0's try_to_unuse and fork
export const G_INIT_MM_NEXT: i32 = 52;    // init_mm.mmlist.next: the mmlist's head (mm index, nMm for init_mm itself)
export const G_INIT_MM_PREV: i32 = 53;    // init_mm.mmlist.prev: the list's last mm
export const G_MMLIST_NR: i32 = 54;       // mmlist_nr (2.4.16 kernel/fork.c): the mms on the mmlist, init_mm not counted
export const G_NR_DELISTED: i32 = 55;     // del-lru: in-use pages delete_from_swap_cache took off the LRU (PG_DELISTED), not yet listed again or freed
export const G_OOM_FIRST: i32 = 56;       // oom-kill: out_of_memory's static `first` (jiffies of the first failure counted)
export const G_OOM_LAST: i32 = 57;        // oom-kill: out_of_memory's static `last` (jiffies of the last failure)
export const G_OOM_COUNT: i32 = 58;       // oom-kill: out_of_memory's static `count` (failures since `first`)
export const G_OOM_ACTIVE: i32 = 59;      // oom-kill: 1 from a kill until an op start finds no process with a kill out (machine.ts: mm/oom_kill.ts oom_op_start)
export const G_TASK_SEQ: i32 = 60;        // oom-kill or unuse-clear-undead: processes created since boot (do_exit's new process, do_fork's child): MM_BIRTH's clock
export const G_KSWAPD_TIMER: i32 = 61;    // kswapd-timeout: the steps left of kswapd's schedule_timeout(HZ), while it sleeps on this word (kernel/timer.ts)

@inline export function gget(k: i32): i32 { return ld(G + (k << 2)); }
@inline export function gset(k: i32, v: i32): void { st(G + (k << 2), v); }
@inline export function gadd(k: i32, d: i32): void { st(G + (k << 2), ld(G + (k << 2)) + d); }
@inline export function gaddr(k: i32): i32 { return G + (k << 2); }

// ---- statistics (reset by the host after each read; i32 counters stay in range) -----
export const S_ACCESSES: i32 = 0;
export const S_MINOR_FAULTS: i32 = 1;
export const S_MAJOR_FAULTS: i32 = 2;
export const S_SWAP_INS: i32 = 3;          // pages read from swap
export const S_SWAP_OUTS: i32 = 4;         // pages written to swap
export const S_READAHEAD: i32 = 5;        // pages readahead's read_swap_cache_async gave (read or found cached)
export const S_READAHEAD_HITS: i32 = 6;   // faults that found a readahead page in the cache
export const S_RECLAIM_SCANS: i32 = 7;    // pages looked at by shrink_cache
export const S_PTE_SCANS: i32 = 8;        // ptes looked at by swap_out
export const S_PAGES_FREED: i32 = 9;      // pages freed by reclaim
export const S_DIRECT_RECLAIM: i32 = 10;  // alloc_page entered try_to_free_pages
export const S_KSWAPD_RUNS: i32 = 11;
export const S_OOM: i32 = 12;             // faults that failed for lack of memory
export const S_COW: i32 = 13;             // do_wp_page copies
export const S_COW_REUSE: i32 = 14;       // do_wp_page reused in place
export const S_EEXIST_RACES: i32 = 15;          // add_to_swap_cache -EEXIST races
export const S_ENOENT_RACES: i32 = 16;          // add_to_swap_cache -ENOENT races
export const S_PTE_CHANGED: i32 = 17;     // pte_same recheck backed off
export const S_FORKS: i32 = 18;
export const S_EXITS: i32 = 19;
export const S_MUNMAPS: i32 = 20;
export const S_SWAPOFFS: i32 = 21;
export const S_SWAPOFF_ENOMEM: i32 = 22;
export const S_SWAPONS: i32 = 23;
export const S_OPS: i32 = 24;             // ops completed
export const S_STEPS: i32 = 25;           // sections run
export const S_SWAP_FULL_DELETES: i32 = 26;
export const S_DISK_IOS: i32 = 27;
export const S_ALLOC_FAIL: i32 = 28;
export const S_ZERO_MAPS: i32 = 29;       // read faults mapped to the zero page
export const S_OOM_KILLS: i32 = 30;       // oom_kill: processes the OOM killer chose (oom-kill)
@inline export function stat(k: i32): void { st(STATS + (k << 2), ld(STATS + (k << 2)) + 1); }
@inline export function stat_add(k: i32, d: i32): void { st(STATS + (k << 2), ld(STATS + (k << 2)) + d); }

// ---- frames (struct page) ---------------------------------------------------------
export const PG_LOCKED: i32 = 1;
export const PG_REFERENCED: i32 = 2;
export const PG_UPTODATE: i32 = 4;
export const PG_DIRTY: i32 = 8;
export const PG_LRU: i32 = 16;
export const PG_ACTIVE: i32 = 32;
export const PG_SWAPCACHE: i32 = 64;   // page->mapping == &swapper_space
export const PG_RESERVED: i32 = 128;   // the zero page
export const PG_INUSE: i32 = 256;      // allocated (not on the free stack)
// PG_launder (2.4.16): shrink_cache started writing this page; meeting it locked again, it
// waits for the write instead of skipping it.
export const PG_LAUNDER: i32 = 512;
// Not a kernel bit: under del-lru, delete_from_swap_cache took this in-use page off the LRU
// (counted in G_NR_DELISTED) and it has not been listed again or freed since. The model's
// 2.4.16 reclaim reads the count to reach such pages through swap_out (vmscan.ts shrink_empty).
export const PG_DELISTED: i32 = 1024;
// page->buffers != NULL (a field of its own in struct page, kept here as a bit): under
// swap-buffers (2.4.0) swap I/O left buffer heads on the page, which hold a page reference
// of their own until try_to_free_buffers (mm/buffer.ts).
export const PG_BUFFERS: i32 = 2048;
export const ZERO_PAGE: i32 = 0;       // frame 0

@inline export function page_count(f: i32): i32 { return ld(PG_COUNT + (f << 2)); }
@inline export function set_page_count(f: i32, v: i32): void { st(PG_COUNT + (f << 2), v); }
@inline export function page_flags(f: i32): i32 { return ld(PG_FLAGS + (f << 2)); }
@inline export function set_page_flags(f: i32, v: i32): void { st(PG_FLAGS + (f << 2), v); }
@inline export function page_test(f: i32, bit: i32): bool { return (ld(PG_FLAGS + (f << 2)) & bit) != 0; }
@inline export function page_set(f: i32, bit: i32): void { st(PG_FLAGS + (f << 2), ld(PG_FLAGS + (f << 2)) | bit); }
@inline export function page_clear(f: i32, bit: i32): void { st(PG_FLAGS + (f << 2), ld(PG_FLAGS + (f << 2)) & ~bit); }
/** Address of a page's flags word: the wait object of its page lock. */
@inline export function page_lock_addr(f: i32): i32 { return PG_FLAGS + (f << 2); }
@inline export function page_index(f: i32): i32 { return ld(PG_INDEX + (f << 2)); }
@inline export function set_page_index(f: i32, v: i32): void { st(PG_INDEX + (f << 2), v); }
@inline export function page_content(f: i32): i32 { return ld(PG_CONTENT + (f << 2)); }
@inline export function set_page_content(f: i32, v: i32): void { st(PG_CONTENT + (f << 2), v); }
@inline export function get_page(f: i32): void { st(PG_COUNT + (f << 2), ld(PG_COUNT + (f << 2)) + 1); }

// ---- swap entries and slots --------------------------------------------------------
// entry = area << 24 | offset; offset 0 is the header slot, so a valid entry is never 0.
export const SWP_TYPE_SHIFT: i32 = 24;
export const SWP_OFFSET_MASK: i32 = 0xffffff;
@inline export function swp_entry(area: i32, offset: i32): i32 { return (area << SWP_TYPE_SHIFT) | offset; }
@inline export function swp_type(entry: i32): i32 { return entry >>> SWP_TYPE_SHIFT; }
@inline export function swp_offset(entry: i32): i32 { return entry & SWP_OFFSET_MASK; }
/** Global slot index of an entry (areas are nSlots apart). */
@inline export function slot_of(entry: i32): i32 { return ((entry >>> SWP_TYPE_SHIFT) << slotsShift) | (entry & SWP_OFFSET_MASK); }
@inline export function swap_count(slot: i32): i32 { return ld16(SWAP_MAP + (slot << 1)); }
@inline export function set_swap_count(slot: i32, v: i32): void { st16(SWAP_MAP + (slot << 1), v); }
@inline export function slot_content(slot: i32): i32 { return ld(SLOT_CONTENT + (slot << 2)); }
@inline export function set_slot_content(slot: i32, v: i32): void { st(SLOT_CONTENT + (slot << 2), v); }
/** Temporary swap_map references held by running paths (for the exact count invariant). */
@inline export function swap_tmp_add(slot: i32, d: i32): void { st(SWAP_TMP + (slot << 2), ld(SWAP_TMP + (slot << 2)) + d); }
export const SWAP_MAP_MAX: i32 = 0x7fff;
export const SWAP_MAP_BAD: i32 = 0x8000;

// ---- swap areas (swap_info_struct) ------------------------------------------------
export const A_FLAGS: i32 = 0;        // SWP_USED | SWP_WRITEOK
export const A_PRIO: i32 = 1;
export const A_PAGES: i32 = 2;        // usable slots
export const A_MAX: i32 = 3;          // slots including header
export const A_LOWEST: i32 = 4;       // lowest_bit
export const A_HIGHEST: i32 = 5;      // highest_bit
export const A_CLUSTER_NEXT: i32 = 6;
export const A_CLUSTER_NR: i32 = 7;
export const A_SDL: i32 = 8;          // sdev_lock word
export const A_NEXT: i32 = 9;         // swap_list next area, -1 end
export const A_INUSE: i32 = 10;       // slots in use (for vm_swap_full and stats)
export const SWP_USED: i32 = 1;
export const SWP_WRITEOK: i32 = 3;
@inline export function area_get(a: i32, k: i32): i32 { return ld(AREAS + (((a << 4) + k) << 2)); }
@inline export function area_set(a: i32, k: i32, v: i32): void { st(AREAS + (((a << 4) + k) << 2), v); }
@inline export function area_addr(a: i32, k: i32): i32 { return AREAS + (((a << 4) + k) << 2); }

// ---- mms -------------------------------------------------------------------------
export const MM_USERS: i32 = 0;       // mm->mm_users (kernel/fork.c): 1 for the slot's process, plus one per pin (swap_out's pick, try_to_unuse's start_mm); 0 from the last mmput until the slot's next process is set up
export const MM_PTL: i32 = 1;         // page_table_lock word
export const MM_RSS: i32 = 2;
export const MM_SWAP_CURSOR: i32 = 3; // swap_out_mm's next address
export const MM_SEM: i32 = 4;         // mmap_sem (sleeping lock word; 2.4.0 faults take it)
export const MM_LIST_NEXT: i32 = 5;   // mm->mmlist.next (mm index, nMm = init_mm); -1: off the mmlist (mmput's list_del, 2.4.0's fork until its list_add)
export const MM_NO_TASK: i32 = 6;     // 1: no task of the task list has this mm (2.4.0's fork: until do_fork lists the child)
export const MM_LIST_PREV: i32 = 8;   // mm->mmlist.prev (mm index, nMm = init_mm); -1 off the list
export const MM_TEARDOWN: i32 = 9;    // 1: the last mmput is a reclaimer's (swap_out, try_to_unuse) and runs exit_mmap (fork.ts mmput); the slot's next process sleeps on this word until it is 0
export const MM_OOM_KILL: i32 = 10;   // oom-kill: 1 SIGKILL pending for the slot's process, 2 its exit has started (mm/oom_kill.ts)
export const MM_BIRTH: i32 = 11;      // oom-kill or unuse-clear-undead: G_TASK_SEQ when the slot's process was created (0 at boot): its place in the task list, oldest first, and the slot's generation (fork.ts task_born)
export const MM_SWAP_CNT: i32 = 12;   // swap-cnt (2.4.0): mm->swap_cnt, the pages swap_out may still look at in this mm before it picks another (mm/vmscan.c)
export const MM_VMA_HIDDEN: i32 = 7;  // 1: do_munmap / exit_mmap unlinked the vma under the PTL and have not put it back (mm/mmap.c): unuse_process and swap_out_mm find no pte
@inline export function mm_get(mm: i32, k: i32): i32 { return ld(MMS + (((mm << 4) + k) << 2)); }
@inline export function mm_set(mm: i32, k: i32, v: i32): void { st(MMS + (((mm << 4) + k) << 2), v); }
@inline export function mm_addr(mm: i32, k: i32): i32 { return MMS + (((mm << 4) + k) << 2); }

// ---- the mmlist (kernel/fork.c: init_mm.mmlist, mmlist_lock) ------------------------------
// A circular doubly linked list through the mm slots' MM_LIST_NEXT / MM_LIST_PREV words, with
// init_mm (index nMm, no slot: its links are G_INIT_MM_NEXT / G_INIT_MM_PREV) as the head.
// Changed and walked under mmlist_lock only. An mm off the list has both links -1: a walker
// never follows them.
/** The mm after mm on the mmlist (init_mm is nMm). */
@inline export function mmlist_next(mm: i32): i32 { return mm == nMm ? gget(G_INIT_MM_NEXT) : mm_get(mm, MM_LIST_NEXT); }
@inline function mmlist_prev(mm: i32): i32 { return mm == nMm ? gget(G_INIT_MM_PREV) : mm_get(mm, MM_LIST_PREV); }
@inline function mmlist_set_next(mm: i32, v: i32): void { if (mm == nMm) gset(G_INIT_MM_NEXT, v); else mm_set(mm, MM_LIST_NEXT, v); }
@inline function mmlist_set_prev(mm: i32, v: i32): void { if (mm == nMm) gset(G_INIT_MM_PREV, v); else mm_set(mm, MM_LIST_PREV, v); }
/** Whether mm is on the mmlist (init_mm always is). */
@inline export function mm_listed(mm: i32): bool { return mm == nMm || mm_get(mm, MM_LIST_NEXT) >= 0; }
/** include/linux/list.h list_add(&mm->mmlist, &head->mmlist): mm right after head. */
export function mmlist_add(mm: i32, head: i32): void {
  const next = mmlist_next(head);
  mmlist_set_prev(next, mm);
  mm_set(mm, MM_LIST_NEXT, next);
  mm_set(mm, MM_LIST_PREV, head);
  mmlist_set_next(head, mm);
  gset(G_MMLIST_NR, gget(G_MMLIST_NR) + 1);
}
/** list_del(&mm->mmlist); the links are left -1 (off the list). */
export function mmlist_del(mm: i32): void {
  const next = mm_get(mm, MM_LIST_NEXT), prev = mm_get(mm, MM_LIST_PREV);
  mmlist_set_next(prev, next);
  mmlist_set_prev(next, prev);
  mm_set(mm, MM_LIST_NEXT, -1);
  mm_set(mm, MM_LIST_PREV, -1);
  gset(G_MMLIST_NR, gget(G_MMLIST_NR) - 1);
}
/** Boot: init_mm, then the mm slots by index (as if each had exec'd a fresh mm, the last slot first). */
export function mmlist_init(): void {
  gset(G_INIT_MM_NEXT, nMm);
  gset(G_INIT_MM_PREV, nMm);
  for (let mm = nMm - 1; mm >= 0; mm--) mmlist_add(mm, nMm);
}

// ---- ptes --------------------------------------------------------------------------
// 0 = none; bit 0 set = present: bit1 RW, bit2 DIRTY, bit3 YOUNG, frame = pte >>> 4;
// bit 0 clear and nonzero = swap pte: entry = pte >>> 1.
export const FRAME_SHIFT_PTE: i32 = 4;     // a present pte's frame field
export const ENTRY_SHIFT_PTE: i32 = 1;     // a swap pte's entry field
export const PTE_PRESENT: i32 = 1;
export const PTE_RW: i32 = 2;
export const PTE_DIRTY: i32 = 4;
export const PTE_YOUNG: i32 = 8;
@inline export function pte_addr(mm: i32, page: i32): i32 { return PTES + (((mm << pagesShift) + page) << 2); }
@inline export function pte_get(mm: i32, page: i32): i32 { return ld(PTES + (((mm << pagesShift) + page) << 2)); }
@inline export function pte_set(mm: i32, page: i32, v: i32): void { st(PTES + (((mm << pagesShift) + page) << 2), v); }
@inline export function gather_get(mm: i32, page: i32): i32 { return ld(GATHER + (((mm << pagesShift) + page) << 2)); }
@inline export function gather_set(mm: i32, page: i32, v: i32): void { st(GATHER + (((mm << pagesShift) + page) << 2), v); }
@inline export function mk_pte(frame: i32, bits: i32): i32 { return (frame << FRAME_SHIFT_PTE) | bits | PTE_PRESENT; }
@inline export function pte_present(pte: i32): bool { return (pte & PTE_PRESENT) != 0; }
@inline export function pte_frame(pte: i32): i32 { return pte >>> FRAME_SHIFT_PTE; }
@inline export function pte_is_swap(pte: i32): bool { return pte != 0 && (pte & PTE_PRESENT) == 0; }
@inline export function swp_entry_to_pte(entry: i32): i32 { return entry << ENTRY_SHIFT_PTE; }
@inline export function pte_to_swp_entry(pte: i32): i32 { return pte >>> ENTRY_SHIFT_PTE; }
@inline export function shadow_get(mm: i32, page: i32): i32 { return ld(SHADOW + (((mm << pagesShift) + page) << 2)); }
@inline export function shadow_set(mm: i32, page: i32, v: i32): void { st(SHADOW + (((mm << pagesShift) + page) << 2), v); }

// ---- agents ------------------------------------------------------------------------
export const AG_STATE: i32 = 0;
export const AG_WAIT: i32 = 1;        // address of the lock word it waits on
export const AG_SP: i32 = 2;          // frames on its stack
export const AG_RET: i32 = 3;         // return value of the last procedure that returned
export const AG_BKL_DEPTH: i32 = 4;   // lock_kernel depth held
export const AG_BKL_SAVED: i32 = 5;   // depth to retake on wake-up (dropped while asleep)
export const AG_OP: i32 = 6;          // op being run
export const AG_OP_HEAD: i32 = 7;     // ops consumed
export const AG_OP_TAIL: i32 = 8;     // ops written by the host
export const AG_PRIO: i32 = 9;        // PCT priority
export const AG_OPS_DONE: i32 = 10;
// word 11: page_alloc.ts AG_PF_MEMALLOC; words 12, 13: locks.ts AG_HELD, AG_SPINS_HELD
export const AG_OPS_FINAL: i32 = 14;  // 1: no ops will be added after the buffered ones
export const ST_RUNNABLE: i32 = 0;
export const ST_SPIN: i32 = 1;        // spinning on a spinlock (not runnable)
export const ST_SLEEP: i32 = 2;       // asleep on a sleeping lock / page lock
export const ST_IDLE: i32 = 3;        // disk with an empty queue, kswapd not woken
export const ST_DONE: i32 = 4;        // CPU whose op stream ended
export const ST_STARVED: i32 = 5;     // CPU waiting for the host to add ops
@inline export function ag_get(a: i32, k: i32): i32 { return ld(AGENTS + (((a << 4) + k) << 2)); }
@inline export function ag_set(a: i32, k: i32, v: i32): void { st(AGENTS + (((a << 4) + k) << 2), v); }

export function cpu_op_addr(cpu: i32, i: i32): i32 { return OPS + ((imul32(cpu, opMask + 1) + (i & opMask)) << 2); }
@inline function imul32(a: i32, b: i32): i32 { return a * b; }

/** Re-reads the feature flags from the config (the host may change them between executions). */
export function reload_flags(): void { flags = cfg(CFG_FLAGS); flags2 = cfg(CFG_FLAGS2); }
