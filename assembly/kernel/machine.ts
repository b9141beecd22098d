// The machine: reset to a fresh boot state, and the run loop that asks the scheduler for an
// agent and runs one section of it per step.
import { ld } from "./platform";
import { cfg, CFG_NAREAS, CFG_AREA_PRIO_EQUAL, CFG_SEED } from "./config";
import {
  nCpu, nAgents, nFrames, nMm, DISK, KSWAPD, gget, gset, ag_get, ag_set, clear_state,
  reload_flags, end_boot, bootFreeFrom, freeFilled, stat, stat_add, set_page_count, set_page_flags, mm_set, cpu_op_addr, AG_SP, AG_OP, AG_BKL_SAVED,
  AG_OP_HEAD, AG_OP_TAIL, AG_OPS_DONE, AG_OPS_FINAL, mm_get, MM_USERS, mmlist_init, AG_RET, AG_STATE, ST_RUNNABLE, ST_IDLE, ST_DONE,
  ST_STARVED, G_NR_FREE, G_STEP, G_RUNNABLE, G_CPUS_DONE, G_CPUS_STARVED, G_SWAP_LIST_HEAD,
  G_SWAP_LIST_NEXT, G_SWAPOFF_AREA, G_IOQ_HEAD, G_IOQ_TAIL, FREE_STACK, MM_USERS, PG_RESERVED,
  PG_UPTODATE, PG_INUSE, ZERO_PAGE, S_OPS, S_STEPS, G_OOM_ACTIVE,
} from "./state";
import { st } from "./platform";
import { enter_agent, enter_empty, enter_frame, push_frame, push_frame_inline, OP_DONE, BLOCK, CONT, section_start, block_checked } from "./frame";
import { set_state, reacquire_kernel_lock, waiters_reset } from "./locks";
import { bug, bug_context, violated, V_DEADLOCK } from "./check";
import { choose, sched_reset, sched_flush, sched_begin } from "./sched";
import { rng_seed, rng_sync } from "./rng";
import { timerArmed, timer_sync, timer_flush, timer_tick, timer_over, timer_fire } from "./timer";
import { tracing, trace, trace_context, trace_events_in_step, EV_SECTION, EV_OP_START, EV_OP_END } from "./trace";
import { dispatch } from "./dispatch";
import {
  op_kind, op_mm, op_page, op_arg, OP_READ, OP_WRITE, OP_FORK, OP_EXIT, OP_MUNMAP, OP_SWAPOFF, OP_SWAPON,
  OP_WPROTECT,
} from "./ops";
import {
  P_ACCESS, P_DO_FORK, P_DO_EXIT, P_DO_MUNMAP, P_SYS_SWAPOFF, P_SYS_SWAPON, P_DISK, P_KSWAPD,
  P_DO_MPROTECT,
} from "./procs";
import { workload_on, workload_refill, workload_stop } from "./workload";
import { lru_init } from "../mm/swap";
import { mmu_access } from "../mm/memory";
import { swapon_area } from "../mm/swapfile";
import { oom_op_start, oom_exit_before_idle, EV_OOM_SIGKILL } from "../mm/oom_kill";

// run() results (host ABI).
export const RUN_DONE: i32 = 0;       // every CPU finished its ops and the disk is idle
export const RUN_VIOLATION: i32 = 1;  // G_VIOL is set
export const RUN_STARVED: i32 = 2;    // a CPU needs more ops from the host
export const RUN_LIMIT: i32 = 3;      // the step budget of this call ran out
export const RUN_DIVERGED: i32 = 4;   // a replayed choice named an agent that cannot run
export const RUN_OP_END: i32 = 5;     // an op just completed (only when stopping at op ends)
// hunt_execution only: done, and the fused check at rest found the state clean (kernel/rest.ts).
export const RUN_CLEAN: i32 = 6;

/** When set, run() returns RUN_OP_END after every step that completes an op, so the host
 *  can run its deep checks at the end of every operation. */
let stopAtOpEnd: bool = false;
let opEnded: bool = false;
export function set_stop_at_op_end(on: bool): void { stopAtOpEnd = on; }

/** Boot state: all frames free but the zero page, every mm an empty process, the
 *  configured swap areas swapped on, agents at rest. Op buffers are kept; a CPU with no op
 *  waiting is parked until the host adds some. */
export function machine_reset(): void {
  machine_boot(false);
  for (let c = 0; c < nCpu; c++) park_if_no_ops(c);
}

/** machine_reset but the parking: every CPU runnable, its op ring empty. `touched`: clear
 *  only what the last executions wrote (state.ts clear_state; the hunt's own boots). */
export function machine_boot(touched: bool): void {
  // An op that ended in a step a violation stopped leaves the mark set: a new boot has no op yet.
  opEnded = false;
  clear_state(touched);
  reload_flags();
  // Frames: frame 0 is the reserved zero page; the rest on the free stack, lowest on top.
  set_page_count(ZERO_PAGE, 1);
  set_page_flags(ZERO_PAGE, PG_RESERVED | PG_UPTODATE | PG_INUSE);
  // Position n holds frame nFrames - 1 - n; below bootFreeFrom they still do, and below
  // freeFilled without being written (kernel/state.ts).
  let n = bootFreeFrom > freeFilled ? bootFreeFrom : freeFilled;
  for (let f = nFrames - 1 - n; f >= 1; f--) { st(FREE_STACK + (n << 2), f); n++; }
  gset(G_NR_FREE, n);
  lru_init();
  for (let mm = 0; mm < nMm; mm++) mm_set(mm, MM_USERS, 1);
  mmlist_init();
  // Swap areas.
  gset(G_SWAP_LIST_HEAD, -1);
  gset(G_SWAP_LIST_NEXT, -1);
  gset(G_SWAPOFF_AREA, -1);
  const equal = cfg(CFG_AREA_PRIO_EQUAL) != 0;
  for (let a = 0; a < cfg(CFG_NAREAS); a++) swapon_area(a, equal ? 0 : -a);
  // Agents.
  gset(G_RUNNABLE, 0);
  waiters_reset();
  for (let a = 0; a < nAgents; a++) {
    ag_set(a, AG_SP, 0);
    ag_set(a, AG_STATE, -1);
  }
  for (let c = 0; c < nCpu; c++) set_state(c, ST_RUNNABLE);
  push_frame(DISK, P_DISK, 0, 0, 0, 0, 0, 0);
  set_state(DISK, ST_IDLE);
  if (KSWAPD >= 0) {
    push_frame(KSWAPD, P_KSWAPD, 0, 0, 0, 0, 0, 0);
    set_state(KSWAPD, ST_IDLE);
  }
  gset(G_STEP, 0);
  rng_seed(cfg(CFG_SEED));
  sched_reset();
  end_boot();
}

/** Host wrote ops for cpu up to `tail` (a running count). */
export function cpu_ops_added(cpu: i32, tail: i32): void {
  ag_set(cpu, AG_OP_TAIL, tail);
  // Nothing new (an empty op list): a starved CPU stays parked, or it would run stale ops.
  if (ag_get(cpu, AG_STATE) == ST_STARVED && tail != ag_get(cpu, AG_OP_HEAD)) {
    gset(G_CPUS_STARVED, gget(G_CPUS_STARVED) & ~(1 << cpu));
    set_state(cpu, ST_RUNNABLE);
  }
}

/** A booted CPU's whole op list (the first n ops of its ring): nothing is added after.
 *  What cpu_ops_added(cpu, n) and cpu_ops_end(cpu) do after a reset, without parking the
 *  CPU in between (hunt.ts: once per execution). */
export function cpu_ops_final(cpu: i32, n: i32): void {
  if (workload_on()) workload_stop(cpu);
  ag_set(cpu, AG_OP_TAIL, n);
  ag_set(cpu, AG_OPS_FINAL, 1);
  park_if_no_ops(cpu);
}

/** Ends a CPU's op stream: once its buffer is empty it is done, not starved. With the
 *  in-model generator on, it generates no more ops either. */
export function cpu_ops_end(cpu: i32): void {
  if (workload_on()) workload_stop(cpu);
  ag_set(cpu, AG_OPS_FINAL, 1);
  const state = ag_get(cpu, AG_STATE);
  if (state == ST_STARVED) {
    gset(G_CPUS_STARVED, gget(G_CPUS_STARVED) & ~(1 << cpu));
    set_state(cpu, ST_RUNNABLE);
  }
  if (state == ST_STARVED || state == ST_RUNNABLE) park_if_no_ops(cpu);
}

/** A CPU with an empty stack and no op waiting goes DONE (final stream) or STARVED; with
 *  the in-model generator on (bulk mode), its ring is refilled instead while ops are left. */
function park_if_no_ops(cpu: i32): void {
  if (ag_get(cpu, AG_SP) != 0) return;
  if (ag_get(cpu, AG_OP_HEAD) != ag_get(cpu, AG_OP_TAIL)) return;
  if (workload_on() && workload_refill(cpu)) return;
  if (gget(G_OOM_ACTIVE) != 0 && oom_exit_before_idle(cpu)) return;
  if (ag_get(cpu, AG_OPS_FINAL) != 0) {
    set_state(cpu, ST_DONE);
    gset(G_CPUS_DONE, gget(G_CPUS_DONE) | (1 << cpu));
  } else {
    set_state(cpu, ST_STARVED);
    gset(G_CPUS_STARVED, gget(G_CPUS_STARVED) | (1 << cpu));
  }
}

/** Takes the CPU's next op from its buffer. */
function take_op(cpu: i32): i32 {
  const head = ag_get(cpu, AG_OP_HEAD);
  const op = ld(cpu_op_addr(cpu, head));
  ag_set(cpu, AG_OP_HEAD, head + 1);
  ag_set(cpu, AG_OP, op);
  return op;
}

/** The procedure that runs an op. */
function op_proc(kind: i32): i32 {
  if (kind == OP_FORK) return P_DO_FORK;
  if (kind == OP_EXIT) return P_DO_EXIT;
  if (kind == OP_MUNMAP) return P_DO_MUNMAP;
  if (kind == OP_SWAPOFF) return P_SYS_SWAPOFF;
  if (kind == OP_SWAPON) return P_SYS_SWAPON;
  if (kind == OP_WPROTECT) return P_DO_MPROTECT;
  return P_ACCESS;
}

/** Pushes the top-level procedure of op. */
function push_op_frame(cpu: i32, op: i32): void {
  const kind = op_kind(op);
  const mm = op_mm(op);
  const page = op_page(op);
  const arg = op_arg(op);
  const proc = op_proc(kind);
  if (proc == P_ACCESS) push_frame_inline(cpu, P_ACCESS, mm, page, kind == OP_WRITE ? 1 : 0, 0, 0, 0);
  else if (proc == P_DO_FORK) push_frame(cpu, P_DO_FORK, mm, arg, 0, 0, 0, 0);
  else if (proc == P_DO_MUNMAP || proc == P_DO_MPROTECT) push_frame(cpu, proc, mm, page, arg, 0, 0, 0);
  else if (proc == P_DO_EXIT) push_frame(cpu, P_DO_EXIT, mm, arg, 0, 0, 0, 0); // arg: oom_kill.ts OOM_EXIT_ARG
  else push_frame(cpu, proc, arg, 0, 0, 0, 0, 0); // swapoff / swapon (area)
}

/** The MMU's fast path: an access whose pte allows it completes in access's first section,
 *  so it runs here without a frame (same step, same effects as P_ACCESS section 0). */
function access_hit(cpu: i32, op: i32): bool {
  const kind = op_kind(op);
  if (kind != OP_READ && kind != OP_WRITE) return false;
  return mmu_access(op_mm(op), op_page(op), kind == OP_WRITE ? 1 : 0);
}

/** An op finished on CPU a (inlined: bulk runs end an op every other step). */
@inline function op_done(a: i32, result: i32): void {
  // Under tracing(): the untraced build would still load AG_OP for a trace() that folds away.
  if (tracing()) trace(EV_OP_END, ag_get(a, AG_OP), result, 0);
  ag_set(a, AG_OPS_DONE, ag_get(a, AG_OPS_DONE) + 1);
  stat(S_OPS);
  opEnded = true;
  // Most ops end with the next one waiting in the ring: nothing to park or refill.
  if (ag_get(a, AG_OP_HEAD) == ag_get(a, AG_OP_TAIL)) park_if_no_ops(a);
}

/** Runs the section at the top of agent a's stack, whose frame is at f; the section's step
 *  code. Violations and trace records name it first. (Inlined, with f in a local: the model's
 *  fp is a module global, which V8 reloads from memory at every use.) */
@inline function run_section(a: i32, f: i32): i32 {
  const proc = ld(f), pc = ld(f + 4);
  bug_context(a, proc, pc);
  if (tracing()) trace_context(gget(G_STEP), a, proc, pc);
  section_start();
  return block_checked(dispatch(proc, pc), proc, pc);
}

/** Runs one section of agent a (inlined: once per step). */
@inline function step_agent(a: i32): void {
  // The BKL's retake is this agent's, in this step: its trace record is named so (traced
  // build), not by the context the step before left. Only an agent with a BKL to retake.
  if (tracing() && ag_get(a, AG_BKL_SAVED) != 0) retake_context(a);
  if (!reacquire_kernel_lock(a)) return;
  // enter_agent, with one test of the stack pointer where its result's was a second.
  const sp = ag_get(a, AG_SP);
  let r: i32;
  if (sp == 0) {
    enter_empty(a);
    // A CPU between ops starts its next one in this step.
    const drawn = take_op(a);
    // While the OOM killer has a kill out (oom-kill, rare): the op may be the exit its
    // process's SIGKILL makes instead.
    const op = gget(G_OOM_ACTIVE) != 0 ? oom_op_start(a, drawn) : drawn;
    const top = op_proc(op_kind(op));
    bug_context(a, top, 0);
    if (tracing()) {
      trace_context(gget(G_STEP), a, top, 0);
      if (op != drawn) trace(EV_OOM_SIGKILL, op_mm(op), drawn, 0);
      trace(EV_OP_START, op, 0, 0);
    }
    if (access_hit(a, op)) {
      ag_set(a, AG_RET, 0);
      op_done(a, 0);
      return;
    }
    push_op_frame(a, op);
    const f = enter_agent(a);
    // Its first section: named as the op start named it, and traced under that context.
    section_start();
    const proc = ld(f), pc = ld(f + 4);
    r = block_checked(dispatch(proc, pc), proc, pc);
  } else {
    r = run_section(a, enter_frame(a, sp));
  }
  if (r == CONT) r = run_merged(a);
  if (tracing() && trace_events_in_step() == 0 && r != BLOCK) trace(EV_SECTION, 0, 0, 0);
  if (r == OP_DONE) op_done(a, ag_get(a, AG_RET));
}

/** Traced build: the step's trace context (step, agent, top frame) before anything of it is
 *  traced; run_section and the op start set it again, with the section they run. */
function retake_context(a: i32): void {
  const f = enter_agent(a);
  trace_context(gget(G_STEP), a, f != 0 ? ld(f) : 0, f != 0 ? ld(f + 4) : 0);
}

/** A call or return merged into this step (frame.ts CONT): runs the new top frame now, and
 *  so on while they merge; the step's result. */
function run_merged(a: i32): i32 {
  let r = CONT;
  // A section that left its agent spinning (locks.ts spin_after_section) merges nothing more:
  // the call or return it set up runs once the agent is runnable again.
  while (r == CONT && ((gget(G_RUNNABLE) >> a) & 1) != 0) {
    const f = enter_agent(a);
    // The section before traced nothing: still give it its own record.
    if (tracing() && trace_events_in_step() == 0) trace(EV_SECTION, 0, 0, 0);
    r = run_section(a, f);
  }
  return r;
}

/** Runs up to maxSteps sections; returns a RUN_* code. */
export function run(maxSteps: i32): i32 {
  rng_sync(); // the draw ahead, from G_RNG_LO (rng.ts)
  timer_sync(); // kswapd's timer, from memory (timer.ts)
  if (timerArmed) timer_check();
  sched_begin();
  const r = run_steps(maxSteps);
  sched_flush();
  timer_flush();
  return r;
}

/** The run loop. S_STEPS is added once per call (i steps ran): it only ever equals G_STEP's
 *  growth, and nothing reads it while the loop runs. */
function run_steps(maxSteps: i32): i32 {
  let step = gget(G_STEP);
  let i = 0;
  let r = RUN_LIMIT;
  for (; i < maxSteps; i++) {
    const mask = gget(G_RUNNABLE);
    if (mask == 0) { r = idle_result(); break; }
    const a = choose(mask);
    if (a < 0) { r = RUN_DIVERGED; break; }
    step_agent(a);
    gset(G_STEP, ++step);
    if (timerArmed) {
      timer_tick();
      timer_check();
    }
    if (violated()) { i++; r = RUN_VIOLATION; break; }
    if (opEnded) {
      opEnded = false;
      if (stopAtOpEnd) { i++; r = RUN_OP_END; break; }
    }
  }
  stat_add(S_STEPS, i);
  return r;
}

/** kswapd's schedule_timeout(HZ) (timer.ts) ends when no step of it is left, or at once when
 *  the machine would otherwise idle with work left (time passes). Checked after every step and
 *  at run()'s start, so that the runnable mask in memory is current whenever run() returns: a
 *  host that picks the next step from it (the exhaustive search, a replay's decisions) sees
 *  kswapd runnable in the step it wakes. */
function timer_check(): void {
  if (timer_over() || (gget(G_RUNNABLE) == 0 && !cpus_idle_for_good())) timer_fire();
}

/** No agent can run and none will without the host: the CPUs are done, or wait for ops the
 *  host feeds (a trace). kswapd's timer is not fired then: the run ends, or the host feeds. */
function cpus_idle_for_good(): bool {
  return gget(G_CPUS_STARVED) != 0 || gget(G_CPUS_DONE) == (1 << nCpu) - 1;
}

function idle_result(): i32 {
  if (gget(G_CPUS_STARVED) != 0) return RUN_STARVED;
  if (gget(G_CPUS_DONE) == (1 << nCpu) - 1) return RUN_DONE;
  bug_context(-1, 0, 0);
  bug(V_DEADLOCK, gget(G_CPUS_DONE), 0, 0);
  return RUN_VIOLATION;
}
