// Replaying a repro with tracing: the investigation's data (the trace records, the verdict,
// the seed mail's route a swap-cache duplicate took). Drawing it is src/report/finding.ts's
// job, at output time; diagramOf does both for `faultsim replay` and the API.
import type { Backend } from "../wasm/engine.js";
import { decodeSchedule, type Repro } from "../report/repro.js";
import type { TraceRecord } from "../report/trace.js";
import { drawReplay, type DrawOptions } from "../report/finding.js";
import { Replayer, type Verdict } from "./execute.js";
import { stillLivelocked } from "./livelock.js";
import { RUN } from "../wasm/abi.js";
import { classifyLossRoute, classifyRoute, type RaceRouteName, type RouteName, type RouteVerdict } from "./route.js";
import { lostVpage } from "../races/unuse-route.js";
import { classifyPteSame } from "../races/pte-same-route.js";
import { classifyRevival } from "../races/revival-route.js";
import { classifyOomNoMm } from "../races/oom-route.js";
import { abaWhy, classifyAba } from "../races/aba-route.js";
import { classifyUnuseLostWrite, classifyUnuseWrongPage } from "../races/wrong-page-route.js";
import { reproFlagWords } from "../model/flag-words.js";

/** Where a recorded schedule ran out before its execution ended, and what was filled. */
export interface ScheduleFill {
  /** The step the schedule ended at (its length, unless it was also repaired before it). */
  from: number;
  /** Steps run past it, each picked run-to-completion's way. */
  steps: number;
}

/** A named route of a finding other than a duplicate, and why, in one line. */
export interface RaceRoute {
  route: RaceRouteName;
  why: string;
}

/** A traced replay of a repro: data, drawn by src/report/finding.ts drawReplay. */
export interface ReplayTrace {
  /** The violation the replay ran into, if any. */
  verdict: Verdict | undefined;
  /** The recorded schedule no longer fits the model (repaired run-to-completion). */
  diverged: boolean;
  /** The recorded schedule ended before the execution did: its length, and how many steps
   *  were filled after it running to completion (ReplayOutcome.filledFrom). */
  filled?: ScheduleFill;
  records: readonly TraceRecord[];
  /** For a swap-cache duplicate: which of the seed mail's routes it took (route.ts); for a
   *  data loss, "14 Sep swapoff" when it took that route (route.ts classifyLossRoute). */
  route?: RouteVerdict;
  /** For a slot freed again by do_swap_page: who resolved its pte (pte-same-route.ts); for an
   *  nr_swap_pages drift: an unlocked swap_duplicate's revival (revival-route.ts); for a data
   *  loss by no seed route: the swapin ABA (aba-route.ts), else try_to_unuse's delete of its
   *  page under another entry after writing it (wrong-page-route.ts classifyUnuseLostWrite);
   *  for try_to_unuse's BUG: its page
   *  gone from the cache and back under another entry (wrong-page-route.ts); for oom_kill's
   *  BUG: its victim's exit between select_bad_process and the kill loop (oom-route.ts). */
  raceRoute?: RaceRoute;
  /** The schedule reached the step bound (a livelock as recorded), but run on from there with
   *  a uniform choice at every step the execution ended: the schedule only starved an agent
   *  (src/explore/livelock.ts); verdict is then undefined. */
  starved?: boolean;
}

/** The named route of a free-slot, nr-swap-pages, data-lost or try_to_unuse BUG finding, if its
 *  trace shows one. */
function raceRouteOf(records: readonly TraceRecord[], verdict: Verdict | undefined): RaceRoute | undefined {
  if (verdict?.id === "free-slot" && verdict.agent >= 0) {
    const v = classifyPteSame(records, verdict.agent);
    return v && { route: `pte-same ${v.resolver}`, why: v.why };
  }
  if (verdict?.id === "nr-swap-pages") {
    const v = classifyRevival(records);
    return v && { route: "dup revival", why: v.why };
  }
  if (verdict?.id === "data-lost") {
    const v = classifyAba(records);
    if (v) return { route: "swapin aba", why: abaWhy(v) };
    const w = classifyUnuseLostWrite(records);
    return w && { route: "unuse wrong page write", why: w.why };
  }
  if (verdict?.signature === "bug-on@try_to_unuse" && verdict.agent >= 0) {
    const v = classifyUnuseWrongPage(records, verdict.agent);
    return v && { route: "unuse wrong page", why: v.why };
  }
  if (verdict?.signature === "bug-on@try_to_free_pages" && verdict.agent >= 0) {
    const v = classifyOomNoMm(records, verdict.agent);
    return v && { route: "oom unpinned victim", why: v.why };
  }
  return undefined;
}

/** Replays a repro with tracing. `rep` is reused when its machine matches. */
export async function replayTraced(r: Repro, rep?: Replayer, backend: Backend = "wasm"): Promise<ReplayTrace> {
  const sameMachine =
    rep?.canTrace && rep.flags === r.flags && rep.flags2 === (r.flags2 ?? 0) && JSON.stringify(rep.machine) === JSON.stringify(r.machine);
  const replayer = sameMachine ? rep : await Replayer.create(r.machine, reproFlagWords(r), rep?.e.backend ?? backend);
  const out = replayer.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  const records = out.records ?? [];
  // A livelock only if a fair run from the bound does not end it either, as the hunt and the
  // shrinker judge (livelock.ts): a repro written before they did may hold a starvation.
  if (out.code === RUN.LIMIT && out.verdict?.id === "livelock" && !stillLivelocked(replayer.e)) {
    return { verdict: undefined, diverged: out.diverged, records, starved: true };
  }
  // A swap-cache duplicate: name the seed mail's route it took; a data loss, when it is the
  // 14 Sep race with swapoff as the reader (pre9's delete-first try_to_unuse).
  const id = out.verdict?.id;
  const route =
    id === "swapcache-unique"
      ? classifyRoute(records)
      : id === "data-lost"
        ? classifyLossRoute(records, lostVpage(out.verdict!.message))
        : undefined;
  const raceRoute = route ? undefined : raceRouteOf(records, out.verdict);
  const filled = out.filledFrom === undefined ? undefined : { from: out.filledFrom, steps: out.schedule.length - out.filledFrom };
  return {
    verdict: out.verdict,
    diverged: out.diverged,
    ...(filled ? { filled } : {}),
    records,
    ...(route ? { route } : {}),
    ...(raceRoute ? { raceRoute } : {}),
  };
}

export interface ReplayResult {
  /** The violation the replay ran into, if any. */
  verdict: Verdict | undefined;
  /** Same signature as the repro's. */
  reproduced: boolean;
  /** The recorded schedule no longer fits the model (repaired run-to-completion). */
  diverged: boolean;
  /** The recorded schedule ended before the execution did (ReplayTrace.filled). */
  filled?: ScheduleFill;
  /** A livelock as recorded that a fair run from the step bound ends (ReplayTrace.starved). */
  starved?: boolean;
  diagram: string;
  /** For a swap-cache duplicate: which of the seed mail's routes it took (route.ts); for a
   *  data loss, "14 Sep swapoff" when it took that route; for a free slot or an nr_swap_pages
   *  drift or a data loss by the swapin ABA or try_to_unuse's wrong-page BUG, its race route
   *  (ReplayTrace.raceRoute). */
  route?: RouteName;
}

/** Replays a repro with tracing and draws it. `rep` is reused when its machine matches. */
export async function diagramOf(r: Repro, rep?: Replayer, backend: Backend = "wasm", opts: DrawOptions = {}): Promise<ReplayResult> {
  const t = await replayTraced(r, rep, backend);
  return {
    verdict: t.verdict,
    reproduced: t.verdict?.signature === r.signature,
    diverged: t.diverged,
    ...(t.filled ? { filled: t.filled } : {}),
    ...(t.starved ? { starved: true } : {}),
    diagram: drawReplay(r, t, opts),
    route: t.route?.route ?? t.raceRoute?.route,
  };
}
