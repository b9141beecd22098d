// Pure parts of sharding: seed ranges, the order-respecting campaign hash, the seed-order merge.
import { describe, it, expect } from "vitest";
import { seedRanges, defaultChunk, emptySeqHash, seqPush, seqConcat, zeroStats } from "../../src/workers/shard.js";
import { mergeChunks } from "../../src/workers/campaign.js";
import type { CampaignSpec, ChunkResult, Execution } from "../../src/workers/protocol.js";

describe("seedRanges", () => {
  it("covers every seed once, in order, whatever the chunk size", () => {
    for (const chunk of [1, 2, 3, 7, 10, 11]) {
      const seeds = seedRanges(40, 10, chunk).flatMap((r) => Array.from({ length: r.count }, (_, i) => r.first + i));
      expect(seeds).toEqual(Array.from({ length: 10 }, (_, i) => 40 + i));
    }
  });
  it("wraps seeds as uint32", () => {
    const r = seedRanges(0xffffffff, 2, 1);
    expect(r.map((x) => x.first)).toEqual([0xffffffff, 0]);
  });
  it("refuses a bad chunk or count", () => {
    expect(() => seedRanges(0, 5, 0)).toThrow(RangeError);
    expect(() => seedRanges(0, -1, 1)).toThrow(RangeError);
    expect(defaultChunk(1, 8)).toBe(1);
  });
});

describe("sequence hash", () => {
  const words = [0xdeadbeef, 1, 2, 0x80000000, 12345, 0xffffffff, 7];
  const whole = emptySeqHash();
  for (const w of words) seqPush(whole, w);

  it("hash of a concatenation equals the hash of the whole, at every split", () => {
    for (let cut = 0; cut <= words.length; cut++) {
      const a = emptySeqHash(), b = emptySeqHash();
      words.slice(0, cut).forEach((w) => seqPush(a, w));
      words.slice(cut).forEach((w) => seqPush(b, w));
      expect(seqConcat(a, b)).toEqual(whole);
    }
  });
  it("depends on the order", () => {
    const swapped = emptySeqHash();
    for (const w of [words[1], words[0], ...words.slice(2)]) seqPush(swapped, w);
    expect(swapped.h).not.toBe(whole.h);
  });
});

describe("mergeChunks", () => {
  const exec = (seed: number, violation = "none"): Execution => ({
    seed, outcome: violation === "none" ? "done" : "violation", violation, steps: seed, stats: { ...zeroStats(), ops: 1 }, stateHash: "0000000" + (seed % 10),
  });
  const chunk = (index: number, first: number, execs: Execution[], count = execs.length): ChunkResult => {
    const hash = emptySeqHash();
    execs.forEach((x) => seqPush(hash, parseInt(x.stateHash, 16)));
    return {
      range: { index, first, count }, executions: execs.length, stats: { ...zeroStats(), ops: execs.length }, hash,
      found: execs.find((x) => x.violation !== "none"), records: execs,
    };
  };
  const spec = (stop: boolean): CampaignSpec => ({
    job: { kind: "bulk", params: {} as never }, firstSeed: 0, executions: 6, stopOnViolation: stop, keepRecords: true,
  });

  it("with stopOnViolation ends at the first chunk (in seed order) that found one", () => {
    const chunks = [chunk(0, 0, [exec(0), exec(1)]), chunk(1, 2, [exec(2), exec(3, "swapcache-unique")], 2), chunk(2, 4, [exec(4, "data-lost")], 2)];
    const m = mergeChunks(spec(true), chunks);
    expect(m.found?.seed).toBe(3);
    expect(m.executions).toBe(4);
    expect(m.stats.ops).toBe(4);
    expect(m.records?.map((r) => r.seed)).toEqual([0, 1, 2, 3]);
  });
  it("without it folds every chunk and still reports the first violation in seed order", () => {
    const chunks = [chunk(0, 0, [exec(0), exec(1, "data-lost")]), chunk(1, 2, [exec(2, "swap-count"), exec(3)])];
    const m = mergeChunks(spec(false), chunks);
    expect(m.found?.seed).toBe(1);
    expect(m.executions).toBe(4);
  });
  it("refuses a hole in the chunks", () => {
    expect(() => mergeChunks(spec(false), [chunk(0, 0, [exec(0)]), undefined])).toThrow(/chunk 1 missing/);
  });
});
