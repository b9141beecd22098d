// CPU-time measuring for bench/: every figure of issue 12 is per CPU-second (process time,
// user + system), so a busy shared machine slows the wall clock but not the figure.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** CPU seconds this process spent in fn (user + system; awaits a promise). */
export async function cpuSeconds<T>(fn: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  const before = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(before);
  return { seconds: (used.user + used.system) / 1e6, value };
}

/** The median of a list of numbers (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Clock ticks per second of /proc's counters (USER_HZ: 100 on every Linux build Node runs on). */
const USER_HZ = 100;

/** CPU seconds of this process's waited-for children (Linux: cutime + cstime of
 *  /proc/self/stat, in 1/100 s); undefined elsewhere. */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces) start at state, field 3.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[16 - 3]) + Number(f[17 - 3])) / USER_HZ;
  } catch {
    return undefined;
  }
}

export interface ChildRun {
  /** CPU seconds of the child (user + system), or its wall seconds where /proc is absent. */
  cpuSeconds: number;
  wallSeconds: number;
  status: number | null;
}

/** Runs a command to its end and measures it. The children's CPU counters tick in 1/100 s:
 *  measure several runs and take the median (or the sum) for a figure. */
export function runChild(cmd: string, args: readonly string[]): ChildRun {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "ignore"] });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  const c1 = childrenCpu();
  const cpu = c0 === undefined || c1 === undefined ? wallSeconds : c1 - c0;
  return { cpuSeconds: cpu, wallSeconds, status: r.status };
}
