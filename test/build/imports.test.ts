// The folders of src/ depend one way: workers/ runs the hunt's and bulk mode's executions on
// threads, so it may import explore/; explore/ (the search, shrink and campaign logic) knows
// nothing of threads and imports nothing from workers/, not even through another folder.
// Type-only and dynamic imports count.
import { describe, it, expect } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const SRC = path.resolve(__dirname, "../../src");

/** Every .ts file under dir (relative to src/). */
function sources(dir: string): string[] {
  return readdirSync(path.join(SRC, dir)).flatMap((f) => {
    const rel = path.join(dir, f);
    if (statSync(path.join(SRC, rel)).isDirectory()) return sources(rel);
    return rel.endsWith(".ts") && !rel.endsWith(".d.ts") ? [rel] : [];
  });
}

/** The relative modules a file imports or re-exports (static, type-only or dynamic). */
function imports(rel: string): string[] {
  const text = readFileSync(path.join(SRC, rel), "utf8");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gms),
    ...text.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g),
  ].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(rel), s)));
}

const folder = (rel: string): string => rel.split(path.sep)[0];

describe("src/ folders", () => {
  it("finds the imports it checks (not vacuous)", () => {
    const fromWorkers = sources("workers").flatMap(imports);
    expect(fromWorkers.some((m) => folder(m) === "explore")).toBe(true);
  });

  it("explore/ imports nothing from workers/", () => {
    const wrong = sources("explore").flatMap((f) =>
      imports(f)
        .filter((m) => folder(m) === "workers")
        .map((m) => `${f} -> ${m}`),
    );
    expect(wrong).toEqual([]);
  });

  it("nothing explore/ imports reaches workers/, through any folder (no cycle between the two)", () => {
    // Breadth first from explore/'s files; the chain to the first workers/ file found, if any.
    const from = new Map<string, string | undefined>(sources("explore").map((f) => [f, undefined]));
    const queue = [...from.keys()];
    let hit: string | undefined;
    while (queue.length > 0 && hit === undefined) {
      const f = queue.shift() as string;
      for (const m of imports(f).map((s) => s.replace(/\.js$/, ".ts"))) {
        if (from.has(m) || !existsSync(path.join(SRC, m))) continue;
        from.set(m, f);
        if (folder(m) === "workers") hit = m;
        queue.push(m);
      }
    }
    const chain: string[] = [];
    for (let m = hit; m !== undefined; m = from.get(m)) chain.unshift(m);
    expect(chain).toEqual([]);
    // Not vacuous: the walk leaves explore/ (it reaches report/, wasm/, ...).
    expect([...from.keys()].some((m) => folder(m) === "report")).toBe(true);
  });

  it("replay (its command and its module) reaches none of the hunt's: its diagram is drawn by report/ (finding.ts)", () => {
    const seen = new Set<string>(["commands/replay.ts", "explore/replay.ts"]);
    const queue = [...seen];
    while (queue.length > 0) {
      for (const m of imports(queue.shift() as string).map((s) => s.replace(/\.js$/, ".ts"))) {
        if (seen.has(m) || !existsSync(path.join(SRC, m))) continue;
        seen.add(m);
        queue.push(m);
      }
    }
    expect(seen.has("report/finding.ts")).toBe(true); // not vacuous
    const hunt = ["explore/hunt.ts", "explore/hunt-options.ts", "explore/investigate.ts", "commands/hunt.ts", "report/hunt-summary.ts"];
    expect(hunt.filter((m) => seen.has(m))).toEqual([]);
  });
});
