// The built command line: exit codes, one-line errors, `models`, `run --json`.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MODELS, FLAGS, RECLAIM_POLICY } from "../../src/model/models.js";
import { modelId } from "../../src/report/version.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/cli.js");

function faultsim(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: process.env, timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const small = ["--cpus", "2", "--mms", "2", "--pages", "64", "--frames", "48", "--areas", "1", "--slots", "128"];

beforeAll(() => {
  // The CLI is tested as users run it; build it once if nobody has (npm ci runs the build).
  if (!existsSync(cli)) {
    const r = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tsc failed: ${r.stdout}${r.stderr}`);
    spawnSync(process.execPath, ["src/build/chmod-bin.mjs"], { cwd: root });
  }
}, 120000);

/** linux-2.4.16's flags as shipped, as `models --json` and `run --json` must both name them
 *  (written out here, not read from src/model/models.ts, so that a change there shows). */
const LINUX_2416_SHIPPED = [
  "unique-add",
  "pte-same-recheck",
  "remove-exclusive",
  "readahead-skip-header",
  "readahead-sdl",
  "oom-recheck",
  "swapoff-clears-max",
  "oom-kill",
  "kswapd-timeout",
  "local-pages",
  "plain-add-flags",
];

describe("bad usage exits 2 with one line on stderr", () => {
  it.each([
    ["a negative size", ["run", "--frames", "-5"], /--frames/],
    ["a zero size", ["run", "--cpus", "0"], /--cpus/],
    ["a non-integer size", ["run", "--pages", "2.5"], /--pages/],
    ["a size that is not a number", ["run", "--ops", "many"], /--ops/],
    ["too many CPUs", ["run", "--cpus", "9"], /--cpus/],
    ["too many pages per mm", ["run", "--pages", "65537"], /--pages/],
    ["sizes that cannot fit in memory", ["run", "--areas", "32", "--slots", "16000000", "--pages", "65536", "--mms", "60"], /2 GiB/],
    ["an unknown model", ["run", "--model", "linux-9.9"], /unknown model 'linux-9\.9'/],
    ["an unknown flag", ["run", "--with", "no-such-flag"], /unknown flag 'no-such-flag'/],
    ["an unknown --without flag", ["run", "--without", "nope"], /unknown flag 'nope'/],
    ["a rate above 1", ["run", "--fork-rate", "1.5"], /--fork-rate/],
    ["races --only without --check", ["races", "--only", "pte-same"], /--only needs --check/],
    ["races --check of an unknown race", ["races", "--check", "--only", "bogus"], /no race 'bogus'/],
    ["races --check with a bad budget", ["races", "--check", "--budget-executions", "x"], /--budget-executions/],
    ["a bad choice", ["run", "--pattern", "zigzag"], /zigzag/],
    ["op rates adding up to more than 1", ["run", "--fork-rate", "0.6", "--exit-rate", "0.6"], /more than 1/],
    ["an unknown option (commander)", ["run", "--frobnicate"], /unknown option '--frobnicate'/],
    ["an unknown command (commander)", ["frobnicate"], /unknown command 'frobnicate'/],
  ])("%s", (_what, args, pattern) => {
    const r = faultsim(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });
});

describe("models", () => {
  it("lists the three models with their flags, and every flag", () => {
    const r = faultsim("models");
    expect(r.code).toBe(0);
    for (const m of ["linux-2.4.0", "linux-2.4.10-pre", "linux-2.4.16"]) {
      const line = r.stdout.split("\n").find((l) => l.trim().startsWith(m + " "));
      expect(line, m).toBeDefined();
      for (const f of MODELS.find((x) => x.name === m)!.flags) expect(line).toContain(f);
    }
    for (const f of FLAGS) expect(r.stdout).toMatch(new RegExp(`^\\s+${f.name}\\s+\\S`, "m"));
    // Issue 14: the reclaim policy every model shares is said plainly, beside the models.
    expect(r.stdout).toContain(RECLAIM_POLICY);
    expect(r.stdout.indexOf(RECLAIM_POLICY)).toBeLessThan(r.stdout.indexOf("flags (--with"));
    // A shipped bug a later release fixed says so, and the -fixed model leaves it off.
    const plain = r.stdout.slice(r.stdout.search(/^\s+plain-add-flags\s/m));
    expect(plain.split("\n")[1]).toMatch(/shipped in: 2\.4\.16; fixed in 2\.4\.23 \(linux-2\.4\.16-fixed leaves it off\)/);
    const fixedLine = r.stdout.split("\n").find((l) => l.trim().startsWith("linux-2.4.16-fixed "))!;
    expect(fixedLine).not.toContain("plain-add-flags");
  });

  it("--json prints one object with models and flags", () => {
    const r = faultsim("models", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.models.map((m: { name: string }) => m.name).sort()).toEqual([
      "linux-2.4.0",
      "linux-2.4.10-pre",
      "linux-2.4.16",
      "linux-2.4.16-fixed",
    ]);
    expect(j.models.find((m: { name: string }) => m.name === "linux-2.4.16").flags).toEqual(LINUX_2416_SHIPPED);
    expect(j.flags).toHaveLength(FLAGS.length);
    expect(j.modelId).toBe(modelId() ?? null);
  });
});

describe("run", () => {
  it("--json prints one parseable object with the statistics and rates", () => {
    const r = faultsim("run", ...small, "--ops", "3000", "--seed", "11", "--json");
    expect([0, 1]).toContain(r.code);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const j = JSON.parse(r.stdout);
    for (const k of [
      "ops",
      "steps",
      "faults",
      "minorFaults",
      "majorFaults",
      "swapIns",
      "swapOuts",
      "readaheadHits",
      "reclaimScans",
      "seconds",
    ]) {
      expect(typeof j[k], k).toBe("number");
    }
    expect(j.faults).toBe(j.minorFaults + j.majorFaults);
    for (const k of ["stepsPerSec", "opsPerSec", "faultsPerSec"]) expect(typeof j.rates[k], k).toBe("number");
    expect(j.model).toEqual({
      name: "linux-2.4.16",
      flags: LINUX_2416_SHIPPED,
      flagWord: 0b1001110011000 | (1 << 30),
      flagWord2: (1 << 10) | (1 << 12) | (1 << 15) | (1 << 16), // oom-kill, kswapd-timeout, local-pages, plain-add-flags
    });
    expect(j.machine.cpus).toBe(2);
    expect(j.seed).toBe(11);
    expect(Array.isArray(j.violations)).toBe(true);
    expect(r.code).toBe(j.violations.length > 0 ? 1 : 0);
    if (j.violations.length === 0) expect(j.ops).toBe(3000);
  });

  it("--with/--without change the flags, and the same seed reproduces the run", () => {
    const args = ["run", ...small, "--ops", "2000", "--json", "--model", "linux-2.4.16", "--without", "unique-add", "--with", "early-dup"];
    const a = JSON.parse(faultsim(...args).stdout);
    const b = JSON.parse(faultsim(...args).stdout);
    expect(a.model.flags).toEqual([
      "pte-same-recheck",
      "early-dup",
      "remove-exclusive",
      "readahead-skip-header",
      "readahead-sdl",
      "oom-recheck",
      "swapoff-clears-max",
      "oom-kill",
      "kswapd-timeout",
      "local-pages",
      "plain-add-flags",
    ]);
    expect(b.stats).toEqual(a.stats);
    expect(b.stateHash).toBe(a.stateHash);
  });

  it("prints the statistics in text form", () => {
    const r = faultsim("run", ...small, "--ops", "1000", "--no-kswapd", "--sched", "rtc", "--backend", "js");
    expect([0, 1]).toContain(r.code);
    for (const w of ["minor", "major", "swap", "in", "out", "readahead", "reclaim", "steps", "/s"]) expect(r.stdout).toContain(w);
    expect(r.stdout).toMatch(/linux-2\.4\.16/);
    expect(r.stderr).toBe(""); // no progress bar when stderr is not a TTY
  });

  it("--version prints the package version and the model build", () => {
    const r = faultsim("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const id = modelId();
    if (id) expect(r.stdout.trim()).toMatch(new RegExp(`^\\d+\\.\\d+\\.\\d+ \\(model build ${id}\\)$`));
  });

  it.each(["bin.cjs", "bin.js"])(
    "the installed bin (dist/src/%s) answers --version and -V as the full command line does, and runs the rest",
    (entry) => {
      expect(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).bin.faultsim).toBe("dist/src/bin.cjs");
      const bin = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(root, "dist/src", entry), ...args], { cwd: root, encoding: "utf8" });
      const full = faultsim("--version");
      for (const flag of ["--version", "-V"]) {
        const r = bin(flag);
        expect(r.status).toBe(0);
        expect(r.stdout).toBe(full.stdout);
      }
      // A private build's id file is the one named (src/report/version.ts), on the fast path too
      // (src/bin.cts reads it itself); and one without an id file.
      for (const wasm of ["no-such-dir/mine.wasm", "build/faultsim.wasm"]) {
        const env = { ...process.env, FAULTSIM_WASM: path.join(root, wasm) };
        const fast = spawnSync(process.execPath, [path.join(root, "dist/src", entry), "--version"], { cwd: root, encoding: "utf8", env });
        const slow = spawnSync(process.execPath, [cli, "--version"], { cwd: root, encoding: "utf8", env });
        expect(fast.stdout).toBe(slow.stdout);
        expect(fast.stdout.trim()).toMatch(wasm.startsWith("no-such") ? /^\d+\.\d+\.\d+$/ : /^\d+\.\d+\.\d+ \(model build [0-9a-f]+\)$/);
      }
      // A full disk: the one line and exit 2 of every command (src/output.ts).
      const fd = openSync("/dev/full", "w");
      try {
        const full = spawnSync(process.execPath, [path.join(root, "dist/src", entry), "--version"], {
          cwd: root,
          encoding: "utf8",
          stdio: ["ignore", fd, "pipe"],
        });
        expect(full.status).toBe(2);
        expect(full.stderr).toBe("faultsim: cannot write the output: ENOSPC (no space left on device)\n");
      } finally {
        closeSync(fd);
      }
      const bad = bin("run", "--cpus", "0");
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--cpus/);
    },
  );

  it("the installed bin runs the bundled command line (dist/src/cli.bundle.cjs), which finds what lies beside the modules as cli.js does", () => {
    const bundle = path.join(root, "dist/src/cli.bundle.cjs");
    expect(existsSync(bundle), "npm run build writes the bundle (src/build/bundle-cli.mjs)").toBe(true);
    // Each module's import.meta.url is its own file's: the Wasm build, the build's table of
    // PCT's k (a probe would cost a shard ~40 ms, not its result), the worker threads' entry.
    const text = readFileSync(bundle, "utf8");
    const uses = text.split("__faultsimUrl").length - 1;
    const own = text.match(/new URL\("\.\/[\w/.-]+\.js", __faultsimUrl\)/g) ?? [];
    expect(own.length).toBeGreaterThanOrEqual(4);
    expect(uses).toBe(own.length + 1); // and the banner's definition
    expect(text).not.toMatch(/import\.meta/);
    const hunt = [
      "hunt",
      "--model",
      "linux-2.4.10-pre",
      "--keep-going",
      "--executions",
      "3000",
      "--json",
      "--out",
      path.join(root, "package.json", "sub"),
    ];
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, "dist/src/bin.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60000 });
    // A bad --out: the same one line and exit code through either entry.
    expect(bin(...hunt).stderr).toBe(faultsim(...hunt).stderr);
    const out = mkdtempSync(path.join(os.tmpdir(), "faultsim-bundle-"));
    for (const extra of [
      ["--shard", "1/2"],
      ["--workers", "2"],
    ]) {
      const args = ["hunt", "--model", "linux-2.4.16", "--keep-going", "--executions", "3000", "--json", "--out", out, ...extra];
      const a = bin(...args);
      const b = faultsim(...args);
      expect(a.status, a.stderr).toBe(0);
      const ja = JSON.parse(a.stdout),
        jb = JSON.parse(b.stdout);
      expect(ja.hash).toBe(jb.hash);
      expect(ja.pct).toEqual(jb.pct);
    }
    rmSync(out, { recursive: true, force: true });
  });

  // FAULTSIM_WASM is the user's (README: a private build to test): a file there that is no
  // model build is bad input, one line naming the variable, exit 2 (it was exit 3, "internal
  // error", until 5 Dec 2026; test/cli/bad-input.test.ts has the other cases).
  it("FAULTSIM_WASM naming a file that is no model build is bad input (exit 2, one line)", () => {
    const file = path.join(root, "package.json");
    const r = spawnSync(process.execPath, [cli, "run", ...small, "--ops", "10"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, FAULTSIM_WASM: file },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(`^faultsim: FAULTSIM_WASM=${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a WebAssembly model build \\(`),
    );
  });
});
