// `npm run build`'s step after tsc: the swarm layouts of each shipped model's default campaign
// (`faultsim hunt --model M --shard i/n`, every other option at its default) that hunts under
// --swarm, as this build's search loop draws them, into dist/src/explore/swarm-layouts.bin
// (src/explore/swarm-table.ts: a JSON header and the layouts' words): a campaign with that spec takes its layouts from it instead of
// drawing them again in every shard (issue 9).
import { rmSync } from "node:fs";
import path from "node:path";
import { defaultCampaigns, dist, wasmModelId, writeWhole } from "./default-campaigns.mjs";

const [{ huntLoopSpec }, { Engine }, { HuntLoop, swarmKey }, t] = await Promise.all([
  dist("explore/hunt-options.js"),
  dist("wasm/engine.js"),
  dist("explore/loop.js"),
  dist("explore/swarm-table.js"),
]);
const id = await wasmModelId("swarm-table");
const entries = [];
const names = [];
const seen = new Set();
for (const { name, opts } of await defaultCampaigns()) {
  if (!opts.swarm) continue;
  const spec = huntLoopSpec(opts, 1);
  const key = swarmKey(spec);
  if (seen.has(key)) continue;
  seen.add(key);
  // A fresh engine per spec: the layouts are drawn against the config block the hunt's own
  // configure() leaves, as a campaign's first chunk draws them.
  const loop = new HuntLoop(await Engine.create("wasm", "untraced"), spec);
  entries.push({ modelId: id, key, layouts: loop.drawnLayouts() });
  names.push(name);
}
// The JSON table of earlier builds, which nothing reads now.
rmSync(path.join(path.dirname(t.SWARM_TABLE_FILE), "swarm-layouts.json"), { force: true });
writeWhole(t.SWARM_TABLE_FILE, t.encodeSwarmTable(entries), (file) => `swarm table: ${file} (${names.join(", ") || "no swarm campaign"})`);
