// faultsim benchmarks (tinybench): `npm run bench`, or `npm run bench:short` for CI (a few
// seconds). Prints a readable table and one JSON line (prefix "BENCH_JSON ") for notes.
// Timings are reported, never asserted.
//
//   bulk      faults/s and accesses/s of the Wasm model vs the JS build of the same sources,
//             side by side on the same work (2 CPUs switching at every section, memory
//             pressure, deep host check every 10^6 steps)
//   workers   one worker vs two on the same campaign of bulk runs
//   rss       resident memory of a 1M-frame, 4x1M-slot, 64x64K-page machine (child process)
//   hunt      executions/s, time to first swap-cache duplicate, PCT hits vs bound (src/explore)
import { Bench, type Task } from "tinybench";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Engine, wasmModule, type Backend } from "../src/wasm/engine.js";
import { SCHED } from "../src/wasm/abi.js";
import { bulkMachineConfig, type MachineSizes } from "../src/bulk/config.js";
import { runBulk, type BulkResult } from "../src/bulk/run.js";
import { loadBulkSources } from "../src/bulk/sources.js";
import type { WorkloadOptions } from "../src/bulk/workload-contract.js";
import { resolveModel } from "../src/model/models.js";
import { WorkerPool } from "../src/workers/pool.js";
import type { CampaignSpec } from "../src/workers/protocol.js";

type Row = { measure: string; value: string; note?: string };
const rows: Row[] = [];
const json: Record<string, unknown> = { bench: "faultsim" };
const row = (measure: string, value: string, note = "") => rows.push({ measure, value, note });
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : n.toFixed(n < 10 ? 2 : 0));

// ---- the bulk configuration ----

/** Memory pressure: 8 x 4096 pages touched over 8192 frames (4x overcommit), one swap area. */
const BULK_SIZES: MachineSizes = { cpus: 2, mms: 8, pagesPerMm: 4096, frames: 8192, areas: 1, slotsPerArea: 1 << 16 };
const BULK_MODEL = "linux-2.4.16";
const CHECK_EVERY = 1_000_000;

function bulkMachine(seed: number) {
  const flags = resolveModel(BULK_MODEL).flags;
  return bulkMachineConfig(BULK_SIZES, { flags, kswapd: false, seed, sched: SCHED.RANDOM });
}
const bulkWorkload: WorkloadOptions = {
  cpus: BULK_SIZES.cpus, mms: BULK_SIZES.mms, pagesPerMm: BULK_SIZES.pagesPerMm, areas: BULK_SIZES.areas,
  pattern: "hotcold", writeRatio: 0.5, threads: true,
  forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0,
};

/** Mean ms per iteration of a finished tinybench task. */
function meanMs(t: Task): number {
  const r = t.result;
  if (r.state !== "completed") throw new Error(`benchmark task ${t.name} did not complete (${r.state}${"error" in r ? `: ${String(r.error)}` : ""})`);
  return r.latency.mean;
}

// ---- Wasm vs JS ----

async function benchBulk(short: boolean): Promise<void> {
  const ops = short ? 100_000 : 2_000_000;
  const sources = await loadBulkSources();
  const engines: Record<Backend, Engine> = { wasm: Engine.wasm(), js: await Engine.js() };
  const last: Partial<Record<Backend, BulkResult>> = {};
  const once = async (backend: Backend) => {
    last[backend] = await runBulk({
      backend, machine: bulkMachine(1), workload: bulkWorkload, seed: 1, ops, checkInterval: CHECK_EVERY,
      workloadFactory: sources.workloadFactory, checker: sources.checker, engine: engines[backend],
    });
  };
  const bench = new Bench({ time: 0, iterations: short ? 2 : 5, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add("bulk wasm", () => once("wasm")).add("bulk js", () => once("js"));
  await bench.run();
  const out: Record<string, unknown> = { ops, model: BULK_MODEL, sizes: BULK_SIZES, checkEvery: CHECK_EVERY, missing: sources.missing };
  const rate: Record<Backend, { faults: number; accesses: number; steps: number }> = {} as never;
  for (const b of ["wasm", "js"] as const) {
    const r = last[b]!;
    const s = meanMs(bench.getTask(`bulk ${b}`)!) / 1000;
    rate[b] = { faults: r.faults / s, accesses: r.accesses / s, steps: r.steps / s };
    out[b] = { msPerRun: s * 1000, faults: r.faults, accesses: r.accesses, steps: r.steps, faultsPerSec: rate[b].faults, accessesPerSec: rate[b].accesses, stepsPerSec: rate[b].steps, outcome: r.outcome, stateHash: r.stateHash };
    row(`bulk ${b} faults/s`, fmt(rate[b].faults), `${r.faults} faults, ${r.accesses} accesses, ${r.steps} steps in ${(s * 1000).toFixed(0)} ms`);
    row(`bulk ${b} accesses/s`, fmt(rate[b].accesses));
    row(`bulk ${b} sections/s`, fmt(rate[b].steps));
  }
  const same = last.wasm!.stateHash === last.js!.stateHash;
  const ratio = rate.wasm.steps / rate.js.steps;
  out.sameResult = same;
  out.ratioWasmOverJs = ratio;
  row("bulk wasm / js", `${ratio.toFixed(2)}x`, `same work, same end state: ${same ? "yes" : "NO"}`);
  if (last.wasm!.faults === 0) row("bulk note", "no faults", "kernel paths are stubs in this build: rates are of the engine only");
  if (sources.missing.length) row("bulk note", "missing", sources.missing.join("; "));
  json.bulk = out;
}

// ---- one worker vs two ----

async function benchWorkers(short: boolean): Promise<void> {
  const executions = short ? 4 : 8;
  const ops = short ? 50_000 : 500_000;
  const spec: CampaignSpec = {
    job: { kind: "bulk", params: { backend: "wasm", machine: bulkMachine(1), workload: bulkWorkload, ops, checkInterval: CHECK_EVERY } },
    firstSeed: 1, executions, chunk: 1,
  };
  const module = wasmModule();
  const pools = { 1: await WorkerPool.start({ workers: 1, module }), 2: await WorkerPool.start({ workers: 2, module }) };
  const hashes: Record<number, string> = {};
  try {
    const bench = new Bench({ time: 0, iterations: short ? 1 : 3, warmupIterations: 1, warmupTime: 0, throws: true });
    for (const w of [1, 2] as const) bench.add(`${w} worker(s)`, async () => { hashes[w] = (await pools[w].run(spec)).hash; });
    await bench.run();
    const t1 = meanMs(bench.getTask("1 worker(s)")!), t2 = meanMs(bench.getTask("2 worker(s)")!);
    const speedup = t1 / t2;
    row("1 worker", `${t1.toFixed(0)} ms`, `${executions} bulk runs x ${ops} ops`);
    row("2 workers", `${t2.toFixed(0)} ms`, `same campaign, identical result: ${hashes[1] === hashes[2] ? "yes" : "NO"}`);
    row("2 workers / 1 worker", `${speedup.toFixed(2)}x`, "speedup");
    json.workers = { executions, ops, ms1: t1, ms2: t2, speedup, identical: hashes[1] === hashes[2] };
  } finally {
    await Promise.all([pools[1].close(), pools[2].close()]);
  }
}

// ---- resident memory of a large machine (measured in a fresh child process) ----

const RSS_SIZES: MachineSizes = { cpus: 2, mms: 64, pagesPerMm: 65536, frames: 1 << 20, areas: 4, slotsPerArea: 1 << 20 };

/** Child side: prints {rssBefore, rssAfter, wasmBytes} as JSON. */
function rssProbe(): void {
  const e = Engine.wasm();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  e.configure(bulkMachineConfig(RSS_SIZES, { flags: resolveModel(BULK_MODEL).flags, kswapd: false, seed: 1, sched: SCHED.RANDOM }));
  e.reset();
  const ms = performance.now() - t0;
  const rssAfter = process.memoryUsage().rss;
  process.stdout.write(JSON.stringify({ rssBefore, rssAfter, wasmBytes: e.memory.buffer.byteLength, configureResetMs: ms }) + "\n");
}

async function benchRss(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["--rss-probe"], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`rss probe exited with ${code}`);
  const p = JSON.parse(out) as { rssBefore: number; rssAfter: number; wasmBytes: number; configureResetMs: number };
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const what = `${RSS_SIZES.frames} frames, ${RSS_SIZES.areas}x${RSS_SIZES.slotsPerArea} slots, ${RSS_SIZES.mms}x${RSS_SIZES.pagesPerMm} pages`;
  row("rss after configure+reset", mib(p.rssAfter), what);
  row("rss of the machine", mib(p.rssAfter - p.rssBefore), `Wasm memory ${mib(p.wasmBytes)}; configure+reset ${p.configureResetMs.toFixed(0)} ms`);
  json.rss = { sizes: RSS_SIZES, ...p };
}

// ---- hunting (src/explore, written concurrently) ----

async function benchHunt(): Promise<void> {
  let hunt: Record<string, unknown> | undefined;
  try {
    hunt = (await import(new URL("../src/explore/hunt.js", import.meta.url).href)) as Record<string, unknown>;
  } catch (err) {
    if ((err as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw err;
  }
  if (!hunt) {
    row("hunt", "pending", "src/explore/hunt not in the tree yet");
    json.hunt = { pending: true };
    return;
  }
  row("hunt", "pending", `src/explore/hunt exports ${Object.keys(hunt).join(", ")}: not wired into the bench yet`);
  json.hunt = { pending: true, exports: Object.keys(hunt) };
}

// ---- main ----

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg} (usage: node dist/bench/run.js [--short])\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--rss-probe") return rssProbe();
  for (const a of args) if (a !== "--short") usage(`unknown argument '${a}'`);
  const short = args.includes("--short");
  json.short = short;
  json.node = process.version;
  const t0 = performance.now();
  await benchBulk(short);
  await benchWorkers(short);
  await benchRss();
  await benchHunt();
  json.seconds = (performance.now() - t0) / 1000;
  const w = Math.max(...rows.map((r) => r.measure.length));
  const v = Math.max(...rows.map((r) => r.value.length));
  console.log(`faultsim bench${short ? " --short" : ""} (node ${process.version})`);
  for (const r of rows) console.log(`  ${r.measure.padEnd(w)}  ${r.value.padStart(v)}  ${r.note ?? ""}`);
  console.log("BENCH_JSON " + JSON.stringify(json));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(3);
});
