// The model's flags in two config words (assembly/model.ts F_* in CFG_FLAGS, F2_* in
// CFG_FLAGS2): the host's encoder and decoder, and a flag of word 1 end to end: --with sets it,
// a hunt runs with it, its repro carries it (flags2, revision 2) and replay runs with it again.
// A flag set with no flag of word 1 (linux-2.4.16 --without oom-kill,kswapd-timeout,local-pages,plain-add-flags) writes what
// it wrote before word 1 existed (repro revision 1, no flagWord2); every model sets a flag of
// word 1 (linux-2.4.16 oom-kill, kswapd-timeout, local-pages and plain-add-flags since 5 Dec 2026), so their repros are
// revision 2 and their outputs
// carry flagWord2 (their streams' resume, merge and shards: test/explore/campaign.test.ts and
// durable.test.ts, on linux-2.4.10-pre).
import { describe, it, expect } from "vitest";
import { FLAGS, FLAG_BITS, MODELS, encodeFlags, flagNamesOf, modelOutput, nearestModel, resolveModel } from "../../src/model/models.js";
import { hunt, replay } from "../../src/index.js";
import { parseRepro } from "../../src/report/repro-schema.js";
import { ReproError } from "../../src/errors.js";
import type { Repro } from "../../src/report/repro.js";

const word1 = FLAGS.filter((f) => f.word === 1);

describe("flag words", () => {
  it("word 1 holds a flag, and every flag round-trips through the two words", () => {
    expect(word1.length).toBeGreaterThan(0);
    for (const f of FLAGS) {
      const w = encodeFlags([f.name]);
      expect(f.word === 1 ? [w.flags, w.flags2] : [w.flags2, w.flags], f.name).toEqual([0, f.bit]);
      expect(flagNamesOf(w.flags, w.flags2), f.name).toEqual([f.name]);
    }
    const all = encodeFlags(FLAGS.map((f) => f.name));
    expect([all.flags, all.flags2 >>> 0]).toEqual([...FLAG_BITS]);
    expect(flagNamesOf(all.flags, all.flags2)).toEqual(FLAGS.map((f) => f.name));
    // Bit 31 of word 1 (a flag word read as unsigned) decodes as the others do.
    expect(flagNamesOf(0, 0x80000000)).toEqual([]);
  });

  it("every model sets a flag of word 1; linux-2.4.16's are oom-kill, kswapd-timeout, local-pages and plain-add-flags, linux-2.4.16-fixed's oom-kill, kswapd-timeout, local-pages, oom-pin-mm and set-page-dirty-recheck", () => {
    for (const m of MODELS) {
      const r = resolveModel(m.name);
      expect(r.flags2 !== 0, m.name).toBe(true);
      expect(nearestModel(r), m.name).toBe(m.name);
      // --json's model: flagWord2 only when word 1 has a flag.
      expect(modelOutput(r).flagWord2, m.name).toBe(r.flags2);
      const word1Off = [
        "oom-kill",
        "kswapd-timeout",
        "local-pages",
        ...(m.name === "linux-2.4.16-fixed" ? ["oom-pin-mm", "set-page-dirty-recheck"] : ["plain-add-flags"]),
      ];
      const without = resolveModel(m.name, [], word1Off);
      expect(modelOutput(without).flagWord2 === undefined, m.name).toBe(m.name.startsWith("linux-2.4.16"));
    }
  });

  it("a repro of a flag set without word 1 is revision 1 with no flags2; one of linux-2.4.10-pre is revision 2 and replays", async () => {
    // A finding of linux-2.4.16 with a flag of word 0 removed and no flag of word 1: revision 1, no flags2.
    const r16 = await hunt({
      model: "linux-2.4.16",
      without: ["unique-add", "oom-kill", "kswapd-timeout", "local-pages", "plain-add-flags"],
      seed: 1,
      executions: 20_000,
      shrinkMs: 0,
      budgetMs: 60_000,
    });
    expect(r16.findings.length).toBeGreaterThan(0);
    const repro16 = r16.findings[0].repro as Repro;
    expect(repro16.schemaVersion).toBe(1);
    expect(repro16.flags2).toBeUndefined();
    expect("flags2" in JSON.parse(JSON.stringify(repro16))).toBe(false);
    // A finding of linux-2.4.10-pre (its default hunt finds the 14 Sep race at execution 45,456
    // since the 6 Dec audit's splits, 17,061 before them; 11,657 while swap_out_mm walked as
    // 2.4.16's does, within 5,000 before that, 5 Dec 2026).
    const r = await hunt({ model: "linux-2.4.10-pre", seed: 1, executions: 50_000, shrinkMs: 0, budgetMs: 60_000 });
    expect(r.findings.length).toBeGreaterThan(0);
    const repro = r.findings[0].repro as Repro;
    expect(repro.schemaVersion).toBe(2);
    expect(repro.flags2).toBe(resolveModel("linux-2.4.10-pre").flags2);
    const back = parseRepro(JSON.stringify(repro), "repro");
    expect(back.flags2).toBe(repro.flags2);
    expect((await replay(back)).reproduced).toBe(true);
    // The same file as revision 1 (no flags2) names flags of word 1 it does not set: refused.
    const { flags2: _w1, ...rest } = repro;
    expect(() => parseRepro(JSON.stringify({ ...rest, schemaVersion: 1 }), "repro")).toThrow(ReproError);
    // flags2 in a file that says revision 1 (edited): refused, where it was replayed with word 1,
    // and a faultsim of before word 1 would have replayed it without.
    expect(() => parseRepro(JSON.stringify({ ...repro, schemaVersion: 1 }), "repro")).toThrow(
      /flags2: a revision 2 field in a file of revision 1/,
    );
  }, 120_000);

  it("--with / --without set and clear a flag of word 1, leaving word 0 alone", () => {
    const shipped = ["oom-kill", "kswapd-timeout", "local-pages", "plain-add-flags"];
    const base = resolveModel("linux-2.4.16", [], shipped);
    expect(base.flags2).toBe(0);
    for (const f of word1) {
      const others = shipped.filter((n) => n !== f.name);
      const on = resolveModel("linux-2.4.16", [f.name], others);
      expect(on.flags).toBe(base.flags);
      expect(on.flags2).toBe(f.bit >>> 0);
      expect(on.flagNames).toContain(f.name);
      expect(resolveModel("linux-2.4.16", [], [f.name, ...others]).flags2).toBe(0);
    }
  });

  it("a flag of word 1 reaches the model through a hunt, its repro and replay", async () => {
    // unscaled-shrink-cache (word 1) leaves 2.4.0's allocator waiting on a kswapd that frees
    // nothing: the first execution of seed 1 livelocks with it; without it, it ends.
    const opts = { model: "linux-2.4.0", seed: 1, executions: 1, shrinkMs: 0, budgetMs: 60_000 };
    const plain = await hunt(opts);
    expect(plain.findings).toHaveLength(0);
    const r = await hunt({ ...opts, with: ["unscaled-shrink-cache"] });
    expect(r.findings.map((f) => f.signature)).toEqual(["livelock"]);
    const repro = r.findings[0].repro as Repro;
    expect(repro.flags).toBe(resolveModel("linux-2.4.0").flags);
    expect(repro.flags2).toBe(resolveModel("linux-2.4.0").flags2 | encodeFlags(["unscaled-shrink-cache"]).flags2);
    expect(repro.schemaVersion).toBe(2);
    expect(repro.flagNames).toContain("unscaled-shrink-cache");
    const back = parseRepro(JSON.stringify(repro), "repro");
    expect(back.flags2).toBe(repro.flags2);
    expect((await replay(back)).reproduced).toBe(true);
    // The same schedule without the flag (gone from word 1 and the names): the model runs
    // 2.4.0 as shipped and the livelock is gone.
    const without: Repro = {
      ...repro,
      flags2: resolveModel("linux-2.4.0").flags2,
      flagNames: repro.flagNames.filter((n) => n !== "unscaled-shrink-cache"),
    };
    expect((await replay(without)).reproduced).toBe(false);
    // A word 1 that disagrees with the names, or sets a bit no flag has, is refused.
    expect(() => parseRepro(JSON.stringify({ ...repro, flags2: 0 }), "repro")).toThrow(ReproError);
    expect(() => parseRepro(JSON.stringify({ ...repro, flags2: (0x80000000 | (repro.flags2 ?? 0)) >>> 0 }), "repro")).toThrow(
      /flags2 .* sets bits no flag has/,
    );
  }, 60_000);
});
