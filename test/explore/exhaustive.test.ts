// hunt --sched exhaustive (src/explore/exhaustive.ts): the search's own soundness checks on
// small op lists (a state cache that prunes exactly what a cacheless search shows to be
// redundant, a snapshot restore that equals a replay from reset, CPU renaming changes no
// count), and the command line's exits. The bounded proofs that take longer are in
// exhaustive.full.test.ts.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exhaustive, ExhaustiveSearch, forEachOpWords, opsOfWord, preemptionsOf } from "../../src/explore/exhaustive.js";
import { parseOpList } from "../../src/explore/exhaustive-cli.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { resolveModel } from "../../src/model/models.js";
import { OP, makeOp } from "../../src/wasm/abi.js";
import type { Engine } from "../../src/wasm/engine.js";
import { HuntExhaustiveJsonSchema } from "../../src/schema/outputs.js";
import { cliCapture } from "../helpers/cli.js";

const fixed = resolveModel("linux-2.4.16", [], []);
const w = (page: number) => makeOp(OP.WRITE, 0, page);
const r = (page: number) => makeOp(OP.READ, 0, page);

describe("the sweep's op lists", () => {
  it("are every list of n letters per CPU once per renaming of the CPUs (multisets of words)", () => {
    const seen: string[] = [];
    forEachOpWords(3, 1, 4, (ws) => {
      seen.push(ws.join(","));
      return true;
    });
    // Multisets of 3 words out of 4: C(4 + 3 - 1, 3) = 20, each non-decreasing and distinct.
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    for (const s of seen) {
      const ws = s.split(",").map(Number);
      expect([...ws].sort((a, b) => a - b)).toEqual(ws);
    }
  });

  it("spell a word's letters as reads and writes of each page, first op in the lowest digit", () => {
    const mk = (write: boolean, mm: number, page: number) => makeOp(write ? OP.WRITE : OP.READ, mm, page);
    // 4 pages: letters 0..7 = r0 w0 r1 w1 ...; word 3 + 8 * 4 = [w1, r2].
    expect(opsOfWord(3 + 8 * 4, 2, 4, 0, mk)).toEqual([w(1), r(2)]);
  });
});

describe("--op-list", () => {
  it("parses one list per CPU", () => {
    expect(parseOpList("w0 r1/w2, w3/ ", { ...HUNT_MACHINE }, true)).toEqual([[w(0), r(1)], [w(2), w(3)], []]);
  });
  it.each([
    ["w0/w1", /2 op lists for 3 CPUs/],
    ["w0/x1/r0", /'x1'/],
    ["w0/w9/r0", /'w9'/],
  ])("refuses %s", (spec, msg) => {
    expect(() => parseOpList(spec, { ...HUNT_MACHINE }, true)).toThrow(msg);
  });
});

describe("the exhaustive search", () => {
  // 2 CPUs + kswapd + the disk: writes enough to make reclaim swap, a read to fault one back.
  const machine = { ...HUNT_MACHINE, cpus: 2 };
  const ops = [[w(0)], [w(1), r(0)]];
  let e: Engine;
  beforeAll(async () => {
    e = await ExhaustiveSearch.engine(machine, fixed);
  });

  it("restores a backtrack from its snapshot exactly as a replay from reset gets there", async () => {
    const a = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops, preemptions: 1, engine: e });
    const b = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops, preemptions: 1, engine: e, restore: "replay" });
    expect(a.reached).toBe(1);
    expect(a.bounds.map((x) => [x.schedules, x.states, x.pruned])).toEqual(b.bounds.map((x) => [x.schedules, x.states, x.pruned]));
    expect(a.schedules).toBeGreaterThan(10);
  });

  it("prunes only what is redundant: a search without the cache meets exactly the same states", async () => {
    // The cache's soundness, measured: every state reachable within the bound is met by both.
    const small = ops;
    const cached = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops: small, preemptions: 1, engine: e });
    const all = await exhaustive({
      flags: fixed.flags,
      flags2: fixed.flags2,
      machine,
      ops: small,
      preemptions: 1,
      engine: e,
      cache: false,
    });
    expect(cached.reached).toBe(1);
    expect(all.reached).toBe(1);
    expect(all.bounds.map((b) => b.pruned)).toEqual([0, 0]);
    expect(cached.bounds[1].pruned).toBeGreaterThan(0);
    // Without the cache each path runs to its end: more schedules, the same states.
    expect(all.bounds[1].schedules).toBeGreaterThan(cached.bounds[1].schedules);
    expect(cached.bounds.map((b) => b.states)).toEqual(all.bounds.map((b) => b.states));
    expect(cached.bounds[1].states).toBeGreaterThan(cached.bounds[0].states);
  });

  it("prunes only what is redundant with kswapd-timeout too: its timer word holds steps left, not a step, so the key stays sound", async () => {
    // With the step the timer ends at in the word, two paths to one state at different steps
    // had different keys downstream: the cacheless search met 5,574 states, the cached 5,541.
    const timed = resolveModel("linux-2.4.16", ["kswapd-timeout"], []);
    const te = await ExhaustiveSearch.engine(machine, timed);
    const run = (cache: boolean) =>
      exhaustive({ flags: timed.flags, flags2: timed.flags2, machine, ops, preemptions: 1, engine: te, cache });
    const cached = await run(true);
    const all = await run(false);
    expect(cached.bounds[1].pruned).toBeGreaterThan(0);
    expect(cached.bounds.map((b) => b.states)).toEqual(all.bounds.map((b) => b.states));
  });

  it("counts a schedule's preemptions as the search spends them: switches away from an agent that could run on", () => {
    // The first choice is free; CPU0 one step (its op not done), then CPU1: one preemption.
    expect(preemptionsOf(e, [[w(0), w(2)], [w(1)]], [0])).toBe(0);
    expect(preemptionsOf(e, [[w(0), w(2)], [w(1)]], [0, 1])).toBe(1);
    expect(preemptionsOf(e, [[w(0), w(2)], [w(1)]], [1, 0])).toBe(1);
    expect(preemptionsOf(e, [[w(0), w(2)], [w(1)]], [0, 0])).toBe(0);
  });

  it("finds a planted bug with its fewest preemptions, with or without the cache, and spends what it says", async () => {
    // linux-2.4.16 without do_swap_page's pte_same recheck: a fault maps a page whose pte changed.
    const broken = resolveModel("linux-2.4.16", [], ["pte-same-recheck"]);
    const eb = await ExhaustiveSearch.engine(machine, broken);
    const bad = [[w(0), w(1), w(2), r(0)], [r(0)]];
    const o = { flags: broken.flags, flags2: broken.flags2, machine, ops: bad, preemptions: 3, engine: eb };
    const cached = await exhaustive(o);
    const all = await exhaustive({ ...o, cache: false });
    expect(cached.violation?.preemptions).toBe(1);
    expect(all.violation?.preemptions).toBe(1);
    expect(all.violation?.verdict.signature).toBe(cached.violation?.verdict.signature);
    // Bound 0 ran whole and clean first: 1 is the fewest.
    expect(cached.bounds[0].complete).toBe(true);
    expect(cached.reached).toBe(0);
    const v = cached.violation!;
    expect(preemptionsOf(eb, bad, v.schedule)).toBe(1);
    // The fixed model: the same ops stay clean to the same bound.
    const clean = await exhaustive({ ...o, flags: fixed.flags, flags2: fixed.flags2, engine: e, preemptions: 1 });
    expect(clean.violation).toBeUndefined();
    expect(clean.reached).toBe(1);
  });

  it("counts the same on the JS build of the model (the state key is hashed by the model's own code)", async () => {
    const a = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops, preemptions: 1, engine: e });
    const b = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops, preemptions: 1, backend: "js" });
    expect(b.bounds.map((x) => [x.schedules, x.states, x.pruned])).toEqual(a.bounds.map((x) => [x.schedules, x.states, x.pruned]));
  });

  it("counts the same states whichever CPU runs which list (CPUs are symmetric)", async () => {
    const a = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops, preemptions: 1, engine: e });
    const b = await exhaustive({ flags: fixed.flags, flags2: fixed.flags2, machine, ops: [ops[1], ops[0]], preemptions: 1, engine: e });
    expect(b.bounds.map((x) => x.states)).toEqual(a.bounds.map((x) => x.states));
  });
});

describe("hunt --sched exhaustive on the command line", () => {
  const { io, faultsim } = cliCapture();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "faultsim-exh-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["a negative bound", ["--sched", "exhaustive", "--preemptions", "-1"], /--preemptions/],
    ["an op list for too few CPUs", ["--sched", "exhaustive", "--op-list", "w0"], /op lists for 3 CPUs/],
    ["a sweep and an op list", ["--sched", "exhaustive", "--exhaustive-ops", "1", "--op-list", "w0/w1/w2"], /together/],
    ["--preemptions without exhaustive", ["--preemptions", "1"], /needs --sched exhaustive/],
    ["workers", ["--sched", "exhaustive", "--workers", "2"], /one thread/],
  ])("%s: exit 2, one line", async (_, args, msg) => {
    expect(await faultsim("hunt", ...args, "--out", dir)).toBe(2);
    expect(io.err).toMatch(msg);
    expect(io.err.trim().split("\n")).toHaveLength(1);
  });

  it("linux-2.4.16 on a clock of 1 step a jiffy: kswapd's timer that runs out is seen by the search (exit 0, no internal error)", async () => {
    // kswapd-timeout's timer once fired at the top of run()'s next step, after the search had
    // read the runnable mask from memory: here a node with every CPU done and the timer due
    // ended in "internal error ... run() stopped with code 4 (the schedule diverged)", exit 3,
    // within 2 s. The timer is now checked after every step (assembly/kernel/machine.ts).
    const args = ["--model", "linux-2.4.16", "--sched", "exhaustive", "--frames", "6", "--ops", "3", "--preemptions", "2"];
    const code = await faultsim("hunt", ...args, "--jiffy-steps", "1", "--budget-ms", "4000", "--out", dir);
    expect(io.err).not.toMatch(/internal error/);
    expect(code).toBe(0);
  }, 60_000);

  it("writes the violation with the fewest preemptions as a repro that faultsim replay reproduces, exit 1", async () => {
    const args = ["--model", "linux-2.4.16", "--without", "pte-same-recheck", "--cpus", "2", "--sched", "exhaustive"];
    const code = await faultsim("hunt", ...args, "--preemptions", "3", "--op-list", "w0 w1 w2 r0/r0", "--json", "--out", dir);
    expect(code).toBe(1);
    const j = HuntExhaustiveJsonSchema.parse(JSON.parse(io.out));
    expect(j.violation?.preemptions).toBe(1);
    expect(j.explored[0].bounds.map((b) => [b.preemptions, b.complete])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(j.violation?.diagram).toMatch(/CPU0/);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(j.violation?.file).toBe(path.join(dir, files[0]));
    const repro = JSON.parse(readFileSync(path.join(dir, files[0]), "utf8"));
    expect(repro.sched).toEqual({ kind: "exhaustive", preemptions: 1 });
    io.out = "";
    expect(await faultsim("replay", path.join(dir, files[0]))).toBe(1);
    expect(io.out).toMatch(/reproduced: /);
  });

  it("says no violation with ≤ K preemptions for the ops, exit 0, JSON to its schema", async () => {
    const code = await faultsim(
      "hunt",
      "--model",
      "linux-2.4.16",
      "--sched",
      "exhaustive",
      "--preemptions",
      "1",
      "--op-list",
      "w0/w1/r0",
      "--json",
      "--out",
      dir,
    );
    expect(code).toBe(0);
    const j = HuntExhaustiveJsonSchema.parse(JSON.parse(io.out));
    expect(j.verdict).toBe("no violation with ≤ 1 preemptions for these ops");
    expect(j.complete).toBe(true);
    expect(j.explored[0].reached).toBe(1);
    expect(j.explored[0].bounds.map((b) => b.preemptions)).toEqual([0, 1]);
    expect(j.violation).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });
});
