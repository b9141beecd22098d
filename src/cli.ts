#!/usr/bin/env node
// The `faultsim` command line. Exit codes (design.md): 0 nothing found, 1 a violation found,
// 2 bad usage or bad input (one line on stderr, never a stack trace), 3 internal error (the
// model trapped: a bug of faultsim; we print what reproduces it).
import { existsSync, realpathSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { UsageError, InputError, InternalError } from "./errors.js";
import {
  boundedOption,
  intOption,
  fractionOption,
  seedOption,
  withOption,
  withoutOption,
  flagOf,
  MS_MAX,
  powerOfTwoOption,
} from "./options.js";
import { guardOutput, writeOut, exitCodeWith, outputFailure } from "./output.js";
import { stopOnSignals } from "./commands/out-dir.js";
import { fmtCount as num, fmtJiffy, fmtRate as rate, safeText } from "./report/text.js";
import {
  FLAGS,
  MODELS,
  DEFAULT_MODEL,
  RECLAIM_POLICY,
  resolveModel,
  modelOutput,
  unshippedNotes,
  type ResolvedModel,
} from "./model/models.js";
import { bulkMachineConfig, checkWorkload, generatorOptions, LIMITS, type WorkloadOptions } from "./bulk/config.js";
import type { BulkOptions, BulkResult, ReclaimStall } from "./bulk/run.js";
import type { PolicyName } from "./policy/policies.js";
import { SCHED } from "./wasm/abi.js";
import { type Backend, checkNamedBuild, type MachineConfig } from "./wasm/engine.js";
import { DEFAULT_WORKLOAD, PATTERNS, type Pattern } from "./workload/index.js";
import { registerExploreCommands } from "./commands/register.js";
import { faultsimVersion as version, modelBuild, modelId } from "./report/version.js";
import type { SeriesWriter } from "./bulk/series.js";
import { openTrace, TraceFeed, TRACE_FORMATS, type TraceFormat } from "./trace/index.js";
import type { RunJson } from "./schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "./schema/versions.js";
import { registerRacesCommand } from "./races/cli.js";

/** `faultsim --version`: the package version and the model build's id. */
function versionLine(): string {
  const id = modelId();
  return id ? `${version()} (model build ${id})` : version();
}

/** `faultsim run`'s options as commander hands them over (strings, as typed). */
export interface RunCliOptions {
  model: string;
  with: string[];
  without: string[];
  seed: string;
  cpus: string;
  mms: string;
  pages: string;
  frames: string;
  areas: string;
  slots: string;
  ops: string;
  workload: "steady" | "random";
  pattern: Pattern;
  writeRatio: string;
  hotFraction: string;
  hotProbability: string;
  threads?: boolean;
  forkRate: string;
  exitRate?: string;
  munmapRate: string;
  swapoffRate: string;
  swaponRate?: string;
  checkInterval: string;
  fullCheck?: boolean;
  kswapd?: boolean;
  /** --jiffy-steps (absent: the model's own clock). */
  jiffySteps?: string;
  sched: "random" | "rtc";
  backend: Backend;
  json?: boolean;
  budgetMs?: string;
  trace?: string;
  traceFormat?: string;
  series?: string;
  interval: string;
  seriesFormat?: string;
  /** --reclaim: the kernel's reclaim, or a textbook policy in its place (src/policy). */
  reclaim?: "kernel" | PolicyName;
}

/** The validated settings of one `run`, also used to print a reproducing command line. */
export interface RunSettings {
  model: ResolvedModel;
  with: string[];
  without: string[];
  seed: number;
  cpus: number;
  mms: number;
  pages: number;
  frames: number;
  areas: number;
  slots: number;
  ops: number;
  workload: "steady" | "random";
  pattern: Pattern;
  writeRatio: number;
  hotFraction: number;
  hotProbability: number;
  threads: boolean;
  forkRate: number;
  exitRate: number;
  munmapRate: number;
  swapoffRate: number;
  swaponRate: number;
  checkInterval: number;
  /** Deep checks read every frame and swap-cache bucket, not only what the run touched. */
  fullCheck: boolean;
  kswapd: boolean;
  /** The model's clock run fast: a jiffy of this many steps (absent: its own, 16,384). */
  jiffySteps?: number;
  sched: "random" | "rtc";
  backend: Backend;
  /** Replay this trace instead of the generated workload. */
  trace?: { file: string; format: TraceFormat };
}

/** Defaults that depend on --workload: the steady workload pairs every swapoff with a swapon
 *  and every fork with its child's exit, so by default it has no other exits or swapons. */
const WORKLOAD_DEFAULTS = {
  steady: { exitRate: "0", swaponRate: "0" },
  random: { exitRate: "0.00002", swaponRate: "0.00001" },
} as const;

/** Validates and resolves `run`'s options (the CLI's and the API's, src/index.ts). */
export function settingsOf(o: RunCliOptions): RunSettings {
  const model = resolveModel(o.model, o.with, o.without);
  const d = WORKLOAD_DEFAULTS[o.workload];
  return {
    model,
    with: o.with,
    without: o.without,
    seed: seedOption(o.seed),
    cpus: boundedOption("cpus", o.cpus, LIMITS.cpus),
    mms: boundedOption("mms", o.mms, LIMITS.mms),
    pages: boundedOption("pages", o.pages, LIMITS.pages),
    frames: boundedOption("frames", o.frames, LIMITS.frames),
    areas: boundedOption("areas", o.areas, LIMITS.areas),
    slots: boundedOption("slots", o.slots, LIMITS.slots),
    ops: intOption("ops", o.ops, 1, Number.MAX_SAFE_INTEGER),
    workload: o.workload,
    pattern: o.pattern,
    writeRatio: fractionOption("write-ratio", o.writeRatio),
    hotFraction: fractionOption("hot-fraction", o.hotFraction),
    hotProbability: fractionOption("hot-probability", o.hotProbability),
    threads: o.threads === true,
    forkRate: fractionOption("fork-rate", o.forkRate),
    exitRate: fractionOption("exit-rate", o.exitRate ?? d.exitRate),
    munmapRate: fractionOption("munmap-rate", o.munmapRate),
    swapoffRate: fractionOption("swapoff-rate", o.swapoffRate),
    swaponRate: fractionOption("swapon-rate", o.swaponRate ?? d.swaponRate),
    checkInterval: intOption("check-interval", o.checkInterval, 0, Number.MAX_SAFE_INTEGER),
    fullCheck: o.fullCheck === true,
    kswapd: o.kswapd !== false,
    ...(o.jiffySteps === undefined ? {} : { jiffySteps: powerOfTwoOption("jiffy-steps", o.jiffySteps, LIMITS.jiffySteps) }),
    sched: o.sched,
    backend: o.backend,
    trace: o.trace === undefined ? undefined : { file: o.trace, format: traceFormatOf(o.trace, o.traceFormat) },
  };
}

/** --trace-format, or the format the trace's name says (.csv, .lackey, oracleGeneral). */
function traceFormatOf(file: string, given: string | undefined): TraceFormat {
  if (given !== undefined) {
    if (!(TRACE_FORMATS as readonly string[]).includes(given)) {
      throw new UsageError(`--trace-format must be one of ${TRACE_FORMATS.join(", ")}, got '${given}'`);
    }
    return given as TraceFormat;
  }
  const base = path.basename(file).toLowerCase();
  if (base.endsWith(".csv")) return "csv";
  if (base.endsWith(".lackey")) return "lackey";
  if (base.includes("oraclegeneral")) return "oracle-general";
  // A name that does not exist is a typo, not a file whose format is to be named.
  if (!existsSync(file)) throw new InputError(`trace ${file}: cannot read it (ENOENT)`, file);
  throw new UsageError(`--trace ${file}: name its format with --trace-format ${TRACE_FORMATS.join("|")}`);
}

/** A command line that reruns these settings exactly. */
function reproCommand(s: RunSettings): string {
  const parts = [
    "faultsim run",
    `--model ${s.model.name}`,
    ...s.with.map((f) => `--with ${f}`),
    ...s.without.map((f) => `--without ${f}`),
    `--seed ${s.seed}`,
    `--cpus ${s.cpus}`,
    `--mms ${s.mms}`,
    `--pages ${s.pages}`,
    `--frames ${s.frames}`,
    `--areas ${s.areas}`,
    `--slots ${s.slots}`,
    `--ops ${s.ops}`,
    `--workload ${s.workload}`,
    `--pattern ${s.pattern}`,
    `--write-ratio ${s.writeRatio}`,
    `--hot-fraction ${s.hotFraction}`,
    `--hot-probability ${s.hotProbability}`,
    ...(s.threads ? ["--threads"] : []),
    `--fork-rate ${s.forkRate}`,
    `--exit-rate ${s.exitRate}`,
    `--munmap-rate ${s.munmapRate}`,
    `--swapoff-rate ${s.swapoffRate}`,
    `--swapon-rate ${s.swaponRate}`,
    `--check-interval ${s.checkInterval}`,
    ...(s.fullCheck ? ["--full-check"] : []),
    s.kswapd ? "--kswapd" : "--no-kswapd",
    ...(s.jiffySteps === undefined ? [] : [`--jiffy-steps ${s.jiffySteps}`]),
    `--sched ${s.sched}`,
    `--backend ${s.backend}`,
    ...(s.trace ? [`--trace ${s.trace.file}`, `--trace-format ${s.trace.format}`] : []),
  ];
  return parts.join(" ");
}

/** The machine and the in-model workload a run's settings make: `faultsim run`'s, its policy
 *  runs' (`sched` given), and bench/'s scripts', which parse RUN ARGS with this command line. */
export function bulkSetupOf(
  s: RunSettings,
  sched: number = s.sched === "rtc" ? SCHED.RTC : SCHED.RANDOM,
): { machine: MachineConfig; workload: WorkloadOptions } {
  const machine = bulkMachineConfig(
    { cpus: s.cpus, mms: s.mms + spareMms(s), pagesPerMm: s.pages, frames: s.frames, areas: s.areas, slotsPerArea: s.slots },
    { flags: s.model.flags, flags2: s.model.flags2, kswapd: s.kswapd, seed: s.seed, sched, backend: s.backend },
  );
  // --jiffy-steps: out_of_memory's second comes sooner (assembly/mm/oom_kill.ts, the clock).
  if (s.jiffySteps !== undefined) machine.jiffyShift = Math.log2(s.jiffySteps);
  return { machine, workload: workloadOf(s) };
}

/** The in-model workload generator's options for a run's settings. */
function workloadOf(s: RunSettings): WorkloadOptions {
  return {
    cpus: s.cpus,
    mms: s.mms,
    pagesPerMm: s.pages,
    areas: s.areas,
    pattern: s.pattern,
    writeRatio: s.writeRatio,
    hotFraction: s.hotFraction,
    hotProbability: s.hotProbability,
    threads: s.threads,
    forkRate: s.forkRate,
    exitRate: s.exitRate,
    munmapRate: s.munmapRate,
    swapoffRate: s.swapoffRate,
    swaponRate: s.swaponRate,
    steady: s.workload === "steady",
  };
}

/** Spare mms of the machine beyond --mms: the steady workload forks into one per CPU. */
function spareMms(s: RunSettings): number {
  const spare = !s.trace && s.workload === "steady" && s.forkRate > 0 ? s.cpus : 0;
  if (s.mms + spare > LIMITS.mms.max) {
    throw new UsageError(
      `--mms ${s.mms}: the steady workload forks each CPU's children into a spare mm of its own (${spare} more), ` +
        `and a machine has at most ${LIMITS.mms.max}: give --mms ${LIMITS.mms.max - spare} or less, --fork-rate 0, or --workload random`,
    );
  }
  return spare;
}

/** What one run does beside its settings: the CLI's and the API's extras. */
export interface RunHooks {
  /** Called once the machine and the workload are checked, before the first step: opens
   *  what the run writes (a series file), and returns the progress callback, if any. */
  onStart?: () => Promise<((opsDone: number, opsTotal: number) => void) | undefined>;
  /** Stops the run between two chunks (a signal): the result is the partial run. */
  signal?: AbortSignal;
  /** Stop after this long (ms of wall time), between two chunks. */
  budgetMs?: number;
  /** Called every `steps` steps and at the end (the time series, src/bulk/series.ts). */
  onInterval?: BulkOptions["onInterval"];
  /** Called when get_swap_page has refused every page for bulk mode's stall bound (BulkOptions onStall). */
  onStall?: BulkOptions["onStall"];
}

/** Runs validated settings (the CLI's and the API's): the machine and the workload are
 *  checked before the first step; an internal error says how to reproduce it. */
export async function runSettings(s: RunSettings, hooks: RunHooks = {}): Promise<BulkResult> {
  const { machine, workload } = bulkSetupOf(s);
  checkWorkload(workload); // e.g. rates adding up to more than 1: refuse before starting
  // A trace's records are fed as the CPUs drain their rings (src/trace).
  const feed = s.trace
    ? new TraceFeed(openTrace(s.trace.file, s.trace.format), { cpus: s.cpus, mms: machine.mms, pagesPerMm: s.pages, opCap: machine.opCap })
    : undefined;
  let onProgress: ((opsDone: number, opsTotal: number) => void) | undefined;
  try {
    // The bulk run and the invariants, loaded by `run` alone (a hunt or a shard's merge does not pay for them).
    const [{ runBulk }, { checkInvariants }] = await Promise.all([import("./bulk/run.js"), import("./invariants/check.js")]);
    onProgress = await hooks.onStart?.();
    return await runBulk({
      signal: hooks.signal,
      budgetMs: hooks.budgetMs,
      backend: s.backend,
      machine,
      workload,
      seed: s.seed,
      ops: s.ops,
      checkInterval: s.checkInterval,
      checker: checkInvariants,
      fullCheck: s.fullCheck,
      // A trace has no op count to show progress against.
      onProgress: feed ? undefined : onProgress,
      feed,
      onInterval: hooks.onInterval,
      onStall: hooks.onStall,
    });
  } catch (err) {
    if (err instanceof InternalError) throw new InternalError(`${err.message}\nreproduce with: ${reproCommand(s)}`);
    throw err;
  } finally {
    feed?.close();
  }
}

/** run's options a policy run (`--reclaim` other than kernel) has nothing to do with: it has
 *  no steps to sample and cannot stop part way. Given, they would be dropped without a word. */
const NOT_WITH_POLICY = ["series", "interval", "seriesFormat", "budgetMs"] as const;

/** run's options of the generated workload, which a trace replaces (README, "Traces": `--ops`
 *  and the workload options do not apply). Given with --trace, they would be dropped without a word. */
export const NOT_WITH_TRACE = [
  "ops",
  "workload",
  "pattern",
  "writeRatio",
  "hotFraction",
  "hotProbability",
  "forkRate",
  "exitRate",
  "munmapRate",
  "swapoffRate",
  "swaponRate",
] as const;

/** The one line of a generated workload's option given with a trace (`--pattern`, or the API's `pattern`). */
export const notWithTrace = (option: string): UsageError =>
  new UsageError(`${option} does not apply to --trace: the trace gives the accesses`);

async function runCommand(o: RunCliOptions, cmd?: Command): Promise<number> {
  const given = (k: string): boolean => cmd?.getOptionValueSource(k) === "cli";
  // An option that qualifies another one left out would be dropped without a word.
  if (given("traceFormat") && o.trace === undefined) throw new UsageError("--trace-format needs --trace");
  const generated = o.trace === undefined ? undefined : NOT_WITH_TRACE.find(given);
  if (generated !== undefined) throw notWithTrace(flagOf(generated));
  const s = settingsOf(o);
  for (const note of unshippedNotes(s.model.flags, s.model.flags2)) process.stderr.write(`faultsim: note: ${note}\n`);
  if (o.reclaim !== undefined && o.reclaim !== "kernel") {
    if (s.fullCheck)
      throw new UsageError(`--full-check does not apply to --reclaim ${o.reclaim}: a policy run has no deep invariant checks`);
    const dropped = NOT_WITH_POLICY.find(given);
    if (dropped !== undefined) {
      throw new UsageError(
        `${flagOf(dropped)} does not apply to --reclaim ${o.reclaim}: a policy run has no steps to sample and runs to its end`,
      );
    }
    return policyCommand(s, o.reclaim, o.json === true);
  }
  const unqualified = (["interval", "seriesFormat"] as const).find(given);
  if (unqualified !== undefined && o.series === undefined) throw new UsageError(`${flagOf(unqualified)} needs --series`);
  const budgetMs = o.budgetMs === undefined ? undefined : intOption("budget-ms", o.budgetMs, 1, MS_MAX);
  const interval = intOption("interval", o.interval, 1, Number.MAX_SAFE_INTEGER);
  const seriesModule = o.series === undefined ? undefined : await import("./bulk/series.js");
  const seriesFormat = o.series === undefined ? undefined : seriesModule?.seriesFormatOf(o.series, o.seriesFormat);
  let series: SeriesWriter | undefined;
  let bar: { update(n: number): void; stop(): void } | undefined;
  // SIGINT, SIGTERM and SIGHUP stop the run between two chunks: the partial summary follows.
  const stop = stopOnSignals();
  let r: BulkResult;
  try {
    r = await runSettings(s, {
      signal: stop.signal,
      budgetMs,
      onStart: async () => {
        // Created only now that the options are known good: a refused run leaves no file.
        if (o.series !== undefined && seriesModule && seriesFormat) series = new seriesModule.SeriesWriter(o.series, seriesFormat);
        if (s.trace) return undefined;
        bar = await progressBar(s.ops);
        return bar ? (done) => bar?.update(done) : undefined;
      },
      onInterval: o.series === undefined ? undefined : { steps: interval, fn: (e, stats) => series?.row(e, stats) },
      // A stall can last billions of steps: say so while it runs (below the progress bar's line).
      onStall: (st) => void process.stderr.write(`${bar ? "\n" : ""}faultsim: ${stallNote(st, s.jiffySteps)}\n`),
    });
  } catch (err) {
    // Bad input met while running (a trace record that does not parse) before the first row:
    // the series file this run created holds its header alone and would refuse the same
    // command once the input is fixed ("exists"). It is removed; one with rows is kept.
    if ((err instanceof InputError || err instanceof UsageError) && series && series.rows === 0) {
      series.close();
      rmSync(series.file, { force: true });
      series = undefined;
    }
    throw err;
  } finally {
    series?.close();
    stop.release();
    bar?.stop(); // the cursor shown again, the line cleared
  }
  const seriesOut = series ? { file: series.file, format: series.format, interval, rows: series.rows } : undefined;
  const written = await writeOut(o.json ? JSON.stringify(runJson(s, r, seriesOut)) + "\n" : runText(s, r, seriesOut));
  const failed = outputFailure();
  if (!written && failed && failed.code !== "EPIPE" && r.violations.length > 0) {
    // The output is lost (a full disk): the violation and how to reproduce it go to stderr.
    const v = r.violations[0];
    process.stderr.write(
      `faultsim: VIOLATION ${v.invariant} at step ${num(v.step)} (${v.source}): ${v.message}\n` +
        `faultsim: reproduce with: ${reproCommand(s)}\n`,
    );
  }
  return r.violations.length > 0 ? 1 : 0;
}

/** `run --reclaim POLICY`: the same machine and accesses under a textbook policy (src/policy). */
async function policyCommand(s: RunSettings, policy: PolicyName, json: boolean): Promise<number> {
  const { policyRun, policyJson, policyText } = await import("./policy/command.js");
  const { machine, workload } = bulkSetupOf(s, SCHED.RANDOM);
  checkWorkload(workload);
  const input = {
    policy,
    machine,
    backend: s.backend,
    seed: s.seed,
    ops: s.ops,
    generator: generatorOptions(workload),
    trace: s.trace,
  };
  const r = await policyRun(input);
  await writeOut(json ? JSON.stringify(policyJson(input, r, version())) + "\n" : policyText(input, r));
  return 0;
}

async function progressBar(total: number): Promise<{ update(n: number): void; stop(): void } | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "running [{bar}] {percentage}% | {value}/{total} ops | {duration_formatted}",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** `run --json`, and what the API's run() resolves with (src/schema/outputs.ts RunJsonSchema). */
export function runJson(s: RunSettings, r: BulkResult, series?: RunJson["series"]): RunJson {
  const st = r.stats;
  return {
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.run,
    command: "run",
    version: version(),
    model: modelOutput(s.model),
    machine: {
      cpus: s.cpus,
      mms: s.mms,
      pagesPerMm: s.pages,
      frames: s.frames,
      areas: s.areas,
      slotsPerArea: s.slots,
      kswapd: s.kswapd,
      ...(s.jiffySteps === undefined ? {} : { jiffySteps: s.jiffySteps }),
      sched: s.sched,
    },
    // The workload's own settings (its sizes are the machine's, above).
    workload: (({ cpus: _c, mms: _m, pagesPerMm: _p, areas: _a, ...own }) => own)(workloadOf(s)),
    seed: s.seed,
    ...(r.trace && s.trace ? { trace: { file: s.trace.file, ...r.trace } } : {}),
    backend: r.backend,
    modelId: modelId(r.backend) ?? null,
    ops: r.ops,
    steps: r.steps,
    accesses: r.accesses,
    faults: r.faults,
    minorFaults: st.minorFaults,
    majorFaults: st.majorFaults,
    swapIns: st.swapIns,
    swapOuts: st.swapOuts,
    readahead: st.readahead,
    readaheadHits: st.readaheadHits,
    reclaimScans: st.reclaimScans,
    seconds: r.seconds,
    rates: r.rates,
    pressure: r.pressure,
    checks: r.checks,
    checkMode: s.fullCheck ? "whole" : "touched",
    stats: st,
    violations: r.violations,
    ...(r.stalls.length > 0 ? { stalls: r.stalls } : {}),
    stateHash: r.stateHash,
    // A partial run (a signal, --budget-ms) says so.
    ...(r.stopped ? { partial: true, stopped: r.stopped } : {}),
    ...(series ? { series } : {}),
  };
}

function runText(s: RunSettings, r: BulkResult, series?: { file: string; rows: number; interval: number }): string {
  const st = r.stats;
  const rows: [string, string, string][] = [
    ["ops", num(r.ops), rate(r.rates.opsPerSec)],
    ["steps", num(r.steps), rate(r.rates.stepsPerSec)],
    ["faults", `${num(r.faults)} (minor ${num(st.minorFaults)}, major ${num(st.majorFaults)})`, rate(r.rates.faultsPerSec)],
    ["swap", `in ${num(st.swapIns)}, out ${num(st.swapOuts)}`, ""],
    [
      "readahead",
      `${num(st.readahead)} readahead pages (read or found cached); ${num(st.readaheadHits)} faults found their page in the swap cache`,
      "",
    ],
    ["reclaim", `${num(st.reclaimScans)} pages scanned, ${num(st.pteScans)} ptes scanned, ${num(st.pagesFreed)} pages freed`, ""],
    ["", `${num(st.directReclaim)} direct reclaims, ${num(st.kswapdRuns)} kswapd runs`, ""],
    ["oom", `${num(st.oom)} faults failed, ${num(st.oomKills)} processes killed`, ""],
  ];
  if (r.trace) {
    const t = r.trace;
    rows.unshift(["trace", `${num(t.records)} records (${t.format}), ${num(t.pages)} pages in ${t.mms} mm`, ""]);
  }
  const w = Math.max(...rows.map((x) => x[1].length));
  const lines = [
    `model    ${s.model.name}: ${s.model.flagNames.join(", ") || "(no flags)"}`,
    `machine  ${s.cpus} CPU${s.cpus === 1 ? "" : "s"}${s.kswapd ? " + kswapd" : ""}, ${s.mms} mm x ${s.pages} pages${spareMms(s) ? ` (+ ${spareMms(s)} for forks' children)` : ""}, ${num(s.frames)} frames ` +
      `(pressure ${r.pressure.ratio.toFixed(2)}x), ${s.areas} swap area${s.areas === 1 ? "" : "s"} x ${num(s.slots)} slots${fmtJiffy(s.jiffySteps)}; ${s.sched} scheduler, ${r.backend}`,
    `seed     ${s.seed}, ${r.seconds.toFixed(2)} s, ${r.checks} deep check${r.checks === 1 ? "" : "s"}, state ${r.stateHash}`,
    "",
    ...rows.map(([k, v, p]) => `${k.padEnd(10)}${v.padEnd(w)}  ${p}`.trimEnd()),
    "",
  ];
  if (r.stopped)
    lines.push(`stopped by ${r.stopped === "signal" ? "a signal" : "--budget-ms"} after ${num(r.ops)} of ${num(s.ops)} ops: a partial run`);
  if (series) lines.push(`series   ${num(series.rows)} rows, one per ${num(series.interval)} steps, in ${series.file}`, "");
  if (r.stalls.length > 0) lines.push(...stallLines(r.stalls, s.jiffySteps), "");
  if (r.violations.length === 0) lines.push("no violation");
  const shown = r.violations.slice(0, 10);
  for (const v of shown) lines.push(`VIOLATION ${v.invariant} at step ${num(v.step)} (${v.source}): ${v.message}`);
  if (r.violations.length > shown.length) lines.push(`... and ${r.violations.length - shown.length} more (--json lists them)`);
  if (r.violations.length > 0) lines.push(`reproduce with: ${reproCommand(s)}`);
  return lines.join("\n") + "\n";
}

/** Why a stall is one, in a sentence (the docs' section says more), with the run's second. */
function stallWhy(jiffySteps: number | undefined): string {
  const second = jiffySteps === undefined ? "the model's clock: 1.6M steps" : `--jiffy-steps ${jiffySteps}: ${num(100 * jiffySteps)} steps`;
  return (
    "get_swap_page refuses every page while nr_swap_pages <= 0: reclaim frees only clean swap-cache pages and every allocation " +
    `short of pages scans every pte for nothing; 2.4.16 stays there until out_of_memory kills a process, after a second (${second}) ` +
    'of failures, and again each second it stays (without oom-kill, never) (docs/kernel-notes.md, "Reclaim stalls")'
  );
}

/** What put nr_swap_pages at or below 0. */
function stallCause(st: ReclaimStall): string {
  return st.cause === "swapoff"
    ? `a swapoff of area ${st.area} (more of its slots in use than the other areas have free) left nr_swap_pages at ${num(st.nrSwapPages)}`
    : `swap is full (nr_swap_pages ${num(st.nrSwapPages)})`;
}

/** How a run avoids the stall: a swapoff in a machine whose swap is half used or more always
 *  finds the other areas short (2.4.16 keeps a swapped-in page's slot until vm_swap_full). */
const STALL_AVOID: Record<ReclaimStall["cause"], string> = {
  swapoff: "--swapoff-rate 0 leaves swapoffs out",
  "swap-full": "more --slots give the workload room",
};

/** stderr's note when a stall reaches the bound, the run still going. */
function stallNote(st: ReclaimStall, jiffySteps: number | undefined): string {
  return (
    `reclaim stalled since step ${num(st.from)} (${num(st.ops)} ops in ${num(st.to - st.from)} steps, ${num(st.swapOuts)} swap-outs): ` +
    `${stallCause(st)}; ${stallWhy(jiffySteps)}; ${STALL_AVOID[st.cause]}`
  );
}

const STALL_ENDED: Record<ReclaimStall["ended"], string> = {
  "swapoff-enomem": "the swapoff gave up (-ENOMEM)",
  "swapoff-done": "the swapoff completed",
  "oom-kill": "the OOM killer's kills freed slots",
  "slots-freed": "slots were freed",
  "run-end": "the run ended during it",
};

/** The report's lines for the stalls (the first ten, as for violations). */
function stallLines(stalls: readonly ReclaimStall[], jiffySteps: number | undefined): string[] {
  const lines = stalls
    .slice(0, 10)
    .map(
      (st) =>
        `stalled  steps ${num(st.from)}-${num(st.to)}: ${num(st.ops)} ops, ${num(st.swapOuts)} swap-outs, ${num(st.pagesFreed)} pages freed, ` +
        `${num(st.oomKills)} processes OOM-killed; ` +
        `${stallCause(st)}; ended: ${STALL_ENDED[st.ended]}`,
    );
  if (stalls.length > 10) lines.push(`         ... and ${stalls.length - 10} more (--json lists them)`);
  const avoid = [...new Set(stalls.map((st) => STALL_AVOID[st.cause]))].join(", ");
  lines.push(`         ${stallWhy(jiffySteps)}; ${avoid}`);
  return lines;
}

async function modelsCommand(o: { json?: boolean }): Promise<number> {
  // The id reported is FAULTSIM_WASM's build's when one is named: a build that does not load
  // is refused first, as by every command that runs it.
  checkNamedBuild();
  if (o.json) {
    const { modelsJson } = await import("./report/models-json.js");
    await writeOut(JSON.stringify(modelsJson()) + "\n");
    return 0;
  }
  const lines: string[] = ["models:"];
  const mw = Math.max(...MODELS.map((m) => m.name.length));
  for (const m of MODELS) {
    lines.push(`  ${m.name.padEnd(mw)}  ${m.flags.join(" ")}${m.name === DEFAULT_MODEL ? "  (default for run)" : ""}`);
    lines.push(`  ${"".padEnd(mw)}  ${m.what}`);
  }
  lines.push("", `  ${RECLAIM_POLICY}`, "", "flags (--with / --without on any model):");
  const fw = Math.max(...FLAGS.map((f) => f.name.length));
  for (const f of FLAGS) {
    lines.push(`  ${f.name.padEnd(fw)}  ${f.what}`);
    lines.push(
      `  ${"".padEnd(fw)}  shipped in: ${f.shipped}${f.fixedIn ? `; fixed in ${f.fixedIn} (linux-2.4.16-fixed leaves it off)` : ""}`,
    );
    lines.push(`  ${"".padEnd(fw)}  change: ${f.patch}`);
  }
  const build = modelBuild();
  const own = process.env.FAULTSIM_WASM;
  lines.push(
    "",
    build.id
      ? `model build ${build.id} (a hash of assembly/'s sources; repro files record it)`
      : own
        ? `model build unknown: FAULTSIM_WASM's build has no ${build.file} (\`node src/build/model-id.mjs ${own}\` writes it)`
        : "model build unknown: no build/faultsim.model-id.json (`npm run build` writes it)",
  );
  await writeOut(lines.join("\n") + "\n");
  return 0;
}

/** Exit code of the last action (commander actions cannot return one). */
let actionExit = 0;

export function buildProgram(): Command {
  const program = new Command("faultsim");
  program
    .description("executable model of the Linux 2.4 page-fault, reclaim and swap code that hunts swap-cache races")
    .version(versionLine(), "-V, --version")
    .exitOverride()
    .configureOutput({
      // Commander's own errors are turned into one line by main(); help still goes out.
      outputError: () => {},
    })
    .showSuggestionAfterError(true);

  program
    .command("run")
    .description("one large randomized run (bulk mode): VM statistics, rates, and any violation")
    .addOption(new Option("--model <name>", "kernel model (see `faultsim models`)").default(DEFAULT_MODEL))
    .option("--with <flag>", "add a flag to the model (repeatable, or comma-separated)", withOption, [] as string[])
    .option("--without <flag>", "remove a flag from the model (repeatable, or comma-separated)", withoutOption, [] as string[])
    .option("--seed <n>", "seed of the workload and the scheduler", "1")
    .option("--cpus <n>", "simulated CPUs (1..8)", "4")
    .option("--mms <n>", "address spaces (1..64)", "4")
    .option("--pages <n>", "virtual pages per mm (1..65536)", "4096")
    .option("--frames <n>", "physical page frames (16..16777216)", "8192")
    .option("--areas <n>", "swap areas (1..32)", "2")
    .option("--slots <n>", "slots per swap area, slot 0 is the header (2..16777216)", "16384")
    .option("--ops <n>", "operations to run, shared across the CPUs", "1000000")
    .addOption(
      new Option(
        "--workload <kind>",
        "steady: each CPU first writes all its pages, swapoff is paired with swapon, fork with the child's exit; random: independent ops",
      )
        .choices(["steady", "random"])
        .default("steady"),
    )
    .addOption(new Option("--pattern <kind>", "page access pattern").choices(PATTERNS).default("hotcold"))
    .option("--write-ratio <p>", "fraction of accesses that write", "0.3")
    .option("--hot-fraction <p>", "hotcold: fraction of each mm's pages that are hot", String(DEFAULT_WORKLOAD.hotFraction))
    .option("--hot-probability <p>", "hotcold: probability an access goes to a hot page", String(DEFAULT_WORKLOAD.hotProbability))
    .option("--threads", "CPUs are threads sharing the mms (default: one process per CPU)")
    .option("--fork-rate <p>", "probability an op is a fork", "0.0001")
    .option("--exit-rate <p>", "probability an op is an exit (default: steady 0, random 0.00002)")
    .option("--munmap-rate <p>", "probability an op is an munmap", "0.001")
    .option("--swapoff-rate <p>", "probability an op is a swapoff", "0.00001")
    .option("--swapon-rate <p>", "probability an op is a swapon (default: steady 0, random 0.00001)")
    .option("--check-interval <steps>", "steps between deep invariant checks (0: only at the end)", "1e6")
    .option(
      "--full-check",
      "deep checks read every frame and swap-cache bucket, not only those the run can have touched (the same findings; slower on a large machine)",
    )
    .option("--kswapd", "run kswapd (default)")
    .option("--no-kswapd", "no kswapd: only direct reclaim")
    .option(
      "--jiffy-steps <n>",
      "run the model's clock fast: a jiffy lasts n steps (a power of two, 1..16384; HZ is 100), so that 2.4.16's OOM killer, which waits for a second of failures, acts sooner (default: the model's clock, 16384 steps a jiffy)",
    )
    .addOption(new Option("--sched <kind>", "scheduler").choices(["random", "rtc"]).default("random"))
    .addOption(new Option("--backend <kind>", "model build").choices(["wasm", "js"]).default("wasm"))
    .option("--trace <file>", "replay this memory-access trace instead of the generated workload")
    .option("--trace-format <kind>", `the trace's format: ${TRACE_FORMATS.join(", ")} (default: from the file name)`)
    .option("--series <file>", "write a time series (one row per --interval steps) to a new file, CSV or JSON lines")
    .option("--interval <steps>", "steps between two rows of --series", "100000")
    .option("--series-format <kind>", "csv or jsonl (default: from the file's extension)")
    .option("--json", "print one JSON object on stdout")
    .option("--budget-ms <ms>", "stop after this long (a partial run, as after Ctrl-C or SIGTERM)")
    .addOption(
      new Option("--reclaim <policy>", "2.4's reclaim, or a textbook policy on the same machine and accesses")
        .choices(["kernel", "lru", "fifo", "clock", "opt"])
        .default("kernel"),
    )
    .action(async (o: RunCliOptions, cmd: Command) => {
      actionExit = await runCommand(o, cmd);
    });

  program
    .command("models")
    .description("list the kernel models and their flags")
    .option("--json", "print one JSON object on stdout")
    .action(async (o: { json?: boolean }) => {
      actionExit = await modelsCommand(o);
    });

  program
    .command("report")
    .description("one self-contained HTML page of a run's --series (two: overlaid), a hunt's --jsonl stream or a repro file")
    .argument("<results...>", "a run's series, a hunt's event stream or a repro file; or two runs' series to overlay")
    .option("--out <file>", "the page to write, never an existing file (default: the result's name with .html, here)")
    .addOption(new Option("--backend <kind>", "model build that replays a repro").choices(["wasm", "js"]).default("wasm"))
    .action(async (files: string[], o: { out?: string; backend: Backend }) => {
      actionExit = await (await import("./commands/report.js")).reportCommand(files, o);
    });

  registerExploreCommands(program);
  registerRacesCommand(program);
  return program;
}

/** Error → one line on stderr and an exit code. */
function reportError(err: unknown): number {
  // One line, with any control character from a file or an argument made visible.
  const line = (msg: string) => process.stderr.write(`faultsim: ${msg.split("\n").map(safeText).join("\n")}\n`);
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return 0; // --help, --version
    if (err.code === "commander.help" || err.code === "commander.helpDisplayed") return 2; // help shown for a missing command
    line(
      err.message
        .replace(/^error: /, "")
        .replace(/\s*\n\s*/g, " ")
        .trim(),
    );
    return 2;
  }
  if (err instanceof UsageError || err instanceof InputError) {
    // Whole, with a newline of the user's (an argument, a file's field) made visible like any
    // control character: cut at it, `--model $'x\ny'` lost the rest of its line.
    line(safeText(err.message));
    return 2;
  }
  if (err instanceof InternalError) {
    line(`internal error (a bug of faultsim, please report it): ${err.message}`);
    return 3;
  }
  const e = err as Error;
  line(`internal error (a bug of faultsim, please report it): ${e?.message ?? String(err)}`);
  if (process.env.FAULTSIM_DEBUG && e?.stack) process.stderr.write(e.stack + "\n");
  return 3;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  actionExit = 0;
  try {
    const program = buildProgram();
    // `faultsim help nope`: commander prints the whole help on stderr; one line says it.
    const [first, topic] = argv.slice(2);
    // No command: one line naming them, not the whole help on stderr.
    if (first === undefined) {
      const names = program.commands.map((c) => c.name()).join(", ");
      throw new UsageError(`a command is needed (${names}): faultsim --help describes them`);
    }
    if (
      first === "help" &&
      topic !== undefined &&
      topic !== "help" &&
      !program.commands.some((c) => c.name() === topic || c.aliases().includes(topic))
    ) {
      throw new UsageError(`unknown command '${topic}'`);
    }
    await program.parseAsync(argv);
    return actionExit;
  } catch (err) {
    return reportError(err);
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the command line on process.argv and settles the exit code: `node dist/src/cli.js`,
 *  and src/bin.cts (the installed `faultsim`) for every command but `--version`. */
export function runAsEntryPoint(): void {
  // A closed or full stdout (src/output.ts) may be reported before or after main() ends: the
  // exit code is settled from both, whichever comes last.
  let done: number | undefined;
  guardOutput(() => {
    if (done !== undefined) process.exitCode = exitCodeWith(done);
  });
  // An explore command may have set process.exitCode itself (e.g. 1 for a violation found).
  main().then((code) => {
    done = code !== 0 ? code : Number(process.exitCode ?? 0);
    process.exitCode = exitCodeWith(done);
  });
}

if (isEntryPoint()) runAsEntryPoint();
