// Where a hunt's time goes, by function, without perf (issue 12's "profile with node
// --cpu-prof and name the Wasm functions"): builds DIR's untraced model with its function names
// (`node src/build/build-wasm.mjs --named FILE`: the shipped untraced build's flags plus a name
// section), runs DIR's `faultsim hunt HUNT ARGS --executions N --keep-going --shrink-ms 0` under
// `node --cpu-prof` with that build (FAULTSIM_WASM_UNTRACED), and prints each function's share
// of the samples, self and inclusive, Wasm and JS alike:
//   node bench/prof-hunt.mjs DIR EXECUTIONS "HUNT ARGS" [TOP]
// e.g. node bench/prof-hunt.mjs . 200000 "--model linux-2.4.16". The profile (a .cpuprofile,
// which Chrome's DevTools open) stays in the directory printed last. The process's start-up is
// in the profile too: run enough executions (~1 s of hunting) that it does not matter.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const [dirArg, executions, args = "", topArg = "30"] = process.argv.slice(2);
if (!dirArg || !executions || !/^\d+$/.test(executions) || !/^\d+$/.test(topArg)) {
  console.error('usage: node bench/prof-hunt.mjs DIR EXECUTIONS "HUNT ARGS" [TOP]');
  process.exit(2);
}
const dir = path.resolve(dirArg);
const out = mkdtempSync(path.join(os.tmpdir(), "faultsim-prof-hunt-"));
const named = path.join(out, "named.wasm");

/** Runs a command; its output is shown and the script stops when it fails. */
function must(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: dir, encoding: "utf8", ...opts });
  if (r.status !== 0 && !(opts.okStatus ?? []).includes(r.status)) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    console.error(`prof-hunt: ${path.basename(argv[argv.length > 1 ? 1 : 0])} failed (${r.status})`);
    process.exit(1);
  }
  return r;
}

must(process.execPath, ["src/build/build-wasm.mjs", "--named", named]);
const hunt = ["hunt", ...args.split(/\s+/).filter(Boolean), "--executions", executions, "--keep-going", "--shrink-ms", "0", "--budget-ms", "100000000"];
// A hunt that finds something exits 1: a profile all the same.
must(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${out}`, "dist/src/cli.js", ...hunt], {
  env: { ...process.env, FAULTSIM_WASM_UNTRACED: named },
  okStatus: [1],
});
const file = readdirSync(out).find((f) => f.endsWith(".cpuprofile"));
if (!file) {
  console.error("prof-hunt: node wrote no profile");
  process.exit(1);
}
const profile = JSON.parse(readFileSync(path.join(out, file), "utf8"));

// Samples by node, then self and inclusive time by function (a function counted once per
// sample however often it recurs on the stack).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const nodeTime = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  nodeTime.set(id, (nodeTime.get(id) ?? 0) + profile.timeDeltas[i]);
  total += profile.timeDeltas[i];
});
const nameOf = (n) => {
  const f = n.callFrame;
  const where = f.url ? ` ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}` : "";
  return `${f.functionName || "(anonymous)"}${f.url.startsWith("wasm") ? "" : where}`;
};
const self = new Map();
const incl = new Map();
for (const [id, t] of nodeTime) {
  const key = nameOf(byId.get(id));
  self.set(key, (self.get(key) ?? 0) + t);
  const seen = new Set();
  for (let x = id; x !== undefined; x = parent.get(x)) {
    const k = nameOf(byId.get(x));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const wasm = [...self].filter(([k]) => k.startsWith("assembly/")).reduce((s, [, t]) => s + t, 0);
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log(`faultsim ${hunt.join(" ")}: ${(total / 1e6).toFixed(2)} s sampled, ${pct(wasm).trim()} in the model's Wasm`);
console.log("  self  inclusive  function");
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  console.log(`${pct(t)}  ${pct(incl.get(k) ?? t)}  ${k}`);
}
console.log(`profile: ${path.join(out, file)}`);
