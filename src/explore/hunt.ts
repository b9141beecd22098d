// The race hunter: many short executions of a small machine, each a fresh seeded op list per
// CPU run to the end under PCT or the random walk (sched.ts walk_setup), checked in the model on
// every step and at rest (RUN.CLEAN), and by the deep checker when the model's check at rest
// does not call it clean. A failure is replayed from its choice log to
// prove it deterministic, shrunk, drawn as a CPU-column diagram and written as a repro file.
//
// The executions themselves run in the search loop of loop.ts (the hot path), which a
// campaign's workers run too; hunt() runs it span by span, between its clock checks and PCT's
// k refreshes, and investigates each new signature it stops at.
import { unlinkSync } from "node:fs";
import path from "node:path";
import { Engine, type Backend } from "../wasm/engine.js";
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
import { Replayer, switchesOf, type Verdict } from "./execute.js";
import { HUNT_OPCAP } from "./machine.js";
import { pctBoundOfAgents, type PctBound } from "./pct.js";
import { sameMachine, shrink } from "./shrink.js";
import type { HuntWorkload } from "./workload.js";
import { fmtMix, parseMix, type HuntMix } from "./mix.js";
import { swarmMaxCpus, type SwarmSpec } from "./swarm.js";
import { emptySeqHash, emptyTally, sortedHits, type SeqHash, type TallyLike } from "./shard.js";
import { HuntLoop, type HuntLoopSpec } from "./loop.js";
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
  /** --swarm: each execution draws its machine and mix from its own seed (swarm.ts), the
   *  dimensions pinned here excepted; `machine` and `mix` are then the hunt's base, and each
   *  finding's repro holds the shape its execution drew. Shrinking shrinks the shape too. */
  swarm?: SwarmSpec;
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
  const pct = o.sched === "pct";
  // The search runs on the untraced build; findings are replayed, shrunk and drawn on the
  // traced one (Replayer), built from the same sources: the same executions.
  const loop = new HuntLoop(await Engine.create(o.backend, "untraced"), huntLoopSpec(o, INITIAL_PCT_K));
  const executions = o.executions;

  const findings: Finding[] = [];
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
  const start = performance.now();
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
    elapsedMs: before + performance.now() - start,
    maxDecisions: t.maxDecisions,
    agentMask: t.agentMask,
    pctK,
    decisionSum: t.decisions,
  });

  // A campaign that stops at its first finding and had it before the kill is complete.
  const done = from !== undefined && !o.keepGoing && from.signatures.length > 0;
  while (!done && n < executions) {
    if ((n & 255) === 0) {
      now = performance.now();
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
    const t0 = performance.now();
    const x = loop.replayOf(failure.index);
    const fo = findingOptions(o, x);
    replayer = await replayerFor(replayer, fo);
    // From here a checkpoint is past the finding's execution and counts it as reported: the
    // one handed over with the finding, and those after it.
    signatures.push(verdict.signature);
    findings.push(await investigate(replayer, reportingCheckpoint(fo, checkpoint), failure.index, x.seed, x.ops, x.schedule, verdict));
    investigating += performance.now() - t0;
    o.onCheckpoint?.(checkpoint()); // the finding reported, its execution done
    if (!o.keepGoing) break;
  }
  const elapsedMs = performance.now() - start;
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

/** The search loop's spec of a hunt (loop.ts), with PCT's k to start from. */
export function huntLoopSpec(o: HuntOptions, pctK: number): HuntLoopSpec {
  return {
    machine: o.machine,
    flags: o.model.flags,
    sched: o.sched,
    depth: o.depth,
    pctK,
    huntSeed: o.seed,
    workload: huntWorkloadOf(o),
    ...(o.swarm ? { swarm: o.swarm } : {}),
  };
}

/** The CPUs of PCT's bound: the hunt's, or under --swarm the most a shape draws (the bound
 *  is then the one of the largest shape). */
export const boundCpus = (o: HuntOptions): number => (o.swarm ? swarmMaxCpus(o.swarm) : o.machine.cpus);

/** The options a finding is investigated under: the hunt's, or under --swarm with the
 *  machine and mix its execution drew (so its repro holds them). */
export function findingOptions(o: HuntOptions, x: { machine?: ReproMachine; mix?: string }): HuntOptions {
  if (!x.machine) return o;
  const { mix: _, ...rest } = o;
  return { ...rest, machine: x.machine, ...(x.mix ? { mix: parseMix(x.mix) } : {}) };
}

/** A replayer of o's machine: `prev` when it has that machine, else a new one. */
export async function replayerFor(prev: Replayer | undefined, o: HuntOptions): Promise<Replayer> {
  return prev && sameMachine(prev.machine, o.machine) ? prev : Replayer.create(o.machine, o.model.flags, o.backend);
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
    shape: o.swarm !== undefined,
  });
  const repro = reproOf(rep, o, shrunk);
  const trace = await replayTraced(repro, rep);
  const original = sizeOf(rep, ops, seed, schedule);
  const shrunkSize = sizeOf(
    sameMachine(shrunk.machine, o.machine) ? rep : await rep.resized(shrunk.machine),
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
