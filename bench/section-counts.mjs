// Which sections a bulk run spends its steps in, counted: every section the model runs
// (each dispatch of a procedure at a pc, merged ones included) of one `faultsim run`, per
// procedure and per section, per op and per fault:
//   node bench/section-counts.mjs "RUN ARGS" [DIR]
// DIR: a checkout with `npm run build` done (default: this one). RUN ARGS as on the command line.
// The run is the JS twin (dist/jsmodel/model.js, the same model as the Wasm build and the same
// state hash), with a counter added at the top of its dispatch() in a private copy: the
// checkout's files are left alone. Counts are dispatches: a step runs one section, or several
// where calls and returns merge (frame.ts call_now, now()); an access the MMU's fast path
// completes (machine.ts access_hit) runs no section at all. pc is the procedure's section
// number (its SECTION constants in assembly/mm/<file>.ts). The deep checker does not run
// (it only reads the machine: the counts are the same).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countedTwinEngine } from "./counted-twin.mjs";

const [args, dirArg] = process.argv.slice(2);
if (args === undefined) {
  console.error('usage: node bench/section-counts.mjs "RUN ARGS" [DIR]');
  process.exit(2);
}
const dir = path.resolve(dirArg ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const load = (f) => import(pathToFileURL(path.join(dir, f)).href);
const cli = await load("dist/src/cli.js");
const { runBulk } = await load("dist/src/bulk/run.js");
const { PROC_NAMES } = await load("dist/src/wasm/abi.js");

const program = cli.buildProgram();
let got;
program.commands.find((c) => c.name() === "run").action((o) => {
  got = o;
});
await program.parseAsync(["node", "x", "run", ...args.split(/\s+/).filter(Boolean)]);
const s = cli.settingsOf(got);
if (s.trace) throw new Error("section-counts: generated workloads only (no --trace)");

// The JS twin with a counter: key proc * 1024 + pc.
const counts = new Float64Array(64 * 1024);
globalThis.__faultsimSectionCounts = counts;
const engine = await countedTwinEngine(dir, "section-counts", [
  ["  function dispatch(proc, pc) {\n", "    globalThis.__faultsimSectionCounts[proc * 1024 + (pc & 1023)]++;\n"],
]);

const { machine, workload } = cli.bulkSetupOf(s); // `faultsim run`'s own machine and workload
const r = await runBulk({ backend: "js", machine, workload, seed: s.seed, ops: s.ops, checkInterval: 0, engine });

let total = 0;
const perProc = new Map();
for (let k = 0; k < counts.length; k++) {
  if (counts[k] === 0) continue;
  total += counts[k];
  const p = Math.floor(k / 1024);
  if (!perProc.has(p)) perProc.set(p, { n: 0, pcs: [] });
  perProc.get(p).n += counts[k];
  perProc.get(p).pcs.push([k % 1024, counts[k]]);
}
const faults = Math.max(1, r.faults);
const f1 = (x) => x.toFixed(1).padStart(6);
console.log(`state ${r.stateHash}: ${r.ops} ops, ${r.faults} faults (${r.stats.majorFaults} major), ${r.steps} steps, ${total} sections run`);
console.log(`per fault: ${(r.steps / faults).toFixed(1)} steps, ${(total / faults).toFixed(1)} sections; per op: ${(r.steps / r.ops).toFixed(1)} steps`);
console.log("   share  per fault  sections  procedure / pc");
for (const [p, v] of [...perProc].sort((a, b) => b[1].n - a[1].n)) {
  console.log(`${f1((100 * v.n) / total)}%  ${f1(v.n / faults)}  ${String(v.n).padStart(10)}  ${PROC_NAMES[p] ?? `proc ${p}`}`);
  for (const [pc, n] of v.pcs.sort((a, b) => b[1] - a[1])) console.log(`${f1((100 * n) / total)}%  ${f1(n / faults)}  ${String(n).padStart(10)}    pc ${pc}`);
}
