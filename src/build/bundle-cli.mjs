// `npm run build`'s step after tsc: the command line bundled into one file,
// dist/src/cli.bundle.js, which the installed `faultsim` (src/bin.ts) loads instead of the ~80
// modules of dist/src/cli.js and commander's. Node 20 resolves, reads and links each module of
// a graph one by one: about 35 ms of CPU per process, which every shard of a campaign (and
// `faultsim merge`) paid again (issue 9: shards add no more than 2% over one process).
//
// The bundle is the same code: esbuild inlines the modules (a dynamic import too: run when it
// used to be loaded), and a module's `import.meta.url` is rewritten to its own file's URL under
// dist/src, so that what it finds beside itself (the Wasm build under build/, pct-k.json, the
// worker thread's entry dist/src/workers/worker.js, package.json) is found as before.
// `node dist/src/cli.js` and the API (dist/src/index.js) stay unbundled.
import { readFile } from "node:fs/promises";
import { renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const distSrc = path.join(root, "dist/src");
export const BUNDLE = path.join(distSrc, "cli.bundle.js");

/** esbuild plugin: each module's import.meta.url as the URL of its own file (relative to the
 *  bundle, which sits in dist/src: the bundle may be installed anywhere). */
const ownMetaUrl = {
  name: "own-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = `./${path.relative(distSrc, args.path).split(path.sep).join("/")}`;
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "js" };
    });
  },
};

const tmp = `${BUNDLE}.tmp`;
await esbuild.build({
  entryPoints: [path.join(distSrc, "cli.js")],
  outfile: tmp,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [ownMetaUrl],
  logLevel: "warning",
  // commander is CommonJS: its require() of node's modules needs a require in an ES module.
  banner: { js: 'import { createRequire as __faultsimRequire } from "node:module";\nconst require = __faultsimRequire(import.meta.url);' },
});
renameSync(tmp, BUNDLE);
