// Readers of memory-access traces, streamed: a file is read in chunks of CHUNK_BYTES, and each
// record is parsed from the bytes in place into the reader's fields (no object per record), so
// memory stays flat whatever the trace's size.
//
//  - oracle-general: libCacheSim's binary oracleGeneral format, 24 bytes per record, little
//    endian: uint32 clock_time, uint64 obj_id, uint32 obj_size, int64 next_access_vtime. An
//    object is a page; there is no write flag.
//  - csv: a header naming the columns, then one record per line. An object column
//    (obj_id, obj, key, id) or an address column (address, addr: decimal or 0x hex, a page is
//    4096 bytes of it); optional time (time, timestamp, clock_time: checked, not used), a
//    write flag (op, operation, type, rw, write, is_write: R/W, read/write, L/S/M, 0/1,
//    true/false) and a process (pid, tid, process).
//  - lackey: valgrind --tool=lackey --trace-mem=yes output: `I  addr,size` (instruction
//    fetch), ` L addr,size` (load), ` S addr,size` (store), ` M addr,size` (modify: a load and
//    a store, one write here). An access that straddles a page boundary touches both pages.
//    Valgrind's own `==pid==` lines are skipped.
// A malformed record throws InputError naming the file and the record (binary) or line.
import { closeSync, openSync, readSync, fstatSync } from "node:fs";
import { InputError } from "../errors.js";

export type TraceFormat = "oracle-general" | "csv" | "lackey";
export const TRACE_FORMATS: readonly TraceFormat[] = ["oracle-general", "csv", "lackey"];

/** Bytes read from the file at a time (the reader's whole buffer). */
export const CHUNK_BYTES = 1 << 20;
/** Bytes of a page for address traces. */
export const PAGE_SIZE = 4096;
const TWO32 = 4294967296;

/** Write flag of a record: the format says read or write, or has none (the first request of
 *  an object then writes it: it takes a frame, as a cached object does). */
export const READ = 0;
export const WRITE = 1;
export const NO_FLAG = -1;

/** A streaming trace reader. next() parses the next record into the fields and returns true,
 *  or returns false at the end of the file. */
export interface TraceReader {
  readonly format: TraceFormat;
  /** Process of the record (0 when the format has none). */
  pid: number;
  /** Object id, or the page number of an address (address / PAGE_SIZE). */
  key: number;
  /** Pages the record touches: key, key + 1, ... (2 for a straddling lackey access). */
  pages: number;
  /** READ, WRITE or NO_FLAG. */
  write: number;
  /** True when key is an address's page (one mm per process), false for an object id. */
  readonly addressed: boolean;
  /** True when records name their process (pid). */
  readonly processes: boolean;
  readonly file: string;
  /** Where the current record is, for a message: `record N` (binary) or `line N` (text). */
  where(): string;
  /** Records read so far (the current one's number, 1-based). */
  readonly records: number;
  /** Bytes consumed so far and the file's size (progress). */
  readonly consumed: number;
  readonly size: number;
  next(): boolean;
  close(): void;
}

/** Opens `file` as a trace of `format` (InputError when it cannot be read). */
export function openTrace(file: string, format: TraceFormat): TraceReader {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    throw new InputError(`trace ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  const st = fstatSync(fd);
  // A directory opens for reading but fails at the first read (EISDIR); a pipe or a device
  // (`--trace <(zcat t.gz)`) is read as it comes.
  if (st.isDirectory()) {
    closeSync(fd);
    throw new InputError(`trace ${file}: is a directory, not a trace`, file);
  }
  const size = st.size;
  if (format === "oracle-general") return new OracleGeneralReader(file, fd, size);
  if (format === "lackey") return new LackeyReader(file, fd, size);
  return CsvReader.open(file, fd, size);
}

/** A file read in chunks; the unconsumed bytes [pos, end) of buf. */
abstract class Chunked {
  protected readonly buf = Buffer.allocUnsafe(CHUNK_BYTES);
  protected pos = 0;
  protected end = 0;
  private eof = false;
  private fileOffset = 0;
  records = 0;
  constructor(
    readonly file: string,
    private fd: number,
    readonly size: number,
  ) {}
  get consumed(): number {
    return this.fileOffset - (this.end - this.pos);
  }
  /** Makes at least `need` bytes available from pos, unless the file ends; returns how many are. */
  protected want(need: number): number {
    if (this.end - this.pos >= need || this.eof) return this.end - this.pos;
    this.buf.copy(this.buf, 0, this.pos, this.end);
    this.end -= this.pos;
    this.pos = 0;
    while (this.end < need && !this.eof) {
      const n = readSync(this.fd, this.buf, this.end, CHUNK_BYTES - this.end, null);
      if (n === 0) this.eof = true;
      this.end += n;
      this.fileOffset += n;
    }
    return this.end - this.pos;
  }
  /** Reads more bytes after the unconsumed ones (moved to the front); false at the end. */
  protected more(): boolean {
    if (this.eof) return false;
    const have = this.end - this.pos;
    return this.want(have + 1) > have;
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
  protected bad(what: string): never {
    this.close();
    throw new InputError(`trace ${this.file}: ${what}`, this.file);
  }
}

const RECORD = 24;

class OracleGeneralReader extends Chunked implements TraceReader {
  readonly format = "oracle-general" as const;
  readonly addressed = false;
  readonly processes = false;
  where(): string {
    return `record ${this.records}`;
  }
  pid = 0;
  key = 0;
  pages = 1;
  write = NO_FLAG;
  next(): boolean {
    const have = this.want(RECORD);
    if (have === 0) return false;
    this.records++;
    if (have < RECORD) {
      this.bad(`record ${this.records} is truncated: ${have} of its ${RECORD} bytes (oracleGeneral records are 24 bytes)`);
    }
    const b = this.buf;
    const p = this.pos;
    // obj_id as a number: exact below 2^53, rounded above (ids are then hashes, and two
    // that round alike are one page: negligible below millions of objects).
    this.key = b.readUInt32LE(p + 8) * TWO32 + b.readUInt32LE(p + 4);
    const size = b.readUInt32LE(p + 12);
    if (size === 0 && this.key === 0) this.bad(`record ${this.records}: obj_id 0 of size 0 (not an oracleGeneral record)`);
    this.pos += RECORD;
    return true;
  }
}

/** Text traces: one record per line. */
abstract class LineReader extends Chunked {
  lineNo = 0;
  where(): string {
    return `line ${this.lineNo}`;
  }
  protected ls = 0;
  protected le = 0;
  /** Next line into [ls, le) of buf (without \r\n); false at the end of the file. */
  protected nextLine(): boolean {
    let from = this.pos;
    for (;;) {
      let nl = this.buf.indexOf(10, from);
      if (nl >= this.end) nl = -1;
      if (nl < 0) {
        const have = this.end - this.pos;
        if (have >= CHUNK_BYTES) this.bad(`line ${this.lineNo + 1} is longer than ${CHUNK_BYTES} bytes`);
        if (this.more()) {
          from = this.pos + have;
          continue;
        }
        if (have === 0) return false;
        nl = this.end; // the last line, without a newline
      }
      this.lineNo++;
      this.ls = this.pos;
      this.le = nl > this.pos && this.buf[nl - 1] === 13 ? nl - 1 : nl;
      this.pos = Math.min(nl + 1, this.end);
      return true;
    }
  }
  protected lineText(): string {
    return this.buf.toString("latin1", this.ls, Math.min(this.le, this.ls + 80));
  }
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const hexVal = (c: number) => (c <= 57 ? c - 48 : (c | 32) - 87);

class LackeyReader extends LineReader implements TraceReader {
  readonly format = "lackey" as const;
  readonly addressed = true;
  readonly processes = false;
  pid = 0;
  key = 0;
  pages = 1;
  write = READ;
  next(): boolean {
    const b = this.buf;
    while (this.nextLine()) {
      let i = this.ls;
      const e = this.le;
      if (i === e) continue;
      if (b[i] === 61 && b[i + 1] === 61) continue; // ==pid== valgrind's own lines
      // `I  addr,size` or ` X addr,size`.
      let kind = 0;
      if (b[i] === 73 && b[i + 1] === 32 && b[i + 2] === 32) {
        kind = 73;
        i += 3;
      } else if (b[i] === 32 && (b[i + 1] === 76 || b[i + 1] === 83 || b[i + 1] === 77) && b[i + 2] === 32) {
        kind = b[i + 1];
        i += 3;
      } else this.badLine("not a lackey record (`I  addr,size`, ` L addr,size`, ` S addr,size` or ` M addr,size`)");
      let addr = 0;
      const a0 = i;
      while (i < e && isHex(b[i])) addr = addr * 16 + hexVal(b[i++]);
      if (i === a0 || i - a0 > 13 || b[i] !== 44) this.badLine("bad address (up to 13 hex digits, then a comma)");
      i++;
      let size = 0;
      const s0 = i;
      while (i < e && b[i] >= 48 && b[i] <= 57) size = size * 10 + b[i++] - 48;
      if (i === s0 || i !== e || size === 0 || size > PAGE_SIZE) this.badLine("bad size (a decimal byte count after the comma, 1..4096)");
      this.records++;
      this.key = Math.floor(addr / PAGE_SIZE);
      this.pages = Math.floor((addr + size - 1) / PAGE_SIZE) - this.key + 1;
      this.write = kind === 83 || kind === 77 ? WRITE : READ;
      return true;
    }
    return false;
  }
  private badLine(what: string): never {
    this.bad(`line ${this.lineNo}: ${what}: '${this.lineText()}'`);
  }
}

const OBJ_COLS = ["obj_id", "obj", "key", "id", "object"];
const ADDR_COLS = ["address", "addr"];
const TIME_COLS = ["time", "timestamp", "clock_time", "ts"];
const OP_COLS = ["op", "operation", "type", "rw", "write", "is_write"];
const PID_COLS = ["pid", "tid", "process"];

class CsvReader extends LineReader implements TraceReader {
  readonly format = "csv" as const;
  pid = 0;
  key = 0;
  pages = 1;
  write = NO_FLAG;
  addressed = false;
  processes = false;
  private cols = 0;
  private keyCol = -1;
  private timeCol = -1;
  private opCol = -1;
  private pidCol = -1;
  /** Field boundaries of the current line. */
  private readonly fs = new Int32Array(64);
  private readonly fe = new Int32Array(64);

  static open(file: string, fd: number, size: number): CsvReader {
    const r = new CsvReader(file, fd, size);
    r.header();
    return r;
  }

  private header(): void {
    if (!this.nextLine()) this.bad("empty: a CSV trace starts with a header line naming its columns");
    const names = this.buf
      .toString("utf8", this.ls, this.le)
      .split(",")
      .map((s) => s.trim().toLowerCase());
    if (names.length > this.fs.length) this.bad(`line 1: more than ${this.fs.length} columns`);
    this.cols = names.length;
    const find = (set: string[]) => names.findIndex((n) => set.includes(n));
    const obj = find(OBJ_COLS);
    const addr = find(ADDR_COLS);
    if (obj < 0 && addr < 0) {
      this.bad(`line 1: the header names no object column (${OBJ_COLS.join(", ")}) or address column (${ADDR_COLS.join(", ")})`);
    }
    this.addressed = obj < 0;
    this.keyCol = obj >= 0 ? obj : addr;
    this.timeCol = find(TIME_COLS);
    this.opCol = find(OP_COLS);
    this.pidCol = find(PID_COLS);
    this.processes = this.pidCol >= 0;
    this.write = this.opCol < 0 ? NO_FLAG : READ;
  }

  next(): boolean {
    while (this.nextLine()) {
      if (this.le === this.ls) continue; // a blank line
      this.split();
      this.records++;
      if (this.timeCol >= 0) this.number(this.timeCol, "time");
      const v = this.number(this.keyCol, this.addressed ? "address" : "object id");
      this.key = this.addressed ? Math.floor(v / PAGE_SIZE) : v;
      if (this.pidCol >= 0) this.pid = this.number(this.pidCol, "pid");
      if (this.opCol >= 0) this.write = this.flag(this.opCol);
      return true;
    }
    return false;
  }

  private split(): void {
    const b = this.buf;
    let n = 0;
    let s = this.ls;
    for (let i = this.ls; i <= this.le; i++) {
      if (i === this.le || b[i] === 44) {
        if (n >= this.cols) this.badLine(`more fields than the header's ${this.cols}`);
        this.fs[n] = s;
        this.fe[n] = i;
        n++;
        s = i + 1;
      }
    }
    if (n !== this.cols) this.badLine(`${n} fields, the header names ${this.cols}`);
  }

  /** Field k as a non-negative integer: decimal, or hex with 0x. */
  private number(k: number, what: string): number {
    const b = this.buf;
    let i = this.fs[k];
    let e = this.fe[k];
    while (i < e && b[i] === 32) i++;
    while (e > i && b[e - 1] === 32) e--;
    let v = 0;
    if (e - i > 2 && b[i] === 48 && (b[i + 1] | 32) === 120) {
      if (e - i - 2 > 13) this.badLine(`${what} longer than 13 hex digits`);
      for (i += 2; i < e; i++) {
        if (!isHex(b[i])) this.badLine(`${what} is not a number`);
        v = v * 16 + hexVal(b[i]);
      }
      return v;
    }
    if (i === e || e - i > 15) this.badLine(`${what} is not a number of up to 15 digits`);
    for (; i < e; i++) {
      const c = b[i];
      if (c < 48 || c > 57) this.badLine(`${what} is not a number`);
      v = v * 10 + c - 48;
    }
    return v;
  }

  private flag(k: number): number {
    const t = this.buf.toString("latin1", this.fs[k], this.fe[k]).trim().toLowerCase();
    if (t === "w" || t === "write" || t === "s" || t === "m" || t === "1" || t === "true" || t === "set") return WRITE;
    if (t === "r" || t === "read" || t === "l" || t === "i" || t === "0" || t === "false" || t === "get") return READ;
    return this.badLine(`write flag '${t}' is none of R/W, read/write, L/S/M/I, 0/1, true/false, get/set`);
  }

  private badLine(what: string): never {
    this.bad(`line ${this.lineNo}: ${what}: '${this.lineText()}'`);
  }
}
