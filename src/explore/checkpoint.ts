// A hunt campaign's state between two executions: what `--resume` continues from and what
// `faultsim merge` folds. Written into the --jsonl stream (progress, finding and end events
// carry it), so the stream alone is enough to resume a killed campaign or merge shards.
//
// The campaign hash: every execution's fingerprint (FNV-1a over its choice log, xor its
// length: the log determines the whole execution) folded in execution order with the
// polynomial sequence hash of src/explore/shard.ts. A sequence hash of a‖b is computed from
// those of a and b, so shards and resumed legs combine into the hash one process gives.
import type { SeqHash } from "./shard.js";

export interface HuntCheckpoint {
  /** The campaign's first execution index (a shard's range start). */
  first: number;
  /** The next execution index: executions [first, next) are done, every finding among them
   *  investigated and reported. */
  next: number;
  steps: number;
  /** Failing executions so far, by signature. */
  hits: Record<string, number>;
  /** Sequence hash of the fingerprints of executions [first, next) (hash.n = next - first). */
  hash: SeqHash;
  /** Signatures investigated so far (each one's repro written), in the order found. */
  signatures: string[];
  /** Wall time the campaign has run so far, over every leg (a resumed one's budget is what
   *  is left of --budget-ms). */
  elapsedMs: number;
  maxDecisions: number;
  /** Agents seen in a choice log (PCT's n). */
  agentMask: number;
  /** PCT's k: fixed by the probe (campaign engine) or as refined so far (hunt()). */
  pctK: number;
  /** PCT decisions summed over the executions (hunt() refines k from their mean). */
  decisionSum: number;
}

/** A campaign hash as printed: 8 hex digits. */
export const hashHex = (s: SeqHash): string => s.h.toString(16).padStart(8, "0");
