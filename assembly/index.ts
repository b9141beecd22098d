// The model's exported API: what the TypeScript host calls (src/wasm/engine.ts). Plain
// i32 in and out; state is read through zero-copy views of memory (region_table).
export { bind_memory } from "./kernel/platform";
/** The exhaustive search's state key (src/explore/exhaustive.ts). */
export { key_begin, key_words, key_frames, key_h1, key_h2 } from "./kernel/keyhash";
import { reserve_fixed, layout_machine, layout_units as plan_units, layout_value as layout_word, region_table, ag_get, ag_set, AG_RET, AG_STATE } from "./kernel/state";
import { config_base, cfg_set } from "./kernel/config";
import { machine_reset, run as machine_run, cpu_ops_added, cpu_ops_end, set_stop_at_op_end } from "./kernel/machine";
import { set_tracing } from "./kernel/trace";
import { workload_draw } from "./kernel/workload";
import { sched_set_replay, sched_yield_take, sched_set_runs, sched_set_fair } from "./kernel/sched";
import { push_frame } from "./kernel/frame";
import { set_state } from "./kernel/locks";
import { hunt_workload as set_hunt_workload, hunt_mix as set_hunt_mix, hunt_execution as run_hunt_execution, hunt_shaped as run_hunt_shaped, execution_print, execution_agents } from "./kernel/hunt";
import { ST_RUNNABLE, G_CPUS_STARVED, gget, gset, set_whole_clear } from "./kernel/state";
import { clean_at_rest as fused_clean_at_rest } from "./kernel/rest";
import { fnv_words, fnv_state_arrays, fnv_free_stack } from "./kernel/hash";

/** Must be called once after instantiation: reserves the config block and region table. */
export function init(): void { reserve_fixed(); }
export function config_addr(): i32 { return config_base(); }
export function regions_addr(): i32 { return region_table(); }
export function config_set(key: i32, value: i32): void { cfg_set(key, value); }
/** Lays out the machine for the current config; bytes used, or -1 if memory cannot grow. */
export function layout(): i32 { return layout_machine(); }
/** The size layout() would give the current config, in 16-byte units (it may pass 2 GiB);
 *  memory is left alone. Only on an instance that runs no machine: it rewrites the layout. */
export function layout_units(): i32 { return plan_units(); }
/** A derived size of the current layout (state.ts LAYOUT_*). */
export function layout_value(k: i32): i32 { return layout_word(k); }
export function reset(): void { machine_reset(); }
export function run(maxSteps: i32): i32 { return machine_run(maxSteps); }
export function ops_added(cpu: i32, tail: i32): void { cpu_ops_added(cpu, tail); }
export function ops_end(cpu: i32): void { cpu_ops_end(cpu); }
/** 1 = trace the next runs (for a diagram); returns 0 when asked of the untraced build. */
export function tracing(on: i32): i32 { return set_tracing(on != 0) ? 1 : 0; }
/** 1: run() returns RUN_OP_END (5) after every completed op (deep checks per operation). */
export function stop_at_op_end(on: i32): void { set_stop_at_op_end(on != 0); }
export function replay_len(len: i32): void { sched_set_replay(len); }
/** The agent that yielded (__alloc_pages, try_to_unuse) since the last call, -1 none; clears it. */
export function yield_take(): i32 { return sched_yield_take(); }
/** Tests: the next n ops of cpu's generated stream (kernel/workload.ts, configured by the
 *  CFG_GEN_* words, seeded at reset) in its op ring's slots 0..n-1; returns how many fitted.
 *  Leaves the ring's head and tail alone: for a CPU that is not running ops. */
export function workload_ops(cpu: i32, n: i32): i32 { return workload_draw(cpu, n); }

/** Tests: start procedure `proc` on CPU `cpu` as if it were an op (the CPU must be idle). */
export function start_proc(cpu: i32, proc: i32, a0: i32, a1: i32, a2: i32, a3: i32): void {
  push_frame(cpu, proc, a0, a1, a2, a3, 0, 0);
  gset(G_CPUS_STARVED, gget(G_CPUS_STARVED) & ~(1 << cpu));
  set_state(cpu, ST_RUNNABLE);
}
/** A hunt: its workload once (kernel/hunt.ts), then one call per execution. */
export function hunt_workload(ops: i32, writeBelow: i32, pages: i32, mms: i32, shareMm: i32): void {
  set_hunt_workload(ops, writeBelow, pages, mms, shareMm != 0);
}
/** The hunt's op mix (after hunt_workload): cumulative thresholds on an op draw's top byte
 *  for write, read, fork, exit, munmap, write-protect, swapoff (swapon: the rest), and the
 *  areas swapoff/swapon address (src/explore/mix.ts). */
export function hunt_mix(write: i32, read: i32, fork: i32, exit: i32, munmap: i32, wprotect: i32, swapoff: i32, areas: i32): void {
  set_hunt_mix(write, read, fork, exit, munmap, wprotect, swapoff, areas);
}
/** The last execution's fingerprint: FNV-1a over its choice log's bytes (kernel/hunt.ts). */
export function hunt_print(): i32 { return execution_print(); }
/** The agents that ran in the last execution, a bit each (after hunt_print). */
export function hunt_agents(): i32 { return execution_agents(); }
/** Tests: 1 = the hunt's boots between executions clear every array whole, as a host reset
 *  does, instead of only what the last executions touched (kernel/state.ts clear_state). */
export function whole_clear(on: i32): void { set_whole_clear(on != 0); }
/** Tests: 0 = PCT takes every step through its full choice, none as a run of the agent
 *  that ran the step before (kernel/sched.ts burstMask); 1, the default, takes them. */
export function pct_runs(on: i32): void { sched_set_runs(on != 0); }
/** A uniform choice at every step from the next run() on (kernel/sched.ts sched_set_fair). */
export function sched_fair(): void { sched_set_fair(); }
/** Execution n of the hunt: run()'s code, or RUN_CLEAN (6) when it ended at rest and clean. */
export function hunt_execution(seedBase: i32, n: i32, maxSteps: i32): i32 { return run_hunt_execution(seedBase, n, maxSteps); }
/** A swarm hunt's execution: lays out the machine of the config block first when newMachine
 *  is 1, takes the workload of its CFG_HUNT_* words when newWorkload is 1 (kernel/hunt.ts
 *  hunt_shaped); -1 when the machine does not fit. */
export function hunt_shaped(seedBase: i32, n: i32, maxSteps: i32, newMachine: i32, newWorkload: i32): i32 {
  return run_hunt_shaped(seedBase, n, maxSteps, newMachine != 0, newWorkload != 0);
}
/** The fused check at rest (kernel/rest.ts) on the current state: 1 clean, 0 not clean or a
 *  machine too large for it (the host's full passes decide). Call only with the machine at rest. */
export function clean_at_rest(): i32 { return fused_clean_at_rest() ? 1 : 0; }
// What the executions since the last boot can have touched: the host's deep checker reads
// only that in bulk runs (src/invariants/touched.ts).
import { clean_at_rest_touched as fused_clean_at_rest_touched } from "./kernel/rest";
import { touched_frames as frames_touched, buckets_touched as hash_buckets_touched, freeFilled } from "./kernel/state";
/** clean_at_rest over what the executions since the last boot can have touched (the bounds
 *  below): the same answer, reading only those frames and buckets. */
export function clean_at_rest_touched(): i32 { return fused_clean_at_rest_touched() ? 1 : 0; }
/** Frames 0..n-1 are all the frames the executions since the last boot can have named: every
 *  frame above is free, its words zero, on the free stack where the boot put it (kernel/state.ts). */
export function touched_frames(): i32 { return frames_touched(); }
/** The swap-cache buckets written since the last boot, listed at region HASH_TOUCHED (their
 *  head addresses); HASH_TOUCHED_MAX + 1 when more were (then any bucket may be nonempty). */
export function buckets_touched(): i32 { return hash_buckets_touched(); }
/** The free stack's lowest written position: below it, position p holds frame nFrames - 1 - p
 *  with its word still zero (kernel/state.ts freeFilled); 0 on machines of up to 65537 frames. */
export function free_filled(): i32 { return freeFilled; }
export function agent_ret(agent: i32): i32 { return ag_get(agent, AG_RET); }
export function agent_state(agent: i32): i32 { return ag_get(agent, AG_STATE); }
/** FNV-1a of the words at byte addresses [from, to), continuing from h (engine.ts stateHash). */
export function state_hash_words(from: i32, to: i32, h: i32): i32 { return fnv_words(from, to, h); }
/** state_hash_words over the state arrays after the stacks, [AREAS, OPS) then [IOQ, END),
 *  continuing from h, without reading what the machine cannot have written since its boot
 *  (kernel/hash.ts fnv_state_arrays): the same value. */
export function state_hash_arrays(h: i32): i32 { return fnv_state_arrays(h); }
/** state_hash_words over the free stack's nFrames words, the positions below free_filled() as
 *  the frames they hold (kernel/hash.ts fnv_free_stack). */
export function state_hash_free_stack(h: i32): i32 { return fnv_free_stack(h); }
