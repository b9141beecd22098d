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
import { Engine, type Backend } from "../wasm/engine.js";
import { CFG, G, R, RUN, SCHED, PROC_NAMES } from "../wasm/abi.js";
import { InternalError } from "../errors.js";
import type { ResolvedModel } from "../model/models.js";
import { renderDiagram } from "../report/diagram.js";
import { renderKcsan } from "../report/kcsan.js";
import { classifyRoute, type SeedRoute } from "./route.js";
import { raceStart } from "../report/trace.js";
import {
  encodeSchedule,
  decodeSchedule,
  replaceRepro,
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
import type { WorkerRetry } from "../workers/pool.js";
import { configureHuntWorkload, executionSeedFrom, huntOps, huntSeedBase, type HuntWorkload } from "./workload.js";
import { fmtMix, type HuntMix } from "./mix.js";
import { emptySeqHash, seqPush, sortedHits, type SeqHash } from "../workers/shard.js";
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
  /** Draw every line of a finding's diagram, not only those naming its entries and pages. */
  fullDiagram?: boolean;
  /** How a finding is drawn: the CPU-column diagram (default) or KCSAN's report (--format). */
  format?: FindingFormat;
  /** Stops the hunt early (Ctrl-C, SIGTERM): what was found so far is still reported; a
   *  shrink under way stops and keeps what it has. */
  signal?: AbortSignal;
  /** Directory the repro files go to, each written the moment its failure is proven
   *  deterministic (unshrunk), then replaced atomically by the shrunk one: a kill at any
   *  moment leaves every finding so far on disk, each file complete. None: not written. */
  out?: string;
  /** Each finding once investigated (its file written), before the hunt goes on. */
  onFinding?: (f: Finding) => void;
  /** --workers: a worker died and was replaced, its chunk run again. */
  onWorkerRetry?: (r: WorkerRetry) => void;
  /** Campaign engine (--workers, --shard) only: the first execution index of this campaign
   *  (a shard's range starts here; `executions` counts from it). Default 0. */
  firstExecution?: number;
  /** Continue a killed campaign from this checkpoint (--resume): the same options, and the
   *  state after its first `next - firstExecution` executions. */
  resumeFrom?: HuntCheckpoint;
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

/** One distinct failure, shrunk. */
export interface Finding {
  signature: string;
  verdict: Verdict;
  /** Which execution of the hunt found it. */
  execution: number;
  repro: Repro;
  diagram: string;
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

export interface HuntResult {
  executions: number;
  steps: number;
  /** Wall clock of the whole hunt, and of its executions alone (the rates' base): the rest
   *  is replaying and shrinking findings. */
  elapsedMs: number;
  huntingMs: number;
  executionsPerSec: number;
  stepsPerSec: number;
  findings: Finding[];
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

/**
 * Ops per CPU in an execution, by scheduler (`--ops` overrides): enough for a page to be
 * written, swapped out, dropped from the cache and faulted back; few enough that PCT's k
 * (decisions per execution) stays small, as its bound falls as k^(d-1). Measured on the
 * faithful models and the hunt machine (3 CPUs, page_cluster 1, pages_min 1), 10 hunt seeds
 * each, hunting CPU ms to the first duplicate on linux-2.4.10-pre, median / p95
 * (`node shape-style runs, see bench/hunt-figures.ts first`):
 *   pct depth 4: 4 ops 134 / 271, 5 ops 47 / 327 (all by the 14 Sep route)
 *   random:      5 ops 123 / 183, 6 ops 41 / 86, 8 ops 27 / 84 (mostly Hugh's vm_swap_full
 *                route; 8-op executions run at a third of the 6-op rate)
 */
export const HUNT_OPS_PER_CPU: Readonly<Record<SchedKind, number>> = { pct: 5, random: 6 };

export const HUNT_DEFAULTS = {
  // PCT, with its bound. The seed's duplicate needs about three ordered preemptions (e.g. the
  // faulting CPU stopped after it read the swap pte, so the disk and kswapd drop the old
  // page from the cache first; kswapd stopped between get_swap_page and add_to_swap_cache
  // while the CPU's readahead reads that entry into a page of its own). Measured on
  // linux-2.4.10-pre with this machine and workload, duplicates per 100K executions (300K
  // each): PCT depth 1 and 2: none; depth 3: 7; depth 4: 18; depth 5: 19; uniform random:
  // 50 (but PCT's executions are longer: kswapd ranks above the CPUs). Depth 4: the first
  // duplicate in ~30 ms (median), and a bound one can still state.
  sched: "pct" as SchedKind,
  depth: 4,
  seed: 1,
  budgetMs: 10_000,
  executions: Number.POSITIVE_INFINITY,
  // The default scheduler's (HUNT_OPS_PER_CPU).
  opsPerCpu: HUNT_OPS_PER_CPU.pct,
  shareMm: true,
  writeRatio: 0.5,
  keepGoing: false,
  backend: "wasm" as Backend,
  shrinkMs: 5_000,
};

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
  const U8 = e.U8;
  configureHuntWorkload(m, w);
  const g = e.region(R.GLOBALS) >> 2;
  const logBase = e.region(R.LOG);
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
    let h = 0x811c9dc5;
    let mask = 0;
    for (let i = 0; i < len; i++) {
      const a = U8[logBase + i];
      mask |= 1 << (a & 15); // choiceAgent
      h = Math.imul(h ^ a, 0x01000193);
    }
    seqPush(hash, h ^ len);
    ranMask |= mask;
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
    findings.push(await investigate(replayer, o, n, s, huntOps(w, s), e.choiceLog(), verdict));
    signatures.push(verdict.signature);
    investigating += performance.now() - t0;
    n++;
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
      ? writeFinding(o.out, reproOf(rep, o, { machine: o.machine, ops, seed, schedule, verdict: again.verdict ?? verdict }))
      : undefined;
  const shrunk = await shrink(rep, { machine: o.machine, ops, seed, schedule: Uint8Array.from(schedule) }, verdict, {
    budgetMs: o.shrinkMs,
    signal: o.signal,
  });
  const repro = reproOf(rep, o, shrunk);
  const diagram = (await diagramOf(repro, rep, undefined, { full: o.fullDiagram, format: o.format })).diagram;
  if (out?.file) {
    try {
      replaceRepro(out.file, repro);
    } catch (err) {
      out.error = errCode(err); // the unshrunk repro stays
    }
  }
  const finding: Finding = {
    signature: verdict.signature,
    verdict: shrunk.verdict,
    execution,
    repro,
    diagram,
    original: sizeOf(rep, ops, seed, schedule),
    shrunk: sizeOf(shrunk.machine.cpus === o.machine.cpus ? rep : await rep.resized(shrunk.machine), shrunk.ops, seed, shrunk.schedule),
    shrinkCutByClock: shrunk.stoppedBy === "clock",
    shrinkInterrupted: shrunk.stoppedBy === "signal",
    ...(out ? { file: out.file, ...(out.error ? { fileError: out.error } : {}) } : {}),
  };
  o.onFinding?.(finding);
  return finding;
}

const errCode = (err: unknown): string => (err as { code?: string }).code ?? (err as Error).message;

/** Writes a finding's first repro; the error is kept, not thrown (the hunt goes on). */
function writeFinding(dir: string, r: Repro): { file: string; error?: string } {
  try {
    return { file: writeRepro(dir, r) };
  } catch (err) {
    return { file: "", error: errCode(err) };
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

/** Procedures a signature names ("swapcache-unique@add_to_swap_cache" → add_to_swap_cache). */
function procsNamedIn(signature: string): Set<number> {
  const words = new Set(signature.split(/[^A-Za-z0-9_]+/));
  return new Set(PROC_NAMES.flatMap((name, id) => (words.has(name) ? [id] : [])));
}

export interface ReplayResult {
  /** The violation the replay ran into, if any. */
  verdict: Verdict | undefined;
  /** Same signature as the repro's. */
  reproduced: boolean;
  /** The recorded schedule no longer fits the model (repaired run-to-completion). */
  diverged: boolean;
  diagram: string;
  /** For a swap-cache duplicate: which of the seed mail's routes it took (route.ts). */
  route?: SeedRoute;
}

/** Replays a repro with tracing and draws it. `rep` is reused when its machine matches. */
/** How a finding is printed: `diagram` (CPU columns) or `kcsan` (src/report/kcsan.ts). */
export type FindingFormat = "diagram" | "kcsan";

export async function diagramOf(
  r: Repro,
  rep?: Replayer,
  backend: Backend = "wasm",
  opts: { full?: boolean; format?: FindingFormat } = {},
): Promise<ReplayResult> {
  const sameMachine = rep && rep.flags === r.flags && JSON.stringify(rep.machine) === JSON.stringify(r.machine);
  const replayer = sameMachine ? rep : await Replayer.create(r.machine, r.flags, rep?.e.backend ?? backend);
  const out = replayer.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  const records = out.records ?? [];
  const violation = out.verdict ? { id: out.verdict.id, message: out.verdict.message, agent: out.verdict.agent } : undefined;
  // A swap-cache duplicate: name the seed mail's route it took.
  const route = out.verdict?.id === "swapcache-unique" ? classifyRoute(records) : undefined;
  if (opts.format === "kcsan" && violation) {
    const m = r.machine;
    const reportedOn = `model ${r.model} (${r.flagNames.join(", ") || "no flags"}): ${m.cpus} CPUs${m.kswapd ? " + kswapd" : ""}, ${m.frames} frames, ${m.slotsPerArea} slots`;
    let text = renderKcsan({ records, cpus: m.cpus, violation, reportedOn });
    if (route) text += `\nroute: ${ROUTE_TITLES[route.route]}: ${route.why}`;
    return {
      verdict: out.verdict,
      reproduced: out.verdict?.signature === r.signature,
      diverged: out.diverged,
      diagram: text,
      route: route?.route,
    };
  }
  let diagram = renderDiagram({
    records,
    cpus: r.machine.cpus,
    kswapd: r.machine.kswapd,
    ops: r.ops,
    fromStep: raceStart(records, r.machine.cpus),
    racingProcs: procsNamedIn(r.signature),
    full: opts.full,
    violation,
  });
  if (route) diagram += `\nroute: ${ROUTE_TITLES[route.route]}: ${route.why}`;
  return { verdict: out.verdict, reproduced: out.verdict?.signature === r.signature, diverged: out.diverged, diagram, route: route?.route };
}

/** The seed mail's routes to a swap-cache duplicate, as kernel-notes names them. */
const ROUTE_TITLES: Record<SeedRoute, string> = {
  "14 Sep": "Marcelo, 14 Sep (try_to_swap_out's new entry read ahead by another CPU)",
  "11 Sep": "Marcelo, 11 Sep (an entry counted by readahead, freed and handed out again)",
  vm_swap_full: "Hugh, 14 Sep (multithreaded vm_swap_full deletion, entry handed out again)",
  swapoff: "via swapoff (entry freed by try_to_unuse, allocatable again)",
  unknown: "none of the seed mail's routes",
};
