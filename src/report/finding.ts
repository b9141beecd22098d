// A replayed finding drawn as text: the CPU-column diagram (diagram.ts) of its trace, and the
// seed mail's route it took, in words. Findings carry the trace (src/explore/replay.ts); this
// draws it when the output is written.
import { PROC_NAMES } from "../wasm/abi.js";
import type { RouteName } from "../explore/route.js";
import type { ReplayTrace } from "../explore/replay.js";
import { renderDiagram } from "./diagram.js";
import type { Repro } from "./repro.js";
import { raceStart } from "./trace.js";
import { renderKcsan } from "./kcsan.js";
import { fmtEntry } from "./events/types.js";
import { printkReleaseOf, reproFlagWords } from "../model/models.js";

/** How a finding is printed: `diagram` (CPU columns) or `kcsan` (kcsan.ts). */
export type FindingFormat = "diagram" | "kcsan";

/** How a finding or a replay is drawn. */
export interface DrawOptions {
  /** Every line of the diagram, not only those naming the violation's entries and pages. */
  full?: boolean;
  format?: FindingFormat;
}

/** The seed mail's routes to a swap-cache duplicate, as kernel-notes names them, and the
 *  catalogue's routes of other findings (src/races/pte-same-route.ts, src/races/revival-route.ts). */
const ROUTE_TITLES: Record<RouteName, string> = {
  "14 Sep": "Marcelo, 14 Sep (try_to_swap_out's new entry read ahead by another CPU)",
  "11 Sep": "Marcelo, 11 Sep (an entry counted by readahead, freed and handed out again)",
  vm_swap_full: "Hugh, 14 Sep (multithreaded vm_swap_full deletion, entry handed out again)",
  "readahead vm_swap_full":
    "11 Sep by vm_swap_full (an entry counted by readahead, freed by another thread's vm_swap_full delete, handed out again)",
  reclaim:
    "Hugh, 14 Sep, by reclaim (another thread's fault took the entry's page; reclaim freed the clean cache page and the entry, handed out again)",
  swapoff: "via swapoff (entry freed by try_to_unuse, allocatable again)",
  "14 Sep swapoff": "14 Sep with swapoff as the reader (try_to_swap_out's new entry read by try_to_unuse before its add)",
  unknown: "none of the seed mail's routes",
  "pte-same swapoff":
    "pte-same via swapoff (try_to_unuse resolved the pte between do_swap_page's read of it and its set_pte; 2.4.0 never rechecks it)",
  "pte-same fault":
    "pte-same (another fault resolved the pte between do_swap_page's read of it and its set_pte; no pte_same recheck before 2.4.8)",
  "dup revival": "unlocked swap_duplicate revives a freed slot (Hugh Dickins, 15 Sep 2001: the test moved under swap_device_lock)",
  "swapin aba":
    "swapin ABA (do_swap_page's pte_same passes on an entry freed and handed out again while the fault waited for the page lock; fix: recheck the page's swap-cache key, flag swapin-recheck-key)",
  "unuse wrong page":
    "the catalogue's unuse-wrong-page, a real bug of 2.4.16 (try_to_unuse's page left the swap cache and came back under another entry before it locked it; fixed in 2.6.25 by rechecking the page's swap-cache key, flag unuse-recheck-key)",
  "unuse wrong page write":
    "the catalogue's unuse-wrong-page through try_to_unuse's write, a real bug of 2.4.16 (try_to_unuse's page left the swap cache and came back under another entry while it waited to lock the page again after writing it, and it deleted the page from the cache under that entry, unwritten; fixed in 2.6.25 by rechecking the page's swap-cache key, flag unuse-recheck-key)",
  "oom unpinned victim":
    "the catalogue's oom-kthreads, a real bug of 2.4.16 (oom_kill's victim passed exit_mm between select_bad_process and the kill loop, which then killed every task without an mm: Anton Blanchard, 5 Jul 2003; for 2.4, William Lee Irwin III's pin of p->mm, 12 Aug 2004, flag oom-pin-mm)",
};

/** Procedures a signature names ("swapcache-unique@add_to_swap_cache" → add_to_swap_cache). */
function procsNamedIn(signature: string): Set<number> {
  const words = new Set(signature.split(/[^A-Za-z0-9_]+/));
  return new Set(PROC_NAMES.flatMap((name, id) => (words.has(name) ? [id] : [])));
}

/** The diagram of a repro's traced replay (`full`: every line, not only those naming the
 *  violation's entries and pages), with the route line of a swap-cache duplicate. */
export function drawReplay(r: Repro, t: Pick<ReplayTrace, "records" | "verdict" | "route" | "raceRoute">, opts: DrawOptions = {}): string {
  const named = t.route ?? t.raceRoute;
  const route = named ? `\nroute: ${ROUTE_TITLES[named.route]}: ${named.why}` : "";
  if (opts.format === "kcsan" && t.verdict) {
    const m = r.machine;
    const reportedOn = `model ${r.model} (${r.flagNames.join(", ") || "no flags"}): ${m.cpus} CPUs${m.kswapd ? " + kswapd" : ""}, ${m.frames} frames, ${m.slotsPerArea} slots`;
    const violation = { id: t.verdict.id, message: t.verdict.message, agent: t.verdict.agent };
    return renderKcsan({ records: t.records, cpus: m.cpus, violation, reportedOn, release: printkReleaseOf(reproFlagWords(r)) }) + route;
  }
  const diagram = renderDiagram({
    records: t.records,
    cpus: r.machine.cpus,
    kswapd: r.machine.kswapd,
    ops: r.ops,
    fromStep: raceStart(t.records, r.machine.cpus),
    racingProcs: procsNamedIn(r.signature),
    full: opts.full,
    violation: t.verdict ? { id: t.verdict.id, message: t.verdict.message, agent: t.verdict.agent } : undefined,
    // A data loss's message names its virtual page (and, found by the deep check at rest, its frame
    // or swap entry), not the race: the route's entry and pages tell the story.
    // (A duplicate's message names its entry and pages itself: its focus stays the message's.)
    // A catalogue route's why line names the entries and pages of its story (a wrong page's
    // other entry, the entry try_to_unuse read): they are drawn with the message's.
    focus:
      t.route && t.verdict?.id === "data-lost"
        ? [fmtEntry(t.route.entry), `page ${t.route.first.page}`, `page ${t.route.second.page}`]
        : t.raceRoute
          ? storyTokens(t.raceRoute.why)
          : undefined,
    release: printkReleaseOf(reproFlagWords(r)),
  });
  return diagram + route;
}

/** The swap entries and pages a route's why line names, once each, in its order. */
function storyTokens(why: string): string[] | undefined {
  const tokens = [...new Set(why.match(/\bE\d+:\d+\b|\bpage \d+\b/g) ?? [])];
  return tokens.length > 0 ? tokens : undefined;
}

/** A hunt's finding drawn (src/explore/hunt-options.ts Finding: its shrunk repro and its trace). */
export const drawFinding = (f: { repro: Repro; trace: ReplayTrace }, opts: DrawOptions = {}): string => drawReplay(f.repro, f.trace, opts);
