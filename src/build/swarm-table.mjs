// `npm run build`'s step after tsc: the swarm layouts of each shipped model's default campaign
// (`faultsim hunt --model M --shard i/n`, every other option at its default) that hunts under
// --swarm, as this build's search loop draws them, into dist/src/explore/swarm-layouts.json
// (src/explore/swarm-table.ts): a campaign with that spec takes its layouts from it instead of
// drawing them again in every shard (issue 9).
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (m) => import(path.join(root, "dist/src", m));
const [{ buildProgram }, { huntOptions }, { huntLoopSpec }, { MODELS }, { Engine }, { HuntLoop, swarmKey }, { modelId }, t] =
  await Promise.all([
    dist("cli.js"),
    dist("commands/hunt.js"),
    dist("explore/hunt-options.js"),
    dist("model/models.js"),
    dist("wasm/engine.js"),
    dist("explore/loop.js"),
    dist("report/version.js"),
    dist("explore/swarm-table.js"),
  ]);
const id = modelId("wasm");
if (id === undefined) throw new Error("swarm-table: the Wasm build has no model id (build/faultsim.model-id.json)");
const defaults = {
  ...buildProgram()
    .commands.find((c) => c.name() === "hunt")
    .opts(),
  with: [],
  without: [],
};
const entries = [];
const names = [];
const seen = new Set();
for (const { name } of MODELS) {
  const { opts } = huntOptions({ ...defaults, model: name }, {});
  if (!opts.swarm) continue;
  const spec = huntLoopSpec(opts, 1);
  const key = swarmKey(spec);
  if (seen.has(key)) continue;
  seen.add(key);
  // A fresh engine per spec: the layouts are drawn against the config block the hunt's own
  // configure() leaves, as a campaign's first chunk draws them.
  const loop = new HuntLoop(await Engine.create("wasm", "untraced"), spec);
  entries.push(t.swarmTableEntry(id, key, loop.drawnLayouts()));
  names.push(name);
}
const file = t.SWARM_TABLE_FILE;
writeFileSync(`${file}.tmp`, JSON.stringify({ entries }, null, 1) + "\n");
renameSync(`${file}.tmp`, file);
console.log(`swarm table: ${path.relative(root, file)} (${names.join(", ") || "no swarm campaign"})`);
