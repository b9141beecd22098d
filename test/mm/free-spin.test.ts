// A page_cache_release that spins on pagemap_lru_lock (2.4.16 mm/page_alloc.c page_cache_release →
// lru_cache_del, another CPU holding the lock): put_page is a plain function, so its caller's
// section goes on to its end before the agent spins (locks.ts spin_after_section). What follows
// the spin's start must be what the kernel could as well do after the spin ends. shrink_cache's
// need_resched point after its own release (SC_WRITTEN, SC_WAIT) drops the BKL of a task that
// holds it (2.4.0 and pre9's do_swap_page reclaim under it): after a spinning release it waits
// for the spin's end (vmscan.ts shrink_released, SC_RESCHED). The traced build checks the rule
// itself: a lock taken or dropped after the spin began is V_BUG_ON BUG_AFTER_SPIN (frame.ts
// after_spin_check), shown here on a twin of the model without shrink_released's test, and
// held over whole traced hunts of every model.
import { describe, it, expect } from "vitest";
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AG, G } from "../helpers/machine.js";
import { directedRig, holdLruLock, EV, LINUX_2_4_10 } from "../helpers/rig.js";
import { P, PG, ST, BUG, R, STACK_FRAMES, FRAME_WORDS } from "../../src/wasm/abi.js";
import { Engine } from "../../src/wasm/engine.js";
import { hunt } from "../../src/index.js";
import { MODELS } from "../../src/model/models.js";

// assembly/mm/vmscan.ts shrink_cache's sections and locals.
const SC_WRITTEN = 2;
const SC_PAGE = 8;

/** The JS twin (dist/jsmodel/model.js) with `from` replaced by `to`: the same model but that
 *  one change, built as Engine.js() builds the twin. */
async function twinWith(from: string, to: string): Promise<Engine> {
  let source = readFileSync(path.resolve("dist/jsmodel/model.js"), "utf8");
  expect(source.includes(from), `dist/jsmodel/model.js has ${JSON.stringify(from)}`).toBe(true);
  source = source.replace(from, to);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "faultsim-free-spin-"));
  try {
    const file = path.join(tmp, "model.mjs");
    writeFileSync(file, source);
    const model = (await import(pathToFileURL(file).href)).createModel();
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
    model.bind_memory(memory, 1024);
    return Reflect.construct(Engine, ["js", memory, model]) as Engine;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** linux-2.4.10-pre: CPU1 holds pagemap_lru_lock in shrink_cache (stopped for pagecache_lock
 *  over a clean cached page). CPU0, a direct reclaimer holding the BKL, is in shrink_cache
 *  back from writing a listed page whose one reference left is its own (the cache's went while
 *  the write ran): SC_WRITTEN, where page_cache_release frees it. */
function writtenWhileLruHeld(engine?: Engine) {
  const r = directedRig(
    { cpus: 2, frames: 16, slotsPerArea: 16, flags: LINUX_2_4_10, freeMin: 0, freeLow: 0 },
    { rounds: 1, disk: false, noViolation: true },
    engine,
  );
  const page = r.run(P.alloc_page);
  r.run(P.lru_cache_add, [page]);
  r.s.setFlags(page, r.s.flags(page) | PG.REFERENCED); // CPU1's walk passes it over
  holdLruLock(r, 1);
  r.start(0, P.shrink_cache, [32, 6]);
  const frame = (r.e.region(R.STACKS) >> 2) + 0 * STACK_FRAMES * FRAME_WORDS; // CPU0's first frame
  expect(r.e.I32[frame]).toBe(P.shrink_cache);
  r.e.I32[frame + 1] = SC_WRITTEN;
  r.e.I32[frame + 2 + SC_PAGE] = page;
  r.s.setG(G.BKL, 1); // CPU0 + 1, once
  r.s.setAgent(0, AG.BKL_DEPTH, 1);
  return { ...r, page };
}

describe("a release that spins on pagemap_lru_lock: what its section does after the spin began", () => {
  it("shrink_cache's reclaimer keeps the BKL while it spins, and drops it at the loop top after", () => {
    const { s, d, page } = writtenWhileLruHeld();
    expect(d.step(0)).toBe(true); // SC_WRITTEN: page_cache_release → the page waits on the LRU
    expect(s.count(page)).toBe(0);
    expect(s.agent(0, AG.STATE)).toBe(ST.SPIN);
    expect(s.g(G.BKL)).toBe(1); // still CPU0's: 2.4's spin_lock does not let the BKL go
    expect(d.trace.some((t) => t.agent === 0 && t.event === EV.BKL_DROPPED)).toBe(false);
    d.drain(1); // CPU1 lets go of the LRU lock: the page leaves the list, freed
    expect(s.flags(page) & (PG.LRU | PG.INUSE)).toBe(0);
    expect(s.agent(0, AG.STATE)).toBe(ST.RUNNABLE);
    const unlocked = d.trace.length;
    expect(d.step(0)).toBe(true); // SC_RESCHED: the need_resched point, the BKL let go
    expect(d.trace.slice(unlocked).some((t) => t.agent === 0 && t.event === EV.BKL_DROPPED)).toBe(true);
    expect(s.g(G.BKL)).toBe(0);
    expect(s.agent(0, AG.BKL_SAVED)).toBe(1);
    expect(d.violation()).toBe("none");
  });

  it("a model that lets the BKL go in the spinning section is a BUG_AFTER_SPIN (traced builds check it)", async () => {
    const twin = await twinWith("if (ag_get(cur, AG_BKL_DEPTH) != 0 && spinning_after_section()) return next(SC_RESCHED);", "");
    const { e, d } = writtenWhileLruHeld(twin);
    d.step(0);
    expect(d.violation()).toBe("bug-on");
    expect([e.global(G.VIOL_A), e.global(G.VIOL_B)]).toEqual([BUG.AFTER_SPIN, P.shrink_cache]);
  });

  // The rule over whole executions: the JS twin is a traced build, so a hunt on it checks
  // every section of every execution (kswapd, forks, exits, munmaps, swapoffs, the OOM paths).
  it.each(MODELS.map((m) => m.name))(
    "a traced hunt of %s with every op kind meets no section that goes on after its spin",
    async (model) => {
      const r = await hunt({
        model,
        backend: "js",
        mix: "all",
        seed: 1,
        executions: 3_000,
        keepGoing: true,
        shrinkMs: 0,
        budgetMs: 60_000,
      });
      expect(r.executions).toBe(3_000);
      const modelBugs = r.findings.filter((f) => /model bug/.test(f.verdict.message));
      expect(modelBugs.map((f) => f.verdict.message)).toEqual([]);
    },
    60_000,
  );
});
