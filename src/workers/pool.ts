// A pool of worker_threads running campaign chunks. Chunks are consecutive seed ranges whose
// boundaries do not depend on the worker count; idle workers take the next chunk; results
// are merged in seed order (campaign.ts), so W workers give exactly what one gives.
import type { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { wasmModule } from "../wasm/engine.js";
import type { CampaignResult, CampaignSpec, ChunkResult, FromWorker, ToWorker } from "./protocol.js";
import { campaignRanges, chunkOptions, mergeChunks } from "./campaign.js";
import { defaultChunk } from "../explore/shard.js";
import { InputError, InternalError, UsageError } from "../errors.js";

/** node:worker_threads, loaded by the first pool that starts a worker: a hunt of one worker
 *  (every shard of a campaign, by default) never does (issue 9: ~1.5 ms of CPU per process). */
let threads: typeof import("node:worker_threads") | undefined;
function workerThreads(): typeof import("node:worker_threads") {
  return (threads ??= createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads"));
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** dist/src/workers/worker.js: beside this file when built, under dist/ when run from src/. */
export function defaultWorkerFile(): string {
  if (here.includes(`${path.sep}dist${path.sep}`)) return path.join(here, "worker.js");
  return path.resolve(here, "../../dist/src/workers/worker.js");
}

export interface PoolOptions {
  workers: number;
  /** The compiled model handed to every worker (default: the untraced build, compiled once
   *  here: campaign jobs never trace). */
  module?: WebAssembly.Module;
  workerFile?: string;
  /** Environment of the workers (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Workers that may die (a crash, an OOM kill) and be replaced, over the pool's life; the
   *  chunk a dead worker was running goes to its replacement. One more death fails the
   *  campaign. Default DEFAULT_RETRIES. */
  retries?: number;
  /** Told of each replaced worker. */
  onRetry?: (r: WorkerRetry) => void;
}

/** Dead workers replaced over a pool's life, by default. */
export const DEFAULT_RETRIES = 3;

/** A worker that died and was replaced. */
export interface WorkerRetry {
  worker: number;
  /** Why it died. */
  reason: string;
  /** The chunk it was running, run again on its replacement (none: it was idle). */
  chunk?: { first: number; count: number };
  /** Replacements still allowed. */
  retriesLeft: number;
}

interface Slot {
  index: number;
  worker: Worker;
  busy: boolean;
  moduleFromWorkerData: boolean;
  /** The chunk it is running. */
  chunk?: ToWorker;
  /** Its worker's uncaught error, reported with its exit. */
  error?: Error;
}

export interface CampaignProgress {
  executions: number;
  chunksDone: number;
  chunks: number;
}

/** The worker's error as the class the host maps to an exit code (errors.ts), message intact. */
function rebuildError(e: { name: string; message: string; stack?: string }): Error {
  const err =
    e.name === "UsageError"
      ? new UsageError(e.message)
      : e.name === "InputError"
        ? new InputError(e.message)
        : e.name === "InternalError"
          ? new InternalError(e.message)
          : e.name === "RangeError"
            ? new RangeError(e.message)
            : new Error(`worker: ${e.name}: ${e.message}`);
  if (e.stack) err.stack = e.stack;
  return err;
}

export class WorkerPool {
  private closed = false;
  private failure: Error | undefined;
  private onFailure: ((e: Error) => void) | undefined;
  private onMessage: ((slot: Slot, m: FromWorker) => void) | undefined;
  /** The running campaign's dispatch: hands chunks to idle workers. */
  private onIdle: (() => void) | undefined;
  private retriesLeft: number;

  private constructor(
    private readonly slots: Slot[],
    private readonly spawnOpts: { file: string; module: WebAssembly.Module; env: Record<string, string | undefined> | typeof process.env },
    private readonly opts: PoolOptions,
  ) {
    this.retriesLeft = opts.retries ?? DEFAULT_RETRIES;
  }

  get size(): number {
    return this.slots.length;
  }
  /** Whether every worker reported that it got the module through workerData. */
  get modulesFromWorkerData(): boolean {
    return this.slots.every((s) => s.moduleFromWorkerData);
  }

  static async start(opts: PoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(opts.workers) || opts.workers < 1)
      throw new RangeError(`workers must be a whole number >= 1 (got ${opts.workers})`);
    const file = opts.workerFile ?? defaultWorkerFile();
    if (!existsSync(file)) throw new Error(`worker entry ${file} not found: build it with \`npx tsc -p tsconfig.json\``);
    const module = opts.module ?? wasmModule("untraced");
    const slots: Slot[] = [];
    const pool = new WorkerPool(slots, { file, module, env: opts.env ?? process.env }, opts);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < opts.workers; i++) {
      const slot = { index: i, busy: false, moduleFromWorkerData: false } as Slot;
      slots.push(slot);
      ready.push(pool.spawn(slot));
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Starts a worker in the slot; resolves when it is ready. */
  private spawn(slot: Slot): Promise<void> {
    const { file, module, env } = this.spawnOpts;
    const worker = new (workerThreads().Worker)(file, { workerData: { module }, env });
    slot.worker = worker;
    slot.error = undefined;
    const current = () => slot.worker === worker && !this.closed;
    const ready = new Promise<void>((resolve, reject) => {
      const first = (m: FromWorker) => {
        if (m.type !== "ready") return;
        slot.moduleFromWorkerData = m.moduleFromWorkerData;
        worker.off("error", early);
        resolve();
      };
      const early = (e: Error) => reject(e);
      worker.once("message", first);
      worker.once("error", early);
    });
    worker.on("message", (m: FromWorker) => {
      if (m.type !== "ready" && current()) this.onMessage?.(slot, m);
    });
    worker.on("error", (e) => {
      if (current()) slot.error ??= e;
    });
    worker.on("exit", (code) => {
      if (current()) this.died(slot, code);
    });
    return ready;
  }

  /** A worker died: replace it and rerun its chunk, or fail when no retries are left. */
  private died(slot: Slot, code: number): void {
    if (this.failure) return; // the pool failed already (e.g. a replacement that could not start)
    const reason = slot.error ? slot.error.message : `exited (code ${code})`;
    if (this.retriesLeft <= 0) {
      this.fail(slot.error ?? new Error(`worker ${slot.index} exited (code ${code})`));
      return;
    }
    this.retriesLeft--;
    const chunk = slot.chunk;
    slot.busy = true; // until its replacement is ready
    this.opts.onRetry?.({
      worker: slot.index,
      reason,
      retriesLeft: this.retriesLeft,
      ...(chunk ? { chunk: { first: chunk.range.first, count: chunk.range.count } } : {}),
    });
    this.spawn(slot).then(
      () => {
        if (this.closed) return;
        if (chunk && slot.chunk === chunk) slot.worker.postMessage(chunk);
        else {
          slot.busy = false;
          this.onIdle?.();
        }
      },
      (e: Error) => this.fail(e),
    );
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.onFailure?.(e);
  }

  /** Runs a campaign over the pool; the result equals runCampaignInline's. One at a time. */
  run(spec: CampaignSpec, progress?: (p: CampaignProgress) => void): Promise<CampaignResult> {
    if (this.closed) return Promise.reject(new Error("pool is closed"));
    if (this.failure) return Promise.reject(this.failure);
    if (this.onMessage) return Promise.reject(new Error("a campaign is already running on this pool"));
    let ranges: ReturnType<typeof campaignRanges>;
    try {
      ranges = campaignRanges(spec, defaultChunk(spec.executions, this.slots.length));
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const opts = chunkOptions(spec);
    const results: (ChunkResult | undefined)[] = new Array(ranges.length);
    let next = 0;
    let inFlight = 0;
    let stopAt = ranges.length; // with stopOnViolation: index after the first chunk that found one
    let done = 0;
    let executions = 0;

    return new Promise<CampaignResult>((resolve, reject) => {
      const finish = (err?: Error) => {
        this.onMessage = undefined;
        this.onFailure = undefined;
        this.onIdle = undefined;
        if (err) reject(err);
        else {
          try {
            resolve(mergeChunks(spec, results.slice(0, stopAt)));
          } catch (e) {
            reject(e as Error);
          }
        }
      };
      const dispatch = () => {
        for (const slot of this.slots) {
          if (slot.busy || next >= stopAt) continue;
          const range = ranges[next++];
          slot.busy = true;
          inFlight++;
          const msg: ToWorker = { type: "chunk", id: range.index, job: spec.job, range, opts };
          slot.chunk = msg;
          slot.worker.postMessage(msg);
        }
        if (inFlight === 0 && next >= stopAt) finish();
      };
      // A chunk that failed (an exception in the worker) stops new dispatch; the chunks
      // still running drain first so the pool stays usable. A crashed worker ends it now.
      let chunkError: Error | undefined;
      this.onFailure = (e) => finish(e);
      this.onMessage = (slot, m) => {
        slot.busy = false;
        slot.chunk = undefined;
        inFlight--;
        if (m.type === "failed") {
          chunkError ??= rebuildError(m.error);
        } else if (m.type === "done") {
          results[m.id] = m.result;
          done++;
          executions += m.result.executions;
          if (opts.stopOnViolation && m.result.found && m.id + 1 < stopAt) stopAt = m.id + 1;
          progress?.({ executions, chunksDone: done, chunks: ranges.length });
        }
        if (chunkError) {
          if (inFlight === 0) finish(chunkError);
          return;
        }
        dispatch();
      };
      this.onIdle = () => {
        if (!chunkError) dispatch();
      };
      dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
