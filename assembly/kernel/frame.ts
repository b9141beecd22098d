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
import { ld, st } from "./platform";
import { STACKS, STACK_FRAMES, FRAME_BYTES, AG_SP, AG_RET, ag_get, ag_set } from "./state";
import { bug, V_STACK_OVERFLOW } from "./check";

export const YIELD: i32 = 0;   // section ended; agent stays runnable
export const BLOCK: i32 = 1;   // agent blocked; re-run the same section when woken
export const OP_DONE: i32 = 2; // the agent's outermost procedure returned

/** The agent whose section is running, and the address of its top frame. */
export let cur: i32 = 0;
export let fp: i32 = 0;

@inline function frame_addr(agent: i32, depth: i32): i32 {
  return STACKS + ((agent * STACK_FRAMES + depth) * FRAME_BYTES);
}

/** Points cur/fp at the agent's top frame; returns false when its stack is empty. */
export function enter_agent(agent: i32): bool {
  cur = agent;
  const sp = ag_get(agent, AG_SP);
  if (sp == 0) { fp = 0; return false; }
  fp = frame_addr(agent, sp - 1);
  return true;
}

@inline export function frame_proc(): i32 { return ld(fp); }
@inline export function frame_pc(): i32 { return ld(fp + 4); }

// Locals of the running frame.
@inline export function l(i: i32): i32 { return ld(fp + 8 + (i << 2)); }
@inline export function set_l(i: i32, v: i32): void { st(fp + 8 + (i << 2), v); }

/** Pushes a frame for proc with up to six arguments onto agent's stack (no section runs). */
export function push_frame(agent: i32, proc: i32, a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32): bool {
  const sp = ag_get(agent, AG_SP);
  if (sp >= STACK_FRAMES) { bug(V_STACK_OVERFLOW, proc, sp, 0); return false; }
  const f = frame_addr(agent, sp);
  st(f, proc); st(f + 4, 0);
  st(f + 8, a0); st(f + 12, a1); st(f + 16, a2); st(f + 20, a3); st(f + 24, a4); st(f + 28, a5);
  st(f + 32, 0); st(f + 36, 0); st(f + 40, 0); st(f + 44, 0);
  ag_set(agent, AG_SP, sp + 1);
  return true;
}

/** Continue at section pc of the running procedure in a later step. */
@inline export function next(pc: i32): i32 { st(fp + 4, pc); return YIELD; }

/** Call proc; the caller resumes at section `then` once it returns. */
export function call(proc: i32, then: i32, a0: i32, a1: i32, a2: i32, a3: i32): i32 {
  st(fp + 4, then);
  push_frame(cur, proc, a0, a1, a2, a3, 0, 0);
  return YIELD;
}

/** Return v from the running procedure. */
export function ret(v: i32): i32 {
  ag_set(cur, AG_RET, v);
  const sp = ag_get(cur, AG_SP) - 1;
  ag_set(cur, AG_SP, sp);
  return sp == 0 ? OP_DONE : YIELD;
}

/** The value returned by the procedure this frame last called. */
@inline export function ret_val(): i32 { return ag_get(cur, AG_RET); }
