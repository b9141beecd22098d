// The installed `faultsim` runs its bundled command line from a V8 code cache beside the bundle
// (src/code-cache.cts): the cache is used when it is this bundle's and this V8's, and the
// command runs alike without it, with a damaged one, with one of another bundle or of other
// V8 flags, and where none can be written. On a copy of the built dist/src (the checkout's
// own cache is left alone: other tests run its bin meanwhile).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let tmp: string;
let bundle: string;
let cache: string;
let out: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "faultsim-code-cache-"));
  // What the bundle finds beside it: the Wasm build and its JavaScript twin, package.json,
  // zod under node_modules.
  cpSync(path.join(root, "dist/src"), path.join(tmp, "dist/src"), { recursive: true });
  cpSync(path.join(root, "package.json"), path.join(tmp, "package.json"));
  symlinkSync(path.join(root, "build"), path.join(tmp, "build"));
  symlinkSync(path.join(root, "dist/jsmodel"), path.join(tmp, "dist/jsmodel"));
  symlinkSync(path.join(root, "node_modules"), path.join(tmp, "node_modules"));
  bundle = path.join(tmp, "dist/src/cli.bundle.cjs");
  cache = path.join(tmp, "dist/src/cli.bundle.cache");
  out = path.join(tmp, "out");
  mkdirSync(out);
  rmSync(cache, { force: true });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** What became of the cache in a process that loads the bundle (and writes a cache as it
 *  exits, when it used none), with the command line's entry it exports. */
function load(flags: string[] = []): string {
  const url = pathToFileURL(path.join(tmp, "dist/src/code-cache.cjs")).href;
  const script = `import { runBundle } from ${JSON.stringify(url)};
    const r = runBundle(${JSON.stringify(bundle)});
    console.log(r.cache, typeof r.exports.runAsEntryPoint);`;
  const r = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

const HUNT = ["hunt", "--model", "linux-2.4.16", "--shard", "1/4", "--executions", "200", "--keep-going", "--json"];

/** A shard of a hunt through an entry: its exit code and the JSON fields a campaign keeps. */
function hunt(entry: string): { status: number | null; result: unknown } {
  const r = spawnSync(process.execPath, [entry, ...HUNT, "--out", out], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  const j = JSON.parse(r.stdout);
  return { status: r.status, result: [j.hash, j.executions, j.signatures, j.hits] };
}

describe("the bundle's V8 code cache", () => {
  it("is written when missing, then used: the command runs as the unbundled one does", () => {
    expect(load()).toBe("missing function");
    expect(existsSync(cache), "written as the process exits").toBe(true);
    const written = readFileSync(cache);
    expect(load()).toBe("accepted function");
    const a = hunt(path.join(tmp, "dist/src/bin.cjs"));
    expect(a).toEqual(hunt(path.join(root, "dist/src/cli.js")));
    // The bundle's import() of what it does not hold (the model's JavaScript twin), from
    // cached code too, and without a warning.
    const run = (entry: string) =>
      spawnSync(process.execPath, [entry, "run", "--backend", "js", "--ops", "50", "--seed", "3", "--json"], {
        cwd: tmp,
        encoding: "utf8",
      });
    const js = run(path.join(tmp, "dist/src/bin.cjs"));
    expect(js.stderr).toBe("");
    const { seconds: _s, rates: _r, ...viaBin } = JSON.parse(js.stdout);
    const { seconds: _t, rates: _q, ...viaCli } = JSON.parse(run(path.join(root, "dist/src/cli.js")).stdout);
    expect(viaBin).toEqual(viaCli);
    // Used, so not written again.
    expect(readFileSync(cache).equals(written)).toBe(true);
  });

  it("is not given to V8 when damaged or another bundle's, and is replaced", () => {
    load();
    const c = readFileSync(cache);
    c[c.length >> 1] ^= 0xff; // past the two hashes: V8's data
    writeFileSync(cache, c);
    expect(load()).toBe("stale function");
    expect(load()).toBe("accepted function");
    appendFileSync(bundle, "\n"); // another bundle: the cache is not its
    expect(load()).toBe("stale function");
    expect(load()).toBe("accepted function");
    writeFileSync(cache, "not a cache");
    expect(hunt(path.join(tmp, "dist/src/bin.cjs"))).toEqual(hunt(path.join(root, "dist/src/cli.js")));
    expect(load()).toBe("accepted function");
  });

  it("is refused by V8 under other V8 flags: the bundle is compiled, and the cache rewritten", () => {
    load();
    expect(load(["--no-opt"])).toBe("rejected function");
    expect(load(["--no-opt"])).toBe("accepted function");
    expect(load()).toBe("rejected function");
  });

  it("cannot be read or written (its path a directory): the command runs without it", () => {
    rmSync(cache, { force: true });
    mkdirSync(cache);
    expect(load()).toBe("missing function");
    expect(hunt(path.join(tmp, "dist/src/bin.cjs"))).toEqual(hunt(path.join(root, "dist/src/cli.js")));
    rmSync(cache, { recursive: true });
  });
});
