// One execution of a small machine, and its verdict. The Replayer re-runs an execution from
// its ops and choice log (SCHED.REPLAY); where the log runs out or names an agent that cannot
// run, it can repair it the run-to-completion way (keep the last agent while it can run, else
// the lowest runnable one), so the shrinker may hand it truncated or edited schedules. A fill
// past the log's end that spins into the step bound behind an agent that yields is filled again
// handing the CPU on after each yield (yieldFill).
import { Engine, wasmModule, type Backend, type WasmBuild } from "../wasm/engine.js";
import { type FlagWords, flagWord0, flagWord1 } from "../model/flag-words.js";
import { G, R, RUN, VIOLATION_IDS, choiceAgent, choicePick } from "../wasm/abi.js";
import { checkInvariants, modelViolation } from "../invariants/check.js";
import { InternalError } from "../errors.js";
import type { ReproMachine } from "../report/repro.js";
import { readTrace, type TraceRecord } from "../report/trace.js";
import { replayConfig, HUNT_LOGCAP } from "./machine.js";

/** What broke in an execution. */
export interface Verdict {
  id: string;
  /** Stable across runs: what deduplicates findings and keeps shrinking honest. */
  signature: string;
  message: string;
  /** Agent running when it broke; -1 when the deep checker found it at rest. */
  agent: number;
}

/** The verdict of a finished run() with result code `code`, or undefined when all is well.
 *  RUN.CLEAN (hunt_execution: done, and the model's check at rest found it clean) is well;
 *  RUN.DONE gets the deep check at rest. */
export function verdictOf(e: Engine, code: number): Verdict | undefined {
  if (code === RUN.CLEAN) return undefined;
  if (code === RUN.VIOLATION) {
    const v = modelViolation(e);
    if (!v) throw new InternalError("run() reported a violation but none is recorded");
    return { id: v.id, signature: v.signature, message: v.message, agent: e.global(G.VIOL_AGENT) };
  }
  if (code === RUN.DONE) {
    const vs = checkInvariants(e, { quiescent: true });
    if (vs.length === 0) return undefined;
    return { id: vs[0].id, signature: vs[0].signature, message: vs[0].message, agent: -1 };
  }
  if (code === RUN.LIMIT) {
    const id = VIOLATION_IDS[14]; // livelock
    return { id, signature: id, message: `no end within the ${e.global(G.STEP)} steps its schedule holds`, agent: -1 };
  }
  throw new InternalError(`run() stopped with code ${code} (${code === RUN.STARVED ? "a CPU starved of ops" : "the schedule diverged"})`);
}

/** An execution to run: each CPU's ops, the scheduler seed, and the choice log. */
export interface Execution {
  ops: readonly (readonly number[])[];
  seed: number;
  schedule: ArrayLike<number>;
}

export interface ReplayOptions {
  /** Repair a schedule that runs out or names an agent that cannot run (default true). */
  repair?: boolean;
  /** Trace the run for a diagram. */
  trace?: boolean;
}

export interface ReplayOutcome {
  code: number;
  verdict: Verdict | undefined;
  /** The choices actually made (the given schedule, repaired where it had to be). */
  schedule: Uint8Array;
  /** The given schedule named an agent that could not run (not merely ran out). */
  diverged: boolean;
  /** The step at which the given schedule ran out while the execution went on (the rest,
   *  up to `schedule.length`, was filled running to completion); absent when it did not. */
  filledFrom?: number;
  /** Trace records (trace option only). */
  records?: TraceRecord[];
}

/** Number of context switches in a schedule. */
export function switchesOf(s: ArrayLike<number>): number {
  let n = 0;
  for (let i = 1; i < s.length; i++) if ((s[i] & 15) !== (s[i - 1] & 15)) n++;
  return n;
}

export class Replayer {
  private constructor(
    readonly e: Engine,
    readonly machine: ReproMachine,
    readonly flags: number,
    readonly flags2: number,
    /** Whether its build records traces (the JS twin and the traced Wasm). */
    readonly canTrace: boolean,
  ) {}

  /** flags: the model's two flag words (a ResolvedModel, or a repro through reproFlagWords).
   *  build: the traced Wasm by default (it draws diagrams); the untraced one runs the same
   *  executions and is the one a hunt has compiled and warmed up already (shrinking). */
  static async create(machine: ReproMachine, flags: FlagWords, backend: Backend = "wasm", build: WasmBuild = "traced"): Promise<Replayer> {
    const e = await Engine.create(backend, build);
    e.configure(replayConfig(machine, flags));
    return new Replayer(e, machine, flagWord0(flags), flagWord1(flags), backend === "js" || build === "traced");
  }

  /** This replayer on the traced build (itself when it traces): the same machine and flags,
   *  made once. */
  traced(): Replayer {
    if (this.canTrace) return this;
    if (!this.tracedTwin) {
      const e = Engine.wasm(wasmModule("traced"));
      e.configure(replayConfig(this.machine, this));
      this.tracedTwin = new Replayer(e, this.machine, this.flags, this.flags2, true);
    }
    return this.tracedTwin;
  }
  private tracedTwin: Replayer | undefined;

  /** A replayer for another machine size (the shrinker dropping a CPU), same backend and build. */
  async resized(machine: ReproMachine): Promise<Replayer> {
    return Replayer.create(machine, this, this.e.backend, this.canTrace ? "traced" : "untraced");
  }

  run(x: Execution, opts: ReplayOptions = {}): ReplayOutcome {
    const e = this.e;
    const repair = opts.repair !== false;
    const cap = HUNT_LOGCAP;
    if (x.schedule.length > cap) throw new InternalError(`schedule of ${x.schedule.length} steps exceeds the choice log (${cap})`);
    this.start(x, Array.from(x.schedule), opts.trace === true);
    const given = x.schedule.length;
    const logBase = e.region(R.LOG);
    let diverged = false;
    let code: number;
    // Past the end, the step the fill started at, and whether its agents yielded.
    let fillFrom = -1;
    let fillYielded = false;
    try {
      for (;;) {
        const left = cap - e.global(G.STEP);
        code = left > 0 ? e.run(left) : RUN.LIMIT;
        if (fillFrom >= 0 && e.m.yield_take() >= 0) fillYielded = true;
        if (code !== RUN.DIVERGED || !repair) break;
        const i = e.global(G.STEP);
        if (i >= cap) {
          code = RUN.LIMIT;
          break;
        }
        const pick = rtcPick(e.global(G.RUNNABLE), e.global(G.LAST_AGENT));
        if (i < given) {
          diverged = true;
          e.U8[logBase + i] = pick;
          e.m.replay_len(Math.max(given, i + 1));
        } else {
          // Past the end: run to completion from here (the same agent until it cannot run).
          if (fillFrom < 0) {
            fillFrom = i;
            e.m.yield_take(); // a yield of the given schedule's steps is not the fill's
          }
          e.U8.fill(pick, logBase + i, logBase + cap);
          e.m.replay_len(cap);
        }
      }
      // The fill ran into the step bound with an agent that yields (__alloc_pages waiting for
      // memory, try_to_unuse for a page another CPU holds): run to completion kept the yielder
      // spinning while the agent it waits for never ran. Fill again from the same step,
      // handing the CPU on after each yield (yieldFill). A fill that ends keeps its schedule.
      if (code === RUN.LIMIT && fillYielded) code = this.refill(x, fillFrom, opts.trace === true);
      if (code === RUN.DIVERGED) {
        return { code, verdict: undefined, schedule: this.executed(), diverged: true };
      }
      const verdict = verdictOf(e, code);
      const out: ReplayOutcome = { code, verdict, schedule: this.executed(), diverged, ...(fillFrom >= 0 ? { filledFrom: fillFrom } : {}) };
      if (opts.trace) out.records = readTrace(e);
      return out;
    } finally {
      e.m.tracing(0);
    }
  }

  /** The machine at step 0 of x's ops and seed, with `choices` in its log (tracing if asked). */
  private start(x: Execution, choices: readonly number[], trace: boolean): void {
    const e = this.e;
    e.setSeed(x.seed);
    e.reset();
    e.loadChoices(choices);
    e.loadOps(x.ops);
    if (e.m.tracing(trace ? 1 : 0) === 0) {
      throw new InternalError("a replay asked for a trace of a model build that cannot trace (build/faultsim-untraced.wasm)");
    }
  }

  /** Runs the executed choices before step `from` again (the given schedule as repaired), then
   *  fills from `from` on with yieldFill; the run's code. */
  private refill(x: Execution, from: number, trace: boolean): number {
    const e = this.e;
    const base = e.region(R.LOG);
    this.start(x, Array.from(e.U8.subarray(base, base + from)), trace);
    // It stops at `from`: its step bound, or (the log ended) diverged there.
    const code = from > 0 ? e.run(from) : RUN.LIMIT;
    if ((code !== RUN.LIMIT && code !== RUN.DIVERGED) || e.global(G.STEP) !== from) {
      throw new InternalError("a replayed prefix did not reach its step");
    }
    return yieldFill(e, from);
  }

  /** Runs with a schedule given as switch decisions: after agent a's n-th step, switch to
   *  agent decisions.get(decisionKey(a, n)) if it can run; everywhere else run to completion
   *  (the last agent while it can run, else the lowest runnable). Keyed by the agent's own
   *  progress, a decision survives the removal of an earlier one that shifts the others. Run
   *  to completion that spins into the step bound with a yielding agent is run again handing
   *  the CPU on after each yield (as Replayer.run's fill: yieldFill). */
  runDecisions(
    ops: readonly (readonly number[])[],
    seed: number,
    decisions: ReadonlyMap<number, number>,
    picks: ReadonlyMap<number, number> = new Map(),
  ): ReplayOutcome {
    let r = this.decide(ops, seed, decisions, picks, false);
    if (r.code === RUN.LIMIT && r.yielded) r = this.decide(ops, seed, decisions, picks, true);
    if (r.code === RUN.DIVERGED) throw new InternalError("a decision schedule named an agent that cannot run");
    return { code: r.code, verdict: verdictOf(this.e, r.code), schedule: this.executed(), diverged: false };
  }

  /** runDecisions' run: with onYield, a step no decision names after a yield goes to the next
   *  runnable agent (nextRunnable). Whether an agent yielded in a step no decision named. */
  private decide(
    ops: readonly (readonly number[])[],
    seed: number,
    decisions: ReadonlyMap<number, number>,
    picks: ReadonlyMap<number, number>,
    onYield: boolean,
  ): { code: number; yielded: boolean } {
    const e = this.e;
    e.setSeed(seed);
    e.reset();
    e.loadOps(ops);
    e.m.yield_take();
    const logBase = e.region(R.LOG);
    // The views once (a run grows no memory; yieldFill reads them so too).
    const g = e.region(R.GLOBALS) >> 2;
    const I = e.I32;
    const U8 = e.U8;
    const ran = new Int32Array(32);
    let code: number = RUN.LIMIT;
    let yieldedLast = false;
    let yielded = false;
    for (let i = 0; i < HUNT_LOGCAP && code === RUN.LIMIT; ) {
      const mask = I[g + G.RUNNABLE];
      const last = I[g + G.LAST_AGENT];
      const d = decisions.get(decisionKey(last, last >= 0 ? ran[last] : 0));
      const decided = d !== undefined && ((mask >>> d) & 1) !== 0;
      const pick: number = decided ? (d as number) : onYield && yieldedLast ? nextRunnable(mask, last) : rtcPick(mask, last);
      // An undecided step run to completion (not after yields: onYield) goes on with the same
      // agent while no decision names its progress: those steps (up to 64) are logged at once
      // and run in one call. Where the agent cannot run on, the model stops (diverged) before
      // that step, which is then chosen here as a step at a time chose it (no decision names
      // it, and run to completion passes over an agent that cannot run). Only undecided steps
      // run together, so `yielded` is as a step at a time set it.
      let n = 1;
      if (!decided && !onYield && pick >= 0) {
        while (n < 64 && i + n < HUNT_LOGCAP && !decisions.has(decisionKey(pick, ran[pick] + n))) n++;
      }
      // A step's own pick (the disk's request) follows the agent's progress as decisions do.
      for (let k = 0; k < n; k++) U8[logBase + i + k] = pick | ((picks.get(decisionKey(pick, ran[pick] + k)) ?? 0) << 4);
      e.m.replay_len(i + n);
      code = e.run(n);
      const step = I[g + G.STEP];
      if (code === RUN.DIVERGED && step > i) code = RUN.LIMIT; // pick cannot run at `step`
      ran[pick] += step - i;
      i = step;
      yieldedLast = e.m.yield_take() === pick;
      if (yieldedLast && !decided) yielded = true;
    }
    return { code, yielded };
  }

  /** Steps of a (valid) schedule where it preempts: the agent that ran the step before could
   *  have run on but another was chosen. Switches forced by blocking are not counted: these
   *  are the context switches a shrunk schedule should have few of. */
  preemptions(x: Execution): number[] {
    const e = this.e;
    e.setSeed(x.seed);
    e.reset();
    e.loadChoices(Array.from(x.schedule));
    e.loadOps(x.ops);
    const out: number[] = [];
    const g = e.region(R.GLOBALS) >> 2;
    const I = e.I32;
    const s = x.schedule;
    // Only a switch can preempt: a replayed step is its log byte's agent, so after step i - 1
    // LAST_AGENT is s[i - 1]'s (none before step 0). The model runs from one switch to the
    // next in one call (its run loop takes the same steps, and stops where the run ends, as a
    // step at a time did) and the steps after the last switch are not run at all.
    let at = 0; // steps run
    for (let i = 1; i < s.length; i++) {
      if (choiceAgent(s[i]) === choiceAgent(s[i - 1])) continue;
      if (e.run(i - at) !== RUN.LIMIT) break; // the run ended (or diverged) before step i
      at = i;
      const mask = I[g + G.RUNNABLE];
      const last = I[g + G.LAST_AGENT];
      if (last >= 0 && choiceAgent(s[i]) !== last && ((mask >>> last) & 1) !== 0) out.push(i);
    }
    return out;
  }

  private executed(): Uint8Array {
    const base = this.e.region(R.LOG);
    return this.e.U8.slice(base, base + this.e.global(G.STEP));
  }
}

/** Key of a switch decision: after `agent` (-1: none yet) ran `steps` steps. */
export const decisionKey = (agent: number, steps: number): number => (agent + 1) * 0x1000000 + steps;

/** A schedule's switches as decisions for Replayer.runDecisions, each with the step it is at. */
export function decisionsOf(s: ArrayLike<number>): { key: number; agent: number; step: number }[] {
  const ran = new Int32Array(32);
  const out: { key: number; agent: number; step: number }[] = [];
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const a = choiceAgent(s[i]);
    if (a !== last) out.push({ key: decisionKey(last, last >= 0 ? ran[last] : 0), agent: a, step: i });
    ran[a]++;
    last = a;
  }
  return out;
}

/** A schedule's own picks of its steps (choicePick), keyed by the agent's progress at the step
 *  (decisionKey(agent, steps before it)), for Replayer.runDecisions. */
export function picksOf(s: ArrayLike<number>): Map<number, number> {
  const ran = new Int32Array(32);
  const out = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const a = choiceAgent(s[i]);
    if (choicePick(s[i]) !== 0) out.set(decisionKey(a, ran[a]), choicePick(s[i]));
    ran[a]++;
  }
  return out;
}

/** Fills the choice log from step `from` (the machine there, its log ended) run to completion,
 *  except that an agent that yields hands the CPU on to the next runnable agent (nextRunnable):
 *  the yielder waits for another agent (a page freed, a reference dropped), which under plain
 *  run to completion never runs while the yielder can. A step at a time (the model does not
 *  stop at a yield); the run's code. */
function yieldFill(e: Engine, from: number): number {
  const logBase = e.region(R.LOG);
  const g = e.region(R.GLOBALS) >> 2;
  const I = e.I32;
  e.m.yield_take();
  // Each step's choice is written just before it runs: the log's bytes past it are not read.
  e.m.replay_len(HUNT_LOGCAP);
  let yielded = false;
  for (let i = from; i < HUNT_LOGCAP; i++) {
    const mask = I[g + G.RUNNABLE];
    const last = I[g + G.LAST_AGENT];
    const pick: number = yielded ? nextRunnable(mask, last) : rtcPick(mask, last);
    e.U8[logBase + i] = pick;
    const code = e.run(1);
    yielded = e.m.yield_take() === pick;
    if (code !== RUN.LIMIT) return code;
  }
  return RUN.LIMIT;
}

/** After `last` yielded: the next runnable agent above it, wrapping round (itself when it is
 *  the only one), so that every runnable agent gets its turn in a fixed order. */
function nextRunnable(mask: number, last: number): number {
  const above = last >= 0 && last < 31 ? mask & ~((2 << last) - 1) : 0;
  const m = above !== 0 ? above : mask;
  return 31 - Math.clz32(m & -m);
}

/** The run-to-completion choice: the last agent while it can run, else the lowest runnable. */
function rtcPick(mask: number, last: number): number {
  if (last >= 0 && ((mask >>> last) & 1) !== 0) return last;
  return 31 - Math.clz32(mask & -mask);
}
