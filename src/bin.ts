#!/usr/bin/env node
// `faultsim` as npm installs it (package.json bin). `--version` is answered from two small
// files (package.json, the model id beside the Wasm build) without loading the command line:
// a process that only asks the version starts in about node's own time (cold start, issue 12).
// Every other command line goes to src/cli.ts, as `node dist/src/cli.js` does: built, from its
// bundle dist/src/cli.bundle.js (src/build/bundle-cli.mjs: one file to load instead of ~80,
// about 35 ms less CPU in every process, issue 9), unless the bundle is missing or older
// than cli.js (a tsc run without the bundle step).
import { statSync } from "node:fs";

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
  const { runAsEntryPoint } = (await import(cliModule())) as typeof import("./cli.js");
  runAsEntryPoint();
}

/** The command line's module: the bundle when it is there and not older than cli.js. */
function cliModule(): string {
  const bundle = statSync(new URL("./cli.bundle.js", import.meta.url), { throwIfNoEntry: false });
  const cli = statSync(new URL("./cli.js", import.meta.url), { throwIfNoEntry: false });
  return bundle && (!cli || bundle.mtimeMs >= cli.mtimeMs) ? "./cli.bundle.js" : "./cli.js";
}
