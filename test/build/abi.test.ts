// The host's ABI is generated from assembly/ (src/build/abi-gen.mjs); these checks fail when the
// two sides disagree: the committed src/wasm/abi.generated.ts or assembly/kernel/dispatch.ts is stale, a feature flag's name
// and bit differ between src/model/models.ts and assembly/model.ts, a trace event has no
// wording (or wording names no event), or the host's size of a layout is not the model's.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateAbi, generateDispatch, GENERATED, GENERATED_DISPATCH } from "../../src/build/abi-gen.mjs";
import { EV, F, F2, R, PROC_NAMES, P_COUNT, VIOLATION_IDS, SCHED } from "../../src/wasm/abi.js";
import { FLAGS } from "../../src/model/models.js";
import { EVENTS } from "../../src/report/events/index.js";
import { Engine, layoutBytes, wasmModule, DEFAULT_CONFIG, type MachineConfig } from "../../src/wasm/engine.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the generated ABI", () => {
  it("is what assembly/ defines today (run npm run build after changing a constant there)", () => {
    expect(readFileSync(path.join(root, GENERATED), "utf8")).toBe(generateAbi(path.join(root, "assembly")));
  });

  it("dispatches every procedure procs.ts lists (assembly/kernel/dispatch.ts is generated too)", () => {
    expect(readFileSync(path.join(root, GENERATED_DISPATCH), "utf8")).toBe(generateDispatch(path.join(root, "assembly")));
  });

  it("names every procedure id below P_COUNT, and every violation id", () => {
    expect(PROC_NAMES).toHaveLength(P_COUNT);
    expect(VIOLATION_IDS[0]).toBe("none");
    expect(new Set(VIOLATION_IDS).size).toBe(VIOLATION_IDS.length);
  });

  it("gives every feature flag of models.ts the bit assembly/model.ts F_* (word 0) or F2_* (word 1) gives it", () => {
    const byWord = [F, F2] as Record<string, number>[];
    for (const f of FLAGS) expect([f.name, byWord[f.word ?? 0][f.name.toUpperCase().replace(/-/g, "_")]]).toEqual([f.name, f.bit]);
  });

  it("words every trace event, and words no event the model lacks", () => {
    const ids = Object.values(EV).sort((a, b) => a - b);
    const worded = Object.keys(EVENTS)
      .map(Number)
      .sort((a, b) => a - b);
    expect(worded).toEqual(ids);
  });
});

describe("layoutBytes: the model's own layout, planned without growing memory", () => {
  const configs: [string, MachineConfig][] = [
    ["the default machine", DEFAULT_CONFIG],
    ["a small one (rest.ts scratch)", { ...DEFAULT_CONFIG, frames: 24, slotsPerArea: 9, pagesPerMm: 5, kswapd: true, traceCap: 64 }],
    [
      "a bulk machine",
      bulkMachineConfig(
        { cpus: 4, mms: 3, pagesPerMm: 3000, frames: 5000, areas: 2, slotsPerArea: 7001 },
        { flags: 0, flags2: 0, kswapd: true, seed: 1, sched: SCHED.RANDOM },
      ),
    ],
  ];
  it.each(configs)("%s: exactly what layout() asks for, in every build", async (_what, c) => {
    // Planned on the untraced build (a bulk run's): the traced one and the JS twin lay out the same.
    const want = layoutBytes(c);
    for (const e of [Engine.wasm(), Engine.wasm(wasmModule("untraced")), await Engine.js()]) {
      e.configure(c);
      expect(e.m.layout()).toBe(want);
      expect(e.region(R.END)).toBeLessThanOrEqual(want);
    }
  });

  it("sizes a machine past the model's 2 GiB, which layout() refuses", () => {
    const c = { ...DEFAULT_CONFIG, areas: 16, slotsPerArea: 16000000 };
    // 16 areas of 2^24 slots: swap map (2 bytes), slot content and temp refs (4 each) per slot.
    expect(layoutBytes(c)).toBeGreaterThan(16 * 2 ** 24 * 10);
    expect(() => Engine.wasm().configure(c)).toThrow(RangeError);
  });
});
