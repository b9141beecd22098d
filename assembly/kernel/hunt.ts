// One hunt execution in one call (the inner loop of src/explore/hunt.ts and of a campaign
// worker's src/workers/hunt-range.ts): the execution's seed from the hunt's, each CPU's op
// list, a fresh machine, the run. The host would otherwise make seven calls into the model
// and write the ops itself for every execution of ~140 steps.
//
// The op lists are src/explore/workload.ts's huntOp, op for op (test/explore/workload.test.ts
// holds the two equal): huntOp stays the reference, and what a repro records. The `| 0`s
// keep the JS twin's sums in i32 as Wasm's are.
//
// An execution that ends at rest is checked here too (rest.ts, the host's fused pass, over
// the frames and buckets the execution can have touched: clean_at_rest_touched) and
// answered RUN_CLEAN when clean: the host then has nothing to check. RUN_DONE from here means
// "not clean by the fused pass": the host's full passes say what is wrong.
import { imul, irem, st, ld, ld8 } from "./platform";
import {
  cfg, cfg_set, CFG_SEED, CFG_HUNT_OPS, CFG_HUNT_WRITE_BELOW, CFG_HUNT_PAGES, CFG_HUNT_MMS, CFG_HUNT_SHARE,
  CFG_HUNT_T_WRITE, CFG_HUNT_MIX_AREAS,
} from "./config";
import { nCpu, cpu_op_addr, LOG, gget, G_STEP, layout_machine, boot_after_layout } from "./state";
import { mix32 } from "./rng";
import { make_op, OP_READ, OP_WRITE, OP_FORK, OP_EXIT, OP_MUNMAP, OP_WPROTECT, OP_SWAPOFF, OP_SWAPON } from "./ops";
import { machine_boot, cpu_ops_final, run, RUN_DONE, RUN_CLEAN } from "./machine";
import { clean_at_rest_touched } from "./rest";
import { log_print_ready, log_print, log_agents } from "./sched";

const GOLDEN: i32 = 0x9e3779b9;

// The hunt's workload (src/explore/workload.ts HuntWorkload), set once per hunt.
let opsPerCpu: i32 = 0;
let writeBelow: i32 = 0;  // an op writes when its draw's top byte is below this
let pages: i32 = 1;
let mms: i32 = 1;
let shareMm: bool = true;
// The op mix (src/explore/mix.ts): off, the read/write lists above; on, each op's kind is
// decided by its draw's top byte against cumulative thresholds (write, read, fork, exit,
// munmap, write-protect, swapoff; swapon takes the rest), and a second draw gives its mm and
// its other operands.
let mixOn: bool = false;
let tWrite: i32 = 0, tRead: i32 = 0, tFork: i32 = 0, tExit: i32 = 0, tMunmap: i32 = 0, tWprotect: i32 = 0, tSwapoff: i32 = 0;
let areas: i32 = 1;

/** writeBelow = ceil(writeRatio * 256); shareMm: the CPUs are threads of mm 0, else CPU c
 *  uses mm c mod mms. */
export function hunt_workload(ops: i32, below: i32, nPages: i32, nMms: i32, share: bool): void {
  opsPerCpu = ops;
  writeBelow = below;
  pages = nPages > 0 ? nPages : 1;
  mms = nMms > 0 ? nMms : 1;
  shareMm = share;
  mixOn = false;
}

/** Turns the op mix on (after hunt_workload, which turns it off): cumulative thresholds on a
 *  draw's top byte (0..256) and the areas swapoff/swapon address. */
export function hunt_mix(write: i32, read: i32, fork: i32, exit: i32, munmap: i32, wprotect: i32, swapoff: i32, nAreas: i32): void {
  mixOn = true;
  tWrite = write; tRead = read; tFork = fork; tExit = exit; tMunmap = munmap; tWprotect = wprotect; tSwapoff = swapoff;
  areas = nAreas > 0 ? nAreas : 1;
}

/** Longest munmap / write-protect range of a mixed op, in pages (src/explore/workload.ts reads it). */
export const HUNT_RANGE_MAX: i32 = 8;

/** One op of the mix from its draw r (src/explore/workload.ts huntOp, mixed branch). */
function mixed_op(cpu: i32, r: i32): i32 {
  const x = r >>> 24;
  const page = irem(r & 0xffff, pages);
  const r2 = mix32(r ^ 0x2545f491);
  const mm = shareMm ? irem((r2 >>> 16) & 0xff, mms) : irem(cpu, mms);
  if (x < tWrite) return make_op(OP_WRITE, mm, page, 0);
  if (x < tRead) return make_op(OP_READ, mm, page, 0);
  if (x < tFork) {
    const child = mms > 1 ? irem(mm + 1 + irem(r2 & 0xff, mms - 1), mms) : mm;
    return make_op(OP_FORK, mm, 0, child);
  }
  if (x < tExit) return make_op(OP_EXIT, mm, 0, 0);
  if (x < tWprotect) {
    const room = pages - page;
    const len = 1 + irem((r2 >>> 8) & 0xff, room < HUNT_RANGE_MAX ? room : HUNT_RANGE_MAX);
    return make_op(x < tMunmap ? OP_MUNMAP : OP_WPROTECT, mm, page, len);
  }
  return make_op(x < tSwapoff ? OP_SWAPOFF : OP_SWAPON, 0, 0, irem(r2 & 0xff, areas));
}

/** The seed of execution n of the hunt whose seed base is `base` (workload.ts executionSeedFrom). */
@inline function execution_seed(base: i32, n: i32): i32 {
  return mix32((base + imul(n, GOLDEN)) | 0);
}

/** Writes each CPU's op list for execution seed s into its op ring, from slot 0. */
function fill_ops(s: i32): void {
  for (let cpu = 0; cpu < nCpu; cpu++) {
    const mm = shareMm ? 0 : irem(cpu, mms);
    // Op j's draw mixes s + (cpu << 8 | j + 1) * GOLDEN: the multiplier stepped by GOLDEN.
    let k = imul((cpu << 8) + 1, GOLDEN);
    for (let j = 0; j < opsPerCpu; j++) {
      const r = mix32((s + k) | 0);
      if (mixOn) {
        st(cpu_op_addr(cpu, j), mixed_op(cpu, r));
        k = (k + GOLDEN) | 0;
        continue;
      }
      const page = irem(r & 0xffff, pages);
      const kind = (r >>> 24) < writeBelow ? OP_WRITE : OP_READ;
      st(cpu_op_addr(cpu, j), make_op(kind, mm, page, 0));
      k = (k + GOLDEN) | 0;
    }
  }
}

/** Runs execution n of a hunt on a fresh machine, up to maxSteps; returns run()'s code, or
 *  RUN_CLEAN for a RUN_DONE whose end state the fused check at rest finds clean. */
export function hunt_execution(seedBase: i32, n: i32, maxSteps: i32): i32 {
  const s = execution_seed(seedBase, n);
  cfg_set(CFG_SEED, s);
  machine_boot(true); // between executions: clear only what the last ones wrote
  fill_ops(s);
  for (let cpu = 0; cpu < nCpu; cpu++) cpu_ops_final(cpu, opsPerCpu);
  const r = run(maxSteps);
  return r == RUN_DONE && clean_at_rest_touched() ? RUN_CLEAN : r;
}

/**
 * A swarm hunt's execution (src/explore/loop.ts): the host has written the config words of
 * the execution's shape, the machine's and the workload's (CFG_HUNT_*), and says which
 * changed since the last call. A new machine is laid out (what the host's layout() call did),
 * a new workload taken (hunt_workload, then hunt_mix or none), then hunt_execution: one call
 * into the model per execution where there were up to five. -1 when the machine does not fit
 * in memory (layout_machine).
 */
export function hunt_shaped(seedBase: i32, n: i32, maxSteps: i32, newMachine: bool, newWorkload: bool): i32 {
  if (newMachine) {
    if (layout_machine() < 0) return -1;
    boot_after_layout(); // hunt_execution's boot, next
  }
  if (newWorkload) workload_from_config();
  return hunt_execution(seedBase, n, maxSteps);
}

/** hunt_workload and hunt_mix (or none) from the CFG_HUNT_* words. */
function workload_from_config(): void {
  hunt_workload(cfg(CFG_HUNT_OPS), cfg(CFG_HUNT_WRITE_BELOW), cfg(CFG_HUNT_PAGES), cfg(CFG_HUNT_MMS), cfg(CFG_HUNT_SHARE) != 0);
  const mixAreas = cfg(CFG_HUNT_MIX_AREAS);
  if (mixAreas == 0) return;
  const t = CFG_HUNT_T_WRITE;
  hunt_mix(cfg(t), cfg(t + 1), cfg(t + 2), cfg(t + 3), cfg(t + 4), cfg(t + 5), cfg(t + 6), mixAreas);
}

const FNV_PRIME: i32 = 0x01000193;

/** The agents that made the last execution's steps, a bit each (after execution_print). */
let printMask: i32 = 0;

/** The last execution's fingerprint for the host's campaign hash (src/explore/hunt.ts):
 *  FNV-1a over its choice log, one byte per step, as the host hashed it (the same bytes,
 *  read here so that a cold process does not run the loop in an interpreter). Also notes
 *  the agents that ran: execution_agents. */
export function execution_print(): i32 {
  const len = gget(G_STEP);
  // The scheduler folded the bytes as it logged them (sched.ts record): the same hash.
  if (log_print_ready(len)) {
    printMask = log_agents();
    return log_print();
  }
  let h: i32 = 0x811c9dc5;
  let mask: i32 = 0;
  let i = 0;
  // Four bytes a load (LOG is 16-byte aligned, both builds little-endian): the same bytes in
  // the same order, a quarter of the loads.
  for (; i + 4 <= len; i += 4) {
    const w = ld(LOG + i);
    const a0 = w & 0xff, a1 = (w >>> 8) & 0xff, a2 = (w >>> 16) & 0xff, a3 = w >>> 24;
    mask |= (1 << (a0 & 15)) | (1 << (a1 & 15)) | (1 << (a2 & 15)) | (1 << (a3 & 15));
    h = imul(imul(imul(imul(h ^ a0, FNV_PRIME) ^ a1, FNV_PRIME) ^ a2, FNV_PRIME) ^ a3, FNV_PRIME);
  }
  for (; i < len; i++) {
    const a = ld8(LOG + i);
    mask |= 1 << (a & 15); // the step's agent (frame.ts choice log encoding)
    h = imul(h ^ a, FNV_PRIME);
  }
  printMask = mask;
  return h;
}
export function execution_agents(): i32 { return printMask; }
