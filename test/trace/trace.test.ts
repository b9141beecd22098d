// run --trace: each format's sample replays with the records, processes and pages counted here
// independently of src/trace; chunk boundaries; malformed records (one line naming the record,
// exit 2); the lackey trace of a C program built and run under the real valgrind.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cliCapture } from "../helpers/cli.js";
import { CHUNK_BYTES } from "../../src/trace/formats.js";

const { io, faultsim } = cliCapture();
const fixtures = path.resolve(import.meta.dirname, "../fixtures/trace");
const fixture = (f: string) => path.join(fixtures, f);
const tmp = mkdtempSync(path.join(tmpdir(), "faultsim-trace-"));

interface Out {
  trace: { format: string; records: number; ops: number; pages: number; mms: number };
  stats: Record<string, number>;
  stateHash: string;
}

async function replay(file: string, ...args: string[]): Promise<Out> {
  io.out = "";
  io.err = "";
  const code = await faultsim("run", "--json", "--trace", file, ...args);
  expect(io.err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(io.out) as Out;
}

async function refused(file: string, ...args: string[]): Promise<string> {
  io.out = "";
  io.err = "";
  expect(await faultsim("run", "--trace", file, ...args)).toBe(2);
  expect(io.err.trim().split("\n")).toHaveLength(1);
  return io.err;
}

/** A lackey file's accesses, parsed here with a regex: [write, first page, last page]. */
function lackeyAccesses(text: string): [boolean, number, number][] {
  const out: [boolean, number, number][] = [];
  for (const line of text.split("\n")) {
    const m = /^(?:I {2}| ([LSM]) )([0-9a-f]+),(\d+)$/.exec(line);
    if (!m) continue;
    const a = parseInt(m[2], 16);
    out.push([m[1] === "S" || m[1] === "M", Math.floor(a / 4096), Math.floor((a + Number(m[3]) - 1) / 4096)]);
  }
  return out;
}

/** An oracleGeneral file's object ids, read here with a DataView (as hi:lo strings). */
function oracleIds(file: string): string[] {
  const b = readFileSync(file);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ids: string[] = [];
  for (let o = 0; o + 24 <= b.length; o += 24) ids.push(`${v.getUint32(o + 8, true)}:${v.getUint32(o + 4, true)}`);
  return ids;
}

describe("the sample traces", () => {
  it("lackey (valgrind on walk.c): every record, one mm, its distinct pages; 64 stores", async () => {
    const acc = lackeyAccesses(readFileSync(fixture("walk.lackey"), "latin1"));
    const pages = new Set<number>();
    for (const [, a, b] of acc) for (let p = a; p <= b; p++) pages.add(p);
    expect(acc.filter(([w]) => w)).toHaveLength(64);
    const r = await replay(fixture("walk.lackey"), "--trace-format", "lackey", "--frames", "48", "--pages", "256");
    expect(r.trace.records).toBe(acc.length);
    expect(r.trace.pages).toBe(pages.size);
    expect(r.trace.mms).toBe(1);
    expect(r.stats.accesses).toBe(r.trace.ops);
    // 65 pages on 47 frames: the replay reclaims and swaps.
    expect(r.stats.swapOuts).toBeGreaterThan(0);
    expect(r.stats.swapIns).toBeGreaterThan(0);
  });

  it("oracle-general: one page per object; without pressure each object faults exactly once (its first request writes it)", async () => {
    const ids = oracleIds(fixture("small.oracleGeneral"));
    const distinct = new Set(ids).size;
    const r = await replay(fixture("small.oracleGeneral"), "--cpus", "1", "--frames", "1024", "--pages", "512", "--mms", "1");
    expect(r.trace.records).toBe(ids.length);
    expect(r.trace.pages).toBe(distinct);
    expect(r.stats.accesses).toBe(ids.length);
    expect(r.stats.minorFaults).toBe(distinct);
    expect(r.stats.majorFaults).toBe(0);
    expect(r.stats.zeroMaps).toBe(0);
  });

  it("oracle-general under pressure swaps; objects spill into the next mm past --pages", async () => {
    const r = await replay(fixture("small.oracleGeneral"), "--frames", "128", "--pages", "256");
    expect(r.trace.mms).toBe(2); // 338 objects over 256-page mms
    expect(r.stats.majorFaults).toBeGreaterThan(0);
  });

  it("csv: one mm per pid, the distinct pages of each; the same bytes in Wasm and JS", async () => {
    const rows = readFileSync(fixture("small.csv"), "utf8").trim().split("\n").slice(1);
    const pages = new Set(rows.map((l) => l.split(",")).map(([, pid, a]) => `${pid}:${Math.floor(parseInt(a, 16) / 4096)}`));
    const pids = new Set(rows.map((l) => l.split(",")[1]));
    const a = await replay(fixture("small.csv"), "--frames", "64", "--pages", "64");
    expect(a.trace.records).toBe(rows.length);
    expect(a.trace.pages).toBe(pages.size);
    expect(a.trace.mms).toBe(pids.size);
    const j = await replay(fixture("small.csv"), "--frames", "64", "--pages", "64", "--backend", "js");
    expect(j.stateHash).toBe(a.stateHash);
    expect(j.stats).toEqual(a.stats);
  });

  it("the format follows from the file name, else it must be named", async () => {
    const r = await replay(fixture("small.csv"), "--frames", "256", "--pages", "64");
    expect(r.trace.format).toBe("csv");
    expect(await refused(fixture("walk.c"))).toMatch(/--trace-format/);
    expect(await refused(fixture("walk.c"), "--trace-format", "pin")).toMatch(/oracle-general, csv, lackey/);
  });
});

describe("streaming", () => {
  it("traces several chunks long replay whole (records crossing chunk boundaries)", async () => {
    // lackey: ~3 chunks of text; oracleGeneral: 2.5 chunks of records.
    const lines: string[] = ["==1== header"];
    let bytes = 0;
    let n = 0;
    while (bytes < 3 * CHUNK_BYTES) {
      const l = n % 3 === 0 ? ` S ${(0x10000000 + (n % 300) * 4096).toString(16)},8` : `I  ${(0x400000 + (n % 50) * 4).toString(16)},4`;
      lines.push(l);
      bytes += l.length + 1;
      n++;
    }
    const lk = path.join(tmp, "big.lackey");
    writeFileSync(lk, lines.join("\n")); // no newline after the last record
    const r = await replay(lk, "--frames", "1024", "--pages", "512", "--cpus", "1");
    expect(r.trace.records).toBe(n);
    expect(r.trace.pages).toBe(101); // 100 stored pages (every third n, n % 300), one text page
    expect(r.stats.accesses).toBe(n);

    const count = Math.floor((2.5 * CHUNK_BYTES) / 24);
    const b = Buffer.alloc(count * 24);
    for (let i = 0; i < count; i++) {
      b.writeUInt32LE(i, i * 24);
      b.writeUInt32LE((i * 7919) % 1000, i * 24 + 4);
      b.writeUInt32LE(4096, i * 24 + 12);
    }
    const og = path.join(tmp, "big.oracleGeneral");
    writeFileSync(og, b);
    const o = await replay(og, "--frames", "512", "--pages", "1024", "--cpus", "2");
    expect(o.trace.records).toBe(count);
    expect(o.trace.pages).toBe(1000);
    expect(o.stats.majorFaults).toBeGreaterThan(0);
  }, 60_000);
});

describe("malformed traces: one line naming the record, exit 2", () => {
  it("a process whose records run out while another's still wait for room in its ring", async () => {
    // Interleaved as a synthetic workload writes them (bench/run.ts trace): the input is spent
    // while the long stream's ops still queue for its ring; the short one's CPU must not
    // be taken for one waiting on a trace that has ended.
    const rows = ["time,pid,address,op"];
    for (let i = 0; i < 20_000; i++) {
      if (i < 50) rows.push(`${rows.length},1,${((i * 17) % 200) * 4096},W`);
      rows.push(`${rows.length},2,${((i * 31) % 3000) * 4096},${i % 3 ? "R" : "W"}`);
    }
    const csv = path.join(tmp, "uneven.csv");
    writeFileSync(csv, rows.join("\n") + "\n");
    const r = await replay(csv, "--frames", "1024", "--pages", "4096", "--cpus", "2", "--mms", "2");
    expect(r.trace.records).toBe(20_050);
    expect(r.stats.accesses).toBe(20_050);
  }, 60_000);

  it("lackey: a line that is no record", async () => {
    const f = path.join(tmp, "bad.lackey");
    writeFileSync(f, "==1== x\nI  00401000,5\n S 00403000,1\n X 1234,4\n");
    expect(await refused(f, "--trace-format", "lackey")).toMatch(/line 4: not a lackey record/);
    writeFileSync(f, " L 00403000,\n");
    expect(await refused(f, "--trace-format", "lackey")).toMatch(/line 1: bad size/);
  });

  it("oracle-general: a truncated last record", async () => {
    const f = path.join(tmp, "bad.oracleGeneral");
    writeFileSync(f, readFileSync(fixture("small.oracleGeneral")).subarray(0, 24 * 5 + 10));
    expect(await refused(f)).toMatch(/record 6 is truncated: 10 of its 24 bytes/);
  });

  it("csv: no object or address column, a bad write flag, a missing field", async () => {
    const f = path.join(tmp, "bad.csv");
    writeFileSync(f, "time,size\n1,2\n");
    expect(await refused(f)).toMatch(/line 1: the header names no object column/);
    writeFileSync(f, "time,obj_id,op\n1,5,R\n2,6,X\n");
    expect(await refused(f)).toMatch(/line 3: write flag 'x'/);
    writeFileSync(f, "time,obj_id,op\n1,5,R\n2,6\n");
    expect(await refused(f)).toMatch(/line 3: 2 fields, the header names 3/);
    writeFileSync(f, "obj_id\n12abc\n");
    expect(await refused(f)).toMatch(/line 2: object id is not a number/);
  });

  it("more distinct pages than the machine maps", async () => {
    // The record that brings the 201st distinct object, found here.
    const seen = new Set<string>();
    const ids = oracleIds(fixture("small.oracleGeneral"));
    const at = ids.findIndex((id) => seen.add(id).size > 200) + 1;
    expect(await refused(fixture("small.oracleGeneral"), "--pages", "100", "--mms", "2")).toContain(
      `record ${at}: more than --mms x --pages = 200 distinct objects`,
    );
    expect(await refused(fixture("walk.lackey"), "--pages", "10")).toMatch(/line \d+: more than --pages 10 distinct pages/);
  });

  it("a file that cannot be read", async () => {
    expect(await refused(path.join(tmp, "none.csv"))).toMatch(/cannot read it \(ENOENT\)/);
    // A name that says no format: that it is missing, not that its format is to be named.
    expect(await refused(path.join(tmp, "none"))).toMatch(/none: cannot read it \(ENOENT\)$/m);
    writeFileSync(path.join(tmp, "some"), "obj_id\n1\n");
    expect(await refused(path.join(tmp, "some"))).toMatch(/name its format with --trace-format/);
  });

  it("a directory: one line, exit 2 (it was EISDIR at the first read, exit 3)", async () => {
    const dir = path.join(tmp, "adir.csv");
    mkdirSync(dir, { recursive: true });
    expect(await refused(dir)).toMatch(/adir\.csv: is a directory, not a trace/);
    expect(await refused(dir, "--reclaim", "lru")).toMatch(/adir\.csv: is a directory, not a trace/);
  });
});

// valgrind's lackey on the sample program, built here: the trace faultsim replays is the real
// tool's output of today, not only the checked-in one.
const valgrind = (() => {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" });
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return process.arch === "x64" && process.platform === "linux";
  } catch {
    return false;
  }
})();

describe.skipIf(!valgrind)("lackey from valgrind, live (skipped without valgrind, gcc and x86-64 Linux)", () => {
  it("replays walk.c's trace: its 64 stores and 128 loads of 64 heap pages", async () => {
    const bin = path.join(tmp, "walk");
    execFileSync("gcc", ["-O1", "-static", "-nostdlib", "-fno-stack-protector", "-o", bin, fixture("walk.c")]);
    const log = path.join(tmp, "walk.lackey");
    execFileSync("valgrind", ["--tool=lackey", "--trace-mem=yes", `--log-file=${log}`, bin], { stdio: "ignore" });
    expect(existsSync(log)).toBe(true);
    const acc = lackeyAccesses(readFileSync(log, "latin1"));
    expect(acc.filter(([w]) => w)).toHaveLength(64);
    expect(acc.filter(([w, p]) => !w && p !== 0x401)).toHaveLength(128);
    const r = await replay(log, "--frames", "1024", "--pages", "256", "--cpus", "1");
    expect(r.trace.records).toBe(acc.length);
    // 64 heap pages + the program's text page.
    expect(r.trace.pages).toBe(65);
    expect(r.stats.accesses).toBe(acc.length);
    // No pressure: one fault per heap page (its first access, a store), one for the text page.
    expect(r.stats.minorFaults).toBe(65);
    expect(r.stats.majorFaults).toBe(0);
  }, 60_000);
});
