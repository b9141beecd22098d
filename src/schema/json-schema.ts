// The JSON Schema (draft 2020-12) of every JSON document faultsim writes, generated from the
// zod schemas the code's types come from (zod's z.toJSONSchema): `npm run build` writes them to
// dist/schema/NAME.schema.json (src/build/json-schemas.mjs), the package ships them, and
// docs/json-schema.md describes them. What a JSON Schema cannot say (a repro's op words fit
// its machine, its flag word agrees with its flag names) stays in the zod schema's checks.
import { z } from "zod";
import { REPRO_SCHEMA_VERSION } from "../report/repro.js";
import { ReproSchema } from "../report/repro-schema.js";
import {
  HuntEventSchema,
  HuntExhaustiveJsonSchema,
  HuntJsonSchema,
  MergeJsonSchema,
  ModelsJsonSchema,
  PolicyRunJsonSchema,
  MutantsJsonSchema,
  OUTPUT_SCHEMA_VERSIONS,
  RacesCheckJsonSchema,
  RacesJsonSchema,
  ReplayJsonSchema,
  RunJsonSchema,
} from "./outputs.js";

/** The documents, by the name of their schema file. */
export const DOCUMENTS = {
  hunt: { schema: HuntJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.hunt, title: "faultsim hunt --json" },
  run: { schema: RunJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.run, title: "faultsim run --json" },
  "run-reclaim": {
    schema: PolicyRunJsonSchema,
    version: OUTPUT_SCHEMA_VERSIONS.run,
    title: "faultsim run --reclaim POLICY --json",
  },
  replay: { schema: ReplayJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.replay, title: "faultsim replay --json" },
  models: { schema: ModelsJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.models, title: "faultsim models --json" },
  repro: { schema: ReproSchema, version: REPRO_SCHEMA_VERSION, title: "faultsim repro file (hunt --out, replay FILE)" },
  "hunt-exhaustive": {
    schema: HuntExhaustiveJsonSchema,
    version: OUTPUT_SCHEMA_VERSIONS.huntExhaustive,
    title: "faultsim hunt --sched exhaustive --json",
  },
  "hunt-events": {
    schema: HuntEventSchema,
    version: OUTPUT_SCHEMA_VERSIONS.huntEvents,
    title: "faultsim hunt --jsonl (each line one event)",
  },
  merge: { schema: MergeJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.merge, title: "faultsim merge --json" },
  races: { schema: RacesJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.races, title: "faultsim races --json" },
  "races-check": {
    schema: RacesCheckJsonSchema,
    version: OUTPUT_SCHEMA_VERSIONS.racesCheck,
    title: "faultsim races --check --json",
  },
  // The mutation score (a developer tool of the checkout, docs/mutants.md): its runner is not
  // in the package, its output's schema is, beside the others.
  mutants: { schema: MutantsJsonSchema, version: OUTPUT_SCHEMA_VERSIONS.mutants, title: "npm run mutants -- --json FILE" },
} as const;
export type DocumentName = keyof typeof DOCUMENTS;

/** The JSON Schema of one document: as the code writes it (zod's output side: every field the
 *  code writes is named, no other is allowed). */
export function jsonSchemaOf(name: DocumentName): Record<string, unknown> {
  const d = DOCUMENTS[name];
  const body = z.toJSONSchema(d.schema, { target: "draft-2020-12", unrepresentable: "throw" }) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  return {
    $schema,
    $id: `urn:faultsim:schema:${name}:${d.version}`,
    title: d.title,
    ...rest,
  };
}

/** Every document's JSON Schema, by name. */
export function jsonSchemas(): Record<DocumentName, Record<string, unknown>> {
  return Object.fromEntries(Object.keys(DOCUMENTS).map((n) => [n, jsonSchemaOf(n as DocumentName)])) as Record<
    DocumentName,
    Record<string, unknown>
  >;
}
