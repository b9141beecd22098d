// Small machines and hand-built states for tests of single kernel paths.
import { Engine, DEFAULT_CONFIG, type MachineConfig } from "../../src/wasm/engine.js";
import type { ReproMachine } from "../../src/report/repro.js";
import type { HuntWorkload } from "../../src/explore/workload.js";
import { parseMix } from "../../src/explore/mix.js";
import type { MachineSizes, WorkloadOptions } from "../../src/bulk/config.js";
import { MODELS, resolveModel } from "../../src/model/models.js";
import { R, G, AG, A, MM, F2, P, PG, AGENT_WORDS, AREA_WORDS, MM_WORDS, SCHED, RUN, VIOLATION_IDS, swpEntry } from "../../src/wasm/abi.js";

export { R, G, AG, A, MM, SCHED, RUN, swpEntry };

/** A booted machine (run-to-completion scheduler unless overridden), ops not loaded: on a new
 *  Wasm engine, or on `e` (a JS one, say). A config whose `flags` is exactly a shipped model's
 *  word 0 (rig.ts LINUX_2_4_0, ...) and gives no `flags2` runs that model's word 1 too, so a
 *  test of linux-2.4.0 or linux-2.4.10-pre runs the whole release; any other word 0 (a model
 *  with a flag added or removed) runs word 1 as `flags2` says, 0 when it says nothing. */
export function machine(over: Partial<MachineConfig> = {}, e: Engine = Engine.wasm()): Engine {
  const flags2 = over.flags2 ?? (over.flags !== undefined ? shippedWord1(over.flags) : undefined) ?? DEFAULT_CONFIG.flags2;
  e.configure({ ...DEFAULT_CONFIG, sched: SCHED.RTC, ...over, flags2 });
  e.reset();
  return e;
}

const word1ByWord0 = new Map(MODELS.map((m) => resolveModel(m.name)).map((r) => [r.flags, r.flags2] as const));

/** Word 1 of the shipped model whose word 0 is exactly `flags`, if there is one. */
export const shippedWord1 = (flags: number): number | undefined => word1ByWord0.get(flags);

/** Views with named accessors over the machine's state (valid until memory grows). */
export function state(e: Engine) {
  const I = e.I32;
  const U16 = e.U16;
  const w = (r: number) => e.region(r) >> 2;
  const slotsShift = Math.ceil(Math.log2(e.config.slotsPerArea));
  const pagesShift = Math.ceil(Math.log2(e.config.pagesPerMm));
  const slot = (entry: number) => ((entry >>> 24) << slotsShift) | (entry & 0xffffff);
  const swapCache = () => {
    const out: number[] = [];
    for (let f = 1; f < e.config.frames; f++) if (I[w(R.PG_FLAGS) + f] & PG.SWAPCACHE) out.push(f);
    return out;
  };
  return {
    I,
    g: (k: number) => I[w(R.GLOBALS) + k],
    setG: (k: number, v: number) => {
      I[w(R.GLOBALS) + k] = v;
    },
    count: (f: number) => I[w(R.PG_COUNT) + f],
    setCount: (f: number, v: number) => {
      I[w(R.PG_COUNT) + f] = v;
    },
    flags: (f: number) => I[w(R.PG_FLAGS) + f],
    setFlags: (f: number, v: number) => {
      I[w(R.PG_FLAGS) + f] = v;
    },
    index: (f: number) => I[w(R.PG_INDEX) + f],
    setIndex: (f: number, v: number) => {
      I[w(R.PG_INDEX) + f] = v;
    },
    content: (f: number) => I[w(R.PG_CONTENT) + f],
    setContent: (f: number, v: number) => {
      I[w(R.PG_CONTENT) + f] = v;
    },
    swapCount: (entry: number) => U16[(e.region(R.SWAP_MAP) >> 1) + slot(entry)],
    setSwapCount: (entry: number, v: number) => {
      U16[(e.region(R.SWAP_MAP) >> 1) + slot(entry)] = v;
    },
    slotContent: (entry: number) => I[w(R.SLOT_CONTENT) + slot(entry)],
    setSlotContent: (entry: number, v: number) => {
      I[w(R.SLOT_CONTENT) + slot(entry)] = v;
    },
    area: (a: number, k: number) => I[w(R.AREAS) + a * AREA_WORDS + k],
    setArea: (a: number, k: number, v: number) => {
      I[w(R.AREAS) + a * AREA_WORDS + k] = v;
    },
    mm: (m: number, k: number) => I[w(R.MMS) + m * MM_WORDS + k],
    setMm: (m: number, k: number, v: number) => {
      I[w(R.MMS) + m * MM_WORDS + k] = v;
    },
    pte: (m: number, p: number) => I[w(R.PTES) + (m << pagesShift) + p],
    setPte: (m: number, p: number, v: number) => {
      I[w(R.PTES) + (m << pagesShift) + p] = v;
    },
    shadow: (m: number, p: number) => I[w(R.SHADOW) + (m << pagesShift) + p],
    setShadow: (m: number, p: number, v: number) => {
      I[w(R.SHADOW) + (m << pagesShift) + p] = v;
    },
    agent: (a: number, k: number) => I[w(R.AGENTS) + a * AGENT_WORDS + k],
    setAgent: (a: number, k: number, v: number) => {
      I[w(R.AGENTS) + a * AGENT_WORDS + k] = v;
    },
    /** Statistic k (state.ts S_*; named indices: S in test/helpers/rig.ts). */
    stat: (k: number) => I[w(R.STATS) + k],
    /** The temporary swap_map references held on entry's slot (readahead refs). */
    tmpRefs: (entry: number) => I[w(R.SWAP_TMP) + slot(entry)],
    /** The frames on the free stack, bottom first (a machine of up to 65,537 frames writes
     *  every position: assembly/kernel/state.ts freeFilled). */
    freeStack: () => Array.from(I.subarray(w(R.FREE_STACK), w(R.FREE_STACK) + I[w(R.GLOBALS) + G.NR_FREE])),
    /** Every page in the swap cache (frames 1.., ascending). */
    swapCache,
    /** The pages the swap cache holds for entry (more than one is a swapcache-unique break). */
    cacheOf: (entry: number) => swapCache().filter((f) => I[w(R.PG_INDEX) + f] === entry),
    /** The lowest page the swap cache holds for entry, 0 if none. */
    cachedPageOf: (entry: number) => swapCache().find((f) => I[w(R.PG_INDEX) + f] === entry) ?? 0,
    slot,
  };
}

/** e.m.start_proc(cpu, proc, args). A direct swap_out_mm is started as swap_out would call it:
 *  after its pick (assembly/mm/vmscan.ts swap_out_pick), with swap_mm on that mm and a
 *  swap_address at TASK_SIZE (pagesPerMm + 1: one past the stack's vma) back at 0 (2.4.16's
 *  pick; one at vm_end, pagesPerMm, stays; pre9's and 2.4.0's picks leave it). Without that, a
 *  second walk of one mm would back out
 *  under 2.4.16's "We raced" check (swap_out_mm is swap_out's helper, never called alone).
 *  Under swap-cnt (2.4.0) the pick is the select, which walks only an mm with swap_cnt left:
 *  one with none gets what the select's refresh gives it (rss >> 5, at least 8). */
export function startProc(e: Engine, cpu: number, proc: number, args: readonly number[] = []): void {
  const a = [...args, 0, 0, 0, 0];
  if (proc === P.swap_out_mm) {
    const mm = a[0] | 0;
    const s = state(e);
    s.setG(G.SWAP_MM, mm);
    const own = (e.config.flags2 & (F2.SWAP_AMOUNT | F2.SWAP_CNT)) !== 0; // pre9's and 2.4.0's picks leave swap_address alone
    if (!own && s.mm(mm, MM.SWAP_CURSOR) > e.config.pagesPerMm) s.setMm(mm, MM.SWAP_CURSOR, 0);
    if ((e.config.flags2 & F2.SWAP_CNT) !== 0 && s.mm(mm, MM.SWAP_CNT) === 0) s.setMm(mm, MM.SWAP_CNT, Math.max(s.mm(mm, MM.RSS) >> 5, 8));
  }
  e.m.start_proc(cpu, proc, a[0] | 0, a[1] | 0, a[2] | 0, a[3] | 0);
}

/** Starts procedures on idle CPUs of a machine (run-to-completion or random scheduler),
 *  ends every CPU's op stream and runs until all are done; returns the run code and violation. */
export function runProcs(e: Engine, starts: { cpu: number; proc: number; args?: number[] }[], maxSteps = 100000) {
  for (const { cpu, proc, args = [] } of starts) startProc(e, cpu, proc, args);
  for (let c = 0; c < e.config.cpus; c++) e.m.ops_end(c);
  const code = e.run(maxSteps);
  const viol = e.global(G.VIOL);
  return { code, violation: VIOLATION_IDS[viol] ?? String(viol) };
}

/** Runs procedure `proc` with args on CPU `cpu` of an otherwise idle machine, to completion. */
export function runProc(e: Engine, cpu: number, proc: number, args: number[] = [], maxSteps = 100000) {
  const { code, violation } = runProcs(e, [{ cpu, proc, args }], maxSteps);
  return { code, ret: e.m.agent_ret(cpu), violation };
}

/** A hunt workload of threads of one mm on machine `m`, half of the ops writes, with `mix`'s
 *  op kinds over m's swap areas when given. */
export function threadsWorkload(m: ReproMachine, opsPerCpu: number, mix?: string): HuntWorkload {
  return {
    cpus: m.cpus,
    opsPerCpu,
    pagesPerMm: m.pagesPerMm,
    mms: m.mms,
    shareMm: true,
    writeRatio: 0.5,
    ...(mix ? { mix: parseMix(mix), areas: m.areas } : {}),
  };
}

/** A bulk run's generated workload sized by `sizes`: threads of each mm, hot/cold accesses,
 *  40% writes, no fork, exit, munmap, swapoff or swapon unless `over` sets them. */
export function bulkWorkload(
  sizes: Pick<MachineSizes, "cpus" | "mms" | "pagesPerMm" | "areas">,
  over: Partial<WorkloadOptions> = {},
): WorkloadOptions {
  return {
    cpus: sizes.cpus,
    mms: sizes.mms,
    pagesPerMm: sizes.pagesPerMm,
    areas: sizes.areas,
    pattern: "hotcold",
    writeRatio: 0.4,
    threads: true,
    forkRate: 0,
    exitRate: 0,
    munmapRate: 0,
    swapoffRate: 0,
    swaponRate: 0,
    ...over,
  };
}
