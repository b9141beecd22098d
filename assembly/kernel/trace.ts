// Trace of what each section did, for the CPU-column diagrams. Off in bulk runs (one
// branch per event); on when the host replays a failing execution. A record is
// [step, agent, proc, pc, event, a, b, c]; event ids and their wording live per kernel file
// (ranges below) and in src/report/events/. The run loop adds an EV_SECTION record for
// a step whose section traced nothing, so every step appears at least once.
import { st, TRACE_BUILT, store_count, set_store_count } from "./platform";
import { TRACE, traceMask, gget, gset, G_TRACE_LEN, TRACE_WORDS } from "./state";

// Event id ranges, one per file: kernel 1-99, memory 100-199, swap_state 200-299,
// swapfile 300-399, vmscan 400-499, page_alloc 500-549, page_io 550-599, fork 600-649, oom_kill 700-749.
let tracingOn: bool = false;
/** Tracing is on: the host asked for a trace (set_tracing) and this build can trace
 *  (platform.ts TRACE_BUILT; in the untraced build a constant false). */
@inline export function tracing(): bool { return TRACE_BUILT && tracingOn; }
/** Turns tracing on or off; false when on was asked of a build that cannot trace. */
export function set_tracing(on: bool): bool {
  tracingOn = on;
  return TRACE_BUILT || !on;
}

let ctxStep: i32 = 0;
let ctxAgent: i32 = 0;
let ctxProc: i32 = 0;
let ctxPc: i32 = 0;
let ctxEvents: i32 = 0;
/** Run loop: the section about to run. */
export function trace_context(step: i32, agent: i32, proc: i32, pc: i32): void {
  ctxStep = step; ctxAgent = agent; ctxProc = proc; ctxPc = pc; ctxEvents = 0;
}
export function trace_events_in_step(): i32 { return ctxEvents; }

export function trace(ev: i32, a: i32, b: i32, c: i32): void {
  if (!tracing()) return;
  const n = gget(G_TRACE_LEN);
  if (n > traceMask) return; // full: keep the beginning
  const r = TRACE + ((n * TRACE_WORDS) << 2);
  const stores = store_count(); // a trace record is not state (frame.ts block_checked)
  st(r, ctxStep);
  st(r + 4, ctxAgent);
  st(r + 8, ctxProc);
  st(r + 12, ctxPc);
  st(r + 16, ev);
  st(r + 20, a);
  st(r + 24, b);
  st(r + 28, c);
  gset(G_TRACE_LEN, n + 1);
  set_store_count(stores);
  ctxEvents++;
}

// A virtual page in one trace value (vpage below): mm << VPAGE_MM_SHIFT | page.
export const VPAGE_MM_SHIFT: i32 = 16;
export const VPAGE_PAGE_MASK: i32 = 0xffff;
/** Packs (mm, page) into one trace value, for an event that carries it beside a frame and an entry. */
@inline export function vpage(mm: i32, page: i32): i32 { return (mm << VPAGE_MM_SHIFT) | page; }

// Kernel-level events (1-99).
export const EV_SECTION: i32 = 1;        // (0, 0, 0): a section ran and traced nothing
export const EV_OP_START: i32 = 2;       // (op word, 0, 0)
export const EV_OP_END: i32 = 3;         // (op word, return value, 0)
export const EV_SPIN: i32 = 4;           // (lock class, owner agent, 0): could not take a spinlock
export const EV_SLEEP_PAGE: i32 = 5;     // (page, 0, 0): asleep on a page lock
export const EV_SLEEP_BKL: i32 = 6;      // (owner agent, 0, 0): spinning for the BKL
export const EV_LOCK_KERNEL: i32 = 7;    // (depth, 0, 0)
export const EV_UNLOCK_KERNEL: i32 = 8;  // (depth, 0, 0)
export const EV_BKL_DROPPED: i32 = 9;    // (0, 0, 0): BKL released because its holder sleeps
export const EV_BKL_RETAKEN: i32 = 10;   // (depth, 0, 0)
export const EV_VIOLATION: i32 = 11;     // (id, a, b)
