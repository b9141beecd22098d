// The deep checker's touched mode (src/invariants/touched.ts: bulk runs read only the frames
// below the model's touched_frames() and the swap-cache buckets it listed) against the whole
// passes: on the states bulk runs pass through (periodic checks, not at rest) and end in (at
// rest), and on those states broken one word at a time, the two report the same violations,
// ids, messages and details alike. A word is broken within the bounds, or anywhere a frame is
// named (a pte, a hash chain, an LRU link, the free stack) with a frame the bounds say no
// execution handed out, or past the bound in a frame something then names: the touched mode
// must see all of those (it reads the whole state when it meets such a frame). A word past the
// bounds that nothing names is what it skips: the last test shows it is not read.
import { describe, it, expect } from "vitest";
import { Engine, type Backend } from "../../src/wasm/engine.js";
import {
  R,
  G,
  PG,
  PTE,
  MM,
  MM_WORDS,
  AREA_WORDS,
  AGENT_WORDS,
  LAYOUT,
  SCHED,
  HASH_TOUCHED_MAX,
  FRAME_SHIFT_PTE,
} from "../../src/wasm/abi.js";
import { runBulk, type Checker } from "../../src/bulk/run.js";
import { bulkMachineConfig, type MachineSizes, type WorkloadOptions } from "../../src/bulk/config.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { resolveModel } from "../../src/model/models.js";
import { CHECKED_GLOBALS, mutate, rng } from "./fused-suite.js";
import { bulkWorkload } from "../helpers/machine.js";

interface Case {
  name: string;
  model: string;
  sizes: MachineSizes;
  workload: Partial<WorkloadOptions>;
  ops: number;
  checkInterval: number;
  backend?: Backend;
  /** Meets both ways of reading the swap-cache hash: the buckets listed, and every one. */
  bothHashWalks?: boolean;
}

const base: Omit<WorkloadOptions, "cpus" | "mms" | "pagesPerMm" | "areas"> = {
  pattern: "hotcold",
  writeRatio: 0.4,
  threads: true,
  forkRate: 0.01,
  exitRate: 0.005,
  munmapRate: 0.01,
  swapoffRate: 0.001,
  swaponRate: 0.001,
};

const CASES: Case[] = [
  // Memory never runs short: most frames never handed out, no swap cache.
  {
    name: "4096 frames, 700 pages",
    model: "linux-2.4.16",
    sizes: { cpus: 3, mms: 2, pagesPerMm: 350, frames: 4096, areas: 2, slotsPerArea: 512 },
    workload: {},
    ops: 3000,
    checkInterval: 1500,
  },
  // Pressure from the first reclaim on: a few swap-cache buckets listed, then more than the
  // model lists (every bucket read); the bound reaches all but the reserve.
  {
    name: "160 frames under reclaim (2.4.10-pre)",
    model: "linux-2.4.10-pre",
    sizes: { cpus: 3, mms: 4, pagesPerMm: 256, frames: 160, areas: 2, slotsPerArea: 512 },
    workload: {},
    ops: 3000,
    checkInterval: 700,
  },
  // Light pressure, checked often: the first swap-outs' buckets listed.
  {
    name: "512 frames, 600 pages (2.4.16)",
    model: "linux-2.4.16",
    sizes: { cpus: 3, mms: 3, pagesPerMm: 200, frames: 512, areas: 2, slotsPerArea: 1024 },
    workload: { threads: false, pattern: "uniform", writeRatio: 1, forkRate: 0.001, exitRate: 0, swapoffRate: 0, swaponRate: 0 },
    ops: 1200,
    checkInterval: 120,
    bothHashWalks: true,
  },
  // Past the model's check at rest (64K frames): the touched passes answer at rest too.
  {
    name: "70000 frames",
    model: "linux-2.4.16",
    sizes: { cpus: 2, mms: 2, pagesPerMm: 300, frames: 70000, areas: 1, slotsPerArea: 256 },
    workload: {},
    ops: 1200,
    checkInterval: 2000,
  },
  {
    name: "the JS twin, 300 frames",
    model: "linux-2.4.16",
    sizes: { cpus: 2, mms: 2, pagesPerMm: 200, frames: 300, areas: 1, slotsPerArea: 512 },
    workload: {},
    ops: 2500,
    checkInterval: 600,
    backend: "js",
  },
];

/** A word the touched mode reads, or one that names a frame: where, and whether 16-bit. */
interface Word {
  at: number;
  u16: boolean;
  what: string;
  /** Holds a frame number (a mutation may name one past the bound). */
  names: boolean;
}

interface Bounds {
  top: number;
  /** Listed bucket indices, or undefined: every bucket. */
  buckets: number[] | undefined;
}

function boundsOf(e: Engine): Bounds {
  const top = e.m.touched_frames();
  const n = e.m.buckets_touched();
  if (n > HASH_TOUCHED_MAX) return { top, buckets: undefined };
  const at = e.region(R.HASH_TOUCHED) >> 2;
  const heads = e.region(R.HASH_HEAD) >> 2;
  return { top, buckets: Array.from({ length: n }, (_, i) => (e.I32[at + i] >> 2) - heads) };
}

/** Every word the touched mode reads on e's current state (bounds b). */
function wordsWithin(e: Engine, b: Bounds): Word[] {
  const c = e.config;
  const out: Word[] = [];
  const w32 = (r: number, from: number, to: number, what: string, names = false) => {
    const base = e.region(r) >> 2;
    for (let i = from; i < to; i++) out.push({ at: base + i, u16: false, what: `${what}[${i}]`, names });
  };
  const g = e.region(R.GLOBALS) >> 2;
  for (const k of CHECKED_GLOBALS) {
    out.push({ at: g + k, u16: false, what: `G${k}`, names: false });
  }
  w32(R.AGENTS, 0, e.layoutValue(LAYOUT.AGENTS) * AGENT_WORDS, "agents");
  w32(R.AREAS, 0, c.areas * AREA_WORDS, "areas");
  w32(R.MMS, 0, c.mms * MM_WORDS, "mms");
  for (const [r, what, names] of [
    [R.PG_COUNT, "count", false],
    [R.PG_FLAGS, "flags", false],
    [R.PG_INDEX, "index", false],
    [R.PG_CONTENT, "content", false],
    [R.PG_HASH_NEXT, "hash next", true],
    [R.PG_LRU_NEXT, "lru next", true],
    [R.PG_LRU_PREV, "lru prev", true],
  ] as const) {
    w32(r, 0, b.top, what, names);
  }
  for (const r of [R.PG_LRU_NEXT, R.PG_LRU_PREV]) w32(r, c.frames, c.frames + 2, "lru head", true);
  // The free stack's positions from nFrames - top up (below: the boot's frames from top up).
  w32(R.FREE_STACK, c.frames - b.top, c.frames, "free stack", true);
  const heads = e.region(R.HASH_HEAD) >> 2;
  for (const k of b.buckets ?? Array.from({ length: e.layoutValue(LAYOUT.HASH_SIZE) }, (_, i) => i)) {
    out.push({ at: heads + k, u16: false, what: `hash head ${k}`, names: true });
  }
  const slots = c.areas << e.layoutValue(LAYOUT.SLOTS_SHIFT);
  w32(R.SLOT_CONTENT, 0, slots, "slot content");
  const sm = e.region(R.SWAP_MAP) >> 1;
  for (let i = 0; i < slots; i++) out.push({ at: sm + i, u16: true, what: `swap map[${i}]`, names: false });
  const ptes = c.mms << e.layoutValue(LAYOUT.PAGES_SHIFT);
  w32(R.PTES, 0, ptes, "pte", true);
  w32(R.SHADOW, 0, ptes, "shadow");
  return out;
}

/** The two modes on e's current state: a line when they differ. */
function differ(e: Engine, quiescent: boolean, where: string): string[] {
  const full = checkInvariants(e, { quiescent, full: true });
  const touched = checkInvariants(e, { quiescent, touched: true });
  const [a, b] = [JSON.stringify(touched), JSON.stringify(full)];
  return a === b ? [] : [`${where}: touched ${a} / whole ${b}`];
}

interface Seen {
  states: number;
  atRest: number;
  below: number; // states with frames past the bound
  listed: number; // states with 1..HASH_TOUCHED_MAX buckets listed
  unlisted: number; // states with more (every bucket read)
  broken: number; // mutations the checkers report
  beyond: number; // mutations naming a frame past the bound
  namedPast: number; // words past the bound broken and named
}

/** A frame past the bound, and a word of it broken, named by a pte, an LRU link, a hash
 *  link or the free stack (each way, in turn). */
function breakPast(e: Engine, b: Bounds, r: (n: number) => number, k: number): (() => void) | undefined {
  const c = e.config;
  if (b.top >= c.frames) return undefined;
  const f = b.top + r(c.frames - b.top);
  const I = e.I32;
  const w = (reg: number, i: number) => (e.region(reg) >> 2) + i;
  const saved: [number, number][] = [];
  const set = (at: number, v: number) => {
    saved.push([at, I[at]]);
    I[at] = v;
  };
  const frameWord = [R.PG_FLAGS, R.PG_COUNT, R.PG_INDEX, R.PG_CONTENT, R.PG_HASH_NEXT][r(5)];
  set(w(frameWord, f), frameWord === R.PG_FLAGS ? [PG.INUSE, PG.INUSE | PG.SWAPCACHE, PG.LRU | PG.INUSE, PG.LOCKED][r(4)] : 1 + r(3));
  switch (k % 5) {
    case 0: {
      // A present pte of a live mm maps it.
      let mm = 0;
      while (mm < c.mms && I[(e.region(R.MMS) >> 2) + mm * MM_WORDS + MM.USERS] === 0) mm++;
      if (mm === c.mms) break;
      const p = r(c.pagesPerMm);
      set(w(R.PTES, (mm << e.layoutValue(LAYOUT.PAGES_SHIFT)) + p), (f << FRAME_SHIFT_PTE) | PTE.PRESENT);
      break;
    }
    case 1:
      // The inactive list's head links to it.
      set(w(R.PG_LRU_NEXT, c.frames + 1), f);
      break;
    case 2:
      // A frame below the bound links to it in a hash chain (its own, or none: a page off
      // every chain, whose link no pass follows).
      set(w(R.PG_HASH_NEXT, 1 + r(b.top - 1)), f);
      break;
    case 3:
      // A frame below the bound links to it on an LRU list (followed only at rest).
      set(w([R.PG_LRU_NEXT, R.PG_LRU_PREV][r(2)], 1 + r(b.top - 1)), f);
      break;
    default: {
      // Freed once more: on top of the free stack.
      const g = (e.region(R.GLOBALS) >> 2) + G.NR_FREE;
      const n = I[g];
      if (n >= c.frames) break;
      set(w(R.FREE_STACK, n), f);
      set(g, n + 1);
    }
  }
  return () => {
    for (let i = saved.length - 1; i >= 0; i--) I[saved[i][0]] = saved[i][1];
  };
}

/** Both modes on the state, then on it broken word by word (restored each time). */
function compareAll(e: Engine, quiescent: boolean, where: string, r: (n: number) => number, seen: Seen, perState: number): string[] {
  const out = differ(e, quiescent, where);
  seen.states++;
  if (quiescent) seen.atRest++;
  const b = boundsOf(e);
  if (b.top < e.config.frames) seen.below++;
  if (b.buckets === undefined) seen.unlisted++;
  else if (b.buckets.length > 0) seen.listed++;
  // Each state with listed buckets broken, of the others one in four (the tier's time).
  if ((b.buckets === undefined || b.buckets.length === 0) && seen.states % 4 !== 1) return out;
  const words = wordsWithin(e, b);
  const I = e.I32,
    U16 = e.U16;
  for (let i = 0; i < perState; i++) {
    const word = words[r(words.length)];
    const view = word.u16 ? U16 : I;
    const was = view[word.at];
    let v = mutate(was, word.u16, e.config.frames, r);
    // A frame-naming word: half the time a frame past the bound.
    if (word.names && b.top < e.config.frames && r(2) === 0) {
      const f = b.top + r(e.config.frames - b.top);
      v = word.what.startsWith("pte") ? (f << FRAME_SHIFT_PTE) | PTE.PRESENT : f;
      seen.beyond++;
    }
    view[word.at] = v;
    out.push(...differ(e, quiescent, `${where}, ${word.what} ${was} -> ${view[word.at]}`));
    if (checkInvariants(e, { quiescent, full: true }).length > 0) seen.broken++;
    view[word.at] = was;
  }
  for (let k = 0; k < 10; k++) {
    const undo = breakPast(e, b, r, k);
    if (!undo) break;
    const full = checkInvariants(e, { quiescent, full: true });
    if (full.length > 0) seen.namedPast++;
    out.push(...differ(e, quiescent, `${where}, past the bound (${k % 5})`));
    undo();
  }
  return out;
}

async function runCase(c: Case, perState: number): Promise<{ wrong: string[]; seen: Seen }> {
  const flags = resolveModel(c.model);
  const machine = bulkMachineConfig(c.sizes, { flags: flags.flags, flags2: flags.flags2, kswapd: true, seed: 11, sched: SCHED.RANDOM });
  const workload = bulkWorkload(c.sizes, { ...base, ...c.workload });
  const wrong: string[] = [];
  const seen: Seen = { states: 0, atRest: 0, below: 0, listed: 0, unlisted: 0, broken: 0, beyond: 0, namedPast: 0 };
  const r = rng(2026);
  let n = 0;
  const checker: Checker = (e, { quiescent }) => {
    wrong.push(...compareAll(e, quiescent, `${c.name}, check ${n++}${quiescent ? " at rest" : ""}`, r, seen, perState));
    return [];
  };
  const backend = c.backend ?? "wasm";
  for (const seed of [11, 12]) {
    const engine = backend === "js" ? await Engine.js() : await Engine.create("wasm", "untraced");
    await runBulk({ backend, machine: { ...machine, seed }, workload, seed, ops: c.ops, checkInterval: c.checkInterval, checker, engine });
  }
  return { wrong, seen };
}

describe("the deep checker's touched mode reports what the whole passes report", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: bulk states, and them broken word by word", async (_name, c) => {
    const { wrong, seen } = await runCase(c, c.backend === "js" ? 40 : 120);
    expect(wrong.slice(0, 3)).toEqual([]);
    // Not vacuous: states at rest and not, frames past the bound, broken states found broken,
    // frames past the bound named (the touched mode then reads everything).
    expect(seen.atRest, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.states - seen.atRest, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.below, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.broken, JSON.stringify(seen)).toBeGreaterThan(seen.states * 2);
    expect(seen.beyond, JSON.stringify(seen)).toBeGreaterThan(seen.states);
    expect(seen.namedPast, JSON.stringify(seen)).toBeGreaterThan(0);
    if (c.bothHashWalks) {
      expect(seen.listed, JSON.stringify(seen)).toBeGreaterThan(0);
      expect(seen.unlisted, JSON.stringify(seen)).toBeGreaterThan(0);
    }
  });

  it("skips what nothing names past the bound: a frame's words and the free stack below it", async () => {
    const c = CASES[0];
    const flags = resolveModel(c.model);
    const machine = bulkMachineConfig(c.sizes, { flags: flags.flags, flags2: flags.flags2, kswapd: true, seed: 3, sched: SCHED.RANDOM });
    const e = await Engine.create("wasm", "untraced");
    const workload = bulkWorkload({ cpus: 3, mms: 2, pagesPerMm: 350, areas: 2 }, base);
    await runBulk({ backend: "wasm", machine, workload, seed: 3, ops: c.ops, checkInterval: 0, checker: () => [], engine: e });
    const top = e.m.touched_frames();
    expect(top).toBeLessThan(c.sizes.frames / 2);
    const f = c.sizes.frames - 1;
    const I = e.I32;
    const flagsAt = (e.region(R.PG_FLAGS) >> 2) + f;
    I[flagsAt] = PG.INUSE | PG.LOCKED; // in use, locked, on no list, mapped by nothing
    expect(checkInvariants(e, { quiescent: true, full: true }).map((v) => v.signature)).toContain("lock-leak:page-lock");
    expect(checkInvariants(e, { quiescent: true, touched: true })).toEqual([]);
    I[flagsAt] = 0;
    expect(checkInvariants(e, { quiescent: true, touched: true })).toEqual([]);
    expect(checkInvariants(e, { quiescent: true, full: true })).toEqual([]);
  });
});
