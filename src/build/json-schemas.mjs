// `npm run build`'s last step: writes the JSON Schema of every JSON document faultsim writes
// (src/schema/json-schema.ts, compiled by tsc just before) to dist/schema/NAME.schema.json,
// which the package ships (package.json `files`, `exports` "./schema/*").
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { jsonSchemas } = await import(path.join(root, "dist/src/schema/json-schema.js"));
const dir = path.join(root, "dist/schema");
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  const file = path.join(dir, `${name}.schema.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(schema, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
}
console.log(`json schemas: ${path.relative(root, dir)}/{${Object.keys(jsonSchemas()).join(",")}}.schema.json`);
