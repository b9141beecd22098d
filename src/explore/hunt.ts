// The race hunter: many short executions of a small machine, each a fresh seeded op list per
// CPU run to the end under PCT or the uniform random scheduler, checked in the model on
// every step and at rest (RUN.CLEAN), and by the deep checker when the model's check at rest
// does not call it clean. A failure is replayed from its choice log to
// prove it deterministic, shrunk, drawn as a CPU-column diagram and written as a repro file.
//
// The loop is the hot path (hundreds of thousands of executions a second): one engine, its
// memory views taken once, one call into the model per execution (it makes the execution's
// seed and op lists itself: assembly/kernel/hunt.ts), nothing allocated per execution unless
// it failed.
import { unlinkSync } from "node:fs";
import path from "node:path";
import { Engine, type Backend } from "../wasm/engine.js";
import { CFG, G, R, RUN, SCHED } from "../wasm/abi.js";
import { InternalError } from "../errors.js";
import type { ResolvedModel } from "../model/models.js";
import { replayTraced, type ReplayTrace } from "./replay.js";
import {
  encodeSchedule,
  replaceRepro,
  sameReproFile,
  writeRepro,
  type Repro,
  type ReproMachine,
  REPRO_FORMAT,
  REPRO_FORMAT_VERSION,
  REPRO_SCHEMA_VERSION,
} from "../report/repro.js";
import { faultsimVersion, modelId } from "../report/version.js";
import { Replayer, verdictOf, switchesOf, type Verdict } from "./execute.js";
import { huntConfig, HUNT_LOGCAP, HUNT_OPCAP } from "./machine.js";
import { pctBoundOfAgents, type PctBound } from "./pct.js";
import { shrink } from "./shrink.js";
import { confirmLimit } from "./livelock.js";
import { configureHuntWorkload, executionSeedFrom, huntOps, huntSeedBase, type HuntWorkload } from "./workload.js";
import { fmtMix, type HuntMix } from "./mix.js";
import { emptySeqHash, seqPush, sortedHits, type SeqHash } from "./shard.js";
import { hashHex, type HuntCheckpoint } from "./checkpoint.js";

export type SchedKind = "pct" | "random";

export interface HuntOptions {
  model: ResolvedModel;
  machine: ReproMachine;
  sched: SchedKind;
  /** PCT bug depth d (change points d - 1). */
  depth: number;
  seed: number;
  /** Stop after this long (ms) ... */
  budgetMs: number;
  /** ... or after this many executions, whichever comes first. */
  executions: number;
  opsPerCpu: number;
  shareMm: boolean;
  writeRatio: number;
  /** The op mix (--mix); absent: reads and writes by writeRatio. */
  mix?: HuntMix;
  /** Collect distinct signatures until the budget instead of stopping at the first. */
  keepGoing: boolean;
  backend: Backend;
  /** Wall-clock budget for shrinking each finding. */
  shrinkMs: number;
  /** Called about every 250 ms. */
  onProgress?: (p: HuntProgress) => void;
  /** Stops the hunt early (Ctrl-C, SIGTERM): what was found so far is still reported; a
   *  shrink under way stops and keeps what it has. */
  signal?: AbortSignal;
  /** Directory the repro files go to, each written the moment its failure is proven
   *  deterministic (unshrunk), then replaced atomically by the shrunk one: a kill at any
   *  moment leaves every finding so far on disk, each file complete. None: not written. */
  out?: string;
  /** Each finding once investigated (its file written), before the hunt goes on; with the
   *  campaign's state right after its execution, the finding counted as reported (a stream
   *  that records both in one line resumes past it: never investigated twice). */
  onFinding?: (f: Finding, checkpoint?: HuntCheckpoint) => void;
  /** Campaign engine (--workers, --shard) only: the first execution index of this campaign
   *  (a shard's range starts here; `executions` counts from it). Default 0. */
  firstExecution?: number;
  /** Continue a killed campaign from this checkpoint (--resume): the same options, and the
   *  state after its first `next - firstExecution` executions. */
  resumeFrom?: HuntCheckpoint;
  /** A leg of a killed campaign (--resume, even one killed before its first checkpoint): a
   *  finding's repro file may be on disk already, from the leg the kill ended. */
  resumed?: boolean;
  /** The campaign's state after whole executions, every finding before it reported: about
   *  every 250 ms (hunt()) or every round (--workers), and right after each finding. */
  onCheckpoint?: (c: HuntCheckpoint) => void;
}

export interface HuntProgress {
  executions: number;
  steps: number;
  elapsedMs: number;
  findings: number;
}

/** One distinct failure, shrunk: what every view of it shares. */
export interface FindingSummary {
  signature: string;
  verdict: Verdict;
  /** Which execution of the hunt found it. */
  execution: number;
  repro: Repro;
  /** Size before and after shrinking. */
  original: ExecutionSize;
  shrunk: ExecutionSize;
  /** Shrinking ran out of its time budget (--shrink-ms): a faster machine may shrink the
   *  same finding further, so only then does the repro depend on more than seed and options. */
  shrinkCutByClock: boolean;
  /** A signal stopped the shrink: the repro is the finding as far as it was shrunk. */
  shrinkInterrupted: boolean;
  /** The repro file written under o.out ("" when it could not be written: see fileError). */
  file?: string;
  /** Why the repro file could not be written (e.g. ENOSPC). */
  fileError?: string;
}

/** One distinct failure, shrunk, as the hunt keeps it: data, drawn when it is shown. */
export interface Finding extends FindingSummary {
  /** The shrunk repro's traced replay: drawn at output time (src/report/finding.ts drawFinding). */
  trace: ReplayTrace;
}

/** What a hunt reports besides its findings. */
export interface HuntSummary {
  executions: number;
  steps: number;
  /** Wall clock of the whole hunt, and of its executions alone (the rates' base): the rest
   *  is replaying and shrinking findings. */
  elapsedMs: number;
  huntingMs: number;
  executionsPerSec: number;
  stepsPerSec: number;
  /** Stopped by o.signal before its budget. */
  interrupted: boolean;
  /** The campaign hash (checkpoint.ts): over every execution's fingerprint, in order. */
  hash: string;
  /** Failing executions by signature (every one, not only each signature's first). */
  hits: Record<string, number>;
  /** The state at the end, as a resumed campaign or `faultsim merge` takes it up. */
  checkpoint: HuntCheckpoint;
  /** --workers: the PCT probe and the workers' start-up, part of elapsedMs (not of
   *  huntingMs) and of the budget. */
  setupMs?: number;
  /** PCT only: the guarantee for the n observed and the k used (the mean decisions per
   *  execution), and the most decisions one execution took. */
  pct?: PctBound & { maxDecisions: number };
}

export interface HuntResult extends HuntSummary {
  findings: Finding[];
}

// The hunt's defaults live apart (src/explore/defaults.ts) so that the command line can
// state them without loading the hunt (cold start).
export { HUNT_DEFAULTS, HUNT_OPS_PER_CPU } from "./defaults.js";

/** First guess of k, before any execution was observed. */
const INITIAL_PCT_K = 64;

/** Whether PCT's k is recomputed after execution n: at 16, 32, ..., 1024, then every 1024. */
const refreshK = (n: number): boolean => (n >= 16 && n <= 1024 && (n & (n - 1)) === 0) || (n & 1023) === 0;

/** A failing execution's size: ops, steps, context switches and, of those, preemptions. */
export interface ExecutionSize {
  ops: number;
  steps: number;
  switches: number;
  preemptions: number;
}
const sizeOf = (rep: Replayer, ops: number[][], seed: number, schedule: ArrayLike<number>): ExecutionSize => ({
  ops: ops.reduce((n, o) => n + o.length, 0),
  steps: schedule.length,
  switches: switchesOf(schedule),
  preemptions: rep.preemptions({ ops, seed, schedule }).length,
});

/** The op lists a hunt's executions run (workload.ts huntOp): its machine's CPUs and pages. */
export function huntWorkloadOf(o: HuntOptions): HuntWorkload {
  return {
    cpus: o.machine.cpus,
    opsPerCpu: Math.min(o.opsPerCpu, HUNT_OPCAP),
    pagesPerMm: o.machine.pagesPerMm,
    mms: o.machine.mms,
    shareMm: o.shareMm,
    writeRatio: o.writeRatio,
    ...(o.mix ? { mix: o.mix, areas: o.machine.areas } : {}),
  };
}

export async function hunt(o: HuntOptions): Promise<HuntResult> {
  const schedCode = o.sched === "pct" ? SCHED.PCT : SCHED.RANDOM;
  // The search runs on the untraced build; findings are replayed, shrunk and drawn on the
  // traced one (Replayer), built from the same sources: the same executions.
  const e = await Engine.create(o.backend, "untraced");
  e.configure(huntConfig(o.machine, o.model.flags, schedCode, o.depth, INITIAL_PCT_K));
  const w = huntWorkloadOf(o);
  const m = e.m;
  const I = e.I32; // the layout is fixed from here on: memory does not grow
  configureHuntWorkload(m, w);
  const g = e.region(R.GLOBALS) >> 2;
  const cpus = o.machine.cpus;
  // Everything the loop reads that no execution changes, in locals.
  const pct = schedCode === SCHED.PCT;
  const executions = o.executions;
  const seedBase = huntSeedBase(o.seed);
  const stepAt = g + G.STEP,
    decisionsAt = g + G.PCT_DECISIONS;

  const findings: Finding[] = [];
  // A resumed campaign starts from its checkpoint: the same state an uninterrupted one had.
  const from = o.resumeFrom;
  const seen = new Set<string>(from?.signatures ?? []);
  const signatures = [...seen];
  const hits: Record<string, number> = { ...from?.hits };
  const hash: SeqHash = from ? { ...from.hash } : emptySeqHash();
  let replayer: Replayer | undefined;
  let maxDecisions = from?.maxDecisions ?? 0; // most scheduling decisions of one execution
  let decisionSum = from?.decisionSum ?? 0; // scheduling decisions of all executions
  let pctK = from?.pctK ?? INITIAL_PCT_K; // the k change points are drawn over (the mean decisions so far)
  if (pct && pctK !== INITIAL_PCT_K) m.config_set(CFG.PCT_K, pctK);
  let ranMask = from?.agentMask ?? 0; // agents seen in a choice log
  let steps = from?.steps ?? 0;
  let n = from?.next ?? 0;
  let investigating = 0; // ms spent replaying and shrinking findings
  const before = from?.elapsedMs ?? 0; // wall time of the legs before a resume
  const start = performance.now();
  let lastProgress = start;
  let now = start;
  const deadline = start + o.budgetMs - before;
  const checkpoint = (): HuntCheckpoint => ({
    first: 0,
    next: n,
    steps,
    hits: sortedHits(hits),
    hash: { ...hash },
    signatures: [...signatures],
    elapsedMs: before + performance.now() - start,
    maxDecisions,
    agentMask: ranMask,
    pctK,
    decisionSum,
  });

  // A campaign that stops at its first finding and had it before the kill is complete.
  const done = from !== undefined && !o.keepGoing && from.signatures.length > 0;
  for (; !done && n < executions; n++) {
    if ((n & 255) === 0) {
      now = performance.now();
      if (now >= deadline || o.signal?.aborted) break;
      if (now - lastProgress >= 250) {
        lastProgress = now;
        o.onProgress?.({ executions: n, steps, elapsedMs: before + now - start, findings: signatures.length });
        o.onCheckpoint?.(checkpoint());
        // Let the event loop run (a Ctrl-C handler aborting o.signal, a progress write).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // Execution n on a fresh machine: its seed, its ops (huntOps), the run, in one call.
    let code: number;
    try {
      code = m.hunt_execution(seedBase, n, HUNT_LOGCAP);
    } catch (err) {
      // A trap in the model is a bug of ours: say how to get back to it.
      const s = executionSeedFrom(seedBase, n);
      throw new InternalError(
        `the model trapped (${(err as Error).message}) in execution ${n} of seed ${o.seed} ` +
          `(execution seed ${s}, ops ${JSON.stringify(huntOps(w, s))})`,
      );
    }
    const len = I[stepAt];
    steps += len;
    // The execution's fingerprint into the campaign hash (checkpoint.ts), and PCT's n of the
    // bound: the agents that ran.
    // (FNV-1a over the choice log's bytes, computed in the model: kernel/hunt.ts execution_print.)
    const h = m.hunt_print();
    seqPush(hash, h ^ len);
    ranMask |= m.hunt_agents();
    // PCT's decisions: steps where a change point would be a preemption.
    const decisions = pct ? I[decisionsAt] : len;
    decisionSum += decisions;
    if (decisions > maxDecisions) maxDecisions = decisions;
    // Clean at rest by the model's own check (RUN.CLEAN, the common case), else the in-model
    // violation or the deep check at rest. Stopped at the step bound: a livelock only if it
    // does not end in a longer run either (with this execution's k: before k is refreshed).
    const verdict = code === RUN.CLEAN ? undefined : code === RUN.LIMIT ? confirmLimit(e, seedBase, n) : verdictOf(e, code);
    // Change points are drawn over the mean execution, not the longest: a rare long one (a
    // reclaim storm) would push most change points past the end of a typical execution.
    // The bound is stated for this k (bugs within an execution's first k decisions).
    if (pct && refreshK(n + 1)) {
      pctK = Math.max(1, Math.round(decisionSum / (n + 1)));
      m.config_set(CFG.PCT_K, pctK);
    }
    if (!verdict) continue;
    hits[verdict.signature] = (hits[verdict.signature] ?? 0) + 1;
    if (seen.has(verdict.signature)) continue;
    seen.add(verdict.signature);
    const t0 = performance.now();
    const s = executionSeedFrom(seedBase, n);
    replayer ??= await Replayer.create(o.machine, o.model.flags, o.backend);
    // From here a checkpoint is past the finding's execution and counts it as reported: the
    // one handed over with the finding, and those after it.
    signatures.push(verdict.signature);
    const at = n++;
    findings.push(await investigate(replayer, reportingCheckpoint(o, checkpoint), at, s, huntOps(w, s), e.choiceLog(), verdict));
    investigating += performance.now() - t0;
    o.onCheckpoint?.(checkpoint()); // the finding reported, its execution done
    if (!o.keepGoing) break;
    n--; // the loop's n++ follows
  }
  const elapsedMs = performance.now() - start;
  // Rates are of the hunting alone: replaying and shrinking findings is not part of it.
  const huntingMs = elapsedMs - investigating;
  const secs = Math.max(huntingMs, 1e-3) / 1000;
  const ran = n - (from?.next ?? 0); // this leg's executions
  const result: HuntResult = {
    executions: n,
    steps,
    elapsedMs,
    huntingMs,
    executionsPerSec: ran / secs,
    stepsPerSec: (steps - (from?.steps ?? 0)) / secs,
    findings,
    interrupted: o.signal?.aborted === true,
    hash: hashHex(hash),
    hits: sortedHits(hits),
    checkpoint: checkpoint(),
  };
  if (schedCode === SCHED.PCT) {
    result.pct = { ...pctBoundOfAgents(ranMask, cpus, pctK, o.depth), maxDecisions };
  }
  return result;
}

/** `o` whose onFinding gets the campaign's checkpoint with each finding (hunt() and
 *  huntInWorkers() alike: `checkpoint` already counts the finding as reported). */
export function reportingCheckpoint(o: HuntOptions, checkpoint: () => HuntCheckpoint): HuntOptions {
  const report = o.onFinding;
  return report ? { ...o, onFinding: (f) => report(f, checkpoint()) } : o;
}

/** The repro's record of the model build that ran it; none when the build has no id. */
function modelIdField(backend: Backend): { modelId?: string } {
  const id = modelId(backend);
  return id ? { modelId: id } : {};
}

/** Proves a failure deterministic, shrinks it, draws it, and packs the repro (hunt() and
 *  huntInWorkers() alike). */
export async function investigate(
  rep: Replayer,
  o: HuntOptions,
  execution: number,
  seed: number,
  ops: number[][],
  schedule: number[],
  verdict: Verdict,
): Promise<Finding> {
  const again = rep.run({ ops, seed, schedule }, { repair: false });
  if (again.verdict?.signature !== verdict.signature) {
    throw new InternalError(
      `execution ${execution} (seed ${seed}) found ${verdict.signature} but its replay ` +
        (again.verdict ? `found ${again.verdict.signature}` : again.diverged ? "diverged" : "found nothing") +
        ": the model is not deterministic",
    );
  }
  // Durable at once: the unshrunk repro, before shrinking (a kill during the shrink keeps it).
  const out =
    o.out !== undefined
      ? writeFinding(
          o.out,
          reproOf(rep, o, { machine: o.machine, ops, seed, schedule, verdict: again.verdict ?? verdict }),
          o.resumed === true,
        )
      : undefined;
  const shrunk = await shrink(rep, { machine: o.machine, ops, seed, schedule: Uint8Array.from(schedule) }, verdict, {
    budgetMs: o.shrinkMs,
    signal: o.signal,
  });
  const repro = reproOf(rep, o, shrunk);
  const trace = await replayTraced(repro, rep);
  const original = sizeOf(rep, ops, seed, schedule);
  const shrunkSize = sizeOf(
    shrunk.machine.cpus === o.machine.cpus ? rep : await rep.resized(shrunk.machine),
    shrunk.ops,
    seed,
    shrunk.schedule,
  );
  // The shrunk repro replaces the first one last, right before the finding is reported: a
  // kill between the two is what a resumed leg cannot tell from a kill during the shrink.
  if (out?.file) shrunkInto(out, repro, o.resumed === true);
  const finding: Finding = {
    signature: verdict.signature,
    verdict: shrunk.verdict,
    execution,
    repro,
    trace,
    original,
    shrunk: shrunkSize,
    shrinkCutByClock: shrunk.stoppedBy === "clock",
    shrinkInterrupted: shrunk.stoppedBy === "signal",
    ...(out ? { file: out.file, ...(out.error ? { fileError: out.error } : {}) } : {}),
  };
  o.onFinding?.(finding);
  return finding;
}

const errCode = (err: unknown): string => (err as { code?: string }).code ?? (err as Error).message;

/** Writes a finding's first repro; the error is kept, not thrown (the hunt goes on). A
 *  resumed campaign takes up the file its killed leg wrote for the same finding when the kill
 *  came before the finding was recorded (during its shrink): one file per finding. */
function writeFinding(dir: string, r: Repro, resumed: boolean): { file: string; error?: string; taken?: boolean } {
  try {
    const had = resumed ? sameReproFile(dir, r) : undefined;
    return had ? { file: had, taken: true } : { file: writeRepro(dir, r) };
  } catch (err) {
    return { file: "", error: errCode(err) };
  }
}

/** Puts the shrunk repro into the finding's file. A resumed leg whose killed leg got as far
 *  as this (its file holds this very shrunk repro) keeps that file and drops its own new one. */
function shrunkInto(out: { file: string; error?: string; taken?: boolean }, r: Repro, resumed: boolean): void {
  try {
    const had = resumed && !out.taken ? sameReproFile(path.dirname(out.file), r) : undefined;
    if (had && had !== out.file) {
      unlinkSync(out.file);
      out.file = had;
    } else replaceRepro(out.file, r);
  } catch (err) {
    out.error = errCode(err); // the unshrunk repro stays
  }
}

/** The repro of a failing execution (shrunk or not). */
function reproOf(
  rep: Replayer,
  o: HuntOptions,
  x: { machine: ReproMachine; ops: number[][]; seed: number; schedule: ArrayLike<number>; verdict: Verdict },
): Repro {
  return {
    format: REPRO_FORMAT,
    formatVersion: REPRO_FORMAT_VERSION,
    schemaVersion: REPRO_SCHEMA_VERSION,
    faultsim: faultsimVersion(),
    ...modelIdField(rep.e.backend),
    model: o.model.name,
    flags: o.model.flags,
    flagNames: o.model.flagNames,
    machine: x.machine,
    sched: o.sched === "pct" ? { kind: "pct", depth: o.depth } : { kind: "random" },
    ...(o.mix ? { mix: fmtMix(o.mix) } : {}),
    seed: x.seed,
    ops: x.ops,
    schedule: encodeSchedule(x.schedule),
    signature: x.verdict.signature,
    violation: { id: x.verdict.id, message: x.verdict.message },
  };
}
