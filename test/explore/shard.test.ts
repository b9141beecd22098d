// Pure parts of sharding: seed ranges, the order-respecting campaign hash, the seed-order merge.
import { describe, it, expect } from "vitest";
import { seedRanges, defaultChunk, emptySeqHash, seqPush, seqConcat, zeroStats, emptyTally, addTally } from "../../src/explore/shard.js";
import { mergeChunks } from "../../src/workers/campaign.js";
import type { CampaignSpec, ChunkResult } from "../../src/workers/protocol.js";

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
      const a = emptySeqHash(),
        b = emptySeqHash();
      for (const w of words.slice(0, cut)) seqPush(a, w);
      for (const w of words.slice(cut)) seqPush(b, w);
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
  const u = undefined;
  // Synthetic chunks: execution s has fingerprint s, s steps, and a violation where given.
  const chunk = (index: number, first: number, viol: (string | undefined)[], count = viol.length): ChunkResult => {
    const t = emptyTally();
    const hash = emptySeqHash();
    let found: ChunkResult["found"];
    viol.forEach((v, i) => {
      const seed = first + i;
      seqPush(hash, seed);
      addTally(t, {
        executions: 1,
        steps: seed,
        maxSteps: seed,
        decisions: seed,
        maxDecisions: seed,
        agentMask: 1 << (seed % 3),
        hits: v ? { [v]: 1 } : {},
        stats: { ...zeroStats(), ops: 1 },
      });
      if (v && !found) found = { seed, violation: v, signature: v, message: v, steps: seed };
    });
    return { ...t, range: { index, first, count }, hash, found };
  };
  const spec = (stop: boolean): CampaignSpec => ({
    job: { kind: "hunt", params: {} as never },
    firstSeed: 0,
    executions: 6,
    stopOnViolation: stop,
  });

  it("with stopOnViolation ends at the first chunk (in seed order) that found one", () => {
    const m = mergeChunks(spec(true), [chunk(0, 0, [u, u]), chunk(1, 2, [u, "swapcache-unique"], 2), chunk(2, 4, ["data-lost"], 2)]);
    expect(m.found?.seed).toBe(3);
    expect(m.executions).toBe(4);
    expect(m.stats.ops).toBe(4);
    expect(m.steps).toBe(0 + 1 + 2 + 3);
    expect(m.hits).toEqual({ "swapcache-unique": 1 });
  });
  it("without it folds every chunk, tallies every hit, reports the first in seed order", () => {
    const m = mergeChunks(spec(false), [chunk(0, 0, [u, "data-lost"]), chunk(1, 2, ["swap-count", "data-lost"]), chunk(2, 4, [u, u])]);
    expect(m.found?.seed).toBe(1);
    expect(m.executions).toBe(6);
    expect(m.maxSteps).toBe(5);
    expect(m.agentMask).toBe(7);
    expect(Object.entries(m.hits)).toEqual([
      ["data-lost", 2],
      ["swap-count", 1],
    ]);
  });
  it("gives the same hash however the seeds were chunked", () => {
    const whole = mergeChunks(spec(false), [chunk(0, 0, [u, u, u, u, u, u])]);
    const parts = mergeChunks(spec(false), [chunk(0, 0, [u, u]), chunk(1, 2, [u]), chunk(2, 3, [u, u, u])]);
    expect(parts).toEqual(whole);
  });
  it("refuses a hole in the chunks", () => {
    expect(() => mergeChunks(spec(false), [chunk(0, 0, [u]), undefined])).toThrow(/chunk 1 missing/);
  });
});
