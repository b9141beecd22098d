// PCT's k of the shipped models' default campaigns, computed once by `npm run build`
// (src/build/pct-k-table.mjs runs calibratePctK on each) into pct-k.json beside the built
// module. A campaign, a shard of one, fixes k by that probe before its first execution: 4,000
// PCT executions, 40 ms or so of CPU that every shard of a campaign paid again (issue 9). The
// probe is a function of its inputs alone (the model build, the machine, the model's flags,
// the depth, the workload and the swarm; its own hunt seed), so a campaign whose inputs are in
// the table takes the k the probe would give, and any other runs the probe. The same k
// either way: shards, workers and one process run the same schedules.
//
// The table is read only beside the built module (dist/src/workers), where the build wrote
// it from that same build; sources run by the tests find none and probe. A private model build
// (FAULTSIM_WASM, FAULTSIM_WASM_UNTRACED) has its own schedules: it probes.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { modelId } from "../report/version.js";
import type { HuntParams } from "./protocol.js";

/** One probe: its inputs (a campaign's hunt params, k and seed aside) and the k it gave. */
export interface PctKEntry {
  modelId: string;
  params: Omit<HuntParams, "pctK" | "huntSeed" | "backend">;
  k: number;
}

/** pct-k.json: the probes `npm run build` ran. */
export interface PctKTable {
  entries: PctKEntry[];
}

/** Where the build writes the table: beside this module once built. */
export const PCT_K_TABLE_FILE = fileURLToPath(new URL("./pct-k.json", import.meta.url));

/** The probe's inputs in params: what calibratePctK's result depends on, as one string. */
export function probeKey(id: string, p: PctKEntry["params"]): string {
  // Word 1 only when set: the keys of shipped models are as they were.
  const flags = p.flags2 ? [p.flags, p.flags2] : p.flags;
  return JSON.stringify([id, p.machine, flags, p.sched, p.depth, p.workload, p.swarm ?? null]);
}

let table: Map<string, number> | undefined;

function loadTable(): Map<string, number> {
  const m = new Map<string, number>();
  try {
    const t = JSON.parse(readFileSync(PCT_K_TABLE_FILE, "utf8")) as PctKTable;
    for (const e of t.entries) m.set(probeKey(e.modelId, e.params), e.k);
  } catch {
    /* no table (sources, or a build without one): every campaign probes */
  }
  return m;
}

/** The k calibratePctK gives for params, when the build computed it; else undefined. */
export function tabledPctK(p: HuntParams, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (p.sched !== "pct" || env.FAULTSIM_WASM || env.FAULTSIM_WASM_UNTRACED) return undefined;
  const id = modelId("wasm");
  if (id === undefined) return undefined;
  table ??= loadTable();
  return table.get(probeKey(id, p));
}
