// The race hunter on several cores (`faultsim hunt --workers N`): the same search as hunt(),
// split over worker threads as a campaign (src/workers): rounds of ROUND executions, each
// sharded over the pool and merged in execution order, so what a hunt finds depends on its
// seed and options, never on N or on which worker ran what. Findings are investigated here,
// in this thread, exactly as hunt() does (replayed, shrunk, drawn, packed as a repro).
//
// One difference from hunt() in one thread: PCT's k. hunt() refines k from the executions it
// has run, which ties each execution to the ones before it; a campaign fixes k first from a
// probe (calibratePctK: the mean decisions of 2 x 2,000 probe executions; for a shipped
// model's default campaign the build ran it already, pct-k-table.ts), so a hunt with workers
// runs different schedules than one without, from the same seed.
import { Engine, untracedModuleFor } from "../wasm/engine.js";
import { WorkerPool, type WorkerRetry } from "./pool.js";
import { calibratePctK, CALIBRATION_EXECUTIONS } from "./hunt-range.js";
import { tabledPctK } from "./pct-k-table.js";
import type { CampaignResult, CampaignSpec, Found, HuntParams } from "./protocol.js";
import { runCampaignInline } from "./campaign.js";
import { EngineCache } from "./jobs.js";
import { pctBoundOfAgents } from "../explore/pct.js";
import type { Replayer, Verdict } from "../explore/execute.js";
import {
  boundCpus,
  findingOptions,
  huntLoopSpec,
  reportingCheckpoint,
  type DeferredFinding,
  type Finding,
  type HuntOptions,
  type HuntResult,
} from "../explore/hunt-options.js";
import { emptySeqHash, seqConcat, sortedHits } from "../explore/shard.js";
import { hashHex, type HuntCheckpoint } from "../explore/checkpoint.js";
import { nowMs } from "../clock.js";

/** The most executions in one round. Between two rounds the hunt looks at its clock, its
 *  budget and its signal (Ctrl-C, SIGTERM), and reports progress. */
export const ROUND = 1 << 16;

/** A round's target length: rounds are sized from the rate measured so far to last about
 *  this long, or what is left of the budget, whichever is shorter. So a hunt ends within a
 *  few ms of its budget and answers a signal within about this long.
 *
 *  What a hunt finds does not depend on the rounds (nor on the number of workers): a round
 *  stops at its first failure with a new signature in execution order and the next starts
 *  right after it, knowing that signature; a repeat of a known signature is counted where it
 *  falls and stops nothing (a --keep-going campaign repeats its signatures many times: cut
 *  there, every repeat would throw away the work of the chunks past it). So every failing
 *  execution is looked at in order whatever the cuts. Only where the budget ends depends on
 *  the clock. */
export const ROUND_MS = 200;

/** Chunks per worker in a round (the pool hands them to idle workers), and the fewest
 *  executions in one (a chunk costs a message and a configure: tens of microseconds). */
const CHUNKS_PER_WORKER = 16;
const MIN_CHUNK = 64;

/** The first round without a rate to size it from (no PCT probe was timed: random, or a k
 *  from the build's table): one chunk per worker, doubled each round until one is long enough
 *  to measure, so that a short budget is kept on a loaded machine (a first round of 512 per
 *  worker, on code not yet tiered up, took 0.4-1.2 s at load 11: a `--budget-ms 500
 *  --workers 2` hunt took 1.2-2.0 s). */
const FIRST_ROUND_PER_WORKER = MIN_CHUNK;

/** What a campaign's rounds run on: a pool of worker threads, or this thread. */
interface RoundRunner {
  run(spec: CampaignSpec): Promise<CampaignResult>;
  close(): Promise<void>;
  /** In this thread: the engines the rounds run on, which the PCT probe runs on too (one
   *  engine to instantiate and warm, and under --swarm its shapes laid out once). */
  engines?: EngineCache;
}

/** Rounds run in this thread, chunk by chunk (an investigation under way goes on between
 *  chunks): the same results as a pool (src/workers/campaign.ts runCampaignInline). */
function inThisThread(): RoundRunner {
  const engines = new EngineCache();
  return {
    engines,
    run: async (spec) => {
      // A turn of the event loop first: a round runs synchronously, and only between rounds
      // can a SIGTERM or Ctrl-C handler run (a shard is killed by SIGTERM: it must stop).
      await new Promise((resolve) => setImmediate(resolve));
      return runCampaignInline(spec, engines);
    },
    close: async () => {},
  };
}

/** The campaign job of a hunt: the one-thread loop's spec (src/explore/hunt-options.ts huntLoopSpec), PCT's k fixed. */
function huntParams(o: HuntOptions, pctK: number): HuntParams {
  return { backend: o.backend, ...huntLoopSpec(o, pctK) };
}

/** hunt() over `workers` worker threads (see the header for what differs). */
/** hunt()'s options, and what only a campaign over worker threads has to say. */
export interface CampaignHuntOptions extends HuntOptions {
  /** --workers: a worker died and was replaced, its chunk run again. */
  onWorkerRetry?: (r: WorkerRetry) => void;
}

export async function huntInWorkers(o: CampaignHuntOptions, workers: number): Promise<HuntResult> {
  // The budget counts from here: the probe and the workers' start-up are part of it.
  const start = nowMs();
  const from = o.resumeFrom;
  const before = from?.elapsedMs ?? 0; // wall time of the legs before a resume
  const deadline = start + o.budgetMs - before;
  const pct = o.sched === "pct";
  // The workers start up in their threads while this one probes PCT's k.
  // One worker runs in this thread: a thread of its own would only add its start-up (a shard
  // of a campaign pays it in every process) and nothing to run beside it.
  const starting: Promise<RoundRunner> =
    workers === 1
      ? Promise.resolve(inThisThread())
      : // A JS hunt's workers run the JS twin: the module they are handed is never FAULTSIM_WASM's.
        WorkerPool.start({ workers, onRetry: o.onWorkerRetry, module: untracedModuleFor(o.backend) });
  starting.catch(() => {}); // awaited below
  // A resumed campaign keeps the k it was started with (the probe would give it again).
  let pctK = from?.pctK ?? 1;
  // Executions per ms of the whole pool: first guessed from the probe (one thread, 2 x 2,000
  // executions), then measured round by round.
  let rate = 0;
  let unsized = FIRST_ROUND_PER_WORKER * workers; // a round's size while there is no rate
  try {
    // k from the build's table of default campaigns (pct-k-table.ts), or from the probe.
    if (pct && !from) pctK = tabledPctK(huntParams(o, 1)) ?? 0;
    if (pct && !from && pctK === 0) {
      // Every execution boots afresh and the probe has its own hunt seed: on the rounds'
      // engine (one worker, in this thread) it leaves them nothing but warm code.
      const engine = workers === 1 ? await (await starting).engines!.get(o.backend) : await Engine.create(o.backend, "untraced");
      const probeStart = nowMs();
      pctK = calibratePctK(engine, huntParams(o, 1));
      rate = (0.8 * workers * 2 * CALIBRATION_EXECUTIONS) / Math.max(nowMs() - probeStart, 1);
    }
  } catch (err) {
    await (await starting.catch(() => undefined))?.close();
    throw err;
  }
  const job = { kind: "hunt" as const, params: huntParams(o, pctK) };
  const pool = await starting;
  const setupMs = nowMs() - start;
  const first = o.firstExecution ?? 0;
  const end = first + o.executions; // Infinity without --executions
  const c: HuntCheckpoint = from
    ? { ...from, hits: { ...from.hits }, hash: { ...from.hash }, signatures: [...from.signatures] }
    : {
        first,
        next: first,
        steps: 0,
        hits: {},
        hash: emptySeqHash(),
        signatures: [],
        elapsedMs: 0,
        maxDecisions: 0,
        agentMask: 0,
        pctK,
        decisionSum: 0,
      };
  const seen = new Set<string>(c.signatures);
  const findings: Finding[] = [];
  const deferred: DeferredFinding[] = [];
  let replayer: Replayer | undefined;
  let investigating = 0;
  const snapshot = (): HuntCheckpoint => ({
    ...c,
    hits: sortedHits(c.hits),
    hash: { ...c.hash },
    signatures: [...c.signatures],
    elapsedMs: before + nowMs() - start,
  });
  // A finding of a --keep-going campaign is investigated here while the workers run the next
  // round (which knows its signature): the round is folded in only once the finding is
  // reported, so the state the finding's checkpoint holds is the one right after it.
  let pending: Promise<void> | undefined;
  const investigateFinding = async (f: Found & { replay: NonNullable<Found["replay"]> }): Promise<void> => {
    const fo = findingOptions(o, f.replay);
    const verdict: Verdict = { id: f.violation as Verdict["id"], signature: f.signature, message: f.message, agent: -1 };
    const io = reportingCheckpoint(fo, snapshot);
    // Loaded by the first finding: a campaign (a shard) that finds nothing never replays or shrinks.
    const { investigate, recordUnshrunk, replayerFor } = await import("../explore/investigate.js");
    // --defer-shrink: recorded as found; `faultsim merge` investigates it (no replayer here).
    if (o.deferShrink) {
      deferred.push(recordUnshrunk(io, f.seed, f.replay, verdict));
      return;
    }
    replayer = await replayerFor(replayer, fo);
    findings.push(await investigate(replayer, io, f.seed, f.replay.seed, f.replay.ops, f.replay.schedule, verdict));
  };
  /** Waits for the finding under investigation; counts the time the workers waited for it
   *  (idle since `idleFrom`) as investigating, not hunting. */
  const settle = async (idleFrom: () => number): Promise<void> => {
    if (!pending) return;
    const t0 = nowMs();
    try {
      await pending;
    } finally {
      pending = undefined;
      const idle = idleFrom();
      investigating += Math.max(0, nowMs() - Math.max(t0, idle));
    }
  };
  // A campaign that stops at its first finding and had it before the kill is complete.
  const done = from !== undefined && !o.keepGoing && from.signatures.length > 0;
  try {
    while (!done && c.next < end && !o.signal?.aborted) {
      const t0 = nowMs();
      const left = deadline - t0;
      // The first round runs even when the start-up took the budget: one execution a worker.
      const firstRound = c.next === (from?.next ?? first);
      if (left <= 0 && !firstRound) break;
      let sized = rate > 0 ? Math.floor(rate * Math.min(ROUND_MS, left)) : unsized;
      if (firstRound) sized = left <= 0 ? workers : Math.max(sized, workers);
      if (sized < 1) break; // less than one execution's time left
      // Execution indices are 32-bit: a campaign without --executions ends at 2^32.
      const count = Math.min(ROUND, sized, end - c.next, 2 ** 32 - c.next);
      if (count < 1) break;
      // Small chunks: the round's last chunk is all that can keep one worker waiting for another.
      const chunk = Math.max(MIN_CHUNK, Math.ceil(count / (workers * CHUNKS_PER_WORKER)));
      const round = pool.run({ job, firstSeed: c.next, executions: count, chunk, stopOnViolation: true, known: [...seen] });
      let roundEnd = Number.POSITIVE_INFINITY;
      round.then(
        () => (roundEnd = nowMs()),
        () => {}, // awaited below, after the finding under investigation
      );
      await settle(() => roundEnd);
      const r = await round;
      const ms = nowMs() - t0;
      // A round cut short by a new signature ran chunks past it that it does not count: no
      // rate. Nor one that waited for an investigation.
      if (!r.found && ms >= 5 && roundEnd >= nowMs() - 1) rate = r.executions / ms;
      else if (rate === 0) unsized = Math.min(2 * unsized, ROUND);
      add(c, r);
      c.next += r.executions; // up to and including a finding: the round stops there
      o.onProgress?.({
        executions: c.next - first,
        steps: c.steps,
        elapsedMs: before + nowMs() - start,
        findings: c.signatures.length,
      });
      const f = r.found; // a new signature: the workers knew every signature in `seen`
      if (f?.replay && !seen.has(f.signature)) {
        seen.add(f.signature);
        // The round ended at the finding: the checkpoint reported with it is past it.
        c.signatures.push(f.signature);
        pending = investigateFinding({ ...f, replay: f.replay });
        pending.catch(() => {}); // awaited by settle()
        if (!o.keepGoing) break;
        continue; // its checkpoint goes with the finding; the next round runs meanwhile
      }
      // Every finding before here reported: a kill from here resumes past it.
      o.onCheckpoint?.(snapshot());
    }
    await settle(() => 0); // the workers are done: the whole wait is investigating
  } finally {
    await pool.close();
  }
  const elapsedMs = nowMs() - start;
  const huntingMs = elapsedMs - investigating - setupMs;
  const secs = Math.max(huntingMs, 1e-3) / 1000;
  const ran = c.next - (from?.next ?? first);
  const result: HuntResult = {
    executions: c.next - first,
    steps: c.steps,
    elapsedMs,
    huntingMs,
    executionsPerSec: ran / secs,
    stepsPerSec: (c.steps - (from?.steps ?? 0)) / secs,
    findings,
    deferred,
    interrupted: o.signal?.aborted === true,
    setupMs,
    hash: hashHex(c.hash),
    hits: sortedHits(c.hits),
    checkpoint: snapshot(),
  };
  if (pct) result.pct = { ...pctBoundOfAgents(c.agentMask, boundCpus(o), pctK, o.depth), maxDecisions: c.maxDecisions };
  return result;
}

/** Folds a round into the campaign's state (its hash follows the state's: rounds in order). */
function add(c: HuntCheckpoint, r: CampaignResult): void {
  c.steps += r.steps;
  c.decisionSum += r.decisions;
  c.maxDecisions = Math.max(c.maxDecisions, r.maxDecisions);
  c.agentMask |= r.agentMask;
  for (const [k, v] of Object.entries(r.hits)) c.hits[k] = (c.hits[k] ?? 0) + v;
  c.hash = seqConcat(c.hash, { h: Number.parseInt(r.hash, 16), n: r.executions });
}
