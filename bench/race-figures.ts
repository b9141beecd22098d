// Time to find each race of the catalogue (src/races/catalogue.ts) with its own hunt, over hunt
// seeds 1..N, one hunt per seed with a budget of CPU time (10 s): median, p95 and max of the
// CPU seconds (user + system, process.cpuUsage: a busy shared machine slows the wall clock,
// not the figure) of the hunt and of the check that its finding took the race's route
// (findings not shrunk), and how many seeds found it. A seed whose hunt ends on another
// signature or route, or runs out of budget, counts at the budget (so the p95 of a race
// missed by more than 5% of the seeds is the budget). The catalogue target (issue 13): median
// ≤ 1 s, p95 ≤ 10 s over 20 seeds on one core. The hunt runs on this thread (one core).
//
//   npm run build && node dist/bench/race-figures.js [race ...] [--seeds 20] [--budget-s 10]
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
const budgetS = opt("budget-s", 10);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : Number.NaN;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const s = (x: number) => `${x.toFixed(2)} s`;
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / 1e6;
};

/** One seed's hunt, stopped once it has used budgetS CPU seconds (huntRaceSeed's budget is
 *  CPU time): its CPU seconds, found or not. */
async function seedHunt(race: (typeof RACES)[number], sched: "pct" | "random", seed: number) {
  const c0 = process.cpuUsage();
  const r = await huntRaceSeed(race, sched, seed, budgetS * 1000);
  return { cpu: cpuSince(c0), r };
}

console.log(`race               sched  found  median    p95       max       (CPU s per seed, seeds 1-${seeds}, budget ${budgetS} s)`);
for (const race of RACES) {
  if (names.length > 0 && !names.includes(race.name)) continue;
  const sched = race.hunt.sched ?? "pct";
  const cpu: number[] = [];
  const misses: string[] = [];
  let found = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const { cpu: c, r } = await seedHunt(race, sched, seed);
    if (r.signature !== undefined && c <= budgetS) {
      found++;
      cpu.push(c);
    } else {
      cpu.push(budgetS);
      misses.push(`${seed}: ${r.miss ?? "budget"}`);
    }
  }
  console.log(
    `${race.name.padEnd(18)} ${sched.padEnd(6)} ${`${found}/${seeds}`.padStart(5)}  ${s(median(cpu)).padEnd(9)} ${s(quantile(cpu, 0.95)).padEnd(9)} ${s(Math.max(...cpu))}`,
  );
  if (misses.length > 0) console.log(`${"".padEnd(26)}missed: ${misses.join("; ")}`);
}
