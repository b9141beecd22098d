// The bulk cases bench/ab-cpus.mjs alternates and bench/bulk-case.mjs runs once for profilers
// (bench/figures.ts's `cpus` and `pressure` figures), and a runner of them on one built
// checkout: linux-2.4.16, the untraced Wasm build, the random scheduler, no kswapd, seed 1.
import path from "node:path";
import { pathToFileURL } from "node:url";

/** pressure 4x: 2 CPUs, 2 mms of 2,048 pages on 1,024 frames, uniform, half writes. */
const pressure = {
  cpus: 2, mms: 2, pagesPerMm: 2048, areas: 1, pattern: "uniform", writeRatio: 0.5, threads: false,
  forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0,
};
/** cpus: 4 mms of 4,096 pages shared by the CPUs as threads, everything resident. */
const cpusCase = (cpus) => ({
  name: `cpus ${cpus}`,
  scale: 10, // its sections are cheap (everything resident): 10x the ops for a like CPU time
  sizes: { cpus, mms: 4, pagesPerMm: 4096, frames: 1 << 16, areas: 1, slotsPerArea: 1 << 16 },
  workload: { ...pressure, cpus, mms: 4, pagesPerMm: 4096, writeRatio: 0.3, threads: true, munmapRate: 0.02 },
});
/** By bench/bulk-case.mjs's names; bench/ab-cpus.mjs runs them in this order. */
export const CASES = {
  c1: cpusCase(1),
  c8: cpusCase(8),
  p4: { name: "pressure 4x", scale: 1, sizes: { cpus: 2, mms: 2, pagesPerMm: 2048, frames: 1024, areas: 1, slotsPerArea: 1 << 15 }, workload: pressure },
};

/** run(c, ops): runBulk of case c for `ops` ops on the checkout at dir, on one engine kept
 *  across runs; with `checking`, the host's deep check every 1M steps. */
export async function bulkRunner(dir, checking) {
  const load = (f) => import(pathToFileURL(path.resolve(dir, f)).href);
  const { Engine, wasmModule } = await load("dist/src/wasm/engine.js");
  const { SCHED } = await load("dist/src/wasm/abi.js");
  const { bulkMachineConfig } = await load("dist/src/bulk/config.js");
  const { runBulk } = await load("dist/src/bulk/run.js");
  const { checkInvariants } = await load("dist/src/invariants/check.js");
  const { resolveModel } = await load("dist/src/model/models.js");
  const engine = Engine.wasm(wasmModule("untraced"));
  const { flags, flags2 } = resolveModel("linux-2.4.16");
  return (c, ops) =>
    runBulk({
      backend: "wasm",
      machine: bulkMachineConfig(c.sizes, { flags, flags2, kswapd: false, seed: 1, sched: SCHED.RANDOM }),
      workload: c.workload,
      seed: 1,
      ops,
      checkInterval: checking ? 1_000_000 : 0,
      checker: checking ? checkInvariants : undefined,
      engine,
    });
}
