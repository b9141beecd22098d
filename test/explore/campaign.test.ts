// Campaigns that resume and shard (issue 9, parts 2 and 4): a hunt resumed from any of its
// checkpoints ends exactly as the uninterrupted hunt (findings, counts, campaign hash); the
// parts of --shard cover the executions once; `faultsim merge` of 4 shards' streams equals
// the merge of one process's stream over the same executions. The kills themselves
// (SIGKILL at random moments, then `hunt --resume`) are in resume.full.test.ts.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync, readFileSync, readdirSync, writeFileSync, mkdirSync, truncateSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveModel } from "../../src/model/models.js";
import { hunt, HUNT_DEFAULTS } from "../../src/explore/hunt.js";
import type { HuntOptions } from "../../src/explore/hunt-options.js";
import { HUNT_MACHINE } from "../../src/explore/machine.js";
import type { HuntCheckpoint } from "../../src/explore/checkpoint.js";
import { shardPlan } from "../../src/commands/hunt.js";
import { EXECUTION_SPACE, shardRange } from "../../src/explore/shard.js";
import { cliCapture } from "../helpers/cli.js";
import { fmtCount } from "../../src/report/text.js";

/** The events of a --jsonl stream, one parsed object a line. */
// biome-ignore lint/suspicious/noExplicitAny: a stream line is checked field by field by the tests
const streamEvents = (file: string): any[] =>
  readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));

const model = resolveModel("linux-2.4.10-pre");
const opts = (over: Partial<HuntOptions> = {}): HuntOptions => ({
  ...HUNT_DEFAULTS,
  model,
  machine: HUNT_MACHINE,
  seed: 1,
  executions: 30_000,
  budgetMs: 60_000,
  shrinkMs: 0,
  keepGoing: true,
  ...over,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-campaign-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hunt resumed from a checkpoint", () => {
  for (const sched of ["pct", "random"] as const) {
    it(`${sched}: ends with the findings, counts, PCT bound and campaign hash of the hunt never stopped`, async () => {
      const checkpoints: HuntCheckpoint[] = [];
      // 12,000 executions: seed 8 finds the seed race at 9,240 under PCT, at 1,751 under
      // random. (Seed 29 found it at 9,580 and 2,841 until pre9's page_launder passed over a
      // locked page instead of waiting for its write (launder-skips-locked, 6 Dec 2026); now
      // past 20,000 under PCT. Seed 39 found it at 9,870 and 1,609 until pre9's add_to_swap_cache set
      // PG_swap_cache before pagecache_lock and its reclaim took pagecache_lock before
      // pagemap_lru_lock; now past 12,000 under PCT, and at 1,250. Seed 1 found it at 9,103
      // and 6,114 until swap_out's mmput, __alloc_pages' watermark tests and try_to_unuse's
      // init_mm got sections of their own, 11,657 and 1,193 while swap_out walked as 2.4.16's,
      // then at 45,456 under PCT (17,061 before the 6 Dec 2026 audit's splits) and 4,601.)
      const whole = await hunt(opts({ sched, seed: 8, executions: 12_000, onCheckpoint: (c) => checkpoints.push(structuredClone(c)) }));
      expect(whole.findings.length).toBeGreaterThan(0);
      expect(Object.values(whole.hits).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(whole.findings.length);
      // The checkpoint right after the first finding, and the one at execution 7,000 (the end
      // of the same campaign cut there: before the finding under PCT, after it under random;
      // 6,000 while random's was at 1,193).
      const afterFinding = checkpoints.find((c) => c.signatures.length > 0)!;
      const halfway = (await hunt(opts({ sched, seed: 8, executions: 7_000 }))).checkpoint;
      expect(halfway.next).toBe(7_000);
      const picks = [afterFinding, halfway];
      for (const c of picks) {
        const rest = await hunt(opts({ sched, seed: 8, executions: 12_000, resumeFrom: c }));
        expect(rest.hash).toBe(whole.hash);
        expect(rest.hits).toEqual(whole.hits);
        expect(rest.executions).toBe(whole.executions);
        expect(rest.steps).toBe(whole.steps);
        expect(rest.checkpoint.signatures).toEqual(whole.checkpoint.signatures);
        expect(rest.pct).toEqual(whole.pct);
        // The findings before the checkpoint are not investigated again.
        expect(rest.findings.map((f) => f.signature)).toEqual(whole.checkpoint.signatures.filter((s) => !c.signatures.includes(s)));
      }
    }, 60_000);
  }

  it("a campaign that stops at its first finding and had it is complete: nothing more runs", async () => {
    let after: HuntCheckpoint | undefined;
    const whole = await hunt(opts({ keepGoing: false, onCheckpoint: (c) => (after = c.signatures.length ? c : after) }));
    const rest = await hunt(opts({ keepGoing: false, resumeFrom: after }));
    expect(rest.executions).toBe(whole.executions);
    expect(rest.hash).toBe(whole.hash);
    expect(rest.findings).toEqual([]);
  }, 60_000);

  it("the hash changes with any execution: another seed, or one execution fewer", async () => {
    const a = await hunt(opts({ executions: 2000 }));
    const b = await hunt(opts({ executions: 2000, seed: 2 }));
    const c = await hunt(opts({ executions: 1999 }));
    expect(new Set([a.hash, b.hash, c.hash]).size).toBe(3);
  });
});

describe("--shard", () => {
  it("parts cover the executions once, contiguous, sizes within one of each other", () => {
    for (const [total, n] of [
      [10, 3],
      [7, 7],
      [3, 5],
      [EXECUTION_SPACE, 6],
    ]) {
      let next = 0;
      const sizes: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = shardRange(i, n, total);
        expect(r.first).toBe(next);
        next = r.first + r.executions;
        sizes.push(r.executions);
      }
      expect(next).toBe(total);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("i/n, or n with JOB_COMPLETION_INDEX; a bad spec or a missing index is a usage error", () => {
    expect(shardPlan("1/4", 100, {})).toMatchObject({ index: 1, count: 4, first: 25, executions: 25 });
    expect(shardPlan("4", 100, { JOB_COMPLETION_INDEX: "3" })).toMatchObject({ index: 3, first: 75, executions: 25 });
    expect(shardPlan("0/2", Number.POSITIVE_INFINITY, {})).toMatchObject({ first: 0, executions: 2 ** 31, total: 2 ** 32 });
    expect(() => shardPlan("4", 100, {})).toThrow(/JOB_COMPLETION_INDEX is not set/);
    expect(() => shardPlan("4", 100, { JOB_COMPLETION_INDEX: "x" })).toThrow(/not a number/);
    expect(() => shardPlan("4/4", 100, {})).toThrow(/part 4 of 4 does not exist/);
    expect(() => shardPlan("1/0", 100, {})).toThrow(/--shard/);
    expect(() => shardPlan("a/b", 100, {})).toThrow(/expected i\/n/);
    expect(() => shardPlan("0/2", 2 ** 33, {})).toThrow(/at most 2\^32/);
  });
});

/** The command line's campaigns run seed 9: since pre9's page_launder passes over a locked page
 *  (launder-skips-locked, 6 Dec 2026), seed 9's one thread finds the seed race at 683 and hits it
 *  again at 3,400, 4,269 and 5,740; its campaign (a fixed PCT k) in parts 0 and 1 of 4 (within
 *  20,000); seed 22's one thread and campaign no longer find it within 20,000. Until then, since
 *  pre9's add_to_swap_cache sets PG_swap_cache
 *  before pagecache_lock and its reclaim of a clean swap-cache page takes pagecache_lock before
 *  pagemap_lru_lock (page_launder, then reclaim_page), seed 22's one thread first finds the seed
 *  race at 1,458 and hits it again at 2,852, 3,083, 3,506, 10,287, 11,633 and later; its
 *  campaign (a fixed PCT k) at 2,451, 7,382, 9,295, 9,589, 10,148, 10,172 and 13,528 (within
 *  20,000). Seed 20's one thread now finds it at 11,261 and 17,243, its campaign at 1,445,
 *  2,771, 4,566, 9,726, 17,588 and 17,735; seed 1's one thread and its campaign at 4,783; seed
 *  3's one thread at 386, 2,484, 4,382 and 11,186, its campaign at 2,484, 13,648 and 15,218.
 *  (Before, since swap_out's mmput, __alloc_pages' watermark tests and try_to_unuse's init_mm
 *  had sections of their own: seed 1's one thread at 45,456 (since the 6 Dec 2026 audit's
 *  splits; 17,061 before), its campaign at 3,304; seed 3's one thread at 2,484, 12,017 and
 *  17,048, its campaign at 3,639 and 7,268; seed 20's one thread at 2,285, 2,771, 4,883 and
 *  17,588, its campaign at 3,517, 5,463, 9,860, 11,647 and 13,022. Before those sections,
 *  since swap_out walked as 2.4.10-pre9's: seed 20's one thread at 3,029, 3,835 and 8,494, its
 *  campaign at 10, 3,029, 9,123, 9,880 and 17,340; seed 1's one thread at 9,103, its campaign
 *  at 12,617. While swap_out walked as 2.4.16's, seed 3's one thread found it at 4,207 and
 *  10,252, its campaign at 888, 916, 4,207, 12,227 and 14,183.) */
const SEED = ["--seed", "9"];

describe("faultsim merge", () => {
  const { io, faultsim } = cliCapture();
  // 20,000 executions: seed 9's campaign hits the seed race in parts 0 and 1 of 4. A
  // shrink budget the clock never cuts: the shrunk repro depends on the finding alone.
  const common = ["--keep-going", "--executions", "20000", "--shrink-ms", "600000", "--budget-ms", "120000", ...SEED];

  async function mergeJson(...files: string[]) {
    io.out = "";
    const code = await faultsim("merge", "--json", ...files);
    return { code, m: JSON.parse(io.out) };
  }

  it("of 4 shards' streams equals one process over the same executions: signatures, counts, hash, repro files", async () => {
    mkdirSync(path.join(dir, "one"));
    mkdirSync(path.join(dir, "parts"));
    const one = path.join(dir, "one.jsonl");
    expect(await faultsim("hunt", ...common, "--workers", "2", "--out", path.join(dir, "one"), "--jsonl", one, "--json")).toBe(1);
    const single = JSON.parse(io.out.trim().split("\n").pop()!);
    const parts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = path.join(dir, `part${i}.jsonl`);
      parts.push(f);
      await faultsim("hunt", ...common, "--shard", `${i}/4`, "--out", path.join(dir, "parts"), "--jsonl", f);
    }
    // Each shard recorded its findings unshrunk (--defer-shrink, implied by --shard 4 and
    // --jsonl): one unshrunk file per finding, the repro in its line the one in its file.
    const found = parts.flatMap((f) => streamEvents(f).filter((e) => e.event === "finding"));
    expect(found.length).toBeGreaterThan(1);
    for (const e of found) {
      expect(e.shrinkDeferred).toBe(true);
      expect(JSON.parse(readFileSync(e.file, "utf8"))).toMatchObject({ seed: e.repro.seed, schedule: e.repro.schedule, ops: e.repro.ops });
    }
    expect(
      streamEvents(one)
        .filter((e) => e.event === "finding")
        .every((e) => e.shrinkDeferred === undefined),
    ).toBe(true);
    expect(readdirSync(path.join(dir, "parts"))).toHaveLength(found.length);
    const a = await mergeJson(one);
    const b = await mergeJson(...[...parts].reverse()); // the order given does not matter
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(a.m.hash).toBe(single.hash);
    expect(a.m.signatures.map((s: { count: number }) => s.count).reduce((x: number, y: number) => x + y, 0)).toBe(
      Object.values(single.hits as Record<string, number>).reduce((x, y) => x + y, 0),
    );
    expect(b.m.executions).toBe(20_000);
    expect(b.m.gaps).toEqual([]);
    expect(b.m.finished).toBe(true);
    expect(b.m.ranges.map((r: { first: number; next: number }) => [r.first, r.next])).toEqual([
      [0, 5_000],
      [5_000, 10_000],
      [10_000, 15_000],
      [15_000, 20_000],
    ]);
    const strip = (m: { signatures: { signature: string; count: number; execution: number }[] }) =>
      m.signatures.map(({ signature, count, execution }) => ({ signature, count, execution }));
    expect(strip(b.m)).toEqual(strip(a.m));
    expect(b.m.hash).toBe(a.m.hash);
    expect(b.m.campaign).toEqual(a.m.campaign);
    // Merge shrank each signature once, from its lowest execution, into that shard's file, and
    // removed the other shards' unshrunk files: the repro files of one process, byte for byte.
    expect(a.m.signatures.map((s: { shrunkBy: string }) => s.shrunkBy)).toEqual(a.m.signatures.map(() => "hunt"));
    expect(b.m.signatures.map((s: { shrunkBy: string }) => s.shrunkBy)).toEqual(b.m.signatures.map(() => "merge"));
    const files = (d: string) =>
      readdirSync(path.join(dir, d))
        .sort()
        .map((f) => [f, readFileSync(path.join(dir, d, f), "utf8")]);
    expect(files("parts")).toEqual(files("one"));
    expect(files("parts")).toHaveLength(single.signatures.length);
    // Merged again: nothing to change, the same files.
    const again = await mergeJson(...parts);
    expect(again.m.signatures).toEqual(b.m.signatures);
    expect(files("parts")).toEqual(files("one"));
    // The same part twice, or a stream of another campaign: refused.
    expect(await faultsim("merge", parts[0], parts[0])).toBe(2);
    expect(io.err).toMatch(/ran the same executions/);
    const other = path.join(dir, "other.jsonl");
    await faultsim("hunt", ...common, "--seed", "2", "--executions", "100", "--shard", "1/4", "--out", dir, "--jsonl", other);
    expect(await faultsim("merge", parts[0], other)).toBe(2);
    expect(io.err).toMatch(/not part of the campaign/);
  }, 120_000);

  it("--defer-shrink: only with --jsonl; --no-defer-shrink shrinks in the shard; merge --out leaves the shards' files", async () => {
    // Part 0 of 2 (5,000 executions): seed 9's campaign finds the seed race.
    const args = ["--keep-going", "--executions", "10000", "--shrink-ms", "600000", "--shard", "0/2", ...SEED];
    expect(await faultsim("hunt", ...args, "--defer-shrink", "--out", dir)).toBe(2);
    expect(io.err).toMatch(/--defer-shrink .*give --jsonl/);
    const [shrunk, deferred, out] = ["shrunk", "deferred", "out"].map((d) => path.join(dir, d));
    for (const d of [shrunk, deferred, out]) mkdirSync(d);
    expect(await faultsim("hunt", ...args, "--no-defer-shrink", "--out", shrunk, "--jsonl", `${shrunk}.jsonl`)).toBe(1);
    expect(await faultsim("hunt", ...args, "--out", deferred, "--jsonl", `${deferred}.jsonl`)).toBe(1);
    const finding = (f: string) => streamEvents(f).filter((e) => e.event === "finding");
    expect(finding(`${shrunk}.jsonl`).map((e) => e.shrinkDeferred)).toEqual([undefined]);
    expect(finding(`${deferred}.jsonl`).map((e) => e.shrinkDeferred)).toEqual([true]);
    const read = (d: string) => readdirSync(d).map((f) => [f, readFileSync(path.join(d, f), "utf8")]);
    const unshrunk = read(deferred);
    expect(unshrunk).not.toEqual(read(shrunk));
    // --out: the shrunk repro there (the one the shard shrinking itself wrote), the shard's
    // unshrunk file untouched.
    expect(await faultsim("merge", "--out", out, `${deferred}.jsonl`)).toBe(1);
    expect(read(out)).toEqual(read(shrunk));
    expect(read(deferred)).toEqual(unshrunk);
    // Without: in place of the unshrunk file.
    expect((await mergeJson(`${deferred}.jsonl`)).code).toBe(1);
    expect(read(deferred)).toEqual(read(shrunk));
    // The shard's file gone (another machine's disk): written anew where it was.
    rmSync(path.join(deferred, readdirSync(deferred)[0]));
    expect((await mergeJson(`${deferred}.jsonl`)).code).toBe(1);
    expect(read(deferred)).toEqual(read(shrunk));
  }, 60_000);

  it("names the parts of a split no stream of which was given: first, last, or killed before its first checkpoint", async () => {
    // 2,000 executions: small parts, quick to run (what they find does not matter here).
    const args = ["--keep-going", "--executions", "2000", "--shrink-ms", "600000", "--budget-ms", "120000", "--out", dir];
    const parts: string[] = [];
    for (let i = 0; i < 4; i++) {
      parts.push(path.join(dir, `part${i}.jsonl`));
      await faultsim("hunt", ...args, "--shard", `${i}/4`, "--jsonl", parts[i]);
    }
    const all = await mergeJson(...parts);
    expect(all.m.missingParts).toBeUndefined();
    const noLast = await mergeJson(parts[0], parts[1], parts[2]);
    expect(noLast.m.missingParts).toEqual([{ index: 3, count: 4, first: 1500, next: 2000 }]);
    expect(io.err).toMatch(/^faultsim: note: no executions merged of part 3\/4$/m);
    expect(noLast.m.gaps).toEqual([]); // the ranges given are contiguous: only the split shows the hole
    const noFirst = await mergeJson(parts[1], parts[2], parts[3]);
    expect(noFirst.m.missingParts).toEqual([{ index: 0, count: 4, first: 0, next: 500 }]);
    // A part whose stream holds its start event alone (killed before its first checkpoint).
    const killed = path.join(dir, "killed.jsonl");
    writeFileSync(killed, `${readFileSync(parts[2], "utf8").split("\n")[0]}\n`);
    io.out = "";
    expect(await faultsim("merge", parts[0], parts[1], killed, parts[3])).toBeLessThan(2);
    expect(io.out).toMatch(/^parts of 4 with no executions merged: 2\/4 \(1000\.\.1499\)/m);
    // That stream is still checked against the others: one of another model build is refused.
    const foreign = path.join(dir, "foreign.jsonl");
    writeFileSync(foreign, readFileSync(killed, "utf8").replace(/"modelId":"[0-9a-f]+"/, '"modelId":"000000000000"'));
    expect(await faultsim("merge", parts[0], parts[1], foreign, parts[3])).toBe(2);
    expect(io.err).toMatch(/foreign\.jsonl is not part of the campaign/);
  }, 60_000);

  it("a file that is not a stream: one line, exit 2", async () => {
    const f = path.join(dir, "x.jsonl");
    writeFileSync(f, "hello\n");
    expect(await faultsim("merge", f)).toBe(2);
    expect(io.err.trimEnd().split("\n")).toHaveLength(1);
    expect(await faultsim("merge", path.join(dir, "none.jsonl"))).toBe(2);
  });
});

describe("hunt --resume FILE", () => {
  const { io, faultsim } = cliCapture();

  /** Resumes the campaign of stream `events` (--json) and holds it to the uninterrupted one
   *  (`whole`: its --json): exit 1, the same hash, hits and signatures. Returns its --json. */
  // biome-ignore lint/suspicious/noExplicitAny: --json is checked field by field
  async function resumeHolds(events: string, whole: any): Promise<any> {
    io.out = "";
    expect(await faultsim("hunt", "--resume", events, "--json")).toBe(1);
    const resumed = JSON.parse(io.out);
    expect(resumed.hash).toBe(whole.hash);
    expect(resumed.hits).toEqual(whole.hits);
    expect(resumed.signatures).toEqual(whole.signatures);
    return resumed;
  }

  /** As if killed after the stream's first `cut` lines: cuts `events` there, resumes from it,
   *  and holds the resumed campaign to the uninterrupted one (`whole`: its --json), each
   *  finding once in the stream. Returns the stream's finding events. */
  // biome-ignore lint/suspicious/noExplicitAny: --json and stream lines are checked field by field
  async function resumeAfter(events: string, lines: string[], cut: number, whole: any): Promise<any[]> {
    writeFileSync(events, lines.slice(0, cut).join("\n") + "\n");
    await resumeHolds(events, whole);
    const found = streamEvents(events).filter((e) => e.event === "finding");
    expect(found.map((e) => e.signature)).toEqual(whole.signatures);
    return found;
  }

  it("the summary counts the campaign's executions and says how many this leg ran (its time and rate are the leg's)", async () => {
    const events = path.join(dir, "leg.jsonl");
    const args = ["--keep-going", "--executions", "6000", "--shrink-ms", "0", "--out", dir, ...SEED];
    expect(await faultsim("hunt", ...args, "--jsonl", events)).toBe(1);
    expect(io.out).toMatch(/^executions 6,000 in \d+\.\d\d s: /m);
    // As if killed right after the first finding's line.
    const lines = readFileSync(events, "utf8").trimEnd().split("\n");
    const cut = lines.findIndex((l) => JSON.parse(l).event === "finding") + 1;
    const from: number = JSON.parse(lines[cut - 1]).checkpoint.next;
    expect(from).toBeGreaterThan(0);
    writeFileSync(events, lines.slice(0, cut).join("\n") + "\n");
    io.out = "";
    expect(await faultsim("hunt", "--resume", events)).toBe(1);
    expect(io.out).toMatch(new RegExp(`^executions 6,000 \\(${fmtCount(6000 - from)} in this leg\\) in \\d+\\.\\d\\d s: `, "m"));
  }, 60_000);

  it("an earlier finding's repro file gone (its --out lost, the stream kept): written again from the stream, a file there left as it is", async () => {
    const out = path.join(dir, "out");
    const events = path.join(dir, "gone.jsonl");
    const args = ["--keep-going", "--executions", "6000", "--shrink-ms", "0", "--out", out, "--json", ...SEED];
    expect(await faultsim("hunt", ...args, "--jsonl", events)).toBe(1);
    const whole = JSON.parse(io.out);
    // As if killed right after the first finding's line; then the repro directory is lost.
    const lines = readFileSync(events, "utf8").trimEnd().split("\n");
    const cut = lines.findIndex((l) => JSON.parse(l).event === "finding") + 1;
    const finding = JSON.parse(lines[cut - 1]);
    const recorded = readFileSync(finding.file, "utf8");
    writeFileSync(events, lines.slice(0, cut).join("\n") + "\n");
    rmSync(out, { recursive: true });
    io.err = "";
    const resumed = await resumeHolds(events, whole);
    expect(resumed.earlier).toEqual([{ signature: finding.signature, execution: finding.execution, file: finding.file }]);
    expect(readFileSync(finding.file, "utf8")).toBe(recorded);
    expect(io.err).toContain(
      `faultsim: note: ${finding.file} (${finding.signature}, found before the resume) was gone: written again from the stream`,
    );
    // A file at that name that is not the repro (someone's): kept, and not reported as restored.
    writeFileSync(events, lines.slice(0, cut).join("\n") + "\n");
    writeFileSync(finding.file, "mine\n");
    io.err = "";
    await resumeHolds(events, whole);
    expect(readFileSync(finding.file, "utf8")).toBe("mine\n");
    expect(io.err).not.toMatch(/written again/);
  }, 60_000);

  it("after a kill mid-write (a partial last line): cut, then the campaign goes on to the uninterrupted hash", async () => {
    const events = path.join(dir, "events.jsonl");
    // 6,000 executions: the seed race found at 683.
    const args = ["--keep-going", "--executions", "6000", "--shrink-ms", "0", "--out", dir, "--json", ...SEED];
    expect(await faultsim("hunt", ...args, "--jsonl", events)).toBe(1);
    const whole = JSON.parse(io.out);
    // As if killed while writing the end event: keep the stream up to half of its last line.
    const text = readFileSync(events, "utf8");
    const lastStart = text.slice(0, -1).lastIndexOf("\n") + 1;
    truncateSync(events, lastStart + Math.floor((text.length - lastStart) / 2));
    const resumed = await resumeHolds(events, whole);
    expect(resumed.earlier.map((e: { signature: string }) => e.signature)).toEqual(whole.signatures);
    // Every line of the stream is whole JSON again: start, ..., resume, ..., end.
    const lines = streamEvents(events);
    expect(lines.filter((l) => l.event === "resume")).toHaveLength(1);
    expect(lines[lines.length - 1]).toMatchObject({ event: "end", hash: whole.hash });
    expect(statSync(events).size).toBeGreaterThan(lastStart);
  }, 60_000);

  for (const workers of ["1", "2"]) {
    it(`--workers ${workers}: killed right after a finding's line, or before it: each finding once in the stream`, async () => {
      const events = path.join(dir, "events.jsonl");
      const out = path.join(dir, "out");
      mkdirSync(out);
      // 11,000 executions: the first finding comes at 1,458 (one thread) or 2,451 (a campaign's
      // fixed PCT k), and the resumed leg runs on past it to a second hit of it (one thread's
      // at 2,852, the campaign's at 7,382).
      const args = ["--keep-going", "--executions", "11000", "--shrink-ms", "0", "--out", out, "--json", "--workers", workers, ...SEED];
      expect(await faultsim("hunt", ...args, "--jsonl", events)).toBe(1);
      const whole = JSON.parse(io.out);
      const text = readFileSync(events, "utf8");
      const lines = text.trimEnd().split("\n");
      const at = lines.findIndex((l) => JSON.parse(l).event === "finding");
      // The finding's line carries the checkpoint past its execution.
      const finding = JSON.parse(lines[at]);
      expect(finding.checkpoint).toMatchObject({ next: finding.execution + 1, signatures: [finding.signature] });
      expect(whole.hits[finding.signature]).toBeGreaterThan(1); // a repeat past it, counted after a resume too
      const files = readdirSync(out);
      expect(files).toHaveLength(whole.signatures.length);
      for (const cut of [at + 1, at]) {
        await resumeAfter(events, lines, cut, whole);
        // Cut after the line: not investigated again, no second file. (Cut before it, the
        // finding is investigated again: test/explore/durable.test.ts has its file taken up.)
        if (cut === at + 1) expect(readdirSync(out).sort()).toEqual(files.sort());
      }
    }, 60_000);
  }

  it("a shard recording findings unshrunk (--defer-shrink), killed before or after a finding's line: resumed, each finding once, its file taken up", async () => {
    const events = path.join(dir, "events.jsonl");
    const out = path.join(dir, "out");
    mkdirSync(out);
    // Part 0 of 2 (10,000 executions): seed 22's campaign finds the seed race at 2,451.
    const args = ["--keep-going", "--executions", "20000", "--shard", "0/2", "--out", out, "--json", ...SEED];
    expect(await faultsim("hunt", ...args, "--jsonl", events)).toBe(1);
    const whole = JSON.parse(io.out);
    const lines = readFileSync(events, "utf8").trimEnd().split("\n");
    const at = lines.findIndex((l) => JSON.parse(l).event === "finding");
    expect(JSON.parse(lines[at])).toMatchObject({ shrinkDeferred: true });
    const files = readdirSync(out).sort();
    for (const cut of [at + 1, at]) {
      const found = await resumeAfter(events, lines, cut, whole);
      expect(found.every((e) => e.shrinkDeferred === true)).toBe(true);
      // Cut before the line, the resumed leg finds it again and takes up the file on disk.
      expect(readdirSync(out).sort()).toEqual(files);
    }
  }, 60_000);

  it("options the stream fixes cannot be given again; another model build is refused", async () => {
    const events = path.join(dir, "events.jsonl");
    expect(await faultsim("hunt", "--executions", "100", "--out", dir, "--jsonl", events)).toBe(0);
    expect(await faultsim("hunt", "--resume", events, "--seed", "2")).toBe(2);
    expect(io.err).toMatch(/--seed cannot be given with it/);
    expect(await faultsim("hunt", "--resume", events, "--workers", "2")).toBe(2);
    expect(io.err).toMatch(/ran in one thread/);
    const lines = readFileSync(events, "utf8").split("\n");
    const start = JSON.parse(lines[0]);
    writeFileSync(events, [JSON.stringify({ ...start, modelId: "000000000000" }), ...lines.slice(1)].join("\n"));
    expect(await faultsim("hunt", "--resume", events)).toBe(2);
    expect(io.err).toMatch(/recorded by model build 000000000000/);
  });
});

describe("sweepStaleTemps", () => {
  it("removes only writeTemp's files of processes that are gone", async () => {
    const { sweepStaleTemps } = await import("../../src/report/repro.js");
    const dead = ".faultsim-999999999-abc-0.tmp"; // above Linux's pid_max: no such process
    const mine = `.faultsim-${process.pid}-abc-1.tmp`;
    const user = ".faultsim-999999999-notes.txt";
    for (const f of [dead, mine, user]) writeFileSync(path.join(dir, f), "x");
    expect(sweepStaleTemps(dir)).toEqual([dead]);
    expect(readdirSync(dir).sort()).toEqual([mine, user].sort());
  });
});
