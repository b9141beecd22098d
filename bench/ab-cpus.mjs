// Two or more built checkouts' bulk runs (runBulk, the untraced Wasm build) side by side in one
// process, per CPU-second, alternated as bench/ab-hunt.mjs alternates hunts:
//   node bench/ab-cpus.mjs ROUNDS OPS DIR1 DIR2 ...
// DIRn: a checkout with `npm run build` done. The cases are bench/figures.ts's: `cpus` at 1 and
// 8 simulated CPUs (everything resident; 10x OPS, their sections are cheap) and `pressure` at
// 4x. Each round runs every case on every dir in turn, the order rotated each round, after one
// warm-up each. Prints per case and dir: sections per CPU-second, the 8-CPU rate over the
// 1-CPU rate, and the state hashes seen, which must agree between dirs unless the change meant
// to alter results. On a loaded machine identical builds differ by a few percent here: use
// enough ROUNDS, or count instructions (bench/ir-hunt.sh) for small changes. Then, as
// bench/ab-hunt.mjs does, the paired medians: per case each dir's rate over DIR1's in the same
// round, and per dir the 8-CPU rate over the 1-CPU rate of the same round (a shared machine's
// drift between rounds moves these less than the sums). AB_CPUS_CHECK=0 leaves the host's deep
// check out (it runs every 1M steps otherwise, 7-8 ms a check at 1 and at 8 CPUs alike: ~30% of
// the 1-CPU case's time, which narrows the 8-CPU/1-CPU ratio the steps alone show).
import { CASES, bulkRunner } from "./bulk-cases.mjs";

const [rounds, ops, ...dirs] = process.argv.slice(2);
if (!rounds || !ops || dirs.length === 0) {
  console.error("usage: node bench/ab-cpus.mjs ROUNDS OPS DIR1 [DIR2 ...]");
  process.exit(2);
}
const cases = [CASES.c1, CASES.c8, CASES.p4];

const checking = process.env.AB_CPUS_CHECK !== "0";
const runners = [];
for (const d of dirs) {
  const runCase = await bulkRunner(d, checking);
  runners.push({ d, run: (c) => runCase(c, +ops * c.scale) });
}
const cpu = cases.map(() => dirs.map(() => 0));
const perRound = cases.map(() => dirs.map(() => []));
const steps = cases.map(() => dirs.map(() => 0));
const hashes = cases.map(() => dirs.map(() => new Set()));
for (const r of runners) for (const c of cases) await r.run(c); // warm-up
for (let k = 0; k < +rounds; k++) {
  for (let ci = 0; ci < cases.length; ci++) {
    for (let j = 0; j < dirs.length; j++) {
      const i = (j + k) % dirs.length;
      const c0 = process.cpuUsage();
      const res = await runners[i].run(cases[ci]);
      const c = process.cpuUsage(c0);
      cpu[ci][i] += (c.user + c.system) / 1e6;
      perRound[ci][i].push(res.steps / ((c.user + c.system) / 1e6));
      steps[ci][i] += res.steps;
      hashes[ci][i].add(res.stateHash);
    }
  }
}
const rate = (ci, i) => steps[ci][i] / cpu[ci][i];
for (let ci = 0; ci < cases.length; ci++)
  for (let i = 0; i < dirs.length; i++)
    console.log(
      `${cases[ci].name.padEnd(12)} ${dirs[i].split("/").pop()}: ${(rate(ci, i) / 1e6).toFixed(2)}M sections/CPU-s, CPU ${cpu[ci][i].toFixed(2)} s, ${[...hashes[ci][i]].join(" | ")}`,
    );
for (let i = 0; i < dirs.length; i++)
  console.log(`8 CPUs / 1 CPU ${dirs[i].split("/").pop()}: ${((100 * rate(1, i)) / rate(0, i)).toFixed(1)}%`);
const median = (xs) => {
  const b = [...xs].sort((x, y) => x - y);
  const n = b.length;
  return n % 2 ? b[(n - 1) / 2] : (b[n / 2 - 1] + b[n / 2]) / 2;
};
const paired = (xs, ys) => median(xs.map((x, k) => x / ys[k]));
for (let ci = 0; ci < cases.length; ci++)
  for (let i = 1; i < dirs.length; i++)
    console.log(`${cases[ci].name.padEnd(12)} ${dirs[i].split("/").pop()} / ${dirs[0].split("/").pop()}: paired median ${paired(perRound[ci][i], perRound[ci][0]).toFixed(3)}`);
for (let i = 0; i < dirs.length; i++)
  console.log(`8 CPUs / 1 CPU ${dirs[i].split("/").pop()}: paired median ${(100 * paired(perRound[1][i], perRound[0][i])).toFixed(1)}%`);
