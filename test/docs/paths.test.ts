// Comments and docs that name a file of the repo name one that exists (a path from the root, or
// in src/ and assembly/ a bare file name: its own folder's, or the one of that name), and none
// points outside the repo (the background lives in docs/). Generated outputs (build/, dist/) and patterns
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

  it("in src/ and assembly/ comments, a bare file name is one of its folder, or the only one of its tree", () => {
    const code = ["src", "assembly"].flatMap(files);
    const everything = SCANNED.flatMap(files);
    const BARE = /(?<![\w./-])([\w-]+\.(?:ts|mjs|mts))\b/g;
    let checked = 0;
    const wrong: string[] = [];
    for (const f of code.filter((c) => /\.(ts|mjs|mts)$/.test(c))) {
      const text = readFileSync(path.join(root, f), "utf8");
      const comments = [...text.matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)].map((m) => m[0]).join("\n");
      for (const m of comments.matchAll(BARE)) {
        const name = m[1];
        checked++;
        if (existsSync(path.join(root, path.dirname(f), name))) continue;
        // Else the file of that name in the same tree (assembly/ or src/), or in the other one.
        const tree = f.split("/")[0];
        const inTree = code.filter((c) => c.startsWith(`${tree}/`) && c.endsWith(`/${name}`));
        const anywhere = everything.filter((c) => c.endsWith(`/${name}`));
        if (inTree.length === 1 || (inTree.length === 0 && anywhere.length === 1)) continue;
        wrong.push(
          `${f}: ${name} (${inTree.length ? `${inTree.join(", ")}: name the folder` : anywhere.length ? anywhere.join(", ") : "no such file"})`,
        );
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it("never point outside the repo", () => {
    const outside = SCANNED.flatMap(files)
      .filter((f) => /\.(ts|mts|mjs|md)$/.test(f) && f !== "test/docs/paths.test.ts")
      .flatMap((f) => {
        const text = readFileSync(path.join(root, f), "utf8");
        // The project's background mail, and a file on the machine that wrote it (a kernel tree
        // unpacked under /tmp, a home or work directory): name the release and its file instead.
        return [...text.matchAll(/\.\.\/shared\/|\/work\/shared|(?<![\w.])\/(?:tmp|work|home|root)\/[\w.-]+\/[\w./-]*/g)].map(
          (m) => `${f}: ${m[0]}`,
        );
      });
    expect(outside).toEqual([]);
  });
});

describe("the README's documentation index", () => {
  it("links every file under docs/, and every file it links exists", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.split("\n## Documentation\n")[1]?.split("\n## ")[0] ?? "";
    const linked = [...section.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(5);
    expect(linked.filter((l) => !existsSync(path.join(root, l)))).toEqual([]);
    expect(files("docs").filter((f) => !linked.includes(f.split(path.sep).join("/")))).toEqual([]);
  });
});
