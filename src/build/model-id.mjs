// The model id: a short hash of the model's sources, so a repro file can say which model build
// recorded its schedule (a choice log replays step for step only on a model with the same
// atomic sections). Run by `npm run build:wasm` (so by `npm run build` and `npm ci`) right after
// asc, it writes the id next to the Wasm it describes: build/faultsim.wasm gets
// build/faultsim.model-id.json. The JS twin (dist/jsmodel) is built from the same sources in
// the same `npm run build` and shares the id; src/report/version.ts modelId() reads it.
//
//   node src/build/model-id.mjs [WASM]   # default build/faultsim.wasm; writes WASM's .model-id.json
//
// The id is the first 12 hex digits of a sha256 over every .ts file under assembly/ (what asc
// and the JS twin's esbuild compile), sorted by their path relative to assembly/ with '/' as
// the separator; per file the relative path, its length in bytes and its contents (CRLF read as
// LF, so a Windows checkout hashes the same) go in, length-framed so no two different trees
// hash alike. Nothing else (mtimes, the checkout's location) counts.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const MODEL_ID_LENGTH = 12;

/** The model's source files under dir: relative paths ('/'-separated), sorted. */
export function modelSources(dir) {
  const out = [];
  const walk = (rel) => {
    for (const ent of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(r);
      else if (ent.isFile() && ent.name.endsWith(".ts")) out.push(r);
    }
  };
  walk("");
  // Byte order of the names, not the locale's: the same on every machine.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The model id of the sources under dir (normally assembly/). */
export function computeModelId(dir) {
  const files = modelSources(dir);
  if (files.length === 0) throw new Error(`no model sources (*.ts) under ${dir}`);
  const h = createHash("sha256");
  const frame = (buf) => {
    h.update(`${buf.length}:`);
    h.update(buf);
  };
  for (const rel of files) {
    frame(Buffer.from(rel, "utf8"));
    frame(Buffer.from(readFileSync(path.join(dir, rel), "utf8").replace(/\r\n/g, "\n"), "utf8"));
  }
  return { modelId: h.digest("hex").slice(0, MODEL_ID_LENGTH), sources: files.length };
}

/** The id file that describes a Wasm file: x/name.wasm → x/name.model-id.json. */
export function modelIdFileFor(wasm) {
  return wasm.replace(/\.wasm$/, "") + ".model-id.json";
}

const here = fileURLToPath(import.meta.url);
if (process.argv[1] && path.resolve(process.argv[1]) === here) {
  const root = path.resolve(path.dirname(here), "../..");
  const wasm = path.resolve(process.argv[2] ?? path.join(root, "build/faultsim.wasm"));
  const { modelId, sources } = computeModelId(path.join(root, "assembly"));
  const file = modelIdFileFor(wasm);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ modelId, sources, wasm: path.basename(wasm) }, null, 2) + "\n");
  console.log(`model id ${modelId} (${sources} sources): ${path.relative(process.cwd(), file) || file}`);
}
