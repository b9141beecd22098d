// The investigation of a failing execution (hunt() and huntInWorkers() alike): replayed from
// its choice log to prove it deterministic, its repro written at once (durable before the
// shrink), shrunk (shrink.ts), replayed with tracing (replay.ts: the finding's data, drawn
// only when output is written), and its file replaced by the shrunk repro.
import { unlinkSync } from "node:fs";
import path from "node:path";
import type { Backend } from "../wasm/engine.js";
import { InternalError } from "../errors.js";
import { replayTraced } from "./replay.js";
import {
  encodeSchedule,
  replaceRepro,
  sameReproFile,
  writeRepro,
  type Repro,
  type ReproMachine,
  REPRO_FORMAT,
  REPRO_FORMAT_VERSION,
  reproSchemaVersion,
  reproFlags,
} from "../report/repro.js";
import { faultsimVersion, modelId } from "../report/version.js";
import { Replayer, switchesOf, type Verdict } from "./execute.js";
import { sameMachine, shrink } from "./shrink.js";
import { fmtMix } from "./mix.js";
import type { DeferredFinding, ExecutionSize, Finding, HuntOptions } from "./hunt-options.js";
import type { ExecutionReplay } from "./loop.js";

const sizeOf = (rep: Replayer, ops: number[][], seed: number, schedule: ArrayLike<number>): ExecutionSize => ({
  ops: ops.reduce((n, o) => n + o.length, 0),
  steps: schedule.length,
  switches: switchesOf(schedule),
  preemptions: rep.preemptions({ ops, seed, schedule }).length,
});

/** A replayer of o's machine for proving and shrinking a finding: `prev` when it has that
 *  machine, else a new one, on the untraced build the search has warmed up (the same
 *  executions; only the finding's last replay, replayTraced's, records a trace). */
export async function replayerFor(prev: Replayer | undefined, o: HuntOptions): Promise<Replayer> {
  return prev && sameMachine(prev.machine, o.machine) ? prev : Replayer.create(o.machine, o.model, o.backend, "untraced");
}

/** The repro's record of the model build that ran it; none when the build has no id. */
function modelIdField(backend: Backend): { modelId?: string } {
  const id = modelId(backend);
  return id ? { modelId: id } : {};
}

/** Records a failure as found (--defer-shrink): its repro written at once (a resumed leg takes
 *  up the file its killed leg wrote for it), neither replayed nor shrunk; `faultsim merge`
 *  investigates it (src/explore/merge-investigate.ts). hunt() and huntInWorkers() alike. */
export function recordUnshrunk(o: HuntOptions, execution: number, x: ExecutionReplay, verdict: Verdict): DeferredFinding {
  const repro = reproOf(o, { machine: o.machine, ops: x.ops, seed: x.seed, schedule: x.schedule, verdict });
  const out = o.out !== undefined ? writeFinding(o.out, repro, o.resumed === true) : undefined;
  const f: DeferredFinding = {
    signature: verdict.signature,
    verdict,
    execution,
    repro,
    ...(out ? { file: out.file, ...(out.error ? { fileError: out.error } : {}) } : {}),
  };
  o.onDeferred?.(f);
  return f;
}

/** Proves a failure deterministic, shrinks it, traces its replay, and packs the repro (hunt(),
 *  huntInWorkers() and `faultsim merge` of deferred findings alike). */
export async function investigate(
  rep: Replayer,
  o: HuntOptions,
  execution: number,
  seed: number,
  ops: number[][],
  schedule: number[],
  verdict: Verdict,
): Promise<Finding> {
  const again = rep.run({ ops, seed, schedule }, { repair: false });
  if (again.verdict?.signature !== verdict.signature) {
    throw new InternalError(
      `execution ${execution} (seed ${seed}) found ${verdict.signature} but its replay ` +
        (again.verdict ? `found ${again.verdict.signature}` : again.diverged ? "diverged" : "found nothing") +
        ": the model is not deterministic",
    );
  }
  // Durable at once: the unshrunk repro, before shrinking (a kill during the shrink keeps it).
  const out =
    o.out !== undefined
      ? writeFinding(o.out, reproOf(o, { machine: o.machine, ops, seed, schedule, verdict: again.verdict ?? verdict }), true)
      : undefined;
  const shrunk = await shrink(rep, { machine: o.machine, ops, seed, schedule: Uint8Array.from(schedule) }, verdict, {
    budgetMs: o.shrinkMs,
    signal: o.signal,
    shape: o.swarm !== undefined,
  });
  const repro = reproOf(o, shrunk);
  const trace = await replayTraced(repro, rep.traced());
  const original = sizeOf(rep, ops, seed, schedule);
  const shrunkSize = sizeOf(
    sameMachine(shrunk.machine, o.machine) ? rep : await rep.resized(shrunk.machine),
    shrunk.ops,
    seed,
    shrunk.schedule,
  );
  // The shrunk repro replaces the first one last, right before the finding is reported: a
  // kill between the two is what a resumed leg cannot tell from a kill during the shrink.
  if (out?.file) shrunkInto(out, repro, o.resumed === true);
  const finding: Finding = {
    signature: verdict.signature,
    verdict: shrunk.verdict,
    execution,
    repro,
    trace,
    original,
    shrunk: shrunkSize,
    shrinkCutByClock: shrunk.stoppedBy === "clock",
    shrinkInterrupted: shrunk.stoppedBy === "signal",
    ...(out ? { file: out.file, ...(out.error ? { fileError: out.error } : {}) } : {}),
  };
  o.onFinding?.(finding);
  return finding;
}

const errCode = (err: unknown): string => (err as { code?: string }).code ?? (err as Error).message;

/** Writes a finding's first repro; the error is kept, not thrown (the hunt goes on). With
 *  takeUp, a file of dir that holds this very repro is taken up instead of writing a second
 *  one: a resumed campaign's killed leg wrote it for the same finding before the kill (during
 *  its shrink), or an earlier hunt run in the same directory found the same: one file per
 *  finding. A deferred finding (recordUnshrunk) takes up only a resumed leg's: `faultsim
 *  merge` replaces its file with the shrunk repro, which must not be an earlier hunt's. */
function writeFinding(dir: string, r: Repro, takeUp: boolean): { file: string; error?: string; taken?: boolean } {
  try {
    const had = takeUp ? sameReproFile(dir, r) : undefined;
    return had ? { file: had, taken: true } : { file: writeRepro(dir, r) };
  } catch (err) {
    return { file: "", error: errCode(err) };
  }
}

/** Puts the shrunk repro into the finding's file. A file of the directory that already holds
 *  this very shrunk repro (a resumed leg's killed leg got as far as this, or an earlier hunt
 *  found the same) is kept and this finding's own new file dropped. A file taken up from an
 *  earlier hunt (not a resumed leg's) is left as it was: the shrunk repro gets a file of its
 *  own. */
function shrunkInto(out: { file: string; error?: string; taken?: boolean }, r: Repro, resumed: boolean): void {
  try {
    const dir = path.dirname(out.file);
    const had = sameReproFile(dir, r);
    if (had && had !== out.file) {
      if (!out.taken) unlinkSync(out.file);
      out.file = had;
    } else if (had === out.file) {
      // Already this repro.
    } else if (out.taken && !resumed) out.file = writeRepro(dir, r);
    else replaceRepro(out.file, r);
  } catch (err) {
    out.error = errCode(err); // the unshrunk repro stays
  }
}

/** The repro of a failing execution (shrunk or not). */
function reproOf(
  o: HuntOptions,
  x: { machine: ReproMachine; ops: number[][]; seed: number; schedule: ArrayLike<number>; verdict: Verdict },
): Repro {
  return {
    format: REPRO_FORMAT,
    formatVersion: REPRO_FORMAT_VERSION,
    schemaVersion: reproSchemaVersion(o.model, x.machine),
    faultsim: faultsimVersion(),
    ...modelIdField(o.backend),
    model: o.model.name,
    ...reproFlags(o.model),
    machine: x.machine,
    sched: o.sched === "pct" ? { kind: "pct", depth: o.depth } : { kind: "random" },
    ...(o.mix ? { mix: fmtMix(o.mix) } : {}),
    seed: x.seed,
    ops: x.ops,
    schedule: encodeSchedule(x.schedule),
    signature: x.verdict.signature,
    violation: { id: x.verdict.id, message: x.verdict.message },
  };
}
