// One run of one of bench/ab-cpus.mjs's cases, for profilers (bench/perf-bulk.sh, valgrind):
//   node bench/bulk-case.mjs DIR CASE OPS
// DIR: a checkout with `npm run build` done; CASE: c1 or c8 (the cpus case at 1 or 8 CPUs:
// 4 mms of 4,096 pages shared by the CPUs as threads, everything resident) or p4 (pressure 4x:
// 2 CPUs, 2 mms of 2,048 pages, 1,024 frames); OPS as given (ab-cpus runs 10x its OPS for the
// cpus case). The untraced Wasm build, linux-2.4.16, the random scheduler, no deep check; one
// unmeasured warm-up run of 10,000 ops first. FAULTSIM_WASM / FAULTSIM_WASM_UNTRACED pick
// another build (a named one for perf). Prints steps, CPU seconds, ns a step and the state hash.
import { CASES, bulkRunner } from "./bulk-cases.mjs";

const [dir, which, ops] = process.argv.slice(2);
const c = CASES[which];
if (!dir || !c || !(+ops > 0)) {
  console.error("usage: node bench/bulk-case.mjs DIR c1|c8|p4 OPS");
  process.exit(2);
}
const runCase = await bulkRunner(dir, false);
const run = (n) => runCase(c, n);
await run(10000);
const c0 = process.cpuUsage();
const res = await run(+ops);
const u = process.cpuUsage(c0);
const s = (u.user + u.system) / 1e6;
console.log(`${which}: ${res.steps} steps, CPU ${s.toFixed(3)} s, ${((s * 1e9) / res.steps).toFixed(1)} ns a step, ${res.stateHash}`);
