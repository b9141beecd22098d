// The deep invariant checker: walks the whole machine state through zero-copy views of the
// model's memory and checks the invariants at the end of kernel-notes.md (ids in abi.ts
// VIOLATION_IDS). The in-model BUG_ONs (assembly/kernel/check.ts) catch what a single step
// can see; this checker catches what only the whole state shows: leaked swap counts, a slot
// freed under a pte, a pte whose data is gone.
//
// It runs at the end of every hunt execution on tiny machines, hundreds of thousands of times
// a second, so: at rest on a machine of at most 32 frames one fused pass answers "clean?"
// without allocating or building anything, and only a state it does not call clean goes
// through the passes of each invariant family (slots.ts, swap-cache.ts, ptes.ts, frames.ts,
// lru.ts, locks.ts) that find and describe each violation; scratch arrays are
// preallocated per machine layout, and strings are built only for violations. The fused pass
// lives in the model (assembly/kernel/rest.ts, m.clean_at_rest()): hunt_execution runs it
// itself and answers RUN.CLEAN, so a clean hunt execution never comes here. A new invariant
// goes into both: test/invariants/fused.test.ts fails until the two agree.
//
// A bulk run's checks read only the frames and swap-cache buckets its execution can have
// touched (`touched`, touched.ts: a 1M-frame machine's check reads what the run used, not the
// ~100 MB nothing wrote), reading everything when a frame past the bound is not as the boot
// left it; test/invariants/touched.test.ts holds the two modes to the same violations.
//
// `quiescent` = every CPU between operations, the disk idle, kswapd idle: no running path
// holds a temporary reference or a lock, so counts must be exact and every lock free.
// Otherwise (bulk mode's periodic checks) counts need only cover their holders (">="), and
// what a lock holder may have half-updated is left alone: the ptes of an mm whose
// page_table_lock is held, the slots of an area whose sdev_lock is held, nr_swap_pages while
// swaplock or an sdev_lock is held.
import type { Engine } from "../wasm/engine.js";
import { R, G, PROC_NAMES } from "../wasm/abi.js";
import { Collector, NO_VIOLATIONS, layoutOf, type Layout, type Violation } from "./layout.js";
import { pastTopInDoubt, setBounds } from "./touched.js";
import { violationName } from "./ids.js";
import { collectAreas, checkSlots } from "./slots.js";
import { scanSwapCacheHash, scanFrames } from "./swap-cache.js";
import { scanPtes } from "./ptes.js";
import { checkPageCounts, checkFreeList } from "./frames.js";
import { checkLru } from "./lru.js";
import { checkLocksFree } from "./locks.js";
import { describeModelViolation } from "../report/violations.js";
import { printkReleaseOf } from "../model/models.js";
// The model hashes swap-cache keys with mix32 (assembly/kernel/rng.ts); the host's copy is
// src/workload/rng.ts.
import { mix32 } from "../workload/rng.js";

export type { Violation } from "./layout.js";

export interface CheckOptions {
  /** Every CPU between ops, disk idle: counts must be exact and no lock may be held. */
  quiescent: boolean;
  /** Always run the full passes, never the fused one that answers a clean state at rest
   *  (tests comparing the two). */
  full?: boolean;
  /** Read only the frames and swap-cache buckets the model's execution since its last boot
   *  can have touched (touched.ts): bulk runs, whose machine only the model has written since
   *  its reset. Not for a state a test or a tool wrote by hand behind the model's back. */
  touched?: boolean;
}

const collector = new Collector();

/** The model's fused pass alone (tests): true when it finds the state clean at rest,
 *  undefined when the machine is too large for it. */
export function fusedCleanAtRest(e: Engine): boolean | undefined {
  const L = layoutOf(e);
  return L.small ? e.m.clean_at_rest() !== 0 : undefined;
}

/** Checks every invariant of the whole state; [] when clean. */
export function checkInvariants(e: Engine, opts: CheckOptions): Violation[] {
  const L = layoutOf(e);
  setBounds(L, e, opts.touched === true);
  // A frame past the touched bound not as the boot left it: everything is read.
  if (L.touched && pastTopInDoubt(L)) setBounds(L, e, false);
  // At rest on a small machine: the model's fused pass, which only answers "clean?"; when it
  // is not, the passes below find out what and say so.
  if (opts.quiescent && L.small && opts.full !== true && (L.touched ? e.m.clean_at_rest_touched() : e.m.clean_at_rest()) !== 0) {
    return NO_VIOLATIONS;
  }
  const found = passes(L, opts.quiescent);
  if (!L.beyond) return found;
  // Something names a frame the model's bounds say no execution handed out: they do not hold
  // (a broken state), and everything is read after all.
  setBounds(L, e, false);
  return passes(L, opts.quiescent);
}

/** The passes of every invariant family within the layout's bounds; stops early (L.beyond)
 *  at a frame past a touched bound. */
function passes(L: Layout, quiescent: boolean): Violation[] {
  const I = L.I32;
  const U16 = L.U16;
  const v = collector;
  v.reset();
  collectAreas(L, I, U16, v, quiescent);
  scanSwapCacheHash(L, I, v);
  if (L.beyond) return NO_VIOLATIONS;
  scanFrames(L, I, U16, v);
  scanPtes(L, I, U16, v, quiescent);
  if (L.beyond) return NO_VIOLATIONS;
  checkSlots(L, I, U16, v, quiescent);
  checkPageCounts(L, I, v, quiescent);
  checkFreeList(L, I, v);
  if (L.beyond) return NO_VIOLATIONS;
  if (quiescent) checkLru(L, I, v);
  if (L.beyond) return NO_VIOLATIONS;
  if (quiescent) checkLocksFree(L, I, v);
  return v.result();
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
    message: `${where}: ${describeModelViolation(id, a, b, c, { release: printkReleaseOf(e.config), proc })}`,
    details: { agent, proc: procName, pc, a, b, c },
  };
}

/** Word index (into I32) of the swap-cache hash bucket of entry: for hand-built states in tests. */
export function swapCacheBucket(e: Engine, entry: number): number {
  const L = layoutOf(e);
  return L.HASH_HEAD + (mix32(entry) & (L.hashSize - 1));
}
