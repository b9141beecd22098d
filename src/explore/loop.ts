// The hunt's search loop, once: runs a span of a hunt's executions on one engine, each
// checked (the model's check at rest, else the in-model verdict or the deep check at rest; a
// step-bound stop confirmed as a livelock or not), fingerprinted into the campaign hash and
// tallied. hunt() in one thread (hunt.ts) runs it span by span between its clock checks and
// PCT's k refreshes; a campaign worker (src/workers/hunt-range.ts) runs its chunk as one span
// with k fixed. The same executions, verdicts and hash either way.
//
// This is the hot path (hundreds of thousands of executions a second): the memory views are
// taken once, one call into the model per execution (it makes the execution's seed and op
// lists itself: assembly/kernel/hunt.ts; under --swarm the shape's words are stored into the
// config block first and the model lays the machine out itself: hunt_shaped), nothing
// allocated per execution unless it failed.
import type { Engine, MachineConfig } from "../wasm/engine.js";
import { CFG, CFG_COUNT, G, R, RUN, SCHED, STAT_NAMES } from "../wasm/abi.js";
import { InternalError } from "../errors.js";
import type { ReproMachine } from "../report/repro.js";
import { verdictOf, type Verdict } from "./execute.js";
import { confirmLimit } from "./livelock.js";
import { huntConfig, HUNT_LOGCAP, HUNT_OPCAP } from "./machine.js";
import { configureHuntWorkload, executionSeedFrom, huntOps, huntSeedBase, huntWorkloadArgs, type HuntWorkload } from "./workload.js";
import { seqPush, type SeqHash, type TallyLike } from "./shard.js";
import { swarmCode, swarmMachine, swarmMachineCodes, swarmMix, swarmShape, type SwarmShape, type SwarmSpec } from "./swarm.js";
import { mixForks, mixSwaps, mixThresholds, type HuntMix } from "./mix.js";
import { tabledSwarmLayouts, type SwarmLayouts } from "./swarm-table.js";

/** What a hunt's executions are: the machine, the model's flags, the scheduler and the op lists. */
export interface HuntLoopSpec {
  machine: ReproMachine;
  /** The model's flag words, CFG_FLAGS and CFG_FLAGS2 (both: a spec cannot drop word 1). */
  flags: number;
  flags2: number;
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

/** The bits of a swarm code (swarm.ts swarmCode) that draw the machine; the rest, the mix. */
const MACHINE_BITS = 10;
/** Mixes: swarmCode's 7 mix bits. */
const MIXES = 1 << 7;
/** Layouts: a code's machine bits, and whether its mix swaps off (a second area) or forks (a second mm). */
const LAYOUTS = 1 << (MACHINE_BITS + 2);

/** The config words a swarm machine sets (huntConfig of its ReproMachine): all that differs
 *  between two machines of one hunt. A layout's other words are checked equal to the
 *  engine's when it is first drawn (SwarmTables.layout), so that writing these alone leaves
 *  the config block configure() would. */
const MACHINE_WORDS = [
  CFG.NCPU,
  CFG.NFRAMES,
  CFG.NMM,
  CFG.PAGES,
  CFG.NAREAS,
  CFG.SLOTS,
  CFG.KSWAPD,
  CFG.PAGE_CLUSTER,
  CFG.FREE_MIN,
  CFG.FREE_LOW,
  CFG.FREE_HIGH,
  CFG.AREA_PRIO_EQUAL,
  CFG.SWAP_CLUSTER,
] as const;
// writeShape stores the machine words one by one, in MACHINE_WORDS's order.
if (MACHINE_WORDS.length !== 13) throw new InternalError("writeShape stores 13 machine words");
/** Words the hunt changes on its own between executions: not the layout's to set. */
const OWN_WORDS: readonly number[] = [CFG.SEED, CFG.PCT_K];
/** 1 for each config word a layout may set apart from the hunt's: MACHINE_WORDS and
 *  OWN_WORDS (drawLayout checks the others, for each of a swarm's 2,304 keys at start-up). */
const LAYOUT_OWN = new Uint8Array(CFG_COUNT);
for (const k of [...MACHINE_WORDS, ...OWN_WORDS]) LAYOUT_OWN[k] = 1;
/** The CFG_HUNT_* words of a layout (ops per CPU .. shareMm: hunt_workload's arguments). */
const WORKLOAD_WORDS = 5;
/** A layout's words: its machine words, then its workload's, then the areas a mix addresses. */
const LAYOUT_WORDS = MACHINE_WORDS.length + WORKLOAD_WORDS + 1;
/** A mix's words: what of the machine it decides (swarm.ts swarmShape: bit 0 a second area,
 *  bit 1 a second mm), 1 when it is a mix (else reads and writes alone), its 7 thresholds. */
const MIX_WORDS = 9;

/**
 * A swarm's machines and mixes as the model takes them (kernel/hunt.ts hunt_shaped: config
 * words), each drawn at its first use: by layout key (a code's machine bits, and what its
 * mix decides of the machine: 4096 at most) and by mix bits (128). Flat typed arrays: the
 * search reads them once per execution.
 */
interface SwarmTables {
  layoutDrawn: Uint8Array;
  layoutWords: Int32Array;
  /** Each layout's config (Engine.config while it is laid out), made at its first use as
   *  the engine's (HuntLoop.syncConfig). */
  configs: (MachineConfig | undefined)[];
  mixDrawn: Uint8Array;
  mixWords: Int32Array;
  /** Each mix as drawn (swarm.ts swarmMix; none: reads and writes alone); not kept by the
   *  build's table (swarm-table.ts): drawLayout draws it again then. */
  mixes: (HuntMix | undefined)[];
  /** Layouts drawn one at a time, as executions drew them; and whether every key has one. */
  made: number;
  complete: boolean;
  /** Taken from the build's table and not yet checked against this code (HuntLoop.checkTaken). */
  unchecked: boolean;
}

function emptyTables(): SwarmTables {
  return {
    layoutDrawn: new Uint8Array(LAYOUTS),
    layoutWords: new Int32Array(LAYOUTS * LAYOUT_WORDS),
    configs: new Array<MachineConfig | undefined>(LAYOUTS).fill(undefined),
    mixDrawn: new Uint8Array(MIXES),
    mixWords: new Int32Array(MIXES * MIX_WORDS),
    mixes: new Array<HuntMix | undefined>(MIXES).fill(undefined),
    made: 0,
    complete: false,
    unchecked: false,
  };
}

/**
 * After this many layouts drawn one at a time, a swarm's tables draw all the others at once
 * (HuntLoop.drawAll). A campaign of some tens of thousands of executions draws every one of
 * its 2,304 keys (576 machines, 4 kinds of mix), and a layout drawn between two executions
 * costs about three times one drawn in a row (the code drawing it has gone cold meanwhile):
 * about 100 ms of a shard's start-up (issue 9). A short hunt stays below it and draws only
 * what it meets. A layout is a function of its key alone, so when it was drawn changes
 * nothing. Tests set it (test/explore/swarm.test.ts).
 */
export const SWARM_LAYOUT_ALL = { after: 64 };

/**
 * The swarm tables of each engine, by what its layouts depend on (the hunt's machine, flags,
 * scheduler, depth, workload and swarm; not its seed, k or stats), so that the many chunks
 * of a campaign on one thread (a worker's, a shard's rounds: a HuntLoop each) lay out each
 * shape once.
 */
const swarmCaches = new WeakMap<Engine, Map<string, SwarmTables>>();

/** What a swarm hunt's layouts depend on, as one string. */
export function swarmKey(spec: HuntLoopSpec): string {
  const { machine, flags, flags2, sched, depth, workload, swarm } = spec;
  return JSON.stringify([machine, flags, flags2, sched, depth, workload, swarm]);
}

function swarmCacheOf(e: Engine, spec: HuntLoopSpec, tabled = true): SwarmTables {
  let byKey = swarmCaches.get(e);
  if (!byKey) swarmCaches.set(e, (byKey = new Map()));
  const key = swarmKey(spec);
  let c = byKey.get(key);
  if (!c) {
    c = emptyTables();
    // A shipped model's default campaign: its layouts as the build drew them (swarm-table.ts).
    const layouts = tabled && e.backend === "wasm" ? tabledSwarmLayouts(key) : undefined;
    if (layouts) takeLayouts(c, layouts);
    byKey.set(key, c);
  }
  return c;
}

/** Gives engine e the layouts of spec's swarm drawn before (HuntLoop.drawnLayouts), as the
 *  build's table gives a shipped model's default campaign its own (tests). */
export function takeSwarmLayouts(e: Engine, spec: HuntLoopSpec, l: SwarmLayouts): void {
  const T = swarmCacheOf(e, spec, false);
  if (T.made > 0) throw new RangeError("the engine has drawn layouts of this swarm already");
  takeLayouts(T, l);
}

/** Fills a swarm's tables with layouts drawn before (the build's table): all of them. */
function takeLayouts(T: SwarmTables, l: SwarmLayouts): void {
  for (let i = 0; i < l.keys.length; i++) {
    const key = l.keys[i];
    T.layoutWords.set(l.words.subarray(i * LAYOUT_WORDS, (i + 1) * LAYOUT_WORDS), key * LAYOUT_WORDS);
    T.layoutDrawn[key] = 1;
  }
  T.mixWords.set(l.mixWords);
  T.mixDrawn.fill(1);
  T.made = l.keys.length;
  T.complete = true;
  T.unchecked = true;
}

/** Layout keys HuntLoop.checkTaken draws again: spread over the keys a swarm draws. */
const CHECKED_LAYOUTS = 8;

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
  private readonly tables: SwarmTables | undefined;
  private layoutKey = -1;
  private shapeCode = -1;
  /** The config block's first word (Engine.configImage's). */
  private readonly configBase: number;

  constructor(
    readonly e: Engine,
    readonly spec: HuntLoopSpec,
  ) {
    this.pct = spec.sched === "pct";
    this.pctK = spec.pctK;
    e.configure(huntConfig(spec.machine, spec, this.pct ? SCHED.PCT : SCHED.RANDOM, spec.depth, spec.pctK));
    this.baseWorkload = { ...spec.workload, opsPerCpu: Math.min(spec.workload.opsPerCpu, HUNT_OPCAP) };
    configureHuntWorkload(e.m, this.baseWorkload);
    this.seedBase = huntSeedBase(spec.huntSeed);
    this.configBase = e.m.config_addr() >> 2;
    if (spec.swarm) {
      this.tables = swarmCacheOf(e, spec);
      if (this.tables.unchecked) this.checkTaken(this.tables, spec.swarm);
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

  /**
   * Writes the config words of swarm shape `code` for kernel/hunt.ts hunt_shaped: its
   * machine's when its layout is not the engine's (returns 1: lay it out; 0 keeps the
   * engine's), and its workload's. What configure() and configureHuntWorkload would write
   * (the layout's other words are the engine's: layout()), by plain stores: most executions
   * change shape.
   */
  private writeShape(T: SwarmTables, swarm: SwarmSpec, code: number, I: Int32Array): number {
    const mixBits = code >>> MACHINE_BITS;
    if (T.mixDrawn[mixBits] === 0) this.drawMix(T, swarm, code);
    const mx = mixBits * MIX_WORDS;
    const key = (code & ((1 << MACHINE_BITS) - 1)) | (T.mixWords[mx] << MACHINE_BITS);
    if (T.layoutDrawn[key] === 0) {
      this.drawLayout(T, swarm, code, key, I);
      if (++T.made >= SWARM_LAYOUT_ALL.after && !T.complete) this.drawAll(T, swarm, I);
    }
    const c = this.configBase;
    const W = T.layoutWords;
    let at = key * LAYOUT_WORDS;
    let newMachine = 0;
    if (key !== this.layoutKey) {
      // MACHINE_WORDS in their order, a store each, as the workload's and the mix's below:
      // written out, the host's work per execution is ~50 ns less than by loops over the
      // lists (bench/exec-fixed.mjs; assembly/README.md, issue 14's fifth round).
      I[c + CFG.NCPU] = W[at];
      I[c + CFG.NFRAMES] = W[at + 1];
      I[c + CFG.NMM] = W[at + 2];
      I[c + CFG.PAGES] = W[at + 3];
      I[c + CFG.NAREAS] = W[at + 4];
      I[c + CFG.SLOTS] = W[at + 5];
      I[c + CFG.KSWAPD] = W[at + 6];
      I[c + CFG.PAGE_CLUSTER] = W[at + 7];
      I[c + CFG.FREE_MIN] = W[at + 8];
      I[c + CFG.FREE_LOW] = W[at + 9];
      I[c + CFG.FREE_HIGH] = W[at + 10];
      I[c + CFG.AREA_PRIO_EQUAL] = W[at + 11];
      I[c + CFG.SWAP_CLUSTER] = W[at + 12];
      this.layoutKey = key;
      newMachine = 1;
    }
    at += MACHINE_WORDS.length;
    const h = c + CFG.HUNT_OPS;
    I[h] = W[at];
    I[h + 1] = W[at + 1];
    I[h + 2] = W[at + 2];
    I[h + 3] = W[at + 3];
    I[h + 4] = W[at + 4];
    const M = T.mixWords;
    if (M[mx + 1] !== 0) {
      const t = c + CFG.HUNT_T_WRITE;
      I[t] = M[mx + 2];
      I[t + 1] = M[mx + 3];
      I[t + 2] = M[mx + 4];
      I[t + 3] = M[mx + 5];
      I[t + 4] = M[mx + 6];
      I[t + 5] = M[mx + 7];
      I[t + 6] = M[mx + 8];
      I[c + CFG.HUNT_MIX_AREAS] = W[at + WORKLOAD_WORDS];
    } else {
      I[c + CFG.HUNT_MIX_AREAS] = 0;
    }
    this.shapeCode = code;
    return newMachine;
  }

  /**
   * Layouts taken from the build's table (takeLayouts) are checked against this code once per
   * engine: every mix and CHECKED_LAYOUTS layouts drawn again, ~1 ms. A table that a build of
   * other sources left beside this one (a tsc run without the build's table step) would
   * otherwise change what the executions run; one that differs is dropped, and the layouts
   * are drawn as without a table.
   */
  private checkTaken(T: SwarmTables, swarm: SwarmSpec): void {
    T.unchecked = false;
    const I = this.e.I32;
    const fresh = emptyTables();
    for (let mixBits = 0; mixBits < MIXES; mixBits++) this.drawMix(fresh, swarm, mixBits << MACHINE_BITS);
    let same = fresh.mixWords.every((w, i) => w === T.mixWords[i]);
    const keys: number[] = [];
    for (let key = 0; key < LAYOUTS; key++) if (T.layoutDrawn[key] === 1) keys.push(key);
    for (let i = 0; same && i < CHECKED_LAYOUTS && keys.length > 0; i++) {
      const key = keys[Math.floor((i * (keys.length - 1)) / Math.max(1, CHECKED_LAYOUTS - 1))];
      const mixBits = fresh.mixWords.findIndex((w, j) => j % MIX_WORDS === 0 && w === key >>> MACHINE_BITS) / MIX_WORDS;
      if (mixBits < 0) {
        same = false;
        break;
      }
      this.drawLayout(fresh, swarm, (key & ((1 << MACHINE_BITS) - 1)) | (mixBits << MACHINE_BITS), key, I);
      const at = key * LAYOUT_WORDS;
      for (let k = at; k < at + LAYOUT_WORDS; k++) if (fresh.layoutWords[k] !== T.layoutWords[k]) same = false;
    }
    if (same) return;
    T.layoutDrawn.fill(0);
    T.mixDrawn.fill(0);
    T.mixWords.fill(0);
    T.made = 0;
    T.complete = false;
  }

  /** A mix's words (MIX_WORDS), at its first use. */
  private drawMix(T: SwarmTables, swarm: SwarmSpec, code: number): void {
    const mixBits = code >>> MACHINE_BITS;
    const drawn = swarmMix(swarm, code);
    const at = mixBits * MIX_WORDS;
    T.mixWords[at] = (mixSwaps(drawn) ? 1 : 0) | (mixForks(drawn) ? 2 : 0);
    if (drawn) {
      T.mixWords[at + 1] = 1;
      T.mixWords.set(mixThresholds(drawn).slice(0, 7), at + 2);
    }
    T.mixes[mixBits] = drawn;
    T.mixDrawn[mixBits] = 1;
  }

  /** Draws the layout of every key a code can draw (SWARM_LAYOUT_ALL): each machine part
   *  with each kind of mix (whether it swaps off, whether it forks) that some mix bits draw. */
  private drawAll(T: SwarmTables, swarm: SwarmSpec, I: Int32Array): void {
    const kinds = new Map<number, number>(); // a mix's machine bits -> mix bits drawing them
    for (let mixBits = 0; mixBits < MIXES; mixBits++) {
      if (T.mixDrawn[mixBits] === 0) this.drawMix(T, swarm, mixBits << MACHINE_BITS);
      const mb = T.mixWords[mixBits * MIX_WORDS];
      if (!kinds.has(mb)) kinds.set(mb, mixBits);
    }
    for (const [mb, mixBits] of kinds) {
      for (const machine of swarmMachineCodes()) {
        const key = machine | (mb << MACHINE_BITS);
        if (T.layoutDrawn[key] === 0) this.drawLayout(T, swarm, machine | (mixBits << MACHINE_BITS), key, I);
      }
    }
    T.complete = true;
  }

  /** A layout's words (LAYOUT_WORDS) and config, at its first use: its machine (swarm.ts
   *  swarmMachine, not the whole shape: a campaign draws a few thousand at start-up,
   *  SWARM_LAYOUT_ALL) and hunt_workload's arguments. Its config block must differ from the
   *  engine's in MACHINE_WORDS alone (or the hunt's own OWN_WORDS). The mix of `code` is drawn. */
  private drawLayout(T: SwarmTables, swarm: SwarmSpec, code: number, key: number, I: Int32Array): void {
    const machine = this.layoutMachine(T, swarm, code);
    const config = this.configOf(machine);
    const image = this.e.configImage(config);
    for (let k = 0; k < CFG_COUNT; k++) {
      if (LAYOUT_OWN[k] === 0 && image[k] !== I[this.configBase + k]) {
        throw new InternalError(`a swarm machine's config word ${k} differs from the hunt's (${image[k]}, not ${I[this.configBase + k]})`);
      }
    }
    const at = key * LAYOUT_WORDS;
    for (let k = 0; k < MACHINE_WORDS.length; k++) T.layoutWords[at + k] = image[MACHINE_WORDS[k]];
    const workload = huntWorkloadArgs({
      cpus: machine.cpus,
      opsPerCpu: Math.min(swarm.opsPerCpu, HUNT_OPCAP),
      pagesPerMm: machine.pagesPerMm,
      mms: machine.mms,
      shareMm: swarm.shareMm,
      writeRatio: swarm.writeRatio,
    });
    T.layoutWords.set(workload.slice(0, WORKLOAD_WORDS), at + MACHINE_WORDS.length);
    T.layoutWords[at + MACHINE_WORDS.length + WORKLOAD_WORDS] = machine.areas;
    T.configs[key] = config;
    T.layoutDrawn[key] = 1;
  }

  /** The machine of shape `code`'s layout (swarm.ts swarmMachine, of its mix). */
  private layoutMachine(T: SwarmTables, swarm: SwarmSpec, code: number): ReproMachine {
    const mixBits = code >>> MACHINE_BITS;
    T.mixes[mixBits] ??= swarmMix(swarm, code);
    return swarmMachine(swarm, code, T.mixes[mixBits]);
  }

  /** A layout's config (Engine.config while it is laid out): its machine under the hunt's
   *  flags, scheduler, depth and k. */
  private configOf(machine: ReproMachine): MachineConfig {
    return huntConfig(machine, this.spec, this.pct ? SCHED.PCT : SCHED.RANDOM, this.spec.depth, this.pctK);
  }

  /** Every layout of this hunt's swarm, drawn (the build's table, src/build/swarm-table.mjs). */
  drawnLayouts(): SwarmLayouts {
    const T = this.tables;
    const swarm = this.spec.swarm;
    if (!T || !swarm) throw new RangeError("a hunt without --swarm has no layouts");
    if (!T.complete) this.drawAll(T, swarm, this.e.I32);
    const keys: number[] = [];
    for (let key = 0; key < LAYOUTS; key++) if (T.layoutDrawn[key] === 1) keys.push(key);
    const words = new Int32Array(keys.length * LAYOUT_WORDS);
    for (const [i, key] of keys.entries())
      words.set(T.layoutWords.subarray(key * LAYOUT_WORDS, (key + 1) * LAYOUT_WORDS), i * LAYOUT_WORDS);
    return { keys: Int32Array.from(keys), words, mixWords: T.mixWords.slice() };
  }

  /** Engine.config as the engine is laid out (the search loop leaves it to the end of a
   *  span, and to a failing execution's check). */
  private syncConfig(): void {
    const T = this.tables;
    const swarm = this.spec.swarm;
    if (!T || !swarm || this.layoutKey < 0) return;
    // A layout from the build's table has its config made at its first use here (the shape
    // laid out last has the layout's key).
    const config = (T.configs[this.layoutKey] ??= this.configOf(this.layoutMachine(T, swarm, this.shapeCode)));
    config.pctK = this.pctK;
    this.e.config = config;
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
    const T = this.tables;
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
        // Execution `index` on a fresh machine: its seed, its ops (huntOps), the run, in one call.
        let code: number;
        if (T && swarm) {
          // --swarm: the machine and workload this execution's seed draws, written into the
          // config block; the model lays out a new machine, takes a new workload, runs.
          const shape = swarmCode(executionSeedFrom(seedBase, index >>> 0));
          if (shape !== this.shapeCode) {
            const newMachine = this.writeShape(T, swarm, shape, I);
            code = m.hunt_shaped(seedBase, index >>> 0, HUNT_LOGCAP, newMachine, 1);
            if (code < 0) throw new RangeError("the machine does not fit in the model's memory");
            if (I.length === 0) I = e.I32; // a layout grew memory: the views were detached
          } else {
            code = m.hunt_execution(seedBase, index >>> 0, HUNT_LOGCAP);
          }
        } else {
          code = m.hunt_execution(seedBase, index >>> 0, HUNT_LOGCAP);
        }
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
        this.syncConfig();
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
    this.syncConfig();
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
