// `faultsim races --check`: the project's measure of its own power. Each race of the catalogue
// is hunted on its model with its hunt, from seed 1 on (a hunt that ends on another
// signature or on the duplicate's other route goes on with the next seed), until found or
// out of its budget; then the fixed model (every fix on) is hunted with the same shape and
// scheduler for a fixed number of executions and must find nothing.
import { hunt, type HuntOptions } from "../index.js";
import type { Finding } from "../index.js";
import { replayTraced } from "../explore/replay.js";
import type { RaceCheckRowJson } from "../schema/outputs.js";
import { FIXED_MODEL, RACES, huntCommand, matchesRace, type Race } from "./catalogue.js";

export interface RaceCheckOptions {
  /** Executions allowed to find each race, over the seeds tried (default 2,000,000): the
   *  verdict then does not depend on the machine's speed or load. */
  budgetExecutions?: number;
  /** CPU time allowed to find each race, in ms of process CPU (default 120,000): a safety
   *  net behind budgetExecutions. */
  budgetMs?: number;
  /** Executions of the fixed model per race (default 200,000). */
  fixedExecutions?: number;
  /** CPU time of the same hunt under the other scheduler, in ms (default 5,000; 0: not run).
   *  Informational: it does not decide the exit code. */
  otherBudgetMs?: number;
  /** First seed (default 1). */
  seed?: number;
  /** Only these races (names); default all. */
  only?: readonly string[];
  /** Stops the check (SIGINT): the race under way is dropped, the rows done are returned. */
  signal?: AbortSignal;
  /** Called with each row as it is done. */
  onRow?: (row: RaceCheckRow) => void;
}

/** One race's check: `faultsim races --check --json`'s row, so the type is the zod schema's
 *  (src/schema/outputs.ts RaceCheckRowSchema, where each field is described). Times are the
 *  process's CPU time (process.cpuUsage, user + system: worker threads too), in ms. */
export type RaceCheckRow = RaceCheckRowJson;

// No shrinking: a shrink is cut by the clock, and the route is read from the finding's repro,
// so a shrunk one would make the verdict depend on the machine's speed.
const SHRINK_MS = 0;

/** CPU time allowed to the fixed model's hunt of each race, in ms: a safety net behind its
 *  executions (200,000 take 1-7 CPU-seconds). */
const FIXED_CPU_MS = 600_000;

/** The hunt's own budget, a bound on the wall clock: the longest it takes (2^31 ms, 24 days),
 *  i.e. none. Every bound of the check is on CPU time (cpuBound), never on the wall clock a
 *  loaded machine stretches. */
const NO_WALL_BUDGET_MS = 2 ** 31;

/** Hunt options that stop the hunt once the process has used budgetMs of CPU time since c0
 *  (or `signal` aborts). The hunt looks at its signal every 256 executions and reports
 *  progress every ~250 ms: each report reads the CPU clock. */
function cpuBound(c0: NodeJS.CpuUsage, budgetMs: number, signal?: AbortSignal): Pick<HuntOptions, "budgetMs" | "signal" | "onProgress"> {
  const stop = new AbortController();
  return {
    budgetMs: NO_WALL_BUDGET_MS,
    // AbortSignal.any, not a listener on `signal`: the check runs hunts by the hundred under
    // one signal, and each listener would stay on it (Node warns past 10).
    signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
    onProgress: () => {
      if (cpuMsSince(c0) >= budgetMs) stop.abort();
    },
  };
}

/** CPU time (user + system, the whole process: worker threads too) since c0, in ms: the
 *  project measures every figure in CPU time, not on the wall clock a loaded machine stretches. */
function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** Checks every race (or opts.only) in order; rows in catalogue order. */
export async function checkRaces(opts: RaceCheckOptions = {}): Promise<RaceCheckRow[]> {
  const rows: RaceCheckRow[] = [];
  for (const race of RACES) {
    if (opts.only && !opts.only.includes(race.name)) continue;
    if (opts.signal?.aborted) break;
    const row = await checkRace(race, opts);
    // Cut short by the signal: not a verdict on the race.
    if (opts.signal?.aborted) break;
    rows.push(row);
    opts.onRow?.(row);
  }
  return rows;
}

// The check's exit code is in catalogue.ts (checkExitCode): the command line prints the table
// without loading this module (and the API it hunts with) until --check runs.
export { checkExitCode } from "./catalogue.js";

async function checkRace(race: Race, opts: RaceCheckOptions): Promise<RaceCheckRow> {
  const first = opts.seed ?? 1;
  const sched = race.hunt.sched ?? "pct";
  const signal = opts.signal;
  const own = await findRace(race, sched, opts.budgetMs ?? 120_000, first, opts.budgetExecutions ?? 2_000_000, signal);
  const otherBudget = opts.otherBudgetMs ?? 5_000;
  const otherSched = sched === "pct" ? "random" : "pct";
  const other = otherBudget > 0 ? await findRace(race, otherSched, otherBudget, first, 0, signal) : undefined;
  const fixed = await checkFixed(race, opts.fixedExecutions ?? 200_000, first, signal);
  return {
    race: race.name,
    sched,
    found: own.found !== undefined,
    signature: own.found?.signature,
    seed: own.found?.seed,
    executions: own.executions,
    cpuMs: own.cpuMs,
    misses: own.misses,
    other: other && { sched: otherSched, found: other.found !== undefined, executions: other.executions, cpuMs: other.cpuMs },
    ...fixed,
    command: huntCommand(race.hunt, own.found?.seed ?? first),
  };
}

/** Hunts the race under sched from seed `first` on, a seed after another, until found (the
 *  right signature, and route) or out of budget (CPU time, or executions over all seeds). */
async function findRace(race: Race, sched: "pct" | "random", budgetMs: number, first: number, maxExecutions = 0, signal?: AbortSignal) {
  const c0 = process.cpuUsage();
  let executions = 0;
  const misses: string[] = [];
  let found: { signature: string; seed: number } | undefined;
  for (let seed = first; !found; seed++) {
    const left = budgetMs - cpuMsSince(c0);
    if (left < 50 || (maxExecutions > 0 && executions >= maxExecutions) || signal?.aborted) break;
    const r = await huntRaceSeed(race, sched, seed, Math.round(left), maxExecutions > 0 ? maxExecutions - executions : undefined, signal);
    executions += r.executions;
    if (r.signature !== undefined) found = { signature: r.signature, seed };
    else if (r.miss !== undefined) misses.push(`${sched} seed ${seed}: ${r.miss}`);
    else break; // the budget ran out
  }
  return { found, executions, cpuMs: cpuMsSince(c0), misses };
}

export interface SeedHunt {
  /** The signature that found the race (with its route, when it has one). */
  signature?: string;
  /** The hunt ended on something else: what (another signature, or the other route). */
  miss?: string;
  executions: number;
  /** CPU time of the hunt and of its route checks (ms). */
  cpuMs: number;
}

/** One hunt of the race from one seed, up to budgetMs of CPU time (process.cpuUsage, from
 *  its start; and executions, and until `signal` aborts): found, ended on something else, or
 *  out of budget (neither signature nor miss). Findings are not shrunk. */
export async function huntRaceSeed(
  race: Race,
  sched: "pct" | "random",
  seed: number,
  budgetMs: number,
  executions?: number,
  signal?: AbortSignal,
): Promise<SeedHunt> {
  const { keepGoing, depth, ...shape } = race.hunt;
  const c0 = process.cpuUsage();
  const bound = cpuBound(c0, budgetMs, signal);
  // The race's PCT depth is PCT's alone: hunt() refuses it beside --sched random, as the
  // command line does.
  const o: HuntOptions = {
    ...shape,
    ...(sched === "pct" && depth !== undefined ? { depth } : {}),
    sched,
    seed,
    ...bound,
    shrinkMs: SHRINK_MS,
  };
  if (executions !== undefined) o.executions = executions;
  // A keep-going race hunt goes on past other signatures to the race's own.
  if (keepGoing) o.until = (f) => matchesRace(race, f.signature);
  let r = await hunt(o);
  let hit = r.findings.find((f) => matchesRace(race, f.signature));
  let onRoute = hit !== undefined && (await routeMatches(race, hit));
  // ... and past its signature met by another route: a hunt reports a signature once, so it
  // goes on from that finding's execution with the signature forgotten (the executions one
  // hunt runs, the same campaign hash) to the next execution that fails with it.
  const wrongRoute = hit && !onRoute ? hit.signature : undefined;
  while (hit && !onRoute && keepGoing && !bound.signal?.aborted && r.executions < (executions ?? Infinity)) {
    const forget = hit.signature;
    const from = { ...r.checkpoint, signatures: r.checkpoint.signatures.filter((s) => s !== forget) };
    r = await hunt({ ...o, resumeFrom: from });
    hit = r.findings.find((f) => matchesRace(race, f.signature));
    onRoute = hit !== undefined && (await routeMatches(race, hit));
  }
  const out = { executions: r.executions, cpuMs: 0 };
  let result: SeedHunt;
  if (hit && onRoute) result = { ...out, signature: hit.signature };
  else if (wrongRoute !== undefined) result = { ...out, miss: `${wrongRoute} (another route)` };
  // A hunt that keeps going ends at its budget (or a signal) whatever it met on the way.
  else if (r.findings.length > 0 && !keepGoing) result = { ...out, miss: r.findings[0].signature };
  else result = out;
  result.cpuMs = cpuMsSince(c0);
  return result;
}

/** A finding counts for a race that names a route (`takes`) only when its traced replay meets
 *  the finding's own violation and names that route: the route the `route:` line of `hunt`
 *  and `replay` shows (src/explore/replay.ts replayTraced: route.ts names a duplicate's seed
 *  mail route, the classifiers beside this file every other named route). */
async function routeMatches(race: Race, f: Finding): Promise<boolean> {
  if (!race.takes) return true;
  const t = await replayTraced(f.repro);
  if (t.verdict?.signature !== f.repro.signature) return false;
  return (t.route?.route ?? t.raceRoute?.route) === race.takes;
}

/** The fixed model under the race's hunt shape, less its flag changes: nothing to find. A
 *  swarm hunt (src/explore/swarm.ts): the dimensions the race's hunt gives are pinned, every
 *  other one drawn per execution, so the fix is checked on many machines, not one. */
async function checkFixed(race: Race, executions: number, seed: number, signal?: AbortSignal) {
  const { keepGoing: _k, with: _w, without: _wo, model: _m, ...shape } = race.hunt;
  const c0 = process.cpuUsage();
  const bound = cpuBound(c0, FIXED_CPU_MS, signal);
  const r = await hunt({
    ...shape,
    model: FIXED_MODEL,
    swarm: true,
    seed,
    executions,
    ...bound,
    shrinkMs: SHRINK_MS,
    keepGoing: true,
  });
  // A machine too small for its CPUs livelocks whatever the fixes (race.smallMachine says why).
  const counts = (sig: string) => !(race.smallMachine && sig === "livelock");
  return {
    fixedExecutions: r.executions,
    fixedCpuMs: cpuMsSince(c0),
    fixedFindings: r.findings.map((f) => f.signature).filter(counts),
  };
}
