// The LRU lists at rest (checkLru, and the model's fused pass rest.ts lru_lists_sound): every
// page in use on exactly one list, the active list holding exactly the PG_active pages, each
// list as long as its counter, no count-0 page left waiting for pagemap_lru_lock. Hand-built
// states broken one way each; both checkers must call them broken, the same way.
import { describe, it, expect } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { checkInvariants, fusedCleanAtRest } from "../../src/invariants/check.js";
import { G, PG, R } from "../../src/wasm/abi.js";
import { cleanState, lruCacheAdd } from "./build.js";
import { hunt } from "../../src/index.js";

const Q = { quiescent: true };
const RUNNING = { quiescent: false };

const signatures = (e: Engine) => checkInvariants(e, Q).map((v) => v.signature);

function links(e: Engine) {
  const next = e.region(R.PG_LRU_NEXT) >> 2,
    prev = e.region(R.PG_LRU_PREV) >> 2;
  const inactive = e.config.frames + 1;
  return { next, prev, inactive, active: e.config.frames };
}

describe("lru: the LRU lists at rest", () => {
  it("the hand-built state has its four pages on the inactive list and is clean", () => {
    const { e, s } = cleanState();
    expect(s.g(G.NR_INACTIVE)).toBe(4);
    expect(signatures(e)).toEqual([]);
    expect(fusedCleanAtRest(e)).toBe(true);
  });

  it("a page in use on neither list (its list_add lost): lru:missing and the counter", () => {
    const { e, s, anon } = cleanState();
    const L = links(e);
    // Unlink anon as list_del does, leaving its flags and the counter as they were.
    const n = e.I32[L.next + anon],
      p = e.I32[L.prev + anon];
    e.I32[L.next + p] = n;
    e.I32[L.prev + n] = p;
    e.I32[L.next + anon] = anon;
    e.I32[L.prev + anon] = anon;
    s.setFlags(anon, s.flags(anon) & ~PG.LRU);
    expect(signatures(e)).toEqual(["lru:nr_inactive_pages", "lru:missing"]);
    expect(fusedCleanAtRest(e)).toBe(false);
    expect(checkInvariants(e, RUNNING)).toEqual([]); // only judged at rest
  });

  it("nr_active_pages off by one", () => {
    const { e, s } = cleanState();
    s.setG(G.NR_ACTIVE, 1);
    expect(signatures(e)).toEqual(["lru:nr_active_pages"]);
    expect(fusedCleanAtRest(e)).toBe(false);
  });

  it("a PG_active page on the inactive list, and a page marked PG_lru on no list", () => {
    const { e, s, anon } = cleanState();
    s.setFlags(anon, s.flags(anon) | PG.ACTIVE);
    expect(signatures(e)[0]).toBe("lru:flags");
    expect(fusedCleanAtRest(e)).toBe(false);
    s.setFlags(anon, s.flags(anon) & ~PG.ACTIVE);
    expect(fusedCleanAtRest(e)).toBe(true);
    const free = e.I32[(e.region(R.FREE_STACK) >> 2) + s.g(G.NR_FREE) - 1];
    s.setFlags(free, PG.LRU);
    expect(signatures(e)).toContain("lru:flags");
    expect(fusedCleanAtRest(e)).toBe(false);
  });

  it("a page on both lists (added twice): the walk meets it with the wrong flags or a broken link", () => {
    const { e, s, shared } = cleanState();
    lruCacheAdd(e, s, shared); // second list_add of a page already listed
    expect(signatures(e).some((x) => x === "lru:list" || x === "lru:flags")).toBe(true);
    expect(fusedCleanAtRest(e)).toBe(false);
  });

  it("a count-0 page still waiting for pagemap_lru_lock at rest: lru:pending", () => {
    const { e, s } = cleanState();
    s.setG(G.LRU_PENDING, 1);
    expect(signatures(e)).toEqual(["lru:pending"]);
    expect(fusedCleanAtRest(e)).toBe(false);
  });

  it("never fires on the models' own executions: --mix all hunts of linux-2.4.16-fixed and linux-2.4.10-pre end with no lru finding", async () => {
    const fixed = await hunt({
      model: "linux-2.4.16-fixed",
      mix: "all",
      executions: 20_000,
      budgetMs: 600_000,
      keepGoing: true,
      shrinkMs: 0,
    });
    expect(fixed.findings.map((f) => f.signature)).toEqual([]);
    // pre9's executions end broken in other ways (the seed races); none of them on the lists.
    const pre = await hunt({ model: "linux-2.4.10-pre", mix: "all", executions: 20_000, budgetMs: 600_000, keepGoing: true, shrinkMs: 0 });
    expect(pre.findings.length).toBeGreaterThan(0);
    expect(pre.findings.filter((f) => f.signature.startsWith("lru")).map((f) => f.signature)).toEqual([]);
  }, 60_000);
});
