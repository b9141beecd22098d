// Hunting one model build for a fixed CPU budget: `faultsim hunt --json` in a child process
// whose Wasm is the mutant's traced build (FAULTSIM_WASM, read by src/wasm/files.ts, which makes
// it serve as both the search's and the replay's build), stopped with SIGTERM once the child has used the budget in
// CPU time (read from /proc/PID/stat; where there is no /proc, the budget is wall time). A
// SIGTERM'd hunt still prints its summary (src/commands/hunt.ts), so executions are counted
// either way. The hunt stops by itself at its first finding.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../wasm/files.js";

/** The hunt every mutant gets: the model with every fix on, the mix for fixed kernels. */
export const MUTANT_HUNT_ARGS = ["--model", "linux-2.4.16-fixed", "--mix", "all"] as const;

export interface HuntOutcome {
  /** The hunt's exit code: 0 nothing found, 1 a violation, 3 the model trapped or a finding
   *  did not replay; null when it had to be killed. */
  exitCode: number | null;
  /** The first signature found (exit 1). */
  signature?: string;
  /** Which execution found it. */
  execution?: number;
  /** Executions run. */
  executions?: number;
  /** CPU the child used (ms), and wall time. */
  cpuMs: number;
  wallMs: number;
  /** The child's last stderr line when it failed (exit 3, or no JSON). */
  error?: string;
}

/** USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux architecture node runs on. */
const USER_HZ = 100;

/** CPU ms used so far by pid (user + system), or undefined without /proc. */
function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at its closing ')'.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

export interface HuntWasmOptions {
  /** The Wasm build to hunt (FAULTSIM_WASM). */
  wasm: string;
  /** CPU budget (ms). */
  budgetMs: number;
  seed: number;
  /** Where repro files go (the mutant's directory). */
  out: string;
  /** The faultsim entry point (default dist/src/bin.cjs of this checkout, the installed `faultsim`). */
  bin?: string;
}

/** Runs the hunt; resolves when the child has exited. */
export function huntWasm(o: HuntWasmOptions): Promise<HuntOutcome> {
  const bin = o.bin ?? path.join(PROJECT_ROOT, "dist/src/bin.cjs");
  const args = [bin, "hunt", ...MUTANT_HUNT_ARGS, "--seed", String(o.seed), "--json", "--out", o.out, "--shrink-ms", "200"];
  // The hunt's own budget is wall time: far past the CPU budget, as a backstop.
  args.push("--budget-ms", String(o.budgetMs * 20 + 60_000));
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, FAULTSIM_WASM: o.wasm, FAULTSIM_WASM_UNTRACED: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "",
      err = "",
      cpuMs = 0,
      stopped = false;
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const stop = (sig: NodeJS.Signals) => {
      if (!stopped || sig === "SIGKILL") child.kill(sig);
      stopped = true;
    };
    const timer = setInterval(() => {
      const wall = performance.now() - started;
      const cpu = child.pid === undefined ? undefined : cpuMsOf(child.pid);
      if (cpu !== undefined) cpuMs = cpu;
      if ((cpu ?? wall) >= o.budgetMs) stop("SIGTERM");
      // A child that ignores SIGTERM (stuck in a long synchronous stretch) is killed later.
      if (stopped && wall >= o.budgetMs * 20 + 120_000) stop("SIGKILL");
    }, 50);
    child.on("close", (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      const r: HuntOutcome = { exitCode: code, cpuMs: Math.round(cpuMs), wallMs: Math.round(wallMs) };
      try {
        const j = JSON.parse(out) as { executions?: number; findings?: { signature: string; execution: number }[] };
        r.executions = j.executions;
        const f = j.findings?.[0];
        if (f) {
          r.signature = f.signature;
          r.execution = f.execution;
        }
      } catch {
        /* no summary: the error says why */
      }
      if (code !== 0 && code !== 1) r.error = err.trim().split("\n").slice(-1)[0] || `exit ${code}`;
      resolve(r);
    });
  });
}
