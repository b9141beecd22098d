// The workload generator of bulk mode, inside the model: a CPU whose op ring runs dry is
// refilled here, in the step that emptied it, with no round trip to the host.
//
// Each CPU draws its op stream from its own PRNG stream (splitmix32: a counter stepped by
// the golden ratio through the murmur3 finalizer), seeded from the workload seed and the CPU
// number, so the same seed gives the same ops on every run, in Wasm and in JS, and one CPU's
// stream does not depend on how far another's went. The algorithm and the op encoding are
// those of the host's former generator (src/workload/generator.ts keeps the options, their
// validation and the thresholds the host computes):
//   - one draw r per op: r below CFG_GEN_T_RARE is a fork, exit, munmap, swapoff or swapon
//     (cumulative thresholds, rare_op); otherwise a page access:
//   - a second draw d: its low 16 bits decide write/read (CFG_GEN_T_WRITE), its high 16 bits
//     the page; threads draw their mm from a third draw (else CPU c works on mm c % mms);
//   - pattern uniform: page = d's high half scaled to the pages; hot/cold: one more draw
//     decides hot (the lowest CFG_GEN_HOT pages) or cold, d's high half picks inside; sequential:
//     each CPU walks its pages in order, wrapping (other ops do not move the walk).
// The steady workload (CFG_GEN_STEADY) keeps the machine under the same memory pressure for
// the whole run: each CPU starts by writing every page of its mms once (a program touching
// its heap; W_CURSOR counts these, the sequential walk keeps its own meaning), a swapoff is
// followed on the same CPU by the swapon of the same area (the swap space comes back), and a
// fork by its child's exit, the child in the CPU's spare mm CFG_GEN_MMS + cpu (forks and
// exits balance; no worker's memory is replaced). A pair that does not fit in the ring's
// room ends the refill before it and is drawn again, whole, by the next one.
// Per CPU the model keeps [rng counter, sequential cursor, ops left (lo, hi)] in R_WORKLOAD;
// when a CPU's quota is spent its stream is final and it goes DONE once idle.
import { ld, st, imul, idiv, irem } from "./platform";
import { mix32 } from "./rng";
import {
  cfg, CFG_GEN, CFG_GEN_SEED, CFG_GEN_PATTERN, CFG_GEN_SHARE, CFG_GEN_MMS, CFG_GEN_PAGES, CFG_GEN_AREAS,
  CFG_GEN_HOT, CFG_GEN_T_FORK, CFG_GEN_T_EXIT, CFG_GEN_T_MUNMAP, CFG_GEN_T_SWAPOFF, CFG_GEN_T_RARE,
  CFG_GEN_T_WRITE, CFG_GEN_T_HOT, CFG_GEN_T_FULL, CFG_GEN_QUOTA_HI, CFG_GEN_QUOTA_LO, CFG_GEN_QUOTA_EXTRA,
  CFG_GEN_STEADY,
} from "./config";
import { WORKLOAD, OPS, nCpu, opMask, ag_get, ag_set, AG_OP_HEAD, AG_OP_TAIL, AG_OPS_FINAL, cpu_op_addr } from "./state";
import {
  make_op, op_kind, op_arg, op_task_mm, OP_READ, OP_WRITE, OP_FORK, OP_EXIT, OP_MUNMAP, OP_SWAPOFF, OP_SWAPON, OPW_KIND_SHIFT, OPW_MM_SHIFT,
} from "./ops";

// CFG_GEN_PATTERN values (src/workload/generator.ts PATTERN_CODE).
export const PAT_UNIFORM: i32 = 0;
export const PAT_HOTCOLD: i32 = 1;
export const PAT_SEQUENTIAL: i32 = 2;

// CFG_GEN_T_FULL bits: the threshold is 2^32 (every draw is below it).
export const TF_FORK: i32 = 1;
export const TF_EXIT: i32 = 2;
export const TF_MUNMAP: i32 = 4;
export const TF_SWAPOFF: i32 = 8;
export const TF_RARE: i32 = 16;
export const TF_HOT: i32 = 32;

/** Most ops one refill writes (workload_refill). */
const REFILL_CHUNK: i32 = 256;

/** Longest munmap range, in pages (src/workload MUNMAP_MAX). */
export const MUNMAP_MAX: i32 = 8;

// R_WORKLOAD: block 0 is the header, block 1 + c is CPU c's stream.
const WH_READY: i32 = 0;       // header: 1 once the streams are seeded (0 after reset)
const W_RNG: i32 = 0;          // splitmix32 counter
const W_CURSOR: i32 = 1;       // sequential: next page of the walk
const W_LEFT_LO: i32 = 2;      // ops still to generate: LEFT_HI * 2^30 + LEFT_LO
const W_LEFT_HI: i32 = 3;
const LEFT_UNIT: i32 = 1 << 30;

const GOLDEN: i32 = 0x9e3779b9;
const SIGN: i32 = 1 << 31;

@inline function w_addr(cpu: i32, k: i32): i32 { return WORKLOAD + ((((cpu + 1) << 2) + k) << 2); }
@inline function w_get(cpu: i32, k: i32): i32 { return ld(w_addr(cpu, k)); }
@inline function w_set(cpu: i32, k: i32, v: i32): void { st(w_addr(cpu, k), v); }


/** u32 r < threshold t, given tx = t ^ SIGN (t saturated at 0xffffffff) and t's full bit. */
@inline function below(r: i32, tx: i32, full: bool): bool {
  return (r ^ SIGN) < tx || (full && r == -1);
}

/** True when the model generates the CPUs' op streams (bulk mode). */
@inline export function workload_on(): bool { return cfg(CFG_GEN) != 0; }

/** Seeds every CPU's stream and quota from the config (once per reset, on first use). */
function workload_ready(): void {
  if (ld(WORKLOAD + (WH_READY << 2)) != 0) return;
  st(WORKLOAD + (WH_READY << 2), 1);
  const seed = cfg(CFG_GEN_SEED);
  const hi = cfg(CFG_GEN_QUOTA_HI);
  const lo = cfg(CFG_GEN_QUOTA_LO);
  const extra = cfg(CFG_GEN_QUOTA_EXTRA);
  const s0 = mix32(seed ^ 0x2545f491);
  for (let c = 0; c < nCpu; c++) {
    // src/workload/rng.ts streamSeed(seed, c).
    w_set(c, W_RNG, mix32((s0 + imul(c + 1, GOLDEN)) | 0));
    w_set(c, W_CURSOR, 0);
    let l = lo;
    let h = hi;
    if (c < extra) {
      l++;
      if (l == LEFT_UNIT) { l = 0; h++; }
    }
    w_set(c, W_LEFT_LO, l);
    w_set(c, W_LEFT_HI, h);
  }
}

/**
 * cpu's ring is empty: fills it with the next ops of its stream (up to the ring's room or the
 * ops left). Returns false when the stream is spent (the CPU's ops are then final).
 */
export function workload_refill(cpu: i32): bool {
  workload_ready();
  let lo = w_get(cpu, W_LEFT_LO);
  let hi = w_get(cpu, W_LEFT_HI);
  const tail = ag_get(cpu, AG_OP_TAIL);
  let n = (opMask + 1) - (tail - ag_get(cpu, AG_OP_HEAD));
  // A refill of at most REFILL_CHUNK ops: the CPU reads them back while their cache lines
  // are still in L1 (whole 4096-op rings of 8 CPUs, written long before they were read,
  // cost ~12% of an 8-CPU run). Which op comes next does not depend on where a refill ends.
  if (n > REFILL_CHUNK) n = REFILL_CHUNK;
  if (hi == 0 && lo < n) n = lo;
  if (n > 0) {
    n = workload_fill(cpu, tail, n);
    ag_set(cpu, AG_OP_TAIL, tail + n);
    lo -= n;
    if (lo < 0) { lo += LEFT_UNIT; hi--; }
    w_set(cpu, W_LEFT_LO, lo);
    w_set(cpu, W_LEFT_HI, hi);
  }
  if (lo == 0 && hi == 0) ag_set(cpu, AG_OPS_FINAL, 1);
  return n > 0;
}

/** Ends cpu's stream: no more ops are generated (the host's ops_end). */
export function workload_stop(cpu: i32): void {
  workload_ready();
  w_set(cpu, W_LEFT_LO, 0);
  w_set(cpu, W_LEFT_HI, 0);
}

/** Tests: writes the next n ops of cpu's stream to its ring's slots 0..n-1 (n clamped to the
 *  ring), leaving the ring's head, tail and the CPU's quota alone. Returns n. */
export function workload_draw(cpu: i32, n: i32): i32 {
  workload_ready();
  if (n > opMask + 1) n = opMask + 1;
  return n > 0 ? workload_fill(cpu, 0, n) : 0;
}

/** Writes the next ops of cpu's stream, at most n, to its ring at slots at, at + 1, ...
 *  (wrapping). Returns how many: n, or fewer when a steady pair did not fit. */
function workload_fill(cpu: i32, at: i32, n: i32): i32 {
  const mask = opMask;
  const ring = OPS + (imul(cpu, mask + 1) << 2);
  const full = cfg(CFG_GEN_T_FULL);
  const tRare = cfg(CFG_GEN_T_RARE) ^ SIGN;
  const fullRare = (full & TF_RARE) != 0;
  const tWrite = cfg(CFG_GEN_T_WRITE) ^ SIGN; // a draw's low half << 16 is never 0xffffffff
  const tHot = cfg(CFG_GEN_T_HOT) ^ SIGN;
  const fullHot = (full & TF_HOT) != 0;
  const pattern = cfg(CFG_GEN_PATTERN);
  const pages = cfg(CFG_GEN_PAGES);
  const hot = cfg(CFG_GEN_HOT);
  const cold = pages - hot;
  const hotcold = pattern == PAT_HOTCOLD && pages > 1;
  const sequential = pattern == PAT_SEQUENTIAL;
  const share = cfg(CFG_GEN_SHARE) != 0;
  const mms = cfg(CFG_GEN_MMS);
  const ownMm = irem(cpu, mms) << OPW_MM_SHIFT;
  const READ = OP_READ << OPW_KIND_SHIFT;
  const WRITE = OP_WRITE << OPW_KIND_SHIFT;
  const steady = cfg(CFG_GEN_STEADY) != 0;
  let i = steady && !sequential ? populate(cpu, ring, at, n) : 0;
  let s = w_get(cpu, W_RNG);
  let cur = w_get(cpu, W_CURSOR);
  for (; i < n; i++) {
    const addr = ring + (((at + i) & mask) << 2);
    const before = s;
    s = (s + GOLDEN) | 0;
    const r = mix32(s);
    if (below(r, tRare, fullRare)) {
      w_set(cpu, W_RNG, s);
      const op = steady ? steady_rare_op(cpu, r, full) : rare_op(cpu, r, full);
      s = w_get(cpu, W_RNG);
      const second = steady ? pair_of(cpu, op) : 0;
      if (second != 0) {
        // Both or, when the ring has room for one only, neither (unless nothing else fits:
        // the stream's last op, or a one-slot ring).
        if (i + 1 == n && i > 0) {
          s = before;
          break;
        }
        st(addr, op);
        if (i + 1 < n) {
          i++;
          st(ring + (((at + i) & mask) << 2), second);
        }
        continue;
      }
      st(addr, op);
      continue;
    }
    // One more draw: its low half decides write/read, its high half the page.
    s = (s + GOLDEN) | 0;
    const d = mix32(s);
    const kind = ((((d & 0xffff) << 16) ^ SIGN) < tWrite) ? WRITE : READ;
    let mm = ownMm;
    if (share) {
      s = (s + GOLDEN) | 0;
      mm = (imul(mix32(s) >>> 16, mms) >>> 16) << OPW_MM_SHIFT;
    }
    let page = 0;
    if (sequential) {
      page = cur;
      cur = cur + 1 == pages ? 0 : cur + 1;
    } else if (hotcold) {
      // A third draw for hot/cold, so the write decision stays independent of it.
      s = (s + GOLDEN) | 0;
      page = below(mix32(s), tHot, fullHot) ? (imul(d >>> 16, hot) >>> 16) : hot + (imul(d >>> 16, cold) >>> 16);
    } else {
      page = imul(d >>> 16, pages) >>> 16;
    }
    st(addr, kind | mm | page);
  }
  w_set(cpu, W_RNG, s);
  if (!(steady && !sequential)) w_set(cpu, W_CURSOR, cur);
  return i;
}

/** Steady: the mms CPU c populates, c, c + nCpu, ... below CFG_GEN_MMS (its own mm when CPUs
 *  are processes, since CPU c works on c % mms: a CPU c >= mms populates none). */
function populated_mms(cpu: i32): i32 {
  const mms = cfg(CFG_GEN_MMS);
  if (cpu >= mms) return 0;
  return cfg(CFG_GEN_SHARE) != 0 ? idiv(mms - cpu - 1, nCpu) + 1 : 1;
}

/** Steady: the CPU's first ops write every page of its mms in order (W_CURSOR counts them).
 *  Writes up to n of them at slots at, ...; returns how many. */
function populate(cpu: i32, ring: i32, at: i32, n: i32): i32 {
  const pages = cfg(CFG_GEN_PAGES);
  const total = imul(populated_mms(cpu), pages);
  let k = w_get(cpu, W_CURSOR);
  let i = 0;
  const WRITE = OP_WRITE << OPW_KIND_SHIFT;
  while (i < n && k < total) {
    const mm = cpu + imul(nCpu, idiv(k, pages));
    st(ring + (((at + i) & opMask) << 2), WRITE | (mm << OPW_MM_SHIFT) | irem(k, pages));
    k++;
    i++;
  }
  w_set(cpu, W_CURSOR, k);
  return i;
}

/** Steady: a fork's child is the CPU's spare mm; the rest as rare_op. */
function steady_rare_op(cpu: i32, r: i32, full: i32): i32 {
  if (below(r, cfg(CFG_GEN_T_FORK) ^ SIGN, (full & TF_FORK) != 0)) {
    return make_op(OP_FORK, mm_of(cpu), 0, cfg(CFG_GEN_MMS) + cpu);
  }
  return rare_op(cpu, r, full);
}

/** Steady: the op that follows op on the same CPU (a fork's child exits, a swapped-off area
 *  is swapped on again), or 0. */
function pair_of(cpu: i32, op: i32): i32 {
  const kind = op_kind(op);
  if (kind == OP_FORK) return make_op(OP_EXIT, op_arg(op), 0, 0);
  if (kind == OP_SWAPOFF) return make_op(OP_SWAPON, 0, 0, op_arg(op));
  return 0;
}

/** Next u32 of cpu's stream (the rare ops' slow path). */
function draw(cpu: i32): i32 {
  const s = (w_get(cpu, W_RNG) + GOLDEN) | 0;
  w_set(cpu, W_RNG, s);
  return mix32(s);
}

/** Uniform in [0, n) for 0 < n <= 65536: multiply-shift on a draw's high 16 bits. */
function draw_below(cpu: i32, n: i32): i32 {
  return imul(draw(cpu) >>> 16, n) >>> 16;
}

/** The mm of cpu's next op: its own (cpu % mms), or any of them when threads share. */
function mm_of(cpu: i32): i32 {
  const mms = cfg(CFG_GEN_MMS);
  return cfg(CFG_GEN_SHARE) != 0 ? draw_below(cpu, mms) : irem(cpu, mms);
}

/**
 * The tasks of mm as `self` (the CPU asking, one of them) counts them: how many CPUs run ops
 * in it. The model's CPUs are its tasks: CPU c's ops on mm m are those of one task of m
 * (threads when several CPUs' ops address one mm), so this is the part of mm->mm_users the
 * threads make (mm/memory.ts zap_gathers). With the in-model generator on, from its config
 * (workload.ts mm_of: threads draw any of the first CFG_GEN_MMS, processes take cpu %
 * CFG_GEN_MMS; a steady fork's child, in a spare mm, is its CPU's alone); else self and
 * every other CPU whose op list (a hunt's, a repro's, a test's: every op its ring still
 * holds) addresses mm, so a replay counts as its hunt did. Swapoff and swapon name no mm.
 * Called at a munmap (rare): a scan of at most MAX_CPUS rings.
 */
export function mm_task_count(mm: i32, self: i32): i32 {
  if (workload_on()) {
    const mms = cfg(CFG_GEN_MMS);
    if (cfg(CFG_GEN_SHARE) != 0) return mm < mms ? nCpu : 1;
    return mm < mms && mm < nCpu ? idiv(nCpu - mm - 1, mms) + 1 : 1;
  }
  let n = 1;
  for (let cpu = 0; cpu < nCpu; cpu++) if (cpu != self && ops_address(cpu, mm)) n++;
  return n;
}

/** Whether CPU cpu is a task of mm's process: its ops are that process's, swapoff and swapon
 *  included (mm/oom_kill.ts: the tasks oom_kill kills). By mm_task_count's rules: with the
 *  in-model generator, threads are tasks of each of the first CFG_GEN_MMS, a process CPU of
 *  cpu % CFG_GEN_MMS, and every CPU of its spare mm CFG_GEN_MMS + cpu (a steady fork's
 *  child); else the CPU's ring addresses mm. */
export function cpu_is_task_of(cpu: i32, mm: i32): bool {
  if (workload_on()) {
    const mms = cfg(CFG_GEN_MMS);
    if (mm == mms + cpu) return true;
    if (mm >= mms) return false;
    return cfg(CFG_GEN_SHARE) != 0 || irem(cpu, mms) == mm;
  }
  return ops_address(cpu, mm);
}

/** Whether an op cpu's ring still holds names mm as the task's own (not swapoff, swapon). */
function ops_address(cpu: i32, mm: i32): bool {
  const tail = ag_get(cpu, AG_OP_TAIL);
  const from = tail > opMask + 1 ? tail - opMask - 1 : 0;
  for (let i = from; i < tail; i++) {
    if (op_task_mm(ld(cpu_op_addr(cpu, i))) == mm) return true;
  }
  return false;
}

/** A fork, exit, munmap, swapoff or swapon, chosen by the op draw r (r below CFG_GEN_T_RARE). */
function rare_op(cpu: i32, r: i32, full: i32): i32 {
  if (below(r, cfg(CFG_GEN_T_FORK) ^ SIGN, (full & TF_FORK) != 0)) {
    const parent = mm_of(cpu);
    // The child takes any mm but the parent's (the host sets no fork share with one mm).
    let child = draw_below(cpu, cfg(CFG_GEN_MMS) - 1);
    if (child >= parent) child++;
    return make_op(OP_FORK, parent, 0, child);
  }
  if (below(r, cfg(CFG_GEN_T_EXIT) ^ SIGN, (full & TF_EXIT) != 0)) return make_op(OP_EXIT, mm_of(cpu), 0, 0);
  if (below(r, cfg(CFG_GEN_T_MUNMAP) ^ SIGN, (full & TF_MUNMAP) != 0)) {
    const mm = mm_of(cpu);
    const pages = cfg(CFG_GEN_PAGES);
    const start = draw_below(cpu, pages);
    const room = pages - start;
    const len = 1 + draw_below(cpu, room < MUNMAP_MAX ? room : MUNMAP_MAX);
    return make_op(OP_MUNMAP, mm, start, len);
  }
  if (below(r, cfg(CFG_GEN_T_SWAPOFF) ^ SIGN, (full & TF_SWAPOFF) != 0)) {
    return make_op(OP_SWAPOFF, 0, 0, draw_below(cpu, cfg(CFG_GEN_AREAS)));
  }
  return make_op(OP_SWAPON, 0, 0, draw_below(cpu, cfg(CFG_GEN_AREAS)));
}
