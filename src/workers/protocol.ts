// What the pool and its workers say to each other, and the shapes of campaign results.
// Everything here crosses a worker boundary, so it is plain structured-cloneable data.
import type { Backend, MachineConfig } from "../wasm/engine.js";
import type { Stats } from "../wasm/abi.js";
import type { SeedRange, SeqHash, Tally } from "../explore/shard.js";

export type { Tally };
import type { WorkloadOptions } from "../bulk/config.js";
import type { ReproMachine } from "../report/repro.js";
import type { HuntWorkload } from "../explore/workload.js";
import type { SwarmSpec } from "../explore/swarm.js";

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
  /** The deep checks read every frame and swap-cache bucket, not only those the run can have
   *  touched (src/bulk/run.ts BulkOptions.fullCheck; the same findings, slower on a large machine). */
  fullCheck?: boolean;
}

/**
 * Short executions of a small machine (src/explore's hunt). Campaign "seeds" are execution
 * indices: execution i runs with scheduler/op seed executionSeed(huntSeed, i), as hunt() does.
 */
export interface HuntParams {
  backend: Backend;
  /** The model's CFG_FLAGS and CFG_FLAGS2 words (src/model resolveModel): both, so that a job
   *  cannot drop word 1 (pre9's and 2.4.0's F2_* flags). */
  flags: number;
  flags2: number;
  machine: ReproMachine;
  sched: "pct" | "random";
  /** PCT bug depth d. */
  depth: number;
  /** PCT's k, FIXED for the campaign: an execution must not depend on earlier ones, or a
   *  shard would behave differently from the same seeds run in one worker. */
  pctK: number;
  huntSeed: number;
  workload: HuntWorkload;
  /** --swarm: each execution's machine and mix drawn from its seed (src/explore/swarm.ts). */
  swarm?: SwarmSpec;
}

export type JobSpec = { kind: "bulk"; params: BulkParams } | { kind: "hunt"; params: HuntParams };

/** What one bulk execution (one seed) produced (deterministic parts only). */
export interface Execution {
  seed: number;
  outcome: "done" | "violation";
  /** Invariant id of the first violation, "none" when clean. */
  violation: string;
  /** What the model or the deep checker said about it ("" when clean). */
  message: string;
  steps: number;
  stats: Stats;
  /** FNV-1a of the whole machine state at the end (Engine.stateHash). */
  stateHash: string;
}

/** The first violating execution of a chunk or campaign (whose signature is not known). */
export interface Found {
  /** Campaign seed (bulk: the run's seed; hunt: the execution index). */
  seed: number;
  /** Invariant id. */
  violation: string;
  /** Stable signature (invariant id + procedures; bulk: the invariant id). */
  signature: string;
  message: string;
  steps: number;
  /** Hunt: what replays it (Replayer / repro): the execution's seed, ops and choice log, and
   *  under --swarm the machine and mix ("" none) it drew. */
  replay?: { seed: number; ops: number[][]; schedule: number[]; machine?: ReproMachine; mix?: string };
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
  /** Signatures already found: an execution failing with one of them is counted in hits
   *  but neither stops the campaign nor is its `found` (a --keep-going hunt's repeats). */
  known?: string[];
  /** Keep every execution's record in the result (bulk only: few, large executions). */
  keepRecords?: boolean;
}

export interface ChunkOptions {
  stopOnViolation: boolean;
  keepRecords: boolean;
  /** CampaignSpec.known: repeats counted, not found. */
  known?: string[];
}

/** The result of a consecutive run of seeds. */
export interface ChunkResult extends Tally {
  range: SeedRange;
  /** Order-respecting hash of the executions' fingerprints. */
  hash: SeqHash;
  found?: Found;
  records?: Execution[];
}

/** The merged result of a campaign, identical for any number of workers. */
export interface CampaignResult extends Tally {
  kind: JobSpec["kind"];
  firstSeed: number;
  /** Order-respecting hash of every execution's fingerprint, in seed order. */
  hash: string;
  /** The first violating execution in seed order. */
  found?: Found;
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
