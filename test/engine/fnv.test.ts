// The state hash's zero-run shortcut (src/wasm/fnv.ts) gives FNV-1a's word-by-word value, and
// the model's own copy (assembly/kernel/hash.ts, which engine.ts stateHash calls) gives fnvWords'.
import { describe, expect, it } from "vitest";
import { FNV_OFFSET, FNV_PRIME, fnvWords, fnvZeros } from "../../src/wasm/fnv.js";
import { Engine } from "../../src/wasm/engine.js";
import { R } from "../../src/wasm/abi.js";
import { machine } from "../helpers/machine.js";

/** FNV-1a over words, one at a time: what engine.ts stateHash computed before the shortcut. */
function reference(I: Int32Array, from: number, to: number, h: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ I[i], FNV_PRIME);
  return h;
}

/** A deterministic xorshift stream (no Math.random in tests either). */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

describe("fnvWords", () => {
  it("k zero words multiply by the prime k times", () => {
    for (const k of [0, 1, 2, 3, 7, 64, 1000, 123457]) {
      let h = 0x12345678;
      for (let i = 0; i < k; i++) h = Math.imul(h, FNV_PRIME);
      expect(fnvZeros(0x12345678, k)).toBe(h);
    }
  });

  it("matches the word-by-word hash on sparse, dense and edge-of-range arrays", () => {
    const rnd = xorshift(42);
    for (const density of [0, 0.001, 0.05, 0.5, 1]) {
      const I = new Int32Array(20_000);
      for (let i = 0; i < I.length; i++) if ((rnd() >>> 0) / 2 ** 32 < density) I[i] = rnd() || 1;
      I[0] = 0;
      I[I.length - 1] = density > 0 ? -1 : 0;
      for (const [from, to] of [
        [0, I.length],
        [1, I.length - 1],
        [500, 501],
        [7, 7],
        [13, 9000],
      ])
        expect(fnvWords(I, from, to, FNV_OFFSET)).toBe(reference(I, from, to, FNV_OFFSET));
    }
  });

  it("matches it over long zero runs: a lone word at, before and after every block edge", () => {
    // A buffer with a byte offset, as the engine's view of the model's memory may have.
    const n = 2 * 16384 + 600;
    const I = new Int32Array(new ArrayBuffer(4 * (n + 7)), 4 * 3, n);
    // One nonzero word at p in a zero array: FNV-1a's value from fnvZeros (checked above).
    const lone = (p: number, from: number, to: number) =>
      p < from || p >= to
        ? fnvZeros(FNV_OFFSET, to - from)
        : fnvZeros(Math.imul(fnvZeros(FNV_OFFSET, p - from) ^ I[p], FNV_PRIME), to - p - 1);
    const ranges = [
      [0, n],
      [3, n - 5],
      [256, 16384 + 256],
      [1, 2 * 16384 - 1], // ends one word short of a block
    ];
    for (let edge = 0; edge <= n; edge += 256) {
      for (let p = Math.max(0, edge - 2); p <= Math.min(n - 1, edge + 2); p++) {
        I[p] = 0x5a5a5a5a;
        for (const [from, to] of ranges) expect(fnvWords(I, from, to, FNV_OFFSET)).toBe(lone(p, from, to));
        I[p] = 0;
      }
    }
    I[40] = -7;
    I[n - 1] = 1;
    for (const [from, to] of ranges) expect(fnvWords(I, from, to, FNV_OFFSET)).toBe(reference(I, from, to, FNV_OFFSET));
  });
});

describe("the model's state_hash_words", () => {
  it.each(["wasm", "js"] as const)("%s: fnvWords' value over the model's memory, zero runs and all", async (backend) => {
    const e = machine({ frames: 4096 }, await Engine.create(backend));
    e.reset();
    // The per-frame arrays of a fresh machine: long zero runs. Words planted at, before and
    // after the 8-word blocks the model tests at once, and a dense stretch.
    const I = e.I32;
    const from = e.region(R.PG_COUNT) >> 2;
    const to = e.region(R.END) >> 2;
    const rnd = xorshift(7);
    for (const p of [from, from + 1, from + 7, from + 8, from + 9, from + 40, from + 4095, to - 9, to - 8, to - 1]) I[p] = rnd() || 1;
    for (let p = from + 5000; p < from + 5100; p++) I[p] = rnd();
    const hash = (a: number, b: number) => e.m.state_hash_words(a << 2, b << 2, FNV_OFFSET) >>> 0;
    for (const [a, b] of [
      [from, to],
      [from + 1, to - 1],
      [from + 2, from + 2],
      [from + 9, from + 17],
      [from + 4000, from + 5050],
    ])
      expect([a, b, hash(a, b)]).toEqual([a, b, fnvWords(I, a, b, FNV_OFFSET) >>> 0]);
  });
});
