// Reading what the model recorded: trace records (assembly/kernel/trace.ts), for diagrams
// and for the shrinker's map of steps to ops.
import type { Engine } from "../wasm/engine.js";
import { EV, G, R, TRACE_WORDS } from "../wasm/abi.js";

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

/** Trace event ids (generated from assembly/ EV_*). */
export { EV };

/** Index of the last record before index `before` that pred accepts, or -1 (the route
 *  classifiers' backward search: src/explore/route.ts and the races' own, e.g. src/races/unuse-route.ts). */
export function findLast(xs: readonly TraceRecord[], before: number, pred: (x: TraceRecord, i: number) => boolean): number {
  for (let i = Math.min(before, xs.length) - 1; i >= 0; i--) if (pred(xs[i], i)) return i;
  return -1;
}

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
  return out;
}

/** Where the race begins: the start of the earliest op still running on a CPU at the end of
 *  the trace (a violation stops the run mid-op), or of any op that ended after that one began
 *  (the other CPU's part of the race may be over by then). 0 when no op was running (a
 *  violation found at rest): then the whole execution is the story. */
export function raceStart(records: readonly TraceRecord[], cpus: number): number {
  const started = new Array<number>(cpus).fill(-1);
  const ops: { from: number; to: number }[] = [];
  for (const r of records) {
    if (r.agent >= cpus) continue;
    if (r.event === EV.OP_START) started[r.agent] = r.step;
    else if (r.event === EV.OP_END && started[r.agent] >= 0) {
      ops.push({ from: started[r.agent], to: r.step });
      started[r.agent] = -1;
    }
  }
  const running = started.filter((s) => s >= 0);
  if (running.length === 0) return 0;
  const from = Math.min(...running);
  return Math.min(from, ...ops.filter((o) => o.to >= from).map((o) => o.from));
}
