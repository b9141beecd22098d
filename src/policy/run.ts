// `run --reclaim lru|fifo|clock|opt`: the run's page accesses on the same machine (its frames,
// its mms x pages) under a textbook replacement policy instead of 2.4's reclaim. A host-side
// simulator, not the model: a pure policy has no locks, no sleeps and no concurrency, so the
// question it answers (how many misses does the policy take on this access stream and this
// many frames) needs only the stream and the policy. That keeps its miss counts the ones a
// cache simulator such as libCacheSim gives for the same requests and cache size.
//
// The machine around the policy: frame 0 is the zero page, so frames - 1 frames hold pages.
// A miss on a page that was never touched is a minor fault (a zero-filled frame); a miss on a
// page that was evicted dirty is a major fault that reads its data back from swap (a swap-in).
// Evicting a dirty page writes it to swap (a swap-out); a clean one whose swap copy is current
// (read back and not written since, as the swap cache keeps it) or that was never written
// (its data is zeros) is dropped. The data is tracked: every read checks it gets the last value
// written, so an eviction that lost data would count in dataLost.
//
// The access stream. A trace: its records in order, each distinct (process, page) or object
// a page, as `run --trace` maps them (src/trace/feed.ts); a format without a write flag writes
// a page on its first request. The generator: each CPU's op stream as the model generates it
// for the same seed and options, taken one op per CPU in turn (the kernel run interleaves them
// by its scheduler; a textbook policy sees one stream); fork, exit, munmap, swapoff and
// swapon ops have no counterpart in a page cache and are skipped. OPT needs the future: the
// whole stream is read (trace) or generated (seeded, deterministic) before the first request,
// so its memory grows with the stream; the other policies stream it with flat memory.
import { OP, opKind, opMm, opPage } from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";
import { InputError } from "../errors.js";
import { NO_FLAG, WRITE, type TraceReader } from "../trace/formats.js";
import { drawOps } from "../workload/generator.js";
import { FILLED, HIT, makePolicy, type PolicyName } from "./policies.js";

/** A stream of page requests: next() loads page and write, false at the end. */
export interface RequestSource {
  page: number;
  write: boolean;
  next(): boolean;
  close(): void;
}

export interface PolicyStats {
  policy: PolicyName;
  /** Frames that hold pages (the machine's frames less the zero page). */
  frames: number;
  requests: number;
  hits: number;
  misses: number;
  /** Misses on pages with no swap copy (never written: zero-filled), and on pages read back from swap. */
  minorFaults: number;
  swapIns: number;
  swapOuts: number;
  /** Distinct pages requested. */
  pages: number;
  /** Reads that did not get the last value written (must be 0). */
  dataLost: number;
}

/** Runs `src` under `policy` with `frames` frames for pages 0..pageLimit-1. */
export function simulate(policy: PolicyName, frames: number, pageLimit: number, src: RequestSource): PolicyStats {
  let seq: Int32Array | undefined;
  let writes: Uint8Array | undefined;
  let source = src;
  if (policy === "opt") {
    ({ seq, writes } = readAll(src));
    source = arraySource(seq, writes);
  }
  const pol = makePolicy(policy, pageLimit, frames, seq);
  // Per page: the value last written, the value in its frame, in its swap slot (-1: none).
  const written = new Int32Array(pageLimit);
  const mem = new Int32Array(pageLimit);
  const swap = new Int32Array(pageLimit).fill(-1);
  const dirty = new Uint8Array(pageLimit);
  const seen = new Uint8Array(pageLimit);
  let requests = 0,
    hits = 0,
    minor = 0,
    swapIns = 0,
    swapOuts = 0,
    pages = 0,
    lost = 0,
    value = 0;
  try {
    while (source.next()) {
      const p = source.page;
      requests++;
      const v = pol.request(p);
      if (v === HIT) hits++;
      else {
        if (v !== FILLED) {
          // The victim leaves its frame: a dirty page is written to swap first.
          if (dirty[v] === 1) {
            swap[v] = mem[v];
            swapOuts++;
            dirty[v] = 0;
          } else if (swap[v] < 0 && written[v] !== 0) lost++; // never happens: clean data has a copy
          mem[v] = -1;
        }
        if (swap[p] >= 0) {
          mem[p] = swap[p];
          swapIns++;
        } else {
          mem[p] = 0; // a zero-filled frame
          minor++;
          if (seen[p] === 0) {
            seen[p] = 1;
            pages++;
          }
        }
      }
      if (source.write) {
        mem[p] = written[p] = ++value;
        dirty[p] = 1;
      } else if (mem[p] !== written[p]) lost++;
    }
  } finally {
    source.close();
  }
  return { policy, frames, requests, hits, misses: requests - hits, minorFaults: minor, swapIns, swapOuts, pages, dataLost: lost };
}

/** The whole stream in memory (OPT's lookahead). */
function readAll(src: RequestSource): { seq: Int32Array; writes: Uint8Array } {
  let seq = new Int32Array(1 << 16);
  let writes = new Uint8Array(1 << 16);
  let n = 0;
  try {
    while (src.next()) {
      if (n === seq.length) {
        const s2 = new Int32Array(n * 2);
        s2.set(seq);
        seq = s2;
        const w2 = new Uint8Array(n * 2);
        w2.set(writes);
        writes = w2;
      }
      seq[n] = src.page;
      writes[n++] = src.write ? 1 : 0;
    }
  } finally {
    src.close();
  }
  return { seq: seq.subarray(0, n), writes: writes.subarray(0, n) };
}

/** Requests from arrays (OPT's stream once read; tests). */
export function arraySource(seq: Int32Array, writes?: Uint8Array): RequestSource {
  let i = -1;
  const s: RequestSource = {
    page: 0,
    write: false,
    next() {
      if (++i >= seq.length) return false;
      s.page = seq[i];
      s.write = writes !== undefined && writes[i] === 1;
      return true;
    },
    close() {},
  };
  return s;
}

/** A trace's requests, each distinct (process, page) or object one page id, in order of first
 *  appearance; more than `limit` distinct pages is bad input (as for `run --trace`). */
export function traceSource(reader: TraceReader, limit: number): RequestSource {
  const ids = new Map<number, number>();
  const perProcess = reader.addressed || reader.processes;
  let k = 0;
  let pending = 0;
  const s: RequestSource = {
    page: 0,
    write: false,
    next() {
      // A lackey access straddling two pages is two requests.
      if (pending === 0) {
        if (!reader.next()) return false;
        pending = reader.pages;
        k = 0;
      }
      const key = perProcess ? reader.pid * 2 ** 32 + reader.key + k : reader.key;
      k++;
      pending--;
      let id = ids.get(key);
      const fresh = id === undefined;
      if (id === undefined) {
        id = ids.size;
        if (id >= limit) {
          reader.close();
          throw new InputError(
            `trace ${reader.file}: ${reader.where()}: more than --mms x --pages = ${limit} distinct pages: raise them`,
            reader.file,
          );
        }
        ids.set(key, id);
      }
      s.page = id;
      s.write = reader.write === NO_FLAG ? fresh : reader.write === WRITE;
      return true;
    },
    close: () => reader.close(),
  };
  return s;
}

/** The generator's requests: `ops` ops shared across the CPUs as a bulk run shares them, drawn
 *  from the engine's generator (configured for these options with 0 ops to run, and reset),
 *  one op per CPU in turn; only reads and writes are requests. Page id: mm * pagesPerMm + page. */
export function generatorSource(e: Engine, ops: number, pagesPerMm: number): RequestSource {
  const cpus = e.config.cpus;
  const left = Array.from({ length: cpus }, (_, c) => Math.floor(ops / cpus) + (c < ops % cpus ? 1 : 0));
  const buf: Int32Array[] = new Array(cpus).fill(new Int32Array(0));
  const at = new Int32Array(cpus);
  let cpu = cpus - 1;
  let remaining = ops;
  const s: RequestSource = {
    page: 0,
    write: false,
    next() {
      while (remaining > 0) {
        cpu = (cpu + 1) % cpus;
        if (left[cpu] === 0) continue;
        if (at[cpu] === buf[cpu].length) {
          buf[cpu] = drawOps(e, cpu, Math.min(left[cpu], e.config.opCap));
          at[cpu] = 0;
        }
        const op = buf[cpu][at[cpu]++];
        left[cpu]--;
        remaining--;
        const kind = opKind(op);
        if (kind !== OP.READ && kind !== OP.WRITE) continue;
        s.page = opMm(op) * pagesPerMm + opPage(op);
        s.write = kind === OP.WRITE;
        return true;
      }
      return false;
    },
    close() {},
  };
  return s;
}
