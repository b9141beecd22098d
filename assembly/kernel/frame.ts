// Resumable procedures. A kernel path is a procedure whose body is a switch over numbered
// atomic sections (pc). Each agent has a stack of frames [proc, pc, l0..l9] in linear
// memory; step() runs the section at the top frame's pc. A section ends at a scheduling
// point by returning one of the step codes below.
//
//   return next(3)              continue at section 3 in a later step
//   return call(P_X, 4, a, b)   run procedure X (its section 0 in a later step), then section 4;
//                               the callee's result is ret_val() there
//   return ret(v)               return v to the caller (its continuation runs in a later step)
//   return BLOCK                a lock could not be taken: the agent is not runnable now and
//                               re-runs this same section once woken (locks.ts sets its state)
//
// A call or a return is not itself a scheduling point of the kernel. Where nothing between
// two sections needs one, they run in ONE step:
//   return call_now(P_X, 4, a, b)  X's section 0 runs in this same step: only where X's
//                               section 0 touches nothing shared (it only calls on), or the
//                               caller holds a lock across both that X's section 0 keeps
//   return call(P_X, now(4), ...)  when X returns, section 4 runs in the step of X's return:
//                               only where section 4 touches nothing shared (it picks where
//                               to go, calls, returns; a lock taken first still needs a step)
// Both only drop steps that touch nothing another agent could see, or that run under a lock
// held across both: no interleaving the kernel could show is lost, only the no-op points
// between a function and its caller. Never merge so that a lock is taken and dropped in one
// step where before it was held across a point: an agent stopped while it holds a lock is
// a schedule PCT reaches cheaply (whoever wants the lock waits, and runs the moment it is
// dropped). handle_pte_fault's PTL section into do_swap_page's, which drops PTL, made the
// 14 Sep race on linux-2.4.0 need PCT depth 4 instead of 3.
import { ld, st, st_local, TRACE_BUILT, store_count, set_store_count } from "./platform";
import { STACKS, STACK_FRAMES, FRAME_BYTES, AG_SP, AG_RET, ag_get, ag_set } from "./state";
import { bug, V_STACK_OVERFLOW, V_BUG_ON, BUG_UNKNOWN_PC, BUG_BLOCK_CHANGED, BUG_RESUME_AT_ENTRY, BUG_AFTER_SPIN } from "./check";

export const YIELD: i32 = 0;   // section ended; agent stays runnable
export const BLOCK: i32 = 1;   // agent blocked; re-run the same section when woken
export const OP_DONE: i32 = 2; // the agent's outermost procedure returned
export const CONT: i32 = 3;    // run the agent's (new) top frame in this same step

/** Marks a caller's continuation pc: run it in the step of the callee's return. */
const RESUME_NOW: i32 = 0x10000;
@inline export function now(pc: i32): i32 { return pc | RESUME_NOW; }

/** The agent whose section is running, and the address of its top frame. */
export let cur: i32 = 0;
export let fp: i32 = 0;

@inline function frame_addr(agent: i32, depth: i32): i32 {
  return STACKS + ((agent * STACK_FRAMES + depth) * FRAME_BYTES);
}

/** Points cur/fp at the agent's top frame and returns fp; 0 when its stack is empty (no
 *  frame is at address 0). Inlined into the run loop, which keeps fp in a local. */
@inline export function enter_agent(agent: i32): i32 {
  cur = agent;
  const sp = ag_get(agent, AG_SP);
  const f = sp == 0 ? 0 : frame_addr(agent, sp - 1);
  fp = f;
  return f;
}

/** enter_agent where the caller has read the agent's stack pointer sp and tested it (the run
 *  loop: one test where enter_agent's result was tested again): sp > 0, its top frame. */
@inline export function enter_frame(agent: i32, sp: i32): i32 {
  cur = agent;
  const f = frame_addr(agent, sp - 1);
  fp = f;
  return f;
}
/** The same for sp == 0: no frame, fp is 0 (as enter_agent leaves it). */
@inline export function enter_empty(agent: i32): void {
  cur = agent;
  fp = 0;
}

// Locals of the running frame.
@inline export function l(i: i32): i32 { return ld(fp + 8 + (i << 2)); }
@inline export function set_l(i: i32, v: i32): void { st_local(fp + 8 + (i << 2), v); }

/** Pushes a frame for proc with up to six arguments onto agent's stack (no section runs).
 *  Writes every word of it: frames above a stack pointer keep what they held (a reset does
 *  not zero them, state.ts clear_state). */
export function push_frame(agent: i32, proc: i32, a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32): bool {
  return push_frame_inline(agent, proc, a0, a1, a2, a3, a4, a5);
}
/** push_frame in its caller's code (the run loop's op start: an access, most ops). */
@inline export function push_frame_inline(agent: i32, proc: i32, a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32): bool {
  const sp = ag_get(agent, AG_SP);
  if (sp >= STACK_FRAMES) { bug(V_STACK_OVERFLOW, proc, sp, 0); return false; }
  const f = frame_addr(agent, sp);
  st(f, proc); st(f + 4, 0);
  st(f + 8, a0); st(f + 12, a1); st(f + 16, a2); st(f + 20, a3); st(f + 24, a4); st(f + 28, a5);
  st(f + 32, 0); st(f + 36, 0); st(f + 40, 0); st(f + 44, 0);
  ag_set(agent, AG_SP, sp + 1);
  return true;
}

/** A procedure's switch found no section pc (its `default`, after the switch): a model bug,
 *  reported as V_BUG_ON (BUG_UNKNOWN_PC, proc, pc); the run loop stops at it. */
export function bad_pc(): i32 {
  bug(V_BUG_ON, BUG_UNKNOWN_PC, ld(fp), ld(fp + 4));
  return YIELD;
}

/** Traced build: a caller's continuation is never its section 0 (that would rerun its entry). */
@inline function check_then(then: i32): void {
  if (TRACE_BUILT && (then & ~RESUME_NOW) == 0) bug(V_BUG_ON, BUG_RESUME_AT_ENTRY, ld(fp), then);
}

// Traced build: a section that returns BLOCK re-runs from its start when woken, so it must have
// changed nothing before its blocking lock failed. The run loop zeroes the store count before
// each section (section_start); a failing blocking helper (locks.ts) notes the count
// (blocking_here) before its own bookkeeping; the run loop checks it on BLOCK (block_checked).
let storesBeforeBlock: i32 = 0;
@inline export function section_start(): void {
  if (TRACE_BUILT) { set_store_count(0); storesBeforeBlock = 0; spunInSection = false; }
}

// Traced build: a section that began a spin in a plain function (locks.ts spin_after_section:
// put_page's lru_cache_del) goes on to its end before the agent spins, so what follows the
// spin's start must be what the kernel could as well do after the spin ends: the section's
// return, traces, its own locals. A lock taken or dropped, or a page released, after it is
// V_BUG_ON (BUG_AFTER_SPIN, proc, what); the lock helpers and put_page check it.
let spunInSection: bool = false;
export const AFTER_SPIN_LOCK: i32 = 1;     // a lock taken (or tried) or dropped
export const AFTER_SPIN_PUT_PAGE: i32 = 2; // a page reference released
@inline export function note_spin_in_section(): void {
  if (TRACE_BUILT) spunInSection = true;
}
@inline export function after_spin_check(what: i32): void {
  if (TRACE_BUILT && spunInSection) bug(V_BUG_ON, BUG_AFTER_SPIN, ld(fp), what);
}
@inline export function blocking_here(): void {
  if (TRACE_BUILT) storesBeforeBlock = store_count();
}
/** r unchanged; in the traced build, a BLOCK after stores is V_BUG_ON (BUG_BLOCK_CHANGED, proc, pc). */
@inline export function block_checked(r: i32, proc: i32, pc: i32): i32 {
  if (TRACE_BUILT && r == BLOCK && storesBeforeBlock != 0) bug(V_BUG_ON, BUG_BLOCK_CHANGED, proc, pc);
  return r;
}

/** Continue at section pc of the running procedure in a later step. */
@inline export function next(pc: i32): i32 { st(fp + 4, pc); return YIELD; }

/** Call proc; the caller resumes at section `then` (or now(then)) once it returns. (Inlined,
 *  as call_now: one call, to push_call, instead of two.) */
@inline export function call(proc: i32, then: i32, a0: i32, a1: i32, a2: i32, a3: i32): i32 {
  check_then(then);
  push_call(proc, then, a0, a1, a2, a3);
  return YIELD;
}

/** call() and call_now()'s push_frame: the running frame resumes at `then`, and proc's frame
 *  goes right above it. The running frame is the top of cur's stack (fp), so the new one is at
 *  fp + FRAME_BYTES, where push_frame works it out from the agent and its stack pointer. Six
 *  arguments, all in registers (push_frame's eight pass two on the stack), and the store of
 *  the continuation with them: measured 7.7% more hunt executions per CPU-second. */
function push_call(proc: i32, then: i32, a0: i32, a1: i32, a2: i32, a3: i32): void {
  const f0 = fp;
  st(f0 + 4, then);
  const sp = ag_get(cur, AG_SP);
  if (sp >= STACK_FRAMES) { bug(V_STACK_OVERFLOW, proc, sp, 0); return; }
  const f = f0 + FRAME_BYTES;
  st(f, proc); st(f + 4, 0);
  st(f + 8, a0); st(f + 12, a1); st(f + 16, a2); st(f + 20, a3); st(f + 24, 0); st(f + 28, 0);
  st(f + 32, 0); st(f + 36, 0); st(f + 40, 0); st(f + 44, 0);
  ag_set(cur, AG_SP, sp + 1);
}

/** Call proc and run its section 0 in this same step (see the header for when). */
@inline export function call_now(proc: i32, then: i32, a0: i32, a1: i32, a2: i32, a3: i32): i32 {
  check_then(then);
  push_call(proc, then, a0, a1, a2, a3);
  return CONT;
}

/** Return v from the running procedure. */
export function ret(v: i32): i32 {
  ag_set(cur, AG_RET, v);
  const sp = ag_get(cur, AG_SP) - 1;
  ag_set(cur, AG_SP, sp);
  if (sp == 0) return OP_DONE;
  // The caller asked to resume in this step: clear the mark, run it now. (Its frame is the
  // one below the running one.)
  const caller = fp - FRAME_BYTES;
  const pc = ld(caller + 4);
  if ((pc & RESUME_NOW) == 0) return YIELD;
  st(caller + 4, pc & ~RESUME_NOW);
  return CONT;
}

/** The value returned by the procedure this frame last called. */
@inline export function ret_val(): i32 { return ag_get(cur, AG_RET); }
