// `faultsim replay`: a repro file replayed with tracing and drawn (src/explore/replay.ts
// replays, src/report/finding.ts draws). It loads nothing of the hunt. Errors are thrown as
// UsageError / InputError / InternalError and turned into one line and exit 2 / 2 / 3 by
// src/cli.ts; a violation reproduced sets process.exitCode = 1.
import path from "node:path";
import { BUILD_WASM, wasmModule, type Backend } from "../wasm/engine.js";
import type { Repro } from "../report/repro.js";
import { modelBuild, modelIdFileFor, type ModelBuild } from "../report/version.js";
import type { FindingFormat } from "../report/finding.js";
import { diagramOf, type ScheduleFill } from "../explore/replay.js";
import type { ReplayJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import { MODELS } from "../model/models.js";

/** Why a build has no id, and what writes it. */
function noIdFile(file: string): string {
  const rel = path.relative(process.cwd(), file);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
  return file === modelIdFileFor(BUILD_WASM)
    ? `no ${shown}: \`npm run build\` writes it`
    : `no ${shown}: \`node src/build/model-id.mjs ${file.replace(/\.model-id\.json$/, ".wasm")}\` writes it`;
}

/** The one-line note replay prints when the repro's model build is not known to be this one,
 *  or undefined when both ids are known and equal. */
export function modelBuildNote(repro: Pick<Repro, "modelId" | "faultsim">, here: ModelBuild): string | undefined {
  if (repro.modelId !== undefined && repro.modelId === here.id) return undefined;
  const recorded =
    repro.modelId !== undefined
      ? `recorded by model build ${repro.modelId}`
      : `recorded by a model build that did not note its id (faultsim ${repro.faultsim})`;
  const current = here.id !== undefined ? `this is ${here.id}` : `this build's id is unknown (${noIdFile(here.file)})`;
  return `${recorded}, ${current}: sections may differ, so the schedule may not replay step for step`;
}

/** The one-line note replay prints when the repro's flags are not its model's as this build
 *  has them (a model that has taken a flag since it was recorded, or a hunt with --with or
 *  --without), or undefined when they are the same or the model is not one this build knows.
 *  The replay runs the recorded flags either way. */
export function modelFlagsNote(repro: Pick<Repro, "model" | "flagNames">): string | undefined {
  const now = MODELS.find((m) => m.name === repro.model)?.flags;
  if (now === undefined) return undefined;
  const recorded = new Set(repro.flagNames);
  const added = repro.flagNames.filter((f) => !now.includes(f));
  const lacking = now.filter((f) => !recorded.has(f));
  if (added.length === 0 && lacking.length === 0) return undefined;
  const diff = [...(added.length ? [`with ${added.join(", ")}`] : []), ...(lacking.length ? [`without ${lacking.join(", ")}`] : [])].join(
    " and ",
  );
  return `the repro's flags differ from ${repro.model}'s in this build (the repro is ${diff}): it replays with the recorded flags (\`faultsim hunt --model ${repro.model}\` hunts today's)`;
}

/** The note replay prints when the recorded schedule ran out before the execution ended. */
export function fillNote(file: string, f: ScheduleFill): string {
  const steps = f.steps === 1 ? `step ${f.from} was` : `steps ${f.from}-${f.from + f.steps - 1} (${f.steps}) were`;
  return `the schedule in ${file} ends at step ${f.from} but the execution went on: ${steps} filled running to completion (the agent that ran last while it can, else the lowest runnable), not recorded`;
}

export async function replayCommand(
  file: string,
  o: { json?: boolean; full?: boolean; format?: FindingFormat; backend: Backend },
): Promise<void> {
  // zod validates the file: loaded only by the command that reads one.
  const { loadRepro } = await import("../report/repro-schema.js");
  const repro = loadRepro(file);
  // A private build (FAULTSIM_WASM) that cannot load is said before any note about its id.
  if (o.backend === "wasm") wasmModule("traced");
  const here = modelBuild(o.backend);
  const note = modelBuildNote(repro, here);
  if (note) process.stderr.write(`faultsim: note: ${note}\n`);
  const flagsNote = modelFlagsNote(repro);
  if (flagsNote) process.stderr.write(`faultsim: note: ${flagsNote}\n`);
  const r = await diagramOf(repro, undefined, o.backend, { full: o.full, format: o.format });
  if (o.json) {
    const json: ReplayJson = {
      schemaVersion: OUTPUT_SCHEMA_VERSIONS.replay,
      command: "replay",
      file,
      signature: repro.signature,
      reproduced: r.reproduced,
      diverged: r.diverged,
      filled: r.filled ?? null,
      found: r.verdict ? { signature: r.verdict.signature, id: r.verdict.id, message: r.verdict.message } : null,
      route: r.route ?? null,
      diagram: r.diagram,
      modelId: here.id ?? null,
      recordedModelId: repro.modelId ?? null,
      sameModel: note === undefined,
    };
    process.stdout.write(JSON.stringify(json) + "\n");
  } else {
    const verdict = r.reproduced
      ? `reproduced: ${repro.signature}`
      : r.starved
        ? `does not reproduce: ${repro.signature} (its schedule reaches the step bound, but run on from there with a uniform choice at every step the execution ends: no livelock, only a schedule that starved an agent or a wait longer than the bound, such as the OOM killer's second)`
        : r.verdict
          ? `does not reproduce ${repro.signature}; found ${r.verdict.signature} instead`
          : `does not reproduce: ${repro.signature} (the execution ran clean)`;
    process.stdout.write(`${r.diagram}\n\n${verdict}\n`);
  }
  if (r.diverged) {
    process.stderr.write(
      note === undefined
        ? // Same sections, same ops, same seed: the log must fit. Not fitting is our bug.
          `faultsim: the schedule in ${file} does not fit the model although this is the model build that recorded it (${here.id}): a bug of faultsim unless the file was edited; replayed with its remainder run to completion\n`
        : `faultsim: note: the schedule in ${file} no longer fits the model (faultsim ${repro.faultsim}, model build ${repro.modelId ?? "unknown"} wrote it); replayed with its remainder run to completion\n`,
    );
  }
  // A schedule that diverged has said its remainder ran to completion already.
  if (r.filled && !r.diverged) process.stderr.write(`faultsim: note: ${fillNote(file, r.filled)}\n`);
  // Exit 1 when the replay met a violation: the recorded one, or another (the contract's "an
  // invariant was violated"; the text and --json say which). 0 only when it ran clean.
  if (r.verdict) process.exitCode = 1;
}
