// The hunt's search loop, once: runs a span of a hunt's executions on one engine, each
// checked (the model's check at rest, else the in-model verdict or the deep check at rest; a
// step-bound stop confirmed as a livelock or not), fingerprinted into the campaign hash and
// tallied. hunt() in one thread (hunt.ts) runs it span by span between its clock checks and
// PCT's k refreshes; a campaign worker (src/workers/hunt-range.ts) runs its chunk as one span
// with k fixed. The same executions, verdicts and hash either way.
//
// This is the hot path (hundreds of thousands of executions a second): the memory views are
// taken once, one call into the model per execution (it makes the execution's seed and op
// lists itself: assembly/kernel/hunt.ts), nothing allocated per execution unless it failed.
import type { Engine, MachineConfig } from "../wasm/engine.js";
import { CFG, G, R, RUN, SCHED, STAT_NAMES } from "../wasm/abi.js";
import { InternalError } from "../errors.js";
import type { ReproMachine } from "../report/repro.js";
import { verdictOf, type Verdict } from "./execute.js";
import { confirmLimit } from "./livelock.js";
import { huntConfig, HUNT_LOGCAP, HUNT_OPCAP } from "./machine.js";
import { configureHuntWorkload, executionSeedFrom, huntOps, huntSeedBase, huntWorkloadArgs, type HuntWorkload } from "./workload.js";
import { seqPush, type SeqHash, type TallyLike } from "./shard.js";
import { swarmCode, swarmMachine, swarmMachineCodes, swarmMix, swarmShape, type SwarmShape, type SwarmSpec } from "./swarm.js";
import { mixForks, mixSwaps, mixThresholds, type HuntMix } from "./mix.js";

/** What a hunt's executions are: the machine, the model's flags, the scheduler and the op lists. */
export interface HuntLoopSpec {
  machine: ReproMachine;
  flags: number;
  sched: "pct" | "random";
  /** PCT bug depth d. */
  depth: number;
  /** PCT's k to start with (HuntLoop.setPctK changes it between spans). */
  pctK: number;
  /** The hunt seed: execution i runs with executionSeed(huntSeed, i). */
  huntSeed: number;
  workload: HuntWorkload;
  /** Sum the model's statistics counters per execution into the tally (a campaign's chunks
   *  report them; one thread has no use for them). */
  stats?: boolean;
  /** --swarm: each execution draws its machine and workload from its seed (swarm.ts);
   *  `machine` and `workload` then only give the first layout. */
  swarm?: SwarmSpec;
}

/** A span's first failing execution whose signature was not known. */
export interface LoopFailure {
  index: number;
  verdict: Verdict;
}

/** What replays a failing execution (Replayer, repro): its seed, ops and choice log, and
 *  under --swarm the shape it drew (its machine, and its mix in `--mix` form, "" for none). */
export interface ExecutionReplay {
  seed: number;
  ops: number[][];
  schedule: number[];
  machine?: ReproMachine;
  mix?: string;
}

/** A swarm machine as the engine takes it, computed once: its config, its config block
 *  (Engine.configImage), hunt_workload's arguments (huntWorkloadArgs) and the areas a mix addresses. */
interface SwarmLayout {
  config: MachineConfig;
  image: Int32Array;
  workload: Int32Array;
  areas: number;
}

/** A swarm mix as the engine takes it: hunt_mix's thresholds (none: reads and writes alone),
 *  and what of the machine it decides (swarm.ts swarmShape: a second area, a second mm). */
interface SwarmMixArgs {
  thresholds?: Int32Array;
  machineBits: number;
  /** The mix as drawn (swarm.ts swarmMix; none: reads and writes alone). */
  drawn?: HuntMix;
}

/** The bits of a swarm code (swarm.ts swarmCode) that draw the machine; the rest (7), the mix. */
const MACHINE_BITS = 10;
const MIX_BITS = 7;

/** A swarm's machines by key (a code's machine bits, and whether its mix swaps or forks: a
 *  thousand or so) and its mixes by their bits (128 at most). */
interface SwarmCache {
  layouts: (SwarmLayout | undefined)[];
  mixes: (SwarmMixArgs | undefined)[];
  /** Layouts made one at a time, as executions drew them; and whether every key has one. */
  made: number;
  complete: boolean;
}

/**
 * After this many layouts made one at a time, a swarm cache makes all the others at once
 * (HuntLoop.layOutAll). A campaign of some tens of thousands of executions draws every one
 * of its 2,304 keys (576 machines, 4 kinds of mix), and a layout made between two executions
 * costs about three times one made in a row (60 against 20 us of CPU: the code making it has
 * gone cold meanwhile): about 100 ms of a shard's start-up (issue 9). A short hunt stays
 * below it and makes only what it draws. A layout is a function of its key alone, so when
 * it was made changes nothing. Tests set it (test/explore/swarm.test.ts).
 */
export const SWARM_LAYOUT_ALL = { after: 64 };

/**
 * The swarm caches of each engine, by what its layouts depend on (the hunt's machine, flags,
 * scheduler, depth, workload and swarm; not its seed, k or stats), so that the many chunks
 * of a campaign on one thread (a worker's, a shard's rounds: a HuntLoop each) lay out each
 * shape once. Per engine: a config block (Engine.configImage) holds words of its engine.
 */
const swarmCaches = new WeakMap<Engine, Map<string, SwarmCache>>();

function swarmCacheOf(e: Engine, spec: HuntLoopSpec): SwarmCache {
  let byKey = swarmCaches.get(e);
  if (!byKey) swarmCaches.set(e, (byKey = new Map()));
  const { machine, flags, sched, depth, workload, swarm } = spec;
  const key = JSON.stringify([machine, flags, sched, depth, workload, swarm]);
  let c = byKey.get(key);
  if (!c) {
    c = {
      layouts: new Array<SwarmLayout | undefined>(1 << (MACHINE_BITS + 2)).fill(undefined),
      mixes: new Array<SwarmMixArgs | undefined>(1 << MIX_BITS).fill(undefined),
      made: 0,
      complete: false,
    };
    byKey.set(key, c);
  }
  return c;
}

/** One engine configured for a hunt, running spans of its executions. */
export class HuntLoop {
  private readonly seedBase: number;
  private readonly pct: boolean;
  private pctK: number;
  private readonly baseWorkload: HuntWorkload;
  /**
   * --swarm: a shape is its machine and its mix. The machines and mixes drawn so far
   * (swarmCacheOf: shared by the loops of one engine and spec), so that the few thousand
   * codes do not each cost a shape; the key of the engine's layout and the code of its
   * workload (-1: the hunt's own).
   */
  private readonly layouts: (SwarmLayout | undefined)[] = [];
  private readonly mixes: (SwarmMixArgs | undefined)[] = [];
  private readonly swarmCache?: SwarmCache;
  private layoutKey = -1;
  private shapeCode = -1;

  constructor(
    readonly e: Engine,
    readonly spec: HuntLoopSpec,
  ) {
    this.pct = spec.sched === "pct";
    this.pctK = spec.pctK;
    e.configure(huntConfig(spec.machine, spec.flags, this.pct ? SCHED.PCT : SCHED.RANDOM, spec.depth, spec.pctK));
    this.baseWorkload = { ...spec.workload, opsPerCpu: Math.min(spec.workload.opsPerCpu, HUNT_OPCAP) };
    configureHuntWorkload(e.m, this.baseWorkload);
    this.seedBase = huntSeedBase(spec.huntSeed);
    if (spec.swarm) {
      this.swarmCache = swarmCacheOf(e, spec);
      ({ layouts: this.layouts, mixes: this.mixes } = this.swarmCache);
    }
  }

  /** The workload of the engine's current layout (under --swarm, the last shape's). */
  get workload(): HuntWorkload {
    return this.shape?.workload ?? this.baseWorkload;
  }

  /** PCT's k for the executions from here on. */
  setPctK(k: number): void {
    this.pctK = k;
    this.e.m.config_set(CFG.PCT_K, k);
  }

  /** Sets the engine up for swarm shape `code`: a new layout (memory may grow) when its
   *  machine is not the engine's, then its workload. What configure() and
   *  configureHuntWorkload would write, by plain stores: most executions change shape.
   *  Returns whether memory grew. */
  private reshape(swarm: SwarmSpec, code: number): boolean {
    const m = this.e.m;
    const mix = this.mixOf(swarm, code >>> MACHINE_BITS);
    const key = (code & ((1 << MACHINE_BITS) - 1)) | (mix.machineBits << MACHINE_BITS);
    let L = this.layouts[key];
    if (!L) {
      L = this.layOut(swarm, code, key, mix.drawn);
      const c = this.swarmCache!;
      if (++c.made >= SWARM_LAYOUT_ALL.after && !c.complete) this.layOutAll(swarm);
    }
    let grown = false;
    if (key !== this.layoutKey) {
      L.config.pctK = this.pctK;
      grown = this.e.configureFrom(L.config, L.image);
      m.config_set(CFG.PCT_K, this.pctK); // (the words hold the k of the machine's first use)
      this.layoutKey = key;
    }
    const w = L.workload;
    m.hunt_workload(w[0], w[1], w[2], w[3], w[4]);
    const t = mix.thresholds;
    if (t) m.hunt_mix(t[0], t[1], t[2], t[3], t[4], t[5], t[6], L.areas);
    this.shapeCode = code;
    return grown;
  }

  /** The mix of mix bits `mixBits` as the engine takes it (cached). */
  private mixOf(swarm: SwarmSpec, mixBits: number): SwarmMixArgs {
    let mix = this.mixes[mixBits];
    if (!mix) {
      const drawn = swarmMix(swarm, mixBits << MACHINE_BITS);
      mix = {
        ...(drawn ? { thresholds: Int32Array.from(mixThresholds(drawn).slice(0, 7)), drawn } : {}),
        machineBits: (mixSwaps(drawn) ? 1 : 0) | (mixForks(drawn) ? 2 : 0),
      };
      this.mixes[mixBits] = mix;
    }
    return mix;
  }

  /** Makes (and caches) the layout of key `key` from a code `code` of that key and its mix:
   *  its shape's machine (swarm.ts swarmMachine) and hunt_workload's arguments for the shape's
   *  workload with its mix left out (the mix is set apart: hunt_mix). Only the machine, not
   *  the whole shape: a campaign makes a few thousand of these at start-up (SWARM_LAYOUT_ALL). */
  private layOut(swarm: SwarmSpec, code: number, key: number, mix: HuntMix | undefined): SwarmLayout {
    const machine = swarmMachine(swarm, code, mix);
    const sched = this.pct ? SCHED.PCT : SCHED.RANDOM;
    const config = huntConfig(machine, this.spec.flags, sched, this.spec.depth, this.pctK);
    const workload = huntWorkloadArgs({
      cpus: machine.cpus,
      opsPerCpu: Math.min(swarm.opsPerCpu, HUNT_OPCAP),
      pagesPerMm: machine.pagesPerMm,
      mms: machine.mms,
      shareMm: swarm.shareMm,
      writeRatio: swarm.writeRatio,
    });
    const L = { config, image: this.e.configImage(config), workload, areas: machine.areas };
    this.layouts[key] = L;
    return L;
  }

  /** Makes the layout of every key a code can draw (SWARM_LAYOUT_ALL): each machine part
   *  with each kind of mix (whether it swaps, whether it forks) that some mix bits draw. */
  private layOutAll(swarm: SwarmSpec): void {
    const kinds = new Map<number, number>(); // mix machine bits -> mix bits drawing them
    for (let mixBits = 0; mixBits < 1 << MIX_BITS; mixBits++) {
      const mb = this.mixOf(swarm, mixBits).machineBits;
      if (!kinds.has(mb)) kinds.set(mb, mixBits);
    }
    for (const [mb, mixBits] of kinds) {
      for (const machine of swarmMachineCodes()) {
        const key = machine | (mb << MACHINE_BITS);
        if (!this.layouts[key]) this.layOut(swarm, machine | (mixBits << MACHINE_BITS), key, this.mixes[mixBits]!.drawn);
      }
    }
    this.swarmCache!.complete = true;
  }

  /** Swarm shape `code` with the op lists a hunt can hold. */
  private shapeOf(swarm: SwarmSpec, code: number): SwarmShape {
    const shape = swarmShape(swarm, code);
    shape.workload.opsPerCpu = Math.min(shape.workload.opsPerCpu, HUNT_OPCAP);
    return shape;
  }

  /** The shape of the engine's current layout and workload (--swarm only). */
  private get shape(): SwarmShape | undefined {
    const swarm = this.spec.swarm;
    return swarm && this.shapeCode >= 0 ? this.shapeOf(swarm, this.shapeCode) : undefined;
  }

  /**
   * Runs executions [first, end) in order, tallying each into t (executions, steps, PCT's
   * decisions, the agents that ran, hits by signature) and its fingerprint into hash. Stops
   * after the first failing execution whose signature `stopsAt` (a known one is only
   * counted) and returns it; the engine then holds that execution (its choice log).
   */
  run(first: number, end: number, t: TallyLike, hash: SeqHash, stopsAt: (signature: string) => boolean): LoopFailure | undefined {
    const e = this.e;
    const m = e.m;
    let I = e.I32; // memory grows only with a new layout (--swarm)
    const swarm = this.spec.swarm;
    const g = e.region(R.GLOBALS) >> 2;
    const stepAt = g + G.STEP,
      decisionsAt = g + G.PCT_DECISIONS;
    const pct = this.pct;
    const seedBase = this.seedBase;
    const statsBase = e.region(R.STATS) >> 2;
    const nStats = this.spec.stats ? STAT_NAMES.length : 0;
    const acc = nStats ? new Float64Array(nStats) : undefined; // summed per index: no keyed access per execution
    const zeroStats = nStats ? () => I.fill(0, statsBase, statsBase + nStats) : undefined;
    let index = first;
    let failure: LoopFailure | undefined;
    try {
      for (; index < end; index++) {
        if (swarm) {
          // --swarm: the machine this execution's seed draws (the engine kept if the same).
          const shape = swarmCode(executionSeedFrom(seedBase, index >>> 0));
          if (shape !== this.shapeCode && this.reshape(swarm, shape)) I = e.I32;
        }
        // Execution `index` on a fresh machine: its seed, its ops (huntOps), the run, in one call.
        const code = m.hunt_execution(seedBase, index >>> 0, HUNT_LOGCAP);
        const len = I[stepAt];
        // The execution's fingerprint into the campaign hash (checkpoint.ts), FNV-1a over the
        // choice log's bytes computed in the model (kernel/hunt.ts execution_print), and
        // PCT's n of the bound: the agents that ran.
        seqPush(hash, m.hunt_print() ^ len);
        t.agentMask |= m.hunt_agents();
        t.executions++;
        t.steps += len;
        if (len > t.maxSteps) t.maxSteps = len;
        // PCT's decisions: steps where a change point would be a preemption.
        const decisions = pct ? I[decisionsAt] : len;
        t.decisions += decisions;
        if (decisions > t.maxDecisions) t.maxDecisions = decisions;
        if (acc) {
          for (let j = 0; j < nStats; j++) {
            acc[j] += I[statsBase + j] >>> 0;
            I[statsBase + j] = 0;
          }
        }
        // Clean at rest by the model's own check (RUN.CLEAN, the common case), else the
        // in-model violation or the deep check at rest. Stopped at the step bound: a livelock
        // only if it does not end in a longer run either (livelock.ts).
        if (code === RUN.CLEAN) continue;
        const verdict = code === RUN.LIMIT ? confirmLimit(e, seedBase, index >>> 0, zeroStats) : verdictOf(e, code);
        if (!verdict) continue;
        t.hits[verdict.signature] = (t.hits[verdict.signature] ?? 0) + 1;
        if (!stopsAt(verdict.signature)) continue;
        failure = { index, verdict };
        break;
      }
    } catch (err) {
      if (err instanceof InternalError) throw err;
      // A trap in the model is a bug of ours: say how to get back to it.
      const s = executionSeedFrom(seedBase, index >>> 0);
      throw new InternalError(
        `the model trapped (${(err as Error).message}) in execution ${index} of seed ${this.spec.huntSeed} ` +
          `(execution seed ${s}, ops ${JSON.stringify(huntOps(this.workload, s))})`,
      );
    }
    if (acc) for (let j = 0; j < nStats; j++) t.stats[STAT_NAMES[j]] += acc[j];
    return failure;
  }

  /** What replays execution `index`, the one the engine ran last (a span's failure). */
  replayOf(index: number): ExecutionReplay {
    const s = executionSeedFrom(this.seedBase, index >>> 0);
    const x: ExecutionReplay = { seed: s, ops: huntOps(this.workload, s), schedule: this.e.choiceLog() };
    const shape = this.shape;
    if (shape) {
      x.machine = shape.machine;
      x.mix = shape.mix ?? "";
    }
    return x;
  }
}
