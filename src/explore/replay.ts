// Replaying a repro with tracing: the investigation's data (the trace records, the verdict,
// the seed mail's route a swap-cache duplicate took). Drawing it is src/report/finding.ts's
// job, at output time; diagramOf does both for `faultsim replay` and the API.
import type { Backend } from "../wasm/engine.js";
import { decodeSchedule, type Repro } from "../report/repro.js";
import type { TraceRecord } from "../report/trace.js";
import { drawReplay, type DrawOptions } from "../report/finding.js";
import { Replayer, type Verdict } from "./execute.js";
import { classifyLossRoute, classifyRoute, type RouteVerdict, type SeedRoute } from "./route.js";
import { lostVpage } from "../races/unuse-route.js";

/** A traced replay of a repro: data, drawn by src/report/finding.ts drawReplay. */
export interface ReplayTrace {
  /** The violation the replay ran into, if any. */
  verdict: Verdict | undefined;
  /** The recorded schedule no longer fits the model (repaired run-to-completion). */
  diverged: boolean;
  records: readonly TraceRecord[];
  /** For a swap-cache duplicate: which of the seed mail's routes it took (route.ts); for a
   *  data loss, "14 Sep swapoff" when it took that route (route.ts classifyLossRoute). */
  route?: RouteVerdict;
}

/** Replays a repro with tracing. `rep` is reused when its machine matches. */
export async function replayTraced(r: Repro, rep?: Replayer, backend: Backend = "wasm"): Promise<ReplayTrace> {
  const sameMachine = rep && rep.flags === r.flags && JSON.stringify(rep.machine) === JSON.stringify(r.machine);
  const replayer = sameMachine ? rep : await Replayer.create(r.machine, r.flags, rep?.e.backend ?? backend);
  const out = replayer.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  const records = out.records ?? [];
  // A swap-cache duplicate: name the seed mail's route it took; a data loss, when it is the
  // 14 Sep race with swapoff as the reader (pre9's delete-first try_to_unuse).
  const id = out.verdict?.id;
  const route =
    id === "swapcache-unique"
      ? classifyRoute(records)
      : id === "data-lost"
        ? classifyLossRoute(records, lostVpage(out.verdict!.message))
        : undefined;
  return { verdict: out.verdict, diverged: out.diverged, records, ...(route ? { route } : {}) };
}

export interface ReplayResult {
  /** The violation the replay ran into, if any. */
  verdict: Verdict | undefined;
  /** Same signature as the repro's. */
  reproduced: boolean;
  /** The recorded schedule no longer fits the model (repaired run-to-completion). */
  diverged: boolean;
  diagram: string;
  /** For a swap-cache duplicate: which of the seed mail's routes it took (route.ts); for a
   *  data loss, "14 Sep swapoff" when it took that route. */
  route?: SeedRoute;
}

/** Replays a repro with tracing and draws it. `rep` is reused when its machine matches. */
export async function diagramOf(r: Repro, rep?: Replayer, backend: Backend = "wasm", opts: DrawOptions = {}): Promise<ReplayResult> {
  const t = await replayTraced(r, rep, backend);
  return {
    verdict: t.verdict,
    reproduced: t.verdict?.signature === r.signature,
    diverged: t.diverged,
    diagram: drawReplay(r, t, opts),
    route: t.route?.route,
  };
}
