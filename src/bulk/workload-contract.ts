// What bulk mode needs from a workload generator and an invariant checker. src/workload/ and
// src/invariants/ (written concurrently) implement these; bulk mode only depends on the shape,
// so a test can also pass its own.
import type { Engine } from "../wasm/engine.js";

export type Pattern = "uniform" | "hotcold" | "sequential";

/** The options of a randomized op stream (one i32 op per entry, abi.ts makeOp), as bulk mode,
 *  the workers and the benchmarks give them; sources.ts maps them onto src/workload. */
export interface WorkloadOptions {
  cpus: number;
  mms: number;
  pagesPerMm: number;
  areas: number;
  pattern: Pattern;
  /** Fraction of accesses that are writes, 0..1. */
  writeRatio: number;
  /** CPUs are threads sharing the mms instead of one process (mm) each. */
  threads: boolean;
  /** hotcold: fraction of each mm's pages that are hot (default src/workload DEFAULT_WORKLOAD). */
  hotFraction?: number;
  /** hotcold: probability an access goes to a hot page (default src/workload DEFAULT_WORKLOAD). */
  hotProbability?: number;
  /** Per-op probabilities of the non-access ops, 0..1. */
  forkRate: number;
  exitRate: number;
  munmapRate: number;
  swapoffRate: number;
  swaponRate: number;
}

/** `new WorkloadGenerator(opts, seed).fill(cpu, out, count)`: writes count ops for cpu. */
export interface OpSource {
  fill(cpu: number, out: Int32Array, count: number): void;
}
export type OpSourceFactory = (opts: WorkloadOptions, seed: number) => OpSource;

/** One broken invariant found by the deep checker (src/invariants/check.ts Violation). */
export interface CheckerViolation {
  /** Invariant id (abi.ts VIOLATION_IDS). */
  id: string;
  /** Stable: invariant id + what broke; used to deduplicate. */
  signature: string;
  message: string;
}
/** `checkInvariants(e, {quiescent})`: the deep checker over the engine's memory views; [] when clean. */
export type Checker = (e: Engine, opts: { quiescent: boolean }) => readonly CheckerViolation[];
