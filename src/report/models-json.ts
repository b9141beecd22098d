// `faultsim models --json`, which the API's models() returns as well: the kernel models, their
// flags and the model build's id, shaped by src/schema/outputs.ts ModelsJsonSchema.
import { FLAGS, MODELS, DEFAULT_MODEL } from "../model/models.js";
import type { ModelsJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import { modelId } from "./version.js";
import { checkNamedBuild } from "../wasm/engine.js";

/** Throws a UsageError when FAULTSIM_WASM names a build that does not load (engine.ts
 *  checkNamedBuild): its id would be reported for a build that is no build. */
export function modelsJson(): ModelsJson {
  checkNamedBuild();
  return {
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.models,
    command: "models",
    models: MODELS.map((m) => ({ name: m.name, flags: [...m.flags], what: m.what, default: m.name === DEFAULT_MODEL })),
    flags: FLAGS.map((f) => ({ name: f.name, word: f.word ?? 0, bit: f.bit, what: f.what, shipped: f.shipped, patch: f.patch })),
    modelId: modelId() ?? null,
  };
}
