// What the build's tables (pct-k-table.mjs, swarm-table.mjs) share: each shipped model's
// default campaign (`faultsim hunt --model M --shard i/n`, every other option at its default,
// as the built command line parses it), the built model's id, and a table written whole
// (temporary file + rename).
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** A module of the build (dist/src/...). */
export const dist = (m) => import(path.join(root, "dist/src", m));

/** The Wasm build's model id; `tool` names the step that needs it when there is none. */
export async function wasmModelId(tool) {
  const { modelId } = await dist("report/version.js");
  const id = modelId("wasm");
  if (id === undefined) throw new Error(`${tool}: the Wasm build has no model id (build/faultsim.model-id.json)`);
  return id;
}

/** Each shipped model's name and its default campaign's hunt options (commands/hunt.ts huntOptions). */
export async function defaultCampaigns() {
  const [{ buildProgram }, { huntOptions }, { MODELS }] = await Promise.all([
    dist("cli.js"),
    dist("commands/hunt.js"),
    dist("model/models.js"),
  ]);
  const hunt = buildProgram().commands.find((c) => c.name() === "hunt");
  const defaults = { ...hunt.opts(), with: [], without: [] };
  return MODELS.map(({ name }) => ({ name, opts: huntOptions({ ...defaults, model: name }, {}).opts }));
}

/** Writes { entries } to file whole (never a partial table) and prints `line`. */
export function writeTable(file, entries, indent, line) {
  writeWhole(file, JSON.stringify({ entries }, null, indent) + "\n", line);
}

/** Writes `data` (a string or bytes) to file whole: a temporary file renamed over it. Prints
 *  `line` of the file's path. */
export function writeWhole(file, data, line) {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
  console.log(line(path.relative(root, file)));
}
