// The Wasm builds' files. Loads nothing but node:path: the model id beside a build is read by
// `faultsim --version` (src/report/version.ts; src/bin.cts reads the same files) without the engine (cold start, issue 12).
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Project root, from src/wasm (ts) or dist/src/wasm (built). */
export const PROJECT_ROOT = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, "../../..") : path.resolve(here, "../..");

/** The Wasm file `npm run build` writes (the JS twin in dist/jsmodel is built beside it). */
export const BUILD_WASM = path.join(PROJECT_ROOT, "build/faultsim.wasm");
/** The same sources built without tracing (src/build/build-wasm.mjs): the hunt's search loop,
 *  campaign workers and bulk runs, which never trace, run ~7% faster on it. */
export const BUILD_WASM_UNTRACED = path.join(PROJECT_ROOT, "build/faultsim-untraced.wasm");

/** Which build: "traced" can record a trace for a diagram, "untraced" cannot and is faster. */
export type WasmBuild = "traced" | "untraced";

/** The Wasm file the wasm backend loads: the build's file under build/, or a private build
 *  named by FAULTSIM_WASM (which lets a developer test it without touching build/, and is how
 *  `npm run mutants` points each hunt at a mutant's build: src/mutants/hunt.ts). A private
 *  build serves as both builds unless FAULTSIM_WASM_UNTRACED names its untraced twin: a hunt
 *  must search and replay on builds of the same sources. */
export function wasmFile(build: WasmBuild = "traced"): string {
  return wasmSource(build).file;
}

/** wasmFile's file, and the environment variable that named it (none: the build's own). */
export function wasmSource(build: WasmBuild = "traced"): { file: string; variable?: "FAULTSIM_WASM" | "FAULTSIM_WASM_UNTRACED" } {
  const own = process.env.FAULTSIM_WASM,
    ownUntraced = process.env.FAULTSIM_WASM_UNTRACED;
  if (build === "untraced" && ownUntraced) return { file: path.resolve(ownUntraced), variable: "FAULTSIM_WASM_UNTRACED" };
  if (own) return { file: path.resolve(own), variable: "FAULTSIM_WASM" };
  return { file: build === "untraced" ? BUILD_WASM_UNTRACED : BUILD_WASM };
}
