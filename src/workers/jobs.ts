// Runs a chunk of a campaign (consecutive seeds) in the current thread. The worker entry
// calls this, and so does runCampaignInline (the single-thread reference the sharded result
// must equal), so both go through the same code.
import { Engine, wasmModule } from "../wasm/engine.js";
import type { Backend } from "../wasm/engine.js";
import type { BulkParams, ChunkOptions, ChunkResult, Execution, Found, JobSpec } from "./protocol.js";
import { addStats, emptySeqHash, emptyTally, seqPush, sortedHits, type SeedRange, type SeqHash, type TallyLike } from "../explore/shard.js";
import { huntRange } from "./hunt-range.js";

/** One engine per backend, reused across executions (configure + reset start each afresh). */
export class EngineCache {
  private wasmEngine?: Engine;
  private jsEngine?: Promise<Engine>;

  /** `module`: the compiled model; a worker gets it from workerData and never compiles. */
  constructor(private readonly module?: WebAssembly.Module) {}

  async get(backend: Backend): Promise<Engine> {
    if (backend === "js") return (this.jsEngine ??= Engine.js());
    return (this.wasmEngine ??= Engine.wasm(this.module ?? wasmModule("untraced")));
  }
}

/** One bulk run; only its deterministic parts are kept (no wall time, no rates). */
async function bulkExecution(engines: EngineCache, p: BulkParams, seed: number): Promise<Execution> {
  // Loaded by a bulk campaign's first run: a hunt's chunks never need them.
  const [{ runBulk }, { checkInvariants }] = await Promise.all([import("../bulk/run.js"), import("../invariants/check.js")]);
  const r = await runBulk({
    backend: p.backend,
    machine: { ...p.machine, seed: seed | 0 },
    workload: p.workload,
    seed: seed | 0,
    ops: p.ops,
    checkInterval: p.checkInterval,
    checker: checkInvariants,
    fullCheck: p.fullCheck === true,
    engine: await engines.get(p.backend),
  });
  const v = r.violations[0];
  return {
    seed,
    outcome: r.outcome,
    violation: v ? v.invariant : "none",
    message: v ? v.message : "",
    steps: r.steps,
    stats: r.stats,
    stateHash: r.stateHash,
  };
}

/** Bulk: one large run per seed, each kept whole when asked. */
async function bulkRange(
  engines: EngineCache,
  p: BulkParams,
  range: SeedRange,
  opts: ChunkOptions,
  t: TallyLike,
  hash: SeqHash,
  records: Execution[],
): Promise<Found | undefined> {
  const known = new Set(opts.known);
  let found: Found | undefined;
  for (let i = 0; i < range.count; i++) {
    const x = await bulkExecution(engines, p, (range.first + i) >>> 0);
    t.executions++;
    t.steps += x.steps;
    t.maxSteps = Math.max(t.maxSteps, x.steps);
    t.decisions += x.steps;
    t.maxDecisions = Math.max(t.maxDecisions, x.steps);
    addStats(t.stats, x.stats);
    seqPush(hash, parseInt(x.stateHash, 16));
    if (opts.keepRecords) records.push(x);
    if (x.violation === "none") continue;
    t.hits[x.violation] = (t.hits[x.violation] ?? 0) + 1;
    if (!found && !known.has(x.violation)) {
      found = { seed: x.seed, violation: x.violation, signature: x.violation, message: x.message, steps: x.steps };
      if (opts.stopOnViolation) break;
    }
  }
  return found;
}

/** Runs the seeds of `range` in order; stops after the first violation when asked. */
export async function runChunk(engines: EngineCache, job: JobSpec, range: SeedRange, opts: ChunkOptions): Promise<ChunkResult> {
  const t = emptyTally();
  const hash = emptySeqHash();
  const records: Execution[] = [];
  let found: Found | undefined;
  switch (job.kind) {
    case "bulk":
      found = await bulkRange(engines, job.params, range, opts, t, hash, records);
      break;
    case "hunt":
      found = huntRange(await engines.get(job.params.backend), job.params, range, opts, t, hash);
      break;
    default:
      throw new Error(`unknown job kind ${(job as { kind: string }).kind}`);
  }
  return { ...t, hits: sortedHits(t.hits), range, hash, found, records: opts.keepRecords && job.kind === "bulk" ? records : undefined };
}
