// nr_swap_pages drift by 2.4.10-pre9's unlocked swap_duplicate (docs/kernel-notes.md, "The
// seed's races", item 7): mm/swapfile.c swap_duplicate of 2.4.0 and pre9 tests the slot count
// with no lock and increments it under swap_device_lock without looking again, so a reader's
// duplicate racing the last swap_free revives a free slot (0 -> 1) that nr_swap_pages already
// counts free; freeing it again counts it twice. Hugh Dickins' 15 Sep 2001 patch moved the test
// under the lock (flag unlocked-dup-check, off in linux-2.4.16). The seed's duplicate comes
// first on linux-2.4.10-pre, so the hunt closes it with unique-add (`--with unique-add`).
import { describe, it, expect } from "vitest";
import { hunt, type HuntOptions } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { decodeSchedule, type Repro } from "../../src/report/repro.js";
import { EV, type TraceRecord } from "../../src/report/trace.js";

/** The first revival in a trace: a duplicate's unlocked test saw E in use, E's count reached 0
 *  on another agent, then the same duplicate's increment made it 1. */
function revival(records: readonly TraceRecord[]) {
  for (let c = 0; c < records.length; c++) {
    const checked = records[c];
    if (checked.event !== EV.SWAP_DUP_CHECKED || checked.b < 1) continue;
    const E = checked.a;
    const inc = records.findIndex((r, i) => i > c && r.agent === checked.agent && r.event === EV.SWAP_DUP && r.a === E);
    if (inc < 0 || records[inc].b !== 1) continue;
    const free = records.findIndex((r, i) => i > c && i < inc && r.event === EV.SWAP_FREE && r.a === E && r.b === 0);
    if (free < 0 || records[free].agent === checked.agent) continue;
    const freedAgain = records.some((r, i) => i > inc && r.event === EV.SWAP_FREE && r.a === E && r.b === 0);
    return { entry: E, seen: checked.b, reader: checked.agent, freer: records[free].agent, freedAgain };
  }
  return undefined;
}

async function traceOf(r: Repro): Promise<{ signature?: string; records: readonly TraceRecord[] }> {
  const rep = await Replayer.create(r.machine, r.flags);
  const out = rep.run({ ops: r.ops, seed: r.seed, schedule: decodeSchedule(r.schedule) }, { trace: true });
  return { signature: out.verdict?.signature, records: out.records ?? [] };
}

// `faultsim hunt --with unique-add --sched random --seed 5`, bounded by executions, unshrunk.
const shape: HuntOptions = {
  model: "linux-2.4.10-pre",
  with: ["unique-add"],
  sched: "random",
  seed: 5,
  executions: 42_000,
  budgetMs: 60_000,
  shrinkMs: 0,
};

describe("hunt --with unique-add --sched random --seed 5 (linux-2.4.10-pre)", () => {
  it("finds nr-swap-pages within 42,000 executions (at 41,249): a duplicate revived a slot freed under it", async () => {
    const r = await hunt(shape);
    expect(r.findings.map((f) => [f.signature, f.execution])).toEqual([["nr-swap-pages:counter", 41_249]]);
    const t = await traceOf(r.findings[0].repro);
    expect(t.signature).toBe("nr-swap-pages:counter");
    const v = revival(t.records);
    expect(v).toBeDefined();
    expect(v!.seen).toBeGreaterThanOrEqual(1);
    expect(v!.freer).not.toBe(v!.reader);
    expect(v!.freedAgain).toBe(true); // the second nr_swap_pages++ for one slot
  });

  it("with swap_duplicate's test under swap_device_lock (2.4.16, --without unlocked-dup-check): nothing in the same executions", async () => {
    const r = await hunt({ ...shape, without: ["unlocked-dup-check"] });
    expect(r.executions).toBe(42_000);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
  });
});
