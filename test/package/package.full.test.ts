// The published package, as a user gets it: `npm pack`, the tarball installed into an empty
// project (its dependencies from the npm cache), `npx faultsim hunt` finding the race, and the
// API imported from TypeScript and type-checked with the repo's tsc.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { jsonSchemas } from "../../src/schema/json-schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let tmp = "";
let proj = "";

/** The environment without what `npm run test:full` put there for its own script. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

function sh(cmd: string, args: string[], cwd: string, timeout = 180_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: cleanEnv(), timeout });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

/** A user's tsconfig: NodeNext, strict, the repo's @types/node. */
const tsconfig = (files: string[]) => ({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    typeRoots: [path.join(root, "node_modules/@types")],
    types: ["node"],
  },
  files,
});

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "faultsim-package-"));
  // npm pack runs `prepare`, which builds only what is out of date.
  const pack = sh("npm", ["pack", "--pack-destination", tmp], root);
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stdout}${pack.stderr}`);
  const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack wrote no tarball in ${tmp}`);
  proj = path.join(tmp, "project");
  mkdirSync(proj);
  writeFileSync(path.join(proj, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", private: true, type: "module" }));
  // The dependencies' tarballs are in the npm cache (npm ci put them there).
  const inst = sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(tmp, tgz)], proj);
  if (inst.code !== 0) throw new Error(`npm install of the tarball failed: ${inst.stdout}${inst.stderr}`);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the published package", () => {
  it("ships what a user runs, and no tests, bench or CI", () => {
    const pkg = path.join(proj, "node_modules/faultsim");
    for (const f of [
      "dist/src/cli.js",
      "dist/src/bin.cjs",
      "dist/src/bin.js",
      "dist/src/code-cache.cjs",
      "dist/src/cli.bundle.cjs",
      "dist/src/cli.bundle.cache",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/workers/worker.js",
      "dist/jsmodel/model.js",
      "build/faultsim.wasm",
      "build/faultsim-untraced.wasm",
      "build/faultsim.model-id.json",
      ...["hunt", "run", "replay", "models", "repro", "hunt-events"].map((n) => `dist/schema/${n}.schema.json`),
      "README.md",
      "LICENSE",
    ]) {
      expect(existsSync(path.join(pkg, f)), f).toBe(true);
    }
    for (const f of ["test", "bench", ".ci", "assembly", "src", "dist/bench", "dist/test"]) {
      expect(existsSync(path.join(pkg, f)), f).toBe(false);
    }
    // No devDependency was installed with it.
    for (const d of ["assemblyscript", "typescript", "vitest", "binaryen"]) {
      expect(existsSync(path.join(proj, "node_modules", d)), d).toBe(false);
    }
  });

  it("ships the JSON Schemas as generated from the sources, exported as faultsim/schema/*", () => {
    const req = createRequire(path.join(proj, "package.json"));
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const file = req.resolve(`faultsim/schema/${name}.schema.json`);
      expect(file).toBe(path.join(proj, "node_modules/faultsim/dist/schema", `${name}.schema.json`));
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(schema);
    }
  });

  it("npx faultsim hunt finds the race: exit 1, the diagram on stdout", () => {
    const out = path.join(tmp, "repros");
    mkdirSync(out);
    const r = sh("npx", ["--no", "faultsim", "hunt", "--out", out], proj, 120_000);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    // The default hunt's finding (README): the diagram's columns are the CPUs the shrunk finding
    // kept (the default machine's three, fewer when the shrinker dropped idle ones), numbered
    // from 0, then the disk (its column shows only when a line of it names the race's entry or
    // pages), then kswapd, the swapper; one CPU column for each "CPUn runs:" line, and as many as
    // the repro file's machine has.
    const header = /^(CPU0\s+(?:\| CPU\d\s+)*)\| (?:disk\s+\| )?kswapd\s*$/m.exec(r.stdout);
    expect(header, r.stdout).not.toBeNull();
    const cpus = header![1].split("|").map((c) => c.trim());
    expect(cpus.length).toBeLessThanOrEqual(3);
    expect(cpus).toEqual(cpus.map((_, i) => `CPU${i}`));
    expect(r.stdout.match(/^CPU\d runs: /gm)).toEqual(cpus.map((c) => `${c} runs: `));
    expect(r.stdout).toMatch(/distinct signatures: 1\n {2}swapcache-unique@/);
    const repros = readdirSync(out).filter((f) => f.endsWith(".json"));
    expect(repros).toHaveLength(1);
    const repro = JSON.parse(readFileSync(path.join(out, repros[0]), "utf8"));
    expect(repro.machine).toMatchObject({ cpus: cpus.length, kswapd: true });
  }, 120_000);

  it("the API runs from the installed package", () => {
    const script = [
      'import { hunt, models, replay, UsageError } from "faultsim";',
      "const names = models().models.map((m) => m.name);",
      "const r = await hunt({ executions: 50000 });",
      "const again = await replay(r.findings[0].repro);",
      "let refused = false;",
      "try { await hunt({ cpus: 99 }); } catch (e) { refused = e instanceof UsageError; }",
      "console.log(JSON.stringify({ names, found: r.findings.map((f) => f.signature), reproduced: again.reproduced, refused }));",
    ].join("\n");
    writeFileSync(path.join(proj, "api.mjs"), script);
    const r = sh(process.execPath, ["api.mjs"], proj, 120_000);
    expect(r.stderr).toBe("");
    const o = JSON.parse(r.stdout) as { names: string[]; found: string[]; reproduced: boolean; refused: boolean };
    expect(o.names).toContain("linux-2.4.16");
    expect(o.found).toHaveLength(1);
    expect(o.found[0]).toMatch(/^swapcache-unique@/);
    expect(o.reproduced).toBe(true);
    expect(o.refused).toBe(true);
  }, 120_000);

  it("the README's examples type-check and run there", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.split("\n## Using faultsim from TypeScript\n")[1]?.split("\n## ")[0] ?? "";
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(2);
    writeFileSync(path.join(proj, "readme-script.ts"), blocks[0]);
    writeFileSync(path.join(proj, "readme.test.ts"), blocks[1]);
    // The user's own vitest: the repo's.
    symlinkSync(path.join(root, "node_modules/vitest"), path.join(proj, "node_modules/vitest"), "dir");
    writeFileSync(path.join(proj, "tsconfig.readme.json"), JSON.stringify(tsconfig(["readme-script.ts", "readme.test.ts"])));
    const tsc = sh(path.join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.readme.json"], proj, 120_000);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
    // Node 20 does not run .ts: both run as tsc emits them.
    const js = sh(
      path.join(root, "node_modules/.bin/tsc"),
      ["-p", "tsconfig.readme.json", "--noEmit", "false", "--outDir", "out"],
      proj,
      120_000,
    );
    expect(js.code).toBe(0);
    const run = sh(process.execPath, ["out/readme-script.js"], proj, 120_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/found swapcache-unique@/);
    expect(run.stdout).toMatch(/^CPU0\s+\| CPU1/m);
    expect(run.stdout).toMatch(/^true$/m);
    expect(run.stdout).toMatch(/^streamed swapcache-unique@/m);
    expect(run.stdout).toMatch(/^true 0 [0-9a-f]+$/m);
    expect(run.stderr).toBe("--cpus must be between 1 and 8, got 99\nno-such-repro.json undefined\n");
    const vitest = sh(path.join(root, "node_modules/.bin/vitest"), ["run", "out/readme.test.js"], proj, 600_000);
    expect(vitest.stdout + vitest.stderr).toMatch(/1 passed/);
    expect(vitest.code).toBe(0);
  }, 600_000);

  it("the API type-checks from TypeScript (NodeNext)", () => {
    const src = [
      'import { hunt, huntStream, run, models, replay, UsageError, InputError, ReproError, InternalError, type Repro, type HuntResult, type RunJson, type Finding } from "faultsim";',
      "",
      "const names: string[] = models().models.map((m) => m.name);",
      'const r: HuntResult = await hunt({ model: "linux-2.4.16", executions: 100_000, sched: "random", onFinding: (f) => console.log(f.signature) });',
      "const repro: Repro | undefined = r.findings[0]?.repro;",
      "if (repro) {",
      "  const again = await replay(repro);",
      "  const ok: boolean = again.reproduced;",
      "  console.log(ok, repro.machine.cpus, again.diagram.length);",
      "}",
      "for (const E of [UsageError, InputError, ReproError, InternalError]) console.log(new E('x') instanceof Error);",
      "const bulk: RunJson = await run({ ops: 1000, pattern: 'uniform', onProgress: (done: number) => console.log(done) });",
      "console.log(bulk.schemaVersion, bulk.violations.map((v) => v.invariant));",
      "for await (const f of huntStream({ keepGoing: true })) { const g: Finding = f; console.log(g.signature); }",
      "const field: string | undefined = new ReproError('x', 'f.json', 'machine.frames').field;",
      "console.log(field);",
      "// @ts-expect-error no such pattern",
      'await run({ pattern: "zigzag" });',
      "// @ts-expect-error cpus is a number",
      'await hunt({ cpus: "3" });',
      "// @ts-expect-error no such scheduler",
      'await hunt({ sched: "fifo" });',
      "console.log(names);",
      "",
    ].join("\n");
    writeFileSync(path.join(proj, "check.ts"), src);
    writeFileSync(path.join(proj, "tsconfig.json"), JSON.stringify(tsconfig(["check.ts"])));
    const r = sh(path.join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.json", "--noEmit"], proj, 120_000);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);
});
