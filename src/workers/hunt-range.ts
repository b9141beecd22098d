// A range of a hunt's executions, for a worker: the search loop of src/explore/hunt.ts
// (same machine, same per-execution seeds and op lists, same verdicts) over execution
// indices [first, first + count), with PCT's k fixed by the caller so that no execution
// depends on the ones before it. Finding, not investigating: a failure comes back with what
// replays it (seed, ops, choice log); shrinking and drawing stay with the caller, once.
import type { Engine } from "../wasm/engine.js";
import { G, R, RUN, SCHED, STAT_NAMES } from "../wasm/abi.js";
import { confirmLimit } from "../explore/livelock.js";
import { huntConfig, HUNT_LOGCAP, HUNT_OPCAP } from "../explore/machine.js";
import { configureHuntWorkload, executionSeedFrom, huntOps, huntSeedBase } from "../explore/workload.js";
import { verdictOf } from "../explore/execute.js";
import type { ChunkOptions, Found, HuntParams } from "./protocol.js";
import { emptySeqHash, emptyTally, seqPush, type SeedRange, type SeqHash, type TallyLike } from "../explore/shard.js";

/** Runs the executions of `range`; tallies into t, fingerprints into hash; the first failure
 *  whose signature is not in opts.known (a known one is only counted: it does not stop). */
export function huntRange(e: Engine, p: HuntParams, range: SeedRange, opts: ChunkOptions, t: TallyLike, hash: SeqHash): Found | undefined {
  if (!Number.isInteger(p.pctK) || p.pctK < 1) throw new RangeError(`hunt campaign needs a fixed pctK >= 1 (got ${p.pctK})`);
  const pct = p.sched === "pct";
  e.configure(huntConfig(p.machine, p.flags, pct ? SCHED.PCT : SCHED.RANDOM, p.depth, p.pctK));
  const w = { ...p.workload, opsPerCpu: Math.min(p.workload.opsPerCpu, HUNT_OPCAP) };
  const m = e.m;
  const I = e.I32; // fixed layout from here: memory does not grow
  const U8 = e.U8;
  configureHuntWorkload(m, w);
  const g = e.region(R.GLOBALS) >> 2;
  const logBase = e.region(R.LOG);
  const statsBase = e.region(R.STATS) >> 2;
  const nStats = STAT_NAMES.length;
  const acc = new Float64Array(nStats); // counters summed per index: no keyed access per execution
  // What no execution changes, in locals.
  const seedBase = huntSeedBase(p.huntSeed);
  const count = range.count,
    first = range.first;
  const stepAt = g + G.STEP,
    decisionsAt = g + G.PCT_DECISIONS;
  const known = new Set(opts.known);
  let found: Found | undefined;
  for (let i = 0; i < count; i++) {
    const index = (first + i) >>> 0;
    const code = m.hunt_execution(seedBase, index, HUNT_LOGCAP);
    const len = I[stepAt];
    // Fingerprint = the choice log (it determines the whole execution) and its length.
    let h = 0x811c9dc5;
    let mask = 0;
    for (let j = 0; j < len; j++) {
      const a = U8[logBase + j];
      mask |= 1 << (a & 15); // choiceAgent (the high bits: the step's own pick)
      h = Math.imul(h ^ a, 0x01000193);
    }
    seqPush(hash, h ^ len);
    t.executions++;
    t.steps += len;
    if (len > t.maxSteps) t.maxSteps = len;
    const decisions = pct ? I[decisionsAt] : len;
    t.decisions += decisions;
    if (decisions > t.maxDecisions) t.maxDecisions = decisions;
    t.agentMask |= mask;
    for (let j = 0; j < nStats; j++) {
      acc[j] += I[statsBase + j] >>> 0;
      I[statsBase + j] = 0;
    }
    // RUN.CLEAN: the model's check at rest found it clean; RUN.LIMIT: a livelock only if a
    // longer run does not end either (livelock.ts).
    const v = code === RUN.LIMIT ? confirmLimit(e, seedBase, index, () => I.fill(0, statsBase, statsBase + nStats)) : verdictOf(e, code);
    if (!v) continue;
    t.hits[v.signature] = (t.hits[v.signature] ?? 0) + 1;
    if (!found && !known.has(v.signature)) {
      const s = executionSeedFrom(seedBase, index);
      found = {
        seed: index,
        violation: v.id,
        signature: v.signature,
        message: v.message,
        steps: len,
        replay: { seed: s, ops: huntOps(w, s), schedule: e.choiceLog() },
      };
      if (opts.stopOnViolation) break;
    }
  }
  for (let j = 0; j < nStats; j++) t.stats[STAT_NAMES[j]] += acc[j];
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
