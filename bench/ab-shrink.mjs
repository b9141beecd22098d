// The default hunt's shrink, CPU time of the shrink() call alone, in fresh processes as a
// cold `faultsim hunt` runs it (the model warmed by the hunt before it), alternated between
// built checkouts:
//   node bench/ab-shrink.mjs ROUNDS DIR1 DIR2 ...
// The finding is drawn once, unshrunk (shrinkMs 0), with DIR1. Each round runs one child per
// dir (the order rotated): it hunts unshrunk as the hunt would, then shrinks the finding on
// the untraced build and prints the shrink's CPU ms (process.cpuUsage: every thread's, V8's
// background compilers too, about half of it) and wall ms, and a hash of the
// result (ops, schedule, candidates tried and kept), which must agree between dirs. Prints
// per dir the medians, and the result hashes seen.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const load = (d, f) => import(pathToFileURL(path.resolve(d, f)).href);
const [mode, ...rest] = process.argv.slice(2);
if (mode === "--child") {
  const [d, file] = rest;
  const api = await load(d, "dist/src/index.js");
  await api.hunt({ shrinkMs: 0 });
  const repro = JSON.parse(readFileSync(file, "utf8"));
  const { shrink } = await load(d, "dist/src/explore/shrink.js");
  const { Replayer } = await load(d, "dist/src/explore/execute.js");
  const { reproFlagWords } = await load(d, "dist/src/model/flag-words.js");
  const { decodeSchedule } = await load(d, "dist/src/report/repro.js");
  const rep = await Replayer.create(repro.machine, reproFlagWords(repro), "wasm", "untraced");
  const x = { machine: repro.machine, ops: repro.ops, seed: repro.seed, schedule: Uint8Array.from(decodeSchedule(repro.schedule)) };
  const verdict = rep.run(x, { repair: false }).verdict;
  const w0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = await shrink(rep, x, verdict, { budgetMs: 5000 });
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - w0) / 1e6;
  const res = JSON.stringify({ ops: r.ops, s: Array.from(r.schedule), tried: r.tried, kept: r.kept, m: r.machine });
  console.log(((c.user + c.system) / 1000).toFixed(1), wall.toFixed(1), createHash("sha1").update(res).digest("hex").slice(0, 10));
} else {
  const rounds = Number(mode);
  const dirs = rest;
  if (!(rounds > 0) || dirs.length === 0) {
    console.error("usage: node bench/ab-shrink.mjs ROUNDS DIR1 [DIR2 ...]");
    process.exit(2);
  }
  const out = mkdtempSync(path.join(tmpdir(), "ab-shrink-"));
  await (await load(dirs[0], "dist/src/index.js")).hunt({ shrinkMs: 0, out });
  const file = path.join(out, readdirSync(out).find((f) => f.endsWith(".json")));
  const ms = dirs.map(() => []);
  const walls = dirs.map(() => []);
  const hashes = dirs.map(() => new Set());
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < dirs.length; k++) {
      const i = (k + r) % dirs.length;
      const [t, w, h] = execFileSync(process.execPath, [process.argv[1], "--child", dirs[i], file], { encoding: "utf8" }).trim().split(" ");
      ms[i].push(Number(t));
      walls[i].push(Number(w));
      hashes[i].add(h);
    }
  }
  rmSync(out, { recursive: true });
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  dirs.forEach((d, i) => console.log(`${d}: shrink ${median(ms[i]).toFixed(1)} CPU ms, ${median(walls[i]).toFixed(1)} ms wall (medians of ${ms[i].length}), results ${[...hashes[i]].join(" ")}`));
}
