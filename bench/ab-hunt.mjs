// Two or more built checkouts' hunt() side by side in one process, per CPU-second (the way
// this project quotes a speed-up: alternated, so a shared machine's load falls on both):
//   node bench/ab-hunt.mjs ROUNDS EXECS "HUNT ARGS" DIR1 DIR2 ...
// DIRn: a checkout with `npm run build` done (e.g. a `git worktree` of the base commit).
// HUNT ARGS as on the command line ("--model linux-2.4.16 --seed 1"); each round runs EXECS
// executions (--executions, --keep-going, --shrink-ms 0) on every dir in turn, the order
// rotated each round, after one warm-up hunt each. Prints per dir: executions and sections
// (steps) per CPU-second, steps per execution, and the campaign hashes and findings seen,
// which must agree between dirs unless the change meant to alter results; then, for each dir
// after the first, its rate over the first's in each round and their median (the paired
// median, which a shared machine's drift between rounds moves less than the sums).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { huntOptionsOf } from "./hunt-opts.mjs";

const [rounds, execs, args, ...dirs] = process.argv.slice(2);
if (!rounds || !execs || args === undefined || dirs.length === 0) {
  console.error('usage: node bench/ab-hunt.mjs ROUNDS EXECS "HUNT ARGS" DIR1 [DIR2 ...]');
  process.exit(2);
}
const load = (d, f) => import(pathToFileURL(path.resolve(d, f)).href);
const runners = [];
for (const d of dirs) {
  const { hunt } = await load(d, "dist/src/explore/hunt.js");
  const opts = await huntOptionsOf(d, [...args.split(/\s+/).filter(Boolean), "--executions", execs, "--budget-ms", "100000000", "--keep-going", "--shrink-ms", "0"]);
  runners.push({ d, opts, hunt });
}
const perRound = dirs.map(() => []);
const cpu = dirs.map(() => 0), ex = dirs.map(() => 0), st = dirs.map(() => 0), hashes = dirs.map(() => new Set());
for (const r of runners) await r.hunt({ ...r.opts, executions: Math.min(+execs, 20000) }); // warm-up
for (let k = 0; k < +rounds; k++) {
  for (let j = 0; j < dirs.length; j++) {
    const i = (j + k) % dirs.length, r = runners[i];
    const c0 = process.cpuUsage();
    const res = await r.hunt(r.opts);
    const c = process.cpuUsage(c0);
    perRound[i].push(res.executions / (c.user + c.system));
    cpu[i] += (c.user + c.system) / 1e6; ex[i] += res.executions; st[i] += res.steps;
    hashes[i].add(`${res.hash} ${res.findings.map((f) => f.signature + "@" + f.execution).join(",")}`);
  }
}
for (let i = 0; i < dirs.length; i++)
  console.log(`${dirs[i].split("/").pop()}: ${(ex[i] / cpu[i] / 1000).toFixed(1)}K exec/CPU-s, ${(st[i] / cpu[i] / 1e6).toFixed(1)}M steps/CPU-s, ${(st[i] / ex[i]).toFixed(1)} steps/exec, CPU ${cpu[i].toFixed(2)} s, ${[...hashes[i]].join(" | ")}`);
for (let i = 1; i < dirs.length; i++) {
  const r = perRound[i].map((x, k) => x / perRound[0][k]).sort((a, b) => a - b);
  const m = r.length >> 1, median = r.length % 2 ? r[m] : (r[m - 1] + r[m]) / 2;
  console.log(`${dirs[i].split("/").pop()} / ${dirs[0].split("/").pop()}: paired median ${median.toFixed(4)} (rounds ${r.map((x) => x.toFixed(3)).join(" ")})`);
}
