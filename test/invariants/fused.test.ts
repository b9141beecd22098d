// The fused check at rest (the model's clean_at_rest, assembly/kernel/rest.ts) answers
// "clean?" for every hunt execution in one pass; the full passes (src/invariants/check.ts)
// say what is wrong. The two must agree, in both builds of the model: on the states the model
// leaves at the end of hunt executions (clean and not), and on those states broken one word
// at a time, the quiescent check gives exactly what the full passes give, and the fused pass
// calls a state clean exactly when the full passes find nothing. hunt_execution answers
// RUN.CLEAN exactly for those executions.
//
// The suite itself is fused-suite.ts. Here it runs over the first half of its executions on the
// Wasm build; over all of them, and on the JS twin, in the full tier (fused.full.test.ts). Here
// the twin is held to the Wasm build instead:
// the same run codes and checked words after each execution, and the same fused answer on
// those states broken word by word (the full passes read the same words in either build).
import { describe, it, expect } from "vitest";
import { RUN, SCHED } from "../../src/wasm/abi.js";
import { fusedCleanAtRest } from "../../src/invariants/check.js";
import { HUNT_MACHINE, HUNT_LOGCAP } from "../../src/explore/machine.js";
import { huntSeedBase } from "../../src/explore/workload.js";
import { resolveModel } from "../../src/model/models.js";
import type { ReproMachine } from "../../src/report/repro.js";
import { checkedWords, fusedSuite, huntEngine, mutate, rng } from "./fused-suite.js";

fusedSuite("wasm", 1 / 2);

describe("the JS twin's fused check at rest answers as the Wasm build's", () => {
  it.each([
    ["linux-2.4.16", "PCT", SCHED.PCT, HUNT_MACHINE],
    ["linux-2.4.10-pre", "random", SCHED.RANDOM, HUNT_MACHINE],
    ["linux-2.4.10-pre", "random, 64 frames", SCHED.RANDOM, { ...HUNT_MACHINE, frames: 64, pagesPerMm: 72, slotsPerArea: 64 }],
  ] as const)("%s (%s), on the same executions and the same broken words", async (model, _how, sched, machine: ReproMachine) => {
    const flags = resolveModel(model);
    const [w, j] = [await huntEngine("wasm", flags, machine, sched), await huntEngine("js", flags, machine, sched)].map((x) => x.e);
    const words = checkedWords(w);
    expect(checkedWords(j)).toEqual(words); // the same layout
    const r = rng(4242);
    const seedBase = huntSeedBase(3);
    const wrong: string[] = [];
    const answers = new Set<string>();
    for (let n = 0; n < 60; n++) {
      const code = w.m.hunt_execution(seedBase, n, HUNT_LOGCAP);
      if (j.m.hunt_execution(seedBase, n, HUNT_LOGCAP) !== code) wrong.push(`execution ${n}: run codes differ`);
      const differ = words.find((x) => (x.u16 ? w.U16[x.at] !== j.U16[x.at] : w.I32[x.at] !== j.I32[x.at]));
      if (differ) wrong.push(`execution ${n}: ${differ.what} differs`);
      answers.add(`${code}`);
      for (let i = 0; i < 40; i++) {
        const x = words[r(words.length)];
        const [vw, vj] = x.u16 ? [w.U16, j.U16] : [w.I32, j.I32];
        const was = vw[x.at];
        vw[x.at] = vj[x.at] = mutate(was, x.u16, machine.frames, r);
        const fw = fusedCleanAtRest(w);
        if (fusedCleanAtRest(j) !== fw) wrong.push(`execution ${n}, ${x.what} ${was} -> ${vw[x.at]}: fused answers differ`);
        answers.add(String(fw));
        vw[x.at] = vj[x.at] = was;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Not vacuous: clean and broken states both met.
    expect(answers).toContain("true");
    expect(answers).toContain("false");
    expect(answers).toContain(String(RUN.CLEAN));
  });
});
