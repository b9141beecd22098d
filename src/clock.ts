// Milliseconds of wall time for the host's own timings (a run's or a hunt's elapsed time, its
// budget): process.hrtime, monotonic as performance.now() is. The global `performance` loads
// node:perf_hooks (and its timing classes) at its first use, ~1-2 ms of CPU in every process
// that reads it, which `run` and `hunt` did only for this (issue 12, cold start).
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
