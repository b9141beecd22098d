// 2.4.16 mm/oom_kill.c out_of_memory takes "now - last" and "now - first" as unsigned longs.
// The model's jiffies are G_STEP >> CFG_JIFFY_SHIFT; at --jiffy-steps 1 (shift 0) a difference
// keeps all 32 bits, and until 6 Dec 2026 (a helper's audit of oom_kill.ts) it was compared
// signed: once the failures began 2^31 or more steps after the statics were last set, the
// "long time since the last failure" test never reset them and "since < HZ" always held, so
// no failure was counted and nobody was killed for another 2^31 steps. Both builds (the Wasm
// and the JS twin, which has no u32) now compare them as unsigned.
import { describe, it, expect } from "vitest";
import { machine, state, G, startProc } from "../helpers/machine.js";
import { LINUX_2_4_16, SMALL_RIG, S } from "../helpers/rig.js";
import { Engine } from "../../src/wasm/engine.js";
import { P } from "../../src/wasm/abi.js";

/** Swap full and no page free, the clock just past 2^31 steps with the OOM statics at 0 (the
 *  boot's): 40 calls of try_to_free_pages on CPU0. The counts after each, and the kills. */
function failuresPast2to31(shift: number, engine: Engine) {
  const e = machine({ ...SMALL_RIG, flags: LINUX_2_4_16, oomClock: true, jiffyShift: shift }, engine);
  const s = state(e);
  for (;;) {
    startProc(e, 0, P.get_swap_page);
    e.m.ops_end(0);
    e.run(10000);
    if (e.m.agent_ret(0) === 0) break; // every slot taken: nr_swap_pages 0
  }
  s.setG(G.STEP, (0x80000000 + 1000) | 0);
  s.setG(G.NR_FREE, 0);
  const counts: number[] = [];
  for (let i = 0; i < 40; i++) {
    startProc(e, 0, P.try_to_free_pages);
    e.m.ops_end(0);
    e.run(100000);
    counts.push(s.g(G.OOM_COUNT));
  }
  return { counts, kills: s.stat(S.oomKills) };
}

describe("out_of_memory's jiffies differences past 2^31 steps", () => {
  for (const shift of [0, 1]) {
    it(`--jiffy-steps ${1 << shift}: the failures are counted and the killer runs (Wasm and JS alike)`, async () => {
      const wasm = failuresPast2to31(shift, Engine.wasm());
      expect(Math.max(...wasm.counts)).toBeGreaterThan(0);
      expect(wasm.kills).toBeGreaterThan(0);
      expect(failuresPast2to31(shift, await Engine.js())).toEqual(wasm);
    });
  }
});
