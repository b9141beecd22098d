// The procedure contract (assembly/README.md) checks itself: a frame naming no procedure, or a
// procedure asked for a section it does not have, is a V_BUG_ON violation that names the
// procedure and pc (frame.ts bad_pc, dispatch.ts), in both builds, not a silent return or a
// livelock.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { BUG, G, P, R, RUN, STACK_FRAMES, FRAME_WORDS, P_COUNT } from "../../src/wasm/abi.js";
import { modelViolation } from "../../src/invariants/index.js";
import { machine } from "../helpers/machine.js";

const builds: [string, () => Promise<Engine>][] = [
  ["wasm", async () => Engine.wasm()],
  ["js", () => Engine.js()],
  ["untraced wasm", () => Engine.create("wasm", "untraced")],
];

describe.each(builds)("the procedure contract (%s)", (_name, make) => {
  it("an unknown procedure id is a BUG naming it", async () => {
    const e = machine({}, await make());
    e.m.start_proc(0, P_COUNT + 3, 0, 0, 0, 0);
    expect(e.run(1000)).toBe(RUN.VIOLATION);
    expect([e.global(G.VIOL_A), e.global(G.VIOL_B), e.global(G.VIOL_C)]).toEqual([BUG.UNKNOWN_PROC, P_COUNT + 3, 0]);
    expect(modelViolation(e)?.message).toMatch(`no procedure ${P_COUNT + 3}`);
  });

  it("an unknown section of a procedure is a BUG naming both", async () => {
    const e = machine({}, await make());
    e.m.start_proc(0, P.do_fork, 0, 0, 0, 0);
    // The frame just pushed: agent 0's first, [proc, pc, locals...]; send it to section 77.
    const frame = e.region(R.STACKS) >> 2;
    expect(e.I32[frame]).toBe(P.do_fork);
    expect(STACK_FRAMES * FRAME_WORDS).toBeGreaterThan(2);
    e.I32[frame + 1] = 77;
    expect(e.run(1000)).toBe(RUN.VIOLATION);
    expect([e.global(G.VIOL_A), e.global(G.VIOL_B), e.global(G.VIOL_C)]).toEqual([BUG.UNKNOWN_PC, P.do_fork, 77]);
    expect(modelViolation(e)?.message).toMatch("do_fork has no section 77");
  });
});
