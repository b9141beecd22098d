// faultsim's version (package.json) and the model build's id, written into repro files so a
// reader knows which model produced a schedule.
// node:fs by `require`: `faultsim --version` imports this module when its stdout fails
// (src/bin.cts), and an ES import of node:fs makes its ES facade, which loads the streams.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { Backend } from "../wasm/engine.js";
import { BUILD_WASM, wasmFile } from "../wasm/files.js";

const { readFileSync } = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");

let cached: string | undefined;

/** package.json's version, found from src/ (ts) or dist/src/ (built). */
export function faultsimVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !cached; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "faultsim" && pkg.version) cached = pkg.version;
    } catch {
      /* not here: go up */
    }
    dir = path.dirname(dir);
  }
  return (cached ??= "0.0.0");
}

/** The model build: the id src/build/model-id.mjs wrote next to the Wasm when it was built (a
 *  short hash of assembly/'s sources), and where it was looked for. The id is undefined when
 *  the build has none (a build older than model ids, or a private FAULTSIM_WASM build without
 *  its .model-id.json). */
export interface ModelBuild {
  id: string | undefined;
  file: string;
}

const modelBuilds = new Map<string, ModelBuild>();

/** The model build of a backend. The Wasm backend's is the id file of the Wasm it loads
 *  (FAULTSIM_WASM=x/mine.wasm → x/mine.model-id.json); the JS twin is built from the same sources
 *  by the same `npm run build` as build/faultsim.wasm and shares that id. */
export function modelBuild(backend: Backend = "wasm"): ModelBuild {
  const file = modelIdFileFor(backend === "wasm" ? wasmFile() : BUILD_WASM);
  let b = modelBuilds.get(file);
  if (!b) {
    let id: string | undefined;
    try {
      const j = JSON.parse(readFileSync(file, "utf8")) as { modelId?: unknown };
      if (typeof j.modelId === "string" && /^[0-9a-f]{4,64}$/.test(j.modelId)) id = j.modelId;
    } catch {
      /* no id file: an unknown build */
    }
    b = { id, file };
    modelBuilds.set(file, b);
  }
  return b;
}

/** The model id of a backend's build, or undefined (see modelBuild). */
export const modelId = (backend: Backend = "wasm"): string | undefined => modelBuild(backend).id;

/** x/name.wasm → x/name.model-id.json (as src/build/model-id.mjs names it). */
export const modelIdFileFor = (wasm: string): string => wasm.replace(/\.wasm$/, "") + ".model-id.json";

/** `faultsim --version`: the package version and the model build's id. */
export function versionLine(): string {
  const id = modelId();
  return id ? `${faultsimVersion()} (model build ${id})` : faultsimVersion();
}
