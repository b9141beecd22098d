// Sharding a campaign of independent executions (one per seed) over workers, and merging the
// pieces back so the merged result is the one a single worker gives: the same executions,
// the same stats, the same hash, whatever the number of workers or the order they finish in.
//
// A campaign covers seeds [firstSeed, firstSeed + executions). It is cut into chunks of
// consecutive seeds whose boundaries depend only on (firstSeed, executions, chunk), never
// on the worker count; the pool hands chunks to idle workers; the merge folds chunk results
// in seed order. Hashes are combined with a polynomial hash (H(A‖B) = H(A)·P^|B| + H(B)
// mod 2^32), so even a different chunk size gives the same campaign hash.
import { STAT_NAMES, type Stats } from "../wasm/abi.js";

/** One seed range: seeds first .. first + count - 1. */
export interface SeedRange {
  index: number;
  first: number;
  count: number;
}

/** Splits [firstSeed, firstSeed + executions) into chunks of at most `chunk` seeds. */
export function seedRanges(firstSeed: number, executions: number, chunk: number): SeedRange[] {
  if (!Number.isInteger(executions) || executions < 0) throw new RangeError(`executions must be a whole number >= 0 (got ${executions})`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a whole number >= 1 (got ${chunk})`);
  const out: SeedRange[] = [];
  for (let done = 0, i = 0; done < executions; done += chunk, i++) {
    out.push({ index: i, first: (firstSeed + done) >>> 0, count: Math.min(chunk, executions - done) });
  }
  return out;
}

/** A chunk size that gives every worker a few chunks (load balance) but not tiny ones. */
export function defaultChunk(executions: number, workers: number): number {
  return Math.max(1, Math.ceil(executions / Math.max(1, workers * 4)));
}

// ---- order-respecting hash over per-execution state hashes ----

const P = 0x01000193; // FNV prime: odd, so powers never collapse to 0 mod 2^32

/** P^n mod 2^32. */
function powP(n: number): number {
  let r = 1,
    b = P,
    e = n;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e = Math.floor(e / 2);
  }
  return r >>> 0;
}

/** A running hash of a sequence of 32-bit words. */
export interface SeqHash {
  h: number; // uint32
  n: number; // words folded in
}

export const emptySeqHash = (): SeqHash => ({ h: 0, n: 0 });

/** Appends one word (e.g. an execution's state hash) to the sequence. */
export function seqPush(s: SeqHash, word: number): void {
  s.h = (Math.imul(s.h, P) + (word >>> 0)) >>> 0;
  s.n++;
}

/** The hash of a‖b from the hashes of a and b. */
export function seqConcat(a: SeqHash, b: SeqHash): SeqHash {
  return { h: (Math.imul(a.h, powP(b.n)) + b.h) >>> 0, n: a.n + b.n };
}

export function zeroStats(): Stats {
  return Object.fromEntries(STAT_NAMES.map((n) => [n, 0])) as Stats;
}

export function addStats(into: Stats, from: Readonly<Stats>): Stats {
  for (const n of STAT_NAMES) into[n] += from[n];
  return into;
}

// ---- order-independent tallies ----

/** Order-independent tallies of a run of executions. */
export interface Tally {
  executions: number;
  steps: number;
  /** Most steps of one execution. */
  maxSteps: number;
  /** Scheduling decisions (steps where more than one agent could run; PCT's k counts these,
   *  G.PCT_DECISIONS), summed; under other schedulers every step counts. */
  decisions: number;
  /** Most decisions of one execution (PCT's k in its bound). */
  maxDecisions: number;
  /** Agents seen running (bit per agent; hunts only: PCT's n). */
  agentMask: number;
  /** Violating executions by signature. */
  hits: Record<string, number>;
  stats: Stats;
}

/** Counts of a run of executions (Tally). */
export type TallyLike = Tally;

export function emptyTally(): TallyLike {
  return { executions: 0, steps: 0, maxSteps: 0, decisions: 0, maxDecisions: 0, agentMask: 0, hits: {}, stats: zeroStats() };
}

/** Adds `from` into `into`; the result is the same in any order, so chunks merge freely. */
export function addTally(into: TallyLike, from: Readonly<TallyLike>): void {
  into.executions += from.executions;
  into.steps += from.steps;
  into.maxSteps = Math.max(into.maxSteps, from.maxSteps);
  into.decisions += from.decisions;
  into.maxDecisions = Math.max(into.maxDecisions, from.maxDecisions);
  into.agentMask |= from.agentMask;
  for (const [k, v] of Object.entries(from.hits)) into.hits[k] = (into.hits[k] ?? 0) + v;
  addStats(into.stats, from.stats);
}

/** Hits with keys in sorted order, so equal tallies serialize to equal bytes. */
export function sortedHits(h: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(h)
      .sort()
      .map((k) => [k, h[k]]),
  );
}

// ---- shards of a campaign (`faultsim hunt --shard i/n`) ----

/** Execution indices are 32-bit: a campaign without an execution count covers them all. */
export const EXECUTION_SPACE = 2 ** 32;

/** Shard `index` (0-based) of `count` disjoint, contiguous parts of executions [0, total):
 *  [floor(index·total/count), floor((index+1)·total/count)). The parts cover every execution
 *  once, and differ in size by at most one. */
export function shardRange(index: number, count: number, total: number): { first: number; executions: number } {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be a whole number >= 1 (got ${count})`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new RangeError(`shard index must be in 0..${count - 1} (got ${index})`);
  const first = Math.floor((index * total) / count);
  return { first, executions: Math.floor(((index + 1) * total) / count) - first };
}

/** --shard: this process's part of a campaign. */
export interface ShardPlan {
  index: number;
  count: number;
  /** The campaign's executions (--executions, or every 32-bit execution index). */
  total: number;
  first: number;
  executions: number;
}
