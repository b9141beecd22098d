// Time to find each race of the catalogue (src/races/catalogue.ts) with its own hunt, over hunt
// seeds 1..N, one hunt per seed with a budget (10 s of wall clock): median, p95 and max of the
// CPU time of the hunt (process.cpuUsage around it: a loaded machine slows the wall clock, not
// this; findings not shrunk), and how many seeds found it. A seed whose hunt ends on
// another signature or route, or runs out of budget, counts at the budget (so the p95 of a
// race missed by more than 5% of the seeds is the budget). The catalogue target: median ≤ 1 s,
// p95 ≤ 10 s over 20 seeds on one core. The scheduler is the race's own (catalogue.ts).
//
//   npm run build && node dist/bench/race-figures.js [race ...] [--seeds 20] [--budget-ms 10000]
// Timings are printed, never asserted.
import { RACES } from "../src/races/catalogue.js";
import { huntRaceSeed } from "../src/races/check.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const names = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--")));
const seeds = opt("seeds", 20);
const budgetMs = opt("budget-ms", 10_000);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : Number.NaN;
};
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

for (const race of RACES) {
  if (names.length > 0 && !names.includes(race.name)) continue;
  const sched = race.hunt.sched ?? "pct";
  const ms: number[] = [];
  const misses: string[] = [];
  let found = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const cpu0 = process.cpuUsage();
    const r = await huntRaceSeed(race, sched, seed, budgetMs);
    const cpu = process.cpuUsage(cpu0);
    if (r.signature !== undefined) {
      found++;
      ms.push((cpu.user + cpu.system) / 1000);
    } else {
      ms.push(budgetMs);
      misses.push(`${seed}: ${r.miss ?? "budget"}`);
    }
  }
  console.log(
    `${race.name.padEnd(18)} ${sched.padEnd(6)} found ${String(found).padStart(2)}/${seeds}  CPU median ${s(quantile(ms, 0.5))}  p95 ${s(quantile(ms, 0.95))}  max ${s(Math.max(...ms))}`,
  );
  if (misses.length > 0) console.log(`${"".padEnd(26)}missed: ${misses.join("; ")}`);
}
