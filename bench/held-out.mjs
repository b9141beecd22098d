// One row of src/explore/README.md's held-out shapes table: hunt seeds 1-10 with the API's
// hunt() (the command line's defaults, plus OPTIONS), at most 100,000 executions a seed,
// shrinking off, hunting on past other signatures (keepGoing) to the first swap-cache
// duplicate; the CPU seconds of the process to it (process.cpuUsage when onFinding sees it).
// Prints how many seeds found one, their median (the lower of the middle two when even), the
// other signatures met, and per seed the duplicate's execution and CPU seconds.
//   npm run build && node bench/held-out.mjs MODEL pct|random ['{"kswapd":false,"swarm":true}']
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const { hunt } = await import(new URL("../dist/src/index.js", import.meta.url).href);
const [model, sched, extra] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4] ?? "{}")];
if (!model || !sched) throw new Error("usage: node bench/held-out.mjs MODEL pct|random [OPTIONS-JSON]");
const out = mkdtempSync(path.join(tmpdir(), "faultsim-held-out-"));
const rows = [];
try {
  for (let seed = 1; seed <= 10; seed++) {
    const t0 = process.cpuUsage();
    const stop = new AbortController();
    let hit;
    const others = new Set();
    await hunt({
      model,
      sched,
      seed,
      executions: 100_000,
      budgetMs: 600_000,
      shrinkMs: 0,
      keepGoing: true,
      out,
      signal: stop.signal,
      ...extra,
      onFinding: (f) => {
        if (!hit && f.signature.startsWith("swapcache-unique")) {
          const u = process.cpuUsage(t0);
          hit = { execution: f.execution, cpu: (u.user + u.system) / 1e6 };
          stop.abort();
        } else others.add(f.signature.split("@")[0]);
      },
    });
    rows.push({ seed, hit, others: [...others] });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const cpus = rows.filter((r) => r.hit).map((r) => r.hit.cpu).sort((a, b) => a - b);
const others = [...new Set(rows.flatMap((r) => r.others))];
console.log(
  `${model} ${sched} ${JSON.stringify(extra)}: ${cpus.length}/10` +
    (cpus.length ? `, median ${cpus[Math.floor((cpus.length - 1) / 2)].toFixed(2)} s` : "") +
    (others.length ? ` (also finds ${others.join(", ")})` : ""),
);
console.log(rows.map((r) => `${r.seed}:${r.hit ? `${r.hit.execution} (${r.hit.cpu.toFixed(2)} s)` : "-"}`).join(" "));
