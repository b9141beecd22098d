// Findings are durable the moment they are found (issue 9, part 1): the repro file is on disk
// before the hunt goes on (the unshrunk one before shrinking, replaced atomically by the
// shrunk one), a signal stops a shrink and keeps what it has, `--out` is checked before the
// first execution, and `--jsonl` streams start, finding and end events.
// The signals themselves (SIGKILL, SIGTERM, SIGHUP) are tested on the built CLI in
// durable.full.test.ts.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveModel } from "../../src/model/models.js";
import { hunt, HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import { huntWorkloadOf, type Finding, type HuntOptions } from "../../src/explore/hunt-options.js";
import { investigate } from "../../src/explore/investigate.js";
import { Replayer } from "../../src/explore/execute.js";
import { shrink } from "../../src/explore/shrink.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import { runCampaignInline } from "../../src/workers/campaign.js";
import { replaceRepro, writeRepro, type Repro } from "../../src/report/repro.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { cliCapture } from "../helpers/cli.js";

const model = resolveModel("linux-2.4.10-pre");
const opts = (over: Partial<HuntOptions> = {}): HuntOptions => ({
  ...HUNT_DEFAULTS,
  model,
  machine: HUNT_MACHINE,
  seed: 1,
  executions: 50_000,
  budgetMs: 30_000,
  shrinkMs: 3_000,
  ...over,
});
const withoutText = (r: Repro) => ({ ...r, opsText: undefined });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-durable-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The first failing execution of a PCT hunt campaign (what a worker hands back). */
async function firstFailure(o: HuntOptions) {
  const params = {
    backend: o.backend,
    flags: o.model.flags,
    flags2: o.model.flags2,
    machine: o.machine,
    sched: o.sched,
    depth: o.depth,
    pctK: 200,
    huntSeed: o.seed,
    workload: huntWorkloadOf(o),
  };
  const r = await runCampaignInline({ job: { kind: "hunt", params }, firstSeed: 0, executions: 200_000, stopOnViolation: true });
  if (!r.found?.replay) throw new Error("linux-2.4.10-pre should fail within 200,000 executions");
  return r.found;
}

describe("a finding's repro file", () => {
  it("is on disk, complete and shrunk, when the hunt reports the finding; nothing else is left in --out", async () => {
    const seen: { f: Finding; onDisk: Repro }[] = [];
    const r = await hunt(opts({ out: dir, onFinding: (f) => seen.push({ f, onDisk: loadRepro(path.join(dir, path.basename(f.file!))) }) }));
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(seen.map((s) => s.f)).toEqual([f]);
    expect(withoutText(seen[0].onDisk)).toEqual(withoutText(f.repro));
    expect(f.shrunk.ops).toBeLessThan(f.original.ops); // the shrunk repro replaced the first one
    expect(f.shrinkInterrupted).toBe(false);
    expect(readdirSync(dir)).toEqual([path.basename(f.file!)]);
  }, 60_000);

  it("a signal during shrinking stops it: the repro is the unshrunk finding, written before the shrink began", async () => {
    const o = opts();
    const found = await firstFailure(o);
    const rep = await Replayer.create(o.machine, o.model, o.backend);
    const { seed, ops, schedule } = found.replay!;
    const verdict = { id: found.violation as Finding["verdict"]["id"], signature: found.signature, message: found.message, agent: -1 };
    const stopped = await investigate(rep, { ...o, out: dir, signal: AbortSignal.abort() }, found.seed, seed, ops, schedule, verdict);
    expect(stopped.shrinkInterrupted).toBe(true);
    expect(stopped.shrunk).toEqual(stopped.original);
    expect(stopped.repro.ops).toEqual(ops);
    expect(withoutText(loadRepro(stopped.file!))).toEqual(withoutText(stopped.repro));
    // The same finding, not interrupted: shrunk, and a file of its own beside the first.
    const whole = await investigate(rep, { ...o, out: dir }, found.seed, seed, ops, schedule, verdict);
    expect(whole.shrinkInterrupted).toBe(false);
    expect(whole.shrunk.ops).toBeLessThan(whole.original.ops);
    expect(whole.file).not.toBe(stopped.file);
    expect(readdirSync(dir).sort()).toEqual([path.basename(stopped.file!), path.basename(whole.file!)].sort());
  }, 60_000);

  it("a resumed campaign takes up the unshrunk repro file a kill during the shrink left: one file per finding", async () => {
    const o = opts();
    const found = await firstFailure(o);
    const rep = await Replayer.create(o.machine, o.model, o.backend);
    const { seed, ops, schedule } = found.replay!;
    const verdict = { id: found.violation as Finding["verdict"]["id"], signature: found.signature, message: found.message, agent: -1 };
    const killed = await investigate(rep, { ...o, out: dir, signal: AbortSignal.abort() }, found.seed, seed, ops, schedule, verdict);
    expect(killed.shrinkInterrupted).toBe(true);
    const again = await investigate(rep, { ...o, out: dir, resumed: true }, found.seed, seed, ops, schedule, verdict);
    expect(again.file).toBe(killed.file);
    expect(again.shrunk.ops).toBeLessThan(again.original.ops);
    expect(withoutText(loadRepro(again.file!))).toEqual(withoutText(again.repro)); // now the shrunk one
    expect(readdirSync(dir)).toEqual([path.basename(killed.file!)]);
    // Killed after the shrunk repro replaced it, before the finding was recorded: the same.
    const after = await investigate(rep, { ...o, out: dir, resumed: true }, found.seed, seed, ops, schedule, verdict);
    expect(after.file).toBe(killed.file);
    expect(readdirSync(dir)).toEqual([path.basename(killed.file!)]);
    // A file of that name holding something else is never taken up: the next name is used.
    const other = await investigate(
      rep,
      { ...o, out: dir, resumed: true, signal: AbortSignal.abort() },
      found.seed,
      seed,
      ops,
      schedule,
      verdict,
    );
    expect(other.file).not.toBe(killed.file);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(withoutText(loadRepro(killed.file!))).toEqual(withoutText(again.repro)); // untouched
  }, 60_000);

  it("shrink returns its input at once when its signal is already aborted", async () => {
    const o = opts();
    const found = await firstFailure(o);
    const rep = await Replayer.create(o.machine, o.model, o.backend);
    const verdict = { id: found.violation as Finding["verdict"]["id"], signature: found.signature, message: found.message, agent: -1 };
    const input = {
      machine: o.machine,
      ops: found.replay!.ops,
      seed: found.replay!.seed,
      schedule: Uint8Array.from(found.replay!.schedule),
    };
    const s = await shrink(rep, input, verdict, { signal: AbortSignal.abort() });
    expect(s.stoppedBy).toBe("signal");
    expect(s.tried).toBe(0);
    expect(s.ops).toEqual(input.ops);
  }, 60_000);
});

describe("writeRepro and replaceRepro", () => {
  const sample = (): Repro => ({
    format: "faultsim-repro",
    formatVersion: 1,
    faultsim: "0.0.0",
    model: "linux-2.4.10-pre",
    flags: 0,
    flagNames: [],
    machine: HUNT_MACHINE,
    sched: { kind: "random" },
    seed: 7,
    ops: [[], [], []],
    schedule: "0",
    signature: "x@y",
    violation: { id: "x", message: "m" },
  });

  it("replaceRepro swaps the file's content in one rename and leaves no temporary file", () => {
    const file = writeRepro(dir, sample());
    replaceRepro(file, { ...sample(), schedule: "01" });
    expect(loadRepro(file).schedule).toBe("01");
    expect(readdirSync(dir)).toEqual([path.basename(file)]);
  });

  it("a write that fails leaves no file behind (here: a directory that is not one)", () => {
    const notDir = path.join(dir, "f");
    writeFileSync(notDir, "x");
    expect(() => writeRepro(notDir, sample())).toThrow();
    expect(readdirSync(dir)).toEqual(["f"]);
  });
});

describe("faultsim hunt --out and --jsonl", () => {
  const { io, faultsim } = cliCapture();

  it.each([
    [
      "a file",
      (d: string) => {
        writeFileSync(path.join(d, "afile"), "");
        return path.join(d, "afile");
      },
      /not a directory/,
    ],
    [
      "a directory below a file",
      (d: string) => {
        writeFileSync(path.join(d, "afile"), "");
        return path.join(d, "afile", "sub");
      },
      /cannot use it \(ENOTDIR\)/,
    ],
    [
      // Node 20's recursive mkdir loops for ever (deaf to SIGTERM) where a parent exists and
      // refuses the entry with ENOENT, as /proc does (src/make-dirs.ts).
      "a directory /proc refuses",
      () => "/proc/faultsim-no-such/sub",
      /cannot create it \(ENOENT\)/,
    ],
  ])("--out naming %s: one line, exit 2, before the first execution (no stream written)", async (_what, make, msg) => {
    const target = make(dir);
    const events = path.join(dir, "events.jsonl");
    const t0 = performance.now();
    expect(await faultsim("hunt", "--budget-ms", "60000", "--out", target, "--jsonl", events)).toBe(2);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(io.err.trimEnd().split("\n")).toHaveLength(1);
    expect(io.err).toMatch(msg);
    expect(io.out).toBe("");
    expect(existsSync(events)).toBe(false);
  });

  it("--out naming a directory that does not exist yet: created with its parents, the repro written there", async () => {
    const repros = path.join(dir, "results", "shard-1");
    expect(await faultsim("hunt", "--executions", "50000", "--shrink-ms", "0", "--out", repros)).toBe(1);
    expect(readdirSync(repros).filter((f) => f.startsWith("repro-") && f.endsWith(".json"))).toHaveLength(1);
  });

  it("the same hunt run twice into one --out: the second takes up the first's file, no identical copy", async () => {
    const repros = path.join(dir, "again");
    const args = ["hunt", "--executions", "50000", "--shrink-ms", "200", "--out", repros, "--json"];
    expect(await faultsim(...args)).toBe(1);
    const first = JSON.parse(io.out).findings[0].file as string;
    const text = readFileSync(first, "utf8");
    io.out = "";
    expect(await faultsim(...args)).toBe(1);
    expect(JSON.parse(io.out).findings[0].file).toBe(first);
    expect(readdirSync(repros).filter((f) => f.endsWith(".json"))).toEqual([path.basename(first)]);
    expect(readFileSync(first, "utf8")).toBe(text);
  });

  it("--jsonl naming a file that exists: refused, the file untouched", async () => {
    const events = path.join(dir, "events.jsonl");
    writeFileSync(events, "keep me\n");
    expect(await faultsim("hunt", "--budget-ms", "60000", "--out", dir, "--jsonl", events)).toBe(2);
    expect(io.err).toMatch(/--jsonl .*exists/);
    expect(readFileSync(events, "utf8")).toBe("keep me\n");
  });

  it("--jsonl streams start, finding (with its file and repro) and end, one JSON object a line", async () => {
    const events = path.join(dir, "events.jsonl");
    const repros = path.join(dir, "repros");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(repros);
    expect(await faultsim("hunt", "--executions", "50000", "--shrink-ms", "0", "--out", repros, "--jsonl", events)).toBe(1);
    const lines = readFileSync(events, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const kinds = lines.map((l) => l.event).filter((k) => k !== "progress");
    expect(kinds).toEqual(["start", "finding", "end"]);
    const [start, finding, end] = ["start", "finding", "end"].map((k) => lines.find((l) => l.event === k));
    expect(start.model.name).toBe("linux-2.4.10-pre");
    expect(start.options.out).toBe(repros);
    expect(finding.signature).toBe("swapcache-unique@add_to_swap_cache");
    expect(withoutText(loadRepro(finding.file))).toEqual(withoutText(finding.repro));
    expect(end).toMatchObject({ findings: 1, exitCode: 1, interrupted: false, executions: finding.execution + 1 });
    expect(readdirSync(repros)).toEqual([path.basename(finding.file)]);
  }, 60_000);
});
