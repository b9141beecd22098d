// A campaign's chunks merged in seed order, and the single-thread way to run one (the
// reference a sharded run must reproduce byte for byte).
import type { CampaignResult, CampaignSpec, ChunkOptions, ChunkResult, Execution, Found } from "./protocol.js";
import { addTally, emptySeqHash, emptyTally, seqConcat, seedRanges, sortedHits, type SeedRange } from "../explore/shard.js";
import { EngineCache, runChunk } from "./jobs.js";

export function chunkOptions(spec: CampaignSpec): ChunkOptions {
  return {
    stopOnViolation: spec.stopOnViolation ?? false,
    keepRecords: spec.keepRecords ?? false,
    ...(spec.known?.length ? { known: spec.known } : {}),
  };
}

/** The chunks of a campaign. The chunk size changes scheduling only, never the result. */
export function campaignRanges(spec: CampaignSpec, defaultChunk: number): SeedRange[] {
  return seedRanges(spec.firstSeed >>> 0, spec.executions, spec.chunk ?? defaultChunk);
}

/**
 * Folds chunk results in seed order. `chunks[i]` is the result of range i; with
 * stopOnViolation the fold ends at the first chunk that found one (later chunks, which a
 * single worker would never have run, are ignored even if they ran).
 */
export function mergeChunks(spec: CampaignSpec, chunks: readonly (ChunkResult | undefined)[]): CampaignResult {
  const t = emptyTally();
  let hash = emptySeqHash();
  const records = spec.keepRecords && spec.job.kind === "bulk" ? ([] as Execution[]) : undefined;
  let found: Found | undefined;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (!c) throw new Error(`internal: chunk ${i} missing from the merge`);
    addTally(t, c);
    hash = seqConcat(hash, c.hash);
    if (records && c.records) records.push(...c.records);
    if (c.found && !found) {
      found = c.found;
      if (spec.stopOnViolation) break;
    }
  }
  return {
    kind: spec.job.kind,
    firstSeed: spec.firstSeed >>> 0,
    ...t,
    hits: sortedHits(t.hits),
    hash: hash.h.toString(16).padStart(8, "0"),
    found,
    records,
  };
}

/** Runs a whole campaign in this thread, chunk by chunk, in seed order. */
export async function runCampaignInline(spec: CampaignSpec, engines = new EngineCache()): Promise<CampaignResult> {
  const opts = chunkOptions(spec);
  const ranges = campaignRanges(spec, Math.max(1, spec.executions));
  const chunks: ChunkResult[] = [];
  for (const r of ranges) {
    const c = await runChunk(engines, spec.job, r, opts);
    chunks.push(c);
    if (opts.stopOnViolation && c.found) break;
  }
  return mergeChunks(spec, chunks);
}
