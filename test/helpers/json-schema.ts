// Outputs validated against the generated JSON Schemas (src/schema/json-schema.ts) with a real
// JSON Schema validator (ajv, draft 2020-12, strict), each schema compiled once.
import { readFileSync, writeFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { jsonSchemaOf, type DocumentName } from "../../src/schema/json-schema.js";

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = new Map<DocumentName, ValidateFunction>();
/** The document's validator, compiled (strictly) the first time it is asked for. */
export const validator = (name: DocumentName): ValidateFunction => {
  let v = validators.get(name);
  if (!v) validators.set(name, (v = ajv.compile(jsonSchemaOf(name))));
  return v;
};

/** The document's validation errors, [] when it is valid. */
export const errorsOf = (name: DocumentName, doc: unknown): string[] => {
  const v = validator(name);
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
};

/** A hunt's --jsonl stream (`args` hold `--jsonl events`) killed before its last line and
 *  resumed: both legs exit 1 (a finding), and the stream's lines parsed, each valid. */
export async function killedAndResumedStream(
  faultsim: (...args: string[]) => Promise<number>,
  args: string[],
  events: string,
): Promise<{ event: string; [field: string]: unknown }[]> {
  if ((await faultsim("hunt", ...args)) !== 1) throw new Error(`hunt ${args.join(" ")}: expected exit 1 (a finding)`);
  // As if killed before its end: cut the last line off, and resume.
  const text = readFileSync(events, "utf8");
  writeFileSync(events, text.slice(0, text.slice(0, -1).lastIndexOf("\n") + 1));
  if ((await faultsim("hunt", "--resume", events)) !== 1) throw new Error(`hunt --resume ${events}: expected exit 1`);
  const lines = readFileSync(events, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { event: string; [field: string]: unknown });
  for (const l of lines) {
    const errors = errorsOf("hunt-events", l);
    if (errors.length > 0) throw new Error(`a ${l.event} line is not valid: ${errors.join("; ")}`);
  }
  return lines;
}
