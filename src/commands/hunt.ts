// `faultsim hunt` and `faultsim replay`. Errors are thrown as UsageError / InputError /
// InternalError and turned into one line and exit 2 / 2 / 3 by src/cli.ts; a violation found
// (or reproduced) sets process.exitCode = 1.
import { boundedOption, intOption, fractionOption, seedOption, MS_MAX } from "../options.js";
import path from "node:path";
import { accessSync, closeSync, constants as fsc, openSync, statSync, writeSync } from "node:fs";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { fmtCount as num, fmtRate as rate } from "../report/text.js";
import { resolveModel } from "../model/models.js";
import { BUILD_WASM, type Backend } from "../wasm/engine.js";
import { sweepStaleTemps, type Repro, type ReproMachine } from "../report/repro.js";
import { faultsimVersion, modelBuild, modelId, modelIdFileFor, type ModelBuild } from "../report/version.js";
import { huntInWorkers, type CampaignHuntOptions } from "../workers/hunt-workers.js";
import { hunt, HUNT_DEFAULTS, type HuntOptions, type HuntResult, type SchedKind } from "../explore/hunt.js";
import { HUNT_LIMITS, HUNT_MACHINE, HUNT_OPCAP, clippedWatermarks, huntMachineFor } from "../explore/machine.js";
import { HUNT_NO_KSWAPD, huntOpsPerCpu, huntOpsWithoutKswapd, huntThreads, pagesWithoutKswapd } from "../explore/defaults.js";
import { fmtPctBound } from "../explore/pct.js";
import { diagramOf } from "../explore/replay.js";
import { drawFinding, type DrawOptions, type FindingFormat } from "../report/finding.js";
import { fmtMix, mixForks, mixSwaps, parseMix } from "../explore/mix.js";
import { SHAPE_OPTIONS, fmtShape, pagesFollowing, pinsOfSwarm, swarmOf, swarmOfPins } from "../explore/swarm.js";
import { noPressureNote, swapReachable } from "../explore/pressure.js";
import { EXECUTION_SPACE, shardRange } from "../explore/shard.js";
import { dropPartialLine, readStream, type CampaignStream, type StreamOptions } from "../explore/campaign-stream.js";
import type { HuntCheckpoint } from "../explore/checkpoint.js";
import { mergeStreams, mergeText } from "../explore/merge.js";
import type { HuntEvent, HuntJson, ReplayJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";

/** Every --jsonl event carries it (src/schema/outputs.ts HuntEventSchema). */
const EVENTS_VERSION = OUTPUT_SCHEMA_VERSIONS.huntEvents;

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
  pages: string;
  /** --slots (absent: the model's hunt machine's, src/explore/defaults.ts). */
  slots?: string;
  pageCluster: string;
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
  resume?: string;
  /** --sched exhaustive (src/explore/exhaustive-cli.ts). */
  preemptions: string;
  opList?: string;
  exhaustiveOps?: string;
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
  return { index, count, total, ...shardRange(index, count, total) };
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
  const mmsDefault = threads ? (mixForks(mix) ? 2 : 1) : cpus;
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
      o.kswapd === false && !given("pages")
        ? direct
          ? pagesWithoutKswapd(frames, mms)
          : pagesFollowing(frames, false)
        : boundedOption("pages", o.pages, HUNT_LIMITS.pages),
    slotsPerArea: o.slots === undefined ? huntMachineFor(o.model).slotsPerArea : boundedOption("slots", o.slots, HUNT_LIMITS.slots),
    pageCluster: boundedOption("page-cluster", o.pageCluster, HUNT_LIMITS.pageCluster),
    kswapd: o.kswapd !== false,
    mms,
    areas,
  };
  const writeRatio = fractionOption("write-ratio", o.writeRatio);
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
  if (o.shard === undefined) return { opts, out: o.out, workers };
  const shard = shardPlan(o.shard, opts.executions, env);
  opts.firstExecution = shard.first;
  opts.executions = shard.executions;
  return { opts, out: o.out, workers, shard };
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

/** --out must be a writable directory, checked before the first execution. */
export function checkOutDir(dir: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`--out ${dir}: ${code === "ENOENT" ? "no such directory" : `cannot use it (${code ?? (err as Error).message})`}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--out ${dir}: not a directory`);
  try {
    accessSync(dir, fsc.W_OK | fsc.X_OK);
  } catch {
    throw new UsageError(`--out ${dir}: directory not writable`);
  }
}

/** The --jsonl event stream: one JSON object a line, each written at once with a blocking
 *  write (nothing buffered in this process). A reader that went away ends the stream, not
 *  the hunt. */
export class EventStream {
  private constructor(
    private fd: number | undefined,
    private readonly own: boolean,
  ) {}

  /** `-` is stdout; a file must not exist yet (never overwritten). */
  static open(target: string | undefined): EventStream {
    if (target === undefined) return new EventStream(undefined, false);
    if (target === "-") return new EventStream(1, false);
    let fd: number;
    try {
      fd = openSync(target, "wx");
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new UsageError(
        code === "EEXIST"
          ? `--jsonl ${target}: the file exists (an event stream never overwrites one)`
          : `--jsonl ${target}: cannot create it (${code ?? (err as Error).message})`,
      );
    }
    return new EventStream(fd, true);
  }

  /** A stream being resumed: appended to (its partial last line, if any, cut first). */
  static append(s: CampaignStream): EventStream {
    let fd: number;
    try {
      dropPartialLine(s);
      fd = openSync(s.file, "a");
    } catch (err) {
      throw new UsageError(`--resume ${s.file}: cannot append to it (${(err as { code?: string }).code ?? (err as Error).message})`);
    }
    return new EventStream(fd, true);
  }

  get active(): boolean {
    return this.fd !== undefined;
  }

  write(event: HuntEvent): void {
    if (this.fd === undefined) return;
    const buf = Buffer.from(JSON.stringify(event) + "\n", "utf8");
    try {
      for (let off = 0; off < buf.length; ) {
        try {
          off += writeSync(this.fd, buf, off, buf.length - off);
        } catch (err) {
          if ((err as { code?: string }).code !== "EAGAIN") throw err;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // a full pipe: wait 1 ms
        }
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EPIPE") {
        this.close();
        return;
      } // the reader is gone
      this.close();
      throw new UsageError(`--jsonl: cannot write the event stream (${code ?? (err as Error).message})`);
    }
  }

  close(): void {
    if (this.fd !== undefined && this.own) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    this.fd = undefined;
  }
}

/** What a hunt's summary is made of, for its text and its --json forms. */
interface HuntReport {
  o: HuntOptions;
  r: HuntResult;
  /** Each finding's repro file ("" where none was written). */
  files: string[];
  workers: number;
  /** Findings of the campaign before a --resume. */
  earlier: EarlierFinding[];
  shard?: ShardPlan;
  draw: DrawOptions;
}

function huntText({ o, r, files, workers, earlier, shard, draw }: HuntReport): string {
  const m = o.machine;
  const lines: string[] = [
    `hunt ${o.model.name} (${o.model.flagNames.join(", ") || "no flags"}): ${m.cpus} CPUs${m.kswapd ? " + kswapd" : ""}, ` +
      `${m.frames} frames, ${m.slotsPerArea} slots, ${o.opsPerCpu} ops per CPU; ` +
      `${o.sched === "pct" ? `pct depth ${o.depth}` : "uniform random"}, seed ${o.seed}` +
      (o.swarm ? "; swarm: each execution draws its shape (this is the base)" : "") +
      (workers > 1 ? `; ${workers} worker threads` : "") +
      (shard ? `; shard ${shard.index}/${shard.count} (executions ${shard.first}..${shard.first + shard.executions - 1})` : ""),
    "",
  ];
  for (const f of earlier)
    lines.push(`found before the resume, by execution ${num(f.execution)}: ${f.signature}; repro: ${f.file ?? "(not written)"}`, "");
  r.findings.forEach((f, i) => {
    lines.push(drawFinding(f, draw), "");
    lines.push(`repro: ${files[i] || "(not written)"}`);
    const size = (z: typeof f.original) => `${z.ops} ops, ${z.steps} steps, ${z.preemptions} preemptions (${z.switches} switches)`;
    lines.push(`  found by execution ${num(f.execution)}; shrunk from ${size(f.original)} to ${size(f.shrunk)}`);
    if (o.swarm) lines.push(`  its shape (drawn, then shrunk): ${fmtShape(f.repro.machine, f.repro.mix)}`);
    if (f.shrinkCutByClock) lines.push(`  shrinking stopped at --shrink-ms ${o.shrinkMs}: a faster machine may shrink it further`);
    if (files[i]) lines.push(`  replay with: faultsim replay ${files[i]}`);
    lines.push("");
  });
  const shrinking = r.elapsedMs - r.huntingMs - (r.setupMs ?? 0);
  lines.push(
    `executions ${num(r.executions)} in ${(r.huntingMs / 1000).toFixed(2)} s: ${rate(r.executionsPerSec)}; ` +
      `steps ${num(r.steps)}: ${rate(r.stepsPerSec)}` +
      (shrinking >= 5 ? `; ${(shrinking / 1000).toFixed(2)} s replaying and shrinking` : "") +
      (r.interrupted ? " (interrupted)" : ""),
  );
  const all = r.checkpoint.signatures.length;
  lines.push(`distinct signatures: ${all}${all ? "" : " (nothing found)"}`);
  for (const f of r.findings) lines.push(`  ${f.signature}: ${f.verdict.message}`);
  for (const f of earlier) lines.push(`  ${f.signature}: (before the resume)`);
  lines.push(`campaign hash ${r.hash} over ${num(r.checkpoint.next - r.checkpoint.first)} executions`);
  if (r.pct) lines.push(`PCT guarantee: ${fmtPctBound(r.pct)}`);
  return lines.join("\n") + "\n";
}

/** `hunt --json` (src/schema/outputs.ts HuntJsonSchema). */
function huntJson({ o, r, files, workers, earlier, shard, draw }: HuntReport): HuntJson {
  return {
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.hunt,
    command: "hunt",
    version: faultsimVersion(),
    modelId: modelId(o.backend) ?? null,
    model: { name: o.model.name, flags: o.model.flagNames, flagWord: o.model.flags },
    machine: o.machine,
    sched: o.sched,
    depth: o.sched === "pct" ? o.depth : undefined,
    seed: o.seed,
    opsPerCpu: o.opsPerCpu,
    executions: r.executions,
    steps: r.steps,
    elapsedMs: r.elapsedMs,
    huntingMs: r.huntingMs,
    setupMs: r.setupMs,
    interrupted: r.interrupted,
    executionsPerSec: r.executionsPerSec,
    stepsPerSec: r.stepsPerSec,
    signatures: r.checkpoint.signatures,
    hits: r.hits,
    hash: r.hash,
    ...(o.mix ? { mix: fmtMix(o.mix) } : {}),
    swarm: o.swarm !== undefined,
    swapReachable: o.swarm !== undefined || swapReachable(o.machine),
    earlier,
    ...(shard ? { shard } : {}),
    findings: r.findings.map((f, i) => ({
      signature: f.signature,
      id: f.verdict.id,
      message: f.verdict.message,
      file: files[i],
      execution: f.execution,
      original: f.original,
      shrunk: f.shrunk,
      diagram: drawFinding(f, draw),
    })),
    pct: r.pct,
    workers,
  };
}

/** Signals that end a hunt early, as Ctrl-C does: a CI timeout or Kubernetes sends SIGTERM,
 *  a closed terminal SIGHUP. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

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
}

function newPlan(o: HuntCli, cmd: Command): HuntPlan {
  const { opts, out, workers, shard } = huntOptions(o, process.env, (k) => cmd.getOptionValueSource(k) === "cli");
  // Shards must not depend on each other's executions: PCT's k fixed first, as with workers.
  return { opts, out, workers, shard, engine: workers > 1 || shard ? "campaign" : "adaptive" };
}

/** Options a resumed campaign takes from its stream (the command line may not change them). */
const FIXED_BY_STREAM = [
  "model",
  "with",
  "without",
  "sched",
  "depth",
  "seed",
  "executions",
  "ops",
  "cpus",
  "frames",
  "pages",
  "slots",
  "pageCluster",
  "kswapd",
  "threads",
  "writeRatio",
  "mix",
  "mms",
  "areas",
  "swarm",
  "shrinkMs",
  "keepGoing",
  "out",
  "backend",
  "shard",
  "jsonl",
] as const;

const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `hunt --resume FILE`: the campaign of FILE's start event, from its last checkpoint. Only
 *  --budget-ms (this leg's), --workers (campaign engine) and the output options may be given. */
function resumePlan(o: HuntCli, cmd: Command): HuntPlan {
  const file = o.resume as string;
  for (const key of FIXED_BY_STREAM) {
    if (cmd.getOptionValueSource(key) === "cli") {
      throw new UsageError(`--resume takes the campaign's options from ${file}: ${flagOf(key)} cannot be given with it`);
    }
  }
  const s = readStream(file);
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
    model: { name: resolveModel(s.start.model.name).name, flags: s.start.model.flagWord, flagNames: s.start.model.flags },
    machine: so.machine,
    sched: so.sched,
    depth: so.depth ?? HUNT_DEFAULTS.depth,
    seed: so.seed,
    // The budget is the whole campaign's; --budget-ms here gives this leg its own.
    budgetMs: cmd.getOptionValueSource("budgetMs") === "cli" ? intOption("budget-ms", o.budgetMs, 1, 2 ** 31) + before : so.budgetMs,
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
  };
}

export async function huntCommand(o: HuntCli, cmd: Command): Promise<void> {
  if (o.sched === "exhaustive") return exhaustiveHunt(o);
  for (const key of ["preemptions", "opList", "exhaustiveOps"] as const) {
    if (cmd.getOptionValueSource(key) === "cli") throw new UsageError(`${flagOf(key)} needs --sched exhaustive`);
  }
  const plan = o.resume !== undefined ? resumePlan(o, cmd) : newPlan(o, cmd);
  // Before the first execution: the repro directory, then the event stream (created last,
  // so that a bad --out leaves no stream file behind).
  checkOutDir(plan.out);
  // A killed campaign may have left a temporary repro file (never a partial repro).
  if (plan.resumed) sweepStaleTemps(plan.out);
  const events = plan.resumed ? EventStream.append(plan.resumed) : EventStream.open(o.jsonl);
  // With --jsonl -, stdout is the event stream: the summary goes to stderr.
  const summary = o.jsonl === "-" ? process.stderr : process.stdout;
  try {
    await huntRun(o, plan, events, summary);
  } finally {
    events.close();
  }
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
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const sig of STOP_SIGNALS) process.once(sig, onSignal);
  try {
    const { exhaustiveCommand } = await import("../explore/exhaustive-cli.js");
    const code = await exhaustiveCommand(opts, o, out, { json: o.json, full: o.full === true, format: o.format }, stop.signal);
    if (code) process.exitCode = code;
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
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
  };
}

async function huntRun(o: HuntCli, plan: HuntPlan, events: EventStream, summary: NodeJS.WriteStream): Promise<void> {
  const { opts, out, workers } = plan;
  opts.out = out;
  const started = performance.now();
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
      model: { name: opts.model.name, flags: opts.model.flagNames, flagWord: opts.model.flags },
      options: streamOptions(plan),
    });
  }
  // A machine that can never run short of memory never swaps: say so (pressure.ts).
  if (!opts.swarm && !swapReachable(opts.machine)) process.stderr.write(`faultsim: note: ${noPressureNote(opts.machine)}\n`);
  const bar = o.json ? undefined : progressLine();
  let lastEvent = started;
  opts.onProgress = (p) => bar?.update(p.executions, p.findings, p.elapsedMs);
  // Progress events carry the checkpoint --resume continues from: every ~2 s.
  opts.onCheckpoint = (c: HuntCheckpoint) => {
    const now = performance.now();
    if (!events.active || now - lastEvent < PROGRESS_EVENT_MS) return;
    lastEvent = now;
    const ran = c.next - c.first;
    events.write({
      event: "progress",
      schemaVersion: EVENTS_VERSION,
      executions: ran,
      elapsedMs: Math.round(c.elapsedMs),
      executionsPerSec: Math.round(ran / Math.max(c.elapsedMs / 1000, 1e-3)),
      signatures: c.signatures,
      checkpoint: c,
    });
  };
  // A finding event carries the checkpoint past it, in the same line: a kill can come before
  // the line or after it, never between the finding and its checkpoint, so a resumed
  // campaign never investigates it again (nor writes it twice into the stream).
  opts.onFinding = (f, checkpoint) => {
    events.write({
      event: "finding",
      schemaVersion: EVENTS_VERSION,
      signature: f.signature,
      execution: f.execution,
      elapsedMs: Math.round(performance.now() - started),
      file: f.file || null,
      ...(f.fileError ? { fileError: f.fileError } : {}),
      shrinkInterrupted: f.shrinkInterrupted,
      repro: f.repro,
      ...(checkpoint ? { checkpoint } : {}),
    });
  };
  const onWorkerRetry: CampaignHuntOptions["onWorkerRetry"] = (w) => {
    process.stderr.write(
      `faultsim: note: worker ${w.worker} died (${w.reason})` +
        (w.chunk ? `; executions ${w.chunk.first}..${w.chunk.first + w.chunk.count - 1} run again on a new worker\n` : "; replaced\n"),
    );
    events.write({ event: "retry", schemaVersion: EVENTS_VERSION, ...w });
  };
  // SIGINT, SIGTERM and SIGHUP end the hunt early; the summary and findings are still printed.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const sig of STOP_SIGNALS) process.once(sig, onSignal);
  opts.signal = stop.signal;
  let r: HuntResult;
  try {
    r = plan.engine === "campaign" ? await huntInWorkers(Object.assign(opts, { onWorkerRetry }), workers) : await hunt(opts);
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
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
  for (const f of r.findings) {
    if (!f.fileError) continue;
    process.stderr.write(`faultsim: --out ${out}: cannot write the repro file of ${f.signature} (${f.fileError}); the repro follows\n`);
    process.stderr.write(JSON.stringify(f.repro) + "\n");
  }
  if (code) process.exitCode = code;
}

/** A finding of a leg before the resume, as its stream recorded it. */
interface EarlierFinding {
  signature: string;
  execution: number;
  file: string | null;
}

function earlierFindings(plan: HuntPlan, r: HuntResult): EarlierFinding[] {
  const known = new Set(plan.opts.resumeFrom?.signatures ?? []);
  const out: EarlierFinding[] = [];
  for (const f of plan.resumed?.findings ?? []) {
    if (!known.has(f.signature) || out.some((e) => e.signature === f.signature)) continue;
    if (r.findings.some((g) => g.signature === f.signature)) continue;
    out.push({ signature: f.signature, execution: f.execution, file: f.file });
  }
  return out;
}

/** `faultsim merge FILES...`. */
export async function mergeCommand(files: string[], o: { json?: boolean }): Promise<void> {
  const m = mergeStreams(files);
  process.stdout.write(o.json ? JSON.stringify({ command: "merge", ...m }) + "\n" : mergeText(m));
  if (m.signatures.length > 0) process.exitCode = 1;
}

/** Why a build has no id, and what writes it. */
function noIdFile(file: string): string {
  const rel = path.relative(process.cwd(), file);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
  return file === modelIdFileFor(BUILD_WASM)
    ? `no ${shown}: \`npm run build\` writes it`
    : `no ${shown}: \`node src/build/model-id.mjs ${file.replace(/\.model-id\.json$/, ".wasm")}\` writes it`;
}

/** The one-line note replay prints when the repro's model build is not known to be this one,
 *  or undefined when both ids are known and equal. */
export function modelBuildNote(repro: Pick<Repro, "modelId" | "faultsim">, here: ModelBuild): string | undefined {
  if (repro.modelId !== undefined && repro.modelId === here.id) return undefined;
  const recorded =
    repro.modelId !== undefined
      ? `recorded by model build ${repro.modelId}`
      : `recorded by a model build that did not note its id (faultsim ${repro.faultsim})`;
  const current = here.id !== undefined ? `this is ${here.id}` : `this build's id is unknown (${noIdFile(here.file)})`;
  return `${recorded}, ${current}: sections may differ, so the schedule may not replay step for step`;
}

export async function replayCommand(
  file: string,
  o: { json?: boolean; full?: boolean; format?: FindingFormat; backend: Backend },
): Promise<void> {
  // zod validates the file: loaded only by the command that reads one.
  const { loadRepro } = await import("../report/repro-schema.js");
  const repro = loadRepro(file);
  const here = modelBuild(o.backend);
  const note = modelBuildNote(repro, here);
  if (note) process.stderr.write(`faultsim: note: ${note}\n`);
  const r = await diagramOf(repro, undefined, o.backend, { full: o.full, format: o.format });
  if (o.json) {
    const json: ReplayJson = {
      schemaVersion: OUTPUT_SCHEMA_VERSIONS.replay,
      command: "replay",
      file,
      signature: repro.signature,
      reproduced: r.reproduced,
      diverged: r.diverged,
      found: r.verdict ? { signature: r.verdict.signature, id: r.verdict.id, message: r.verdict.message } : null,
      route: r.route ?? null,
      diagram: r.diagram,
      modelId: here.id ?? null,
      recordedModelId: repro.modelId ?? null,
      sameModel: note === undefined,
    };
    process.stdout.write(JSON.stringify(json) + "\n");
  } else {
    const verdict = r.reproduced
      ? `reproduced: ${repro.signature}`
      : r.verdict
        ? `does not reproduce ${repro.signature}; found ${r.verdict.signature} instead`
        : `does not reproduce: ${repro.signature} (the execution ran clean)`;
    process.stdout.write(`${r.diagram}\n\n${verdict}\n`);
  }
  if (r.diverged) {
    process.stderr.write(
      note === undefined
        ? // Same sections, same ops, same seed: the log must fit. Not fitting is our bug.
          `faultsim: the schedule in ${file} does not fit the model although this is the model build that recorded it (${here.id}): a bug of faultsim unless the file was edited; replayed with its remainder run to completion\n`
        : `faultsim: note: the schedule in ${file} no longer fits the model (faultsim ${repro.faultsim}, model build ${repro.modelId ?? "unknown"} wrote it); replayed with its remainder run to completion\n`,
    );
  }
  if (r.reproduced) process.exitCode = 1;
}
