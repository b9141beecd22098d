// Which of the seed mail's routes a swap-cache duplicate took, read from the traced replay of
// the failing execution (docs/kernel-notes.md, "The seed's races"):
//
//   "14 Sep"        Marcelo, confirmed by Hugh ("has been there forever"): try_to_swap_out's
//                   get_swap_page hands out E; a reader under swapin_readahead counts E in
//                   use (valid_swaphandles) and reads it; both add a page for E. E is never
//                   freed in between.
//   "11 Sep"        Marcelo: the reader's valid_swaphandles counts E, E's last user frees it,
//                   try_to_swap_out's get_swap_page hands E out again, both add.
//   "vm_swap_full"  Hugh (the seed mail): do_swap_page's swap-full delete frees E, then
//                   get_swap_page hands it out again to try_to_swap_out while a reader reads E.
//   "readahead vm_swap_full"
//                   "11 Sep" with Hugh's free: a reader's swapin_readahead counts E (not the
//                   entry it faulted on); another thread's do_swap_page maps E's page and its
//                   vm_swap_full delete frees E; get_swap_page hands E out again to
//                   try_to_swap_out; the reader's swap_duplicate finds E in use and both add.
//   "reclaim"       "vm_swap_full" with reclaim's free (found by the model): the reader faulted
//                   on E; another thread's fault took E's page and dropped its pte's reference,
//                   no vm_swap_full delete, and reclaim's removal of the clean cache page freed
//                   E; get_swap_page hands it out again to try_to_swap_out.
//   "swapoff"       the seed mail: try_to_unuse frees E, the area becomes allocatable again
//                   (-ENOMEM or swapon) and get_swap_page hands E out again.
//   "14 Sep swapoff"
//                   "14 Sep" with swapoff's try_to_unuse as the reader (found by the model):
//                   get_swap_page hands out E, try_to_unuse finds E in use and its
//                   read_swap_cache_async reads E before try_to_swap_out's add; both add.
//                   With pre9's delete-first try_to_unuse the same route is more often a data
//                   loss than a duplicate (src/races/unuse-route.ts; classifyLossRoute).
//
// The trace has no call or return records, only the section each step ran (proc, pc) and
// what it traced; each agent's call stack is rebuilt from that: a procedure's section 0 that
// is not the running procedure is a call, any other section of a procedure already on the
// stack is a return to it (no procedure continues at section 0 after a call it made).
import type { Backend } from "../wasm/engine.js";
import { PROC_NAMES, P, pteEntry } from "../wasm/abi.js";
import { decodeSchedule, type Repro } from "../report/repro.js";
import { EV, type TraceRecord, findLast } from "../report/trace.js";
import { fmtEntry, fmtVpageWord } from "../report/events/types.js";
import { Replayer } from "./execute.js";
import { classifyUnuseFresh } from "../races/unuse-route.js";
import { reproFlagWords } from "../model/flag-words.js";

export const SEED_ROUTES = [
  "14 Sep",
  "11 Sep",
  "vm_swap_full",
  "readahead vm_swap_full",
  "reclaim",
  "swapoff",
  "14 Sep swapoff",
  "unknown",
] as const;
export type SeedRoute = (typeof SEED_ROUTES)[number];

/** The named routes of findings other than a duplicate (src/races/pte-same-route.ts: who
 *  resolved the pte under a fault that freed its entry again; src/races/revival-route.ts: an
 *  unlocked swap_duplicate reviving a freed slot; src/races/aba-route.ts: a data loss by the
 *  swapin ABA; src/races/wrong-page-route.ts: try_to_unuse's BUG on a page that left the swap
 *  cache and came back under another entry, and the data loss when that happens while
 *  try_to_unuse waits for the page after writing it). */
export const RACE_ROUTES = [
  "pte-same swapoff",
  "pte-same fault",
  "dup revival",
  "swapin aba",
  "unuse wrong page",
  "unuse wrong page write",
  "oom unpinned victim",
] as const;
export type RaceRouteName = (typeof RACE_ROUTES)[number];

/** Every route a replay can name. */
export const ROUTE_NAMES = [...SEED_ROUTES, ...RACE_ROUTES] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/** Trace event ids of the model files this reads (assembly/mm/*.ts EV_*). */

/** One add_to_swap_cache of a page for E, with who called it. */
export interface AddSite {
  step: number;
  agent: number;
  page: number;
  /** The procedures below add_to_swap_cache on the agent's stack, outermost first. */
  callers: string[];
}

/** A step of the trace that mattered, and the agent that ran it. */
export interface RouteStep {
  step: number;
  agent: number;
}

export interface RouteVerdict {
  route: SeedRoute;
  /** The entry with two cache pages. */
  entry: number;
  /** The add of the page that was in the cache first, and the add that made it two. */
  first: AddSite;
  second: AddSite;
  /** try_to_swap_out's get_swap_page that returned E for its add. */
  handedOut?: RouteStep;
  /** The reader's valid_swaphandles whose window counted E (slots from `from`). */
  counted?: RouteStep & { from: number; slots: number };
  /** E's count reaching 0 before it was handed out, and the procedures that freed it. */
  freed?: RouteStep & { callers: string[] };
  /** One line a kernel developer can check against the diagram. */
  why: string;
}

// ---- call stacks ------------------------------------------------------------------------

/** For each record, the call stack (procedure ids, outermost first) of its agent when its
 *  section ran. Records of one section share one array. An op (or a procedure started on an idle
 *  CPU) begins on an empty stack and its outermost return ends it (EV_OP_START / EV_OP_END). */
export function callStacks(records: readonly TraceRecord[]): (readonly number[])[] {
  const stacks = new Map<number, readonly number[]>();
  const out: (readonly number[])[] = new Array(records.length);
  let lastStep = -1,
    lastAgent = -1,
    lastProc = -1,
    lastPc = -1;
  let cur: readonly number[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    // A step can run several sections (a call or return merged into it: frame.ts CONT).
    if (r.step !== lastStep || r.agent !== lastAgent || r.proc !== lastProc || r.pc !== lastPc) {
      lastStep = r.step;
      lastAgent = r.agent;
      lastProc = r.proc;
      lastPc = r.pc;
      const s = r.event === EV.OP_START ? [] : (stacks.get(r.agent) ?? []);
      cur = enter(s, r.proc, r.pc);
      stacks.set(r.agent, cur);
    }
    out[i] = cur;
    if (r.event === EV.OP_END) stacks.set(r.agent, []);
  }
  return out;
}

/** The stack after the section (proc, pc) starts running on stack s. */
function enter(s: readonly number[], proc: number, pc: number): readonly number[] {
  const top = s.length > 0 ? s[s.length - 1] : -1;
  if (proc === top) return s;
  if (pc === 0) return [...s, proc]; // called
  const at = s.lastIndexOf(proc);
  if (at >= 0) return s.slice(0, at + 1); // returned to it
  return [proc]; // the trace began inside this procedure: callers unknown
}

const names = (ids: readonly number[]): string[] => ids.map((p) => PROC_NAMES[p] ?? `proc${p}`);

// ---- the classifier ---------------------------------------------------------------------

/** The route of the first swap-cache duplicate in a trace (replayed with tracing on, so
 *  add_to_swap_cache records how many pages E has); undefined when the trace has none. */
export function classifyRoute(records: readonly TraceRecord[]): RouteVerdict | undefined {
  const dupAt = records.findIndex((r) => r.event === EV.ADD && r.c >= 2);
  if (dupAt < 0) return undefined;
  const E = records[dupAt].b;
  const firstAt = findLast(records, dupAt, (r) => r.event === EV.ADD && r.b === E && r.a !== records[dupAt].a);
  if (firstAt < 0) return undefined;
  const stacks = callStacks(records);
  const site = (i: number): AddSite => {
    const s = stacks[i];
    const callers = s[s.length - 1] === P.add_to_swap_cache ? s.slice(0, -1) : s;
    return { step: records[i].step, agent: records[i].agent, page: records[i].a, callers: names(callers) };
  };
  const first = site(firstAt),
    second = site(dupAt);
  const base = { entry: E, first, second };

  const caller = (a: AddSite) => a.callers[a.callers.length - 1];
  const adds = [
    { at: firstAt, site: first },
    { at: dupAt, site: second },
  ];
  const swapper = adds.find((a) => caller(a.site) === "try_to_swap_out");
  const reader = adds.find((a) => caller(a.site) === "read_swap_cache_async");
  if (!swapper || !reader) {
    return {
      ...base,
      route: "unknown",
      why: `E added by ${caller(first) ?? "?"} and ${caller(second) ?? "?"}, not by try_to_swap_out and a reader`,
    };
  }

  // try_to_swap_out's get_swap_page → E on the swapper's CPU before its add. The moment E
  // left the free pool is get_swap_page's own record (its last section), not try_to_swap_out's
  // note of the result, which comes a scheduling point later.
  const tsoAt = findLast(records, swapper.at, (r) => r.agent === swapper.site.agent && r.event === EV.TSO_GET_SWAP && r.c === E);
  const gotAt =
    tsoAt < 0 ? -1 : findLast(records, tsoAt, (r) => r.agent === swapper.site.agent && r.event === EV.GET_SWAP_PAGE && r.a === E);
  if (gotAt < 0) {
    return { ...base, route: "unknown", why: "try_to_swap_out added E without a get_swap_page of its own (a page already cached?)" };
  }
  const handedOut = { step: records[gotAt].step, agent: records[gotAt].agent };

  // What the reader knew of E, and since when: the swap pte of E its fault read (under the
  // page-table lock, before do_swap_page dropped it to look E up: from that read on, E is the
  // entry it will read in, whatever happens to E before its cache lookup misses), and the
  // valid_swaphandles window (before its add) whose run covered E.
  const readerAgent = reader.site.agent;
  const missAt = findLast(records, reader.at, (r) => r.agent === readerAgent && r.event === EV.SWAP_MISS);
  const pteReadAt = missAt < 0 ? -1 : findLast(records, missAt, (r) => r.agent === readerAgent && r.event === EV.FAULT);
  const faultedOnE = missAt >= 0 && records[missAt].a === E;
  const wantedFrom = faultedOnE && pteReadAt >= 0 && isSwapPteOf(records[pteReadAt].c, E) ? pteReadAt : missAt;
  const underReadahead = reader.site.callers.includes("swapin_readahead");
  const countAt = findLast(
    records,
    reader.at,
    (r) => r.agent === readerAgent && r.event === EV.VALID_HANDLES && E - r.a >= 0 && E - r.a < r.b,
  );
  const counted =
    countAt >= 0
      ? { step: records[countAt].step, agent: records[countAt].agent, from: records[countAt].a, slots: records[countAt].b }
      : undefined;
  const common = { ...base, handedOut, counted };
  // When the scan read E. Without SDL (2.4.10-pre9) each slot of the window is read in a section
  // of its own and the scan's record follows its last slot, so E may have been read several
  // steps before the record: no earlier than the reader's previous record. A free of E inside
  // that span, with no get_swap_page of E in it, means the scan read E before the free (E was
  // counted, so it was read while in use, and it was in use in that span only before the free).
  const countedAt = countAt < 0 ? -1 : scanReadE(records, countAt, readerAgent, E);

  // E's count reaching 0 before the duplicate add.
  const freeAts = records.flatMap((r, i) =>
    i < dupAt && (r.event === EV.SWAP_FREE || r.event === EV.FREE_SWAP) && r.a === E && r.b === 0 ? [i] : [],
  );
  const afterHandout = freeAts.find((i) => i > gotAt);
  if (afterHandout !== undefined) {
    return { ...common, route: "unknown", why: `E was freed at step ${records[afterHandout].step}, after get_swap_page handed it out` };
  }
  // Freed while the reader already wanted E (it faulted on E, or counted it), then handed out
  // again: one of the "E came back" routes, told apart by who freed it.
  const since = faultedOnE ? wantedFrom : countedAt >= 0 ? countedAt : Number.POSITIVE_INFINITY;
  const freeAt = freeAts.filter((i) => i > since && i < gotAt).pop();
  if (freeAt !== undefined) return cameBack(records, freeAt, stacks[freeAt], { ...common, countAt: countedAt, faultedOnE });

  if (countAt >= 0 && gotAt < countAt && underReadahead && !faultedOnE) {
    return {
      ...common,
      route: "14 Sep",
      why:
        `get_swap_page → E (step ${handedOut.step}) before valid_swaphandles counted it (step ${counted!.step}); ` +
        "E never freed; try_to_swap_out and swapin_readahead's read_swap_cache_async both added",
    };
  }
  // The reader is swapoff's try_to_unuse, which found E in use (its EV_UNUSE_READ) after
  // get_swap_page handed E out and before try_to_swap_out's add; E never freed.
  const unuseReadAt = findLast(records, reader.at, (r) => r.agent === readerAgent && r.event === EV.UNUSE_READ && r.a === E);
  if (reader.site.callers.includes("try_to_unuse") && unuseReadAt > gotAt && unuseReadAt < swapper.at) {
    return {
      ...common,
      route: "14 Sep swapoff",
      why:
        `get_swap_page → E (step ${handedOut.step}) before try_to_unuse read it (step ${records[unuseReadAt].step}); ` +
        "E never freed; try_to_swap_out and try_to_unuse's read_swap_cache_async both added",
    };
  }
  return { ...common, route: "unknown", why: "no free of E the reader could have seen, and no readahead count of E after get_swap_page" };
}

/** The route of a data loss, when it is the 14 Sep race with swapoff as the reader whose
 *  delete-first try_to_unuse (2.4.0, 2.4.10-pre9) made the duplicate a loss
 *  (src/races/unuse-route.ts): `first` is try_to_unuse's add of the page it read from the fresh
 *  entry, `second` the swap-out's add after it deleted that page; undefined for any other loss
 *  (given `lost`, the virtual page the loss names, mm << 16 | page: a stale page mapped there). */
export function classifyLossRoute(records: readonly TraceRecord[], lost?: number): RouteVerdict | undefined {
  const v = classifyUnuseFresh(records, lost);
  if (!v) return undefined;
  const E = v.entry;
  const stacks = callStacks(records);
  const site = (agent: number, step: number, page: number): AddSite => {
    const i = records.findIndex((r) => r.step === step && r.agent === agent && r.event === EV.ADD && r.a === page && r.b === E);
    const s = i < 0 ? [] : stacks[i];
    const callers = s[s.length - 1] === P.add_to_swap_cache ? s.slice(0, -1) : s;
    return { step, agent, page, callers: names(callers) };
  };
  return {
    route: "14 Sep swapoff",
    entry: E,
    first: site(v.reader.agent, v.reader.added, v.reader.page),
    second: site(v.swapper.agent, v.swapper.added, v.swapper.page),
    handedOut: { step: v.swapper.handedOut, agent: v.swapper.agent },
    why:
      `get_swap_page → E = ${fmtEntry(E)} (step ${v.swapper.handedOut}) before try_to_unuse read it (step ${v.reader.read}) into page ${v.reader.page}; ` +
      `try_to_unuse deleted that page from the cache first, try_to_swap_out added page ${v.swapper.page} and set pte E (step ${v.swapper.added}), ` +
      `and try_to_unuse mapped the stale page ${v.reader.page} there, at ${fmtVpageWord(v.mapped.vpage)} (step ${v.mapped.step})` +
      (v.forked ? `; fork's copy_page_range shared it with ${fmtVpageWord(v.forked.vpage)} (step ${v.forked.step})` : ""),
  };
}

/** E was freed while a reader wanted it and get_swap_page handed it out again: by whom. */
function cameBack(
  records: readonly TraceRecord[],
  freeAt: number,
  stack: readonly number[],
  v: Omit<RouteVerdict, "route" | "why"> & { countAt: number; faultedOnE: boolean },
): RouteVerdict {
  const { countAt, faultedOnE, ...common } = v;
  const f = records[freeAt];
  const by = names(stack);
  const freed = { step: f.step, agent: f.agent, callers: by };
  const E = common.entry;
  const out = `get_swap_page handed it out again (step ${common.handedOut!.step})`;
  if (by.includes("try_to_unuse") || by.includes("sys_swapoff")) {
    return { ...common, freed, route: "swapoff", why: `try_to_unuse freed E (step ${f.step}), ${out}` };
  }
  const swapFullDelete = records.some((r, i) => i < freeAt && r.agent === f.agent && r.event === EV.SWAP_FULL_DELETE && r.b === E);
  const vmSwapFull = by.includes("do_swap_page") && (swapFullDelete || by.includes("remove_exclusive_swap_page"));
  // The reader did not fault on E: only its readahead counted E, before the delete freed it.
  if (
    vmSwapFull &&
    !faultedOnE &&
    countAt >= 0 &&
    countAt < freeAt &&
    common.second.callers.concat(common.first.callers).includes("swapin_readahead")
  ) {
    return {
      ...common,
      freed,
      route: "readahead vm_swap_full",
      why:
        `swapin_readahead's valid_swaphandles counted E (read at or after step ${records[countAt].step}), ` +
        `another thread's do_swap_page vm_swap_full delete freed it (step ${f.step}), ${out}`,
    };
  }
  if (vmSwapFull) {
    return { ...common, freed, route: "vm_swap_full", why: `do_swap_page's vm_swap_full delete freed E (step ${f.step}), ${out}` };
  }
  // Hugh's route with reclaim in the vm_swap_full delete's place: the reader faulted on E;
  // E's pte reference went (another thread's fault mapped E's page and swap_freed it, as in the
  // mail), leaving the swap cache's alone, and reclaim's removal of the clean cache page
  // (shrink_cache, 2.4.0's reclaim_page: sections of try_to_free_pages' own frame, so the free
  // is called from it, not from a swap-out or a zap reclaim ran) freed E.
  if (faultedOnE && by.at(-2) === "try_to_free_pages" && !(countAt >= 0 && countAt < freeAt)) {
    return {
      ...common,
      freed,
      route: "reclaim",
      why: `the reader faulted on E, ${by.slice(-3).join(" → ")} freed E with its cache page (step ${f.step}), ${out}`,
    };
  }
  if (countAt >= 0 && countAt < freeAt) {
    return {
      ...common,
      freed,
      route: "11 Sep",
      why: `valid_swaphandles counted E (step ${records[countAt].step}), ${by.slice(-3).join(" → ")} freed it (step ${f.step}), ${out}`,
    };
  }
  return { ...common, freed, route: "unknown", why: `${by.join(" → ")} freed E (step ${f.step}) while the reader wanted it, ${out}` };
}

/** Index of the moment swapin_readahead's scan (whose record is at countAt, on the reader's
 *  agent) read slot E: the record itself, or, when E was freed to 0 during the scan and not handed
 *  out in it, the reader's last record before the scan (the scan read E after it, before the free). */
function scanReadE(records: readonly TraceRecord[], countAt: number, reader: number, E: number): number {
  const scanFrom = findLast(records, countAt, (r) => r.agent === reader);
  let freed = false;
  for (let i = scanFrom + 1; i < countAt; i++) {
    const r = records[i];
    if (r.event === EV.GET_SWAP_PAGE && r.a === E) return countAt;
    if ((r.event === EV.SWAP_FREE || r.event === EV.FREE_SWAP) && r.a === E && r.b === 0) freed = true;
  }
  return freed && scanFrom >= 0 ? scanFrom : countAt;
}

/** A non-present, non-empty pte holding swap entry E (assembly/kernel/state.ts swp_entry_to_pte). */
function isSwapPteOf(pte: number, E: number): boolean {
  return pte !== 0 && (pte & 1) === 0 && pteEntry(pte) === E;
}

export interface ReproRoute {
  /** The replay reached the repro's signature again. */
  reproduced: boolean;
  route: RouteVerdict | undefined;
}

/** Replays a repro with tracing on a fresh machine and classifies its duplicate. */
export async function routeOfRepro(r: Repro, backend: Backend = "wasm"): Promise<ReproRoute> {
  const rep = await Replayer.create(r.machine, reproFlagWords(r), backend);
  const out = rep.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  return { reproduced: out.verdict?.signature === r.signature, route: classifyRoute(out.records ?? []) };
}
