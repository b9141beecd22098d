// What bulk mode needs from a workload generator and an invariant checker. src/workload/ and
// src/invariants/ (written concurrently) implement these; bulk mode only depends on the shape,
// so a test can also pass its own.
import type { Engine } from "../wasm/engine.js";

import type { Pattern, WorkloadOptions as GeneratorOptions } from "../workload/generator.js";

export type { Pattern };

/** The options of a randomized op stream as bulk mode, the workers and the benchmarks give
 *  them: src/workload's options (documented there), with `threads` for `threadsShareMm` and
 *  the hot/cold shape optional (default src/workload DEFAULT_WORKLOAD); sources.ts maps them. */
export type WorkloadOptions = Omit<GeneratorOptions, "threadsShareMm" | "hotFraction" | "hotProbability"> & {
  /** CPUs are threads sharing the mms instead of one process (mm) each. */
  threads: boolean;
  hotFraction?: number;
  hotProbability?: number;
};

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
