#!/usr/bin/env node
// `node dist/src/bin.js`: the installed entry, dist/src/bin.cjs (src/bin.cts), run from an ES
// module (this package's .js files are ES modules), for the scripts and documents that name
// this file. `faultsim` (package.json bin) runs bin.cjs itself, without Node's ES module loader.
import { createRequire } from "node:module";

createRequire(import.meta.url)("./bin.cjs");
