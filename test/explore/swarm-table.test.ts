// The build's table of swarm layouts (src/explore/swarm-table.ts, written by `npm run build`
// into dist/src/explore/swarm-layouts.bin): each entry holds the layouts this build's search
// loop draws for its spec, and the default campaign of every shipped model that hunts under
// --swarm finds its layouts there, so a shard of one draws none.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/wasm/files.js";
import { Engine } from "../../src/wasm/engine.js";
import { HuntLoop, swarmKey } from "../../src/explore/loop.js";
import { decodeSwarmTable, encodeSwarmTable, tabledSwarmLayouts, type SwarmTableEntry } from "../../src/explore/swarm-table.js";
import { defaultHuntOptions } from "../helpers/default-campaign.js";
import { huntLoopSpec } from "../../src/explore/hunt-options.js";
import { MODELS } from "../../src/model/models.js";
import { modelId } from "../../src/report/version.js";

const built = (): SwarmTableEntry[] => decodeSwarmTable(readFileSync(path.join(PROJECT_ROOT, "dist/src/explore/swarm-layouts.bin")));

/** The search loop's spec of `faultsim hunt --model M` (every other option at its default). */
function defaultSpec(model: string) {
  const opts = defaultHuntOptions(model);
  return opts.swarm ? huntLoopSpec(opts, 1) : undefined;
}

describe("the build's table of swarm layouts", () => {
  it("has the default campaign of every shipped model that hunts under --swarm, as this build draws it", async () => {
    const t = built();
    const byKey = new Map(t.map((e) => [e.key, e]));
    let swarms = 0;
    for (const { name } of MODELS) {
      const spec = defaultSpec(name);
      if (!spec) continue;
      swarms++;
      const entry = byKey.get(swarmKey(spec));
      expect(entry, name).toBeDefined();
      expect(entry!.modelId).toBe(modelId("wasm"));
      const drawn = new HuntLoop(await Engine.create("wasm", "untraced"), spec).drawnLayouts();
      expect(entry!.layouts, name).toEqual(drawn);
      expect(drawn.keys.length).toBe(2304);
    }
    expect(swarms).toBeGreaterThan(0);
    expect(t.length).toBe(swarms);
    // The file as the build wrote it is what its entries encode to.
    expect(encodeSwarmTable(t).equals(readFileSync(path.join(PROJECT_ROOT, "dist/src/explore/swarm-layouts.bin")))).toBe(true);
  });

  it("is read only beside the built module: from the sources, and with a private model build, layouts are drawn", () => {
    const spec = defaultSpec("linux-2.4.16")!;
    expect(tabledSwarmLayouts(swarmKey(spec))).toBeUndefined();
    expect(tabledSwarmLayouts(swarmKey(spec), { FAULTSIM_WASM: "x.wasm" })).toBeUndefined();
  });
});
