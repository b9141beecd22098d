// The programmatic API: `import { hunt, replay, models } from "faultsim"` (package.json
// `exports`). A thin layer over what the command line runs: hunt's options are resolved by the
// same code as `faultsim hunt`'s (src/explore/cli.ts huntOptions), with the same defaults (read
// from the command's own definition) and the same checks, and every error is one of the typed
// classes of src/errors.ts.
import { Command } from "commander";
import { UsageError } from "./errors.js";
import { FLAGS, MODELS, DEFAULT_MODEL } from "./model/models.js";
import { checkOutDir, huntOptions, modelBuildNote, registerExploreCommands, type HuntCli } from "./explore/cli.js";
import { hunt as huntEngine, diagramOf, type Finding, type HuntProgress, type HuntResult, type ReplayResult } from "./explore/hunt.js";
import { huntInWorkers } from "./explore/hunt-workers.js";
import { loadRepro, parseRepro, type Repro } from "./report/repro.js";
import { faultsimVersion, modelBuild } from "./report/version.js";
import type { Backend } from "./wasm/engine.js";

export { UsageError, InputError, InternalError } from "./errors.js";
export type { Repro, ReproMachine } from "./report/repro.js";
export type { Finding, HuntProgress, HuntResult, ReplayResult, ExecutionSize } from "./explore/hunt.js";
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
  /** Scheduler: PCT (default) or uniform random. */
  sched?: "pct" | "random";
  /** PCT bug depth, 1..9 (default 4). */
  depth?: number;
  /** Seed of the hunt: the ops and the schedules (default 1). */
  seed?: number;
  /** Stop after this many milliseconds (default 10,000). */
  budgetMs?: number;
  /** Stop after this many executions (default: only the budget). */
  executions?: number;
  /** Ops per CPU in each execution (default 5 with pct, 6 with random). */
  ops?: number;
  /** Simulated CPUs, 1..8 (default 3). */
  cpus?: number;
  /** Page frames, 4..4096; frame 0 is the zero page (default 6). */
  frames?: number;
  /** Virtual pages the ops touch, 1..4096 (default 4). */
  pages?: number;
  /** Swap slots, 2..65536; slot 0 is the header (default 5). */
  slots?: number;
  /** The readahead window is 2^pageCluster slots, 0..8 (default 1). */
  pageCluster?: number;
  /** Run kswapd beside direct reclaim (default true). */
  kswapd?: boolean;
  /** The CPUs are threads of one mm (default true); false: each CPU its own process. */
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
  /** Time allowed to shrink each finding, in ms (default 5,000). */
  shrinkMs?: number;
  /** Collect distinct signatures until the budget instead of stopping at the first. */
  keepGoing?: boolean;
  /** Draw every line of a finding's diagram. */
  full?: boolean;
  /** An existing, writable directory for repro files (checked before the first execution).
   *  Default: none, no file is written. */
  out?: string;
  /** Model build: Wasm (default) or its JS twin. */
  backend?: Backend;
  /** Worker threads, 1..64 (default 1): more than 1 is a campaign, as `--workers`. */
  workers?: number;
  /** Each finding, once replayed, shrunk and (with `out`) written, before the hunt goes on. */
  onFinding?: (finding: Finding) => void;
  /** About every 250 ms. */
  onProgress?: (progress: HuntProgress) => void;
  /** Ends the hunt early; what was found so far is still returned. */
  signal?: AbortSignal;
}

const NUMBERS = [
  "depth",
  "seed",
  "budgetMs",
  "executions",
  "ops",
  "cpus",
  "frames",
  "pages",
  "slots",
  "pageCluster",
  "writeRatio",
  "shrinkMs",
  "workers",
  "mms",
  "areas",
] as const;
const BOOLEANS = ["kswapd", "threads", "keepGoing", "full"] as const;
const CHOICES = { sched: ["pct", "random"], backend: ["wasm", "js"] } as const;
const OTHERS = ["model", "with", "without", "mix", "out", "onFinding", "onProgress", "signal"] as const;
const KNOWN = new Set<string>([...NUMBERS, ...BOOLEANS, ...Object.keys(CHOICES), ...OTHERS]);

/** `faultsim hunt`'s defaults, from the command's definition (commander holds an option's
 *  default as its value until the command line is parsed). */
function huntCliDefaults(): HuntCli {
  const program = new Command("faultsim");
  registerExploreCommands(program);
  const cmd = program.commands.find((c) => c.name() === "hunt");
  if (!cmd) throw new Error("faultsim: no hunt command");
  return { ...(cmd.opts() as HuntCli), with: [], without: [] };
}

/** The API's options as the command line would have them: the same checks then apply. */
function huntCliOf(o: HuntOptions): HuntCli {
  if (typeof o !== "object" || o === null) throw new UsageError("hunt: options must be an object");
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) throw new UsageError(`hunt: unknown option '${k}' (known: ${[...KNOWN].join(", ")})`);
  }
  const cli = huntCliDefaults() as unknown as Record<string, unknown>;
  const given = o as Record<string, unknown>;
  for (const k of NUMBERS) {
    const v = given[k];
    if (v === undefined) continue;
    if (typeof v !== "number") throw new UsageError(`hunt: ${k} must be a number, got ${typeof v}`);
    cli[k] = String(v);
  }
  for (const k of BOOLEANS) {
    const v = given[k];
    if (v === undefined) continue;
    if (typeof v !== "boolean") throw new UsageError(`hunt: ${k} must be a boolean, got ${typeof v}`);
    cli[k] = v;
  }
  for (const [k, choices] of Object.entries(CHOICES)) {
    const v = given[k];
    if (v === undefined) continue;
    if (!(choices as readonly unknown[]).includes(v))
      throw new UsageError(`hunt: ${k} must be one of ${choices.join(", ")}, got ${String(v)}`);
    cli[k] = v;
  }
  if (o.model !== undefined) {
    if (typeof o.model !== "string") throw new UsageError("hunt: model must be a string");
    cli.model = o.model;
  }
  if (o.mix !== undefined) {
    if (typeof o.mix !== "string") throw new UsageError("hunt: mix must be a string");
    cli.mix = o.mix;
  }
  for (const k of ["with", "without"] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((f) => typeof f !== "string")) throw new UsageError(`hunt: ${k} must be an array of flag names`);
    cli[k] = [...v];
  }
  return cli as unknown as HuntCli;
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
  const cli = huntCliOf(options);
  const { opts, workers } = huntOptions(cli);
  if (options.out !== undefined) {
    if (typeof options.out !== "string") throw new UsageError("hunt: out must be a directory name");
    checkOutDir(options.out);
    opts.out = options.out;
  }
  opts.fullDiagram = cli.full === true;
  if (options.onFinding) opts.onFinding = options.onFinding;
  if (options.onProgress) opts.onProgress = options.onProgress;
  if (options.signal) opts.signal = options.signal;
  return workers > 1 ? huntInWorkers(opts, workers) : huntEngine(opts);
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
 * @throws {InputError} not a valid repro (unreadable file, corrupt, another format version).
 * @throws {InternalError} the model misbehaved: a bug of faultsim.
 */
export async function replay(repro: Repro | string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const backend = options.backend ?? "wasm";
  if (backend !== "wasm" && backend !== "js") throw new UsageError(`replay: backend must be one of wasm, js, got ${String(backend)}`);
  const r = typeof repro === "string" ? loadRepro(repro) : parseRepro(JSON.stringify(repro), "repro");
  const out = await diagramOf(r, undefined, backend, { full: options.full === true });
  return { ...out, note: modelBuildNote(r, modelBuild(backend)) };
}

/** A kernel model, as {@link models} lists it. */
export interface ModelEntry {
  name: string;
  /** The flags it is built with. */
  flags: string[];
  what: string;
  /** The default model of `faultsim run`. */
  default: boolean;
}

/** A flag that changes a model (`with` / `without`). */
export interface FlagEntry {
  name: string;
  bit: number;
  what: string;
  /** The releases that shipped it. */
  shipped: string;
  /** The kernel change it models. */
  patch: string;
}

/** What {@link models} returns: the same object as `faultsim models --json`. */
export interface ModelsReport {
  models: ModelEntry[];
  flags: FlagEntry[];
  /** The model build's id (a hash of its sources; repro files record it), null when unknown. */
  modelId: string | null;
}

/** The kernel models, their flags and the model build, as `faultsim models --json`. */
export function models(): ModelsReport {
  return {
    models: MODELS.map((m) => ({ name: m.name, flags: [...m.flags], what: m.what, default: m.name === DEFAULT_MODEL })),
    flags: FLAGS.map((f) => ({ name: f.name, bit: f.bit, what: f.what, shipped: f.shipped, patch: f.patch })),
    modelId: modelBuild().id ?? null,
  };
}

/** faultsim's version (package.json). */
export const version = (): string => faultsimVersion();
