// A directed machine for the seed's races (test/races/seed-races.test.ts). Every set-up state
// is built with the model's own paths: a swapped-out page is a page written by access(),
// aged and unmapped by swap_out_mm (try_to_swap_out: get_swap_page + add_to_swap_cache),
// written to its slot and dropped from the cache by shrink_cache. So the swap map, the
// cache, the LRU and the slot contents are exactly what the kernel would have left, and
// the deep invariant checker can judge the end of a run.
//
// Replay: the set-up runs under the Director too, so its choices are the first entries of
// d.choices; the race's agents are all started before the race's first step (a replay cannot
// start a procedure half-way). A fresh machine built the same way, given all of d.choices,
// replays set-up and race with one plain run().
import { expect } from "vitest";
import { AG, MM } from "../helpers/machine.js";
import type { TraceRecord } from "../helpers/directed.js";
import { directedRig, LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16, EV } from "../helpers/rig.js";
import { P, G, pteIsSwap, pteEntry, RUN } from "../../src/wasm/abi.js";
import type { MachineConfig } from "../../src/wasm/engine.js";
import { resolveModel } from "../../src/model/models.js";
import { modelViolation } from "../../src/invariants/index.js";
import { describeEvent } from "../../src/report/events/index.js";

export { LINUX_2_4_0, LINUX_2_4_10, LINUX_2_4_16, EV };
/** 2.4.16 with the check-and-insert fix switched off. */
export const LINUX_2_4_16_NO_UNIQUE = resolveModel("linux-2.4.16", [], ["unique-add"]).flags;
/** 2.4.10-pre with fix (a): valid_swaphandles takes a swap_map ref per slot again. */
export const LINUX_2_4_10_RA_REFS = resolveModel("linux-2.4.10-pre", ["readahead-refs"]).flags;

/** Word 1 of the variants above whose release sets flags of it (the shipped models' own word 0
 *  finds its word 1 in test/helpers/machine.ts). */
const WORD1 = new Map([[LINUX_2_4_10_RA_REFS, resolveModel("linux-2.4.10-pre", ["readahead-refs"]).flags2]]);

export const EEXIST = -17;
export const ENOMEM = -12;

/** The race machine: 3 CPUs + the disk, 4 processes of 8 pages, one area of 7 usable slots,
 *  an 8-slot readahead window (page_cluster 3), no kswapd, reclaim only when memory is out. */
const RACE_MACHINE: Partial<MachineConfig> = {
  cpus: 3,
  frames: 24,
  mms: 4,
  pagesPerMm: 8,
  areas: 1,
  slotsPerArea: 8,
  pageCluster: 3,
  kswapd: false,
  freeMin: 0,
  freeLow: 0,
  freeHigh: 0,
  traceCap: 1 << 15,
};

export type Rig = ReturnType<typeof rig>;

/** The race machine under the Director (test/helpers/rig.ts directedRig). Its call() lets the
 *  disk complete the I/O a procedure waits for (up to 200 rounds) and fails on a violation. */
export function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const { e, s, d, disk, start, ops, call } = directedRig(
    { ...RACE_MACHINE, flags, flags2: WORD1.get(flags), ...over },
    { rounds: 200, disk: true, noViolation: true },
  );

  /** A store to mm[page] by the user (faulting the page in); returns the value written. */
  const write = (mm: number, page: number) => {
    call(0, P.access, [mm, page, 1]);
    return s.shadow(mm, page);
  };

  /** Writes mm[pages] and swaps them out the way reclaim does: swap_out_mm ages the ptes,
   *  a second swap_out_mm unmaps them into the swap cache (slots in page order), then
   *  shrink_cache writes the dirty cache pages and frees them. Needs an LRU holding nothing
   *  else (mapped pages there would send shrink_cache into swap_out). Returns the entries. */
  const swapOut = (mm: number, pages: number[]) => {
    const values = pages.map((p) => write(mm, p));
    walkFromStart(mm, pages.length); // young ptes are only aged
    walkFromStart(mm, pages.length); // now unmapped: swap pte + cache page
    for (let i = 0; i < 20 && s.swapCache().length > 0; i++) call(0, P.shrink_cache, [pages.length, 1]);
    expect(s.swapCache()).toEqual([]);
    return pages.map((p, i) => {
      const pte = s.pte(mm, p);
      expect(pteIsSwap(pte), `mm${mm}[${p}] swapped out`).toBe(true);
      const entry = pteEntry(pte);
      expect(s.swapCount(entry)).toBe(1); // the pte's reference only
      expect(s.slotContent(entry)).toBe(values[i]);
      return entry;
    });
  };
  /** A page reclaim will take: written, then aged by one swap_out_mm pass (not young). */
  const victim = (mm: number, page: number) => {
    const v = write(mm, page);
    walkFromStart(mm, 1);
    s.setMm(mm, MM.SWAP_CURSOR, 0); // the race's own walk comes round to it again
    return v;
  };
  /** swap_out_mm(mm, count) from the mm's first page: 2.4.16 starts there after a walk that
   *  reached TASK_SIZE (startProc), pre9 (swap-amount) ends a walk of `count` present ptes right
   *  after the last, so its next walk would start past them. */
  const walkFromStart = (mm: number, count: number) => {
    s.setMm(mm, MM.SWAP_CURSOR, 0);
    call(0, P.swap_out_mm, [mm, count]);
  };

  /** Steps agent until it traces event ev whose values match (a, b, c given ones). */
  const until = (agent: number, ev: number, vals: { a?: number; b?: number; c?: number } = {}) =>
    d.until(agent, (r) => r.event === ev && matches(r, vals));
  /** Like until, but lets the disk complete I/O whenever the agent sleeps on it. */
  const untilIO = (agent: number, ev: number, vals: { a?: number; b?: number; c?: number } = {}) => {
    for (let n = 0; n < 5000; n++) {
      const before = d.trace.length;
      if (!d.step(agent)) {
        if (!d.step(disk)) throw new Error(`agent ${agent} cannot run and the disk is idle`);
        continue;
      }
      const hit = d.trace.slice(before).find((r) => r.agent === agent && r.event === ev && matches(r, vals));
      if (hit) return hit;
      if (d.violation() !== "none") throw new Error(`violation ${d.violation()} before the awaited event`);
    }
    throw new Error(`agent ${agent}: event ${ev} not reached`);
  };
  /** Like until, but stops quietly when the agent cannot run any more (blocked or done) or
   *  a violation is recorded: for driving a fixed kernel as far as it lets the race go. */
  const tryUntil = (agent: number, ev: number, vals: { a?: number; b?: number; c?: number } = {}) => {
    for (let n = 0; n < 5000 && d.violation() === "none"; n++) {
      const before = d.trace.length;
      if (!d.step(agent)) return undefined;
      const hit = d.trace.slice(before).find((r) => r.agent === agent && r.event === ev && matches(r, vals));
      if (hit) return hit;
    }
    return undefined;
  };
  /** Runs every agent (CPUs in order, the disk after each) until none can run. */
  const drainAll = () => {
    for (let round = 0; round < 1000; round++) {
      const before = d.choices.length;
      for (let a = 0; a <= disk; a++) d.drain(a);
      if (d.choices.length === before || d.violation() !== "none") return;
    }
  };
  /** Every CPU has returned from what it was given and the disk is idle. */
  const quiet = () => {
    for (let c = 0; c < e.config.cpus; c++) expect(s.agent(c, AG.SP), `CPU${c} finished`).toBe(0);
    expect(e.run(1)).toBe(RUN.DONE); // nothing runnable; every CPU's stream is over
  };

  return {
    e,
    s,
    d,
    disk,
    start,
    ops,
    call,
    write,
    swapOut,
    victim,
    cacheOf: s.cacheOf,
    until,
    untilIO,
    tryUntil,
    drainAll,
    quiet,
  };
}

/** What a story beat looks at in a trace record (Director's or src/report/trace.ts's). */
export interface Rec {
  agent: number;
  event: number;
  a: number;
  b: number;
  c: number;
  step: number;
}

function matches(r: Rec, v: { a?: number; b?: number; c?: number }): boolean {
  return (v.a === undefined || r.a === v.a) && (v.b === undefined || r.b === v.b) && (v.c === undefined || r.c === v.c);
}

/** One step of a race's story: an event of one agent, with some of its values. */
export interface Beat {
  what: string;
  agent: number;
  ev: number;
  a?: number;
  b?: number;
  c?: number;
}

/** Asserts that the trace tells the story in order (other records may come between beats);
 *  returns the matching records. */
export function expectStory<T extends Rec>(trace: readonly T[], beats: readonly Beat[]): T[] {
  const out: T[] = [];
  let i = 0;
  for (const b of beats) {
    while (i < trace.length && !(trace[i].agent === b.agent && trace[i].event === b.ev && matches(trace[i], b))) i++;
    expect(i < trace.length, `${b.what} (after ${out.length} earlier beats)`).toBe(true);
    out.push(trace[i]);
    i++;
  }
  return out;
}

/** Replays: a fresh machine from build() (same set-up, the race's agents started), the
 *  recorded choices loaded, one plain run(). Returns the run code and the violation. */
export function replay(build: () => Rig, choices: readonly number[]) {
  const r = build();
  const setupSteps = r.d.choices.length;
  expect(choices.slice(0, setupSteps)).toEqual(r.d.choices); // same set-up, same choices
  r.e.loadChoices(choices);
  const code = r.e.run(choices.length + 1000);
  return { code, steps: r.e.global(G.STEP), violation: modelViolation(r.e), e: r.e, setupSteps };
}

/** The trace as readable lines, for debugging a schedule (describeEvent wording). */
export function story(trace: readonly TraceRecord[], cpus: number, from = 0): string {
  return trace
    .filter((r) => r.step >= from && r.event !== EV.SECTION)
    .map((r) => `${r.step}\t${r.agent === cpus ? "disk" : `CPU${r.agent}`}\t${r.proc}: ${describeEvent(r.event, r.a, r.b, r.c)}`)
    .join("\n");
}
