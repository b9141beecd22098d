#!/usr/bin/env node
// `faultsim` as npm installs it (package.json bin). `--version` is answered from two small
// files (package.json, the model id beside the Wasm build) without loading the command line:
// a process that only asks the version starts in about node's own time (cold start, issue 12).
// Every other command line goes to src/cli.ts, as `node dist/src/cli.js` does.
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
  const { runAsEntryPoint } = await import("./cli.js");
  runAsEntryPoint();
}
