// A hunt's summary as `faultsim hunt` prints it: text, or the --json object
// (src/schema/outputs.ts HuntJsonSchema). Rendering only: it reads the hunt's options and
// result (src/explore/hunt-options.ts) and draws each finding from its data (finding.ts).
import type { HuntOptions, HuntResult } from "../explore/hunt-options.js";
import type { ShardPlan } from "../explore/shard.js";
import { fmtPctBound } from "../explore/pct.js";
import { fmtMix } from "../explore/mix.js";
import { fmtClock, fmtShape } from "../explore/swarm.js";
import { swapReachable } from "../explore/pressure.js";
import type { HuntJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import { drawFinding, type DrawOptions } from "./finding.js";
import { fmtCount as num, fmtRate as rate } from "./text.js";
import { faultsimVersion, modelId } from "./version.js";
import { modelOutput } from "../model/models.js";

/** Hunting time below which the summary says its rates are mostly warm-up (ms). */
const SHORT_HUNT_MS = 1000;

/** A finding of a leg before the resume, as its stream recorded it. */
export interface EarlierFinding {
  signature: string;
  execution: number;
  file: string | null;
}

/** What a hunt's summary is made of, for its text and its --json forms. */
export interface HuntReport {
  o: HuntOptions;
  r: HuntResult;
  /** Each finding's repro file ("" where none was written). */
  files: string[];
  workers: number;
  /** Findings of the campaign before a --resume. */
  earlier: EarlierFinding[];
  shard?: ShardPlan;
  draw: DrawOptions;
}

/** The header's account of the mms, pages, areas, page_cluster and op mix, where they are not
 *  the default hunt's (threads of one mm of 4 pages, one area, page_cluster 1, reads and
 *  writes): "" there, so the default header stays as short as it was. */
function fmtWorkloadShape(o: HuntOptions): string {
  const m = o.machine;
  const plain = m.mms === 1 && o.shareMm && m.pagesPerMm === 4 && m.areas === 1 && m.pageCluster === 1 && !o.mix;
  if (plain) return "";
  const mms = `${m.mms} mm${m.mms > 1 ? "s" : ""} x ${m.pagesPerMm} pages (${o.shareMm ? "threads" : "processes"})`;
  return `, ${mms}, ${m.areas} area${m.areas > 1 ? "s" : ""}, page_cluster ${m.pageCluster}, ${o.mix ? `mix ${fmtMix(o.mix)}` : "reads and writes"}`;
}

/** `hunt`'s text summary: each finding drawn, then the counts, the hash and PCT's bound. */
export function huntText({ o, r, files, workers, earlier, shard, draw }: HuntReport): string {
  const m = o.machine;
  const lines: string[] = [
    `hunt ${o.model.name} (${o.model.flagNames.join(", ") || "no flags"}): ${m.cpus} CPUs${m.kswapd ? " + kswapd" : ""}, ` +
      `${m.frames} frames, ${m.slotsPerArea} slots, ${o.opsPerCpu} ops per CPU${fmtClock(m)}${fmtWorkloadShape(o)}; ` +
      `${o.sched === "pct" ? `pct depth ${o.depth}` : "random walk"}, seed ${o.seed}` +
      (o.swarm ? "; swarm: each execution draws its shape (this is the base)" : "") +
      (workers > 1 ? `; ${workers} worker threads` : "") +
      (shard ? `; shard ${shard.index}/${shard.count} (executions ${shard.first}..${shard.first + shard.executions - 1})` : ""),
    "",
  ];
  for (const f of earlier)
    lines.push(`found before the resume, by execution ${num(f.execution)}: ${f.signature}; repro: ${f.file ?? "(not written)"}`, "");
  r.findings.forEach((f, i) => {
    lines.push(drawFinding(f, draw), "");
    lines.push(`repro: ${files[i] || "(not written)"}`);
    const size = (z: typeof f.original) => `${z.ops} ops, ${z.steps} steps, ${z.preemptions} preemptions (${z.switches} switches)`;
    lines.push(`  found by execution ${num(f.execution)}; shrunk from ${size(f.original)} to ${size(f.shrunk)}`);
    if (o.swarm) lines.push(`  its shape (drawn, then shrunk): ${fmtShape(f.repro.machine, f.repro.mix)}`);
    if (f.shrinkCutByClock) lines.push(`  shrinking stopped at --shrink-ms ${o.shrinkMs}: a faster machine may shrink it further`);
    if (files[i]) lines.push(`  replay with: faultsim replay ${files[i]}`);
    lines.push("");
  });
  for (const f of r.deferred) {
    lines.push(`found by execution ${num(f.execution)}: ${f.signature}; unshrunk repro: ${f.file || "(not written)"}`);
    lines.push("  recorded as found (--defer-shrink): `faultsim merge` of the campaign's streams replays and shrinks it", "");
  }
  const shrinking = r.elapsedMs - r.huntingMs - (r.setupMs ?? 0);
  // A resumed leg: the count is the campaign's, the time and the rates this leg's.
  const leg = o.resumeFrom ? r.checkpoint.next - o.resumeFrom.next : r.executions;
  lines.push(
    `executions ${num(r.executions)}${leg !== r.executions ? ` (${num(leg)} in this leg)` : ""} in ${(r.huntingMs / 1000).toFixed(2)} s: ${rate(r.executionsPerSec)}; ` +
      `steps ${num(r.steps)}: ${rate(r.stepsPerSec)}` +
      (shrinking >= 5 ? `; ${(shrinking / 1000).toFixed(2)} s replaying and shrinking` : "") +
      (r.interrupted ? " (interrupted)" : ""),
  );
  // A cold process spends its first ~0.1 s compiling and tiering up the model: the rate of a
  // hunt that short says little about the hunt (the default one finds its race in ~0.1 s).
  if (r.huntingMs < SHORT_HUNT_MS && leg > 0)
    lines.push(`  (under ${SHORT_HUNT_MS / 1000} s of hunting the rates are mostly the model's warm-up)`);
  const all = r.checkpoint.signatures.length;
  lines.push(`distinct signatures: ${all}${all ? "" : " (nothing found)"}`);
  for (const f of r.findings) lines.push(`  ${f.signature}: ${f.verdict.message}`);
  for (const f of r.deferred) lines.push(`  ${f.signature}: ${f.verdict.message} (unshrunk)`);
  for (const f of earlier) lines.push(`  ${f.signature}: (before the resume)`);
  lines.push(`campaign hash ${r.hash} over ${num(r.checkpoint.next - r.checkpoint.first)} executions`);
  if (r.pct) lines.push(`PCT guarantee: ${fmtPctBound(r.pct)}`);
  return lines.join("\n") + "\n";
}

/** `hunt --json` (src/schema/outputs.ts HuntJsonSchema). */
export function huntJson({ o, r, files, workers, earlier, shard, draw }: HuntReport): HuntJson {
  return {
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.hunt,
    command: "hunt",
    version: faultsimVersion(),
    modelId: modelId(o.backend) ?? null,
    model: modelOutput(o.model),
    machine: o.machine,
    sched: o.sched,
    depth: o.sched === "pct" ? o.depth : undefined,
    seed: o.seed,
    opsPerCpu: o.opsPerCpu,
    executions: r.executions,
    steps: r.steps,
    elapsedMs: r.elapsedMs,
    huntingMs: r.huntingMs,
    setupMs: r.setupMs,
    interrupted: r.interrupted,
    executionsPerSec: r.executionsPerSec,
    stepsPerSec: r.stepsPerSec,
    signatures: r.checkpoint.signatures,
    hits: r.hits,
    hash: r.hash,
    ...(o.mix ? { mix: fmtMix(o.mix) } : {}),
    swarm: o.swarm !== undefined,
    swapReachable: o.swarm !== undefined || swapReachable(o.machine),
    earlier,
    ...(shard ? { shard } : {}),
    findings: r.findings.map((f, i) => ({
      signature: f.signature,
      id: f.verdict.id,
      message: f.verdict.message,
      file: files[i],
      execution: f.execution,
      original: f.original,
      shrunk: f.shrunk,
      diagram: drawFinding(f, draw),
    })),
    ...(r.deferred.length
      ? {
          deferred: r.deferred.map((f) => ({
            signature: f.signature,
            id: f.verdict.id,
            message: f.verdict.message,
            file: f.file ?? "",
            execution: f.execution,
          })),
        }
      : {}),
    pct: r.pct,
    workers,
  };
}
