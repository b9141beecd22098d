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

/**
 * The distribution-free 95% confidence interval of the median over the seeds: the order
 * statistics x(j) and x(n+1-j) (1-based) with j the largest for which P(Bin(n, 1/2) < j) is
 * at most 2.5%, so the median over all seeds (of the distribution the seeds sample) lies
 * between them with at least 95% probability whatever that distribution is (20 seeds: the 6th
 * and 15th, 95.9%; 100 seeds: the 40th and 61st). A median over 20 seeds moves a lot from one
 * set of seeds to another: this says how much. Undefined below 6 seeds.
 */
export function medianInterval(xs: readonly number[]): [number, number] | undefined {
  const n = xs.length;
  let below = 0; // P(Bin(n, 1/2) < j), summed as j grows
  let term = 0.5 ** n; // P(Bin(n, 1/2) = j - 1)
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (below + term > 0.025) break;
    below += term;
    term = (term * (n - i)) / (i + 1);
    j = i + 1;
  }
  if (j < 1) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return [s[j - 1], s[n - j]];
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
