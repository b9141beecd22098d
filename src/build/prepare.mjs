// npm's `prepare`: builds everything (`npm run build`) unless the built files are already newer
// than every source. Why not always: npm 7+ runs a project's own bin (`npx faultsim` in a clone)
// by installing the project into npx's cache first, which runs `prepare` again; after `npm ci`
// built it, that second build made the first `npx faultsim hunt` take 6 s instead of half a
// second. `npm run build` still always builds.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SOURCES = ["assembly", "src", "bench", "package.json", "package-lock.json", "asconfig.json", "tsconfig.json"];
const OUTPUTS = [
  "build/faultsim.wasm",
  "build/faultsim-untraced.wasm",
  "build/faultsim.model-id.json",
  "dist/jsmodel/model.js",
  "dist/src/cli.js",
  "dist/src/cli.bundle.cjs",
  "dist/schema/repro.schema.json",
  "dist/src/workers/pct-k.json",
  "dist/src/explore/swarm-layouts.bin",
];

/** Latest modification time under p (a file or a directory tree), 0 when it is missing. */
function newest(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(p)) t = Math.max(t, newest(path.join(p, name)));
  return t;
}

const oldestOutput = Math.min(...OUTPUTS.map((o) => newest(path.join(root, o)) || -Infinity));
const newestSource = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
if (oldestOutput > newestSource) {
  console.log("faultsim: build is up to date (npm run build rebuilds)");
} else {
  // The npm that runs this script (npm_execpath), else the one on PATH.
  const npm = process.env.npm_execpath;
  if (npm) execFileSync(process.execPath, [npm, "run", "build"], { cwd: root, stdio: "inherit" });
  else execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}
