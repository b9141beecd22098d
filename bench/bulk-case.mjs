// One run of one of bench/ab-cpus.mjs's cases, for profilers (bench/perf-bulk.sh, valgrind):
//   node bench/bulk-case.mjs DIR CASE OPS
// DIR: a checkout with `npm run build` done; CASE: c1 or c8 (the cpus case at 1 or 8 CPUs:
// 4 mms of 4,096 pages shared by the CPUs as threads, everything resident) or p4 (pressure 4x:
// 2 CPUs, 2 mms of 2,048 pages, 1,024 frames); OPS as given (ab-cpus runs 10x its OPS for the
// cpus case). The untraced Wasm build, linux-2.4.16, the random scheduler, no deep check; one
// unmeasured warm-up run of 10,000 ops first. FAULTSIM_WASM / FAULTSIM_WASM_UNTRACED pick
// another build (a named one for perf). Prints steps, CPU seconds, ns a step and the state hash.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, which, ops] = process.argv.slice(2);
const pressure = {
  cpus: 2, mms: 2, pagesPerMm: 2048, areas: 1, pattern: "uniform", writeRatio: 0.5, threads: false,
  forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0,
};
const cpusCase = (cpus) => ({
  sizes: { cpus, mms: 4, pagesPerMm: 4096, frames: 1 << 16, areas: 1, slotsPerArea: 1 << 16 },
  workload: { ...pressure, cpus, mms: 4, pagesPerMm: 4096, writeRatio: 0.3, threads: true, munmapRate: 0.02 },
});
const cases = {
  c1: cpusCase(1),
  c8: cpusCase(8),
  p4: { sizes: { cpus: 2, mms: 2, pagesPerMm: 2048, frames: 1024, areas: 1, slotsPerArea: 1 << 15 }, workload: pressure },
};
const c = cases[which];
if (!dir || !c || !(+ops > 0)) {
  console.error("usage: node bench/bulk-case.mjs DIR c1|c8|p4 OPS");
  process.exit(2);
}
const load = (f) => import(pathToFileURL(path.resolve(dir, f)).href);
const { Engine, wasmModule } = await load("dist/src/wasm/engine.js");
const { SCHED } = await load("dist/src/wasm/abi.js");
const { bulkMachineConfig } = await load("dist/src/bulk/config.js");
const { runBulk } = await load("dist/src/bulk/run.js");
const { resolveModel } = await load("dist/src/model/models.js");
const engine = Engine.wasm(wasmModule("untraced"));
const { flags, flags2 } = resolveModel("linux-2.4.16");
const run = (n) =>
  runBulk({
    backend: "wasm",
    machine: bulkMachineConfig(c.sizes, { flags, flags2, kswapd: false, seed: 1, sched: SCHED.RANDOM }),
    workload: c.workload,
    seed: 1,
    ops: n,
    checkInterval: 0,
    engine,
  });
await run(10000);
const c0 = process.cpuUsage();
const res = await run(+ops);
const u = process.cpuUsage(c0);
const s = (u.user + u.system) / 1e6;
console.log(`${which}: ${res.steps} steps, CPU ${s.toFixed(3)} s, ${((s * 1e9) / res.steps).toFixed(1)} ns a step, ${res.stateHash}`);
