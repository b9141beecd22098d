// `npm run build`'s step after tsc: the command line bundled into one file,
// dist/src/cli.bundle.cjs, which the installed `faultsim` (src/bin.cts) loads instead of the ~80
// modules of dist/src/cli.js and commander's. Node 20 resolves, reads and links each module of
// a graph one by one: about 35 ms of CPU per process, which every shard of a campaign (and
// `faultsim merge`) paid again (issue 9: shards add no more than 2% over one process).
//
// The bundle is the same code: esbuild inlines the modules (a dynamic import too: run when it
// used to be loaded), and a module's `import.meta.url` is rewritten to its own file's URL under
// dist/src, so that what it finds beside itself (the Wasm build under build/, pct-k.json, the
// worker thread's entry dist/src/workers/worker.js, package.json) is found as before.
// `node dist/src/cli.js` and the API (dist/src/index.js) stay unbundled.
//
// CommonJS, not an ES module: Node 20 caches no ES module's compiled code, while a script run
// through vm.Script can be given V8's code cache (src/code-cache.cts; the cache is written by
// src/build/code-cache.mjs, the build's last step). Two more cuts of what a process compiles:
// zod (815 KB of the 1.5 MB; only replay, report and the mutants validate with it) stays
// outside, `require`d from node_modules by the modules that use it, when they are first run;
// and the bundle is ASCII (esbuild escapes strings; the few non-ASCII characters left are in
// comments), which a process reads as latin1, a copy, instead of decoding UTF-8.
import { readFile, writeFile } from "node:fs/promises";
import { renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const distSrc = path.join(root, "dist/src");
export const BUNDLE = path.join(distSrc, "cli.bundle.cjs");

/** esbuild plugin: each module's import.meta.url as the URL of its own file (relative to the
 *  bundle, which sits in dist/src: the bundle may be installed anywhere). */
const ownMetaUrl = {
  name: "own-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = `./${path.relative(distSrc, args.path).split(path.sep).join("/")}`;
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, __faultsimUrl).href`), loader: "js" };
    });
  },
};

/** Node modules a package's CommonJS code requires and most processes never use, loaded at
 *  their first use instead of when the bundle starts: child_process (commander's, for external
 *  subcommands, which faultsim has none of; it loads net and dgram). What `require` returns
 *  is then a Proxy that requires the module the first time one of its properties is read,
 *  and reads the module's own. (Not for our ES modules' imports: esbuild copies an imported
 *  CommonJS module's properties when the bundle starts, which would load it there; those load
 *  a module lazily in their own code, as src/workers/pool.ts does worker_threads.) */
const LAZY_BUILTINS = ["child_process"];
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(build) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join("|")})$`);
    // The module's own require, inside the Proxy's module: Node's module itself.
    build.onResolve({ filter }, (args) =>
      args.namespace === "lazy-builtin"
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ""), namespace: "lazy-builtin" },
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      loader: "js",
      contents: `let m;
const load = () => (m ??= require(${JSON.stringify(`node:${args.path}`)}));
module.exports = new Proxy({}, {
  get: (_, k) => load()[k],
  has: (_, k) => k in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), k);
    return d && { ...d, configurable: true };
  },
});`,
    }));
  },
};

const tmp = `${BUNDLE}.tmp`;
await esbuild.build({
  entryPoints: [path.join(distSrc, "cli.js")],
  outfile: tmp,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["zod"],
  plugins: [ownMetaUrl, lazyBuiltins],
  logLevel: "warning",
});
// What the bundle's modules are given: their own URL, which each one's import.meta.url is
// resolved against, and import() of what is not bundled (the JavaScript twin of the model,
// --backend js): in a script run through vm.Script, import() needs a callback that a code
// cache does not keep on Node 20 (and that warns as experimental), so the bundle's import()
// calls go to src/code-cache.cts's, passed in as __faultsimImport; loaded by `require`, the
// bundle's own.
const banner = [
  'var __faultsimUrl = require("node:url").pathToFileURL(__filename).href;',
  "var __faultsimImport = __faultsimImport || ((specifier) => import(specifier));",
];
// No `#!` line (cli.js's): the bundle is compiled inside a function (src/code-cache.cts), where
// one is a syntax error. Any character past ASCII (only in comments) as its \u escape.
// The banner after esbuild's "use strict" (the modules were ES modules: strict code).
const text = (await readFile(tmp, "utf8"))
  .replace(/^#!.*\n/, "")
  .replace(/(?<![.\w$])import\(/g, "__faultsimImport(")
  .replace(/[^\0-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
if (!text.startsWith('"use strict";\n')) throw new Error('bundle-cli: esbuild\'s output does not start with "use strict"');
await writeFile(tmp, `"use strict";\n${banner.join("\n")}\n${text.slice('"use strict";\n'.length)}`);
renameSync(tmp, BUNDLE);
// The ES module bundle of earlier builds, which src/bin.cts no longer loads.
rmSync(path.join(distSrc, "cli.bundle.js"), { force: true });
