// The lock-order check (docs/kernel-notes.md invariant 8) ranks page_table_lock outside
// pagecache_lock, pagemap_lru_lock and the swap locks. Until 6 Dec 2026 PTL was exempt from the
// test altogether (so that fork's parent-then-child pair passed), and a PTL taken inside one of
// those would have gone unreported (an open gap of that day's audit of the invariants). No model
// path does it: these tests make a CPU hold a lock by hand and see the fault's PTL judged.
import { describe, it, expect } from "vitest";
import { tinyModelRig, swappedOut } from "../helpers/rig.js";
import { AG } from "../helpers/machine.js";
import { P } from "../../src/wasm/abi.js";
import { modelViolation } from "../../src/invariants/check.js";

/** CPU0 of a tiny linux-2.4.16 machine faulting on mm0[3] (swapped out) with lock ranks `held`
 *  already noted as held (AG_HELD: tasklist 0, mmlist 1, PTL 2, LRU 4, ...), stepped until a
 *  violation or its return. */
function faultHolding(held: number) {
  const r = tinyModelRig("linux-2.4.16", { rounds: 100, disk: true, noViolation: false });
  const { s, d, start } = r;
  swappedOut(r, 0, 3, 0x55);
  s.setAgent(0, AG.HELD, held);
  start(0, P.access, [0, 3, 0]);
  for (let n = 0; n < 50 && d.violation() === "none" && d.step(0); n++);
  return r;
}

describe("page_table_lock in the lock-order check", () => {
  it("taken inside pagemap_lru_lock: a lock-order violation", () => {
    const r = faultHolding(1 << 4);
    expect(r.d.violation()).toBe("lock-order");
    expect(modelViolation(r.e)?.signature).toMatch(/^lock-order/);
  });

  it("taken inside another page_table_lock (fork's pair) or inside mmlist_lock: in order", () => {
    for (const held of [1 << 2, 1 << 1]) {
      const r = faultHolding(held);
      expect(r.d.violation(), `held ${held}`).toBe("none");
    }
  });
});
