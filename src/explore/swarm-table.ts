// The swarm layouts of the shipped models' default campaigns, computed once by `npm run build`
// (src/build/swarm-table.mjs) into swarm-layouts.json beside the built module. A swarm hunt's
// loop (loop.ts) lays out each of its 2,304 shapes' config words at its first use, all at
// once after the 64th: ~45 ms of CPU in code that runs once, which every shard of a
// linux-2.4.16 campaign paid again (issue 9). The layouts are a function of the hunt's spec
// alone (its machine, flags, scheduler, depth, workload and swarm; not its seed, k or
// stats: loop.ts swarmKey) on a build, so a campaign whose spec is in the table takes its
// layouts from there; any other draws them. The same config words either way.
//
// As the table of PCT's k (src/workers/pct-k-table.ts): read only beside the built module,
// where the build wrote it from that same build; sources run by the tests find none and
// draw; a private model build (FAULTSIM_WASM, FAULTSIM_WASM_UNTRACED) draws.
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { fileURLToPath } from "node:url";
import { modelId } from "../report/version.js";

/** A swarm's layouts as loop.ts keeps them: the layout keys drawn, each key's words in that
 *  order (loop.ts LAYOUT_WORDS each), and every mix's words (loop.ts MIX_WORDS each). */
export interface SwarmLayouts {
  keys: Int32Array;
  words: Int32Array;
  mixWords: Int32Array;
}

/** One spec's layouts in swarm-layouts.json: the arrays as base64 of their little-endian bytes. */
export interface SwarmTableEntry {
  modelId: string;
  /** loop.ts swarmKey of the spec. */
  key: string;
  keys: string;
  words: string;
  mixWords: string;
}

export interface SwarmTable {
  entries: SwarmTableEntry[];
}

/** Where the build writes the table: beside this module once built. */
export const SWARM_TABLE_FILE = fileURLToPath(new URL("./swarm-layouts.json", import.meta.url));

const encode = (a: Int32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const decode = (s: string): Int32Array => new Int32Array(new Uint8Array(Buffer.from(s, "base64")).buffer);

/** The table entry of layouts drawn on this build. */
export function swarmTableEntry(id: string, key: string, l: SwarmLayouts): SwarmTableEntry {
  return { modelId: id, key, keys: encode(l.keys), words: encode(l.words), mixWords: encode(l.mixWords) };
}

let table: Map<string, SwarmTableEntry> | undefined;

function loadTable(): Map<string, SwarmTableEntry> {
  const m = new Map<string, SwarmTableEntry>();
  // The words are stored little-endian: a big-endian host draws its own.
  if (endianness() !== "LE") return m;
  try {
    const t = JSON.parse(readFileSync(SWARM_TABLE_FILE, "utf8")) as SwarmTable;
    for (const e of t.entries) m.set(JSON.stringify([e.modelId, e.key]), e);
  } catch {
    /* no table (sources, or a build without one): every swarm draws its layouts */
  }
  return m;
}

/** The layouts of the swarm hunt of spec key `key` on the Wasm build, when the build drew
 *  them; else undefined. */
export function tabledSwarmLayouts(key: string, env: NodeJS.ProcessEnv = process.env): SwarmLayouts | undefined {
  if (env.FAULTSIM_WASM || env.FAULTSIM_WASM_UNTRACED) return undefined;
  const id = modelId("wasm");
  if (id === undefined) return undefined;
  table ??= loadTable();
  const e = table.get(JSON.stringify([id, key]));
  return e && { keys: decode(e.keys), words: decode(e.words), mixWords: decode(e.mixWords) };
}
