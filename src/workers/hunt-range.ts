// A range of a hunt's executions, for a worker: the search loop of src/explore/loop.ts (the
// one hunt() runs: same machine, same per-execution seeds and op lists, same verdicts) over
// execution indices [first, first + count), with PCT's k fixed by the caller so that no
// execution depends on the ones before it. Finding, not investigating: a failure comes back
// with what replays it (seed, ops, choice log); shrinking and drawing stay with the caller, once.
import type { Engine } from "../wasm/engine.js";
import { G } from "../wasm/abi.js";
import { HuntLoop } from "../explore/loop.js";
import type { ChunkOptions, Found, HuntParams } from "./protocol.js";
import { emptySeqHash, emptyTally, type SeedRange, type SeqHash, type TallyLike } from "../explore/shard.js";

/** Runs the executions of `range`; tallies into t, fingerprints into hash; the first failure
 *  whose signature is not in opts.known (a known one is only counted: it does not stop; nor
 *  does a new one without opts.stopOnViolation, past the first). */
export function huntRange(e: Engine, p: HuntParams, range: SeedRange, opts: ChunkOptions, t: TallyLike, hash: SeqHash): Found | undefined {
  if (!Number.isInteger(p.pctK) || p.pctK < 1) throw new RangeError(`hunt campaign needs a fixed pctK >= 1 (got ${p.pctK})`);
  const loop = new HuntLoop(e, { ...p, stats: true });
  const known = new Set(opts.known);
  let found: Found | undefined;
  // The first new signature stops the loop; past it (without stopOnViolation) none does.
  const stopsAt = (signature: string): boolean => !found && !known.has(signature);
  const end = range.first + range.count;
  for (let next = range.first; next < end; ) {
    const f = loop.run(next, end, t, hash, stopsAt);
    if (!f) break;
    next = f.index + 1;
    found = {
      seed: f.index,
      violation: f.verdict.id,
      signature: f.verdict.signature,
      message: f.verdict.message,
      steps: loop.e.global(G.STEP),
      replay: loop.replayOf(f.index),
    };
    if (opts.stopOnViolation) break;
  }
  return found;
}

/**
 * A fixed PCT k for a hunt campaign, chosen as hunt() chooses it: change points are drawn
 * over the mean number of scheduling decisions of an execution (not the longest: a rare
 * reclaim storm would push most change points past the end of a typical execution). hunt()
 * grows it as it goes, which ties each execution to the ones before it; a campaign fixes it
 * from PCT probe executions instead (first at k = 64, then at the mean that gave).
 * Deterministic: its own hunt seed, the same every call.
 */
/** Executions of each of calibratePctK's two probe rounds. */
export const CALIBRATION_EXECUTIONS = 2000;

export function calibratePctK(e: Engine, p: HuntParams, executions = CALIBRATION_EXECUTIONS): number {
  let k = 64;
  for (let round = 0; round < 2; round++) {
    const t = emptyTally();
    const probe: HuntParams = { ...p, sched: "pct", pctK: k, huntSeed: 0x6b63616c };
    huntRange(e, probe, { index: 0, first: 0, count: executions }, { stopOnViolation: false, keepRecords: false }, t, emptySeqHash());
    k = Math.max(1, Math.round(t.decisions / Math.max(1, t.executions)));
  }
  return k;
}
