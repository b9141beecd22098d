// Reclaim stalls (src/bulk/run.ts ReclaimStall; docs/kernel-notes.md, "Reclaim stalls"). A
// swapoff whose area holds more slots in use than the other areas have free puts
// nr_swap_pages below 0 (2.4.16 sys_swapoff subtracts the area's pages), get_swap_page then
// refuses every page although the other area has free slots, and reclaim frees next to
// nothing: 2.4.16 waits there for its OOM killer (flag oom-kill: test/bulk/oom-kill.test.ts);
// without it the model crawls until an allocation fails and the swapoff gives up with -ENOMEM.
// On 65,536 frames that took 1.3G steps; here the same state on 1,024 frames, with a stall
// bound small enough to see it, and the killer off so that the crawl is what is measured.
// `run` reports the stall, and the watch must not change the run.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { A, AREA_WORDS, G, R } from "../../src/wasm/abi.js";
import { runBulk, STALL_STEPS, type BulkResult, type ReclaimStall } from "../../src/bulk/run.js";
import { bulkSetupOf, runJson, type RunSettings } from "../../src/cli.js";
import { cliCapture, runSettings } from "../helpers/cli.js";
import { errorsOf } from "../helpers/json-schema.js";

const { io, faultsim } = cliCapture();

/** A swapoff on a 4x machine whose slots are twice its frames: no area can go with room to spare. */
const SWAPOFF =
  "--cpus 4 --frames 1024 --pages 1024 --mms 4 --slots 2048 --pattern uniform --ops 20000 --swapoff-rate 0.001 --without oom-kill";
/** Swap too small for the workload: full from the steady phase on. */
const SWAP_FULL = "--cpus 4 --frames 256 --pages 256 --mms 4 --slots 256 --pattern uniform --ops 2000 --swapoff-rate 0 --without oom-kill";

/** The swap areas as the machine has them: flags, usable slots, slots in use. */
function areas(e: Engine, n: number): { flags: number; pages: number; inuse: number }[] {
  const w = (a: number, k: number) => e.I32[(e.region(R.AREAS) >> 2) + a * AREA_WORDS + k];
  return Array.from({ length: n }, (_, a) => ({ flags: w(a, A.FLAGS), pages: w(a, A.PAGES), inuse: w(a, A.INUSE) }));
}

interface Seen {
  stall: ReclaimStall;
  swapoffArea: number;
  nrSwapPages: number;
  areas: ReturnType<typeof areas>;
}

/** Runs `args` as `faultsim run` would (no deep checker), stalls reported past `stallSteps`;
 *  what the machine held when each stall reached the bound. */
async function runWith(args: string, stallSteps: number): Promise<{ r: BulkResult; seen: Seen[]; s: RunSettings }> {
  const s = await runSettings(args);
  const { machine, workload } = bulkSetupOf(s);
  const e = await Engine.create("wasm", "untraced");
  const seen: Seen[] = [];
  const r = await runBulk({
    backend: "wasm",
    engine: e,
    machine,
    workload,
    seed: s.seed,
    ops: s.ops,
    checkInterval: 0,
    stallSteps,
    onStall: (stall) =>
      seen.push({ stall, swapoffArea: e.global(G.SWAPOFF_AREA), nrSwapPages: e.global(G.NR_SWAP_PAGES), areas: areas(e, s.areas) }),
  });
  return { r, seen, s };
}

/** The swapoff run with stalls reported past 1M steps, run once for the tests that read it. */
let swapoffRun: ReturnType<typeof runWith> | undefined;
const swapoffStalls = () => (swapoffRun ??= runWith(SWAPOFF, 1 << 20));

const SWP_USED = 1;
const SWP_WRITEOK = 3;

describe("reclaim stalls", () => {
  it("a swapoff without room: get_swap_page refuses though another area has free slots, and the run crawls until the swapoff gives up", async () => {
    const { r, seen } = await swapoffStalls();
    expect(r.stalls.length).toBeGreaterThan(0);
    expect(seen.length).toBe(r.stalls.length);
    for (const x of seen) {
      // The state of the 65,536-frame run: the area going is not allocatable, nr_swap_pages is
      // at or below 0, and another area is allocatable with slots free.
      expect(x.stall.cause).toBe("swapoff");
      expect(x.swapoffArea).toBe(x.stall.area);
      expect(x.nrSwapPages).toBeLessThanOrEqual(0);
      expect(x.areas[x.swapoffArea].flags).toBe(SWP_USED);
      expect(x.areas.some((a, i) => i !== x.swapoffArea && a.flags === SWP_WRITEOK && a.inuse < a.pages)).toBe(true);
      // nr_swap_pages is the other areas' free slots less the slots the swapoff still has to
      // empty (sys_swapoff took all of its area's pages off): negative, so nothing is handed out.
      const free = x.areas.reduce((n, a, i) => (i === x.swapoffArea ? n : n + a.pages - a.inuse), 0);
      expect(x.nrSwapPages).toBe(free - x.areas[x.swapoffArea].inuse);
    }
    for (const st of r.stalls) {
      expect(st.cause).toBe("swapoff");
      expect(st.nrSwapPages).toBeLessThan(0);
      expect(st.to - st.from).toBeGreaterThanOrEqual(1 << 20);
    }
    // Each stall but one the run ended in was ended by the model's stand-in for the OOM kill:
    // an allocation found nothing free, try_to_unuse gave up with -ENOMEM.
    const closed = r.stalls.filter((st) => st.ended !== "run-end");
    expect(closed.length).toBeGreaterThan(0);
    for (const st of closed) expect(st.ended).toBe("swapoff-enomem");
    expect(r.stats.swapoffEnomem).toBeGreaterThanOrEqual(closed.length);
    // The crawl: ops per step inside the stalls a small fraction of the rest of the run's.
    const inSteps = r.stalls.reduce((n, st) => n + st.to - st.from, 0);
    const inOps = r.stalls.reduce((n, st) => n + st.ops, 0);
    expect(inOps / inSteps).toBeLessThan((r.ops - inOps) / (r.steps - inSteps) / 5);
  }, 60_000);

  it("the watch only reads: the same run with no stall reported has the same stats and state", async () => {
    const a = await swapoffStalls();
    const b = await runWith(SWAPOFF, Number.MAX_SAFE_INTEGER);
    expect(a.r.stalls.length).toBeGreaterThan(0);
    expect(b.r.stalls).toEqual([]);
    expect(b.seen).toEqual([]);
    expect(b.r.stateHash).toBe(a.r.stateHash);
    expect(b.r.stats).toEqual(a.r.stats);
  }, 60_000);

  it("no swapoff and swap enough: no stall, even at a bound of one chunk", async () => {
    const { r } = await runWith(SWAPOFF.replace("--swapoff-rate 0.001", "--swapoff-rate 0"), 1 << 16);
    expect(r.stats.swapoffEnomem + r.stats.swapoffs).toBe(0);
    expect(r.stalls).toEqual([]);
  }, 60_000);

  it("a full swap stalls too, with no swapoff; run --json's stalls fit the schema", async () => {
    const { r, seen, s } = await runWith(SWAP_FULL, 1 << 20);
    expect(r.stalls).toHaveLength(1);
    const [st] = r.stalls;
    expect(st).toMatchObject({ cause: "swap-full", nrSwapPages: 0, ended: "run-end" });
    expect(st.area).toBeUndefined();
    expect(seen[0].swapoffArea).toBe(-1);
    expect(seen[0].areas.every((a) => a.inuse === a.pages)).toBe(true);
    // Faults that find nothing free fail (the model's out_of_memory stand-in).
    expect(r.stats.oom).toBeGreaterThan(0);
    const doc = JSON.parse(JSON.stringify(runJson(s, r)));
    expect(doc.stalls).toEqual(r.stalls);
    expect(errorsOf("run", doc)).toEqual([]);
    expect(errorsOf("run", { ...doc, stalls: [{ ...doc.stalls[0], ended: "never" }] })).not.toEqual([]);
  }, 60_000);

  it("faultsim run says so: a note on stderr when a stall reaches the bound, a stalled line in the report", async () => {
    // 4,000 ops on 512 frames with 2 x 512 slots: swap full from the steady phase on, about 33M steps.
    const args =
      "--cpus 4 --frames 512 --pages 512 --mms 4 --slots 512 --pattern uniform --ops 4000 --swapoff-rate 0 --check-interval 0 --without oom-kill";
    expect(await faultsim("run", ...args.split(" "))).toBe(0);
    expect(io.err).toMatch(
      new RegExp(`^faultsim: reclaim stalled since step [\\d,]+ \\([\\d,]+ ops in ${STALL_STEPS.toLocaleString("en-US")} steps`, "m"),
    );
    expect(io.err).toContain("swap is full (nr_swap_pages 0)");
    const line = io.out.split("\n").find((l) => l.startsWith("stalled "));
    expect(line).toMatch(
      /^stalled {2}steps [\d,]+-[\d,]+: [\d,]+ ops, [\d,]+ swap-outs, [\d,]+ pages freed, 0 processes OOM-killed; swap is full \(nr_swap_pages 0\); ended: the run ended during it$/,
    );
    expect(io.out).toContain('(docs/kernel-notes.md, "Reclaim stalls"); more --slots give the workload room\n');
    expect(io.out).toMatch(/\nno violation\n$/);
  }, 60_000);
  it("with the OOM killer: a stall its kills end counts those kills, and a full swap stays its cause", async () => {
    // Swap too small for 2x pressure, the killer on: each stall is ended by kills whose exits
    // free slots. A kill can come in the chunk that ends the stall; until 5 Dec 2026 the
    // stall's counts stopped at the chunk before and could say "0 processes OOM-killed;
    // ended: the OOM killer's kills freed slots".
    const { r } = await runWith(
      "--cpus 4 --frames 256 --pages 512 --mms 4 --slots 600 --pattern uniform --ops 20000 --swapoff-rate 0 --fork-rate 0 --exit-rate 0.0005",
      1,
    );
    const byKill = r.stalls.filter((st) => st.ended === "oom-kill");
    expect(byKill.length).toBeGreaterThan(0);
    for (const st of byKill) {
      expect(st.oomKills).toBeGreaterThan(0);
      expect(st.cause).toBe("swap-full");
    }
    expect(r.stalls.reduce((n, st) => n + st.oomKills, 0)).toBeLessThanOrEqual(r.stats.oomKills);
  }, 60_000);
});
