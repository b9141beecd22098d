// The planted bugs of `npm run mutants` (src/mutants/table.ts) against the current tree: each
// anchor occurs exactly once in its file (a refactor that moves one fails here, not silently
// in the mutation run), ids are unique, and the table spreads over every mm file and bug class.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MUTANTS, MUTANT_CLASSES, MUTANT_FILES, type Mutant } from "../../src/mutants/table.js";
import { applyMutant, editProblem, occurrences } from "../../src/mutants/apply.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (f: string) => readFileSync(path.join(root, f), "utf8");

describe("the mutant table", () => {
  it("has at least 30 mutants with unique ids", () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(30);
    const ids = MUTANTS.map((m) => m.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });

  it("anchors every edit exactly once in its file on the current tree", () => {
    const problems = MUTANTS.flatMap((m) =>
      m.edits
        .map((e) => editProblem(read(e.file), e))
        .filter((p) => p !== undefined)
        .map((p) => `${m.id}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("changes the file each mutant names, and nothing but the anchor", () => {
    for (const m of MUTANTS) {
      const out = applyMutant(m, read);
      for (const [file, text] of out) {
        expect(text).not.toBe(read(file));
        for (const e of m.edits.filter((x) => x.file === file)) expect(occurrences(text, e.find)).toBe(0);
      }
    }
  });

  it("spreads over every mm file and every bug class", () => {
    const files = new Set(MUTANTS.flatMap((m) => m.edits.map((e) => e.file)));
    expect([...MUTANT_FILES].filter((f) => !files.has(f))).toEqual([]);
    const classes = new Set(MUTANTS.map((m) => m.class));
    expect(MUTANT_CLASSES.filter((c) => !classes.has(c))).toEqual([]);
  });

  it("argues each equivalent mutant in words, and scores the rest", () => {
    for (const m of MUTANTS.filter((x) => x.equivalent !== undefined)) expect(m.equivalent?.length).toBeGreaterThan(40);
    expect(MUTANTS.filter((m) => m.equivalent === undefined).length).toBeGreaterThanOrEqual(30);
  });

  it("refuses an anchor that is missing or ambiguous", () => {
    const file = "assembly/mm/swap.ts" as const;
    const missing: Mutant = {
      id: "x",
      class: "off-by-one",
      kernel: "k",
      bug: "b",
      edits: [{ file, find: "no such text anywhere", replace: "" }],
    };
    expect(() => applyMutant(missing, read)).toThrow(/occurs 0 times/);
    const ambiguous: Mutant = { ...missing, edits: [{ file, find: "return bad_pc();", replace: "" }] };
    expect(occurrences(read(file), "return bad_pc();")).toBeGreaterThan(1);
    expect(() => applyMutant(ambiguous, read)).toThrow(/want exactly 1/);
  });
});
