// Compares two `npm run bench -- --json FILE` outputs: every figure both hold, side by side,
// with B/A. A figure's name says which way is better: rates (…PerSec, …PerCpuSecond) up,
// times (…Seconds, …Ms, …PerRun) down; the rest (counts, hashes) are shown when they differ.
//
//   node dist/bench/compare.js A.json B.json
import { readFileSync } from "node:fs";

type Flat = Map<string, number | string | boolean>;

/** Every leaf of a JSON value by its dotted path. */
function flatten(v: unknown, prefix: string, out: Flat): Flat {
  if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") out.set(prefix, v);
  return out;
}

/** +1: higher is better, -1: lower is better, 0: not a performance figure. */
function direction(key: string): number {
  const leaf = key.slice(key.lastIndexOf(".") + 1);
  if (/(PerSec|PerCpuSecond)$|^speedup$|^ratio\w*Over\w*$/.test(leaf)) return 1;
  if (/(Seconds|Ms|PerRun|PerHunt|PerAccess)$/.test(leaf) || /^(ms\d*|seconds)$/.test(leaf)) return -1;
  return 0;
}

function load(file: string): Flat {
  try {
    return flatten(JSON.parse(readFileSync(file, "utf8")), "", new Map());
  } catch (err) {
    process.stderr.write(`compare: ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}

const num = (x: number) => (Math.abs(x) >= 1000 ? x.toExponential(3) : x.toPrecision(4));

function main(): void {
  const [fa, fb] = process.argv.slice(2);
  if (!fa || !fb) {
    process.stderr.write("usage: node dist/bench/compare.js A.json B.json\n");
    process.exit(2);
  }
  const a = load(fa),
    b = load(fb);
  const lines: string[][] = [["figure", "A", "B", "B/A", ""]];
  const other: string[] = [];
  for (const [k, va] of a) {
    if (!b.has(k)) continue;
    const vb = b.get(k)!;
    const d = direction(k);
    if (d !== 0 && typeof va === "number" && typeof vb === "number") {
      const r = vb / va;
      const better = d * (r - 1);
      const mark = Math.abs(r - 1) < 0.03 ? "" : better > 0 ? "better" : "worse";
      lines.push([k, num(va), num(vb), `${r.toFixed(2)}x`, mark]);
    } else if (va !== vb) other.push(`  ${k}: ${String(va)} -> ${String(vb)}`);
  }
  const onlyA = [...a.keys()].filter((k) => !b.has(k)).length,
    onlyB = [...b.keys()].filter((k) => !a.has(k)).length;
  const w = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  console.log(`A: ${fa} (${String(a.get("commit") ?? "?")})   B: ${fb} (${String(b.get("commit") ?? "?")})`);
  for (const l of lines) console.log(l.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  "));
  if (other.length) console.log(`\nother values that differ:\n${other.join("\n")}`);
  if (onlyA || onlyB) console.log(`\n${onlyA} figures only in A, ${onlyB} only in B (sections not run in both)`);
}

main();
