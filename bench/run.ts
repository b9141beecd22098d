// faultsim benchmarks (tinybench): `npm run bench`, or `npm run bench:short` for CI (a few
// seconds); `--only workers,hunt` runs some sections. Prints a readable table and one JSON
// line (prefix "BENCH_JSON ") for notes.
// Timings are reported, never asserted.
//
//   bulk      faults/s and accesses/s of the Wasm model vs the JS build of the same sources,
//             side by side on the same work (2 CPUs switching at every section, deep host
//             check every 10^6 steps), in two workloads: "thrash" (4x overcommit: reclaim and
//             swap) and "faults" (fits in memory: faults without reclaim)
//   workers   one worker vs two on the same campaign of bulk runs
//   trace     accesses per CPU-second of a trace replay (run --trace, CSV) beside the synthetic
//             workload whose ops the trace holds (the same ops, so the same pressure)
//   rss       resident memory of a 1M-frame, 4x1M-slot, 64x64K-page machine (child process)
//   hunt      executions/s on linux-2.4.16 (hunt() and the worker campaign path); time to the
//             first swap-cache duplicate on linux-2.4.10-pre from random seeds, PCT and random;
//             PCT's observed duplicate hits per execution beside its bound, depth 1, 2, 3
//   pressure, cpus, frames, cold: issue 12's figures per CPU-second (bench/figures.ts)
//
// `--json FILE` writes the JSON object to a new FILE as well, for `node dist/bench/compare.js
// A.json B.json` (bench/compare.ts).
import { Bench, type Task } from "tinybench";
import { fork, spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Engine, wasmModule, type Backend } from "../src/wasm/engine.js";
import { SCHED } from "../src/wasm/abi.js";
import { bulkMachineConfig, generatorOptions, type MachineSizes, type WorkloadOptions } from "../src/bulk/config.js";
import { runBulk, type BulkResult } from "../src/bulk/run.js";
import { checkInvariants } from "../src/invariants/check.js";
import { resolveModel } from "../src/model/models.js";
import { WorkerPool } from "../src/workers/pool.js";
import type { CampaignSpec, HuntParams } from "../src/workers/protocol.js";
import { runCampaignInline } from "../src/workers/campaign.js";
import { calibratePctK, huntRange } from "../src/workers/hunt-range.js";
import { emptySeqHash, emptyTally } from "../src/explore/shard.js";
import { hunt, HUNT_DEFAULTS, HUNT_OPS_PER_CPU } from "../src/explore/hunt.js";
import { HUNT_MACHINE } from "../src/explore/machine.js";
import { pctBoundOfAgents } from "../src/explore/pct.js";
import type { HuntWorkload } from "../src/explore/workload.js";
import { configureGenerator, drawOps } from "../src/workload/generator.js";
import { openTrace, TraceFeed } from "../src/trace/index.js";
import { OP, opKind, opMm, opPage } from "../src/wasm/abi.js";
import { existsSync, mkdtempSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { simulate, arraySource } from "../src/policy/run.js";
import { POLICY_NAMES } from "../src/policy/policies.js";
import path from "node:path";
import { fmt, json, row, rows } from "./report.js";
import { benchCold, benchCpus, benchHuntFrames, benchPressure } from "./figures.js";

// ---- the bulk configurations ----

const BULK_MODEL = "linux-2.4.16";
const CHECK_EVERY = 1_000_000;

/** A bulk workload measured Wasm against JS: 2 CPUs switching at every section (random
 *  scheduler), the deep check every 10^6 steps. */
interface BulkCase {
  name: string;
  /** What the case stresses, for the table. */
  about: string;
  sizes: MachineSizes;
  workload: WorkloadOptions;
  ops: { full: number; short: number };
}

/** A case whose workload addresses exactly its machine's CPUs, mms, pages and areas. */
function bulkCase(
  name: string,
  about: string,
  sizes: MachineSizes,
  access: Omit<WorkloadOptions, "cpus" | "mms" | "pagesPerMm" | "areas">,
  ops: BulkCase["ops"],
): BulkCase {
  const { cpus, mms, pagesPerMm, areas } = sizes;
  return { name, about, sizes, workload: { cpus, mms, pagesPerMm, areas, ...access }, ops };
}

/** Reclaim: 8 x 4096 pages touched over 8192 frames (4x overcommit), one swap area; about
 *  half the accesses fault, most of them through swap-out and swap-in. */
const THRASH = bulkCase(
  "thrash",
  "4x overcommit, reclaim and swap on every other access",
  { cpus: 2, mms: 8, pagesPerMm: 4096, frames: 8192, areas: 1, slotsPerArea: 1 << 16 },
  { pattern: "hotcold", writeRatio: 0.5, threads: true, forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0 },
  { full: 2_000_000, short: 30_000 },
);
/** Faults without reclaim: 4 x 4096 pages in 65536 frames; 2% munmaps keep pages going away,
 *  so about one access in eight faults (zero-page maps, anonymous pages, copy-on-write). */
const FAULTS = bulkCase(
  "faults",
  "fits in memory, 2% munmap: one access in eight faults",
  { cpus: 2, mms: 4, pagesPerMm: 4096, frames: 1 << 16, areas: 1, slotsPerArea: 1 << 16 },
  { pattern: "uniform", writeRatio: 0.3, threads: true, forkRate: 0, exitRate: 0, munmapRate: 0.02, swapoffRate: 0, swaponRate: 0 },
  { full: 10_000_000, short: 50_000 },
);

function bulkMachine(c: BulkCase, seed: number) {
  const { flags, flags2 } = resolveModel(BULK_MODEL);
  return bulkMachineConfig(c.sizes, { flags, flags2, kswapd: false, seed, sched: SCHED.RANDOM });
}

/** Mean ms per iteration of a finished tinybench task. */
function meanMs(t: Task): number {
  const r = t.result;
  if (r.state !== "completed")
    throw new Error(`benchmark task ${t.name} did not complete (${r.state}${"error" in r ? `: ${String(r.error)}` : ""})`);
  return r.latency.mean;
}

// ---- Wasm vs JS ----

async function benchBulk(short: boolean): Promise<void> {
  const engines: Record<Backend, Engine> = { wasm: Engine.wasm(wasmModule("untraced")), js: await Engine.js() };
  for (const c of [THRASH, FAULTS]) json[c === THRASH ? "bulk" : `bulk_${c.name}`] = await benchBulkCase(c, short, engines);
}

async function benchBulkCase(c: BulkCase, short: boolean, engines: Record<Backend, Engine>): Promise<Record<string, unknown>> {
  const ops = short ? c.ops.short : c.ops.full;
  const last: Partial<Record<Backend, BulkResult>> = {};
  const once = async (backend: Backend) => {
    last[backend] = await runBulk({
      backend,
      machine: bulkMachine(c, 1),
      workload: c.workload,
      seed: 1,
      ops,
      checkInterval: CHECK_EVERY,
      checker: checkInvariants,
      engine: engines[backend],
    });
  };
  const bench = new Bench({ time: 0, iterations: short ? 2 : 3, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add("bulk wasm", () => once("wasm")).add("bulk js", () => once("js"));
  await bench.run();
  const out: Record<string, unknown> = {
    case: c.name,
    ops,
    model: BULK_MODEL,
    sizes: c.sizes,
    workload: c.workload,
    checkEvery: CHECK_EVERY,
  };
  const rate: Record<Backend, { faults: number; accesses: number; steps: number }> = {} as never;
  for (const b of ["wasm", "js"] as const) {
    const r = last[b]!;
    const s = meanMs(bench.getTask(`bulk ${b}`)!) / 1000;
    rate[b] = { faults: r.faults / s, accesses: r.accesses / s, steps: r.steps / s };
    out[b] = {
      msPerRun: s * 1000,
      faults: r.faults,
      accesses: r.accesses,
      steps: r.steps,
      faultsPerSec: rate[b].faults,
      accessesPerSec: rate[b].accesses,
      stepsPerSec: rate[b].steps,
      outcome: r.outcome,
      stateHash: r.stateHash,
    };
    const note = b === "wasm" ? `${c.about}: ` : "";
    row(
      `bulk ${c.name} ${b} faults/s`,
      fmt(rate[b].faults),
      `${note}${r.faults} faults, ${r.accesses} accesses, ${r.steps} steps in ${(s * 1000).toFixed(0)} ms`,
    );
    row(`bulk ${c.name} ${b} accesses/s`, fmt(rate[b].accesses));
    row(`bulk ${c.name} ${b} sections/s`, fmt(rate[b].steps));
  }
  const same = last.wasm!.stateHash === last.js!.stateHash;
  const ratio = rate.wasm.steps / rate.js.steps;
  out.sameResult = same;
  out.ratioWasmOverJs = ratio;
  row(`bulk ${c.name} wasm / js`, `${ratio.toFixed(2)}x`, `same work, same end state: ${same ? "yes" : "NO"}`);
  return out;
}

// ---- trace replay vs the synthetic workload ----

/** 2 CPUs, one process each, 2 x 4096 pages over 4096 frames (2x pressure), hot/cold, no
 *  rare ops: the synthetic run, and a CSV trace of exactly its op streams. */
const TRACE_CASE = bulkCase(
  "trace",
  "2x pressure, hot/cold, 30% writes",
  { cpus: 2, mms: 2, pagesPerMm: 4096, frames: 4096, areas: 1, slotsPerArea: 1 << 15 },
  { pattern: "hotcold", writeRatio: 0.3, threads: false, forkRate: 0, exitRate: 0, munmapRate: 0, swapoffRate: 0, swaponRate: 0 },
  { full: 1_000_000, short: 40_000 },
);

/** The synthetic workload's ops as a CSV trace (time,pid,address,op), the CPUs' streams
 *  interleaved op by op. */
function writeTraceOf(c: BulkCase, ops: number, file: string): void {
  const e = Engine.wasm(wasmModule("untraced"));
  e.configure(bulkMachine(c, 1));
  configureGenerator(e, generatorOptions(c.workload), 1, 0);
  e.reset();
  const per = Math.floor(ops / c.sizes.cpus);
  const streams = Array.from({ length: c.sizes.cpus }, (_, cpu) => drawOps(e, cpu, per));
  const lines = ["time,pid,address,op"];
  for (let i = 0; i < per; i++)
    for (const st of streams) {
      const op = st[i];
      lines.push(`${lines.length},${opMm(op)},${opPage(op) * 4096},${opKind(op) === OP.WRITE ? "W" : "R"}`);
    }
  writeFileSync(file, lines.join("\n") + "\n");
}

async function benchTrace(short: boolean): Promise<void> {
  const c = TRACE_CASE;
  const ops = short ? c.ops.short : c.ops.full;
  const dir = mkdtempSync(path.join(os.tmpdir(), "faultsim-bench-"));
  const file = path.join(dir, "synthetic.csv");
  writeTraceOf(c, ops, file);
  const engine = Engine.wasm(wasmModule("untraced"));
  const cpu: Record<string, { seconds: number; accesses: number; last?: BulkResult }> = {
    synthetic: { seconds: 0, accesses: 0 },
    trace: { seconds: 0, accesses: 0 },
  };
  const once = async (kind: "synthetic" | "trace") => {
    const before = process.cpuUsage();
    const feed =
      kind === "trace"
        ? new TraceFeed(openTrace(file, "csv"), { cpus: c.sizes.cpus, mms: c.sizes.mms, pagesPerMm: c.sizes.pagesPerMm, opCap: 1 << 12 })
        : undefined;
    const r = await runBulk({
      backend: "wasm",
      machine: bulkMachine(c, 1),
      workload: c.workload,
      seed: 1,
      ops,
      checkInterval: 0,
      engine,
      feed,
    });
    const used = process.cpuUsage(before);
    cpu[kind].seconds += (used.user + used.system) / 1e6;
    cpu[kind].accesses += r.accesses;
    cpu[kind].last = r;
  };
  const bench = new Bench({ time: 0, iterations: short ? 2 : 3, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add("synthetic", () => once("synthetic")).add("trace", () => once("trace"));
  await bench.run();
  rmSync(dir, { recursive: true, force: true });
  const out: Record<string, unknown> = { ops, sizes: c.sizes, workload: c.workload };
  for (const k of ["synthetic", "trace"] as const) {
    const perCpuSec = cpu[k].accesses / cpu[k].seconds;
    const r = cpu[k].last!;
    out[k] = { accessesPerCpuSecond: perCpuSec, msPerRun: meanMs(bench.getTask(k)!), faults: r.faults, pressure: r.pressure.ratio };
    row(
      `trace replay: ${k} accesses/CPU-s`,
      fmt(perCpuSec),
      `${c.about}; ${r.accesses} accesses, ${r.faults} faults, pressure ${r.pressure.ratio.toFixed(2)}x`,
    );
  }
  const ratio =
    (out.trace as { accessesPerCpuSecond: number }).accessesPerCpuSecond /
    (out.synthetic as { accessesPerCpuSecond: number }).accessesPerCpuSecond;
  out.ratioTraceOverSynthetic = ratio;
  row(
    "trace replay / synthetic",
    `${(ratio * 100).toFixed(0)}%`,
    "per CPU-second, the same ops (CSV parsed and fed vs generated in the model)",
  );
  json.trace = out;
}

// ---- one worker vs two ----

async function benchWorkers(short: boolean): Promise<void> {
  const executions = short ? 4 : 8;
  const ops = short ? 40_000 : 500_000;
  const spec: CampaignSpec = {
    job: {
      kind: "bulk",
      params: { backend: "wasm", machine: bulkMachine(THRASH, 1), workload: THRASH.workload, ops, checkInterval: CHECK_EVERY },
    },
    firstSeed: 1,
    executions,
    chunk: 1,
  };
  const module = wasmModule("untraced");
  const pools = { 1: await WorkerPool.start({ workers: 1, module }), 2: await WorkerPool.start({ workers: 2, module }) };
  const hashes: Record<number, string> = {};
  try {
    const bench = new Bench({ time: 0, iterations: short ? 2 : 3, warmupIterations: 1, warmupTime: 0, throws: true });
    for (const w of [1, 2] as const)
      bench.add(`${w} worker(s)`, async () => {
        hashes[w] = (await pools[w].run(spec)).hash;
      });
    await bench.run();
    const t1 = meanMs(bench.getTask("1 worker(s)")!),
      t2 = meanMs(bench.getTask("2 worker(s)")!);
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
  const { flags, flags2 } = resolveModel(BULK_MODEL);
  e.configure(bulkMachineConfig(RSS_SIZES, { flags, flags2, kswapd: false, seed: 1, sched: SCHED.RANDOM }));
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
  row(
    "rss of the machine",
    mib(p.rssAfter - p.rssBefore),
    `Wasm memory ${mib(p.wasmBytes)}; configure+reset ${p.configureResetMs.toFixed(0)} ms`,
  );
  json.rss = { sizes: RSS_SIZES, ...p };
}

// ---- hunting ----

const huntWorkload = (sched: "pct" | "random"): HuntWorkload => ({
  cpus: HUNT_MACHINE.cpus,
  opsPerCpu: HUNT_OPS_PER_CPU[sched],
  pagesPerMm: HUNT_MACHINE.pagesPerMm,
  mms: HUNT_MACHINE.mms,
  shareMm: HUNT_DEFAULTS.shareMm,
  writeRatio: HUNT_DEFAULTS.writeRatio,
});
const huntParams = (model: string, sched: "pct" | "random", depth: number, pctK: number, huntSeed: number): HuntParams => ({
  backend: "wasm",
  flags: resolveModel(model).flags,
  flags2: resolveModel(model).flags2,
  machine: HUNT_MACHINE,
  sched,
  depth,
  pctK,
  huntSeed,
  workload: huntWorkload(sched),
});
const isDuplicate = (signature: string) => signature.startsWith("swapcache-unique");
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/** PCT's k for a campaign (src/workers calibratePctK). */
async function calibrateK(model: string): Promise<number> {
  return calibratePctK(Engine.wasm(wasmModule("untraced")), huntParams(model, "pct", HUNT_DEFAULTS.depth, 1, 1));
}

/** hunt()'s own rate on linux-2.4.16 (the fixed model: nothing to find), and the campaign path's. */
async function benchHuntRate(short: boolean): Promise<void> {
  const budgetMs = short ? 400 : 3000;
  const r = await hunt({
    ...HUNT_DEFAULTS,
    model: resolveModel("linux-2.4.16"),
    machine: HUNT_MACHINE,
    budgetMs,
    executions: Number.POSITIVE_INFINITY,
  });
  const sched = HUNT_DEFAULTS.sched;
  const how = sched === "pct" ? `pct depth ${HUNT_DEFAULTS.depth}` : sched;
  row(
    "hunt linux-2.4.16 executions/s",
    fmt(r.executionsPerSec),
    `hunt() defaults (${how}), ${r.executions} executions, ${r.findings.length} findings`,
  );
  const executions = short ? 10_000 : 200_000;
  const k = await calibrateK("linux-2.4.16");
  const spec: CampaignSpec = {
    job: { kind: "hunt", params: huntParams("linux-2.4.16", sched, HUNT_DEFAULTS.depth, k, 1) },
    firstSeed: 0,
    executions,
  };
  const t0 = performance.now();
  await runCampaignInline(spec);
  const t1 = performance.now();
  const pool = await WorkerPool.start({ workers: 2 });
  let t2 = 0,
    t3 = 0;
  try {
    await pool.run({ ...spec, executions: Math.min(executions, 4000) }); // warm the workers' JIT
    t2 = performance.now();
    await pool.run(spec);
    t3 = performance.now();
  } finally {
    await pool.close();
  }
  const inline = executions / ((t1 - t0) / 1000),
    two = executions / ((t3 - t2) / 1000);
  row(
    "hunt campaign, 1 thread",
    fmt(inline) + "/s",
    `${executions} executions (src/workers huntRange, ${how}${sched === "pct" ? `, k = ${k}` : ""})`,
  );
  row("hunt campaign, 2 workers", fmt(two) + "/s", `${(two / inline).toFixed(2)}x`);
  json.huntRate = {
    model: "linux-2.4.16",
    sched,
    huntPerSec: r.executionsPerSec,
    huntExecutions: r.executions,
    findings: r.findings.length,
    campaignInlinePerSec: inline,
    campaign2WorkersPerSec: two,
    k,
  };
}

/** Executions and ms until the first swap-cache duplicate of a hunt seed (search only, no shrinking). */
function timeToDuplicate(e: Engine, p: HuntParams, cap: number): { executions: number; ms: number } | undefined {
  const t = emptyTally();
  const hash = emptySeqHash();
  const t0 = performance.now();
  let first = 0;
  while (first < cap) {
    const found = huntRange(e, p, { index: 0, first, count: cap - first }, { stopOnViolation: true, keepRecords: false }, t, hash);
    if (!found) return undefined;
    if (isDuplicate(found.signature)) return { executions: found.seed + 1, ms: performance.now() - t0 };
    first = found.seed + 1; // another violation first: keep looking
  }
  return undefined;
}

async function benchTimeToDuplicate(short: boolean): Promise<void> {
  const model = "linux-2.4.10-pre";
  const seeds = short ? 3 : 20;
  const cap = short ? 10_000 : 100_000;
  const k = await calibrateK(model);
  const e = Engine.wasm(wasmModule("untraced"));
  const out: Record<string, unknown> = { model, seeds, cap, k };
  for (const sched of ["pct", "random"] as const) {
    const ms: number[] = [],
      execs: number[] = [];
    let missed = 0;
    for (let s = 1; s <= seeds; s++) {
      const r = timeToDuplicate(e, huntParams(model, sched, HUNT_DEFAULTS.depth, k, s), cap);
      if (r) {
        ms.push(r.ms);
        execs.push(r.executions);
      } else missed++;
    }
    const note =
      `${seeds} seeds` +
      (execs.length ? `, executions median ${quantile(execs, 0.5)} p95 ${quantile(execs, 0.95)}` : "") +
      (missed ? `, ${missed} not found in ${cap} executions` : "") +
      (sched === "pct" ? `, depth ${HUNT_DEFAULTS.depth}, k = ${k}` : "");
    row(`first duplicate ${sched} median`, ms.length ? `${quantile(ms, 0.5).toFixed(1)} ms` : "none", note);
    row(`first duplicate ${sched} p95`, ms.length ? `${quantile(ms, 0.95).toFixed(1)} ms` : "none");
    out[sched] = { ms, executions: execs, missed, medianMs: quantile(ms, 0.5), p95Ms: quantile(ms, 0.95) };
  }
  json.firstDuplicate = out;
}

/** PCT's observed rate of duplicate hits per execution beside 1/(n·k^(d-1)). */
async function benchPctBound(short: boolean): Promise<void> {
  const model = "linux-2.4.10-pre";
  const executions = short ? 10_000 : 300_000;
  const k = await calibrateK(model);
  const pool = await WorkerPool.start({ workers: 2 });
  const out: Record<string, unknown>[] = [];
  try {
    for (const depth of [1, 2, 3]) {
      const r = await pool.run({ job: { kind: "hunt", params: huntParams(model, "pct", depth, k, 7) }, firstSeed: 0, executions });
      const hits = Object.entries(r.hits)
        .filter(([sig]) => isDuplicate(sig))
        .reduce((n, [, v]) => n + v, 0);
      // The bound is stated for the k the change points are drawn over (the calibrated one).
      const b = pctBoundOfAgents(r.agentMask, HUNT_MACHINE.cpus, k, depth);
      const observed = hits / r.executions;
      const mean = r.decisions / Math.max(1, r.executions);
      row(
        `pct depth ${depth} hits/execution`,
        observed.toExponential(2),
        `bound ${b.perExecution.toExponential(2)} = 1/(${b.n}·${b.k}^${depth - 1}); ${hits} duplicates in ${r.executions}; change points over k = ${k}, mean ${mean.toFixed(0)} decisions`,
      );
      out.push({
        depth,
        executions: r.executions,
        hits,
        observed,
        bound: b.perExecution,
        n: b.n,
        k: b.k,
        pctK: k,
        meanDecisions: mean,
        allHits: r.hits,
      });
    }
  } finally {
    await pool.close();
  }
  json.pct = { model, runs: out };
}

// ---- main ----

// ---- pure policies (run --reclaim) ----

/** The issue's target case: 10M requests over 64K pages, hot/cold (20% of the pages get 80% of
 *  the requests), 30% writes, 16K frames (4x pressure); libCacheSim's C cachesim does about
 *  3.7M LRU requests per CPU-second on such a trace. The stream is made in memory first (not
 *  timed): the figure is the policy and its swap/data bookkeeping, as `run --reclaim` runs them. */
async function benchPolicy(short: boolean): Promise<void> {
  const n = short ? 1_000_000 : 10_000_000;
  const pages = 1 << 16;
  const frames = pages / 4;
  const seq = new Int32Array(n);
  const writes = new Uint8Array(n);
  let x = 12345;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const hot = pages / 5;
  for (let i = 0; i < n; i++) {
    seq[i] = rnd() < 0.8 ? Math.floor(rnd() * hot) : hot + Math.floor(rnd() * (pages - hot));
    writes[i] = rnd() < 0.3 ? 1 : 0;
  }
  const out: Record<string, unknown> = { requests: n, pages, frames };
  for (const policy of POLICY_NAMES) {
    simulate(policy, frames, pages, arraySource(seq.subarray(0, 100_000), writes)); // warm-up
    const before = process.cpuUsage();
    const r = simulate(policy, frames, pages, arraySource(seq, writes));
    const used = process.cpuUsage(before);
    const perCpuSec = n / ((used.user + used.system) / 1e6);
    out[policy] = { requestsPerCpuSecond: perCpuSec, missRatio: r.misses / r.requests, swapIns: r.swapIns, swapOuts: r.swapOuts };
    row(
      `policy ${policy}: requests/CPU-s`,
      fmt(perCpuSec),
      `hot/cold, 64K pages, 16K frames; miss ratio ${(r.misses / r.requests).toFixed(4)}`,
    );
  }
  json.policy = out;
}

const SECTIONS: Record<string, (short: boolean) => Promise<void>> = {
  bulk: benchBulk,
  policy: benchPolicy,
  workers: benchWorkers,
  trace: benchTrace,
  rss: () => benchRss(),
  hunt: benchHuntRate,
  duplicate: benchTimeToDuplicate,
  pct: benchPctBound,
  pressure: benchPressure,
  cpus: benchCpus,
  frames: benchHuntFrames,
  cold: benchCold,
};
const USAGE = `usage: node dist/bench/run.js [--short] [--only ${Object.keys(SECTIONS).join(",")}] [--json FILE]`;

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg} (${USAGE})\n`);
  process.exit(2);
}

/** The sections to run: all, or those named by --only (comma-separated). */
function parseArgs(args: string[]): { short: boolean; sections: string[]; jsonFile?: string } {
  let short = false;
  let jsonFile: string | undefined;
  let sections = Object.keys(SECTIONS);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--short") short = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const list = a === "--only" ? args[++i] : a.slice("--only=".length);
      if (!list) usage("--only needs a list of sections");
      sections = list.split(",").filter(Boolean);
      for (const s of sections) if (!(s in SECTIONS)) usage(`unknown section '${s}'`);
    } else if (a === "--json") {
      jsonFile = args[++i];
      if (!jsonFile) usage("--json needs a file");
      if (existsSync(jsonFile)) usage(`--json ${jsonFile}: the file exists (never overwritten)`);
    } else usage(`unknown argument '${a}'`);
  }
  return { short, sections, jsonFile };
}

/** The commit the bench runs on, and whether the tree has changes (for comparing files). */
function gitCommit(): string | undefined {
  const git = (...a: string[]) => spawnSync("git", a, { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return undefined;
  const dirty = git("status", "--porcelain", "--untracked-files=no").stdout.trim() !== "";
  return head.stdout.trim() + (dirty ? "+changes" : "");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--rss-probe") return rssProbe();
  const { short, sections, jsonFile } = parseArgs(args);
  json.short = short;
  json.node = process.version;
  json.commit = gitCommit();
  const t0 = performance.now();
  for (const s of sections) await SECTIONS[s](short);
  json.seconds = (performance.now() - t0) / 1000;
  const w = Math.max(...rows.map((r) => r.measure.length));
  const v = Math.max(...rows.map((r) => r.value.length));
  // Other processes on the machine skew the worker ratios most: say how busy it was.
  const load = os.loadavg()[0];
  json.loadavg1 = load;
  json.cpus = os.availableParallelism();
  console.log(
    `faultsim bench${short ? " --short" : ""} (node ${process.version}, ${json.cpus} CPUs, load average ${load.toFixed(2)} at the end)`,
  );
  for (const r of rows) console.log(`  ${r.measure.padEnd(w)}  ${r.value.padStart(v)}  ${r.note ?? ""}`);
  console.log("BENCH_JSON " + JSON.stringify(json));
  if (jsonFile) {
    const tmp = `${jsonFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(json, null, 1) + "\n");
    renameSync(tmp, jsonFile);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(3);
});
