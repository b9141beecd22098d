// The README's "Using faultsim from TypeScript" examples type-check against the API's sources:
// each ```ts block is compiled as a user's strict NodeNext module that imports "faultsim" (here
// mapped to src/index.ts) and vitest. Full tier: loading TypeScript and resolving the API's
// types costs ~5 CPU-s. test/package (also full tier) runs them from the packed package.
import { describe, it, expect, afterAll } from "vitest";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Under node_modules, so that "vitest" resolves as from a user's project.
const dir = path.join(root, "node_modules/.cache", `faultsim-readme-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ```ts blocks of the README's API section. */
function readmeApiBlocks(): string[] {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.split("\n## Using faultsim from TypeScript\n")[1]?.split("\n## ")[0] ?? "";
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function diagnostics(files: string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [path.join(root, "node_modules/@types")],
    paths: { faultsim: [path.join(root, "src/index.ts")] },
  });
  // The examples' own diagnostics (and the program's): the API's sources are checked by tsc
  // itself (npm test, npm run build), and checking all of them here took most of this test's
  // time. What the examples use of them is still resolved and checked against.
  const own = files.map((f) => program.getSourceFile(f)).filter((sf) => sf !== undefined);
  expect(own).toHaveLength(files.length);
  const found = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  return found.map((d) => {
    const where = d.file ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("the README's API examples", () => {
  it("type-check (strict, NodeNext) against the API, and a type error would be caught", () => {
    const blocks = readmeApiBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.join("\n")).toMatch(/from "vitest"/); // the clean-for-N-executions test is one
    mkdirSync(dir, { recursive: true });
    const files = blocks.map((b, i) => {
      const f = path.join(dir, `readme-${i}.mts`);
      writeFileSync(f, b);
      return f;
    });
    // Compiled in the same program: the check can fail.
    const broken = path.join(dir, "broken.mts");
    writeFileSync(broken, 'import { run } from "faultsim";\nawait run({ cpus: "4" });\n');
    const found = diagnostics([...files, broken]);
    expect(found.filter((d) => !d.includes("broken.mts"))).toEqual([]);
    expect(found.join("\n")).toMatch(/broken\.mts:2 .*string.*number/s);
  }, 120_000);
});
