// Runs the bundled command line (dist/src/cli.bundle.cjs, src/build/bundle-cli.mjs) with a V8
// code cache beside it (cli.bundle.cache): the compiled code of the bundle as the last process
// left it, so a process deserializes it instead of decoding and compiling the bundle's source
// again (issue 9: every shard of a campaign and its merge paid that; issue 12: cold start).
// Node 20 has no module.enableCompileCache and caches no ES module's code: the bundle is
// CommonJS-shaped for this, run through vm.Script, which takes and makes V8's cached data.
//
// Correctness never depends on the cache. The file holds a CRC-32 of the bundle's bytes and
// one of the cached data, then the data: a cache of another bundle (V8 itself only checks the
// source's length), or torn, or damaged, is not given to V8 (a release V8 does not checksum
// the data: a flipped byte may crash the process). CRC-32, not SHA-1: node:zlib loads in half
// the time of node:crypto (~4 ms against ~9), and the check is against accidents. V8 rejects
// data of another V8 version or other V8 flags (cachedDataRejected) and compiles the source,
// as it does with no cache. Then (missing, stale or rejected), the process writes a new cache
// when it exits, with the code it compiled by then: to a temporary file renamed over the old
// one (processes starting at once never read half a file). A directory that cannot be written
// (a read-only install) only leaves the cache out: no process tries.
//
// A CommonJS module (.cts), as the installed entry src/bin.cts is: no ES module loader in a
// process that runs the bundle (and an ES module's import of node:fs would make its ES
// facade, which reads every export and so loads the stream classes and fs/promises).
import { isAscii } from "node:buffer";
import { accessSync, constants, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";
import vm from "node:vm";
import * as zlib from "node:zlib";

/** What became of the cache: used, none there, not this bundle's or damaged (our check),
 *  or refused by V8 (another Node version or V8 flags). */
export type CodeCacheStatus = "accepted" | "missing" | "stale" | "rejected";

/** The cache file of a bundle: beside it, `.cache` for its extension. */
export function codeCacheFile(bundle: string): string {
  return bundle.replace(/\.c?js$/, "") + ".cache";
}

const HASH = 4; // CRC-32 bytes, twice at the start of the file

/**
 * Runs the CommonJS bundle `bundle` (as `require` would) and returns its exports, compiled
 * from its code cache when there is a valid one. When there was none, or it was refused,
 * `write` (default: true) writes one when the process exits.
 */
export function runBundle(bundle: string, write = true): { exports: unknown; cache: CodeCacheStatus } {
  const bytes = readFileSync(bundle);
  const cacheFile = codeCacheFile(bundle);
  let cachedData: Buffer | undefined;
  let cache: CodeCacheStatus = "missing";
  try {
    const file = readFileSync(cacheFile);
    const data = file.subarray(2 * HASH);
    const ok = file.length > 2 * HASH && crc(bytes).equals(file.subarray(0, HASH)) && crc(data).equals(file.subarray(HASH, 2 * HASH));
    if (ok) cachedData = data;
    else cache = "stale";
  } catch {
    /* no cache: compiled from the source */
  }
  // Node's CommonJS wrapper, so the bundle runs as `require` would run it. The build writes it
  // in ASCII (src/build/bundle-cli.mjs): latin1 is then a copy, UTF-8 a decode.
  const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __faultsimImport) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  if (cachedData) cache = script.cachedDataRejected ? "rejected" : "accepted";
  if (cache !== "accepted" && write && writable(path.dirname(bundle))) process.once("exit", () => writeCache(cacheFile, bytes, script));
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // The bundle's import() (src/build/bundle-cli.mjs): this module's, as a script has none.
  const importer = (specifier: string): Promise<unknown> => import(specifier);
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), importer);
  return { exports: module.exports, cache };
}

/** Whether this Node has zlib.crc32 (20.15 and later): an older one loads the bundle with
 *  `require` instead, without a cache. */
export const canCache = typeof zlib.crc32 === "function";

/** Loads the bundle: from its code cache when this Node can, else with `require`. */
export function loadBundle(bundle: string): unknown {
  return canCache ? runBundle(bundle).exports : createRequire(pathToFileURL(bundle))(bundle);
}

function writeCache(cacheFile: string, bytes: Buffer, script: vm.Script): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    writeFileSync(tmp, Buffer.concat([crc(bytes), crc(data), data]));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only install, a full disk: the next process compiles the source, as this one did.
    rmSync(tmp, { force: true });
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function crc(b: Uint8Array): Buffer {
  const h = Buffer.alloc(HASH);
  h.writeUInt32LE(zlib.crc32(b));
  return h;
}
