// Issue 12's figures, each per CPU-second (bench/cpu.ts), several repetitions, medians:
//   pressure  sections/s, accesses/s and faults/s of bulk runs at 1x, 2x, 4x and 8x pressure
//             (the same workload over fewer frames), and sections per access
//   cpus      faults/s with everything resident at 1, 2, 4 and 8 simulated CPUs
//   frames    the hunt (hunt(), linux-2.4.16: nothing to find) at 6, 64, 256 and 4096 frames,
//             and its default as shipped (a swarm shape per execution)
//   cold      child processes from start to exit: `faultsim --version`, a 1-op run on a
//             1M-frame machine, the first finding of a default `faultsim hunt`; `node -e 0`
//             beside them
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Engine, wasmModule } from "../src/wasm/engine.js";
import { SCHED } from "../src/wasm/abi.js";
import { bulkMachineConfig, type MachineSizes } from "../src/bulk/config.js";
import { runBulk, type BulkResult } from "../src/bulk/run.js";
import { checkInvariants } from "../src/invariants/check.js";
import { resolveModel } from "../src/model/models.js";
import { hunt, HUNT_DEFAULTS } from "../src/explore/hunt.js";
import { HUNT_MACHINE } from "../src/explore/machine.js";
import { cpuSeconds, median, runChild } from "./cpu.js";
import { fmt, json, row } from "./report.js";

const MODEL = "linux-2.4.16";
/** Deep host checks as `faultsim run` does them by default (--check-interval 1e6). */
const CHECK_EVERY = 1_000_000;

type BulkWorkload = Parameters<typeof runBulk>[0]["workload"];

/** Runs one bulk configuration `reps` times on one engine; the median CPU seconds per run
 *  (the runs are identical: same seed, same result). */
async function bulkFigure(sizes: MachineSizes, workload: BulkWorkload, ops: number, reps: number) {
  const engine = Engine.wasm(wasmModule("untraced"));
  const { flags, flags2 } = resolveModel(MODEL);
  const machine = bulkMachineConfig(sizes, { flags, flags2, kswapd: false, seed: 1, sched: SCHED.RANDOM });
  const once = () =>
    runBulk({ backend: "wasm", machine, workload, seed: 1, ops, checkInterval: CHECK_EVERY, checker: checkInvariants, engine });
  await once(); // warm-up: the JIT's tiers
  const secs: number[] = [];
  let r: BulkResult | undefined;
  for (let i = 0; i < reps; i++) {
    const m = await cpuSeconds(once);
    secs.push(m.seconds);
    r = m.value;
  }
  const s = median(secs);
  const res = r!;
  return {
    ops,
    cpuSecondsPerRun: s,
    steps: res.steps,
    accesses: res.accesses,
    faults: res.faults,
    pressure: res.pressure.ratio,
    sectionsPerCpuSecond: res.steps / s,
    accessesPerCpuSecond: res.accesses / s,
    faultsPerCpuSecond: res.faults / s,
    sectionsPerAccess: res.steps / Math.max(1, res.accesses),
    stateHash: res.stateHash,
  };
}

/** 2 CPUs, each a process of 2048 pages (4096 pages), uniform accesses, half writes: the
 *  frames set the pressure. */
const PRESSURE_PAGES = 2 * 2048;
const pressureWorkload: BulkWorkload = {
  cpus: 2,
  mms: 2,
  pagesPerMm: 2048,
  areas: 1,
  pattern: "uniform",
  writeRatio: 0.5,
  threads: false,
  forkRate: 0,
  exitRate: 0,
  munmapRate: 0,
  swapoffRate: 0,
  swaponRate: 0,
};

export async function benchPressure(short: boolean): Promise<void> {
  const ops = short ? 30_000 : 600_000;
  const reps = short ? 1 : 3;
  const out: Record<string, unknown> = { model: MODEL, workload: pressureWorkload, checkEvery: CHECK_EVERY };
  for (const p of [1, 2, 4, 8]) {
    const frames = PRESSURE_PAGES / p + (p === 1 ? 512 : 0); // 1x: all pages fit, with room for the watermarks
    const sizes: MachineSizes = { cpus: 2, mms: 2, pagesPerMm: 2048, frames, areas: 1, slotsPerArea: 1 << 15 };
    const f = await bulkFigure(sizes, pressureWorkload, ops, reps);
    out[`${p}x`] = { frames, ...f };
    row(
      `pressure ${p}x faults/CPU-s`,
      fmt(f.faultsPerCpuSecond),
      `${frames} frames (pressure ${f.pressure.toFixed(2)}), ${f.faults} faults of ${f.accesses} accesses`,
    );
    row(`pressure ${p}x accesses/CPU-s`, fmt(f.accessesPerCpuSecond));
    row(`pressure ${p}x sections/CPU-s`, fmt(f.sectionsPerCpuSecond), `${f.sectionsPerAccess.toFixed(1)} sections per access`);
  }
  json.pressure = out;
}

export async function benchCpus(short: boolean): Promise<void> {
  const ops = short ? 40_000 : 1_000_000;
  const reps = short ? 1 : 3;
  const out: Record<string, unknown> = { model: MODEL };
  for (const cpus of [1, 2, 4, 8]) {
    // Everything resident: 4 x 4096 pages in 65536 frames; 2% munmaps keep faults coming.
    const sizes: MachineSizes = { cpus, mms: 4, pagesPerMm: 4096, frames: 1 << 16, areas: 1, slotsPerArea: 1 << 16 };
    const workload: BulkWorkload = {
      ...pressureWorkload,
      cpus,
      mms: 4,
      pagesPerMm: 4096,
      writeRatio: 0.3,
      threads: true,
      munmapRate: 0.02,
    };
    const f = await bulkFigure(sizes, workload, ops, reps);
    out[`${cpus}`] = f;
    row(`${cpus} CPU(s) faults/CPU-s`, fmt(f.faultsPerCpuSecond), `${f.faults} faults, ${f.steps} sections, nothing swapped`);
    row(`${cpus} CPU(s) sections/CPU-s`, fmt(f.sectionsPerCpuSecond));
  }
  json.cpuScaling = out; // (json.cpus is the host's CPU count)
}

export async function benchHuntFrames(short: boolean): Promise<void> {
  const reps = short ? 1 : 3;
  const out: Record<string, unknown> = { model: MODEL, sched: HUNT_DEFAULTS.sched, depth: HUNT_DEFAULTS.depth };
  const executionsAt: Record<string, number> = { 6: 40_000, 64: 20_000, 256: 10_000, 4096: 10_000, swarm: 40_000 };
  // The hunt machine at each size, then `faultsim hunt --model linux-2.4.16` as shipped: a
  // fixed kernel given no shape draws a swarm shape per execution (src/explore/swarm.ts).
  for (const frames of [6, 64, 256, 4096, "swarm"] as const) {
    const executions = short ? executionsAt[frames] / 10 : executionsAt[frames];
    const swarm = { pins: {}, opsPerCpu: HUNT_DEFAULTS.opsPerCpu, shareMm: HUNT_DEFAULTS.shareMm, writeRatio: HUNT_DEFAULTS.writeRatio };
    const once = () =>
      hunt({
        ...HUNT_DEFAULTS,
        model: resolveModel(MODEL),
        machine: frames === "swarm" ? HUNT_MACHINE : { ...HUNT_MACHINE, frames },
        ...(frames === "swarm" ? { swarm } : {}),
        budgetMs: 600_000,
        executions,
        shrinkMs: 0,
      });
    await once();
    const secs: number[] = [];
    let steps = 0;
    for (let i = 0; i < reps; i++) {
      const m = await cpuSeconds(once);
      secs.push(m.seconds);
      steps = m.value.steps;
    }
    const s = median(secs);
    const f = {
      executions,
      cpuSecondsPerHunt: s,
      steps,
      executionsPerCpuSecond: executions / s,
      sectionsPerCpuSecond: steps / s,
      sectionsPerExecution: steps / executions,
    };
    out[`${frames}`] = f;
    row(
      frames === "swarm" ? "hunt default (swarm) executions/CPU-s" : `hunt ${frames} frames executions/CPU-s`,
      fmt(f.executionsPerCpuSecond),
      `${fmt(f.sectionsPerCpuSecond)} sections/CPU-s, ${f.sectionsPerExecution.toFixed(0)} per execution`,
    );
  }
  json.huntFrames = out;
}

/** The installed `faultsim` (package.json bin), or dist/src/cli.js on a commit before src/bin.ts. */
const CLI = ["bin.cjs", "bin.js", "cli.js"]
  .map((f) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src", f))
  .find((f) => existsSync(f))!;

/** Median CPU and wall seconds of `reps` runs of a child process (its exit status checked). */
function childFigure(args: string[], reps: number, okStatus: readonly number[]) {
  const cpu: number[] = [],
    wall: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = runChild(process.execPath, args);
    if (r.status === null || !okStatus.includes(r.status)) throw new Error(`${args.join(" ")} exited with ${r.status}`);
    cpu.push(r.cpuSeconds);
    wall.push(r.wallSeconds);
  }
  return { cpuSeconds: median(cpu), wallSeconds: median(wall), runs: reps };
}

export async function benchCold(short: boolean): Promise<void> {
  const reps = short ? 3 : 9;
  const dir = mkdtempSync(path.join(os.tmpdir(), "faultsim-cold-"));
  try {
    const cases: [string, string[], number[]][] = [
      ["node -e 0", ["-e", "0"], [0]],
      ["faultsim --version", [CLI, "--version"], [0]],
      ["run --ops 1 --frames 1M", [CLI, "run", "--ops", "1", "--frames", String(1 << 20), "--seed", "1"], [0]],
      // The default hunt (linux-2.4.10-pre) stops at its first finding, shrunk and written.
      ["hunt, first finding", [CLI, "hunt", "--out", dir], [1]],
    ];
    const out: Record<string, unknown> = {};
    for (const [name, args, ok] of cases) {
      const f = childFigure(args, reps, ok);
      out[name] = f;
      row(`cold: ${name}`, `${f.cpuSeconds.toFixed(2)} CPU-s`, `${f.wallSeconds.toFixed(2)} s wall, median of ${reps}`);
    }
    json.cold = out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
