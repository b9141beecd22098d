// Every host path that takes a model's flags carries both config words (CFG_FLAGS and
// CFG_FLAGS2). linux-2.4.0 and linux-2.4.10-pre set flags of word 1 (get-swap-page-eq0,
// drop-pte-deactivate-locked, is-page-shared): a path that took the flags as one number ran
// them with word 1 cleared, and nothing said so. Now each path takes both words (FlagWords, a
// ResolvedModel) and refuses word 0 alone; a word-1 flag reaches the model through each.
import { describe, it, expect } from "vitest";
import { resolveModel, nearestModel, printkReleaseOf, type FlagWords, type ResolvedModel } from "../../src/model/models.js";
import { DEFAULT_CONFIG, Engine, type MachineConfig } from "../../src/wasm/engine.js";
import { CFG, SCHED } from "../../src/wasm/abi.js";
import { HUNT_MACHINE, huntConfig, replayConfig } from "../../src/explore/machine.js";
import { Replayer } from "../../src/explore/execute.js";
import { ExhaustiveSearch, exhaustive } from "../../src/explore/exhaustive.js";
import { parseOpList } from "../../src/explore/exhaustive-cli.js";
import { HuntLoop, type HuntLoopSpec } from "../../src/explore/loop.js";
import { HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";
import { runCampaignInline } from "../../src/workers/campaign.js";
import type { HuntParams } from "../../src/workers/protocol.js";
import { InternalError } from "../../src/errors.js";

const pre = resolveModel("linux-2.4.10-pre");
/** The config block's word k of an engine, as the model reads it. */
const cfgWord = (e: Engine, k: number) => e.I32[(e.m.config_addr() >> 2) + k] >>> 0;
/** Word 0 alone, as the paths took it before (the cast is the point: plain JS, or a cast). */
const word0 = (m: ResolvedModel) => m.flags as unknown as FlagWords;
const noWord1 = (m: ResolvedModel) => ({ flags: m.flags }) as unknown as FlagWords;

const huntSpec = (m: ResolvedModel, sched: "pct" | "random", huntSeed: number): HuntLoopSpec => ({
  machine: HUNT_MACHINE,
  flags: m.flags,
  flags2: m.flags2,
  sched,
  depth: HUNT_DEFAULTS.depth,
  pctK: 200,
  huntSeed,
  workload: {
    cpus: HUNT_MACHINE.cpus,
    opsPerCpu: HUNT_DEFAULTS.opsPerCpu,
    pagesPerMm: HUNT_MACHINE.pagesPerMm,
    mms: HUNT_MACHINE.mms,
    shareMm: HUNT_DEFAULTS.shareMm,
    writeRatio: HUNT_DEFAULTS.writeRatio,
  },
});

describe("a model's second flag word on every host path", () => {
  it("linux-2.4.10-pre has flags of word 1 (what a path must not drop)", () => {
    expect(pre.flags2).not.toBe(0);
    expect(pre.flagNames).toEqual(expect.arrayContaining(["get-swap-page-eq0", "drop-pte-deactivate-locked"]));
  });

  it("each path writes word 1 into the engine's config block", async () => {
    expect(huntConfig(HUNT_MACHINE, pre, SCHED.PCT).flags2).toBe(pre.flags2);
    expect(replayConfig(HUNT_MACHINE, pre).flags2).toBe(pre.flags2);
    const sizes = { cpus: 2, mms: 2, pagesPerMm: 64, frames: 512, areas: 1, slotsPerArea: 512 };
    expect(bulkMachineConfig(sizes, { ...pre, kswapd: true, seed: 1, sched: SCHED.RANDOM }).flags2).toBe(pre.flags2);
    const rep = await Replayer.create(HUNT_MACHINE, pre);
    expect([cfgWord(rep.e, CFG.FLAGS), cfgWord(rep.e, CFG.FLAGS2)]).toEqual([pre.flags, pre.flags2]);
    // The exhaustive search, on its own engine and on one it is handed (it configures it again).
    const e = await ExhaustiveSearch.engine(HUNT_MACHINE, pre);
    expect(cfgWord(e, CFG.FLAGS2)).toBe(pre.flags2);
    e.configure({ ...DEFAULT_CONFIG });
    const machine = { ...HUNT_MACHINE, cpus: 2, pagesPerMm: 3 };
    await exhaustive({
      flags: pre.flags,
      flags2: pre.flags2,
      machine,
      ops: parseOpList("w0/r1", machine, true),
      preemptions: 0,
      engine: e,
    });
    expect(cfgWord(e, CFG.FLAGS2)).toBe(pre.flags2);
    const loop = new HuntLoop(await Engine.create("wasm", "untraced"), huntSpec(pre, "random", 1));
    expect(cfgWord(loop.e, CFG.FLAGS2)).toBe(pre.flags2);
  });

  it("each path refuses word 0 alone instead of running with word 1 cleared", async () => {
    const sizes = { cpus: 2, mms: 2, pagesPerMm: 64, frames: 512, areas: 1, slotsPerArea: 512 };
    for (const bad of [word0(pre), noWord1(pre)]) {
      expect(() => huntConfig(HUNT_MACHINE, bad, SCHED.PCT)).toThrow(InternalError);
      expect(() => replayConfig(HUNT_MACHINE, bad)).toThrow(InternalError);
      expect(() => nearestModel(bad)).toThrow(InternalError);
      expect(() => printkReleaseOf(bad)).toThrow(InternalError);
      await expect(Replayer.create(HUNT_MACHINE, bad)).rejects.toThrow(InternalError);
      await expect(ExhaustiveSearch.engine(HUNT_MACHINE, bad)).rejects.toThrow(InternalError);
      const e = await Engine.create("wasm", "untraced");
      expect(() => e.setFlags(bad)).toThrow(InternalError);
    }
    const e = await Engine.create("wasm", "untraced");
    const { flags2: _w1, ...config } = huntConfig(HUNT_MACHINE, pre, SCHED.PCT);
    expect(() => e.configure(config as MachineConfig)).toThrow(InternalError);
    const rest = { flags: pre.flags, kswapd: true, seed: 1, sched: SCHED.RANDOM };
    expect(() => bulkMachineConfig(sizes, rest as Parameters<typeof bulkMachineConfig>[1])).toThrow(InternalError);
    const { flags2: _f2, ...spec } = huntSpec(pre, "random", 1);
    expect(() => new HuntLoop(e, spec as HuntLoopSpec)).toThrow(InternalError);
    const params = { backend: "wasm", ...spec } as HuntParams;
    await expect(runCampaignInline({ job: { kind: "hunt", params }, firstSeed: 0, executions: 10 })).rejects.toThrow(InternalError);
  });

  it("a word-1 flag changes what a campaign job runs: it reaches the model through HuntParams", async () => {
    // unscaled-shrink-cache (word 1): 2.4.0's shrink_cache with 2.4.16's max_scan, which on
    // the hunt machine's short lists scans no page (test/mm/vmscan.test.ts): reclaim frees
    // nothing and nothing is swapped out. linux-2.4.0 as shipped swaps on the same seeds.
    const plain = resolveModel("linux-2.4.0");
    const withFlag = resolveModel("linux-2.4.0", ["unscaled-shrink-cache"]);
    expect(withFlag.flags).toBe(plain.flags);
    const run = (m: ResolvedModel) =>
      runCampaignInline({ job: { kind: "hunt", params: { backend: "wasm", ...huntSpec(m, "pct", 1) } }, firstSeed: 0, executions: 20 });
    const [a, b] = [await run(plain), await run(withFlag)];
    expect(a.stats.swapOuts).toBeGreaterThan(0);
    expect(a.stats.pagesFreed).toBeGreaterThan(0);
    expect([b.stats.swapOuts, b.stats.pagesFreed]).toEqual([0, 0]);
    expect(b.stats.reclaimScans).toBeGreaterThan(0);
  }, 60_000);
});
