// Reading what the model recorded: trace records (assembly/kernel/trace.ts) and the call
// stacks of the agents, for diagrams and for the shrinker's map of steps to ops.
import type { Engine } from "../wasm/engine.js";
import { G, R, AG, TRACE_WORDS, STACK_FRAMES, FRAME_WORDS, P } from "../wasm/abi.js";

/** One trace record: agent ran section pc of procedure proc at step and it traced event(a, b, c). */
export interface TraceRecord {
  step: number;
  agent: number;
  proc: number;
  pc: number;
  event: number;
  a: number;
  b: number;
  c: number;
}

/** kernel/trace.ts EV_* the host reads itself. */
export const EV = { SECTION: 1, OP_START: 2, OP_END: 3, SPIN: 4, VIOLATION: 11 } as const;

/** The records traced so far (tracing must have been on, traceCap > 0). */
export function readTrace(e: Engine): TraceRecord[] {
  const n = Math.min(e.global(G.TRACE_LEN), e.config.traceCap);
  const base = e.region(R.TRACE) >> 2;
  const I = e.I32;
  const out: TraceRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = base + i * TRACE_WORDS;
    out[i] = { step: I[r], agent: I[r + 1], proc: I[r + 2], pc: I[r + 3], event: I[r + 4], a: I[r + 5], b: I[r + 6], c: I[r + 7] };
  }
  fixOpStarts(out);
  return out;
}

/** The run loop traces EV_OP_START before it sets the trace context of the step that starts
 *  the op, so the record carries the previous step's step and agent. It belongs to the step
 *  of the record that follows it. */
function fixOpStarts(recs: TraceRecord[]): void {
  for (let i = recs.length - 2; i >= 0; i--) {
    if (recs[i].event !== EV.OP_START) continue;
    recs[i].step = recs[i + 1].step;
    recs[i].agent = recs[i + 1].agent;
  }
}

/** Procedure ids on each agent's call stack, outermost first. */
export function agentStacks(e: Engine, agents: number): number[][] {
  const I = e.I32;
  const base = e.region(R.STACKS) >> 2;
  const out: number[][] = [];
  for (let a = 0; a < agents; a++) {
    const sp = e.agentWord(a, AG.SP);
    const procs: number[] = [];
    for (let f = 0; f < sp && f < STACK_FRAMES; f++) procs.push(I[base + (a * STACK_FRAMES + f) * FRAME_WORDS]);
    out.push(procs);
  }
  return out;
}

/** Procedures that frame every operation or never stop: never "racing" by themselves. */
const FRAMING = new Set<number>([P.access, P.handle_mm_fault, P.kswapd, P.disk]);

/** The procedures caught in flight at the end of a run (the racing ones when it stopped on a violation). */
export function procsInFlight(e: Engine, agents: number): Set<number> {
  const out = new Set<number>();
  for (const stack of agentStacks(e, agents)) for (const p of stack) if (!FRAMING.has(p)) out.add(p);
  return out;
}
