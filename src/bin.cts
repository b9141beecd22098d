#!/usr/bin/env node
// `faultsim` as npm installs it (package.json bin: dist/src/bin.cjs). CommonJS (.cts), so that
// a process starts without Node's ES module loader, which an ES module entry initializes
// first (~8 ms of CPU: its resolver, translators, fs/promises): every shard of a campaign and
// its merge paid it (issue 9), and `--version` more than doubled what it adds to Node's own
// start (issue 12). `node dist/src/bin.js` (src/bin.ts) runs this file.
//
// `--version` is answered from two small files (package.json, the model id beside the Wasm
// build) without loading the command line, nor src/code-cache.cts (node:vm, and node:zlib with
// the stream classes: ~1-2 ms of CPU). Every other command line goes to src/cli.ts, as
// `node dist/src/cli.js` does: built, from its bundle dist/src/cli.bundle.cjs
// (src/build/bundle-cli.mjs: one file to load instead of ~80) and that bundle's V8 code cache
// (src/code-cache.cts: its compiled code, not compiled again), unless the bundle is missing or
// older than cli.js (a tsc run without the bundle step).
import { readFileSync, statSync, writeSync } from "node:fs";
import path from "node:path";
// Types only: the module itself is required below, by the commands that run the bundle, as it
// loads node:vm and node:zlib (and with it the stream classes), which `--version` does not need.
import type * as CodeCache from "./code-cache.cjs";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) version();
else {
  const bundle = path.join(__dirname, "cli.bundle.cjs");
  if (bundled(bundle))
    ((require("./code-cache.cjs") as typeof CodeCache).loadBundle(bundle) as typeof import("./cli.js")).runAsEntryPoint();
  else void import("./cli.js").then((cli) => cli.runAsEntryPoint());
}

/** Whether the bundle is there and not older than cli.js. */
function bundled(bundle: string): boolean {
  const b = statSync(bundle, { throwIfNoEntry: false });
  const cli = statSync(path.join(__dirname, "cli.js"), { throwIfNoEntry: false });
  return b !== undefined && (!cli || b.mtimeMs >= cli.mtimeMs);
}

/** `faultsim --version`: src/report/version.ts's versionLine, read here as it reads it (the
 *  package.json named faultsim above this file; the model id file beside the Wasm build,
 *  FAULTSIM_WASM's when set). test/cli/cli.full.test.ts checks the two lines are the same. */
function version(): void {
  let v: string | undefined;
  for (let dir = __dirname, i = 0; i < 5 && !v; i++, dir = path.dirname(dir)) {
    const pkg = readJson(path.join(dir, "package.json")) as { name?: string; version?: string } | undefined;
    if (pkg?.name === "faultsim" && pkg.version) v = pkg.version;
  }
  const own = process.env.FAULTSIM_WASM;
  const wasm = own ? path.resolve(own) : path.resolve(__dirname, "../../build/faultsim.wasm");
  const id = (readJson(`${wasm.replace(/\.wasm$/, "")}.model-id.json`) as { modelId?: unknown } | undefined)?.modelId;
  const line = `${v ?? "0.0.0"}${typeof id === "string" && /^[0-9a-f]{4,64}$/.test(id) ? ` (model build ${id})` : ""}\n`;
  try {
    writeSync(1, line);
  } catch (err) {
    // A reader gone (EPIPE) ends quietly with 0; any other failure (a full disk, a
    // non-blocking pipe) goes through the command line's own output (src/output.ts), which
    // writes the line again and reports a failure as every command does.
    if ((err as NodeJS.ErrnoException).code !== "EPIPE") void slowVersion();
  }
}

async function slowVersion(): Promise<void> {
  const [{ versionLine }, { guardOutput, writeOut, exitCodeWith }] = await Promise.all([
    import("./report/version.js"),
    import("./output.js"),
  ]);
  guardOutput(() => (process.exitCode = exitCodeWith(0)));
  await writeOut(`${versionLine()}\n`);
  process.exitCode = exitCodeWith(0);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
