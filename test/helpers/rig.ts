// The test rigs of the mm and race tests: a small machine with its state views and a way to
// run a procedure to its return, either under the run-to-completion scheduler (rtcRig) or
// driven step by step by the Director (directedRig, SCHED.REPLAY, the disk an agent of its
// own), plus the builders of swap state the tests share. The builders run the model's own
// procedures (get_swap_page, alloc_page, add_to_swap_cache, swap_duplicate) on CPU0 and write
// only what those leave to the caller (slot contents, ptes, page flags).
import { expect } from "vitest";
import type { Engine, MachineConfig } from "../../src/wasm/engine.js";
import { P, PG, STAT_NAMES, type StatName } from "../../src/wasm/abi.js";
import { resolveModel, FLAGS } from "../../src/model/models.js";
import { machine, state, runProc, startProc, AG, G, RUN, SCHED } from "./machine.js";
import { Director } from "./directed.js";

export type State = ReturnType<typeof state>;

/** The model flags of the kernel versions the tests run (src/model/models.ts). */
export const LINUX_2_4_0 = resolveModel("linux-2.4.0").flags;
export const LINUX_2_4_10 = resolveModel("linux-2.4.10-pre").flags;
export const LINUX_2_4_16 = resolveModel("linux-2.4.16").flags;
/** The readahead-refs flag bit (assembly/model.ts F_READAHEAD_REFS): valid_swaphandles takes a
 *  swap_map reference on every slot it counts (2.4.0, 2.4.9). */
export const F_READAHEAD_REFS = FLAGS.find((f) => f.name === "readahead-refs")!.bit;
/** The three versions, for describe.each / it.each: [name, flags]. */
export const VARIANTS = [
  ["2.4.16", LINUX_2_4_16],
  ["2.4.10-pre", LINUX_2_4_10],
  ["2.4.0", LINUX_2_4_0],
] as const;

/** Trace event ids (assembly/ EV_*, generated). */
export { EV } from "../../src/wasm/abi.js";

/** Statistics counter indices for s.stat (assembly/kernel/state.ts S_*, named as in STAT_NAMES). */
export const S = Object.fromEntries(STAT_NAMES.map((n, i) => [n, i])) as Record<StatName, number>;

/** Runs proc with args on CPU0 to its return and gives back its return value. */
export type Run = (proc: number, args?: number[]) => number;

/** What the builders below need: the state views and a way to run a procedure on CPU0. */
export interface Runner {
  s: State;
  run: Run;
}

/** A run-to-completion machine whose run() fails the test on a violation or on a run that
 *  does not end with every CPU done. */
export function rtcRig(config: Partial<MachineConfig> = {}) {
  const e = machine(config);
  const s = state(e);
  const run: Run = (proc, args = []) => {
    const r = runProc(e, 0, proc, args);
    expect(r.violation).toBe("none");
    expect(r.code).toBe(RUN.DONE);
    return r.ret;
  };
  return { e, s, run };
}

/** How a directed rig's call() runs a procedure to its return. The rigs differ here, and each
 *  says which it wants. */
export interface CallOptions {
  /** Turns the CPU gets, the disk (with `disk`) running after each to complete the I/O the
   *  CPU sleeps on, before the procedure must have returned. 1: it must return in one turn,
   *  without waiting for the disk. */
  rounds: number;
  /** Whether the disk runs in call(): after each of the CPU's turns, and once more after
   *  the return to finish the I/O the procedure queued (writes it does not wait for). */
  disk: boolean;
  /** Also fail the test on a violation recorded by the end of the call. */
  noViolation: boolean;
}

/** The directed tests' small machine: 2 CPUs, 32 frames, 2 mms of 16 pages, 32 slots an area,
 *  watermarks 0 (no allocation reclaims unless a test lowers the free count), readahead of one
 *  slot (page_cluster 0). A test spreads it and adds its flags and what it changes. */
export const SMALL_RIG = {
  cpus: 2,
  frames: 32,
  mms: 2,
  pagesPerMm: 16,
  slotsPerArea: 32,
  freeMin: 0,
  freeLow: 0,
  pageCluster: 0,
} as const satisfies Partial<MachineConfig>;

/** The one-area machine of 16 frames, 2 mms of 8 pages and 8 slots (no kswapd, watermarks 0,
 *  page_cluster 0) that many directed tests of a single entry start from. */
export const TINY_RIG = {
  cpus: 2,
  frames: 16,
  mms: 2,
  pagesPerMm: 8,
  slotsPerArea: 8,
  areas: 1,
  kswapd: false,
  freeMin: 0,
  freeLow: 0,
  pageCluster: 0,
} as const satisfies Partial<MachineConfig>;

/** TINY_RIG (with `sizes` changed) on model `model` as shipped (both flag words). */
export function tinyModelRig(model: string, calls: CallOptions, sizes: Partial<MachineConfig> = {}) {
  const m = resolveModel(model);
  return directedRig({ ...TINY_RIG, ...sizes, flags: m.flags, flags2: m.flags2 }, calls);
}

/** A directed machine: config's CPUs + the disk (agent `disk`), nothing running, every step
 *  chosen through the Director d (SCHED.REPLAY; traceCap 1 << 14 unless config says), on
 *  `engine` if given (else the traced Wasm build). */
export function directedRig(config: Partial<MachineConfig>, calls: CallOptions, engine?: Engine) {
  const e = machine({ traceCap: 1 << 14, ...config, sched: SCHED.REPLAY }, engine);
  const s = state(e);
  const d = new Director(e);
  const disk = e.config.cpus;

  /** Puts proc on an idle CPU with a final op stream; it runs when the director chooses it. */
  const start = (cpu: number, proc: number, args: number[] = []) => {
    startProc(e, cpu, proc, args);
    e.m.ops_end(cpu);
  };
  /** Gives an idle CPU an op stream (OP_* words from makeOp) to run after anything started. */
  const ops = (cpu: number, list: number[]) => {
    expect(e.appendOps(cpu, Int32Array.from(list), list.length)).toBe(list.length);
    e.m.ops_end(cpu);
  };
  /** Drains the agents in the given order, round after round, until every CPU among them
   *  has returned from what it was started with (empty stack), for at most `rounds` rounds. */
  const finish = (agents: number[], rounds: number) => {
    const cpus = agents.filter((a) => a !== disk);
    for (let i = 0; i < rounds && cpus.some((c) => s.agent(c, AG.SP) !== 0); i++) {
      for (const a of agents) d.drain(a);
    }
  };
  /** Runs proc on cpu to its return (as `calls` says) and gives back its return value. */
  const call = (cpu: number, proc: number, args: number[] = []) => {
    start(cpu, proc, args);
    finish(calls.disk ? [cpu, disk] : [cpu], calls.rounds);
    expect(s.agent(cpu, AG.SP), `${proc} returned`).toBe(0); // not stuck, not asleep
    if (calls.disk) d.drain(disk);
    if (calls.noViolation) expect(d.violation()).toBe("none");
    return e.m.agent_ret(cpu);
  };
  const run: Run = (proc, args = []) => call(0, proc, args);

  return { e, s, d, disk, start, ops, finish, call, run };
}

/** The swap pte for entry (not present: bit 0 clear, the entry above it). */
export const swapPte = (entry: number) => entry << 1;

/** Makes mm[page] a swap pte for entry, last written with value (its shadow): the pte a
 *  swapped-out page leaves. The slot's content is the caller's. */
export function setSwapPte(s: State, mm: number, page: number, entry: number, value: number) {
  s.setPte(mm, page, swapPte(entry));
  s.setShadow(mm, page, value);
}

/** Takes a slot with get_swap_page and gives it content, as a swapped-out pte would (the
 *  slot's one reference stands for that pte). */
export function useSlot(r: Runner, content: number): number {
  const entry = r.run(P.get_swap_page);
  expect(entry).not.toBe(0);
  r.s.setSlotContent(entry, content);
  return entry;
}

/** A swapped-out page: a slot from get_swap_page with content, held by mm[page]'s pte. */
export function swappedOut(r: Runner, mm: number, page: number, content: number): number {
  const entry = useSlot(r, content);
  setSwapPte(r.s, mm, page, entry, content);
  return entry;
}

/** A page from alloc_page added to the swap cache for entry by add_to_swap_cache: locked,
 *  held by the caller and by the cache. */
export function addCachePage(r: Runner, entry: number): number {
  const page = r.run(P.alloc_page);
  expect(page).not.toBe(0);
  // Every kernel's callers lock the page first (2.4.0's add BUGs on an unlocked one).
  r.s.setFlags(page, r.s.flags(page) | PG.LOCKED);
  expect(r.run(P.add_to_swap_cache, [page, entry])).toBe(0);
  return page;
}

/** Puts an uptodate, unlocked page holding the slot's content in the swap cache for entry.
 *  keepRef: the caller keeps alloc_page's reference (else only the cache's remains).
 *  swapRef: the cache holds its own swap_map reference on every version (2.4.16's add takes
 *  it itself; before, add_to_swap_cache's caller did: then a swap_duplicate takes it). */
export function cachePage(r: Runner, entry: number, opts: { keepRef: boolean; swapRef: boolean }): number {
  const { s } = r;
  const before = s.swapCount(entry);
  const page = addCachePage(r, entry);
  if (opts.swapRef && s.swapCount(entry) === before) expect(r.run(P.swap_duplicate, [entry])).toBe(1);
  s.setFlags(page, (s.flags(page) | PG.UPTODATE) & ~PG.LOCKED);
  s.setContent(page, s.slotContent(entry));
  if (!opts.keepRef) s.setCount(page, s.count(page) - 1);
  return page;
}

/** CPU `cpu` of a directed rig holds pagemap_lru_lock from one step to the next: a clean
 *  swap-cache page only the cache holds (a slot's first use) is put at the inactive list's
 *  tail, and the CPU's try_to_free_pages is stepped up to the section where reclaim holds the
 *  lock (refill_inactive, or shrink_cache, which takes that page with it held and stops for
 *  pagecache_lock). */
export function holdLruLock(r: ReturnType<typeof directedRig>, cpu: number): void {
  cachePage(r, useSlot(r, 1), { keepRef: false, swapRef: true });
  r.start(cpu, P.try_to_free_pages);
  for (let n = 0; n < 50 && r.s.g(G.LRU_LOCK) !== cpu + 1; n++) expect(r.d.step(cpu)).toBe(true);
  expect(r.s.g(G.LRU_LOCK)).toBe(cpu + 1); // the holder's agent + 1
}
