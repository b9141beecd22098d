// What a hunt is asked and what it answers: its options, its findings (data: a finding's
// diagram is drawn only when output is written, src/report/finding.ts) and its summary, and
// the specs the search loop and an investigation take from the options. The driver is hunt.ts
// (one thread) or src/workers/hunt-workers.ts (a campaign over worker threads); findings are
// investigated by investigate.ts.
import type { ResolvedModel } from "../model/models.js";
import type { ReproMachine, Repro } from "../report/repro.js";
import type { Backend } from "../wasm/engine.js";
import type { ReplayTrace } from "./replay.js";
import type { Verdict } from "./execute.js";
import { HUNT_OPCAP } from "./machine.js";
import type { PctBound } from "./pct.js";
import type { HuntWorkload } from "./workload.js";
import { parseMix, type HuntMix } from "./mix.js";
import { swarmMaxCpus, type SwarmSpec } from "./swarm.js";
import type { HuntLoopSpec } from "./loop.js";
import type { HuntCheckpoint } from "./checkpoint.js";
import type { SchedKind } from "./defaults.js";

export type { SchedKind } from "./defaults.js";

/** What a hunt is asked, resolved (src/commands/hunt.ts huntOptions makes it from the command
 *  line's or the API's options). */
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
  /** --defer-shrink (a shard's default): each finding is recorded as found, unshrunk (its
   *  repro file written at once, as an investigated one's first is), and neither replayed nor
   *  shrunk here: `faultsim merge` investigates each signature once, from the lowest execution
   *  over all shards, so that n shards do not shrink the same signature n times. */
  deferShrink?: boolean;
  /** Each finding recorded unshrunk (deferShrink), with the campaign's state right after its
   *  execution, as onFinding's. */
  onDeferred?: (f: DeferredFinding, checkpoint?: HuntCheckpoint) => void;
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

/** A finding recorded as found, unshrunk, for `faultsim merge` to investigate (--defer-shrink). */
export interface DeferredFinding {
  signature: string;
  verdict: Verdict;
  /** Which execution of the hunt found it. */
  execution: number;
  /** The failing execution as found (not replayed here: merge proves it deterministic). */
  repro: Repro;
  /** The repro file written under o.out ("" when it could not be written: see fileError). */
  file?: string;
  fileError?: string;
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

/** What a hunt answers: its summary and its findings. */
export interface HuntResult extends HuntSummary {
  findings: Finding[];
  /** --defer-shrink: the findings recorded unshrunk, for `faultsim merge` (none otherwise). */
  deferred: DeferredFinding[];
}

/** A failing execution's size: ops, steps, context switches and, of those, preemptions. */
export interface ExecutionSize {
  ops: number;
  steps: number;
  switches: number;
  preemptions: number;
}

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

/** The search loop's spec of a hunt (loop.ts), with PCT's k to start from. */
export function huntLoopSpec(o: HuntOptions, pctK: number): HuntLoopSpec {
  return {
    machine: o.machine,
    flags: o.model.flags,
    flags2: o.model.flags2,
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

/** `o` whose onFinding and onDeferred get the campaign's checkpoint with each finding
 *  (hunt() and huntInWorkers() alike: `checkpoint` already counts the finding as reported). */
export function reportingCheckpoint(o: HuntOptions, checkpoint: () => HuntCheckpoint): HuntOptions {
  const { onFinding, onDeferred } = o;
  return {
    ...o,
    ...(onFinding ? { onFinding: (f: Finding) => onFinding(f, checkpoint()) } : {}),
    ...(onDeferred ? { onDeferred: (f: DeferredFinding) => onDeferred(f, checkpoint()) } : {}),
  };
}
