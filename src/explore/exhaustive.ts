// Bounded proofs for tiny configurations (issue 13 part 6): every schedule of one fixed op list
// with at most K preemptions, by iterative preemption bounding as CHESS does it (Musuvathi and
// Qadeer, PLDI 2007): all schedules with 0 preemptions, then with at most 1, ... up to K, so
// the first violation found has the fewest preemptions any schedule of these ops needs.
//
// The scheduling points are the model's: one step is one atomic section of one agent (a CPU,
// kswapd, the disk; machine.ts run), and where the disk completes one of several queued
// requests the request is a choice as well (page_io.ts disk, sched_pick). A choice of agent is
// a preemption when the agent that ran the step before could have run on and did not yield in
// it (__alloc_pages' and try_to_unuse's sched_yield: the kernel's own offer to switch, free
// as in CHESS). Switches forced by blocking or finishing are free; which request the disk
// completes is free (the device decides, not a preemption).
//
// Depth-first, one section at a time on a REPLAY engine: the choice is written into the
// choice log, run(1) runs it. Backtracking restores the machine from a copy of its memory
// (state.ts: every word the model reads lives in linear memory, but for scheduler bookkeeping
// the host does not rely on), or, for comparison, replays the path from a fresh reset.
//
// Visited states are cached (stateful search): a state reached again with no fewer
// preemptions spent, after the same last agent, has nothing new below it; nor has one met
// before with no preemption owed (after a yield, a block or a finish: every choice free
// there) and no more spent, since every schedule below the node is one below that, at no
// greater cost. What is below a node depends only on the state, the budget left and whom a
// switch would preempt, so (state, agent a switch preempts or -1) is the key and the fewest
// preemptions spent its value. The state is a 64-bit hash of the model state without its
// history (stateKeyRanges: every agent's stack of (procedure, pc, locals) and op position,
// but no step counters, statistics or choice-log bookkeeping, none of which the model reads).
// A collision would prune a state never explored: with n states its chance is about n²/2^65
// (3e-9 at 10^5 states, 3e-7 at 10^6), SPIN's hash-compact trade.
//
// No partial-order reduction: sleep sets cut transitions, not states (every state within the
// bound is still visited, and here a step almost always meets a new one), and persistent sets
// need which words a section reads, which the model does not expose: independence of two
// sections cannot be shown (src/explore/README.md, "Bounded proofs").
import { Engine, type Backend } from "../wasm/engine.js";
import type { FlagWords } from "../model/flag-words.js";
import {
  AG,
  AGENT_WORDS,
  AREA_WORDS,
  CHOICE_AGENT,
  CHOICE_PICK_MAX,
  CHOICE_PICK_SHIFT,
  FRAME_WORDS,
  G,
  R,
  RUN,
  STACK_FRAMES,
} from "../wasm/abi.js";
import { InternalError } from "../errors.js";
import type { ReproMachine } from "../report/repro.js";
import { verdictOf, type Verdict } from "./execute.js";
import { HUNT_LOGCAP, replayConfig } from "./machine.js";

export interface ExhaustiveOptions {
  /** The model's flag words (ResolvedModel.flags, .flags2); both, so that word 1 cannot be dropped. */
  flags: number;
  flags2: number;
  machine: ReproMachine;
  /** Each CPU's op list (fixed for the whole search). */
  ops: readonly (readonly number[])[];
  /** The bound K: schedules with at most this many preemptions. */
  preemptions: number;
  /** The scheduler seed written into the machine (nothing under REPLAY draws from it). */
  seed?: number;
  backend?: Backend;
  /** Stop (incomplete) after this much wall time ... */
  budgetMs?: number;
  /** ... or this much CPU time of the process (user + system; bench/exhaustive.ts). */
  cpuBudgetMs?: number;
  signal?: AbortSignal;
  /** Cache visited states (default true; off: every schedule is run to its end). */
  cache?: boolean;
  /** How a backtrack gets the machine back: a copy of its memory (default) or a replay of the
   *  path from a fresh reset. */
  restore?: "snapshot" | "replay";
  /** An engine to reuse (configured here): a sweep of many op lists builds one. */
  engine?: Engine;
}

/** A set of 64-bit state hashes (h1, h2), each with a row of `width` small values (-1 unset):
 *  open addressing over typed arrays, doubling at half full (a Map of number keys boxes every
 *  53-bit key: 4x slower). One row a state: the search keeps the fewest preemptions spent per
 *  agent a switch would preempt, so one probe serves the distinct count and every key. A
 *  slot's two key words sit side by side (one cache line a probe); (0, 0) marks a free slot,
 *  so the key (0, 0) is stored as (1, 0). */
export class StateTable {
  private keys: Int32Array;
  /** The rows, `width` values a slot. */
  v: Int8Array;
  size = 0;

  /** `slots`: a power of two. */
  constructor(
    readonly width = 1,
    slots = 1 << 16,
  ) {
    this.keys = new Int32Array(2 * slots);
    this.v = new Int8Array(slots * width).fill(-1);
  }

  /** The row of (h1, h2): the index of its first value in `v`, the state added if new. */
  row(h1: number, h2: number): number {
    if (h1 === 0 && h2 === 0) h1 = 1;
    if (4 * (this.size + 1) > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = (keys.length >> 1) - 1;
    for (let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const x = keys[2 * i],
        y = keys[2 * i + 1];
      if (x === h1 && y === h2) return i * this.width;
      if (x === 0 && y === 0) {
        keys[2 * i] = h1;
        keys[2 * i + 1] = h2;
        this.size++;
        return i * this.width;
      }
    }
  }

  /** The value at `col` of (h1, h2)'s row, -1 when unset or the state is not in the table. */
  get(h1: number, h2: number, col = 0): number {
    if (h1 === 0 && h2 === 0) h1 = 1;
    const keys = this.keys;
    const mask = (keys.length >> 1) - 1;
    for (let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const x = keys[2 * i],
        y = keys[2 * i + 1];
      if (x === h1 && y === h2) return this.v[i * this.width + col];
      if (x === 0 && y === 0) return -1;
    }
  }

  private grow(): void {
    const { keys, v, width } = this;
    const slots = keys.length; // twice the old
    this.keys = new Int32Array(2 * slots);
    this.v = new Int8Array(slots * width).fill(-1);
    this.size = 0;
    for (let i = 0; i < keys.length; i += 2) {
      if (keys[i] === 0 && keys[i + 1] === 0) continue;
      const to = this.row(keys[i], keys[i + 1]);
      const from = (i >> 1) * width;
      for (let j = 0; j < width; j++) this.v[to + j] = v[from + j];
    }
  }
}

/** One bound's search. */
export interface BoundStats {
  preemptions: number;
  /** Executions run to their end (done or violation). */
  schedules: number;
  /** Distinct model states met (the cache's states, whatever the last agent). */
  states: number;
  /** Paths cut at a state already explored with no fewer preemptions spent. */
  pruned: number;
  /** Sections run (run(1) calls), backtracking replays included. */
  steps: number;
  elapsedMs: number;
  /** CPU time of this bound's search (user + system, the process's). */
  cpuMs: number;
  /** Every schedule of this bound explored (not cut by the budget or a signal). */
  complete: boolean;
}

export interface ExhaustiveViolation {
  /** Preemptions the schedule spends (the fewest any schedule of these ops needs). */
  preemptions: number;
  /** The choice log (one byte a step: agent, and the disk's pick in the high bits). */
  schedule: Uint8Array;
  verdict: Verdict;
}

export interface ExhaustiveResult {
  bound: number;
  /** Highest bound explored completely, -1 none. */
  reached: number;
  bounds: BoundStats[];
  schedules: number;
  states: number;
  steps: number;
  elapsedMs: number;
  interrupted: boolean;
  violation?: ExhaustiveViolation;
}

/** Words of the global block the model never reads back: history and scheduler bookkeeping. */
const HISTORY_GLOBALS: readonly number[] = [
  G.STEP,
  G.LAST_AGENT,
  G.LOG_LEN,
  G.TRACE_LEN,
  G.REPLAY_LEN,
  G.RNG_LO,
  G.RNG_HI,
  G.PCT_NEXT_CP,
  G.PCT_SWITCHES,
  G.PCT_DECISIONS,
  ...Array.from({ length: 8 }, (_, i) => G.PCT_CP0 + i),
];

/** Word ranges [from, to) of the state key, besides the live stack frames (walked per agent). */
export function stateKeyRanges(e: Engine): number[] {
  const w = (r: number) => e.region(r) >> 2;
  const out: number[] = [];
  const skip = new Set(HISTORY_GLOBALS);
  const g = w(R.GLOBALS);
  // Globals (the statistics after them are counters the model only adds to: not state).
  let from = -1;
  for (let i = g; i <= w(R.STATS); i++) {
    const keep = i < w(R.STATS) && !skip.has(i - g);
    if (keep && from < 0) from = i;
    if (!keep && from >= 0) {
      out.push(from, i);
      from = -1;
    }
  }
  const agents = w(R.AGENTS);
  out.push(agents, agents + agentsOf(e) * AGENT_WORDS);
  // The machine's swap areas (the block has room for MAX_AREAS; a boot clears only these),
  // then mms, pages, LRU, free stack, swap map, ptes, shadow, the generator.
  out.push(w(R.AREAS), w(R.AREAS) + e.config.areas * AREA_WORDS);
  out.push(w(R.MMS), w(R.OPS));
  out.push(w(R.IOQ), w(R.END)); // the disk queue, the swap references paths hold
  return out;
}

const agentsOf = (e: Engine): number => e.config.cpus + (e.config.kswapd ? 2 : 1);

/** The disk's agent id (after the CPUs). */
const diskOf = (e: Engine): number => e.config.cpus;

/** Most requests a disk step chooses among (sched.ts CHOICE_PICK_MAX + 1). */
const PICKS = CHOICE_PICK_MAX + 1;

export class ExhaustiveSearch {
  readonly e: Engine;
  private readonly ranges: number[];
  private readonly nAgents: number;
  private readonly disk: number;
  private readonly g: number;
  private readonly agentsBase: number;
  private readonly stacksBase: number;
  private readonly logBase: number;
  /** Word ranges [from, to) saved whole, and the words a snapshot can take at most. */
  private readonly snapFrom: number[];
  private readonly snapWords: number;
  private snaps: Int32Array[] = [];
  private steps = 0;

  constructor(
    e: Engine,
    readonly o: ExhaustiveOptions,
  ) {
    this.e = e;
    this.ranges = stateKeyRanges(e);
    this.nAgents = agentsOf(e);
    this.disk = diskOf(e);
    this.g = e.region(R.GLOBALS) >> 2;
    this.agentsBase = e.region(R.AGENTS) >> 2;
    this.stacksBase = e.region(R.STACKS) >> 2;
    this.logBase = e.region(R.LOG);
    // Everything a step may write but the op lists, the choice log and the trace; of the
    // stacks only the live frames (snapshot).
    const w = (r: number) => e.region(r) >> 2;
    this.snapFrom = [w(R.GLOBALS), w(R.AGENTS) + this.nAgents * AGENT_WORDS];
    this.snapFrom.push(w(R.AREAS), w(R.AREAS) + e.config.areas * AREA_WORDS, w(R.MMS), w(R.OPS), w(R.IOQ), w(R.END));
    let words = this.nAgents * STACK_FRAMES * FRAME_WORDS;
    for (let i = 0; i < this.snapFrom.length; i += 2) words += this.snapFrom[i + 1] - this.snapFrom[i];
    this.snapWords = words;
  }

  /** A search engine for machine and flags (the untraced build: it only runs). */
  static async engine(machine: ReproMachine, flags: FlagWords, backend: Backend = "wasm"): Promise<Engine> {
    const e = await Engine.create(backend, "untraced");
    e.configure(replayConfig(machine, flags));
    return e;
  }

  /** The machine at its first step: booted, the op lists loaded. */
  private boot(): void {
    const e = this.e;
    e.setSeed(this.o.seed ?? 1);
    e.reset();
    e.loadOps(this.o.ops);
    e.m.replay_len(HUNT_LOGCAP);
    e.m.yield_take();
  }

  /** Saves the machine at `depth`: the fixed blocks up to the stacks, each agent's live
   *  frames (the model never reads above a stack pointer), the rest of the state. (A copy per
   *  range: measured 2-4x cheaper in CPU time than a word loop over the same ranges.) */
  private snapshot(depth: number): void {
    const I = this.e.I32;
    let s = this.snaps[depth];
    if (!s) this.snaps[depth] = s = new Int32Array(this.snapWords);
    let at = 0;
    const r = this.snapFrom;
    for (let j = 0; j < r.length; j += 2) {
      s.set(I.subarray(r[j], r[j + 1]), at);
      at += r[j + 1] - r[j];
    }
    for (let a = 0; a < this.nAgents; a++) {
      const base = this.stacksBase + a * STACK_FRAMES * FRAME_WORDS;
      const n = I[this.agentsBase + a * AGENT_WORDS + AG.SP] * FRAME_WORDS;
      s.set(I.subarray(base, base + n), at);
      at += n;
    }
  }

  private restore(depth: number): void {
    if (this.o.restore === "replay") {
      this.boot();
      const code = this.e.run(depth);
      this.steps += depth;
      if (code !== RUN.LIMIT || this.e.global(G.STEP) !== depth) throw new InternalError("a replayed path did not reach its depth");
      this.e.m.yield_take();
      return;
    }
    const I = this.e.I32;
    const s = this.snaps[depth];
    let at = 0;
    const r = this.snapFrom;
    for (let j = 0; j < r.length; j += 2) {
      I.set(s.subarray(at, at + r[j + 1] - r[j]), r[j]);
      at += r[j + 1] - r[j];
    }
    for (let a = 0; a < this.nAgents; a++) {
      const base = this.stacksBase + a * STACK_FRAMES * FRAME_WORDS;
      const n = I[this.agentsBase + a * AGENT_WORDS + AG.SP] * FRAME_WORDS; // restored above
      I.set(s.subarray(at, at + n), base);
      at += n;
    }
  }

  /** The state's hash over the key ranges and the live stack frames, left in (h1, h2): hashed in
   *  the model (assembly/kernel/keyhash.ts), about 2x cheaper than a host loop over a view. */
  private h1 = 0;
  private h2 = 0;
  private stateHash(): void {
    const m = this.e.m;
    const r = this.ranges;
    m.key_begin();
    for (let j = 0; j < r.length; j += 2) m.key_words(r[j] << 2, r[j + 1] << 2);
    m.key_frames(this.nAgents);
    this.h1 = m.key_h1();
    this.h2 = m.key_h2();
  }

  /** Runs every schedule with at most k preemptions; stops at the first violation, or when
   *  `stop()` says so (checked every 1024 nodes; the event loop runs every ~100 ms, so that a
   *  signal handler can make it say so). */
  async searchBound(k: number, stop: () => boolean): Promise<{ stats: BoundStats; violation?: ExhaustiveViolation }> {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const e = this.e;
    const I = e.I32;
    const U8 = e.U8;
    const g = this.g;
    const useCache = this.o.cache !== false;
    // One row a distinct state: column 0 the fewest preemptions spent reaching it with none
    // owed, column 1 + a with a switch from agent a owing one.
    const table = new StateTable(this.nAgents + 1);
    const maxChoices = this.nAgents * PICKS;
    const choices: Int32Array[] = [];
    const nChoices: number[] = [];
    const next: number[] = [];
    const spentAt: number[] = [];
    let schedules = 0;
    let pruned = 0;
    let complete = true;
    let violation: ExhaustiveViolation | undefined;
    this.steps = 0;
    this.boot();
    let depth = 0;
    let spent = 0;
    let last = -1; // the agent a switch from is a preemption, -1 none (start, or it yielded)
    let nodes = 0;
    let yieldAt = performance.now() + 100;
    // enter: the machine holds the node at `depth`; decide its choices or end it.
    let entering = true;
    for (;;) {
      if (entering) {
        entering = false;
        const mask = I[g + G.RUNNABLE];
        let expand = true;
        if (mask === 0) {
          // The end of an execution (done, or a deadlock the model reports).
          schedules++;
          expand = false;
          const code = e.run(1);
          const verdict = code === RUN.DONE && e.m.clean_at_rest() === 1 ? undefined : verdictOf(e, code);
          if (verdict) {
            violation = { preemptions: spent, schedule: U8.slice(this.logBase, this.logBase + depth), verdict };
            break;
          }
        } else if (depth >= HUNT_LOGCAP) {
          schedules++;
          expand = false;
          const verdict = verdictOf(e, RUN.LIMIT);
          violation = { preemptions: spent, schedule: U8.slice(this.logBase, this.logBase + depth), verdict: verdict as Verdict };
          break;
        }
        // A switch from `last` costs a preemption only while it could run on: otherwise the
        // node is the same as one after a yield (every choice free), and keyed as one.
        const lastRuns = last >= 0 && ((mask >>> last) & 1) !== 0;
        if (expand) {
          // Without the cache the states are still counted (what a cached search must meet too).
          this.stateHash();
          const row = table.row(this.h1, this.h2);
          if (useCache) {
            const v = table.v;
            const col = row + (lastRuns ? last + 1 : 0);
            const seen = v[col];
            // The state with no preemption owed, met with no more spent, covers this node too:
            // every schedule below here is one below it, at no greater cost.
            const free = v[row];
            if ((seen >= 0 && seen <= spent) || (free >= 0 && free <= spent)) {
              pruned++;
              expand = false;
            } else v[col] = spent;
          }
        }
        if (expand) {
          let c = choices[depth];
          if (!c) choices[depth] = c = new Int32Array(maxChoices);
          let n = 0;
          // Run on first (the schedule without a preemption here), then the others.
          for (let j = lastRuns ? -1 : 0; j < this.nAgents; j++) {
            const a = j < 0 ? last : j;
            if (j >= 0 && (a === last || ((mask >>> a) & 1) === 0)) continue;
            const cost = lastRuns && a !== last ? 1 : 0;
            if (spent + cost > k) continue;
            const queued = a === this.disk ? I[g + G.IOQ_TAIL] - I[g + G.IOQ_HEAD] : 1;
            const picks = queued > 1 ? Math.min(queued, PICKS) : 1;
            for (let p = 0; p < picks; p++) c[n++] = a | (p << CHOICE_PICK_SHIFT) | (cost << 8);
          }
          nChoices[depth] = n;
          next[depth] = 0;
          spentAt[depth] = spent;
          // Only a node with a second choice is ever returned to.
          if (n > 1 && this.o.restore !== "replay") this.snapshot(depth);
        } else {
          nChoices[depth] = 0;
          next[depth] = 0;
        }
      }
      // Take the node's next choice, backtracking past nodes that have none left.
      while (depth >= 0 && next[depth] >= nChoices[depth]) depth--;
      if (depth < 0) break;
      if ((++nodes & 1023) === 0) {
        // Every ~100 ms the event loop runs: a signal handler (Ctrl-C) can abort o.signal.
        if (performance.now() >= yieldAt) {
          await new Promise((resolve) => setImmediate(resolve));
          yieldAt = performance.now() + 100;
        }
        if (stop()) {
          complete = false;
          break;
        }
      }
      const i = next[depth]++;
      if (i > 0) this.restore(depth); // the first child starts from the node as it is
      const choice = choices[depth][i];
      const agent = choice & CHOICE_AGENT;
      U8[this.logBase + depth] = choice & 0xff;
      const code = e.run(1);
      this.steps++;
      const yielded = e.m.yield_take();
      spent = spentAt[depth] + (choice >>> 8);
      last = yielded === agent ? -1 : agent;
      depth++;
      if (code === RUN.VIOLATION) {
        schedules++;
        violation = {
          preemptions: spent,
          schedule: U8.slice(this.logBase, this.logBase + depth),
          verdict: verdictOf(e, code) as Verdict,
        };
        break;
      }
      if (code !== RUN.LIMIT) throw new InternalError(`a step of the exhaustive search stopped with run() code ${code}`);
      entering = true;
    }
    const stats: BoundStats = {
      preemptions: k,
      schedules,
      states: table.size,
      pruned,
      steps: this.steps,
      elapsedMs: performance.now() - t0,
      cpuMs: cpuMsSince(c0),
      complete: complete && !violation,
    };
    return violation ? { stats, violation } : { stats };
  }
}

const cpuMsSince = (c0: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/** Iterative preemption bounding: bounds 0, 1, ..., K until a violation, the budget or a signal. */
export async function exhaustive(o: ExhaustiveOptions): Promise<ExhaustiveResult> {
  const t0 = performance.now();
  const e = o.engine ?? (await ExhaustiveSearch.engine(o.machine, o, o.backend));
  if (o.engine) e.configure(replayConfig(o.machine, o));
  const s = new ExhaustiveSearch(e, o);
  const deadline = o.budgetMs !== undefined ? t0 + o.budgetMs : Number.POSITIVE_INFINITY;
  const c0 = process.cpuUsage();
  const cpuBudget = o.cpuBudgetMs ?? Number.POSITIVE_INFINITY;
  const stop = () =>
    performance.now() >= deadline || o.signal?.aborted === true || (cpuBudget < Number.POSITIVE_INFINITY && cpuMsSince(c0) >= cpuBudget);
  const bounds: BoundStats[] = [];
  let reached = -1;
  let violation: ExhaustiveViolation | undefined;
  for (let k = 0; k <= o.preemptions; k++) {
    const r = await s.searchBound(k, stop);
    bounds.push(r.stats);
    if (r.violation) {
      violation = r.violation;
      break;
    }
    if (!r.stats.complete) break;
    reached = k;
  }
  const sum = (f: (b: BoundStats) => number) => bounds.reduce((n, b) => n + f(b), 0);
  return {
    bound: o.preemptions,
    reached,
    bounds,
    schedules: sum((b) => b.schedules),
    states: sum((b) => b.states),
    steps: sum((b) => b.steps),
    elapsedMs: performance.now() - t0,
    interrupted: !violation && reached < o.preemptions,
    ...(violation ? { violation } : {}),
  };
}

/** The op alphabet of a sweep: a read and a write of each page of mm 0 (the CPUs' shared mm),
 *  or of the CPU's own mm when the CPUs are processes (`mmOf`). */
export function sweepAlphabet(pages: number): { kind: "read" | "write"; page: number }[] {
  const out: { kind: "read" | "write"; page: number }[] = [];
  for (let p = 0; p < pages; p++) out.push({ kind: "read", page: p }, { kind: "write", page: p });
  return out;
}

/** Every op list of n ops per CPU over `letters` letters, one per class of CPU renamings:
 *  each CPU's list is a word of n letters (a number base letters), and the CPUs' words are
 *  non-decreasing (CPUs are symmetric: the search runs every schedule, so renaming the CPUs
 *  gives the same verdicts; test/explore/exhaustive.test.ts checks one swap). Calls visit
 *  with the words until it returns false. */
export function forEachOpWords(cpus: number, n: number, letters: number, visit: (words: number[]) => boolean): void {
  const words = letters ** n;
  const w = new Array<number>(cpus).fill(0);
  for (;;) {
    if (!visit([...w])) return;
    let c = cpus - 1;
    while (c >= 0 && w[c] === words - 1) c--;
    if (c < 0) return;
    w[c]++;
    for (let d = c + 1; d < cpus; d++) w[d] = w[c];
  }
}

/** A word's ops (letters as sweepAlphabet's, the first op the word's lowest digit). */
export function opsOfWord(
  word: number,
  n: number,
  pages: number,
  mm: number,
  makeOp: (write: boolean, mm: number, page: number) => number,
): number[] {
  const ops: number[] = [];
  for (let j = 0; j < n; j++) {
    const letter = word % (2 * pages);
    word = Math.floor(word / (2 * pages));
    ops.push(makeOp(letter % 2 === 1, mm, Math.floor(letter / 2)));
  }
  return ops;
}

/** The preemptions a schedule spends as the exhaustive search counts them (a switch away from
 *  an agent that could run on and did not yield in its last step), replayed on e (a REPLAY
 *  engine of the schedule's machine: ExhaustiveSearch.engine); -1 when the schedule does not fit. */
export function preemptionsOf(e: Engine, ops: readonly (readonly number[])[], schedule: ArrayLike<number>, seed = 1): number {
  e.setSeed(seed);
  e.reset();
  e.loadOps(ops);
  const log = e.region(R.LOG);
  for (let i = 0; i < schedule.length; i++) e.U8[log + i] = schedule[i];
  e.m.replay_len(schedule.length);
  e.m.yield_take();
  let last = -1;
  let n = 0;
  for (let i = 0; i < schedule.length; i++) {
    const a = schedule[i] & CHOICE_AGENT;
    const mask = e.global(G.RUNNABLE);
    if (last >= 0 && a !== last && ((mask >>> last) & 1) !== 0) n++;
    const code = e.run(1);
    last = e.m.yield_take() === a ? -1 : a;
    if (code === RUN.DIVERGED) return -1;
    if (code !== RUN.LIMIT) break;
  }
  return n;
}
