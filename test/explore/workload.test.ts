// The hunt's op lists: fillHuntOps (the hot path, straight into the op buffer) writes exactly
// the ops huntOp defines (what repros and error messages list), for any workload shape.
import { describe, it, expect } from "vitest";
import { executionSeed, fillHuntOps, huntOp, huntOps, type HuntWorkload } from "../../src/explore/workload.js";
import { OP, opKind, opMm, opPage, opArg } from "../../src/wasm/abi.js";

const BASE: HuntWorkload = { cpus: 2, opsPerCpu: 5, pagesPerMm: 4, mms: 1, shareMm: true, writeRatio: 0.5 };
const SHAPES: HuntWorkload[] = [
  BASE,
  { ...BASE, cpus: 8, opsPerCpu: 32, pagesPerMm: 4096 },
  { ...BASE, pagesPerMm: 7, writeRatio: 0.3 },          // not a power of two: the modulo path
  { ...BASE, pagesPerMm: 1, writeRatio: 0 },
  { ...BASE, cpus: 3, mms: 2, shareMm: false, writeRatio: 1 },
  { ...BASE, cpus: 5, mms: 3, shareMm: false, pagesPerMm: 100, writeRatio: 0.77 },
];

describe("fillHuntOps", () => {
  it("writes huntOp's ops for every CPU and op, and nothing past them", () => {
    const cap = 32, base = 4, FILL = 0x7eadbeef;
    const I = new Int32Array(8 * cap + 8);
    const wrong: string[] = [];
    for (const w of SHAPES) {
      for (let n = 0; n < 300; n++) {
        const s = executionSeed(n % 7, n * 131);
        I.fill(FILL);
        fillHuntOps(w, s, I, base, cap);
        for (let i = 0; i < I.length; i++) {
          const cpu = Math.floor((i - base) / cap), j = (i - base) % cap;
          const want = i >= base && cpu < w.cpus && j < w.opsPerCpu ? huntOp(w, s, cpu, j) : FILL;
          if (I[i] !== want) wrong.push(`${JSON.stringify(w)} seed ${s} word ${i}: ${I[i]}, not ${want}`);
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("ops are reads and writes of the workload's pages and mms, in the write ratio", () => {
    const w = { ...BASE, cpus: 3, mms: 2, shareMm: false, pagesPerMm: 6, opsPerCpu: 32 };
    let writes = 0, total = 0;
    const wrong: string[] = [];
    for (let n = 0; n < 200; n++) {
      huntOps(w, executionSeed(1, n)).forEach((list, cpu) => {
        for (const op of list) {
          const kind = opKind(op);
          if ((kind !== OP.READ && kind !== OP.WRITE) || opMm(op) !== cpu % w.mms || opPage(op) >= w.pagesPerMm || opArg(op) !== 0) {
            wrong.push(`execution ${n} cpu ${cpu}: op 0x${(op >>> 0).toString(16)}`);
          }
          if (kind === OP.WRITE) writes++;
          total++;
        }
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(Math.abs(writes / total - w.writeRatio)).toBeLessThan(0.05);
  });
});
