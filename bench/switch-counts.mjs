// What changes with the simulated CPU count in bench/ab-cpus.mjs's cpus case, counted per step
// of one bulk run (the JS twin, the same model and state hash as the Wasm build, with counters
// added to a private copy of dist/jsmodel/model.js; the checkout's files are left alone):
//   node bench/switch-counts.mjs CPUS OPS [DIR]
// Prints steps per op; the steps that run another agent than the step before (switches); the
// sections that block (block_on: a spinlock, mmap_sem, a page lock or the BKL held by another
// agent); the steps whose runnable mask differs from the step before's (sched.ts run_list is
// rebuilt there); and wake_waiters_on's calls (an unlock while any agent waits) with the
// waiters each walks and wakes. DIR: a checkout with `npm run build` done (default: this one).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countedTwinEngine } from "./counted-twin.mjs";

const [cpusArg, opsArg, dirArg] = process.argv.slice(2);
if (!cpusArg || !opsArg) {
  console.error("usage: node bench/switch-counts.mjs CPUS OPS [DIR]");
  process.exit(2);
}
const dir = path.resolve(dirArg ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const load = (f) => import(pathToFileURL(path.join(dir, f)).href);
const { runBulk } = await load("dist/src/bulk/run.js");
const { SCHED } = await load("dist/src/wasm/abi.js");
const { bulkMachineConfig } = await load("dist/src/bulk/config.js");
const { resolveModel } = await load("dist/src/model/models.js");

const C = { steps: 0, switches: 0, maskChanges: 0, blocks: 0, wakeCalls: 0, walked: 0, woken: 0, lastAgent: -1, lastMask: -1 };
globalThis.__faultsimSwitchCounts = C;
const K = "globalThis.__faultsimSwitchCounts";
const engine = await countedTwinEngine(dir, "switch-counts", [
  ["      const a2 = choose(mask);\n", `      { const c = ${K}; c.steps++; if (a2 != c.lastAgent) c.switches++; if (mask != c.lastMask) c.maskChanges++; c.lastAgent = a2; c.lastMask = mask; }\n`],
  ["  function block_on(addr, state) {\n", `    ${K}.blocks++;\n`],
  ["  function wake_waiters_on(addr) {\n    let m = gget(G_WAITERS);\n", `    { const c = ${K}; c.wakeCalls++; for (let q = m; q != 0; q &= q - 1) c.walked++; }\n`],
  ["        ag_set(a2, AG_WAIT, 0);\n", `        ${K}.woken++;\n`],
]);

// bench/ab-cpus.mjs's cpus case.
const cpus = +cpusArg;
const sizes = { cpus, mms: 4, pagesPerMm: 4096, frames: 1 << 16, areas: 1, slotsPerArea: 1 << 16 };
const workload = {
  cpus, mms: 4, pagesPerMm: 4096, areas: 1, pattern: "uniform", writeRatio: 0.3, threads: true,
  forkRate: 0, exitRate: 0, munmapRate: 0.02, swapoffRate: 0, swaponRate: 0,
};
const { flags, flags2 } = resolveModel("linux-2.4.16");
const machine = bulkMachineConfig(sizes, { flags, flags2, kswapd: false, seed: 1, sched: SCHED.RANDOM });
const r = await runBulk({ backend: "js", machine, workload, seed: 1, ops: +opsArg, checkInterval: 0, engine });
const pc = (x) => `${((100 * x) / C.steps).toFixed(1)}%`;
console.log(`cpus ${cpus}, state ${r.stateHash}: ${r.ops} ops, ${C.steps} steps (${(C.steps / r.ops).toFixed(3)} an op)`);
console.log(`switches ${pc(C.switches)} of steps, blocks ${pc(C.blocks)}, mask changes ${pc(C.maskChanges)}`);
const per = (x) => (C.wakeCalls > 0 ? (x / C.wakeCalls).toFixed(2) : "-");
console.log(`wake_waiters_on at ${pc(C.wakeCalls)} of steps, walking ${per(C.walked)} waiters and waking ${per(C.woken)} a call`);
