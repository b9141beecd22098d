// The built command line (dist/src/cli.js) in a child process, for the full-tier tests whose
// point is the process itself: signals, SIGKILL at chosen moments, exit codes and what is on
// disk afterwards (test/explore/durable.full.test.ts, resume.full.test.ts). Registers, for the
// calling file, a build of dist/ if there is none and a fresh temporary directory per test.
import { beforeAll, beforeEach, afterEach } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The built command line the children run. */
export const builtCli = path.join(root, "dist/src/cli.js");

/** A child running the built command line; its output collected as it comes. */
export interface Child {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Settles when the child has exited and its output is closed. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Registers the build (once, if dist/ has none) and a temporary directory per test, removed
 *  after it; returns the functions that start children in that directory. */
export function spawnedCli(prefix: string) {
  beforeAll(() => {
    if (!existsSync(builtCli)) {
      const r = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`tsc failed: ${r.stdout}${r.stderr}`);
    }
  }, 120_000);
  const state = { dir: "" };
  beforeEach(() => {
    state.dir = mkdtempSync(path.join(tmpdir(), `faultsim-${prefix}-`));
  });
  afterEach(() => {
    rmSync(state.dir, { recursive: true, force: true });
  });

  /** `faultsim ARGS...` started in the test's directory. */
  function start(...args: string[]): Child {
    const child = spawn(process.execPath, [builtCli, ...args], { cwd: state.dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "",
      err = "";
    child.stdout!.on("data", (b) => {
      out += b;
    });
    child.stderr!.on("data", (b) => {
      err += b;
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    return { child, stdout: () => out, stderr: () => err, exit };
  }

  /** `faultsim ARGS...` to its end; SIGKILLed as soon as `killWhen(ms since start)` says so
   *  (asked every 5 ms). */
  async function runKilled(
    args: string[],
    killWhen?: (ms: number) => boolean,
  ): Promise<{ code: number | null; killed: boolean; stdout: string }> {
    const c = start(...args);
    const t0 = Date.now();
    let killed = false;
    const timer = killWhen
      ? setInterval(() => {
          if (!killed && killWhen(Date.now() - t0)) {
            killed = true;
            c.child.kill("SIGKILL");
          }
        }, 5)
      : undefined;
    const { code } = await c.exit;
    clearInterval(timer);
    return { code, killed, stdout: c.stdout() };
  }

  /** `faultsim ARGS...` to its end, synchronously. */
  const runSync = (...args: string[]) =>
    spawnSync(process.execPath, [builtCli, ...args], { cwd: state.dir, encoding: "utf8", timeout: 60_000 });

  return {
    /** The current test's temporary directory (the children's working directory). */
    dir: () => state.dir,
    start,
    runKilled,
    runSync,
  };
}
