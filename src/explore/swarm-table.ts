// The swarm layouts of the shipped models' default campaigns, computed once by `npm run build`
// (src/build/swarm-table.mjs) into swarm-layouts.bin beside the built module. A swarm hunt's
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
import { fileURLToPath } from "node:url";
import { modelId } from "../report/version.js";

/** A swarm's layouts as loop.ts keeps them: the layout keys drawn, each key's words in that
 *  order (loop.ts LAYOUT_WORDS each), and every mix's words (loop.ts MIX_WORDS each). */
export interface SwarmLayouts {
  keys: Int32Array;
  words: Int32Array;
  mixWords: Int32Array;
}

/** One spec's layouts in the table. */
export interface SwarmTableEntry {
  modelId: string;
  /** loop.ts swarmKey of the spec. */
  key: string;
  layouts: SwarmLayouts;
}

/** Where the build writes the table: beside this module once built. */
export const SWARM_TABLE_FILE = fileURLToPath(new URL("./swarm-layouts.bin", import.meta.url));

const ARRAYS = ["keys", "words", "mixWords"] as const;

// The file: a 32-bit little-endian length, a JSON header of that many bytes (each entry's
// modelId, key and its arrays' lengths), zero bytes up to a multiple of 4, then each entry's
// arrays in turn as little-endian 32-bit words. Not JSON with base64 (as it was): parsing the
// 0.5 MB of text and decoding it cost every linux-2.4.16 shard ~9 ms of CPU; this is a read
// and a copy of the one entry used.
interface Header {
  entries: { modelId: string; key: string; lengths: number[] }[];
}

/** The table's bytes (the build writes them; a little-endian host, as loadTable reads). */
export function encodeSwarmTable(entries: SwarmTableEntry[]): Buffer {
  const header: Header = {
    entries: entries.map((e) => ({ modelId: e.modelId, key: e.key, lengths: ARRAYS.map((a) => e.layouts[a].length) })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = Buffer.alloc(4 + json.length + ((4 - (json.length % 4)) % 4));
  start.writeUInt32LE(json.length);
  json.copy(start, 4);
  const arrays = entries.flatMap((e) => ARRAYS.map((a) => e.layouts[a]));
  return Buffer.concat([start, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
}

/** An entry of the table's bytes: its spec, and where its arrays start (bytes) and their lengths. */
interface Placed {
  modelId: string;
  key: string;
  at: number;
  lengths: number[];
}

/** The entries of the table's bytes `b`, placed: the header read, no array copied. */
function placeSwarmTable(b: Buffer): Placed[] {
  const n = b.readUInt32LE(0);
  const header = JSON.parse(b.toString("utf8", 4, 4 + n)) as Header;
  let at = 4 + n + ((4 - (n % 4)) % 4);
  return header.entries.map(({ modelId, key, lengths }) => {
    const placed = { modelId, key, at, lengths };
    at += 4 * lengths.reduce((sum, len) => sum + len, 0);
    return placed;
  });
}

/** An entry's arrays, copied out of the table's bytes (a Buffer's bytes need not be 4-aligned
 *  for an Int32Array view). */
function layoutsOf(b: Buffer, p: Placed): SwarmLayouts {
  let at = p.at;
  const [keys, words, mixWords] = p.lengths.map((len) => {
    const a = new Int32Array(b.buffer.slice(b.byteOffset + at, b.byteOffset + at + 4 * len));
    at += 4 * len;
    return a;
  });
  return { keys, words, mixWords };
}

/** The entries of the table's bytes `b`. */
export function decodeSwarmTable(b: Buffer): SwarmTableEntry[] {
  return placeSwarmTable(b).map((p) => ({ modelId: p.modelId, key: p.key, layouts: layoutsOf(b, p) }));
}

/** The table file's bytes and its entries by [modelId, key], read at the first use. */
let table: { bytes: Buffer; entries: Map<string, Placed> } | undefined;

function loadTable(): { bytes: Buffer; entries: Map<string, Placed> } {
  const entries = new Map<string, Placed>();
  // The words are stored little-endian: a big-endian host draws its own. (Asked of a typed
  // array, not node:os, which a process would load for this alone.)
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return { bytes: Buffer.alloc(0), entries };
  try {
    const bytes = readFileSync(SWARM_TABLE_FILE);
    for (const p of placeSwarmTable(bytes)) entries.set(JSON.stringify([p.modelId, p.key]), p);
    return { bytes, entries };
  } catch {
    /* no table (sources, or a build without one): every swarm draws its layouts */
    return { bytes: Buffer.alloc(0), entries: new Map() };
  }
}

/** The layouts of the swarm hunt of spec key `key` on the Wasm build, when the build drew
 *  them; else undefined. */
export function tabledSwarmLayouts(key: string, env: NodeJS.ProcessEnv = process.env): SwarmLayouts | undefined {
  if (env.FAULTSIM_WASM || env.FAULTSIM_WASM_UNTRACED) return undefined;
  const id = modelId("wasm");
  if (id === undefined) return undefined;
  table ??= loadTable();
  const p = table.entries.get(JSON.stringify([id, key]));
  // Only the entry used is copied out (loop.ts copies it into its own tables).
  return p && layoutsOf(table.bytes, p);
}
