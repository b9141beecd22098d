// Comments and docs that name a file of the repo name one that exists, and none points outside
// the repo (the background lives in docs/). Generated outputs (build/, dist/) and patterns
// (globs, <placeholders>) are not checked.
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCANNED = ["README.md", "docs", "assembly", "src", "test", "bench", ".ci"];
const TOP = ["assembly", "src", "test", "bench", "docs", ".ci"];
const PATH_RE = new RegExp(String.raw`(?<![\w./-])(?:\.\./)*((?:${TOP.map((t) => t.replace(".", "\\.")).join("|")})/[\w./-]*[\w-])`, "g");

function files(p: string): string[] {
  const abs = path.join(root, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [p];
  return readdirSync(abs).flatMap((n) => files(path.join(p, n)));
}

/** Every (file, named path) pair in the scanned sources and docs. */
function namedPaths(): { file: string; named: string }[] {
  const out: { file: string; named: string }[] = [];
  for (const f of SCANNED.flatMap(files)) {
    if (!/\.(ts|mts|mjs|md|json)$|^\.ci\//.test(f)) continue;
    const text = readFileSync(path.join(root, f), "utf8");
    for (const m of text.matchAll(PATH_RE)) {
      const named = m[1].replace(/[.]+$/, "");
      if (/[*<>{}]/.test(text.slice(m.index!, m.index! + m[0].length + 1))) continue; // a pattern
      out.push({ file: f, named });
    }
  }
  return out;
}

describe("paths named in comments and docs", () => {
  it("exist in the repo", () => {
    const found = namedPaths();
    expect(found.length).toBeGreaterThan(50);
    const missing = found.filter(({ file, named }) => {
      // A path relative to the naming file (a markdown link, an import), or to the root.
      const rel = path.join(path.dirname(path.join(root, file)), named);
      return (
        !existsSync(path.join(root, named)) &&
        !existsSync(rel) &&
        !existsSync(rel.replace(/\.js$/, ".ts")) &&
        !existsSync(path.join(root, named.replace(/\.js$/, ".ts")))
      );
    });
    expect(missing).toEqual([]);
  });

  it("never point outside the repo", () => {
    const outside = SCANNED.flatMap(files)
      .filter((f) => /\.(ts|mts|mjs|md)$/.test(f) && f !== "test/docs/paths.test.ts")
      .filter((f) => /\.\.\/shared\/|\/work\/shared/.test(readFileSync(path.join(root, f), "utf8")));
    expect(outside).toEqual([]);
  });
});
