// Op streams: a CPU runs exactly the ops written for it in this execution, never what an
// earlier execution left in its buffer.
import { describe, it, expect } from "vitest";
import { Engine, DEFAULT_CONFIG } from "../../src/wasm/engine.js";
import { makeOp, OP, RUN, ST, AG } from "../../src/wasm/abi.js";

describe("op streams", () => {
  it("a CPU given an empty op list runs nothing, even with old ops in its buffer", () => {
    const e = Engine.wasm();
    e.configure({ ...DEFAULT_CONFIG });
    e.reset();
    e.loadOps([[makeOp(OP.WRITE, 0, 1), makeOp(OP.WRITE, 0, 2)], [makeOp(OP.WRITE, 1, 1)]]);
    expect(e.run(100_000)).toBe(RUN.DONE);
    expect(e.takeStats().ops).toBe(3);
    e.reset();
    e.loadOps([[], [makeOp(OP.READ, 1, 3)]]);
    expect(e.agentWord(0, AG.STATE)).toBe(ST.DONE);
    expect(e.run(100_000)).toBe(RUN.DONE);
    expect(e.takeStats().ops).toBe(1);
  });
});
