// Cold start (issue 12, part 5): what `faultsim run` and `faultsim hunt` load before their
// first execution. zod alone cost a process ~0.1 CPU-s; it validates repro files when they are
// read, so only `replay` (through a dynamic import) and the API load it. This walks the static
// imports that survive compilation (not `import type`, not dynamic ones) from each entry.
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const SRC = path.resolve(__dirname, "../../src");

/** A file's imports: relative ones as paths under src/ (.ts), packages by name. */
function importsOf(rel: string, dynamic: boolean): string[] {
  const text = readFileSync(path.join(SRC, rel), "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)([^;]*?)\bfrom\s+"([^"]+)"/gms)) {
    // `import { type A, type B } from`: elided by the compiler, as `import type` is.
    const braces = /^\s*\{([^}]*)\}\s*$/.exec(m[2]);
    const onlyTypes =
      braces !== null &&
      braces[1]
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .every((s) => s.startsWith("type "));
    if (!onlyTypes) specs.push(m[3]);
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) specs.push(m[1]);
  if (dynamic) for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) specs.push(m[1]);
  return specs.map((s) => {
    if (!s.startsWith(".")) return s.startsWith("node:") ? s : s.split("/")[0];
    const ts = path.normalize(path.join(path.dirname(rel), s)).replace(/\.js$/, ".ts");
    return existsSync(path.join(SRC, ts)) ? ts : ts.replace(/\.ts$/, "/index.ts");
  });
}

/** Every module reached from the entries, by static imports (and dynamic ones if asked). */
function reached(entries: string[], dynamic = false): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const m = todo.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    if (m.endsWith(".ts")) todo.push(...importsOf(m, dynamic));
  }
  return seen;
}

// bin.ts loads cli.ts (dynamically) for every command but --version; `hunt` loads
// commands/hunt.ts when its action runs, and then its engine (the campaign's or the one
// thread's); `merge` commands/merge.ts, `replay` commands/replay.ts (src/commands/register.ts).
const run = reached(["bin.ts", "cli.ts"]);
const hunt = reached(["bin.ts", "cli.ts", "commands/hunt.ts", "workers/hunt-workers.ts", "explore/hunt.ts"]);
const merge = reached(["bin.ts", "cli.ts", "commands/merge.ts"]);

describe("cold start: the modules a command loads", () => {
  it("finds what it checks (not vacuous): with dynamic imports, the hunt's modules reach zod", () => {
    expect(run.has("commander")).toBe(true);
    expect(hunt.has("explore/hunt.ts")).toBe(true);
    const all = reached(["bin.ts", "cli.ts", "commands/hunt.ts"], true);
    expect(all.has("report/repro-schema.ts")).toBe(true);
    expect(all.has("zod")).toBe(true);
  });

  it("run loads neither zod, nor the hunt's commands, nor the API", () => {
    const loaded = [
      "zod",
      "report/repro-schema.ts",
      "schema/outputs.ts",
      "commands/hunt.ts",
      "commands/replay.ts",
      "index.ts",
      "cli-progress",
    ];
    expect(loaded.filter((m) => run.has(m))).toEqual([]);
  });

  it("merge loads neither the hunt nor the campaign (a merge of shards that found nothing)", () => {
    expect(merge.has("explore/merge.ts")).toBe(true);
    const loaded = ["commands/hunt.ts", "workers/hunt-workers.ts", "explore/hunt.ts", "explore/loop.ts", "explore/investigate.ts", "zod"];
    expect(loaded.filter((m) => merge.has(m))).toEqual([]);
  });

  it("hunt does not load zod (repro files are validated only when read)", () => {
    expect(["zod", "report/repro-schema.ts", "schema/outputs.ts", "index.ts"].filter((m) => hunt.has(m))).toEqual([]);
  });
});
