// `faultsim hunt` (`faultsim merge` is merge.ts, `faultsim replay` replay.ts). Errors are
// thrown as UsageError / InputError / InternalError and turned into one line and exit 2 / 2 / 3
// by src/cli.ts; a violation found sets process.exitCode = 1.
import { boundedOption, intOption, fractionOption, seedOption, flagOf, powerOfTwoOption, MS_MAX } from "../options.js";
import type { Command } from "commander";
import path from "node:path";
import { UsageError } from "../errors.js";
import { fmtCount as num, fmtRate as rate } from "../report/text.js";
import { resolveModel, modelOutput, modelOfOutput, unshippedNotes } from "../model/models.js";
import type { Backend } from "../wasm/engine.js";
import { reproFileHolds, sameReproFile, sweepStaleTemps, writeRepro, type ReproMachine } from "../report/repro.js";
import { faultsimVersion, modelId } from "../report/version.js";
import type { CampaignHuntOptions } from "../workers/hunt-workers.js";
import { HUNT_DEFAULTS } from "../explore/defaults.js";
import type { DeferredFinding, HuntOptions, HuntResult, SchedKind } from "../explore/hunt-options.js";
import { HUNT_LIMITS, HUNT_MACHINE, HUNT_OPCAP, clippedWatermarks, huntMachineFor } from "../explore/machine.js";
import {
  HUNT_NO_KSWAPD,
  huntOpsPerCpu,
  huntOpsWithoutKswapd,
  huntProcessMms,
  huntThreads,
  pagesWithoutKswapd,
} from "../explore/defaults.js";
import type { FindingFormat } from "../report/finding.js";
import { FIXED_BY_STREAM } from "./hunt-option-kinds.js";
import { huntJson, huntText, type EarlierFinding, type HuntReport } from "../report/hunt-summary.js";
import { fmtMix, mixForks, mixSwaps, parseMix } from "../explore/mix.js";
import { SHAPE_OPTIONS, pagesFollowing, pinsOfSwarm, swarmOf, swarmOfPins } from "../explore/swarm.js";
import { noPressureNote, swapReachable } from "../explore/pressure.js";
import { EXECUTION_SPACE, shardRange, type ShardPlan } from "../explore/shard.js";
import { checkFindings, readStream, type CampaignStream, type FindingCheck, type StreamOptions } from "../explore/campaign-stream.js";
import type { HuntCheckpoint } from "../explore/checkpoint.js";
import { EVENTS_VERSION, EventStream, progressEvent } from "./event-stream.js";
import { StreamLock } from "./stream-lock.js";
import { checkOutDir, stopOnSignals } from "./out-dir.js";
import { nowMs } from "../clock.js";

export { checkOutDir };

export { HUNT_DEFAULT_MODEL } from "../explore/defaults.js";

/** `faultsim hunt`'s options as commander hands them over (strings, as typed). */
export interface HuntCli {
  model: string;
  with: string[];
  without: string[];
  sched: SchedKind | "exhaustive";
  depth: string;
  seed: string;
  budgetMs: string;
  executions?: string;
  ops?: string;
  cpus: string;
  frames: string;
  pages?: string;
  /** --slots (absent: the model's hunt machine's, src/explore/defaults.ts). */
  slots?: string;
  pageCluster: string;
  /** --jiffy-steps (absent: the model's own clock). */
  jiffySteps?: string;
  kswapd?: boolean;
  /** --threads / --no-threads (absent: the model's default, src/explore/defaults.ts). */
  threads?: boolean;
  writeRatio: string;
  /** --mix: `all` or kind=rate,... (absent: reads and writes by --write-ratio). */
  mix?: string;
  /** --mms / --areas (absent: from the mix and --threads). */
  mms?: string;
  areas?: string;
  /** --swarm / --no-swarm (absent: swarm for a fixed kernel given no shape option). */
  swarm?: boolean;
  shrinkMs: string;
  keepGoing?: boolean;
  full?: boolean;
  /** --format: the column diagram or KCSAN's report. */
  format?: FindingFormat;
  out: string;
  json?: boolean;
  backend: Backend;
  workers: string;
  jsonl?: string;
  shard?: string;
  /** --defer-shrink / --no-defer-shrink (absent: on with --shard of 2 or more parts and --jsonl). */
  deferShrink?: boolean;
  resume?: string;
  /** --sched exhaustive (src/explore/exhaustive-cli.ts). */
  preemptions: string;
  opList?: string;
  exhaustiveOps?: string;
}

/** Shard counts a campaign may be cut into. */
const MAX_SHARDS = 65536;

/** `--shard i/n` (part i of n, 0-based), or `--shard n` with the part from Kubernetes Indexed
 *  Jobs' JOB_COMPLETION_INDEX. */
export function shardPlan(spec: string, executions: number, env: NodeJS.ProcessEnv = process.env): ShardPlan {
  const m = /^(?:(\d+)\/)?(\d+)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--shard ${spec}: expected i/n (part i of n, 0-based) or n (the part from JOB_COMPLETION_INDEX)`);
  const count = intOption("shard", m[2], 1, MAX_SHARDS);
  let index: number;
  if (m[1] !== undefined) index = Number(m[1]);
  else {
    const v = env.JOB_COMPLETION_INDEX;
    if (v === undefined || !/^\d+$/.test(v)) {
      throw new UsageError(
        `--shard ${spec}: the part is not given and JOB_COMPLETION_INDEX is ${v === undefined ? "not set" : `not a number (${v})`}`,
      );
    }
    index = Number(v);
  }
  if (index >= count) throw new UsageError(`--shard: part ${index} of ${count} does not exist (parts are 0..${count - 1})`);
  if (Number.isFinite(executions) && executions > EXECUTION_SPACE)
    throw new UsageError(`--executions ${executions}: a sharded campaign has at most 2^32 executions`);
  const total = Number.isFinite(executions) ? executions : EXECUTION_SPACE;
  const range = shardRange(index, count, total);
  if (range.executions === 0) {
    throw new UsageError(`--shard ${index}/${count}: the campaign's ${total} executions leave this part none (give at least ${count})`);
  }
  return { index, count, total, ...range };
}

/** Validates and resolves `hunt`'s options (the CLI's and the API's, src/index.ts). `given`
 *  tells an option given from one left at its default (--swarm's default depends on it). */
export function huntOptions(
  o: HuntCli,
  env: NodeJS.ProcessEnv = process.env,
  given: (key: keyof HuntCli) => boolean = () => false,
  directDefaults = true,
): { opts: HuntOptions; out: string; workers: number; shard?: ShardPlan } {
  const model = resolveModel(o.model, o.with, o.without);
  // --sched exhaustive comes here for its machine and model only (exhaustiveHunt).
  const sched: SchedKind = o.sched === "random" ? "random" : "pct";
  // Without kswapd, the options not given take the direct-reclaim machine (HUNT_NO_KSWAPD):
  // processes, 4 CPUs, fewer pages per mm, 6 ops with PCT.
  const direct = directDefaults && o.kswapd === false;
  const cpus = direct && !given("cpus") ? HUNT_NO_KSWAPD.cpus : boundedOption("cpus", o.cpus, HUNT_LIMITS.cpus);
  const frames = boundedOption("frames", o.frames, HUNT_LIMITS.frames);
  const mix = o.mix === undefined ? undefined : parseMix(o.mix);
  // A fork needs a child mm beside its parent; a mix that swaps off gets a second area to
  // swap to meanwhile.
  const threads = o.threads ?? (direct ? HUNT_NO_KSWAPD.threads : huntThreads(o.model));
  const mmsDefault = threads ? (mixForks(mix) ? 2 : 1) : direct ? cpus : huntProcessMms(o.model, sched, cpus);
  const mms = o.mms === undefined ? mmsDefault : boundedOption("mms", o.mms, HUNT_LIMITS.mms);
  const areas = o.areas === undefined ? (mixSwaps(mix) ? 2 : HUNT_MACHINE.areas) : boundedOption("areas", o.areas, HUNT_LIMITS.areas);
  const machine: ReproMachine = {
    ...HUNT_MACHINE,
    cpus,
    frames,
    ...clippedWatermarks(frames),
    // Without kswapd, pages follow frames unless given: the hunt machine's 4 pages fit in its
    // free frames above pages_min, and direct reclaim would seldom run (swarm.ts
    // pagesFollowing); several mms share them (defaults.ts pagesWithoutKswapd).
    pagesPerMm:
      o.pages !== undefined
        ? boundedOption("pages", o.pages, HUNT_LIMITS.pages)
        : o.kswapd === false
          ? direct
            ? pagesWithoutKswapd(frames, mms)
            : pagesFollowing(frames, false)
          : huntMachineFor(o.model, sched).pagesPerMm,
    slotsPerArea: o.slots === undefined ? huntMachineFor(o.model).slotsPerArea : boundedOption("slots", o.slots, HUNT_LIMITS.slots),
    pageCluster: boundedOption("page-cluster", o.pageCluster, HUNT_LIMITS.pageCluster),
    kswapd: o.kswapd !== false,
    mms,
    areas,
    ...(o.jiffySteps === undefined ? {} : { jiffySteps: powerOfTwoOption("jiffy-steps", o.jiffySteps, HUNT_LIMITS.jiffySteps) }),
  };
  const writeRatio = fractionOption("write-ratio", o.writeRatio);
  // Given where nothing reads them, they would be dropped without a word.
  if (mix && given("writeRatio"))
    throw new UsageError("--write-ratio splits the ops without --mix: give read= and write= rates in the mix");
  if (sched === "random" && given("depth")) throw new UsageError("--depth is PCT's bug depth: --sched random has none");
  const opts: HuntOptions = {
    model,
    machine,
    sched,
    depth: boundedOption("depth", o.depth, HUNT_LIMITS.depth),
    // Kept as written (echoed as written); every use of it is 32-bit arithmetic, so 4294967295
    // hunts exactly as -1 does.
    seed: seedOption(o.seed),
    budgetMs: intOption("budget-ms", o.budgetMs, 1, MS_MAX),
    executions: o.executions === undefined ? HUNT_DEFAULTS.executions : intOption("executions", o.executions, 1, Number.MAX_SAFE_INTEGER),
    opsPerCpu:
      o.ops !== undefined
        ? intOption("ops", o.ops, 1, HUNT_OPCAP)
        : direct
          ? huntOpsWithoutKswapd(o.model, sched)
          : huntOpsPerCpu(o.model, sched),
    shareMm: threads,
    writeRatio,
    ...(mix ? { mix } : {}),
    keepGoing: o.keepGoing === true,
    backend: o.backend,
    shrinkMs: intOption("shrink-ms", o.shrinkMs, 0, MS_MAX),
  };
  const pinned = SHAPE_OPTIONS.filter((k) => given(k) || (k === "mix" && o.mix !== undefined));
  const swarm = swarmOf(opts, o.swarm, pinned, o.with.length + o.without.length > 0);
  if (swarm) opts.swarm = swarm;
  const workers = intOption("workers", o.workers, 1, 64);
  const shard = o.shard === undefined ? undefined : shardPlan(o.shard, opts.executions, env);
  if (shard) {
    opts.firstExecution = shard.first;
    opts.executions = shard.executions;
  }
  if (deferShrink(o, shard)) opts.deferShrink = true;
  return { opts, out: o.out, workers, ...(shard ? { shard } : {}) };
}

/** Whether findings are recorded unshrunk for `faultsim merge` (--defer-shrink): by default
 *  in a shard of 2 or more whose stream a merge will read, so that n shards finding one
 *  signature do not shrink it n times. Only merge shrinks them: a stream is needed. */
function deferShrink(o: HuntCli, shard: ShardPlan | undefined): boolean {
  if (o.deferShrink === undefined) return shard !== undefined && shard.count > 1 && o.jsonl !== undefined;
  if (o.deferShrink && o.jsonl === undefined) {
    throw new UsageError("--defer-shrink leaves shrinking to `faultsim merge`, which reads the event stream: give --jsonl");
  }
  return o.deferShrink;
}

/** A live status line on stderr when it is a terminal. */
function progressLine(): { update(executions: number, findings: number, ms: number): void; done(): void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  return {
    update(executions, findings, ms) {
      process.stderr.write(
        `\rhunting: ${num(executions)} executions (${rate(executions / (ms / 1000))}), ${findings} found, ${(ms / 1000).toFixed(1)} s `,
      );
    },
    done() {
      process.stderr.write("\r\x1b[K");
    },
  };
}

/** Progress events on the --jsonl stream: every ~2 s. */
const PROGRESS_EVENT_MS = 2000;

/** How a hunt runs: a new campaign, or a killed one resumed from its event stream. */
interface HuntPlan {
  opts: HuntOptions;
  out: string;
  workers: number;
  engine: StreamOptions["engine"];
  shard?: ShardPlan;
  /** --resume: the stream read back (appended to from here). */
  resumed?: CampaignStream;
  /** This process's claim on the --jsonl or --resume stream (released when the hunt ends). */
  lock?: StreamLock;
  /** --resume: --budget-ms was given (this leg's own budget). */
  budgetGiven?: boolean;
}

function newPlan(o: HuntCli, cmd: Command): HuntPlan {
  const { opts, out, workers, shard } = huntOptions(o, process.env, (k) => cmd.getOptionValueSource(k) === "cli");
  // Shards must not depend on each other's executions: PCT's k fixed first, as with workers.
  return { opts, out, workers, shard, engine: workers > 1 || shard ? "campaign" : "adaptive" };
}

/** `hunt --resume FILE`: the campaign of FILE's start event, from its last checkpoint. Only
 *  --budget-ms (this leg's), --workers (campaign engine) and the output options may be given. */
function resumePlan(o: HuntCli, cmd: Command, findingCheck?: FindingCheck): HuntPlan {
  const file = o.resume as string;
  for (const key of FIXED_BY_STREAM) {
    if (cmd.getOptionValueSource(key) === "cli") {
      throw new UsageError(`--resume takes the campaign's options from ${file}: ${flagOf(key)} cannot be given with it`);
    }
  }
  // Read once to refuse what is no stream, then again under the claim: what a writer that
  // has just ended appended meanwhile is part of the campaign this leg continues. A campaign
  // that ended by itself is only reported (huntPlanned): it writes nothing and claims nothing,
  // so a stream on a read-only disk can still be asked.
  const first = readStream(file);
  if (findingCheck) checkFindings(first, findingCheck);
  const budgetGiven = cmd.getOptionValueSource("budgetMs") === "cli";
  if (nothingToResume(first, budgetGiven)) return resumePlanOf(o, cmd, file, first, budgetGiven, undefined);
  const lock = StreamLock.acquire(file, "--resume");
  try {
    const s = readStream(file);
    if (findingCheck) checkFindings(s, findingCheck);
    return resumePlanOf(o, cmd, file, s, budgetGiven, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** resumePlan's plan from the stream s as read (under this process's claim when `lock`);
 *  budgetGiven: --budget-ms was given (this leg's own budget). */
function resumePlanOf(
  o: HuntCli,
  cmd: Command,
  file: string,
  s: CampaignStream,
  budgetGiven: boolean,
  lock: StreamLock | undefined,
): HuntPlan {
  const so = s.start.options;
  const id = modelId(so.backend) ?? null;
  if (s.start.modelId !== id) {
    throw new UsageError(
      `--resume ${file}: recorded by model build ${s.start.modelId ?? "unknown"}, this is ${id ?? "unknown"}: its executions would differ`,
    );
  }
  let workers = so.workers;
  if (cmd.getOptionValueSource("workers") === "cli") {
    workers = intOption("workers", o.workers, 1, 64);
    if (so.engine === "adaptive" && workers > 1) {
      throw new UsageError(
        `--resume ${file}: the campaign ran in one thread (its PCT k refined as it went): it cannot go on with --workers`,
      );
    }
  }
  const before = s.checkpoint?.elapsedMs ?? 0;
  const opts: HuntOptions = {
    model: modelOfOutput(s.start.model),
    machine: so.machine,
    sched: so.sched,
    depth: so.depth ?? HUNT_DEFAULTS.depth,
    seed: so.seed,
    // The budget is the whole campaign's; --budget-ms here gives this leg its own.
    budgetMs: budgetGiven ? intOption("budget-ms", o.budgetMs, 1, 2 ** 31) + before : so.budgetMs,
    executions: so.executions ?? Number.POSITIVE_INFINITY,
    opsPerCpu: so.opsPerCpu,
    shareMm: so.shareMm,
    writeRatio: so.writeRatio,
    ...(so.mix !== undefined ? { mix: parseMix(so.mix) } : {}),
    ...(so.swarm ? { swarm: swarmOfPins(so.swarm, so) } : {}),
    keepGoing: so.keepGoing,
    backend: so.backend,
    shrinkMs: so.shrinkMs,
    firstExecution: so.first,
    ...(so.deferShrink ? { deferShrink: true } : {}),
    resumeFrom: s.checkpoint,
    resumed: true,
  };
  return {
    opts,
    out: so.out,
    workers,
    engine: so.engine,
    shard: so.shard && { ...so.shard, first: so.first, executions: so.executions ?? 0 },
    resumed: s,
    ...(lock ? { lock } : {}),
    budgetGiven,
  };
}

export async function huntCommand(o: HuntCli, cmd: Command): Promise<void> {
  if (o.sched === "exhaustive") {
    if (cmd.getOptionValueSource("depth") === "cli") throw new UsageError("--depth is PCT's bug depth: --sched exhaustive has none");
    // What the bounded search does not read (src/explore/exhaustive-cli.ts): it runs one op
    // list on one machine, stops at its first violation, which has the fewest preemptions any
    // schedule needs, and does not shrink it. Given, these were dropped without a word.
    for (const [key, why] of [
      ["swarm", "searches the one machine of the shape options"],
      ["keepGoing", "stops at its first violation (the fewest preemptions)"],
      ["executions", "runs every schedule up to --preemptions, not executions (--budget-ms bounds it)"],
      ["shrinkMs", "does not shrink: its violation has the fewest preemptions already"],
    ] as const) {
      if (cmd.getOptionValueSource(key) === "cli" && o[key] !== false) throw new UsageError(`${flagOf(key)}: --sched exhaustive ${why}`);
    }
    return exhaustiveHunt(o);
  }
  for (const key of ["preemptions", "opList", "exhaustiveOps"] as const) {
    if (cmd.getOptionValueSource(key) === "cli") throw new UsageError(`${flagOf(key)} needs --sched exhaustive`);
  }
  // The stream's writer claims it before anything is written (stream-lock.ts): a resume of a
  // campaign that is still running, or two resumes at once, would append two campaigns to one
  // file. A new --jsonl stream is claimed once it is known to be creatable; a resumed one
  // once it reads as a stream (resumePlan), which then reads it again under the claim.
  // SIGINT, SIGTERM and SIGHUP end the hunt early; the summary and findings are still printed.
  // Caught from before the claim, so that a signal that comes while the stream is claimed
  // but before the hunt starts still ends it cleanly, the claim released.
  const stop = stopOnSignals();
  let plan: HuntPlan | undefined;
  try {
    // A resumed stream's findings are checked against their schema (zod: loaded only here).
    const findingCheck = o.resume !== undefined ? (await import("../schema/outputs.js")).FindingEventSchema : undefined;
    plan = o.resume !== undefined ? resumePlan(o, cmd, findingCheck) : newPlan(o, cmd);
    if (!plan.resumed) {
      EventStream.precheck(o.jsonl);
      if (o.jsonl !== undefined && o.jsonl !== "-") plan.lock = StreamLock.acquire(o.jsonl, "--jsonl");
    }
    await huntPlanned(o, plan, stop.signal);
  } finally {
    stop.release();
    plan?.lock?.release();
  }
}

/** huntCommand past the exhaustive search's branch, with the stream (if any) claimed; `signal`
 *  stops the hunt early. */
async function huntPlanned(o: HuntCli, plan: HuntPlan, signal: AbortSignal): Promise<void> {
  if (plan.resumed && nothingToResume(plan.resumed, plan.budgetGiven === true)) {
    return reportFinished(plan.resumed);
  }
  // Before the first execution: the repro directory, then the event stream (created last,
  // so that a bad --out leaves no stream file behind; checked first (huntCommand), so that a
  // --jsonl it cannot take leaves no --out directory behind).
  checkOutDir(plan.out);
  // A killed campaign may have left a temporary repro file (never a partial repro).
  if (plan.resumed) sweepStaleTemps(plan.out);
  if (plan.resumed) restoreEarlierRepros(plan.resumed, plan.out);
  const events = plan.resumed ? EventStream.append(plan.resumed) : EventStream.open(o.jsonl);
  // With --jsonl -, stdout is the event stream: the summary goes to stderr.
  const summary = o.jsonl === "-" ? process.stderr : process.stdout;
  try {
    await huntRun(o, plan, events, summary, signal);
  } finally {
    events.close();
  }
}

/** --resume: the repro files of the findings before it that are gone (an --out directory lost
 *  with its pod, or cleaned up while the stream was kept) written again from the stream, whose
 *  finding lines hold each repro: the summary never names a file that is not there. A file at
 *  that name, whatever it holds, is left as it is; only files of this campaign's --out. */
function restoreEarlierRepros(s: CampaignStream, out: string): void {
  for (const f of s.findings) {
    if (f.file === null || path.resolve(path.dirname(f.file)) !== path.resolve(out)) continue;
    if (reproFileHolds(f.file, f.repro) !== "missing") continue;
    const was = f.file;
    try {
      f.file = sameReproFile(out, f.repro) ?? writeRepro(out, f.repro);
      const as = f.file === was ? "" : ` as ${f.file}`;
      process.stderr.write(
        `faultsim: note: ${was} (${f.signature}, found before the resume) was gone: written again from the stream${as}\n`,
      );
    } catch (err) {
      const why = (err as { code?: string }).code ?? (err as Error).message;
      process.stderr.write(
        `faultsim: note: ${was} (${f.signature}) is gone and cannot be written again (${why}); its repro is in the stream\n`,
      );
    }
  }
}

/** Whether resuming stream s would run no execution: the campaign ended by itself and
 *  nothing of it is left (its executions all run, or its first finding ended it), or only its
 *  budget ended it and this leg gives it no new one (--budget-ms). A leg that runs nothing
 *  would only append an empty resume and end to the user's stream. */
function nothingToResume(s: CampaignStream, budgetGiven: boolean): boolean {
  if (!s.finished) return false;
  const so = s.start.options;
  const next = s.checkpoint?.next ?? so.first;
  const executionsLeft = so.executions === null || next < so.first + so.executions;
  const findingEnded = !so.keepGoing && (s.checkpoint?.signatures.length ?? 0) > 0;
  return !budgetGiven || !executionsLeft || findingEnded;
}

/** `hunt --resume` of a campaign with nothing left: one line on stderr, the stream untouched,
 *  and the campaign's own exit code (1: it found something). */
function reportFinished(s: CampaignStream): void {
  const c = s.checkpoint;
  const n = c ? c.next - c.first : 0;
  const sigs = c?.signatures.length ?? 0;
  process.stderr.write(
    `faultsim: ${s.file}: the campaign ended by itself (${n} executions, ${sigs} signature${sigs === 1 ? "" : "s"}): nothing is left to resume` +
      ` (\`faultsim merge ${s.file}\` summarises it; --budget-ms gives a campaign that ran out of budget more time)\n`,
  );
  if (sigs > 0) process.exitCode = 1;
}

/** --ops of `hunt --sched exhaustive` unless given: 3 CPUs of 2 ops each stay within reach of
 *  K = 2 in seconds (src/explore/exhaustive.ts). */
export const EXHAUSTIVE_OPS_PER_CPU = 2;

/** `hunt --sched exhaustive`: the bounded proof (src/explore/exhaustive-cli.ts). */
async function exhaustiveHunt(o: HuntCli): Promise<void> {
  if (o.resume !== undefined || o.shard !== undefined || o.jsonl !== undefined || o.workers !== "1") {
    throw new UsageError("--sched exhaustive runs in one thread: --resume, --shard, --jsonl and --workers do not apply");
  }
  // Its machine and model as the hunt's; its op list is one execution's (2 ops per CPU unless --ops).
  const { opts, out } = huntOptions({ ...o, sched: "pct", ops: o.ops ?? String(EXHAUSTIVE_OPS_PER_CPU) }, process.env, undefined, false);
  checkOutDir(out);
  const stop = stopOnSignals();
  try {
    const { exhaustiveCommand } = await import("../explore/exhaustive-cli.js");
    const code = await exhaustiveCommand(opts, o, out, { json: o.json, full: o.full === true, format: o.format }, stop.signal);
    if (code) process.exitCode = code;
  } finally {
    stop.release();
  }
}

/** The start event's options: enough to resume the campaign (src/explore/campaign-stream.ts). */
function streamOptions(p: HuntPlan): StreamOptions {
  const o = p.opts;
  return {
    machine: o.machine,
    sched: o.sched,
    depth: o.sched === "pct" ? o.depth : undefined,
    seed: o.seed,
    budgetMs: o.budgetMs,
    executions: Number.isFinite(o.executions) ? o.executions : null,
    opsPerCpu: o.opsPerCpu,
    shareMm: o.shareMm,
    writeRatio: o.writeRatio,
    ...(o.mix ? { mix: fmtMix(o.mix) } : {}),
    ...(o.swarm ? { swarm: pinsOfSwarm(o.swarm) } : {}),
    keepGoing: o.keepGoing,
    backend: o.backend,
    shrinkMs: o.shrinkMs,
    workers: p.workers,
    out: p.out,
    engine: p.engine,
    first: o.firstExecution ?? 0,
    ...(p.shard ? { shard: { index: p.shard.index, count: p.shard.count, total: p.shard.total } } : {}),
    ...(o.deferShrink ? { deferShrink: true } : {}),
  };
}

async function huntRun(o: HuntCli, plan: HuntPlan, events: EventStream, summary: NodeJS.WriteStream, signal: AbortSignal): Promise<void> {
  const { opts, out, workers } = plan;
  opts.out = out;
  const started = nowMs();
  if (plan.resumed) {
    events.write({
      event: "resume",
      schemaVersion: EVENTS_VERSION,
      time: new Date().toISOString(),
      pid: process.pid,
      from: opts.resumeFrom?.next ?? opts.firstExecution ?? 0,
    });
  } else {
    events.write({
      event: "start",
      schemaVersion: EVENTS_VERSION,
      time: new Date().toISOString(),
      pid: process.pid,
      version: faultsimVersion(),
      modelId: modelId(opts.backend) ?? null,
      model: modelOutput(opts.model),
      options: streamOptions(plan),
    });
  }
  // A machine that can never run short of memory never swaps: say so (pressure.ts).
  if (!opts.swarm && !swapReachable(opts.machine)) process.stderr.write(`faultsim: note: ${noPressureNote(opts.machine)}\n`);
  // A flag set no release was, one that takes interleavings every release ruled out: say so.
  for (const note of unshippedNotes(opts.model.flags, opts.model.flags2)) process.stderr.write(`faultsim: note: ${note}\n`);
  const bar = o.json ? undefined : progressLine();
  let lastEvent = started;
  opts.onProgress = (p) => bar?.update(p.executions, p.findings, p.elapsedMs);
  // Progress events carry the checkpoint --resume continues from: every ~2 s.
  opts.onCheckpoint = (c: HuntCheckpoint) => {
    const now = nowMs();
    if (!events.active || now - lastEvent < PROGRESS_EVENT_MS) return;
    lastEvent = now;
    events.write(progressEvent(c));
  };
  // A finding event carries the checkpoint past it, in the same line: a kill can come before
  // the line or after it, never between the finding and its checkpoint, so a resumed
  // campaign never investigates it again (nor writes it twice into the stream).
  const writeFinding = (
    f: DeferredFinding,
    how: { shrinkInterrupted: boolean; shrinkDeferred?: true },
    checkpoint: HuntCheckpoint | undefined,
  ): void => {
    events.write({
      event: "finding",
      schemaVersion: EVENTS_VERSION,
      signature: f.signature,
      execution: f.execution,
      // On the campaign's clock (the legs before a resume included), as progress and end
      // count it: the command's own start comes before the engine's, and under load a
      // finding then looked later than the end.
      elapsedMs: Math.round(checkpoint?.elapsedMs ?? nowMs() - started),
      file: f.file || null,
      ...(f.fileError ? { fileError: f.fileError } : {}),
      ...how,
      repro: f.repro,
      ...(checkpoint ? { checkpoint } : {}),
    });
  };
  opts.onFinding = (f, checkpoint) => writeFinding(f, { shrinkInterrupted: f.shrinkInterrupted }, checkpoint);
  // --defer-shrink: the same line, its repro as found; `faultsim merge` shrinks it.
  opts.onDeferred = (f, checkpoint) => writeFinding(f, { shrinkInterrupted: false, shrinkDeferred: true }, checkpoint);
  const onWorkerRetry: CampaignHuntOptions["onWorkerRetry"] = (w) => {
    process.stderr.write(
      `faultsim: note: worker ${w.worker} died (${w.reason})` +
        (w.chunk ? `; executions ${w.chunk.first}..${w.chunk.first + w.chunk.count - 1} run again on a new worker\n` : "; replaced\n"),
    );
    events.write({ event: "retry", schemaVersion: EVENTS_VERSION, ...w });
  };
  opts.signal = signal;
  let r: HuntResult;
  try {
    // The engine's module alone: a shard loads the campaign, not the one-thread hunt.
    r =
      plan.engine === "campaign"
        ? await (await import("../workers/hunt-workers.js")).huntInWorkers(Object.assign(opts, { onWorkerRetry }), workers)
        : await (await import("../explore/hunt.js")).hunt(opts);
  } finally {
    bar?.done();
  }
  // Findings of the legs before a resume: their repro files are on disk already.
  const earlier = earlierFindings(plan, r);
  const files = r.findings.map((f) => f.file ?? "");
  const code = r.checkpoint.signatures.length > 0 ? 1 : 0;
  events.write({
    event: "end",
    schemaVersion: EVENTS_VERSION,
    executions: r.executions,
    elapsedMs: Math.round(r.elapsedMs),
    huntingMs: Math.round(r.huntingMs),
    findings: r.checkpoint.signatures.length,
    signatures: r.checkpoint.signatures,
    hits: r.hits,
    hash: r.hash,
    interrupted: r.interrupted,
    exitCode: code,
    checkpoint: r.checkpoint,
  });
  const report: HuntReport = { o: opts, r, files, workers, earlier, shard: plan.shard, draw: { full: o.full === true, format: o.format } };
  summary.write(o.json ? JSON.stringify(huntJson(report)) + "\n" : huntText(report));
  // A repro that could not be written (a full disk): one line, and the repro itself on
  // stderr so that nothing is lost; the exit code stays the violation's.
  for (const f of [...r.findings, ...r.deferred]) {
    if (!f.fileError) continue;
    process.stderr.write(`faultsim: --out ${out}: cannot write the repro file of ${f.signature} (${f.fileError}); the repro follows\n`);
    process.stderr.write(JSON.stringify(f.repro) + "\n");
  }
  if (code) process.exitCode = code;
}

function earlierFindings(plan: HuntPlan, r: HuntResult): EarlierFinding[] {
  const known = new Set(plan.opts.resumeFrom?.signatures ?? []);
  const out: EarlierFinding[] = [];
  for (const f of plan.resumed?.findings ?? []) {
    if (!known.has(f.signature) || out.some((e) => e.signature === f.signature)) continue;
    if (r.findings.some((g) => g.signature === f.signature) || r.deferred.some((g) => g.signature === f.signature)) continue;
    out.push({ signature: f.signature, execution: f.execution, file: f.file });
  }
  return out;
}
