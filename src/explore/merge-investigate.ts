// `faultsim merge` of streams whose findings were recorded unshrunk (hunt --defer-shrink, a
// shard's default): each distinct signature is investigated here once, from its first finding
// over all streams (the lowest execution), as one process over the same executions would
// have investigated it: replayed (proven deterministic), shrunk under the campaign's
// --shrink-ms, packed as a repro. n shards that each found a signature shrink it 0 times, not
// n times; merge shrinks it once. With the same shrink budget the repro is the one process's,
// byte for byte (unless the shrink was cut by the clock: hunt.ts FindingSummary).
//
// Where the shrunk repro goes: into --out DIR when given (the shards' files left as they are),
// else into the file the shard wrote the unshrunk repro to, replaced atomically; the other
// shards' unshrunk files of the same signature are then removed, so the repro directory holds
// one file per signature, as one process's does. A file is replaced or removed only while it
// holds exactly what its stream recorded: never one someone changed since.
import { unlinkSync } from "node:fs";
import path from "node:path";
import type { Replayer, Verdict } from "./execute.js";
import { investigate, replayerFor } from "./investigate.js";
import type { HuntOptions } from "./hunt-options.js";
import { HUNT_DEFAULTS } from "./defaults.js";
import { parseMix } from "./mix.js";
import { swarmOfPins } from "./swarm.js";
import type { FindingEvent, StartEvent } from "./campaign-stream.js";
import type { FirstFinding, MergedSignature } from "./merge.js";
import { decodeSchedule, replaceRepro, reproFileHolds, sameReproFile, writeRepro, type Repro } from "../report/repro.js";
import { modelOfOutput } from "../model/models.js";

export interface MergeInvestigateOptions {
  /** Directory for the shrunk repros; none: in place of the shards' unshrunk files. */
  out?: string;
  /** Stops a shrink under way (it keeps what it has). */
  signal?: AbortSignal;
}

/** The hunt options a finding of a stream is investigated under: the campaign's, with the
 *  machine and mix its repro holds (under --swarm, the shape its execution drew). */
function findingHuntOptions(start: StartEvent, repro: Repro): HuntOptions {
  const so = start.options;
  return {
    model: modelOfOutput(start.model),
    machine: repro.machine,
    sched: so.sched,
    depth: so.depth ?? HUNT_DEFAULTS.depth,
    seed: so.seed,
    budgetMs: so.budgetMs,
    executions: so.executions ?? Number.POSITIVE_INFINITY,
    opsPerCpu: so.opsPerCpu,
    shareMm: so.shareMm,
    writeRatio: so.writeRatio,
    ...(repro.mix ? { mix: parseMix(repro.mix) } : {}),
    ...(so.swarm ? { swarm: swarmOfPins(so.swarm, so) } : {}),
    keepGoing: so.keepGoing,
    backend: so.backend,
    shrinkMs: so.shrinkMs,
  };
}

/** Investigates every signature whose first finding was recorded unshrunk, and sets its
 *  file (or fileError) and shrunkBy in `signatures`. */
export async function investigateDeferred(
  signatures: MergedSignature[],
  first: ReadonlyMap<string, FirstFinding>,
  o: MergeInvestigateOptions,
): Promise<void> {
  let replayer: Replayer | undefined;
  for (const sig of signatures) {
    const f = first.get(sig.signature);
    if (!f?.event.shrinkDeferred) continue;
    const ev = f.event;
    const ho: HuntOptions = { ...findingHuntOptions(f.start, ev.repro), ...(o.signal ? { signal: o.signal } : {}) };
    replayer = await replayerFor(replayer, ho);
    const verdict: Verdict = {
      id: ev.repro.violation.id as Verdict["id"],
      signature: ev.signature,
      message: ev.repro.violation.message,
      agent: -1,
    };
    const found = await investigate(replayer, ho, ev.execution, ev.repro.seed, ev.repro.ops, decodeSchedule(ev.repro.schedule), verdict);
    sig.shrunkBy = "merge";
    try {
      sig.file = place(ev, found.repro, o.out);
      sig.fileError = undefined;
    } catch (err) {
      sig.file = null;
      sig.fileError = (err as { code?: string }).code ?? (err as Error).message;
      sig.repro = found.repro;
      continue; // the unshrunk files stay
    }
    if (o.out === undefined) for (const later of f.later) dropSuperseded(later, sig.file);
  }
}

/** Puts the shrunk repro of first finding `ev` in place; returns its file. */
function place(ev: FindingEvent, shrunk: Repro, out: string | undefined): string {
  if (out !== undefined) return sameReproFile(out, shrunk) ?? writeRepro(out, shrunk);
  if (ev.file === null) throw new Error("the shard wrote no repro file for it: give merge --out DIR");
  const holds = reproFileHolds(ev.file, ev.repro);
  if (holds === "same") {
    replaceRepro(ev.file, shrunk);
    return ev.file;
  }
  // A merge before this one shrank it into place already, or the file is gone or changed:
  // beside it under a new name (never over a file that is not the stream's).
  if (reproFileHolds(ev.file, shrunk) === "same") return ev.file;
  return sameReproFile(path.dirname(ev.file), shrunk) ?? writeRepro(path.dirname(ev.file), shrunk);
}

/** Removes a later finding's unshrunk repro file, superseded by the first's shrunk one, while
 *  it holds exactly what its stream recorded. */
function dropSuperseded(ev: FindingEvent, kept: string): void {
  if (!ev.shrinkDeferred || ev.file === null || ev.file === kept) return;
  if (reproFileHolds(ev.file, ev.repro) !== "same") return;
  try {
    unlinkSync(ev.file);
  } catch {
    /* gone already */
  }
}
