// The schema version of each `--json` document (the repro file's is in src/report/repro.ts),
// apart from the zod schemas (src/schema/outputs.ts) so that a command writing JSON need not
// load zod to stamp it (cold start, issue 12).
export const OUTPUT_SCHEMA_VERSIONS = {
  hunt: 1,
  run: 1,
  replay: 1,
  models: 1,
  huntEvents: 1,
  huntExhaustive: 1,
  mutants: 1,
  merge: 1,
  races: 2,
  racesCheck: 1,
} as const;
