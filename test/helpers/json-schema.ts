// Outputs validated against the generated JSON Schemas (src/schema/json-schema.ts) with a real
// JSON Schema validator (ajv, draft 2020-12, strict), each schema compiled once.
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
