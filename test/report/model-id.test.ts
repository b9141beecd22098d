// The model id (src/build/model-id.mjs): a short hash of the model's sources, stable for the
// same sources wherever and whenever they were checked out, different when one changes; and the
// id the host reads at run time (src/report/version.ts) is the one the build wrote.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { computeModelId, modelSources, modelIdFileFor as scriptIdFileFor } from "../../src/build/model-id.mjs";
import { modelId, modelBuild, modelIdFileFor } from "../../src/report/version.js";
import { BUILD_WASM } from "../../src/wasm/engine.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const idOf = (dir: string): string => computeModelId(dir).modelId;

/** A small model tree: { "kernel/a.ts": "...", ... } written under a fresh directory. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "faultsim-modelid-"));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
let dirs: string[] = [];
beforeEach(() => {
  dirs = [];
});
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SOURCES = {
  "index.ts": 'export * from "./kernel/machine";\n',
  "model.ts": "export const F_UNIQUE_ADD: i32 = 1 << 0;\n",
  "kernel/machine.ts": "export function run(): i32 { return 0; }\n",
  "mm/memory.ts": "export function do_swap_page(pc: i32): i32 { return pc; }\n",
};

describe("computeModelId", () => {
  it("is 12 hex digits, the same for the same sources wherever and in whatever order they were written", () => {
    const a = tree(SOURCES);
    const reversed = Object.fromEntries(Object.entries(SOURCES).reverse());
    const b = tree(reversed);
    utimesSync(path.join(b, "model.ts"), 0, 0); // times do not count
    expect(idOf(a)).toMatch(/^[0-9a-f]{12}$/);
    expect(idOf(b)).toBe(idOf(a));
    expect(idOf(a)).toBe(idOf(a));
    expect(computeModelId(a).sources).toBe(4);
  });

  it("changes when a source changes, is added, removed or renamed", () => {
    const base = idOf(tree(SOURCES));
    const ids = [
      idOf(tree({ ...SOURCES, "mm/memory.ts": SOURCES["mm/memory.ts"].replace("return pc", "return pc + 1") })),
      idOf(tree({ ...SOURCES, "mm/memory.ts": SOURCES["mm/memory.ts"] + " " })),
      idOf(tree({ ...SOURCES, "mm/swap.ts": "export const X = 1;\n" })),
      idOf(tree(Object.fromEntries(Object.entries(SOURCES).filter(([k]) => k !== "model.ts")))),
      idOf(tree({ ...Object.fromEntries(Object.entries(SOURCES).filter(([k]) => k !== "model.ts")), "flags.ts": SOURCES["model.ts"] })),
    ];
    for (const id of ids) expect(id).not.toBe(base);
    expect(new Set(ids).size).toBe(ids.length);
    // The same bytes in the same order, split differently between two files.
    expect(idOf(tree({ "a.ts": "xy", "b.ts": "z" }))).not.toBe(idOf(tree({ "a.ts": "x", "b.ts": "yz" })));
  });

  it("hashes only the .ts sources, and a CRLF checkout like an LF one", () => {
    const base = idOf(tree(SOURCES));
    expect(idOf(tree({ ...SOURCES, "README.md": "# notes\n", "tsconfig.json": "{}\n" }))).toBe(base);
    const crlf = Object.fromEntries(Object.entries(SOURCES).map(([k, v]) => [k, v.replace(/\n/g, "\r\n")]));
    expect(idOf(tree(crlf))).toBe(base);
  });

  it("lists the sources in byte order of their '/'-separated paths", () => {
    expect(modelSources(tree(SOURCES))).toEqual(["index.ts", "kernel/machine.ts", "mm/memory.ts", "model.ts"]);
  });

  it("refuses a directory without sources", () => {
    expect(() => computeModelId(tree({ "README.md": "x" }))).toThrow(/no model sources/);
  });
});

describe("the build's model id", () => {
  it("lives next to the Wasm it describes, named alike by the build script and the host", () => {
    expect(modelIdFileFor("/x/build/faultsim.wasm")).toBe("/x/build/faultsim.model-id.json");
    expect(scriptIdFileFor("/x/build/mine.wasm")).toBe(modelIdFileFor("/x/build/mine.wasm"));
    expect(modelBuild("js").file).toBe(modelIdFileFor(BUILD_WASM));
  });

  // A private FAULTSIM_WASM build has its own id file (or none); build/ is what npm run build made.
  it.skipIf(!!process.env.FAULTSIM_WASM)(
    "is the id of assembly/ as it is now (rebuild after editing the model), shared by both backends",
    () => {
      const written = JSON.parse(readFileSync(modelIdFileFor(BUILD_WASM), "utf8")) as { modelId: string };
      expect(written.modelId).toBe(idOf(path.join(root, "assembly")));
      expect(modelId()).toBe(written.modelId);
      expect(modelId("js")).toBe(written.modelId);
    },
  );
});
