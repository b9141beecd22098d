// `npm run build:wasm`: the model's two Wasm builds, from the same sources (assembly/):
//   build/faultsim.wasm           can trace: replays that draw a diagram, tests, the default
//   build/faultsim-untraced.wasm  asc --use FAULTSIM_UNTRACED=1: tracing is a constant false and
//                                 every trace() folds away (~7% of a hunt execution); the hunt's
//                                 search, campaign workers and bulk runs load it
// Each goes through binaryen's wasm-opt -O3 after asc's own -O3 (measured side by side: hunt
// executions ~4% faster, bulk runs ~1-2%; asc's --converge did not do it). Then the model id,
// which both share (src/build/model-id.mjs).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const asc = path.join(path.dirname(require.resolve("assemblyscript/package.json")), "bin/asc.js");
const wasmOpt = path.join(path.dirname(require.resolve("binaryen/package.json")), "bin/wasm-opt");
// The features asc's output uses: wasm-opt must neither reject them nor add others.
const FEATURES = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int"];

const run = promisify(execFile);
/** Runs a Node script; its output is printed when it fails. */
async function node(script, args) {
  try {
    await run(process.execPath, [script, ...args], { cwd: root });
  } catch (err) {
    process.stderr.write(`${err.stdout ?? ""}${err.stderr ?? ""}`);
    throw new Error(`${path.basename(script)} ${args.join(" ")} failed`);
  }
}

const builds = [
  { out: "build/faultsim.wasm", use: [] },
  { out: "build/faultsim-untraced.wasm", use: ["--use", "FAULTSIM_UNTRACED=1"] },
];
// The two builds side by side (a machine has two cores or more).
await Promise.all(
  builds.map(async (b) => {
    await node(asc, ["assembly/index.ts", "--target", "release", ...b.use, "-o", b.out]);
    await node(wasmOpt, [b.out, "-O3", ...FEATURES, "-o", b.out]);
  }),
);
await node(path.join(root, "src/build/model-id.mjs"), []);
console.log(`built ${builds.map((b) => b.out).join(", ")}`);
