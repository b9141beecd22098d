// One execution of a small machine, and its verdict. The Replayer re-runs an execution from
// its ops and choice log (SCHED.REPLAY); where the log runs out or names an agent that cannot
// run, it can repair it the run-to-completion way (keep the last agent while it can run, else
// the lowest runnable one), so the shrinker may hand it truncated or edited schedules.
import { Engine, type Backend } from "../wasm/engine.js";
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
    return { id, signature: id, message: `no end after ${e.global(G.STEP)} steps`, agent: -1 };
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
  ) {}

  static async create(machine: ReproMachine, flags: number, backend: Backend = "wasm"): Promise<Replayer> {
    const e = await Engine.create(backend, "traced"); // it draws diagrams
    e.configure(replayConfig(machine, flags));
    return new Replayer(e, machine, flags);
  }

  /** A replayer for another machine size (the shrinker dropping a CPU), same backend. */
  async resized(machine: ReproMachine): Promise<Replayer> {
    return Replayer.create(machine, this.flags, this.e.backend);
  }

  run(x: Execution, opts: ReplayOptions = {}): ReplayOutcome {
    const e = this.e;
    const repair = opts.repair !== false;
    const cap = HUNT_LOGCAP;
    if (x.schedule.length > cap) throw new InternalError(`schedule of ${x.schedule.length} steps exceeds the choice log (${cap})`);
    e.setSeed(x.seed);
    e.reset();
    e.loadChoices(Array.from(x.schedule));
    e.loadOps(x.ops);
    if (e.m.tracing(opts.trace ? 1 : 0) === 0) {
      throw new InternalError("a replay asked for a trace of a model build that cannot trace (build/faultsim-untraced.wasm)");
    }
    const given = x.schedule.length;
    const logBase = e.region(R.LOG);
    let diverged = false;
    let code: number;
    try {
      for (;;) {
        const left = cap - e.global(G.STEP);
        code = left > 0 ? e.run(left) : RUN.LIMIT;
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
          e.U8.fill(pick, logBase + i, logBase + cap);
          e.m.replay_len(cap);
        }
      }
      if (code === RUN.DIVERGED) {
        return { code, verdict: undefined, schedule: this.executed(), diverged: true };
      }
      const verdict = verdictOf(e, code);
      const out: ReplayOutcome = { code, verdict, schedule: this.executed(), diverged };
      if (opts.trace) out.records = readTrace(e);
      return out;
    } finally {
      e.m.tracing(0);
    }
  }

  /** Runs with a schedule given as switch decisions: after agent a's n-th step, switch to
   *  agent decisions.get(decisionKey(a, n)) if it can run; everywhere else run to completion
   *  (the last agent while it can run, else the lowest runnable). Keyed by the agent's own
   *  progress, a decision survives the removal of an earlier one that shifts the others. */
  runDecisions(
    ops: readonly (readonly number[])[],
    seed: number,
    decisions: ReadonlyMap<number, number>,
    picks: ReadonlyMap<number, number> = new Map(),
  ): ReplayOutcome {
    const e = this.e;
    e.setSeed(seed);
    e.reset();
    e.loadOps(ops);
    const logBase = e.region(R.LOG);
    const ran = new Int32Array(32);
    let code: number = RUN.LIMIT;
    for (let i = 0; i < HUNT_LOGCAP && code === RUN.LIMIT; i++) {
      const mask = e.global(G.RUNNABLE);
      const last = e.global(G.LAST_AGENT);
      const d = decisions.get(decisionKey(last, last >= 0 ? ran[last] : 0));
      const pick = d !== undefined && ((mask >>> d) & 1) !== 0 ? d : rtcPick(mask, last);
      // A step's own pick (the disk's request) follows the agent's progress as decisions do.
      e.U8[logBase + i] = pick | ((picks.get(decisionKey(pick, ran[pick])) ?? 0) << 4);
      e.m.replay_len(i + 1);
      code = e.run(1);
      ran[pick]++;
    }
    if (code === RUN.DIVERGED) throw new InternalError("a decision schedule named an agent that cannot run");
    return { code, verdict: verdictOf(e, code), schedule: this.executed(), diverged: false };
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
    for (let i = 0; i < x.schedule.length; i++) {
      const mask = e.global(G.RUNNABLE);
      const last = e.global(G.LAST_AGENT);
      if (last >= 0 && choiceAgent(x.schedule[i]) !== last && ((mask >>> last) & 1) !== 0) out.push(i);
      if (e.run(1) !== RUN.LIMIT) break; // the run ended (or diverged) with this step
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

/** The run-to-completion choice: the last agent while it can run, else the lowest runnable. */
function rtcPick(mask: number, last: number): number {
  if (last >= 0 && ((mask >>> last) & 1) !== 0) return last;
  return 31 - Math.clz32(mask & -mask);
}
