// Workload options of the seeded op streams and their host side. The generator itself runs
// inside the model (assembly/kernel/workload.ts): each CPU's op stream (faults on (mm, page),
// fork, exit, munmap, swapoff, swapon) is drawn from its own PRNG stream, so the same seed
// gives the same ops on every run, in every worker, in Wasm and in JS, and one CPU's stream
// does not depend on how far another's went; a CPU whose op ring runs dry is refilled in the
// model, with no host round trip. Here: the options, their validation (one clear line), and
// the config words (thresholds, quota) the host computes for the model.
//
// Access patterns: uniform over the mm's pages; hot/cold (a hotFraction of the pages gets
// hotProbability of the accesses); sequential (each CPU walks the pages in order, wrapping).
// Op rates are probabilities per op; what is left over is page accesses, of which writeRatio
// are writes.
//
// The steady workload (`steady`) holds the memory pressure for the whole run: each CPU first
// writes every page of its mms once, a swapoff is followed on the same CPU by the swapon of
// the same area, and a fork by its child's exit, the child in a spare mm (mms + cpu, so the
// machine needs mms + cpus mms). Without it the ops are drawn independently, and a run can
// lose its swap (both areas off) or its working set (forks replacing workers' memory).
import { CFG, GEN_PATTERN, TF, R, MAX_CPUS, MAX_AREAS, MUNMAP_MAX } from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";
import { UsageError } from "../errors.js";
import { probabilityThreshold } from "./rng.js";

export type Pattern = "uniform" | "hotcold" | "sequential";
export const PATTERNS: readonly Pattern[] = ["uniform", "hotcold", "sequential"];

export interface WorkloadOptions {
  cpus: number;
  mms: number;
  pagesPerMm: number;
  areas: number;
  pattern: Pattern;
  /** Fraction of page accesses that are writes. */
  writeRatio: number;
  /** hotcold: fraction of each mm's pages (the lowest ones) that are hot. */
  hotFraction: number;
  /** hotcold: probability that an access goes to a hot page. */
  hotProbability: number;
  /** Several CPUs (threads) work on the same mms: every CPU draws its mm from all of them. */
  threadsShareMm: boolean;
  forkRate: number;
  exitRate: number;
  munmapRate: number;
  swapoffRate: number;
  swaponRate: number;
  /** The steady workload (see above); default false: the independent random op mix. */
  steady?: boolean;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  cpus: 2,
  mms: 2,
  pagesPerMm: 64,
  areas: 1,
  pattern: "hotcold",
  writeRatio: 0.5,
  hotFraction: 0.2,
  hotProbability: 0.8,
  threadsShareMm: false,
  forkRate: 0.002,
  exitRate: 0.001,
  munmapRate: 0.002,
  swapoffRate: 0,
  swaponRate: 0,
};

/** Longest munmap range, in pages (assembly/kernel/workload.ts MUNMAP_MAX). */
export { MUNMAP_MAX };
const MAX_MMS = 64; // the op encoding's mm field
const MAX_PAGES = 65536; // the op encoding's page field

function bad(msg: string): never {
  throw new UsageError(`workload: ${msg}`);
}

/** Throws UsageError (one clear line) on options the op encoding or the machine cannot take. */
export function validateWorkload(o: WorkloadOptions): void {
  const int = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) bad(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  const prob = (name: string, v: number) => {
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) bad(`${name} must be a probability in [0, 1], got ${v}`);
  };
  int("cpus", o.cpus, 1, MAX_CPUS);
  int("mms", o.mms, 1, MAX_MMS);
  int("pagesPerMm", o.pagesPerMm, 1, MAX_PAGES);
  int("areas", o.areas, 1, MAX_AREAS);
  if (!PATTERNS.includes(o.pattern)) bad(`pattern must be one of ${PATTERNS.join(", ")}, got ${String(o.pattern)}`);
  prob("writeRatio", o.writeRatio);
  prob("hotFraction", o.hotFraction);
  prob("hotProbability", o.hotProbability);
  prob("forkRate", o.forkRate);
  prob("exitRate", o.exitRate);
  prob("munmapRate", o.munmapRate);
  prob("swapoffRate", o.swapoffRate);
  prob("swaponRate", o.swaponRate);
  const sum = o.forkRate + o.exitRate + o.munmapRate + o.swapoffRate + o.swaponRate;
  if (sum > 1) bad(`fork, exit, munmap, swapoff and swapon rates add up to ${sum}, more than 1`);
}

const TWO32 = 4294967296;
const QUOTA_UNIT = 2 ** 30;

/**
 * Turns the model's generator on for the next reset of `e` (configure e first, then this,
 * then reset): CPU c of the machine gets floor(ops / cpus) ops (one more for c < ops % cpus)
 * drawn from stream c of `seed`. Throws UsageError (one line) on options the generator or
 * the machine cannot take.
 */
export function configureGenerator(e: Engine, opts: WorkloadOptions, seed: number, ops: number): void {
  validateWorkload(opts);
  const m = e.config;
  if (!Number.isSafeInteger(ops) || ops < 0) bad(`ops must be a non-negative integer, got ${ops}`);
  if (opts.cpus !== m.cpus) bad(`${opts.cpus} CPUs, but the machine has ${m.cpus}`);
  if (opts.mms > m.mms) bad(`${opts.mms} mms, but the machine has ${m.mms}`);
  const steady = opts.steady === true;
  if (steady && opts.forkRate > 0 && opts.mms + opts.cpus > m.mms) {
    bad(`the steady workload forks into a spare mm per CPU: ${opts.mms} + ${opts.cpus} mms, but the machine has ${m.mms}`);
  }
  if (opts.pagesPerMm > m.pagesPerMm) bad(`${opts.pagesPerMm} pages per mm, but the machine has ${m.pagesPerMm}`);
  if (opts.areas > m.areas) bad(`${opts.areas} swap areas, but the machine has ${m.areas}`);
  const set = (k: number, v: number) => e.setConfigWord(k, v);
  // At least one hot page, and at least one cold page when there are two or more.
  const hot = Math.max(1, Math.min(opts.pagesPerMm - 1, Math.round(opts.hotFraction * opts.pagesPerMm)));
  // A fork needs a second mm for the child; with one mm its share goes to accesses (steady:
  // the child has its spare mm).
  const tFork = probabilityThreshold(opts.mms > 1 || steady ? opts.forkRate : 0);
  const tExit = tFork + probabilityThreshold(opts.exitRate);
  const tMunmap = tExit + probabilityThreshold(opts.munmapRate);
  const tSwapoff = tMunmap + probabilityThreshold(opts.swapoffRate);
  const tRare = tSwapoff + probabilityThreshold(opts.swaponRate);
  // Thresholds as u32 bits, saturated; 2^32 (every draw below) is a bit in GEN_T_FULL.
  let full = 0;
  const threshold = (k: number, t: number, bit: number) => {
    if (t >= TWO32) full |= bit;
    set(k, t >= TWO32 ? -1 : t);
  };
  threshold(CFG.GEN_T_FORK, tFork, TF.FORK);
  threshold(CFG.GEN_T_EXIT, tExit, TF.EXIT);
  threshold(CFG.GEN_T_MUNMAP, tMunmap, TF.MUNMAP);
  threshold(CFG.GEN_T_SWAPOFF, tSwapoff, TF.SWAPOFF);
  threshold(CFG.GEN_T_RARE, tRare, TF.RARE);
  threshold(CFG.GEN_T_HOT, probabilityThreshold(opts.hotProbability), TF.HOT);
  threshold(CFG.GEN_T_WRITE, probabilityThreshold(opts.writeRatio), 0); // compared with 16-bit << 16: saturation is exact
  set(CFG.GEN_T_FULL, full);
  set(CFG.GEN_SEED, seed);
  set(CFG.GEN_PATTERN, GEN_PATTERN[opts.pattern]);
  set(CFG.GEN_SHARE, opts.threadsShareMm ? 1 : 0);
  set(CFG.GEN_MMS, opts.mms);
  set(CFG.GEN_PAGES, opts.pagesPerMm);
  set(CFG.GEN_AREAS, opts.areas);
  set(CFG.GEN_HOT, hot);
  const base = Math.floor(ops / m.cpus);
  set(CFG.GEN_QUOTA_HI, Math.floor(base / QUOTA_UNIT));
  set(CFG.GEN_QUOTA_LO, base % QUOTA_UNIT);
  set(CFG.GEN_QUOTA_EXTRA, ops % m.cpus);
  set(CFG.GEN_STEADY, steady ? 1 : 0);
  set(CFG.GEN, 1);
}

/**
 * The next `count` ops of cpu's generated stream (tests, tools): the model writes them into
 * the CPU's op ring, read back from there in pieces of at most the ring's size. For an engine
 * set up by configureGenerator and reset, on CPUs that are not running ops (e.g. ops = 0).
 */
export function drawOps(e: Engine, cpu: number, count: number): Int32Array {
  if (!(Number.isInteger(cpu) && cpu >= 0 && cpu < e.config.cpus)) throw new RangeError(`workload: no CPU ${cpu}`);
  const out = new Int32Array(count);
  const cap = e.config.opCap;
  for (let done = 0; done < count; ) {
    const n = e.m.workload_ops(cpu, Math.min(cap, count - done));
    const ring = (e.region(R.OPS) >> 2) + cpu * cap;
    out.set(e.I32.subarray(ring, ring + n), done);
    done += n;
  }
  return out;
}
