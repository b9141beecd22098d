// What the pool and its workers say to each other, and the shapes of campaign results.
// Everything here crosses a worker boundary, so it is plain structured-cloneable data.
import type { Backend, MachineConfig } from "../wasm/engine.js";
import type { Stats } from "../wasm/abi.js";
import type { SeedRange, SeqHash } from "./shard.js";
import type { WorkloadOptions } from "../bulk/workload-contract.js";

/** One large randomized run per seed (design.md "bulk mode", src/bulk/run.ts runBulk). */
export interface BulkParams {
  backend: Backend;
  /** The machine (src/bulk/config.ts bulkMachineConfig); each execution's seed replaces `seed`. */
  machine: MachineConfig;
  /** The op stream's options; the execution's seed seeds it. */
  workload: WorkloadOptions;
  /** Total ops, shared out across the CPUs. */
  ops: number;
  /** Deep host invariant check every this many steps (0 = only at the end). */
  checkInterval: number;
}

export type JobSpec = { kind: "bulk"; params: BulkParams };

/** What one execution (one seed) produced. */
export interface Execution {
  seed: number;
  /** How it ended. */
  outcome: "done" | "violation";
  /** Invariant id of the first violation, "none" when clean. */
  violation: string;
  steps: number;
  stats: Stats;
  /** FNV-1a of the whole machine state at the end (Engine.stateHash). */
  stateHash: string;
}

/** A campaign: one execution per seed in [firstSeed, firstSeed + executions). */
export interface CampaignSpec {
  job: JobSpec;
  firstSeed: number;
  executions: number;
  /** Seeds per chunk handed to a worker; the result does not depend on it. */
  chunk?: number;
  /** Stop at the first execution (in seed order) that finds a violation. */
  stopOnViolation?: boolean;
  /** Keep every execution's record in the result (bulk: few, large executions). */
  keepRecords?: boolean;
}

export interface ChunkOptions {
  stopOnViolation: boolean;
  keepRecords: boolean;
}

/** The result of a consecutive run of seeds. */
export interface ChunkResult {
  range: SeedRange;
  /** Executions actually run (fewer than range.count when stopped at a violation). */
  executions: number;
  stats: Stats;
  hash: SeqHash;
  found?: Execution;
  records?: Execution[];
}

/** The merged result of a campaign, identical for any number of workers. */
export interface CampaignResult {
  kind: JobSpec["kind"];
  firstSeed: number;
  executions: number;
  stats: Stats;
  /** Order-respecting hash of every execution's state hash, in seed order. */
  hash: string;
  /** The first violating execution in seed order. */
  found?: Execution;
  records?: Execution[];
}

// ---- messages ----

export interface ChunkRequest {
  type: "chunk";
  id: number;
  job: JobSpec;
  range: SeedRange;
  opts: ChunkOptions;
}

export type ToWorker = ChunkRequest;

export interface WorkerReady {
  type: "ready";
  /** The worker got its compiled module from workerData (it never reads a .wasm file). */
  moduleFromWorkerData: boolean;
}

export interface ChunkDone {
  type: "done";
  id: number;
  result: ChunkResult;
}

export interface ChunkFailed {
  type: "failed";
  id: number;
  error: { name: string; message: string; stack?: string };
}

export type FromWorker = WorkerReady | ChunkDone | ChunkFailed;
