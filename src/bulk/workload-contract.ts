// What bulk mode takes as its workload (the options of the model's op generator, src/workload)
// and needs from an invariant checker (src/invariants); bulk mode only depends on the
// checker's shape, so a test can also pass its own.
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
