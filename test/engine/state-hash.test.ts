// engine.ts stateHash hashes the state arrays in the model without reading what the machine
// cannot have written since its boot (assembly/kernel/hash.ts fnv_state_arrays: frames above
// touched_frames, swap-cache buckets nobody listed, the I/O ring past its tail). It must give
// the value of stateHashWhole, which reads every word, on every state a run can reach: bulk
// runs with reclaim, forks, exits, munmaps, swapoff and swapon, in both builds; hunt
// executions, whose boots clear only what was touched; a machine laid out anew.
import { describe, expect, it } from "vitest";
import { Engine, wasmModule, type Backend } from "../../src/wasm/engine.js";
import { R, SCHED } from "../../src/wasm/abi.js";
import { runBulk } from "../../src/bulk/run.js";
import { checkInvariants } from "../../src/invariants/check.js";
import { bulkMachineConfig, type WorkloadOptions } from "../../src/bulk/config.js";
import { resolveModel } from "../../src/model/models.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase } from "../../src/explore/workload.js";
import { parseMix } from "../../src/explore/mix.js";
import { bulkWorkload, threadsWorkload } from "../helpers/machine.js";

interface BulkCase {
  name: string;
  model: string;
  sizes: { cpus: number; mms: number; pagesPerMm: number; frames: number; areas: number; slotsPerArea: number };
  workload: Partial<WorkloadOptions>;
  ops: number;
}

const CASES: BulkCase[] = [
  // Far more frames than the run touches: the skipped part is most of the state.
  {
    name: "large and idle",
    model: "linux-2.4.16",
    sizes: { cpus: 2, mms: 2, pagesPerMm: 256, frames: 8192, areas: 1, slotsPerArea: 1024 },
    workload: {},
    ops: 3000,
  },
  // Reclaim at about 4x: every frame touched, buckets past the list, the ring gone round.
  {
    name: "under reclaim",
    model: "linux-2.4.16",
    sizes: { cpus: 3, mms: 4, pagesPerMm: 256, frames: 256, areas: 2, slotsPerArea: 1024 },
    workload: {},
    ops: 20000,
  },
  // Forks, exits, munmaps, swapoff and swapon on the older kernels.
  {
    name: "fork, exit, munmap, swapoff",
    model: "linux-2.4.10-pre",
    sizes: { cpus: 3, mms: 4, pagesPerMm: 256, frames: 600, areas: 2, slotsPerArea: 512 },
    workload: { forkRate: 0.01, exitRate: 0.005, munmapRate: 0.01, swapoffRate: 0.001, swaponRate: 0.001 },
    ops: 20000,
  },
  {
    name: "linux-2.4.0 with swapoff",
    model: "linux-2.4.0",
    sizes: { cpus: 2, mms: 3, pagesPerMm: 256, frames: 400, areas: 2, slotsPerArea: 512 },
    workload: { forkRate: 0.005, exitRate: 0.002, swapoffRate: 0.002, swaponRate: 0.002 },
    ops: 15000,
  },
];

/** Runs the case, comparing the two hashes at every deep check and at the end; the pairs. */
async function hashesAlong(c: BulkCase, backend: Backend): Promise<[string, string][]> {
  const model = resolveModel(c.model);
  const machine = bulkMachineConfig(c.sizes, { flags: model.flags, flags2: model.flags2, kswapd: true, seed: 5, sched: SCHED.RANDOM });
  const workload = bulkWorkload(c.sizes, c.workload);
  const pairs: [string, string][] = [];
  const engine = backend === "js" ? await Engine.js() : Engine.wasm(wasmModule("untraced"));
  await runBulk({
    backend,
    engine,
    machine,
    workload,
    seed: 5,
    ops: c.ops,
    checkInterval: 4000,
    checker: (e) => {
      pairs.push([e.stateHash(), e.stateHashWhole()]);
      return [];
    },
  });
  pairs.push([engine.stateHash(), engine.stateHashWhole()]);
  return pairs;
}

describe("the state hash without the untouched words", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: the whole read's value at every deep check (Wasm)", async (_n, c) => {
    const pairs = await hashesAlong(c, "wasm");
    expect(pairs.length).toBeGreaterThan(2);
    for (const [i, [fast, whole]] of pairs.entries()) expect(fast, `check ${i}`).toBe(whole);
    // The run moved the state: not one hash repeated throughout.
    expect(new Set(pairs.map((p) => p[1])).size).toBeGreaterThan(1);
  });

  it("the JS build hashes as the Wasm does", async () => {
    const c = CASES[2];
    const [wasm, js] = [await hashesAlong(c, "wasm"), await hashesAlong(c, "js")];
    expect(js).toEqual(wasm);
  });

  it("does skip the untouched frames: a word written above the bound is not seen", async () => {
    // The proof that the fast path runs at all (a fall back to the whole read would pass the
    // tests above too): a word no kernel path writes, in a frame no run reached.
    const c = CASES[0];
    const model = resolveModel(c.model);
    const e = Engine.wasm(wasmModule("untraced"));
    e.configure(bulkMachineConfig(c.sizes, { flags: model.flags, flags2: model.flags2, kswapd: true, seed: 5, sched: SCHED.RANDOM }));
    e.reset();
    expect(e.stateHash()).toBe(e.stateHashWhole());
    const last = (e.region(R.PG_FLAGS) >> 2) + c.sizes.frames - 1;
    e.I32[last] = 0x40;
    expect(e.stateHash()).not.toBe(e.stateHashWhole());
    e.I32[last] = 0;
    expect(e.stateHash()).toBe(e.stateHashWhole());
  });

  it("hunt executions on a machine with more buckets than the list holds: the listed ones", () => {
    // 34 frames: 64 buckets, more than HASH_TOUCHED_MAX, so the heads are read from the list;
    // 32 ops a CPU reclaim, and most executions end with pages in the swap cache (checked).
    const m = { ...HUNT_MACHINE, frames: 34, pagesPerMm: 64, slotsPerArea: 64 };
    const e = Engine.wasm(wasmModule("untraced"));
    e.configure(huntConfig(m, resolveModel("linux-2.4.16"), SCHED.RANDOM, 4, 40));
    configureHuntWorkload(e.m, threadsWorkload(m, 32));
    let cached = 0;
    for (let n = 0; n < 300; n++) {
      e.m.hunt_execution(huntSeedBase(4), n, HUNT_LOGCAP);
      expect(e.stateHash(), `execution ${n}`).toBe(e.stateHashWhole());
      if (e.I32.subarray(e.region(R.HASH_HEAD) >> 2, e.region(R.PTES) >> 2).some((w) => w !== 0)) cached++;
    }
    expect(cached).toBeGreaterThan(100);
  });

  it("hunt executions, whose boots clear only what was touched, and a machine laid out anew", () => {
    const mixed = { ...HUNT_MACHINE, mms: 2, areas: 2 };
    const e = Engine.wasm(wasmModule("untraced"));
    const model = resolveModel("linux-2.4.10-pre");
    e.configure(huntConfig(mixed, model, SCHED.RANDOM, 4, 40));
    configureHuntWorkload(e.m, { ...threadsWorkload(mixed, 6), mix: parseMix("all"), areas: 2 });
    for (let n = 0; n < 200; n++) {
      e.m.hunt_execution(huntSeedBase(9), n, HUNT_LOGCAP);
      expect(e.stateHash(), `execution ${n}`).toBe(e.stateHashWhole());
    }
    // A smaller machine laid out over the hunt's memory, before its first boot: the old
    // layout's words may still be there, and the hash must read them.
    e.configure({ ...huntConfig({ ...mixed, frames: 5 }, model, SCHED.RANDOM, 4, 40) });
    expect(e.stateHash()).toBe(e.stateHashWhole());
    e.reset();
    expect(e.stateHash()).toBe(e.stateHashWhole());
  });
});

describe("a machine of more frames than its boot writes of the free stack (kernel/state.ts freeFilled)", () => {
  // 68,000 frames: the boot writes the free stack's top 65,536 positions, rmqueue the 2,463
  // below them once the free count reaches them (a uniform workload over 120,000 pages, under
  // reclaim by its end). The state hashes along the run are the ones the model gives when its
  // boot writes the whole stack (46b5c5e's boot; since 7607506's sections of alloc_page and
  // swap_out, measured on a private build of 7607506 with FREE_FILL_CHUNK 1 << 30, its
  // free_filled() 0 at every check), so every frame handed out is the same. (46b5c5e to
  // 7607506: 03d79b36, 19ef7a0c, ac6b3f59, b0a6181c, 8fba4eb4, 192235ab, 6a293970.)
  const sizes = { cpus: 2, mms: 4, pagesPerMm: 30000, frames: 68000, areas: 2, slotsPerArea: 32768 };
  const BEFORE = ["abc21932", "88179430", "4c7be417", "9e8309d8", "88695351", "cd17495c", "771ca969"];

  it("hands out the same frames, hashes and checks the unwritten positions as their frames", async () => {
    const model = resolveModel("linux-2.4.16");
    const machine = bulkMachineConfig(sizes, { flags: model.flags, flags2: model.flags2, kswapd: true, seed: 5, sched: SCHED.RANDOM });
    const workload = bulkWorkload(sizes, { pattern: "uniform", writeRatio: 0.4 });
    const e = Engine.wasm(wasmModule("untraced"));
    const seen: { hash: string; whole: string; filled: number; found: number }[] = [];
    const r = await runBulk({
      backend: "wasm",
      engine: e,
      machine,
      workload,
      seed: 5,
      ops: 250000,
      checkInterval: 200000,
      checker: (en, o) => {
        // The whole check reads the stack's every position (checkFreeList's boot prefix).
        const found = checkInvariants(en, { ...o, touched: false }).length;
        seen.push({ hash: en.stateHash(), whole: en.stateHashWhole(), filled: en.m.free_filled(), found });
        return checkInvariants(en, o);
      },
    });
    expect(r.violations).toEqual([]);
    expect(seen.map((s) => s.hash)).toEqual(BEFORE);
    for (const s of seen) {
      expect(s.whole).toBe(s.hash);
      expect(s.found).toBe(0);
    }
    // Not vacuous: the boot left positions unwritten, and the run reached them.
    expect(seen[0].filled).toBe(sizes.frames - 1 - 65536);
    expect(seen.at(-1)?.filled).toBe(0);
  });
});
