// Seeded workload generators: each CPU's op stream (faults on (mm, page), fork, exit, munmap,
// swapoff, swapon) drawn from its own PRNG stream, so the same seed gives the same ops on
// every run, in every worker, and one CPU's stream does not depend on how far another's went.
//
// Access patterns: uniform over the mm's pages; hot/cold (a hotFraction of the pages gets
// hotProbability of the accesses); sequential (each CPU walks the pages in order, wrapping).
// Op rates are probabilities per op; what is left over is page accesses, of which writeRatio
// are writes. fill() is the bulk path (no allocation per op, >= 20M ops/s).
import { OP, makeOp, MAX_CPUS, MAX_AREAS } from "../wasm/abi.js";
import { UsageError } from "../errors.js";
import { mix32, streamSeed, probabilityThreshold, GOLDEN } from "./rng.js";

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
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  cpus: 2, mms: 2, pagesPerMm: 64, areas: 1, pattern: "hotcold", writeRatio: 0.5,
  hotFraction: 0.2, hotProbability: 0.8, threadsShareMm: false, forkRate: 0.002,
  exitRate: 0.001, munmapRate: 0.002, swapoffRate: 0, swaponRate: 0,
};

/** Longest munmap range, in pages. */
export const MUNMAP_MAX = 8;
const MAX_MMS = 64;       // the op encoding's mm field
const MAX_PAGES = 65536;  // the op encoding's page field


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

const P_UNIFORM = 0, P_HOTCOLD = 1, P_SEQUENTIAL = 2;

export class WorkloadGenerator {
  readonly opts: Readonly<WorkloadOptions>;
  /** Per CPU: the PRNG counter (splitmix32 state). */
  private readonly rng: Int32Array;
  /** Per CPU: the next page of the sequential walk. */
  private readonly cursor: Int32Array;
  private readonly pattern: number;
  private readonly pages: number;
  private readonly mms: number;
  private readonly areas: number;
  private readonly share: boolean;
  private readonly hotPages: number;
  // Cumulative op thresholds on one u32 draw (as doubles in [0, 2^32]).
  private readonly tFork: number;
  private readonly tExit: number;
  private readonly tMunmap: number;
  private readonly tSwapoff: number;
  private readonly tSwapon: number;
  private readonly tWrite: number;
  private readonly tHot: number;

  constructor(opts: WorkloadOptions, seed: number) {
    validateWorkload(opts);
    this.opts = { ...opts };
    const n = opts.cpus;
    this.rng = new Int32Array(n);
    this.cursor = new Int32Array(n);
    for (let c = 0; c < n; c++) this.rng[c] = streamSeed(seed | 0, c);
    this.pattern = opts.pattern === "hotcold" ? P_HOTCOLD : opts.pattern === "sequential" ? P_SEQUENTIAL : P_UNIFORM;
    this.pages = opts.pagesPerMm;
    this.mms = opts.mms;
    this.areas = opts.areas;
    this.share = opts.threadsShareMm;
    // At least one hot page, and at least one cold page when there are two or more.
    const hot = Math.round(opts.hotFraction * opts.pagesPerMm);
    this.hotPages = Math.max(1, Math.min(opts.pagesPerMm - 1, hot));
    // A fork needs a second mm for the child; with one mm its share goes to accesses.
    const fork = opts.mms > 1 ? opts.forkRate : 0;
    this.tFork = probabilityThreshold(fork);
    this.tExit = this.tFork + probabilityThreshold(opts.exitRate);
    this.tMunmap = this.tExit + probabilityThreshold(opts.munmapRate);
    this.tSwapoff = this.tMunmap + probabilityThreshold(opts.swapoffRate);
    this.tSwapon = this.tSwapoff + probabilityThreshold(opts.swaponRate);
    this.tWrite = probabilityThreshold(opts.writeRatio);
    this.tHot = probabilityThreshold(opts.hotProbability);
  }

  /** Next u32 of cpu's stream (slow path; fill() inlines it). */
  private next(cpu: number): number {
    const s = (this.rng[cpu] + GOLDEN) | 0;
    this.rng[cpu] = s;
    return mix32(s) >>> 0;
  }

  /** Uniform integer in [0, n) for n <= 65536: multiply-shift on the high 16 bits. */
  private below(cpu: number, n: number): number {
    return ((this.next(cpu) >>> 16) * n) >>> 16;
  }

  /** The mm of cpu's next op: its own (c % mms), or any of them when threads share. */
  private mmOf(cpu: number): number {
    return this.share ? this.below(cpu, this.mms) : cpu % this.mms;
  }

  /**
   * Writes the next `count` ops of cpu's stream into out[0..count). The access path (almost
   * every op) runs inline on locals; the rare ops go through op() with the state written back.
   */
  fill(cpu: number, out: Int32Array, count: number): void {
    if (!(cpu >= 0 && cpu < this.opts.cpus)) throw new RangeError(`workload: no CPU ${cpu}`);
    if (count > out.length) throw new RangeError(`workload: ${count} ops do not fit in ${out.length}`);
    const tAccess = this.tSwapon, tWrite = this.tWrite, tHot = this.tHot;
    const pattern = this.pattern, n = this.pages, hot = this.hotPages, cold = n - hot;
    const share = this.share, mms = this.mms, ownMm = (cpu % mms) << 16;
    const READ = OP.READ << 28, WRITE = OP.WRITE << 28;
    const step = GOLDEN; // a local: imported bindings can be property loads under some loaders
    let s = this.rng[cpu];
    let cur = this.cursor[cpu];
    for (let i = 0; i < count; i++) {
      // splitmix32 step + murmur3 finalizer, inline (same as next()).
      s = (s + step) | 0;
      let x = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      const r = (x ^ (x >>> 16)) >>> 0;
      if (r < tAccess) {
        this.rng[cpu] = s;
        this.cursor[cpu] = cur;
        out[i] = this.rareOp(cpu, r);
        s = this.rng[cpu];
        continue;
      }
      // One more draw: its low half decides write/read and hot/cold, its high half the page.
      s = (s + step) | 0;
      x = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      const d = x ^ (x >>> 16);
      const kind = ((d & 0xffff) << 16) >>> 0 < tWrite ? WRITE : READ;
      let mm = ownMm;
      if (share) {
        s = (s + step) | 0;
        x = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
        x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
        mm = ((((x ^ (x >>> 16)) >>> 16) * mms) >>> 16) << 16;
      }
      let page: number;
      if (pattern === P_SEQUENTIAL) {
        page = cur;
        cur = cur + 1 === n ? 0 : cur + 1;
      } else if (pattern === P_HOTCOLD && n > 1) {
        // A third draw for hot/cold, so the write decision stays independent of it.
        s = (s + step) | 0;
        x = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
        x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
        const h = (x ^ (x >>> 16)) >>> 0;
        page = h < tHot ? (((d >>> 16) * hot) >>> 16) : hot + (((d >>> 16) * cold) >>> 16);
      } else {
        page = ((d >>> 16) * n) >>> 16;
      }
      out[i] = kind | mm | page;
    }
    this.rng[cpu] = s;
    this.cursor[cpu] = cur;
  }

  /** One op of cpu's stream (slow path, for callers that want ops one at a time). */
  op(cpu: number): number {
    const buf = this.one;
    this.fill(cpu, buf, 1);
    return buf[0];
  }
  private readonly one = new Int32Array(1);

  /** A fork, exit, munmap, swapoff or swapon, chosen by the op draw r (r < tSwapon). */
  private rareOp(cpu: number, r: number): number {
    if (r < this.tFork) {
      const parent = this.mmOf(cpu);
      // The child takes any mm but the parent's.
      let child = this.below(cpu, this.mms - 1);
      if (child >= parent) child++;
      return makeOp(OP.FORK, parent, 0, child);
    }
    if (r < this.tExit) return makeOp(OP.EXIT, this.mmOf(cpu), 0, 0);
    if (r < this.tMunmap) {
      const mm = this.mmOf(cpu);
      const start = this.below(cpu, this.pages);
      const len = 1 + this.below(cpu, Math.min(MUNMAP_MAX, this.pages - start));
      return makeOp(OP.MUNMAP, mm, start, len);
    }
    if (r < this.tSwapoff) return makeOp(OP.SWAPOFF, 0, 0, this.below(cpu, this.areas));
    return makeOp(OP.SWAPON, 0, 0, this.below(cpu, this.areas));
  }
}

/** Finite op streams: opsPerCpu ops for each CPU (hunt mode, repro files). */
export function generateOps(opts: WorkloadOptions, seed: number, opsPerCpu: number): number[][] {
  if (!Number.isInteger(opsPerCpu) || opsPerCpu < 0) bad(`ops per CPU must be a non-negative integer, got ${opsPerCpu}`);
  const g = new WorkloadGenerator(opts, seed);
  const buf = new Int32Array(opsPerCpu);
  const out: number[][] = [];
  for (let c = 0; c < opts.cpus; c++) {
    g.fill(c, buf, opsPerCpu);
    out.push(Array.from(buf));
  }
  return out;
}

/** The workload seed of execution number `execution` of a campaign: distinct for distinct
 *  executions (a bijection of the execution number for a given campaign seed). */
export function executionSeed(seed: number, execution: number): number {
  return mix32((seed ^ Math.imul(execution, GOLDEN)) | 0);
}
