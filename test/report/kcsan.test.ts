// `hunt`/`replay --format kcsan`: a finding as KCSAN prints a data race. Real findings of the
// hunter (the seed's swap-cache duplicate on 2.4.10-pre, and several kinds on 2.4.0 with the
// full op mix) are replayed with tracing, and each report is checked against the trace it came
// from: every frame of each side's stack is a call the trace shows that agent making, in
// order, before the access; the access names the violation's object; the later side is the
// agent that broke the invariant. The seed race must name both add_to_swap_cache paths.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliCapture } from "../helpers/cli.js";
import { decodeSchedule, type Repro } from "../../src/report/repro.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { Replayer, type Verdict } from "../../src/explore/execute.js";
import { kcsanReport, objectTokens, renderKcsan, type KcsanReport } from "../../src/report/kcsan.js";
import { EV, type TraceRecord } from "../../src/report/trace.js";
import { describeEvent } from "../../src/report/events/index.js";
import { P, PROC_NAMES, OP, makeOp } from "../../src/wasm/abi.js";

const { io, faultsim } = cliCapture();

interface Case {
  file: string;
  repro: Repro;
  records: TraceRecord[];
  verdict: Verdict;
  report: KcsanReport;
}

async function traced(file: string): Promise<Case> {
  const repro = loadRepro(file);
  const rep = await Replayer.create(repro.machine, repro.flags);
  const out = rep.run({ ops: repro.ops, seed: repro.seed, schedule: decodeSchedule(repro.schedule) }, { trace: true });
  const records = out.records ?? [];
  const verdict = out.verdict!;
  return { file, repro, records, verdict, report: kcsanReport({ records, cpus: repro.machine.cpus, violation: verdict }) };
}

let seedDir = "";
let kindsDir = "";
let seedCase: Case;
const kinds: Case[] = [];
/** The hunts' own output is not what this file tests: swallowed (cliCapture starts per test). */
function quiet(): () => void {
  const spy = vi.spyOn(process.stdout, "write").mockImplementation(((_s: unknown, a?: unknown, b?: unknown) => {
    const cb = typeof a === "function" ? a : typeof b === "function" ? b : undefined;
    if (cb) queueMicrotask(() => (cb as () => void)());
    return true;
  }) as typeof process.stdout.write);
  return () => spy.mockRestore();
}

beforeAll(async () => {
  const restore = quiet();
  seedDir = mkdtempSync(path.join(os.tmpdir(), "kcsan-seed-"));
  kindsDir = mkdtempSync(path.join(os.tmpdir(), "kcsan-kinds-"));
  // The default hunt: 2.4.10-pre, PCT depth 4, seed 1 (finds the duplicate in ~2K executions).
  expect(await faultsim("hunt", "--executions", "50000", "--shrink-ms", "0", "--json", "--out", seedDir)).toBe(1);
  seedCase = await traced(path.join(seedDir, readdirSync(seedDir)[0]));
  // 2.4.0 with every op kind: free-slot, data-lost, swap-count ... within a few thousand.
  await faultsim(
    "hunt",
    "--model",
    "linux-2.4.0",
    "--mix",
    "all",
    "--keep-going",
    "--executions",
    "3000",
    "--shrink-ms",
    "0",
    "--json",
    "--out",
    kindsDir,
  );
  restore();
  process.exitCode = undefined;
  for (const f of readdirSync(kindsDir).sort()) kinds.push(await traced(path.join(kindsDir, f)));
}, 120_000);
afterAll(() => {
  for (const d of [seedDir, kindsDir]) if (d) rmSync(d, { recursive: true, force: true });
});

/** The report's stacks are calls the trace shows: for each side, its frames (outermost first)
 *  each entered at section 0 by that agent, in order, after the agent's op began and no later
 *  than the access; the innermost frame is the procedure that ran the access. */
function expectStacksFromTrace(c: Case) {
  for (const s of c.report.sides) {
    const r = c.records[s.at];
    expect(s.agent).toBe(r.agent);
    expect(s.frames[0].proc).toBe(PROC_NAMES[r.proc]);
    let opStart = -1;
    for (let i = s.at; i >= 0 && opStart < 0; i--) if (c.records[i].agent === r.agent && c.records[i].event === EV.OP_START) opStart = i;
    let from = Math.max(opStart, 0);
    const outerFirst = [...s.frames].reverse();
    for (const [k, f] of outerFirst.entries()) {
      // An op's bottom frame may begin where the op starts; a callee begins at its section 0.
      let found = -1;
      for (let i = from; i <= s.at && found < 0; i++) {
        const x = c.records[i];
        if (x.agent === r.agent && PROC_NAMES[x.proc] === f.proc && (x.pc === 0 || (k === 0 && i === opStart))) found = i;
      }
      expect(found, `${c.file}: ${f.proc} entered on agent ${r.agent} before step ${r.step}`).toBeGreaterThanOrEqual(0);
      from = found;
    }
  }
}

describe("--format kcsan on the seed's swap-cache duplicate (2.4.10-pre)", () => {
  it("names the two add_to_swap_cache callers in the header, sorted as KCSAN sorts them", () => {
    expect(seedCase.verdict.id).toBe("swapcache-unique");
    expect(seedCase.report.functions).toEqual(["read_swap_cache_async", "try_to_swap_out"]);
  });

  it("gives both add_to_swap_cache paths with the stacks the trace shows", () => {
    const [first, second] = seedCase.report.sides;
    for (const s of [first, second]) {
      expect(seedCase.records[s.at].event).toBe(EV.ADD);
      expect(s.frames[0].proc).toBe("add_to_swap_cache");
      expect(s.access).toBe("write");
    }
    const procs = (s: typeof first) => s.frames.map((f) => f.proc);
    const reader = [first, second].find((s) => procs(s)[1] === "read_swap_cache_async")!;
    const swapper = [first, second].find((s) => procs(s)[1] === "try_to_swap_out")!;
    expect(procs(reader)).toContain("do_swap_page");
    expect(procs(swapper)).toContain("swap_out_mm");
    // The swapper is the agent whose get_swap_page handed out the entry both added.
    const E = seedCase.records[swapper.at].b;
    expect(seedCase.records.some((r) => r.agent === swapper.agent && r.event === EV.GET_SWAP_PAGE && r.a === E)).toBe(true);
    // The second add is the one that broke the invariant.
    expect(second.agent).toBe(seedCase.verdict.agent);
    expectStacksFromTrace(seedCase);
  });

  it("prints the value change of the entry's cache pages, and replay --format kcsan prints the same report", async () => {
    expect(seedCase.report.value).toMatchObject({ before: 1, after: 2 });
    expect(await faultsim("replay", "--format", "kcsan", seedCase.file)).toBe(1);
    const text = io.out;
    expect(text).toContain(
      renderKcsan({ records: seedCase.records, cpus: seedCase.repro.machine.cpus, violation: seedCase.verdict }).split("\nReported by")[0],
    );
    expect(text).toMatch(
      /^={66}\nBUG: KCSAN: data-race in read_swap_cache_async \/ try_to_swap_out\n\nwrite to the swap cache of E\d+:\d+ by /,
    );
    expect(text).toContain("value changed: 1 -> 2 (pages in the swap cache for E");
    expect(text).toContain("reproduced: swapcache-unique@add_to_swap_cache");
  });
});

describe("--format kcsan on several kinds of violation (2.4.0, every op kind)", () => {
  it("the hunt found several kinds", () => {
    const ids = new Set(kinds.map((c) => c.verdict.id));
    expect(ids.size, [...ids].join(", ")).toBeGreaterThanOrEqual(3);
  });

  it("each report's sides access the violation's object, the later side broke it, the stacks are the trace's", () => {
    for (const c of kinds) {
      const { report, verdict } = c;
      expect(report.sides.length, c.file).toBeGreaterThanOrEqual(1);
      const tokens = objectTokens(verdict.message);
      for (const s of report.sides) {
        const r = c.records[s.at];
        const text = describeEvent(r.event, r.a, r.b, r.c);
        if (verdict.id !== "swapcache-unique")
          expect(
            tokens.some((t) => text.includes(t)),
            `${c.file}: ${text}`,
          ).toBe(true);
      }
      const last = report.sides[report.sides.length - 1];
      if (verdict.agent >= 0) expect(last.agent, c.file).toBe(verdict.agent);
      if (report.sides.length === 2) {
        const [a, b] = report.sides;
        expect(a.at).toBeLessThan(b.at);
        expect(a.agent).not.toBe(b.agent);
        // Each header function is in one side's stack.
        for (const fn of report.functions) expect(report.sides.some((s) => s.frames.some((f) => f.proc === fn))).toBe(true);
      }
      expectStacksFromTrace(c);
    }
  });

  it("replay --format kcsan prints each as KCSAN does: header, both accesses by task and cpu, the violation", async () => {
    for (const c of kinds) {
      io.out = "";
      expect(await faultsim("replay", "--format", "kcsan", c.file)).toBe(1);
      const fns = c.report.functions.join(" / ");
      expect(io.out.startsWith(`${"=".repeat(66)}\nBUG: KCSAN: data-race in ${fns}\n\n`), io.out).toBe(true);
      const accesses = io.out.match(
        /^(?:race at unknown origin, with )?(?:read|write) to .* by (?:task mm\d+ on cpu \d+|task on cpu \d+ \(swap(?:off|on) area \d+\)|task kswapd|interrupt \(disk completion\)):$/gm,
      );
      expect(accesses?.length).toBe(c.report.sides.length);
      expect(io.out).toContain(`${c.verdict.id}: ${c.verdict.message}`);
    }
  });
});

describe("renderKcsan on a synthetic trace", () => {
  const rec = (step: number, agent: number, proc: number, pc: number, event: number, a = 0, b = 0, c = 0): TraceRecord => ({
    step,
    agent,
    proc,
    pc,
    event,
    a,
    b,
    c,
  });
  it("takes KCSAN's unknown-origin form when no other agent touched the object", () => {
    const e1 = 1; // E0:1
    const records = [
      rec(0, 0, P.access, 0, EV.OP_START, makeOp(OP.READ, 0, 1)),
      rec(1, 0, P.swap_free, 0, EV.SWAP_FREE, e1, 1),
      rec(2, 0, P.swap_free, 0, EV.SWAP_FREE, e1, 0),
    ];
    const text = renderKcsan({
      records,
      cpus: 2,
      violation: { id: "free-slot", message: "Unused swap file entry: E0:1, count 0", agent: 0 },
    });
    expect(text).toContain("BUG: KCSAN: data-race in swap_free\n");
    expect(text).toContain("race at unknown origin, with write to swap_map[E0:1] by task mm0 on cpu 0:");
    expect(text).toContain("value changed: 1 -> 0 (swap_map[E0:1])");
  });
});
