// `npm run build`'s step after tsc: PCT's k of each shipped model's default campaign (`faultsim
// hunt --model M --shard i/n`, every other option at its default), as calibratePctK gives it
// on this build, into dist/src/workers/pct-k.json (src/workers/pct-k-table.ts): a campaign with
// those inputs takes k from it instead of probing (issue 9: every shard probed again).
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (m) => import(path.join(root, "dist/src", m));
const [{ buildProgram }, { huntOptions }, { huntLoopSpec }, { MODELS }, { Engine }, { calibratePctK }, { modelId }, t] = await Promise.all([
  dist("cli.js"),
  dist("commands/hunt.js"),
  dist("explore/hunt-options.js"),
  dist("model/models.js"),
  dist("wasm/engine.js"),
  dist("workers/hunt-range.js"),
  dist("report/version.js"),
  dist("workers/pct-k-table.js"),
]);
const id = modelId("wasm");
if (id === undefined) throw new Error("pct-k-table: the Wasm build has no model id (build/faultsim.model-id.json)");
const defaults = {
  ...buildProgram()
    .commands.find((c) => c.name() === "hunt")
    .opts(),
  with: [],
  without: [],
};
const engine = await Engine.create("wasm", "untraced");
const entries = [];
const names = [];
for (const { name } of MODELS) {
  const { opts } = huntOptions({ ...defaults, model: name }, {});
  if (opts.sched !== "pct") continue;
  const { pctK: _k, huntSeed: _s, ...params } = huntLoopSpec(opts, 1);
  const k = calibratePctK(engine, { backend: "wasm", ...params, pctK: 1, huntSeed: opts.seed });
  entries.push({ modelId: id, params, k });
  names.push(name);
}
const file = t.PCT_K_TABLE_FILE;
writeFileSync(`${file}.tmp`, JSON.stringify({ entries }, null, 2) + "\n");
renameSync(`${file}.tmp`, file);
console.log(`pct k table: ${path.relative(root, file)} (${entries.map((e, i) => `${names[i]} k=${e.k}`).join(", ")})`);
