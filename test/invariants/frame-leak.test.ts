// An in-use frame at count 0 at rest: put_page passed it by without freeing it, and nothing
// ever will (2.4.16's shrink_cache even skips "!page_count"). Until 6 Dec 2026 (a helper's
// audit of the invariants) both checks at rest took it for clean: the count matched its
// holders, none. Now the host's passes report bug-on:frame-leak and the model's fused check
// (assembly/kernel/rest.ts frames_counted) is not clean.
import { describe, it, expect } from "vitest";
import { tinyModelRig } from "../helpers/rig.js";
import { P, PG } from "../../src/wasm/abi.js";
import { checkInvariants, fusedCleanAtRest } from "../../src/invariants/check.js";

describe("an in-use frame at count 0, at rest", () => {
  for (const model of ["linux-2.4.16", "linux-2.4.0"]) {
    it(`${model}: reported by the host's passes and by the model's fused check`, () => {
      const r = tinyModelRig(model, { rounds: 200, disk: true, noViolation: true });
      const { s, e } = r;
      const f = r.run(P.alloc_page);
      r.run(P.lru_cache_add, [f]);
      expect(s.flags(f) & PG.LRU).toBe(PG.LRU);
      s.setCount(f, 0); // the page the allocation handed out is held by nothing now
      const found = checkInvariants(e, { quiescent: true, full: true });
      expect(found.map((v) => v.signature)).toEqual(["bug-on:frame-leak"]);
      expect(found[0].message).toMatch(new RegExp(`page ${f} is in use with count 0`));
      expect(fusedCleanAtRest(e)).toBe(false);
    });
  }
});
