// The replay behind unuse-route.ts's and wrong-page-route.ts's classification of a repro (their tests
// read the classification's details): a repro re-run with tracing on, its trace records and
// the violation it met, when that is the violation the repro names (else there is no route to read).
import { type Repro, decodeSchedule } from "../report/repro.js";
import type { TraceRecord } from "../report/trace.js";
import { Replayer, type Verdict } from "../explore/execute.js";

/** A repro's traced replay that met the repro's own violation. */
export interface TracedReplay {
  records: TraceRecord[];
  verdict: Verdict;
}

/** Replays `r` with tracing; undefined when the replay does not meet `r.signature`. */
export async function tracedReplayOf(r: Repro): Promise<TracedReplay | undefined> {
  const rep = await Replayer.create(r.machine, r);
  const out = rep.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  if (out.verdict?.signature !== r.signature) return undefined;
  return { records: out.records ?? [], verdict: out.verdict };
}
