// A pool of worker_threads running campaign chunks. Chunks are consecutive seed ranges whose
// boundaries do not depend on the worker count; idle workers take the next chunk; results
// are merged in seed order (campaign.ts), so W workers give exactly what one gives.
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { wasmModule } from "../wasm/engine.js";
import type { CampaignResult, CampaignSpec, ChunkResult, FromWorker, ToWorker } from "./protocol.js";
import { campaignRanges, chunkOptions, mergeChunks } from "./campaign.js";
import { defaultChunk } from "./shard.js";
import { InputError, InternalError, UsageError } from "../errors.js";

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
}

interface Slot {
  worker: Worker;
  busy: boolean;
  moduleFromWorkerData: boolean;
}

export interface CampaignProgress {
  executions: number;
  chunksDone: number;
  chunks: number;
}

/** The worker's error as the class the host maps to an exit code (errors.ts), message intact. */
function rebuildError(e: { name: string; message: string; stack?: string }): Error {
  const err =
    e.name === "UsageError" ? new UsageError(e.message)
    : e.name === "InputError" ? new InputError(e.message)
    : e.name === "InternalError" ? new InternalError(e.message)
    : e.name === "RangeError" ? new RangeError(e.message)
    : new Error(`worker: ${e.name}: ${e.message}`);
  if (e.stack) err.stack = e.stack;
  return err;
}

export class WorkerPool {
  private closed = false;
  private failure: Error | undefined;
  private onFailure: ((e: Error) => void) | undefined;
  private onMessage: ((slot: Slot, m: FromWorker) => void) | undefined;

  private constructor(private readonly slots: Slot[]) {}

  get size(): number { return this.slots.length; }
  /** Whether every worker reported that it got the module through workerData. */
  get modulesFromWorkerData(): boolean { return this.slots.every((s) => s.moduleFromWorkerData); }

  static async start(opts: PoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new RangeError(`workers must be a whole number >= 1 (got ${opts.workers})`);
    const file = opts.workerFile ?? defaultWorkerFile();
    if (!existsSync(file)) throw new Error(`worker entry ${file} not found: build it with \`npx tsc -p tsconfig.json\``);
    const module = opts.module ?? wasmModule("untraced");
    const slots: Slot[] = [];
    const pool = new WorkerPool(slots);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < opts.workers; i++) {
      const worker = new Worker(file, { workerData: { module }, env: opts.env ?? process.env });
      const slot: Slot = { worker, busy: false, moduleFromWorkerData: false };
      slots.push(slot);
      ready.push(new Promise<void>((resolve, reject) => {
        const first = (m: FromWorker) => {
          if (m.type !== "ready") return;
          slot.moduleFromWorkerData = m.moduleFromWorkerData;
          worker.off("error", early);
          resolve();
        };
        const early = (e: Error) => reject(e);
        worker.once("message", first);
        worker.once("error", early);
      }));
      worker.on("message", (m: FromWorker) => { if (m.type !== "ready") pool.onMessage?.(slot, m); });
      worker.on("error", (e) => pool.fail(e));
      worker.on("exit", (code) => { if (!pool.closed) pool.fail(new Error(`worker ${i} exited (code ${code})`)); });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
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
        if (err) reject(err);
        else {
          try { resolve(mergeChunks(spec, results.slice(0, stopAt))); } catch (e) { reject(e as Error); }
        }
      };
      const dispatch = () => {
        for (const slot of this.slots) {
          if (slot.busy || next >= stopAt) continue;
          const range = ranges[next++];
          slot.busy = true;
          inFlight++;
          const msg: ToWorker = { type: "chunk", id: range.index, job: spec.job, range, opts };
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
      dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
