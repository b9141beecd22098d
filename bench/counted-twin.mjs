// The JS twin with counters added (bench/section-counts.mjs, switch-counts.mjs): a private copy
// of DIR's dist/jsmodel/model.js, each hook's text inserted right after the line it names,
// imported and bound to a fresh memory as Engine.js() binds the twin. The checkout's files are
// left alone; the copy runs the same model, so its state hashes are the Wasm build's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** An Engine over the counted copy. `hooks`: [text in model.js, code inserted after it]. */
export async function countedTwinEngine(dir, script, hooks) {
  let source = readFileSync(path.join(dir, "dist/jsmodel/model.js"), "utf8");
  for (const [at, add] of hooks) {
    if (!source.includes(at)) throw new Error(`${script}: dist/jsmodel/model.js has no ${JSON.stringify(at)}`);
    source = source.replace(at, at + add);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), `faultsim-${script}-`));
  let model;
  try {
    const file = path.join(tmp, "model.mjs");
    writeFileSync(file, source);
    model = (await import(pathToFileURL(file).href)).createModel();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const { Engine } = await import(pathToFileURL(path.join(dir, "dist/src/wasm/engine.js")).href);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
  model.bind_memory(memory, 1024);
  return Reflect.construct(Engine, ["js", memory, model]); // as Engine.js() builds it, from our copy
}
