// `npm run build`'s step after tsc: PCT's k of each shipped model's default campaign (`faultsim
// hunt --model M --shard i/n`, every other option at its default), as calibratePctK gives it
// on this build, into dist/src/workers/pct-k.json (src/workers/pct-k-table.ts): a campaign with
// those inputs takes k from it instead of probing (issue 9: every shard probed again).
import { defaultCampaigns, dist, wasmModelId, writeTable } from "./default-campaigns.mjs";

const [{ huntLoopSpec }, { Engine }, { calibratePctK }, t] = await Promise.all([
  dist("explore/hunt-options.js"),
  dist("wasm/engine.js"),
  dist("workers/hunt-range.js"),
  dist("workers/pct-k-table.js"),
]);
const id = await wasmModelId("pct-k-table");
const engine = await Engine.create("wasm", "untraced");
const entries = [];
const names = [];
for (const { name, opts } of await defaultCampaigns()) {
  if (opts.sched !== "pct") continue;
  const { pctK: _k, huntSeed: _s, ...params } = huntLoopSpec(opts, 1);
  const k = calibratePctK(engine, { backend: "wasm", ...params, pctK: 1, huntSeed: opts.seed });
  entries.push({ modelId: id, params, k });
  names.push(name);
}
writeTable(t.PCT_K_TABLE_FILE, entries, 2, (file) => `pct k table: ${file} (${entries.map((e, i) => `${names[i]} k=${e.k}`).join(", ")})`);
