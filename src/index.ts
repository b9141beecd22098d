// The programmatic API: `import { hunt, huntStream, run, replay, report, models } from "faultsim"`
// (package.json `exports`). A thin layer over what the command line runs: hunt's and run's
// options are resolved by the same code as `faultsim hunt`'s and `faultsim run`'s
// (src/commands/hunt.ts huntOptions, src/cli.ts settingsOf), with the same defaults (read from
// the commands' own definitions) and the same checks, and every error is one of the typed
// classes of src/errors.ts.
import { UsageError } from "./errors.js";
import { buildProgram, NOT_WITH_TRACE, notWithTrace, runJson, runSettings, settingsOf, type RunCliOptions } from "./cli.js";
import { flagOf } from "./options.js";
import { checkOutDir, huntOptions, type HuntCli } from "./commands/hunt.js";
import { modelBuildNote } from "./commands/replay.js";
import { HUNT_OPTION_KINDS } from "./commands/hunt-option-kinds.js";
import { RUN_OPTION_KINDS } from "./commands/run-option-kinds.js";
import { hunt as huntEngine } from "./explore/hunt.js";
import type {
  Finding as EngineFinding,
  FindingSummary,
  HuntOptions as EngineHuntOptions,
  HuntProgress,
  HuntSummary,
} from "./explore/hunt-options.js";
import { diagramOf, type ReplayResult } from "./explore/replay.js";
import { drawFinding } from "./report/finding.js";
import { huntInWorkers } from "./workers/hunt-workers.js";
import { loadRepro, parseRepro, type Repro } from "./report/repro-schema.js";
import { faultsimVersion, modelBuild } from "./report/version.js";
import { modelsJson } from "./report/models-json.js";
import type { ModelsJson, RunJson } from "./schema/outputs.js";
import type { Pattern } from "./workload/generator.js";
import type { Backend } from "./wasm/engine.js";
import type { HuntCheckpoint } from "./explore/checkpoint.js";

export { UsageError, InputError, ReproError, InternalError } from "./errors.js";
export type { Repro, ReproMachine } from "./report/repro.js";
export type { HuntJson, RunJson, ReplayJson, ModelsJson } from "./schema/outputs.js";
export type { Pattern } from "./workload/generator.js";
export type { HuntProgress, ExecutionSize, FindingSummary, HuntSummary } from "./explore/hunt-options.js";
export type { ReplayResult, ScheduleFill } from "./explore/replay.js";
export type { HuntCheckpoint } from "./explore/checkpoint.js";
export type { SeqHash } from "./explore/shard.js";

/** A hunt's finding, drawn: its replay's CPU-column diagram as `faultsim hunt` prints it. */
export interface Finding extends FindingSummary {
  /** The CPU-column diagram of the shrunk repro's replay, as `faultsim hunt` prints it. */
  diagram: string;
}
/** What {@link hunt} resolves with. */
export interface HuntResult extends HuntSummary {
  findings: Finding[];
}

/** The engine's finding as the API gives it: drawn (`full`: every line of the diagram). */
function apiFinding(f: EngineFinding, full: boolean): Finding {
  const { trace: _trace, ...rest } = f;
  return { ...rest, diagram: drawFinding(f, { full }) };
}
export type { Verdict } from "./explore/execute.js";
export type { PctBound } from "./explore/pct.js";
export type { Backend } from "./wasm/engine.js";

/**
 * Options of {@link hunt}: those of `faultsim hunt`, camel-cased, as numbers and booleans.
 * Every one is optional; one left out takes the command line's default (`faultsim hunt --help`),
 * except `out`: the API writes no repro file unless given a directory (each finding's repro is
 * in the result).
 */
export interface HuntOptions {
  /** Kernel model, as {@link models} lists them. Default `linux-2.4.10-pre`. */
  model?: string;
  /** Flags added to the model. */
  with?: readonly string[];
  /** Flags removed from the model. */
  without?: readonly string[];
  /** Scheduler: PCT (default) or the random walk (assembly/kernel/sched.ts walk_setup). */
  sched?: "pct" | "random";
  /** PCT bug depth, 1..9 (default 4). */
  depth?: number;
  /** Seed of the hunt: the ops and the schedules (default 1). */
  seed?: number;
  /** Stop after this many milliseconds (default 10,000). */
  budgetMs?: number;
  /** Stop after this many executions (default: only the budget). */
  executions?: number;
  /** Ops per CPU in each execution (default 5 with pct, 6 with random; 4 with pct on linux-2.4.0). */
  ops?: number;
  /** Simulated CPUs, 1..8 (default 3). */
  cpus?: number;
  /** Page frames, 4..4096; frame 0 is the zero page (default 6). */
  frames?: number;
  /** Virtual pages the ops touch, 1..4096 (default 4; with kswapd false, as many as frames). */
  pages?: number;
  /** Swap slots, 2..65536; slot 0 is the header (default 5; 9 on linux-2.4.0, src/explore/defaults.ts). */
  slots?: number;
  /** The readahead window is 2^pageCluster slots, 0..8 (default 1). */
  pageCluster?: number;
  /** Steps a jiffy of the model's clock lasts, a power of two 1..16384 (default: 16384, on which
   *  no execution lasts a second). Faster, 2.4.16's OOM killer (flag oom-kill) can act within
   *  an execution, its allocations waiting for it as in a bulk run. */
  jiffySteps?: number;
  /** Run kswapd beside direct reclaim (default true). */
  kswapd?: boolean;
  /** The CPUs are threads of one mm (default true; false on linux-2.4.0); false: each CPU its own process. */
  threads?: boolean;
  /** Fraction of ops that write, 0..1 (default 0.5; without a mix). */
  writeRatio?: number;
  /** The op mix, as `--mix`: `all` or `kind=rate,...` of read, write, fork, exit, munmap,
   *  wprotect, swapoff, swapon (default: reads and writes by writeRatio). */
  mix?: string;
  /** Address spaces, 1..8 (default 1 with threads, 2 when the mix forks, one per CPU without). */
  mms?: number;
  /** Swap areas, 1..2 (default 2 when the mix swaps off or on, else 1). */
  areas?: number;
  /** Each execution draws its machine (CPUs, frames, slots, areas, page_cluster, kswapd) and
   *  op mix from its own seed; the shape options given pin theirs. Default: on for
   *  linux-2.4.16 and linux-2.4.16-fixed as shipped (no with/without) given no shape option. */
  swarm?: boolean;
  /** Time allowed to shrink each finding, in ms (default 5,000). */
  shrinkMs?: number;
  /** Collect distinct signatures until the budget instead of stopping at the first. */
  keepGoing?: boolean;
  /** Draw every line of a finding's diagram. */
  full?: boolean;
  /** A writable directory for repro files (checked before the first execution; created with
   *  its parents if missing). Default: none, no file is written. */
  out?: string;
  /** Model build: Wasm (default) or its JS twin. */
  backend?: Backend;
  /** Worker threads, 1..64 (default 1): more than 1 is a campaign, as `--workers`. */
  workers?: number;
  /** Each finding, once replayed, shrunk and (with `out`) written, before the hunt goes on. */
  onFinding?: (finding: Finding) => void;
  /** Keeps going (implies `keepGoing`) until a finding for which this returns true, asked
   *  after `onFinding`: that finding is the result's last, and in one thread its execution is
   *  the last one run (with workers, the round in flight ends first). The result is not
   *  `interrupted` by it. */
  until?: (finding: Finding) => boolean;
  /** About every 250 ms. */
  onProgress?: (progress: HuntProgress) => void;
  /** Ends the hunt early; what was found so far is still returned. */
  signal?: AbortSignal;
  /** Continues an earlier hunt() of the same options from its result's `checkpoint`: the
   *  executions after it, as the uninterrupted hunt runs them (the same campaign hash), with
   *  `executions` and the budget counted from the first leg. A signature in the checkpoint's
   *  `signatures` is not reported again; leave one out to have the next execution that fails
   *  with it reported (races --check goes on so past a finding of the right signature but
   *  another route, src/races/check.ts). One thread only (not with `workers`).
   *  @throws {UsageError} not a checkpoint (the JSON Schema's `checkpoint`), or not one of this
   *  hunt's executions (`first` other than 0). */
  resumeFrom?: HuntCheckpoint;
}

/** How the API's options of one command map onto its command-line options. */
interface OptionSpec {
  command: "hunt" | "run";
  numbers: readonly string[];
  booleans: readonly string[];
  choices: Readonly<Record<string, readonly string[]>>;
  /** Flag lists: `with`, `without`. */
  lists: readonly string[];
  /** Free-form strings, passed as given (the command line checks them). */
  strings: readonly string[];
  /** Taken by the API itself (callbacks, signal, out), not passed to the command line. */
  own: readonly string[];
}

const HUNT_SPEC: OptionSpec = {
  command: "hunt",
  ...HUNT_OPTION_KINDS,
  own: ["out", "onFinding", "until", "onProgress", "signal", "resumeFrom"],
};

const RUN_SPEC: OptionSpec = {
  command: "run",
  ...RUN_OPTION_KINDS,
  own: ["onProgress", "signal", "budgetMs"],
};

/** A command's defaults, from its definition (commander holds an option's default as its
 *  value until the command line is parsed). */
function cliDefaults(command: string): Record<string, unknown> {
  const cmd = buildProgram().commands.find((c) => c.name() === command);
  if (!cmd) throw new Error(`faultsim: no ${command} command`);
  return { ...cmd.opts(), with: [], without: [] };
}

/** The API's options as the command line would have them: the same checks then apply. */
function cliOf(spec: OptionSpec, o: object): Record<string, unknown> {
  const c = spec.command;
  if (typeof o !== "object" || o === null) throw new UsageError(`${c}: options must be an object`);
  const known = ["model", ...spec.numbers, ...spec.booleans, ...Object.keys(spec.choices), ...spec.lists, ...spec.strings, ...spec.own];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new UsageError(`${c}: unknown option '${k}' (known: ${known.join(", ")})`);
  }
  const cli = cliDefaults(c);
  const given = o as Record<string, unknown>;
  for (const k of spec.numbers) {
    const v = given[k];
    if (v === undefined) continue;
    if (typeof v !== "number") throw new UsageError(`${c}: ${k} must be a number, got ${typeof v}`);
    cli[k] = String(v);
  }
  for (const k of spec.booleans) {
    const v = given[k];
    if (v === undefined) continue;
    if (typeof v !== "boolean") throw new UsageError(`${c}: ${k} must be a boolean, got ${typeof v}`);
    cli[k] = v;
  }
  for (const [k, choices] of Object.entries(spec.choices)) {
    const v = given[k];
    if (v === undefined) continue;
    if (!choices.includes(v as string)) throw new UsageError(`${c}: ${k} must be one of ${choices.join(", ")}, got ${String(v)}`);
    cli[k] = v;
  }
  if (given.model !== undefined) {
    if (typeof given.model !== "string") throw new UsageError(`${c}: model must be a string`);
    cli.model = given.model;
  }
  for (const k of spec.strings) {
    const v = given[k];
    if (v === undefined) continue;
    if (typeof v !== "string") throw new UsageError(`${c}: ${k} must be a string`);
    cli[k] = v;
  }
  for (const k of spec.lists) {
    const v = given[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((f) => typeof f !== "string")) throw new UsageError(`${c}: ${k} must be an array of flag names`);
    cli[k] = [...v];
  }
  return cli;
}

/**
 * Hunts for a violation, as `faultsim hunt` does: many short executions of a small machine
 * until a violation is found (or, with `keepGoing`, until the budget), each finding replayed,
 * shrunk and drawn. Resolves with the result: `findings` is empty when nothing was found.
 *
 * @throws {UsageError} an option the command line would refuse (unknown model or flag, a size
 *   out of range, an unusable `out` directory); the message names the command-line option.
 * @throws {InternalError} the model misbehaved: a bug of faultsim.
 *
 * @example
 * const r = await hunt({ model: "linux-2.4.16", executions: 100_000, budgetMs: 60_000 });
 * if (r.findings.length) console.log(r.findings[0].diagram);
 */
export async function hunt(options: HuntOptions = {}): Promise<HuntResult> {
  const cli = cliOf(HUNT_SPEC, options) as unknown as HuntCli;
  const { opts, workers } = huntOptions(cli, process.env, (k) => (options as Record<string, unknown>)[k] !== undefined);
  if (options.out !== undefined) {
    if (typeof options.out !== "string") throw new UsageError("hunt: out must be a directory name");
    checkOutDir(options.out);
    opts.out = options.out;
  }
  const full = cli.full === true;
  const { onFinding, until, signal } = options;
  if (until !== undefined && typeof until !== "function") throw new UsageError("hunt: until must be a function");
  if (options.onProgress) opts.onProgress = options.onProgress;
  if (signal) opts.signal = signal;
  if (options.resumeFrom !== undefined) opts.resumeFrom = await checkedCheckpoint(options.resumeFrom, workers);
  if (onFinding || until) reportFindings(opts, full, onFinding, until);
  const r = workers > 1 ? await huntInWorkers(opts, workers) : await huntEngine(opts);
  // A stop asked by `until` is the hunt's own end, not an interruption.
  return { ...r, interrupted: signal?.aborted === true, findings: r.findings.map((f) => apiFinding(f, full)) };
}

/** hunt()'s resumeFrom, checked (zod is loaded only then: cold start). */
async function checkedCheckpoint(from: unknown, workers: number): Promise<HuntCheckpoint> {
  if (workers > 1) throw new UsageError("hunt: resumeFrom continues a hunt in one thread: not with workers");
  const { HuntCheckpointSchema } = await import("./schema/outputs.js");
  const r = HuntCheckpointSchema.safeParse(from);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(`hunt: resumeFrom is not a hunt's checkpoint: ${issue.path.join(".") || "(the value)"}: ${issue.message}`);
  }
  if (r.data.first !== 0)
    throw new UsageError(`hunt: resumeFrom starts at execution ${r.data.first}, a shard's: a one-thread hunt starts at 0`);
  return r.data;
}

/** Hands each finding to onFinding and, with `until`, keeps the hunt going until `until`
 *  accepts one: the engine stops at a finding whose onFinding raised its signal
 *  (src/explore/hunt.ts), so the stop is at that finding's execution. */
function reportFindings(opts: EngineHuntOptions, full: boolean, onFinding?: (f: Finding) => void, until?: (f: Finding) => boolean): void {
  const stop = new AbortController();
  if (until) {
    const outer = opts.signal;
    if (outer?.aborted) stop.abort();
    else outer?.addEventListener("abort", () => stop.abort(), { once: true });
    opts.keepGoing = true;
    opts.signal = stop.signal;
  }
  opts.onFinding = (engineFinding) => {
    const f = apiFinding(engineFinding, full);
    onFinding?.(f);
    if (until?.(f)) stop.abort();
  };
}

/**
 * The same hunt as {@link hunt}, its findings as an async iterable: each finding is yielded as
 * soon as it is found (replayed, shrunk, drawn and, with `out`, written), while the hunt goes
 * on. The generator's return value (what `for await` drops, `next()` gives as its last value)
 * is the {@link HuntResult}. Leaving the loop early (`break`, `return`, a throw) ends the hunt.
 * With `keepGoing`, a hunt yields each distinct signature it finds until its budget.
 *
 * @throws {UsageError} as {@link hunt}, from the first `next()`.
 * @throws {InternalError} the model misbehaved: a bug of faultsim.
 *
 * @example
 * for await (const f of huntStream({ keepGoing: true, budgetMs: 60_000 })) console.log(f.signature);
 */
export async function* huntStream(options: Omit<HuntOptions, "onFinding"> = {}): AsyncGenerator<Finding, HuntResult, undefined> {
  if (typeof options === "object" && options !== null && "onFinding" in options)
    throw new UsageError("huntStream: onFinding is not an option here: the findings are what it yields");
  const stop = new AbortController();
  const outer = options.signal;
  const onAbort = () => stop.abort();
  if (outer?.aborted) stop.abort();
  else outer?.addEventListener("abort", onAbort, { once: true });
  const queue: Finding[] = [];
  let wake: (() => void) | undefined;
  let settled: { result: HuntResult } | { error: unknown } | undefined;
  const running = hunt({
    ...options,
    signal: stop.signal,
    onFinding: (f) => {
      queue.push(f);
      wake?.();
    },
  }).then(
    (result) => {
      settled = { result };
      wake?.();
    },
    (error: unknown) => {
      settled = { error };
      wake?.();
    },
  );
  try {
    for (;;) {
      while (queue.length > 0) yield queue.shift() as Finding;
      if (settled) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    const end = settled as { result: HuntResult } | { error: unknown };
    if ("error" in end) throw end.error;
    return end.result;
  } finally {
    // Also when the consumer left early: the hunt stops, and is waited for.
    stop.abort();
    await running;
    outer?.removeEventListener("abort", onAbort);
  }
}

/**
 * Options of {@link run}: those of `faultsim run`, camel-cased, as numbers and booleans. Every
 * one is optional; one left out takes the command line's default (`faultsim run --help`).
 */
export interface RunOptions {
  /** Kernel model, as {@link models} lists them. Default `linux-2.4.16`. */
  model?: string;
  /** Flags added to the model. */
  with?: readonly string[];
  /** Flags removed from the model. */
  without?: readonly string[];
  /** Seed of the workload and the scheduler (default 1). */
  seed?: number;
  /** Simulated CPUs, 1..8 (default 4). */
  cpus?: number;
  /** Address spaces, 1..64 (default 4). */
  mms?: number;
  /** Virtual pages per mm, 1..65536 (default 4096). */
  pages?: number;
  /** Physical page frames, 16..16777216 (16M); frame 0 is the zero page (default 8192). */
  frames?: number;
  /** Swap areas, 1..32 (default 2). */
  areas?: number;
  /** Slots per swap area, 2..16777216 (16M); slot 0 is the header (default 16384). */
  slots?: number;
  /** Operations to run, shared across the CPUs (default 1,000,000). */
  ops?: number;
  /** Page access pattern (default `hotcold`). */
  pattern?: Pattern;
  /** Fraction of accesses that write, 0..1 (default 0.3). */
  writeRatio?: number;
  /** hotcold: fraction of each mm's pages that are hot (default 0.2). */
  hotFraction?: number;
  /** hotcold: probability an access goes to a hot page (default 0.8). */
  hotProbability?: number;
  /** The CPUs are threads sharing the mms (default false: one process per CPU). */
  threads?: boolean;
  /** Probability an op is a fork (default 0.0001). */
  forkRate?: number;
  /** The generator: `steady` (default: every page written first, each swapoff followed by a
   *  swapon, each fork by its child's exit) or `random` (independent ops). */
  workload?: "steady" | "random";
  /** Probability an op is an exit (default 0 with the steady workload, 0.00002 with random). */
  exitRate?: number;
  /** Probability an op is an munmap (default 0.001). */
  munmapRate?: number;
  /** Probability an op is a swapoff (default 0.00001). */
  swapoffRate?: number;
  /** Probability an op is a swapon (default 0 with the steady workload, 0.00001 with random). */
  swaponRate?: number;
  /** Steps between deep invariant checks; 0: only at the end (default 1,000,000). What a check
   *  mid-run finds is reported only when it is found again after the operations open at its
   *  sighting have ended, twice (a path may be half-way through an unlocked update:
   *  src/bulk/run.ts CONFIRM_CLOSINGS). */
  checkInterval?: number;
  /** Deep checks read every frame and swap-cache bucket, not only those the run can have
   *  touched (`--full-check`; the same findings, slower on a large machine). Default false. */
  fullCheck?: boolean;
  /** Run kswapd (default true). */
  kswapd?: boolean;
  /** Run the model's clock fast: a jiffy of this many steps (a power of two, 1..16,384;
   *  default the model's own 16,384), so that 2.4.16's OOM killer, which waits for a second of
   *  failures, acts sooner (`--jiffy-steps`). */
  jiffySteps?: number;
  /** Random interleaving (default) or each op run to completion. */
  sched?: "random" | "rtc";
  /** Model build: Wasm (default) or its JS twin. */
  backend?: Backend;
  /** Replay this memory-access trace instead of the generated workload (`--trace`). */
  trace?: string;
  /** The trace's format: oracle-general, csv or lackey (default: from the file name). */
  traceFormat?: string;
  /** Stop after this many milliseconds: the result is the partial run (`stopped: "budget"`). */
  budgetMs?: number;
  /** Stops the run between two chunks: the result is the partial run (`stopped: "signal"`). */
  signal?: AbortSignal;
  /** After every chunk of about 64K steps: the ops completed so far, of the total. */
  onProgress?: (opsDone: number, opsTotal: number) => void;
}

/**
 * One large randomized run, as `faultsim run` does. Resolves with the object `faultsim run
 * --json` prints: statistics, rates, `violations` (empty when the run was clean) and the final
 * `stateHash` (the same options give the same hash, in Wasm and in JS).
 *
 * @throws {UsageError} an option the command line would refuse (unknown model or flag, a size
 *   out of range, a machine that does not fit the model's memory, rates above 1 in all).
 * @throws {InternalError} the model misbehaved: a bug of faultsim; the message says how to
 *   reproduce it from the command line.
 *
 * @example
 * const r = await run({ model: "linux-2.4.16", ops: 200_000, threads: true });
 * console.log(r.faults, r.violations.length === 0 ? "clean" : r.violations[0].message);
 */
export async function run(options: RunOptions = {}): Promise<RunJson> {
  const cli = cliOf(RUN_SPEC, options) as unknown as RunCliOptions;
  // As the command line: a trace gives the accesses, and the generator's options given with it are refused.
  const generated =
    options.trace === undefined ? undefined : NOT_WITH_TRACE.find((k) => (options as Record<string, unknown>)[k] !== undefined);
  if (generated !== undefined) throw notWithTrace(`run: ${generated} (${flagOf(generated)})`);
  const s = settingsOf(cli);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== "function") throw new UsageError("run: onProgress must be a function");
  const budgetMs = options.budgetMs;
  if (budgetMs !== undefined && (typeof budgetMs !== "number" || !(budgetMs > 0))) {
    throw new UsageError("run: budgetMs must be a positive number of milliseconds");
  }
  const r = await runSettings(s, { onStart: async () => onProgress, signal: options.signal, budgetMs });
  return runJson(s, r);
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Model build: Wasm (default) or its JS twin. */
  backend?: Backend;
  /** Draw every line of the diagram. */
  full?: boolean;
}

/** What {@link replay} returns: the replay, and a note when the repro was recorded by another
 *  model build (its schedule may then not fit this one step for step). */
export interface ReplayReport extends ReplayResult {
  note: string | undefined;
}

/**
 * Replays a repro (a finding's `repro`, a parsed repro file, or the path of one) with tracing
 * and draws its diagram, as `faultsim replay` does. `reproduced` is true when the replay ran
 * into the same violation.
 *
 * @throws {ReproError} not a valid repro (unreadable file, corrupt, another format version, a
 *   newer schema, a field out of bounds): an InputError whose `file` and `field` say where.
 * @throws {InternalError} the model misbehaved: a bug of faultsim.
 */
export async function replay(repro: Repro | string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const backend = options.backend ?? "wasm";
  if (backend !== "wasm" && backend !== "js") throw new UsageError(`replay: backend must be one of wasm, js, got ${String(backend)}`);
  const r = typeof repro === "string" ? loadRepro(repro) : parseRepro(JSON.stringify(repro), "repro");
  const out = await diagramOf(r, undefined, backend, { full: options.full === true });
  return { ...out, note: modelBuildNote(r, modelBuild(backend)) };
}

/** What {@link models} returns: the same object as `faultsim models --json`. */
export type ModelsReport = ModelsJson;

/**
 * The kernel models, their flags and the model build, as `faultsim models --json`.
 *
 * @throws {UsageError} FAULTSIM_WASM names a file that is no faultsim model build (its id is
 *   not reported).
 */
export function models(): ModelsReport {
  return modelsJson();
}

/** faultsim's version (package.json). */
export const version = (): string => faultsimVersion();

/** Options of {@link report}. */
export interface ReportApiOptions {
  /** Where to write the page; it must not exist (nothing of the user's is replaced). Left out:
   *  the page is only returned. Links to repro files are made relative to it. */
  out?: string;
  /** The model build that steps a repro (default `wasm`). */
  backend?: Backend;
}
/** What {@link report} resolves with: the kind of result read and the page's HTML. */
export interface ReportResult {
  kind: "run" | "hunt" | "repro";
  html: string;
}

/**
 * The HTML report of a result, as `faultsim report`: a run's `--series` file (or two, overlaid),
 * a hunt's `--jsonl` stream, or a repro file. One self-contained page (uPlot inlined, no network).
 * Bad input throws {@link UsageError} or {@link InputError}; an existing `out` is refused.
 */
export async function report(files: string | readonly string[], options: ReportApiOptions = {}): Promise<ReportResult> {
  const list = typeof files === "string" ? [files] : files;
  const { buildReport, checkResultCount } = await import("./report/html/index.js");
  checkResultCount(list); // before defaultOut, which names the page after the first
  const { defaultOut } = await import("./commands/report.js");
  const out = options.out ?? defaultOut(list);
  const page = await buildReport(list, { out, backend: options.backend });
  if (options.out !== undefined) {
    const { writeNewFile } = await import("./report/html/write.js");
    writeNewFile(options.out, page.html);
  }
  return page;
}
