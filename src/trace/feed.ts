// A trace replayed through the model: each record becomes a read or write op of (mm, page),
// streamed into the CPUs' op rings as they drain. Memory stays flat: a pending queue of one
// ring's size per CPU and the page map (one entry per distinct page, bounded by the machine:
// mms x pages).
//
// Mapping. A trace of processes (lackey, a CSV with a pid column or addresses) gives each
// process an mm in order of first appearance, and each distinct page of a process a page of
// its mm, in order of first appearance. A trace of objects without processes (oracleGeneral,
// a CSV of object ids) gives the k-th distinct object page k % pages of mm k / pages. The ops
// of mm m run on CPU m % cpus, in trace order (with --cpus 1 the whole trace runs in order).
// A record with a write flag is a read or a write; without one (oracleGeneral), the first
// request of a page writes it (it takes a frame, as a cache admits an object) and later ones
// read it.
import { OP, makeOp } from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";
import { InputError } from "../errors.js";
import { NO_FLAG, WRITE, type TraceReader } from "./formats.js";

/** What a bulk run needs from an op source fed by the host (bulk/run.ts). */
export interface OpFeed {
  /** Moves ops into the engine's rings (after reset), reading more input as room allows;
   *  ends every CPU's stream once the input is spent. */
  topUp(e: Engine): void;
  /** True once the input is spent and every op is in a ring. */
  readonly ended: boolean;
  /** Distinct pages the ops touched (the run's pressure). */
  readonly pages: number;
  summary(): TraceSummary;
}

export interface TraceSummary {
  format: string;
  /** Records read. */
  records: number;
  /** Ops made (a lackey access straddling two pages is two). */
  ops: number;
  /** Distinct pages touched, and the mms (processes) they are in. */
  pages: number;
  mms: number;
}

export interface TraceMachine {
  cpus: number;
  mms: number;
  pagesPerMm: number;
  /** Op ring size per CPU (the pending queue is as large). */
  opCap: number;
}

export class TraceFeed implements OpFeed {
  /** The input is spent (ops may still wait for room in a ring: then not `ended`). */
  private inputEnded = false;
  pages = 0;
  private ops = 0;
  private readonly perProcess: boolean;
  private readonly mmOf = new Map<number, number>();
  private readonly pageOf: Map<number, number>[] = [];
  private readonly objects = new Map<number, number>();
  private readonly pending: Int32Array[] = [];
  private readonly pHead: Int32Array;
  private readonly pLen: Int32Array;
  /** A mapped record that did not fit its CPU's pending queue: its CPU and ops. */
  private carryCpu = -1;
  private readonly carry = new Int32Array(2);
  private carryN = 0;
  private endedRings = false;

  get ended(): boolean {
    return this.endedRings;
  }

  constructor(
    private readonly reader: TraceReader,
    private readonly m: TraceMachine,
  ) {
    this.perProcess = reader.addressed || reader.processes;
    for (let c = 0; c < m.cpus; c++) this.pending.push(new Int32Array(m.opCap));
    this.pHead = new Int32Array(m.cpus);
    this.pLen = new Int32Array(m.cpus);
  }

  summary(): TraceSummary {
    return {
      format: this.reader.format,
      records: this.reader.records,
      ops: this.ops,
      pages: this.pages,
      mms: this.perProcess ? this.mmOf.size : Math.ceil(this.pages / this.m.pagesPerMm),
    };
  }

  topUp(e: Engine): void {
    if (this.endedRings) return;
    for (let c = 0; c < this.m.cpus; c++) this.flush(e, c);
    while (!this.inputEnded) {
      if (this.carryCpu >= 0) {
        if (!this.queue(this.carryCpu)) break;
        this.carryCpu = -1;
      }
      if (!this.reader.next()) {
        this.inputEnded = true;
        this.reader.close();
        break;
      }
      this.map();
    }
    let empty = this.inputEnded;
    for (let c = 0; c < this.m.cpus; c++) {
      this.flush(e, c);
      if (this.pLen[c] > 0) empty = false;
    }
    if (empty) {
      for (let c = 0; c < this.m.cpus; c++) e.m.ops_end(c);
      this.endedRings = true;
    }
  }

  close(): void {
    this.reader.close();
  }

  /** The current record's ops into carry (for their CPU). */
  private map(): void {
    const r = this.reader;
    let mm: number;
    let page: number;
    let fresh = false;
    const P = this.m.pagesPerMm;
    if (this.perProcess) {
      let m = this.mmOf.get(r.pid);
      if (m === undefined) {
        m = this.mmOf.size;
        if (m >= this.m.mms) this.bad(`a process beyond the machine's ${this.m.mms} mms (one per process): raise --mms`);
        this.mmOf.set(r.pid, m);
        this.pageOf.push(new Map());
      }
      mm = m;
      const pages = this.pageOf[mm];
      this.carryN = 0;
      for (let k = 0; k < r.pages; k++) {
        let p = pages.get(r.key + k);
        if (p === undefined) {
          p = pages.size;
          if (p >= P) this.bad(`more than --pages ${P} distinct pages in process ${r.pid}: raise --pages`);
          pages.set(r.key + k, p);
          this.pages++;
          fresh = true;
        }
        this.carry[this.carryN++] = this.op(mm, p, fresh);
      }
    } else {
      let k = this.objects.get(r.key);
      if (k === undefined) {
        k = this.objects.size;
        if (k >= this.m.mms * P) this.bad(`more than --mms x --pages = ${this.m.mms * P} distinct objects: raise them`);
        this.objects.set(r.key, k);
        this.pages++;
        fresh = true;
      }
      mm = Math.floor(k / P);
      page = k % P;
      this.carry[0] = this.op(mm, page, fresh);
      this.carryN = 1;
    }
    this.carryCpu = mm % this.m.cpus;
    if (this.queue(this.carryCpu)) this.carryCpu = -1;
  }

  private op(mm: number, page: number, fresh: boolean): number {
    const w = this.reader.write;
    const write = w === NO_FLAG ? fresh : w === WRITE;
    return makeOp(write ? OP.WRITE : OP.READ, mm, page);
  }

  /** carry into cpu's pending queue; false when it has no room (nothing queued). */
  private queue(cpu: number): boolean {
    const q = this.pending[cpu];
    const cap = q.length;
    if (this.pLen[cpu] + this.carryN > cap) return false;
    if (this.pHead[cpu] + this.pLen[cpu] + this.carryN > cap) {
      q.copyWithin(0, this.pHead[cpu], this.pHead[cpu] + this.pLen[cpu]);
      this.pHead[cpu] = 0;
    }
    for (let i = 0; i < this.carryN; i++) q[this.pHead[cpu] + this.pLen[cpu]++] = this.carry[i];
    this.ops += this.carryN;
    return true;
  }

  /** As much of cpu's pending queue as fits into its ring. */
  private flush(e: Engine, cpu: number): void {
    const n = this.pLen[cpu];
    if (n === 0) return;
    const h = this.pHead[cpu];
    const took = e.appendOps(cpu, this.pending[cpu].subarray(h, h + n), n);
    this.pHead[cpu] = took === n ? 0 : h + took;
    this.pLen[cpu] = n - took;
  }

  private bad(what: string): never {
    this.reader.close();
    throw new InputError(`trace ${this.reader.file}: ${this.reader.where()}: ${what}`, this.reader.file);
  }
}
