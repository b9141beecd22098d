// A repro walked step by step, for the HTML report's stepper: the repro is replayed in the
// model (src/explore/execute.ts Replayer: the choice log, repaired as `faultsim replay` repairs
// it), then run again one step at a time, and after each step the state a reader follows is
// read through the ABI (src/wasm/abi.ts): each agent's state and procedure stack (the frames of
// assembly/kernel/frame.ts), the lock words (owner + 1, assembly/kernel/locks.ts), the ptes,
// swap_map, and each frame's count, flags and index (the swap cache is the frames with
// PG_swapcache, keyed by index). The state is one flat vector of named segments; the first is
// kept whole and each step only as the words it changed, so a 16K-step repro stays small.
import type { Backend } from "../../wasm/engine.js";
import {
  A,
  AG,
  AGENT_WORDS,
  AREA_WORDS,
  FRAME_WORDS,
  G,
  LAYOUT,
  MM,
  MM_WORDS,
  PG,
  PROC_NAMES,
  R,
  RUN,
  ST,
  STACK_FRAMES,
} from "../../wasm/abi.js";
import { decodeSchedule, type Repro } from "../repro.js";
import { Replayer, type Verdict } from "../../explore/execute.js";
import { describeEvent, type PrintkRelease } from "../events/index.js";
import { objectTokens } from "../kcsan.js";
import { EV, type TraceRecord } from "../trace.js";
import { fmtOp } from "../diagram.js";
import { InternalError } from "../../errors.js";
import { printkReleaseOf, reproFlagWords } from "../../model/models.js";

/** Where each part of the state vector starts, and its shape. */
export interface StepLayout {
  /** Agents: CPUs, then the disk, then kswapd when the machine has one. */
  agents: string[];
  /** Per agent: [state, op, bkl depth, sp], then STACK_FRAMES x [proc, pc] (-1 above sp). */
  agentAt: number;
  agentWords: number;
  /** Lock words (owner agent + 1, 0 = free; mmap_sem: minus its readers when read-held). */
  locks: string[];
  locksAt: number;
  mms: number;
  pages: number;
  /** mms x pages pte words (abi.ts pteFrame, pteEntry). */
  ptesAt: number;
  areas: number;
  slots: number;
  /** areas x slots swap_map counts. */
  swapMapAt: number;
  frames: number;
  /** frames x [count, flags, index]. */
  framesAt: number;
  /** nr_free_pages, nr_swap_pages, nr_active_pages, nr_inactive_pages. */
  countersAt: number;
  size: number;
}

/** What the stepper shows: the state before the first step, each step's changes, and the
 *  violation at the step it was found. */
export interface StepperData {
  title: string;
  layout: StepLayout;
  procNames: readonly string[];
  /** The state before any step ran. */
  initial: number[];
  /** Per step: the agent that ran it, the words it changed as [index, value, ...], and what
   *  the trace says it did. */
  steps: { agent: number; delta: number[]; events: string[] }[];
  /** Each CPU's ops in words. */
  ops: string[];
  violation?: {
    id: string;
    message: string;
    agent: number;
    /** The step after which it was found (the last: the replay stops there). */
    step: number;
    /** Objects the message names: "E0:3", "page 4", "mm0[2]". */
    objects: string[];
  };
  /** The replay found something else than the repro's signature (or nothing). */
  reproduced: boolean;
  diverged: boolean;
}

const AGENT_HEAD = 4;
const GLOBAL_LOCKS: [string, number][] = [
  ["BKL", G.BKL],
  ["pagemap_lru_lock", G.LRU_LOCK],
  ["pagecache_lock", G.PCL],
  ["swaplock (swap_list_lock)", G.SLL],
  ["mmlist_lock", G.MMLIST_LOCK],
  ["tasklist_lock", G.TASKLIST_LOCK],
];

function layoutOf(r: Repro, agents: number): StepLayout {
  const m = r.machine;
  const names = [...Array.from({ length: m.cpus }, (_, i) => `CPU${i}`), "disk", ...(m.kswapd ? ["kswapd"] : [])].slice(0, agents);
  const locks = [
    ...GLOBAL_LOCKS.map(([n]) => n),
    ...Array.from({ length: m.mms }, (_, i) => [`mm${i} page_table_lock`, `mm${i} mmap_sem`]).flat(),
    ...Array.from({ length: m.areas }, (_, a) => `swap area ${a} sdev_lock`),
  ];
  const agentWords = AGENT_HEAD + 2 * STACK_FRAMES;
  let at = 0;
  const take = (n: number) => {
    const here = at;
    at += n;
    return here;
  };
  const L = {
    agents: names,
    agentAt: take(agents * agentWords),
    agentWords,
    locks,
    locksAt: take(locks.length),
    mms: m.mms,
    pages: m.pagesPerMm,
    ptesAt: take(m.mms * m.pagesPerMm),
    areas: m.areas,
    slots: m.slotsPerArea,
    swapMapAt: take(m.areas * m.slotsPerArea),
    frames: m.frames,
    framesAt: take(m.frames * 3),
    countersAt: take(4),
    size: 0,
  };
  L.size = at;
  return L;
}

/** Reads the state vector of the engine's machine now. */
function readState(rep: Replayer, L: StepLayout, out: Int32Array): void {
  const e = rep.e;
  const I = e.I32;
  const U16 = e.U16;
  const agents = e.region(R.AGENTS) >> 2;
  const stacks = e.region(R.STACKS) >> 2;
  for (let a = 0; a < L.agents.length; a++) {
    const w = agents + a * AGENT_WORDS;
    const o = L.agentAt + a * L.agentWords;
    const sp = I[w + AG.SP];
    out[o] = I[w + AG.STATE];
    out[o + 1] = I[w + AG.OP];
    out[o + 2] = I[w + AG.BKL_DEPTH];
    out[o + 3] = sp;
    for (let d = 0; d < STACK_FRAMES; d++) {
      const f = stacks + (a * STACK_FRAMES + d) * FRAME_WORDS;
      // The frame's pc without the resume-now mark (frame.ts now()).
      out[o + AGENT_HEAD + 2 * d] = d < sp ? I[f] : -1;
      out[o + AGENT_HEAD + 2 * d + 1] = d < sp ? I[f + 1] & 0xffff : -1;
    }
  }
  const g = e.region(R.GLOBALS) >> 2;
  const mms = e.region(R.MMS) >> 2;
  const areas = e.region(R.AREAS) >> 2;
  let k = L.locksAt;
  for (const [, word] of GLOBAL_LOCKS) out[k++] = I[g + word];
  for (let mm = 0; mm < L.mms; mm++) {
    out[k++] = I[mms + mm * MM_WORDS + MM.PTL];
    out[k++] = I[mms + mm * MM_WORDS + MM.SEM];
  }
  for (let a = 0; a < L.areas; a++) out[k++] = I[areas + a * AREA_WORDS + A.SDL];
  const ptes = e.region(R.PTES) >> 2;
  const pagesShift = e.layoutValue(LAYOUT.PAGES_SHIFT);
  for (let mm = 0; mm < L.mms; mm++) for (let p = 0; p < L.pages; p++) out[L.ptesAt + mm * L.pages + p] = I[ptes + (mm << pagesShift) + p];
  const map = e.region(R.SWAP_MAP) >> 1;
  const slotsShift = e.layoutValue(LAYOUT.SLOTS_SHIFT);
  for (let a = 0; a < L.areas; a++) for (let s = 0; s < L.slots; s++) out[L.swapMapAt + a * L.slots + s] = U16[map + (a << slotsShift) + s];
  const count = e.region(R.PG_COUNT) >> 2;
  const flags = e.region(R.PG_FLAGS) >> 2;
  const index = e.region(R.PG_INDEX) >> 2;
  for (let f = 0; f < L.frames; f++) {
    out[L.framesAt + 3 * f] = I[count + f];
    out[L.framesAt + 3 * f + 1] = I[flags + f];
    out[L.framesAt + 3 * f + 2] = I[index + f];
  }
  const c = L.countersAt;
  out[c] = I[g + G.NR_FREE];
  out[c + 1] = I[g + G.NR_SWAP_PAGES];
  out[c + 2] = I[g + G.NR_ACTIVE];
  out[c + 3] = I[g + G.NR_INACTIVE];
}

/** What each step did in words: its trace records, by step (call and section markers left out). */
function eventsByStep(records: readonly TraceRecord[], steps: number, release: PrintkRelease): string[][] {
  const out: string[][] = Array.from({ length: steps }, () => []);
  for (const r of records) {
    if (r.step < 0 || r.step >= steps || r.event === EV.SECTION) continue;
    const proc = PROC_NAMES[r.proc] ?? `proc${r.proc}`;
    const text = describeEvent(r.event, r.a, r.b, r.c, undefined, { release, proc: r.proc });
    out[r.step].push(`${proc} [${r.pc}]: ${text}`);
  }
  return out;
}

/** Replays a repro and records the state after every step. */
export async function stepperData(r: Repro, backend: Backend = "wasm", title = "repro"): Promise<StepperData> {
  const rep = await Replayer.create(r.machine, reproFlagWords(r), backend);
  const first = rep.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  const executed = Array.from(first.schedule);
  const e = rep.e;
  const L = layoutOf(r, e.layoutValue(LAYOUT.AGENTS));
  // The same execution again, one step at a time, on the schedule it actually ran.
  e.setSeed(r.seed);
  e.reset();
  e.loadChoices(executed);
  e.loadOps(r.ops);
  const prev = new Int32Array(L.size);
  const now = new Int32Array(L.size);
  readState(rep, L, prev);
  const initial = Array.from(prev);
  const words = eventsByStep(first.records ?? [], executed.length, printkReleaseOf(reproFlagWords(r)));
  const steps: StepperData["steps"] = [];
  let code: number = RUN.LIMIT;
  for (let i = 0; i < executed.length && code === RUN.LIMIT; i++) {
    code = e.run(1);
    readState(rep, L, now);
    const delta: number[] = [];
    for (let k = 0; k < L.size; k++) {
      if (now[k] !== prev[k]) {
        delta.push(k, now[k]);
        prev[k] = now[k];
      }
    }
    steps.push({ agent: executed[i] & 15, delta, events: words[i] });
  }
  if (steps.length !== executed.length) {
    throw new InternalError(`the stepped replay ended after ${steps.length} of ${executed.length} steps`);
  }
  return {
    title,
    layout: L,
    procNames: PROC_NAMES,
    initial,
    steps,
    ops: r.ops.map((ops, cpu) => `CPU${cpu}: ${ops.length ? ops.map(fmtOp).join(", ") : "(nothing)"}`),
    ...(first.verdict ? { violation: violationOf(first.verdict, steps.length) } : {}),
    reproduced: first.verdict?.signature === r.signature,
    diverged: first.diverged,
  };
}

function violationOf(v: Verdict, steps: number): NonNullable<StepperData["violation"]> {
  return { id: v.id, message: v.message, agent: v.agent, step: steps, objects: objectTokens(v.message) };
}

/** Agent states by number, for the page (abi.ts ST). */
export const AGENT_STATES: string[] = Object.entries(ST)
  .sort((a, b) => a[1] - b[1])
  .map(([k]) => k.toLowerCase());

/** Page flag letters for the page (abi.ts PG), lowest bit first. */
export const PAGE_FLAGS: [string, number][] = Object.entries(PG).map(([k, v]) => [k.toLowerCase(), v]);
