// Bulk mode: one large randomized run. Each CPU gets a fixed share of the requested ops from
// the model's own seeded workload generator (assembly/kernel/workload.ts, configured through
// src/workload): a CPU whose op ring runs dry is refilled inside run(), so the host never
// writes ops; the model runs in chunks of ~64K steps (V8 tiers Wasm up only between calls);
// the deep checker runs every checkInterval steps and once more after the machine has
// drained, over what the run can have touched (fullCheck: everything). Nothing is allocated
// inside the loop: one stats object, counters in locals.
import { Engine, type Backend, type MachineConfig } from "../wasm/engine.js";
import { A, AG, AREA_WORDS, G, R, RUN, STAT_NAMES, type Stats } from "../wasm/abi.js";
import { modelViolation as decodeModelViolation } from "../invariants/check.js";
import { checkLeavesSomeAlone, layoutOf } from "../invariants/layout.js";
import { InternalError, UsageError } from "../errors.js";
import { configureGenerator } from "../workload/generator.js";
import { generatorOptions, type WorkloadOptions } from "./config.js";
import type { OpFeed, TraceSummary } from "../trace/feed.js";
import { nowMs } from "../clock.js";

/** Steps per run() call. */
export const CHUNK_STEPS = 1 << 16;
/** Steps without any op completing after which bulk mode reports a livelock. */
export const LIVELOCK_STEPS = 1 << 24;
/** Steps after a check mid-run that found something until it is checked again (a suspect is
 *  reported once found at CONFIRM_CLOSINGS such rechecks after its ops ended): long enough for
 *  the sections an op had open to finish (linux-2.4.0's windows close within ~100 steps),
 *  short enough that a broken state is still the same one. */
export const CONFIRM_STEPS = 256;
/** Closings a suspect must be seen at before it is reported mid-run (runConfigured's check):
 *  two, so that a window one path keeps reopening (the same page added to the swap cache again
 *  and again) is not taken for a broken state by being open at the one recheck. */
export const CONFIRM_CLOSINGS = 2;
/** Steps a suspect found at every recheck since its first sighting is reported after, whatever
 *  is still open: a window lasts a few of its agent's steps, and a long operation open at the
 *  sighting (a swapoff's try_to_unuse, the deleter of a lost write itself) must not keep a
 *  broken state from being reported until the state changes again. */
export const CONFIRM_PERSIST_STEPS = 1 << 16;

/** The operations open at a check: each CPU's ops done, or -1 where it is between ops; kswapd's
 *  passes, or -1 where it is between passes (its own frame alone on its stack). */
interface OpenOps {
  cpus: number[];
  kswapdRuns: number;
}

function openOps(e: Engine, cpus: number, stats: Stats): OpenOps {
  const open: number[] = [];
  for (let a = 0; a < cpus; a++) open.push(e.agentWord(a, AG.SP) !== 0 ? e.agentWord(a, AG.OPS_DONE) : -1);
  const kswapd = e.config.kswapd ? cpus + 1 : -1;
  return { cpus: open, kswapdRuns: kswapd >= 0 && e.agentWord(kswapd, AG.SP) > 1 ? stats.kswapdRuns : -1 };
}

/** Whether every operation open at `open` has ended since: each such CPU has finished an op,
 *  and kswapd's pass has returned (its stack back to its own frame) or another has begun. */
function opsClosed(e: Engine, open: OpenOps, stats: Stats): boolean {
  for (let a = 0; a < open.cpus.length; a++) {
    if (open.cpus[a] >= 0 && e.agentWord(a, AG.OPS_DONE) <= open.cpus[a]) return false;
  }
  if (open.kswapdRuns < 0) return true;
  const kswapd = open.cpus.length + 1;
  return stats.kswapdRuns > open.kswapdRuns || e.agentWord(kswapd, AG.SP) <= 1;
}

/** Violations kept from one deep check. */
export const MAX_VIOLATIONS = 100;
/** Steps that nr_swap_pages must stay at or below 0 before bulk mode reports a reclaim stall. */
export const STALL_STEPS = 1 << 24;
/** Stalls kept in one result. */
export const MAX_STALLS = 100;

/** A stretch of the run in which get_swap_page refused every page: nr_swap_pages stayed at or
 *  below 0 (2.4.16 mm/swapfile.c get_swap_page: `if (nr_swap_pages <= 0) goto out;`), so
 *  try_to_swap_out put every dirty anonymous page it unmapped back (its `preserve:`) and reclaim
 *  could free only clean swap-cache pages, while every allocation short of pages went through a
 *  whole try_to_free_pages, each pass's swap_out walking every pte. A swapoff gets there when its
 *  area holds more slots in use than the other areas have free (sys_swapoff subtracts the area's
 *  pages from nr_swap_pages before try_to_unuse starts), a run whose swap is too small by
 *  filling it. 2.4.16 waits there until out_of_memory kills a process (mm/oom_kill.c, after a
 *  second of failures; flag oom-kill, the model's clock in steps: assembly/mm/oom_kill.ts),
 *  then each second it stays; without the flag the model crawls on, giving out the pages_min
 *  reserve one failed reclaim at a time, until an allocation fails (a swapoff then gives up
 *  with -ENOMEM, a fault counts as OOM). docs/kernel-notes.md, "Reclaim stalls". Seen
 *  between chunks (every CHUNK_STEPS steps at most), reported when it lasted stallSteps. */
export interface ReclaimStall {
  /** "swapoff": a swapoff was running when nr_swap_pages was first seen at or below 0 (its
   *  area's pages subtracted from it); "swap-full": none was, the swap areas were full. */
  cause: "swapoff" | "swap-full";
  /** The area being swapped off (cause "swapoff"). */
  area?: number;
  /** First and last step at which nr_swap_pages was seen at or below 0. */
  from: number;
  to: number;
  /** The lowest nr_swap_pages seen. */
  nrSwapPages: number;
  /** Counted over the stall, up to the chunk that ended it: ops completed, pages written to
   *  swap, pages reclaim freed. */
  ops: number;
  swapOuts: number;
  pagesFreed: number;
  /** Processes the OOM killer chose during the stall (flag oom-kill). */
  oomKills: number;
  /** How it ended: the swapoff gave up (-ENOMEM) or completed, the OOM killer's kills freed
   *  slots, slots were freed otherwise, or the run ended during it. */
  ended: "swapoff-enomem" | "swapoff-done" | "oom-kill" | "slots-freed" | "run-end";
}

/** One broken invariant found by the deep checker (src/invariants/check.ts Violation). */
export interface CheckerViolation {
  /** Invariant id (abi.ts VIOLATION_IDS). */
  id: string;
  /** Stable: invariant id + what broke; used to deduplicate. */
  signature: string;
  message: string;
}
/** A deep checker such as src/invariants checkInvariants(e, {quiescent, touched}), over the
 *  engine's memory views; [] when clean. `touched`: it may read only what the run can have
 *  touched (the model's bounds, src/invariants/touched.ts). Bulk mode depends only on this
 *  shape, so a test can pass its own. */
export type Checker = (e: Engine, opts: { quiescent: boolean; touched: boolean }) => readonly CheckerViolation[];

export interface BulkOptions {
  backend: Backend;
  machine: MachineConfig;
  workload: WorkloadOptions;
  /** Seeds the workload; the machine's scheduler is seeded by machine.seed. */
  seed: number;
  /** Total ops to run, shared out across the CPUs. */
  ops: number;
  /** Steps between deep checks (0: only at the end). */
  checkInterval: number;
  /** Deep invariant checker (src/invariants); none: only the in-model checks. */
  checker?: Checker;
  /** Every deep check reads every frame and swap-cache bucket, not only those the run can have
   *  touched (`run --full-check`): the same violations, slower on a large machine. */
  fullCheck?: boolean;
  /** Called after every chunk with the ops completed so far (the CLI's progress bar). */
  onProgress?: (opsDone: number, opsTotal: number) => void;
  /** Steps without an op completing before the watchdog reports a livelock (LIVELOCK_STEPS). */
  livelockSteps?: number;
  /** Steps nr_swap_pages must stay at or below 0 before a stall is reported (STALL_STEPS). */
  stallSteps?: number;
  /** Called once per stall when it has lasted stallSteps (its `to` is then, `ended` "run-end"),
   *  while the run goes on: the CLI's note on stderr. */
  onStall?: (stall: ReclaimStall) => void;
  /** Use this engine instead of creating one (tests; must be of `backend`). */
  engine?: Engine;
  /** Stops the run early between two chunks (Ctrl-C, SIGTERM): the result is the partial run. */
  signal?: AbortSignal;
  /** Stop after this long (ms of wall time), between two chunks. */
  budgetMs?: number;
  /** Called every `steps` steps (at the first chunk boundary at or past each multiple) and
   *  once at the end (final), unless the run ended on a row's own step, with the cumulative
   *  stats: the time series (src/bulk/series.ts), one row per step. */
  onInterval?: { steps: number; fn: (e: Engine, stats: Stats, final: boolean) => void };
  /** Ops fed by the host (a trace, src/trace) instead of the model's generator: `workload`
   *  then only sizes the result, and `ops` is not used. */
  feed?: OpFeed;
}

export interface BulkViolation {
  /** "model": an in-model BUG_ON (G.VIOL); "checker": the deep checker; "watchdog": no progress. */
  source: "model" | "checker" | "watchdog";
  /** Invariant id (abi.ts VIOLATION_IDS, or "livelock" from the watchdog). */
  invariant: string;
  /** Stable across runs: invariant + what broke; for deduplication. */
  signature: string;
  message: string;
  /** Step (since reset) at which it was seen. */
  step: number;
}

export interface BulkResult {
  model: { flags: number; flags2: number };
  backend: Backend;
  seed: number;
  stats: Stats;
  steps: number;
  ops: number;
  /** minor + major faults. */
  faults: number;
  accesses: number;
  seconds: number;
  rates: { stepsPerSec: number; opsPerSec: number; faultsPerSec: number; accessesPerSec: number };
  /** Virtual pages the accesses can touch vs physical frames (frame 0 is the zero page). */
  pressure: { pages: number; frames: number; ratio: number };
  checks: number;
  violations: BulkViolation[];
  /** Stretches of at least stallSteps steps in which get_swap_page refused every page (a
   *  faithful 2.4.16 state the model does not leave quickly: ReclaimStall). Reading the
   *  machine between chunks, the watch never changes the run. */
  stalls: ReclaimStall[];
  /** engine.stateHash() at the end: the determinism fingerprint. */
  stateHash: string;
  /** How the run ended. */
  outcome: "done" | "violation";
  /** Stopped before its ops by a signal or its budget: a partial run (no check at rest). */
  stopped?: "signal" | "budget";
  /** The trace replayed, when the ops came from one. */
  trace?: TraceSummary;
}

const zeroStats = (): Stats => Object.fromEntries(STAT_NAMES.map((n) => [n, 0])) as Stats;

export async function runBulk(o: BulkOptions): Promise<BulkResult> {
  // The untraced build: a bulk run never draws a diagram.
  const e = o.engine ?? (await Engine.create(o.backend, "untraced"));
  try {
    e.configure(o.machine);
  } catch (err) {
    // layout() could not grow the memory: the host has less than the machine needs.
    if (err instanceof RangeError) throw new UsageError(`${err.message}: reduce --frames, --pages x --mms or --slots`);
    throw err;
  }
  // The model generates every CPU's ops from the next reset on (UsageError on bad options),
  // unless the host feeds them.
  if (!o.feed) configureGenerator(e, generatorOptions(o.workload), o.seed, o.ops);
  // Timed from the reset on: it already generates each CPU's first ring of ops.
  const t0 = nowMs();
  e.reset();
  o.feed?.topUp(e);
  return runConfigured(e, o, t0);
}

async function runConfigured(e: Engine, o: BulkOptions, t0: number): Promise<BulkResult> {
  const cpus = o.machine.cpus;
  const stats = zeroStats();
  e.takeStats(); // counters from reset() are not ours
  const violations: BulkViolation[] = [];
  let checks = 0;
  // Only the model has written the machine since the reset above: its touched bounds hold.
  const touched = o.fullCheck !== true;
  // A check mid-run sees the state between any two sections, where a path the kernel runs
  // without a lock may be half-way through an update (linux-2.4.0's do_swap_page between its
  // swap_free and its set_pte, its add_to_swap_cache before the page is hashed): what such a
  // check finds is a suspect, reported (with the step it was first seen) only once every
  // operation open at its first sighting has ended (openOps, opsClosed) and the checks since
  // found it at each of two such closings, or once it has been found at every recheck that
  // could see it for CONFIRM_PERSIST_STEPS: a window closes with the op that opened it, and a broken state
  // stays (and what it breaks next, the model's BUG_ONs and later checks report).
  // Until 6 Dec 2026 one recheck CONFIRM_STEPS later confirmed it: on linux-2.4.0 and
  // linux-2.4.10-pre a swapoff and reclaim re-adding one page (each add a window in which the
  // page is PG_swapcache before it is hashed) gave the same message 256 steps apart, and a
  // --check-interval under a window's length rechecked the same window (a helper's audit).
  // The rechecks still come CONFIRM_STEPS apart (or at the next check, or at rest after the
  // drain, where everything found is reported).
  interface Suspect {
    first: number; // the step it was first seen
    open: OpenOps; // the operations open at the last sighting
    closings: number; // sightings after every operation open at the one before had ended
  }
  let suspects = new Map<string, Suspect>();
  const keyOf = (v: { id: string; signature: string; message: string }) => `${v.id}\n${v.signature}\n${v.message}`;
  const check = (quiescent: boolean): void => {
    if (!o.checker) return;
    checks++;
    const seen = new Map<string, Suspect>();
    // A check that leaves part of the machine alone (a lock held over it) may miss a suspect
    // that is still there: it is kept as it was, to be judged by a check that sees it all.
    if (!quiescent && checkLeavesSomeAlone(layoutOf(e), e.I32)) for (const [key, was] of suspects) seen.set(key, was);
    for (const v of o.checker(e, { quiescent, touched })) {
      const key = keyOf(v);
      const had = suspects.get(key);
      if (!quiescent) {
        const closings = (had?.closings ?? 0) + (had !== undefined && opsClosed(e, had.open, stats) ? 1 : 0);
        const persisted = had !== undefined && stats.steps - had.first >= CONFIRM_PERSIST_STEPS;
        if (closings < CONFIRM_CLOSINGS && !persisted) {
          seen.set(key, {
            first: had?.first ?? stats.steps,
            open: had && closings === had.closings ? had.open : openOps(e, cpus, stats),
            closings,
          });
          continue;
        }
      }
      // One broken state can break many words; the first ones say what happened.
      if (violations.length >= MAX_VIOLATIONS) break;
      violations.push({ source: "checker", invariant: v.id, signature: v.signature, message: v.message, step: had?.first ?? stats.steps });
    }
    suspects = seen;
  };

  const interval = o.checkInterval > 0 ? o.checkInterval : Infinity;
  const livelockSteps = o.livelockSteps ?? LIVELOCK_STEPS;
  let nextRegularCheck = interval;
  let nextCheck = interval; // the next regular check, or a suspect's confirmation before it
  const every = o.onInterval && o.onInterval.steps > 0 ? o.onInterval.steps : Infinity;
  let nextRow = every;
  let lastRowStep = -1; // a run that ends on a row's step makes no second row for it
  // A feed tops the rings up every CHUNK_STEPS steps (and when every CPU waits): at the same
  // steps whatever the check and series intervals, so they do not change the run.
  let nextFeed = o.feed ? CHUNK_STEPS : Infinity;
  let code: number = RUN.LIMIT;
  let lastOps = 0;
  let lastOpsStep = 0;
  let stopped: BulkResult["stopped"];
  let lastTurn = t0;
  // A running swapoff: its area and the fewest slots seen in use since it began.
  let offArea = -1;
  let offInuse = 0;
  const stalls = new StallWatch(o.stallSteps ?? STALL_STEPS, o.onStall);
  for (;;) {
    const budget = Math.max(1, Math.min(CHUNK_STEPS, nextCheck - stats.steps, nextRow - stats.steps, nextFeed - stats.steps));
    code = runChunk(e, budget, stats.steps);
    e.takeStats(stats);
    if (stats.steps >= nextRow) {
      o.onInterval?.fn(e, stats, false);
      lastRowStep = stats.steps;
      while (nextRow <= stats.steps) nextRow += every;
    }
    if (code === RUN.VIOLATION || code === RUN.DONE) break;
    if (code === RUN.DIVERGED) throw new InternalError("the random scheduler chose an agent that cannot run");
    if (o.feed) {
      if (code === RUN.STARVED && o.feed.ended) throw new InternalError("a CPU waits for ops after the trace ended");
      if (code === RUN.STARVED || stats.steps >= nextFeed) {
        o.feed.topUp(e);
        while (nextFeed <= stats.steps) nextFeed += CHUNK_STEPS;
      }
    } else if (code === RUN.STARVED) throw new InternalError("a CPU ran out of ops although the model generates them");
    if (stats.steps >= nextCheck) {
      check(false);
      if (stats.steps >= nextRegularCheck) nextRegularCheck += interval;
      nextCheck = suspects.size > 0 ? Math.min(nextRegularCheck, stats.steps + CONFIRM_STEPS) : nextRegularCheck;
      if (violations.length > 0) break;
    }
    // Watchdog: CPUs that keep stepping without finishing an op are spinning in a retry loop.
    // A running swapoff progresses while its area's slots in use go down: try_to_unuse over a
    // large area is legitimately long, but one that frees no slot in livelockSteps steps loops
    // (2.4.16 mm/swapfile.c try_to_unuse rereads a slot whose count never drops, forever).
    let progress = stats.ops !== lastOps;
    const off = e.global(G.SWAPOFF_AREA);
    if (off !== -1) {
      const inuse = areaInuse(e, off);
      if (off !== offArea || inuse < offInuse) progress = true;
      if (off !== offArea || inuse < offInuse) offInuse = inuse;
    }
    offArea = off;
    stalls.look(e, stats, off);
    if (progress) {
      lastOps = stats.ops;
      lastOpsStep = stats.steps;
    } else if (stats.steps - lastOpsStep >= livelockSteps) {
      const n = stats.steps - lastOpsStep;
      violations.push({
        source: "watchdog",
        invariant: "livelock",
        signature: off !== -1 ? "livelock@swapoff" : "livelock@bulk",
        step: stats.steps,
        message:
          off !== -1
            ? `swapoff of area ${off} freed no slot (${offInuse} still in use) and no operation completed in the last ${n} steps`
            : `no operation completed in the last ${n} steps`,
      });
      break;
    }
    if (o.onProgress) o.onProgress(stats.ops, o.ops);
    // Between chunks: the event loop gets a turn now and then (a signal handler), then the
    // budget and the signal are looked at.
    const now = nowMs();
    if (now - lastTurn >= 50 && (o.signal || o.budgetMs !== undefined)) {
      lastTurn = now;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (o.signal?.aborted) stopped = "signal";
    else if (o.budgetMs !== undefined && nowMs() - t0 >= o.budgetMs) stopped = "budget";
    if (stopped) break;
  }
  if (stats.steps !== lastRowStep) o.onInterval?.fn(e, stats, true);
  stalls.end();
  if (code === RUN.VIOLATION) violations.push(modelViolation(e, stats.steps));
  // Drained: no path holds a temporary ref or a lock, so the checker can demand exact counts.
  else if (code === RUN.DONE) check(true);
  if (o.onProgress) o.onProgress(stats.ops, o.ops);
  const seconds = (nowMs() - t0) / 1000;
  const faults = stats.minorFaults + stats.majorFaults;
  const per = (n: number) => (seconds > 0 ? n / seconds : 0);
  // Pages the accesses can reach: every mm when CPUs are threads, else one mm per CPU (the
  // workload's mms: a steady workload's spare mms only hold forks' children for a moment).
  const pages = o.feed ? o.feed.pages : (o.workload.threads ? o.workload.mms : Math.min(o.workload.mms, cpus)) * o.workload.pagesPerMm;
  return {
    model: { flags: o.machine.flags, flags2: o.machine.flags2 },
    backend: e.backend,
    seed: o.seed,
    stats,
    steps: stats.steps,
    ops: stats.ops,
    faults,
    accesses: stats.accesses,
    seconds,
    rates: {
      stepsPerSec: per(stats.steps),
      opsPerSec: per(stats.ops),
      faultsPerSec: per(faults),
      accessesPerSec: per(stats.accesses),
    },
    pressure: { pages, frames: o.machine.frames - 1, ratio: pages / (o.machine.frames - 1) },
    checks,
    violations,
    stalls: stalls.found,
    stateHash: e.stateHash(),
    outcome: violations.length > 0 ? "violation" : "done",
    ...(stopped ? { stopped } : {}),
    ...(o.feed ? { trace: o.feed.summary() } : {}),
  };
}

/** Follows nr_swap_pages between chunks: a stretch at or below 0 of at least `minSteps` steps
 *  is a stall (ReclaimStall). Reads the globals and the stats only; allocates only when a
 *  stretch begins. */
class StallWatch {
  readonly found: ReclaimStall[] = [];
  private cur: { stall: ReclaimStall; at: Stats; noted: boolean } | undefined;

  constructor(
    private readonly minSteps: number,
    private readonly onStall: ((stall: ReclaimStall) => void) | undefined,
  ) {}

  /** Between two chunks: `off` is the area a swapoff is taking down (G_SWAPOFF_AREA), -1 none. */
  look(e: Engine, stats: Stats, off: number): void {
    const nr = e.global(G.NR_SWAP_PAGES);
    if (nr > 0) {
      if (this.cur) {
        // Its counts up to the chunk that ended it: the kill or the swapoff's end it names.
        this.count(stats);
        this.close(endedBy(this.cur.at, stats));
      }
      return;
    }
    if (!this.cur) {
      // What put nr_swap_pages at or below 0: a swapoff running as it got there, else a full
      // swap (a swapoff that starts during a stall of a full swap is not its cause).
      const stall: ReclaimStall = {
        cause: off !== -1 ? "swapoff" : "swap-full",
        ...(off !== -1 ? { area: off } : {}),
        from: stats.steps,
        to: stats.steps,
        nrSwapPages: nr,
        ops: 0,
        swapOuts: 0,
        pagesFreed: 0,
        oomKills: 0,
        ended: "run-end",
      };
      this.cur = { stall, at: { ...stats }, noted: false };
    }
    const { stall } = this.cur;
    stall.nrSwapPages = Math.min(stall.nrSwapPages, nr);
    stall.to = stats.steps;
    this.count(stats);
    if (!this.cur.noted && stall.to - stall.from >= this.minSteps) {
      this.cur.noted = true;
      this.onStall?.({ ...stall });
    }
  }

  /** The current stall's counts, up to stats. */
  private count(stats: Stats): void {
    const { stall, at } = this.cur!;
    stall.ops = stats.ops - at.ops;
    stall.swapOuts = stats.swapOuts - at.swapOuts;
    stall.pagesFreed = stats.pagesFreed - at.pagesFreed;
    stall.oomKills = stats.oomKills - at.oomKills;
  }

  /** The run is over: a stall still going on ends with it. */
  end(): void {
    if (this.cur) this.close("run-end");
  }

  private close(ended: ReclaimStall["ended"]): void {
    const { stall } = this.cur!;
    this.cur = undefined;
    if (stall.to - stall.from < this.minSteps || this.found.length >= MAX_STALLS) return;
    this.found.push({ ...stall, ended });
  }
}

/** What ended a stall: a swapoff that gave up or completed since it began, else the OOM
 *  killer's kills (whose exits free slots), else slots freed otherwise. */
function endedBy(at: Stats, now: Stats): ReclaimStall["ended"] {
  if (now.swapoffEnomem > at.swapoffEnomem) return "swapoff-enomem";
  if (now.swapoffs > at.swapoffs) return "swapoff-done";
  if (now.oomKills > at.oomKills) return "oom-kill";
  return "slots-freed";
}

/** Slots of swap area a in use (its inuse_pages word). */
function areaInuse(e: Engine, a: number): number {
  return e.I32[(e.region(R.AREAS) >> 2) + a * AREA_WORDS + A.INUSE];
}

/** e.run(budget); a trap (unreachable, out-of-bounds access) is a bug of the model, not of the kernel. */
function runChunk(e: Engine, budget: number, stepsBefore: number): number {
  try {
    return e.run(budget);
  } catch (err) {
    throw new InternalError(`the model trapped after step ${stepsBefore}: ${(err as Error).message}`);
  }
}

/** The in-model violation recorded in the globals (assembly/kernel/check.ts bug()). */
function modelViolation(e: Engine, step: number): BulkViolation {
  const v = decodeModelViolation(e);
  if (!v) throw new InternalError("run() reported a violation but none is recorded");
  return { source: "model", invariant: v.id, signature: v.signature, message: v.message, step };
}
