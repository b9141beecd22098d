// Directed schedules for tests: the test says which agent runs each step ("CPU1 runs until
// it has added its page"), the director records the choices, and the resulting choice log is
// an ordinary replayable schedule. Works through SCHED.REPLAY one choice at a time.
import type { Engine } from "../../src/wasm/engine.js";
import { G, R, RUN, TRACE_WORDS, PROC_NAMES, VIOLATION_IDS } from "../../src/wasm/abi.js";

export interface TraceRecord {
  step: number;
  agent: number;
  proc: string;
  pc: number;
  event: number;
  a: number;
  b: number;
  c: number;
}

export class Director {
  readonly choices: number[] = [];
  private seen = 0;
  readonly trace: TraceRecord[] = [];

  /** e must be configured with sched REPLAY and traceCap > 0, reset, and its ops loaded. */
  constructor(readonly e: Engine) {
    e.m.tracing(1);
  }

  /** Runs one section of agent; false when it cannot run now (blocked, done) or the run ended.
   *  pick: the step's own choice where it makes one (the disk: which queued request, 0 = the
   *  oldest), recorded beside the agent in the choice log. */
  step(agent: number, pick = 0): boolean {
    const e = this.e;
    const i = e.global(G.STEP);
    const choice = agent | (pick << 4);
    e.U8[e.region(R.LOG) + i] = choice;
    e.m.replay_len(i + 1);
    const code = e.run(1);
    if (code === RUN.DIVERGED || e.global(G.STEP) === i) return false;
    this.choices.push(choice);
    this.collect();
    return true;
  }

  /** Steps agent until a trace record of that agent satisfies pred; throws if it cannot. */
  until(agent: number, pred: (r: TraceRecord) => boolean, max = 2000): TraceRecord {
    for (let n = 0; n < max; n++) {
      const before = this.trace.length;
      if (!this.step(agent)) throw new Error(`agent ${agent} cannot run (step ${this.e.global(G.STEP)})`);
      for (let i = before; i < this.trace.length; i++) {
        const r = this.trace[i];
        if (r.agent === agent && pred(r)) return r;
      }
      if (this.violation() !== "none") throw new Error(`violation ${this.violation()} before the awaited event`);
    }
    throw new Error(`agent ${agent}: awaited event not reached in ${max} steps`);
  }

  /** Steps agent until pred holds of the machine (checked before each step); throws if the
   *  agent cannot run first or max steps pass. */
  untilState(agent: number, pred: () => boolean, max = 50): void {
    for (let n = 0; n < max && !pred(); n++) {
      if (!this.step(agent)) throw new Error(`agent ${agent} cannot run (step ${this.e.global(G.STEP)})`);
    }
    if (!pred()) throw new Error(`agent ${agent}: awaited state not reached in ${max} steps`);
  }

  /** Steps agent until it emits event id ev (optionally from procedure proc). */
  untilEvent(agent: number, ev: number, proc?: string): TraceRecord {
    return this.until(agent, (r) => r.event === ev && (proc === undefined || r.proc === proc));
  }

  /** Steps agent while it can run (its op stream finishes or it blocks). */
  drain(agent: number, max = 100000): void {
    for (let n = 0; n < max && this.violation() === "none"; n++) if (!this.step(agent)) return;
  }

  violation(): string {
    return VIOLATION_IDS[this.e.global(G.VIOL)] ?? String(this.e.global(G.VIOL));
  }

  private collect(): void {
    const e = this.e;
    const n = e.global(G.TRACE_LEN);
    const base = e.region(R.TRACE) >> 2;
    const I = e.I32;
    for (; this.seen < n; this.seen++) {
      const r = base + this.seen * TRACE_WORDS;
      this.trace.push({
        step: I[r],
        agent: I[r + 1],
        proc: PROC_NAMES[I[r + 2]] ?? String(I[r + 2]),
        pc: I[r + 3],
        event: I[r + 4],
        a: I[r + 5],
        b: I[r + 6],
        c: I[r + 7],
      });
    }
  }
}
