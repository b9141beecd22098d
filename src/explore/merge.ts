// `faultsim merge FILES...`: the hunt event streams of a campaign's shards (or of one
// process) folded into one summary: the distinct signatures, how many executions found
// each, and the campaign hash. Shards cover disjoint execution ranges; their checkpoints'
// sequence hashes concatenate in execution order (checkpoint.ts), so the merge of the parts
// equals one process over the same executions.
import { InputError } from "../errors.js";
import type { MergedSignature, MergeJson, MergeSummary } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import { fmtCount as num } from "../report/text.js";
import { emptySeqHash, seqConcat, shardRange, sortedHits } from "./shard.js";
import { hashHex } from "./checkpoint.js";
import { readStream, type CampaignStream, type FindingEvent, type StartEvent } from "./campaign-stream.js";

// A merged signature and the summary: their shapes are `faultsim merge --json`'s zod schema
// (src/schema/outputs.ts MergeJsonSchema), imported as types only (merge does not load zod).
export type { MergedSignature, MergeSummary };

/** A signature's first finding over the streams, and the later ones recorded unshrunk (their
 *  files are superseded by the first's once merge has shrunk it). */
export interface FirstFinding {
  event: FindingEvent;
  start: StartEvent;
  later: FindingEvent[];
}

/** mergeStreams' summary, and each signature's first finding (what merge investigates). */
export interface MergedStreams {
  summary: MergeSummary;
  first: Map<string, FirstFinding>;
}

/** The options that make two streams parts of one campaign. */
function campaignKey(s: CampaignStream): MergeSummary["campaign"] {
  const o = s.start.options;
  return {
    modelId: s.start.modelId,
    model: s.start.model.name,
    flagWord: s.start.model.flagWord,
    ...(s.start.model.flagWord2 !== undefined ? { flagWord2: s.start.model.flagWord2 } : {}),
    machine: o.machine,
    sched: o.sched,
    depth: o.sched === "pct" ? o.depth : undefined,
    seed: o.seed,
    opsPerCpu: o.opsPerCpu,
    shareMm: o.shareMm,
    writeRatio: o.writeRatio,
    keepGoing: o.keepGoing,
    engine: o.engine,
    pctK: o.engine === "campaign" && o.sched === "pct" ? s.checkpoint?.pctK : undefined,
  };
}

/** Reads the streams to merge (readStream), their findings not yet checked (checkFindings). */
export function readStreams(files: readonly string[]): CampaignStream[] {
  if (files.length === 0) throw new InputError("merge: no stream files given");
  return files.map((f) => readStream(f));
}

/** Folds streams read by readStreams, their findings checked. */
export function mergeStreams(streams: readonly CampaignStream[]): MergedStreams {
  const withState = streams.filter((s) => s.checkpoint !== undefined);
  if (withState.length === 0) throw new InputError("merge: no stream has a checkpoint yet (each was killed before its first)");
  const key = JSON.stringify(campaignKey(withState[0]));
  // A stream killed before its first checkpoint has no PCT k to compare: the rest must match.
  const keyBeforeK = (s: CampaignStream) => JSON.stringify({ ...campaignKey(s), pctK: undefined });
  for (const s of streams) {
    if (s.checkpoint ? JSON.stringify(campaignKey(s)) !== key : keyBeforeK(s) !== keyBeforeK(withState[0])) {
      throw new InputError(`merge: ${s.file} is not part of the campaign of ${withState[0].file} (other options, model build or PCT k)`);
    }
  }
  const parts = withState.map((s) => ({ s, c: s.checkpoint! })).sort((a, b) => a.c.first - b.c.first);
  let hash = emptySeqHash();
  const hits: Record<string, number> = {};
  const gaps: MergeSummary["gaps"] = [];
  const ranges: MergeSummary["ranges"] = [];
  let executions = 0;
  for (let i = 0; i < parts.length; i++) {
    const { s, c } = parts[i];
    const prev = ranges[ranges.length - 1];
    if (prev && c.first < prev.next) throw new InputError(`merge: ${s.file} and ${prev.file} ran the same executions (${c.first} onwards)`);
    if (prev && c.first > prev.next) gaps.push({ first: prev.next, next: c.first });
    ranges.push({ first: c.first, next: c.next, file: s.file });
    hash = seqConcat(hash, c.hash);
    executions += c.next - c.first;
    for (const [k, v] of Object.entries(c.hits)) hits[k] = (hits[k] ?? 0) + v;
  }
  // Each signature's first investigated finding (the lowest execution over all streams), but
  // only those the streams' checkpoints cover: a finding past a stream's last checkpoint was
  // not counted in its hits yet.
  const first = new Map<string, FirstFinding>();
  for (const { s, c } of parts) {
    for (const f of s.findings) {
      if (f.execution >= c.next) continue;
      const had = first.get(f.signature);
      if (!had) first.set(f.signature, { event: f, start: s.start, later: [] });
      else if (f.execution < had.event.execution) {
        first.set(f.signature, { event: f, start: s.start, later: [had.event, ...had.later] });
      } else had.later.push(f);
    }
  }
  const signatures = Object.entries(sortedHits(hits)).map(([signature, count]): MergedSignature => {
    const f = first.get(signature)?.event;
    return {
      signature,
      count,
      execution: f?.execution ?? null,
      file: f?.file ?? null,
      shrunkBy: f && !f.shrinkDeferred ? "hunt" : null,
    };
  });
  const summary: MergeSummary = {
    campaign: JSON.parse(key),
    streams: streams.length,
    executions,
    ranges,
    gaps,
    hash: hashHex(hash),
    signatures,
    finished: streams.every((s) => s.finished),
  };
  const missing = missingParts(streams);
  if (missing.length) summary.missingParts = missing;
  return { summary, first };
}

/** The parts of a --shard split that no stream given ran any execution of (no stream of the
 *  part, or one killed before its first checkpoint): a shard whose stream was not collected
 *  would otherwise leave no trace in the merge. Only when every stream is a part of one split
 *  (the same n and campaign size); streams of different splits are not checked. */
function missingParts(streams: readonly CampaignStream[]): NonNullable<MergeSummary["missingParts"]> {
  const splits = new Set(
    streams.map((s) => (s.start.options.shard ? `${s.start.options.shard.count}/${s.start.options.shard.total}` : "")),
  );
  const split = streams[0].start.options.shard;
  if (splits.size !== 1 || !split) return [];
  const ran = new Set(
    streams.filter((s) => s.checkpoint && s.checkpoint.next > s.checkpoint.first).map((s) => s.start.options.shard!.index),
  );
  const missing: NonNullable<MergeSummary["missingParts"]> = [];
  for (let index = 0; index < split.count; index++) {
    if (ran.has(index)) continue;
    const r = shardRange(index, split.count, split.total);
    missing.push({ index, count: split.count, first: r.first, next: r.first + r.executions });
  }
  return missing;
}

/** `faultsim merge --json`'s document: the summary, stamped. */
export function mergeJson(m: MergeSummary): MergeJson {
  return { schemaVersion: OUTPUT_SCHEMA_VERSIONS.merge, command: "merge", ...m };
}

export function mergeText(m: MergeSummary): string {
  const c = m.campaign;
  const lines = [
    `merged ${m.streams} stream${m.streams === 1 ? "" : "s"} of a hunt of ${c.model} (seed ${c.seed}, ${c.sched}${c.depth ? ` depth ${c.depth}` : ""}, ${c.engine} engine)`,
    `executions ${num(m.executions)} in ${m.ranges.length} range${m.ranges.length === 1 ? "" : "s"}: ${m.ranges.map((r) => `${r.first}..${r.next - 1}`).join(", ")}`,
  ];
  if (m.gaps.length) lines.push(`not run: ${m.gaps.map((g) => `${g.first}..${g.next - 1}`).join(", ")}`);
  if (m.missingParts?.length) {
    const n = m.missingParts[0].count;
    lines.push(
      `parts of ${n} with no executions merged: ${m.missingParts.map((p) => `${p.index}/${n} (${p.first}..${p.next - 1})`).join(", ")}` +
        " (no stream of them given, or killed before its first checkpoint)",
    );
  }
  if (!m.finished) lines.push("some streams did not end by themselves (killed or interrupted): `hunt --resume FILE` continues them");
  lines.push(`campaign hash ${m.hash}`);
  lines.push(`distinct signatures: ${m.signatures.length}${m.signatures.length ? "" : " (nothing found)"}`);
  for (const s of m.signatures) {
    lines.push(
      `  ${s.signature}: ${num(s.count)} execution${s.count === 1 ? "" : "s"}${s.file ? `; repro ${s.file} (execution ${s.execution})` : ""}` +
        (s.shrunkBy === "merge" ? " shrunk here" : s.shrunkBy === null && s.execution !== null ? " unshrunk" : ""),
    );
    if (s.fileError) lines.push(`    its shrunk repro could not be written: ${s.fileError}`);
  }
  return lines.join("\n") + "\n";
}
