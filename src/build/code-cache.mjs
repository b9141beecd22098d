// `npm run build`'s last step: the V8 code cache of the bundled command line
// (dist/src/cli.bundle.cache, src/code-cache.cts), shipped beside the bundle in the package.
// It is written by the installed entry itself, as any process writes a missing one when it
// exits: a short shard of linux-2.4.16's hunt, so the cache holds the code a campaign's
// process compiles (the command line, the hunt, its stream), not only the bundle's top level.
// A cache of another Node version is refused by V8 and rewritten by the first process that
// can write it; without one, `faultsim` compiles the bundle as it did before.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cache = path.join(root, "dist/src/cli.bundle.cache");
rmSync(cache, { force: true });
const dir = mkdtempSync(path.join(tmpdir(), "faultsim-code-cache-"));
try {
  const args = ["hunt", "--model", "linux-2.4.16", "--shard", "0/4", "--executions", "64", "--keep-going", "--out", dir];
  const r = spawnSync(process.execPath, [path.join(root, "dist/src/bin.cjs"), ...args, "--jsonl", path.join(dir, "part.jsonl")], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`code cache: the hunt failed (${r.status}): ${r.stderr}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(existsSync(cache) ? `code cache: ${path.relative(root, cache)}` : "code cache: none written (faultsim compiles the bundle)");
