// The hunt's figures, measured the way a user meets them (hunt(), the CLI's code path):
//   first     time to the first swap-cache duplicate on linux-2.4.10-pre, and to the first
//             one by the 14 Sep route on linux-2.4.0, hunt seeds 1..N (20), PCT (the default)
//             and the random walk: median, p95, max of the hunting CPU time (replaying and
//             shrinking the finding are not part of it), and the routes the findings took
//   rate      executions/s of the default hunt on linux-2.4.16 (nothing to find)
//   depths    PCT's observed duplicates per execution beside its bound 1/(orders·k^(d-1)),
//             depth 1..5, one hunt seed, a fixed number of executions, keep-going
//
//   npm run build && node dist/bench/hunt-figures.js [first|rate|depths] [--seeds 20]
//     [--sched pct|random] [--model linux-2.4.10-pre|linux-2.4.0]   (first: one of each only)
//   node dist/bench/hunt-figures.js hits [--model M] [--sched S] [--executions N] [--seed N]
//     [--ops N] [--cpus N] [--frames N] [--pages N] [--slots N] [--threads 0|1] [--write-ratio R]
//     [--page-cluster N] [--mms N]
// Timings are printed, never asserted.
import { hunt, HUNT_DEFAULTS } from "../src/explore/hunt.js";
import type { HuntOptions } from "../src/explore/hunt-options.js";
import { huntMachineFor } from "../src/explore/machine.js";
import { huntOpsPerCpu, huntThreads } from "../src/explore/defaults.js";
import { resolveModel } from "../src/model/models.js";
import { fmtPctBound } from "../src/explore/pct.js";
import { routeOfRepro } from "../src/explore/route.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const str = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sections = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const want = (s: string) => sections.length === 0 || sections.includes(s);

const base = (model: string, sched: "pct" | "random" = "pct"): HuntOptions => ({
  ...HUNT_DEFAULTS,
  model: resolveModel(model),
  // The model's own hunt machine (src/explore/defaults.ts), as `faultsim hunt --model` runs it.
  // --cpus, --frames, --pages, --slots, --threads 0|1, --mms, --page-cluster, --write-ratio
  // try another shape.
  machine: {
    ...huntMachineFor(model, sched),
    ...(str("cpus") !== undefined && { cpus: opt("cpus", 3) }),
    ...(str("frames") !== undefined && { frames: opt("frames", 6) }),
    ...(str("pages") !== undefined && { pagesPerMm: opt("pages", 4) }),
    ...(str("slots") !== undefined && { slotsPerArea: opt("slots", 9) }),
    ...(str("page-cluster") !== undefined && { pageCluster: opt("page-cluster", 1) }),
    ...(str("threads") !== undefined && { mms: opt("threads", 1) ? 1 : opt("cpus", 3) }),
    ...(str("mms") !== undefined && { mms: opt("mms", 1) }),
  },
  shareMm: str("threads") !== undefined ? opt("threads", 1) === 1 : huntThreads(model),
  writeRatio: opt("write-ratio", HUNT_DEFAULTS.writeRatio),
  // No shrinking at all (0 would still try candidates until the clock ticks, and a cut shrink
  // can leave a repro whose route is named differently from run to run).
  shrinkMs: -1,
});
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/** The swap-cache duplicate's signature. */
const DUPLICATE = "swapcache-unique@add_to_swap_cache";

/** Time to the first swap-cache duplicate on one model, over hunt seeds 1..seeds, PCT and
 *  random; with `route`, only a first finding by that seed-mail route counts as found (the
 *  others are reported beside it). Hunting time in CPU ms of this process (the hunt runs in
 *  it), which a busy machine does not inflate the way it inflates wall time. */
async function first(seeds: number, model = "linux-2.4.10-pre", route?: string): Promise<void> {
  const only = str("sched");
  for (const sched of ["pct", "random"] as const) {
    if (only !== undefined && only !== sched) continue;
    // Warm up first (module compile, JIT, the engine's first layout), on a seed not measured:
    // otherwise seed 1 pays for it, and a p95 of 20 seeds is their maximum.
    await hunt({
      ...base(model, sched),
      sched,
      opsPerCpu: opt("ops", huntOpsPerCpu(model, sched)),
      seed: 1000,
      executions: 20_000,
      keepGoing: true,
    });
    const ms: number[] = [];
    const execs: number[] = [];
    const routes = new Map<string, number>();
    let missed = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const cpu0 = process.cpuUsage();
      // Hunts on past other signatures (whose replay and shrink the CPU share below leaves
      // out) and stops at the first duplicate: a seed that meets another bug first still
      // counts its duplicate, not a miss.
      const stop = new AbortController();
      const r = await hunt({
        ...base(model, sched),
        sched,
        opsPerCpu: opt("ops", huntOpsPerCpu(model, sched)),
        seed,
        budgetMs: opt("budget", 10_000),
        executions: 3_000_000,
        keepGoing: true,
        signal: stop.signal,
        onFinding: (x) => {
          if (x.signature === DUPLICATE) stop.abort();
        },
      });
      const cpu = process.cpuUsage(cpu0);
      const f = r.findings.find((x) => x.signature === DUPLICATE);
      if (!f) {
        missed++;
        continue;
      }
      const found = (await routeOfRepro(f.repro)).route?.route ?? "unknown";
      routes.set(found, (routes.get(found) ?? 0) + 1);
      if (route !== undefined && found !== route) {
        missed++;
        continue;
      }
      // The hunt's share of this process's CPU time (replay and shrink excluded by wall ratio).
      ms.push(((cpu.user + cpu.system) / 1000) * (r.huntingMs / Math.max(r.elapsedMs, 1e-9)));
      execs.push(f.execution);
    }
    const rs = [...routes].map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(
      `first duplicate${route ? ` by the ${route} route` : ""}, ${model}, ${sched}${sched === "pct" ? ` depth ${HUNT_DEFAULTS.depth}` : ""}, ${seeds} seeds` +
        `${missed ? `, ${missed} not found in ${opt("budget", 10_000) / 1000} s / 3M executions` : ""}: CPU ms median ${quantile(ms, 0.5).toFixed(1)} p95 ${quantile(ms, 0.95).toFixed(1)}` +
        ` max ${Math.max(...ms).toFixed(1)}; executions median ${quantile(execs, 0.5)} p95 ${quantile(execs, 0.95)}; routes: ${rs || "none"}`,
    );
  }
}

/** Swap-cache duplicates per CPU-second and per execution on one model: one keep-going hunt
 *  of a fixed number of executions (a steadier estimate than the first finding's time when
 *  comparing schedulers; on linux-2.4.0 every duplicate seen so far took the 14 Sep route). */
async function hits(model: string, sched: "pct" | "random", executions: number): Promise<void> {
  const cpu0 = process.cpuUsage();
  const r = await hunt({
    ...base(model, sched),
    sched,
    opsPerCpu: opt("ops", huntOpsPerCpu(model, sched)),
    seed: opt("seed", 1),
    budgetMs: Number.POSITIVE_INFINITY,
    executions,
    keepGoing: true,
  });
  const cpu = process.cpuUsage(cpu0);
  const s = ((cpu.user + cpu.system) / 1e6) * (r.huntingMs / Math.max(r.elapsedMs, 1e-9));
  const n = r.hits[DUPLICATE] ?? 0;
  console.log(
    `${model}, ${sched}: ${n} duplicates in ${r.executions} executions (${(n / r.executions).toExponential(2)} per execution), ` +
      `${(r.executions / s).toFixed(0)} executions per CPU-second, ${(n / s).toFixed(1)} duplicates per CPU-second`,
  );
}

async function rate(): Promise<void> {
  const r = await hunt({ ...base("linux-2.4.16"), seed: 1, budgetMs: 3000 });
  console.log(
    `linux-2.4.16, default hunt (${HUNT_DEFAULTS.sched} depth ${HUNT_DEFAULTS.depth}): ` +
      `${Math.round(r.executionsPerSec)} executions/s, ${(r.steps / r.executions).toFixed(0)} steps/execution, ` +
      `${(r.stepsPerSec / 1e6).toFixed(1)}M steps/s, ${r.findings.length} findings`,
  );
}

async function depths(executions: number): Promise<void> {
  for (const depth of [1, 2, 3, 4, 5]) {
    // Consecutive hunt seeds, each hunting until its first finding: hits over executions
    // estimates the per-execution rate (each hunt restarts PCT's k from its first guess).
    let hits = 0;
    let done = 0;
    let bound = "";
    for (let seed = 1; done < executions; seed++) {
      const r = await hunt({
        ...base("linux-2.4.10-pre"),
        sched: "pct",
        depth,
        seed,
        executions: executions - done,
        budgetMs: Number.POSITIVE_INFINITY,
      });
      done += r.executions;
      if (r.findings.some((f) => f.signature === DUPLICATE)) hits++;
      if (r.pct) bound = fmtPctBound(r.pct);
    }
    console.log(
      `pct depth ${depth}: ${hits} duplicates in ${done} executions = ${(hits / done).toExponential(2)} per execution; bound ${bound}`,
    );
  }
}

if (want("first")) {
  const model = str("model");
  if (model === undefined || model === "linux-2.4.10-pre") await first(opt("seeds", 20), "linux-2.4.10-pre");
  if (model === undefined || model === "linux-2.4.0") await first(opt("seeds", 20), "linux-2.4.0", "14 Sep");
}
if (sections.includes("hits")) {
  const sched = str("sched") === "pct" ? "pct" : "random";
  await hits(str("model") ?? "linux-2.4.0", sched, opt("executions", 200_000));
}
if (want("rate")) await rate();
if (want("depths")) await depths(opt("executions", 300_000));
