// The race hunter: many short executions of a small machine, each a fresh seeded op list per
// CPU run to the end under PCT or the random walk (sched.ts walk_setup), checked in the model on
// every step and at rest (RUN.CLEAN), and by the deep checker when the model's check at rest
// does not call it clean. This is the driver of one thread: the executions themselves run in
// the search loop of loop.ts (the hot path), which a campaign's workers run too
// (src/workers/hunt-workers.ts); hunt() runs it span by span, between its clock checks and
// PCT's k refreshes, and hands each new signature it stops at to investigate.ts (replayed to
// prove it deterministic, shrunk, written as a repro file). Its options and result are
// hunt-options.ts's; drawing a finding is src/report/finding.ts's, at output time.
import { Engine } from "../wasm/engine.js";
import type { Replayer } from "./execute.js";
import { pctBoundOfAgents } from "./pct.js";
import { emptySeqHash, emptyTally, sortedHits, type SeqHash, type TallyLike } from "./shard.js";
import { HuntLoop } from "./loop.js";
import { hashHex, type HuntCheckpoint } from "./checkpoint.js";
import {
  boundCpus,
  findingOptions,
  huntLoopSpec,
  reportingCheckpoint,
  type DeferredFinding,
  type Finding,
  type HuntOptions,
  type HuntResult,
} from "./hunt-options.js";
import { investigate, recordUnshrunk, replayerFor } from "./investigate.js";
import { nowMs } from "../clock.js";

// The hunt's defaults live apart (src/explore/defaults.ts) so that the command line can
// state them without loading the hunt (cold start).
export { HUNT_DEFAULTS, HUNT_OPS_PER_CPU } from "./defaults.js";

/** First guess of k, before any execution was observed. */
const INITIAL_PCT_K = 64;

/** Whether PCT's k is recomputed after execution n: at 16, 32, ..., 1024, then every 1024. */
const refreshK = (n: number): boolean => (n >= 16 && n <= 1024 && (n & (n - 1)) === 0) || (n & 1023) === 0;

/** Runs a hunt in this thread until its budget, its executions, its signal or (unless
 *  keepGoing) its first finding. */
export async function hunt(o: HuntOptions): Promise<HuntResult> {
  const pct = o.sched === "pct";
  // The search runs on the untraced build; findings are replayed and shrunk on the
  // traced one (Replayer), built from the same sources: the same executions.
  const loop = new HuntLoop(await Engine.create(o.backend, "untraced"), huntLoopSpec(o, INITIAL_PCT_K));
  const executions = o.executions;

  const findings: Finding[] = [];
  const deferred: DeferredFinding[] = [];
  // A resumed campaign starts from its checkpoint: the same state an uninterrupted one had.
  const from = o.resumeFrom;
  const seen = new Set<string>(from?.signatures ?? []);
  const signatures = [...seen];
  const isNew = (signature: string): boolean => !seen.has(signature);
  // The executions' tally: the search loop (loop.ts) adds to it.
  const t: TallyLike = {
    ...emptyTally(),
    steps: from?.steps ?? 0,
    hits: { ...from?.hits },
    maxDecisions: from?.maxDecisions ?? 0, // most scheduling decisions of one execution
    decisions: from?.decisionSum ?? 0, // scheduling decisions of all executions
    agentMask: from?.agentMask ?? 0, // agents seen in a choice log
  };
  const hash: SeqHash = from ? { ...from.hash } : emptySeqHash();
  let replayer: Replayer | undefined;
  let pctK = from?.pctK ?? INITIAL_PCT_K; // the k change points are drawn over (the mean decisions so far)
  if (pct && pctK !== INITIAL_PCT_K) loop.setPctK(pctK);
  let n = from?.next ?? 0;
  let investigating = 0; // ms spent replaying and shrinking findings
  const before = from?.elapsedMs ?? 0; // wall time of the legs before a resume
  const start = nowMs();
  let lastProgress = start;
  let now = start;
  const deadline = start + o.budgetMs - before;
  const checkpoint = (): HuntCheckpoint => ({
    first: 0,
    next: n,
    steps: t.steps,
    hits: sortedHits(t.hits),
    hash: { ...hash },
    signatures: [...signatures],
    elapsedMs: before + nowMs() - start,
    maxDecisions: t.maxDecisions,
    agentMask: t.agentMask,
    pctK,
    decisionSum: t.decisions,
  });

  // A campaign that stops at its first finding and had it before the kill is complete.
  const done = from !== undefined && !o.keepGoing && from.signatures.length > 0;
  while (!done && n < executions) {
    if ((n & 255) === 0) {
      now = nowMs();
      if (now >= deadline || o.signal?.aborted) break;
      if (now - lastProgress >= 250) {
        lastProgress = now;
        o.onProgress?.({ executions: n, steps: t.steps, elapsedMs: before + now - start, findings: signatures.length });
        o.onCheckpoint?.(checkpoint());
        // Let the event loop run (a Ctrl-C handler aborting o.signal, a progress write).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // A span of executions up to the next clock check or k refresh (spanEnd), or a new signature.
    const failure = loop.run(n, Math.min(executions, spanEnd(n)), t, hash, isNew);
    n = failure ? failure.index + 1 : Math.min(executions, spanEnd(n));
    // Change points are drawn over the mean execution, not the longest: a rare long one (a
    // reclaim storm) would push most change points past the end of a typical execution.
    // The bound is stated for this k (bugs within an execution's first k decisions).
    if (pct && refreshK(n)) {
      pctK = Math.max(1, Math.round(t.decisions / n));
      loop.setPctK(pctK);
    }
    if (!failure) continue;
    const { verdict } = failure;
    seen.add(verdict.signature);
    const t0 = nowMs();
    const x = loop.replayOf(failure.index);
    const fo = findingOptions(o, x);
    // From here a checkpoint is past the finding's execution and counts it as reported: the
    // one handed over with the finding, and those after it.
    signatures.push(verdict.signature);
    if (o.deferShrink) deferred.push(recordUnshrunk(reportingCheckpoint(fo, checkpoint), failure.index, x, verdict));
    else {
      replayer = await replayerFor(replayer, fo);
      findings.push(await investigate(replayer, reportingCheckpoint(fo, checkpoint), failure.index, x.seed, x.ops, x.schedule, verdict));
    }
    investigating += nowMs() - t0;
    o.onCheckpoint?.(checkpoint()); // the finding reported, its execution done
    // A signal raised while the finding was investigated (or by its onFinding) stops here,
    // not up to 255 executions later at the next clock check.
    if (!o.keepGoing || o.signal?.aborted) break;
  }
  const elapsedMs = nowMs() - start;
  // Rates are of the hunting alone: replaying and shrinking findings is not part of it.
  const huntingMs = elapsedMs - investigating;
  const secs = Math.max(huntingMs, 1e-3) / 1000;
  const ran = n - (from?.next ?? 0); // this leg's executions
  const result: HuntResult = {
    executions: n,
    steps: t.steps,
    elapsedMs,
    huntingMs,
    executionsPerSec: ran / secs,
    stepsPerSec: (t.steps - (from?.steps ?? 0)) / secs,
    findings,
    deferred,
    interrupted: o.signal?.aborted === true,
    hash: hashHex(hash),
    hits: sortedHits(t.hits),
    checkpoint: checkpoint(),
  };
  if (pct) {
    result.pct = { ...pctBoundOfAgents(t.agentMask, boundCpus(o), pctK, o.depth), maxDecisions: t.maxDecisions };
  }
  return result;
}

/** Where a span of hunt() starting at execution n ends: the next index where the clock is
 *  looked at (every 256) or, up to 1024, where k may be refreshed (refreshK: powers of two
 *  from 16, then multiples of 1024). */
const spanEnd = (n: number): number => (n < 1024 ? (n | 15) + 1 : (n | 255) + 1);
