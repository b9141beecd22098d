// `run --reclaim POLICY`: the request source for a run's settings, the simulation, and its
// text and JSON (src/schema/outputs.ts PolicyRunJsonSchema).
import { Engine, type Backend, type MachineConfig } from "../wasm/engine.js";
import { UsageError } from "../errors.js";
import { openTrace, type TraceFormat } from "../trace/index.js";
import { configureGenerator, type WorkloadOptions } from "../workload/generator.js";
import type { PolicyRunJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import { countText } from "../report/count.js";
import { simulate, traceSource, generatorSource, type PolicyStats, type RequestSource } from "./run.js";
import type { PolicyName } from "./policies.js";

export interface PolicyRunInput {
  policy: PolicyName;
  /** The machine the kernel run would use (its frames, mms, pages). */
  machine: MachineConfig;
  backend: Backend;
  seed: number;
  ops: number;
  generator: WorkloadOptions;
  trace?: { file: string; format: TraceFormat };
}

export interface PolicyRunResult {
  stats: PolicyStats;
  seconds: number;
}

/** Runs the settings' accesses under the policy. */
export async function policyRun(o: PolicyRunInput): Promise<PolicyRunResult> {
  const m = o.machine;
  const frames = m.frames - 1; // frame 0 is the zero page
  if (frames < 1) throw new UsageError("--frames: a policy run needs at least one frame beside the zero page");
  const limit = m.mms * m.pagesPerMm;
  let src: RequestSource;
  if (o.trace) src = traceSource(openTrace(o.trace.file, o.trace.format), limit);
  else {
    // The model's generator, for the same seed and options; no op runs in it (0 ops).
    const e = await Engine.create(o.backend, "untraced");
    e.configure(m);
    configureGenerator(e, o.generator, o.seed, 0);
    e.reset();
    src = generatorSource(e, o.ops, m.pagesPerMm);
  }
  const t0 = performance.now();
  const stats = simulate(o.policy, frames, limit, src);
  return { stats, seconds: (performance.now() - t0) / 1000 };
}

export function policyJson(o: PolicyRunInput, r: PolicyRunResult, version: string): PolicyRunJson {
  const s = r.stats;
  return {
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.run,
    command: "run",
    version,
    reclaim: o.policy,
    machine: { cpus: o.machine.cpus, mms: o.machine.mms, pagesPerMm: o.machine.pagesPerMm, frames: o.machine.frames },
    seed: o.seed,
    source: o.trace ? "trace" : "generator",
    ...(o.trace ? { trace: { file: o.trace.file, format: o.trace.format } } : {}),
    frames: s.frames,
    requests: s.requests,
    hits: s.hits,
    misses: s.misses,
    missRatio: s.requests === 0 ? 0 : s.misses / s.requests,
    minorFaults: s.minorFaults,
    swapIns: s.swapIns,
    swapOuts: s.swapOuts,
    pages: s.pages,
    dataLost: s.dataLost,
    seconds: r.seconds,
    requestsPerSec: r.seconds > 0 ? s.requests / r.seconds : 0,
  };
}

const num = countText;

export function policyText(o: PolicyRunInput, r: PolicyRunResult): string {
  const s = r.stats;
  const ratio = s.requests === 0 ? 0 : s.misses / s.requests;
  const src = o.trace ? `trace ${o.trace.file} (${o.trace.format})` : `generated workload, seed ${o.seed}, CPUs' ops taken in turn`;
  return [
    `reclaim  ${o.policy} (a textbook policy in place of the kernel's reclaim)`,
    `machine  ${num(o.machine.frames)} frames: ${num(s.frames)} hold pages; ${num(s.pages)} distinct pages requested`,
    `source   ${src}`,
    "",
    `requests ${num(s.requests)}: ${num(s.hits)} hits, ${num(s.misses)} misses (miss ratio ${ratio.toFixed(4)})`,
    `faults   minor ${num(s.minorFaults)}, major ${num(s.swapIns)}`,
    `swap     in ${num(s.swapIns)}, out ${num(s.swapOuts)}`,
    `data     ${s.dataLost === 0 ? "every read got the last value written" : `${num(s.dataLost)} reads lost data`}`,
    `time     ${r.seconds.toFixed(3)} s (${num(r.seconds > 0 ? s.requests / r.seconds : 0)} requests/s)`,
    "",
  ].join("\n");
}
