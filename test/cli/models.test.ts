// Kernel variants: model flag sets, --with/--without, unknown names.
import { describe, it, expect } from "vitest";
import { resolveModel, FLAGS, MODELS, MODEL_RELEASE, flagNamesOf } from "../../src/model/models.js";
import { UsageError } from "../../src/errors.js";
import { readFileSync } from "node:fs";

describe("resolveModel", () => {
  it("gives each model its documented flags", () => {
    expect(resolveModel("linux-2.4.0", [], []).flagNames.sort()).toEqual([
      "add-before-pcl",
      "alloc-wait-kswapd",
      "anon-nolock",
      "bkl-swapin",
      "del-lru",
      "dirty-mapped-only",
      "drop-pte-deactivate",
      "early-dup",
      "exclusive-nolock",
      "fault-mmap-sem",
      "fork-list-late",
      "fork-nolock",
      "free-under-pcl",
      "get-swap-page-eq0",
      "is-page-shared",
      "launder-skips-locked",
      "no-mmu-gather",
      "pcl-lru",
      "readahead-refs",
      "readahead-sdl",
      "readahead-throttle",
      "rss-unlocked",
      "share-count-nolock",
      "swap-buffers",
      "swap-cnt",
      "swapoff-bkl",
      "sync-swapin",
      "unlocked-dup-check",
      "unuse-clear-undead",
      "unuse-delete-first",
      "wp-copy-noref",
    ]);
    expect(resolveModel("linux-2.4.10-pre", [], []).flagNames.sort()).toEqual([
      "add-before-pcl",
      "bkl-swapin",
      "del-lru",
      "dirty-mapped-only",
      "drop-pte-deactivate-locked",
      "exclusive-nolock",
      "free-under-pcl",
      "get-swap-page-eq0",
      "launder-skips-locked",
      "no-mmu-gather",
      "oom-recheck",
      "pcl-lru",
      "pte-same-recheck",
      "readahead-throttle",
      "share-count-nolock",
      "swap-amount",
      "swap-full-80",
      "swap-full-delete",
      "swapoff-bkl",
      "swapoff-clears-max",
      "unlocked-dup-check",
      "unuse-delete-first",
      "writepage-delete",
    ]);
    expect(resolveModel("linux-2.4.16", [], []).flagNames.sort()).toEqual([
      "kswapd-timeout",
      "local-pages",
      "oom-kill",
      "oom-recheck",
      "plain-add-flags",
      "pte-same-recheck",
      "readahead-sdl",
      "readahead-skip-header",
      "remove-exclusive",
      "swapoff-clears-max",
      "unique-add",
    ]);
  });

  it("sets each flag on exactly the models of the releases its citation says shipped it", () => {
    for (const f of FLAGS) {
      expect(f.patch.length, f.name).toBeGreaterThan(20);
      const releases = f.shipped.split(/,\s*/);
      // linux-2.4.16-fixed is 2.4.16 plus the later fixes: it has 2.4.16's flags too, but for a
      // bug a later release fixed (fixedIn).
      const released = (m: { name: string }) =>
        releases.includes(MODEL_RELEASE[m.name]) ||
        (MODEL_RELEASE[m.name].endsWith("-fixed") &&
          f.fixedIn === undefined &&
          releases.includes(MODEL_RELEASE[m.name].replace(/-fixed$/, "")));
      const models = MODELS.filter(released)
        .map((m) => m.name)
        .sort();
      const setOn = MODELS.filter((m) => m.flags.includes(f.name))
        .map((m) => m.name)
        .sort();
      expect(setOn, f.name).toEqual(models);
    }
    for (const m of MODELS) expect(MODEL_RELEASE[m.name], m.name).toBeDefined();
  });

  it("uses the bits of assembly/model.ts, word 0 (F_*) and word 1 (F2_*)", () => {
    // Read the F_* and F2_* constants from the model source so the two cannot drift apart.
    const src = readFileSync(new URL("../../assembly/model.ts", import.meta.url), "utf8");
    const bits = new Map<string, { word: number; bit: number }>();
    for (const m of src.matchAll(/export const F(2?)_(\w+): i32 = 1 << (\d+);/g))
      bits.set(m[2].toLowerCase().replace(/_/g, "-"), { word: m[1] ? 1 : 0, bit: (1 << Number(m[3])) >>> 0 });
    expect(bits.size).toBe(FLAGS.length);
    expect([...bits.values()].some((b) => b.word === 1)).toBe(true);
    for (const f of FLAGS) expect(bits.get(f.name), f.name).toEqual({ word: f.word ?? 0, bit: f.bit >>> 0 });
    // No two flags share a bit of a word.
    const keys = FLAGS.map((f) => `${f.word ?? 0}:${f.bit >>> 0}`);
    expect(new Set(keys).size).toBe(FLAGS.length);
  });

  it("adds --with and removes --without flags", () => {
    const base = resolveModel("linux-2.4.16", [], []);
    const r = resolveModel("linux-2.4.16", ["early-dup"], ["unique-add"]);
    const bit = (n: string) => FLAGS.find((f) => f.name === n)!.bit;
    expect(r.flags).toBe((base.flags | bit("early-dup")) & ~bit("unique-add"));
    expect(r.flags2).toBe(base.flags2);
    expect(r.flagNames).toEqual(flagNamesOf(r.flags, r.flags2));
    expect(() => resolveModel("linux-2.4.16", ["unique-add"], ["unique-add"])).toThrow(UsageError);
    expect(() => resolveModel("linux-2.4.16", ["unique-add"], ["unique-add"])).toThrow(/--with unique-add and --without unique-add/);
  });

  it("refuses an unknown model or flag with one line naming the known ones", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as Error;
      }
      throw new Error("no error");
    };
    const m = err(() => resolveModel("linux-2.6.99", [], []));
    expect(m).toBeInstanceOf(UsageError);
    expect(m.message).toBe(`unknown model 'linux-2.6.99' (known: ${MODELS.map((x) => x.name).join(", ")})`);
    const f = err(() => resolveModel("linux-2.4.0", [], ["no-bkl"]));
    expect(f).toBeInstanceOf(UsageError);
    expect(f.message).toMatch(/^unknown flag 'no-bkl' \(known: bkl-swapin, .*remove-exclusive, .*\)$/);
    expect(f.message).not.toContain("\n");
  });
});
