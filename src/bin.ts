#!/usr/bin/env node
// `faultsim` as npm installs it (package.json bin). `--version` is answered from two small
// files (package.json, the model id beside the Wasm build) without loading the command line:
// a process that only asks the version starts in about node's own time (cold start, issue 12).
// Every other command line goes to src/cli.ts, as `node dist/src/cli.js` does: built, from its
// bundle dist/src/cli.bundle.cjs (src/build/bundle-cli.mjs: one file to load instead of ~80,
// about 35 ms less CPU in every process, issue 9) and that bundle's V8 code cache
// (src/code-cache.ts: its compiled code, not compiled again), unless the bundle is missing or
// older than cli.js (a tsc run without the bundle step).
// Node's modules by `require`, as in src/code-cache.ts: no ES facade of node:fs.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { statSync } = require("node:fs") as typeof import("node:fs");
const { fileURLToPath } = require("node:url") as typeof import("node:url");

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const [{ versionLine }, { guardOutput, writeOut, exitCodeWith }] = await Promise.all([
    import("./report/version.js"),
    import("./output.js"),
  ]);
  // A closed or full stdout: as for every other command (src/output.ts).
  guardOutput(() => (process.exitCode = exitCodeWith(0)));
  await writeOut(`${versionLine()}\n`);
  process.exitCode = exitCodeWith(0);
} else {
  const bundle = fileURLToPath(new URL("./cli.bundle.cjs", import.meta.url));
  const { runAsEntryPoint } = (
    bundled(bundle) ? (await import("./code-cache.js")).loadBundle(bundle) : await import("./cli.js")
  ) as typeof import("./cli.js");
  runAsEntryPoint();
}

/** Whether the bundle is there and not older than cli.js. */
function bundled(bundle: string): boolean {
  const b = statSync(bundle, { throwIfNoEntry: false });
  const cli = statSync(new URL("./cli.js", import.meta.url), { throwIfNoEntry: false });
  return b !== undefined && (!cli || b.mtimeMs >= cli.mtimeMs);
}
