// Runs a chunk of a campaign (consecutive seeds) in the current thread. The worker entry
// calls this, and so does runCampaignInline (the single-thread reference the sharded result
// must equal), so both go through the same code.
import { Engine, wasmModule } from "../wasm/engine.js";
import type { Backend } from "../wasm/engine.js";
import type { BulkParams, ChunkOptions, ChunkResult, Execution, JobSpec } from "./protocol.js";
import { addStats, emptySeqHash, seqPush, zeroStats, type SeedRange } from "./shard.js";
import { runBulk } from "../bulk/run.js";
import { loadBulkSources, type BulkSources } from "../bulk/sources.js";

/** One engine per backend, reused across executions (configure + reset start each afresh). */
export class EngineCache {
  private wasmEngine?: Engine;
  private jsEngine?: Promise<Engine>;

  /** `module`: the compiled model; a worker gets it from workerData and never compiles. */
  constructor(private readonly module?: WebAssembly.Module) {}

  async get(backend: Backend): Promise<Engine> {
    if (backend === "js") return (this.jsEngine ??= Engine.js());
    return (this.wasmEngine ??= Engine.wasm(this.module ?? wasmModule()));
  }
}

let sources: Promise<BulkSources> | undefined;

/** One bulk run; only its deterministic parts are kept (no wall time, no rates). */
async function bulkExecution(engines: EngineCache, p: BulkParams, seed: number): Promise<Execution> {
  const { workloadFactory, checker } = await (sources ??= loadBulkSources());
  const r = await runBulk({
    backend: p.backend, machine: { ...p.machine, seed: seed | 0 }, workload: p.workload, seed: seed | 0,
    ops: p.ops, checkInterval: p.checkInterval, workloadFactory, checker, engine: await engines.get(p.backend),
  });
  const v = r.violations[0];
  return { seed, outcome: r.outcome, violation: v ? v.invariant : "none", steps: r.steps, stats: r.stats, stateHash: r.stateHash };
}

/** One execution of a job for one seed. */
export async function runExecution(engines: EngineCache, job: JobSpec, seed: number): Promise<Execution> {
  switch (job.kind) {
    case "bulk":
      return bulkExecution(engines, job.params, seed);
  }
  throw new Error(`unknown job kind ${(job as { kind: string }).kind}`);
}

/** Runs the seeds of `range` in order; stops after the first violation when asked. */
export async function runChunk(engines: EngineCache, job: JobSpec, range: SeedRange, opts: ChunkOptions): Promise<ChunkResult> {
  const stats = zeroStats();
  const hash = emptySeqHash();
  const records: Execution[] = [];
  let found: Execution | undefined;
  let executions = 0;
  for (let i = 0; i < range.count; i++) {
    const x = await runExecution(engines, job, (range.first + i) >>> 0);
    executions++;
    addStats(stats, x.stats);
    seqPush(hash, parseInt(x.stateHash, 16));
    if (opts.keepRecords) records.push(x);
    if (x.violation !== "none" && !found) {
      found = x;
      if (opts.stopOnViolation) break;
    }
  }
  return { range, executions, stats, hash, found, records: opts.keepRecords ? records : undefined };
}
