// One writer per hunt event stream (src/commands/stream-lock.ts): a `hunt --resume` of a
// campaign that is still running is refused (one line, exit 2) and leaves the stream as the
// running hunt writes it; once that hunt is SIGKILLed its lock is stale and the resume takes
// it over; a hunt that ends removes its lock; a lock of another host is named, not broken; a
// FILE.lock that faultsim did not write is refused and left alone, and an empty one (a writer
// killed between creating and filling it) is taken over once it has stayed empty a moment.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnedCli } from "../helpers/spawn.js";

const { dir, start, runSync } = spawnedCli("stream-lock");

/** The stream's events by name, in order. */
const events = (file: string): string[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => (JSON.parse(l) as { event: string }).event);

/** Waits (up to 20 s) until cond() holds. */
async function until(cond: () => boolean): Promise<void> {
  for (let t = 0; t < 2000 && !cond(); t++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

// linux-2.4.16 with its fixes finds nothing: the hunt runs until its budget or a signal.
const CLEAN = ["hunt", "--model", "linux-2.4.16", "--no-swarm", "--out", "out"];

/** A hunt writing `name` (in the test's directory) SIGKILLed once its stream has a progress
 *  event: the stream and the lock its writer left behind. */
async function killedWriter(name: string): Promise<{ stream: string; lock: string }> {
  const stream = path.join(dir(), name);
  const killed = start(...CLEAN, "--jsonl", name, "--budget-ms", "60000");
  await until(() => existsSync(stream) && events(stream).includes("progress"));
  killed.child.kill("SIGKILL");
  await killed.exit;
  return { stream, lock: `${stream}.lock` };
}

describe("the writer's lock on a hunt's --jsonl stream", () => {
  it("a resume while the campaign runs is refused; after a SIGKILL the resume takes the stale lock over", async () => {
    const stream = path.join(dir(), "s.jsonl");
    const lock = `${stream}.lock`;
    const first = start(...CLEAN, "--jsonl", "s.jsonl", "--budget-ms", "60000");
    await until(() => existsSync(stream) && existsSync(lock) && events(stream).includes("progress"));
    expect(JSON.parse(readFileSync(lock, "utf8")).pid).toBe(first.child.pid);

    const refused = runSync("hunt", "--resume", "s.jsonl", "--budget-ms", "200");
    expect(refused.status).toBe(2);
    expect(refused.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(
      new RegExp(`--resume s\\.jsonl: another faultsim \\(pid ${first.child.pid}, since [^)]+\\) is writing this campaign`),
    );
    expect(events(stream)).not.toContain("resume");

    first.child.kill("SIGKILL");
    await first.exit;
    expect(existsSync(lock)).toBe(true); // a SIGKILL leaves it behind

    const resumed = runSync("hunt", "--resume", "s.jsonl", "--budget-ms", "200");
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(events(stream).filter((e) => e === "resume")).toHaveLength(1);
    expect(events(stream).at(-1)).toBe("end");
    expect(existsSync(lock)).toBe(false);
  }, 60_000);

  it("a hunt that ends, or is stopped by SIGTERM, removes its lock", async () => {
    const ended = runSync(...CLEAN, "--jsonl", "a.jsonl", "--executions", "2000");
    expect(ended.status).toBe(0);
    expect(existsSync(path.join(dir(), "a.jsonl.lock"))).toBe(false);

    const stopped = start(...CLEAN, "--jsonl", "b.jsonl", "--budget-ms", "60000");
    await until(() => existsSync(path.join(dir(), "b.jsonl.lock")));
    stopped.child.kill("SIGTERM");
    expect((await stopped.exit).code).toBe(0);
    expect(existsSync(path.join(dir(), "b.jsonl.lock"))).toBe(false);
    expect(events(path.join(dir(), "b.jsonl")).at(-1)).toBe("end");
  }, 60_000);

  it("a lock of another host is named and left alone; a live writer's lock refuses a new --jsonl before anything is created", async () => {
    const { stream, lock } = await killedWriter("k.jsonl");
    const theirs = `${JSON.stringify({ pid: 4242, host: `not-${hostname()}`, since: "2026-12-04T00:00:00.000Z" })}\n`;
    writeFileSync(lock, theirs);
    const before = readFileSync(stream, "utf8");
    const r = runSync("hunt", "--resume", "k.jsonl");
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd()).toBe(
      `faultsim: --resume k.jsonl: another faultsim (pid 4242 on not-${hostname()}, since 2026-12-04T00:00:00.000Z) is writing this campaign; if that process is gone, remove k.jsonl.lock`,
    );
    expect(readFileSync(stream, "utf8")).toBe(before);
    expect(readFileSync(lock, "utf8")).toBe(theirs);

    // This test's own process is alive on this host: its lock on a stream not yet created.
    writeFileSync(path.join(dir(), "d.jsonl.lock"), `${JSON.stringify({ pid: process.pid, host: hostname(), since: "x" })}\n`);
    const d = runSync("hunt", "--jsonl", "d.jsonl", "--out", "d-out", "--executions", "10");
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/--jsonl d\.jsonl: another faultsim \(pid \d+, since x\) is writing this campaign; wait for it to end/);
    expect(existsSync(path.join(dir(), "d.jsonl"))).toBe(false);
    expect(existsSync(path.join(dir(), "d-out"))).toBe(false);
  }, 60_000);

  it("a campaign that ended by itself is reported without a claim: another's lock does not refuse it, and it is left alone", () => {
    const ended = runSync(...CLEAN, "--jsonl", "c.jsonl", "--executions", "500");
    expect(ended.status).toBe(0);
    const lock = path.join(dir(), "c.jsonl.lock");
    const live = `${JSON.stringify({ pid: process.pid, host: hostname(), since: "x" })}\n`;
    writeFileSync(lock, live);
    const before = readFileSync(path.join(dir(), "c.jsonl"), "utf8");
    const r = runSync("hunt", "--resume", "c.jsonl");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/the campaign ended by itself \(500 executions, 0 signatures\): nothing is left to resume/);
    expect(readFileSync(path.join(dir(), "c.jsonl"), "utf8")).toBe(before);
    expect(readFileSync(lock, "utf8")).toBe(live);
  }, 60_000);

  it("a FILE.lock faultsim did not write (notes, a directory, a FIFO) is refused with one line and left as it was (it was deleted)", async () => {
    const { stream, lock } = await killedWriter("n.jsonl");
    const notes = "my notes\n";
    writeFileSync(lock, notes);
    const before = readFileSync(stream, "utf8");
    const r = runSync("hunt", "--resume", "n.jsonl", "--budget-ms", "200");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "faultsim: --resume n.jsonl: n.jsonl.lock is not a faultsim lock (it holds something else), so it is left alone; this stream's lock goes there: move it away\n",
    );
    expect(readFileSync(lock, "utf8")).toBe(notes);
    expect(readFileSync(stream, "utf8")).toBe(before);

    // A new stream: nothing is created, the notes are kept. JSON that is not a lock's line
    // (a key faultsim does not write) is someone else's too.
    const other = `${JSON.stringify({ pid: 999_999_999, host: hostname(), since: "x", mine: true })}\n`;
    for (const [name, content] of [
      ["m", notes],
      ["j", other],
    ]) {
      writeFileSync(path.join(dir(), `${name}.jsonl.lock`), content);
      const m = runSync("hunt", "--jsonl", `${name}.jsonl`, "--out", `${name}-out`, "--executions", "10");
      expect(m.status).toBe(2);
      expect(m.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(m.stderr).toContain(`--jsonl ${name}.jsonl: ${name}.jsonl.lock is not a faultsim lock (it holds something else)`);
      expect(readFileSync(path.join(dir(), `${name}.jsonl.lock`), "utf8")).toBe(content);
      expect(existsSync(path.join(dir(), `${name}.jsonl`))).toBe(false);
      expect(existsSync(path.join(dir(), `${name}-out`))).toBe(false);
    }

    // Not a regular file: named, not read (a FIFO's read would wait for a writer forever).
    mkdirSync(path.join(dir(), "d.jsonl.lock"));
    execFileSync("mkfifo", [path.join(dir(), "f.jsonl.lock")]);
    for (const [name, kind] of [
      ["d", "a directory"],
      ["f", "a FIFO"],
    ]) {
      const x = runSync("hunt", "--jsonl", `${name}.jsonl`, "--out", `${name}-out`, "--executions", "10");
      expect(x.status).toBe(2);
      expect(x.stderr).toBe(
        `faultsim: --jsonl ${name}.jsonl: ${name}.jsonl.lock is not a faultsim lock (${kind}), so it is left alone; this stream's lock goes there: move it away\n`,
      );
      expect(existsSync(path.join(dir(), `${name}.jsonl.lock`))).toBe(true);
    }
  }, 90_000);

  it("an empty lock (its writer killed before it wrote its line) is taken over once it has stayed empty; one filled meanwhile is held", async () => {
    const { stream, lock } = await killedWriter("e.jsonl");
    writeFileSync(lock, "");
    const resumed = runSync("hunt", "--resume", "e.jsonl", "--budget-ms", "200");
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(events(stream).filter((e) => e === "resume")).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);

    // A lock still empty when a new writer looks, then filled by its live writer (this test's
    // process stands for it): the new writer waits for the line and is refused.
    writeFileSync(path.join(dir(), "g.jsonl.lock"), "");
    const waiting = start("hunt", "--jsonl", "g.jsonl", "--out", "g-out", "--executions", "10");
    // (600 ms: in the new writer's wait when it starts in less; filled before it looks otherwise.)
    await new Promise((r) => setTimeout(r, 600));
    writeFileSync(path.join(dir(), "g.jsonl.lock"), `${JSON.stringify({ pid: process.pid, host: hostname(), since: "y" })}\n`);
    const g = await waiting.exit;
    expect(g.code).toBe(2);
    expect(waiting.stderr()).toMatch(
      /^faultsim: --jsonl g\.jsonl: another faultsim \(pid \d+, since y\) is writing this campaign; wait for it to end/,
    );
    expect(existsSync(path.join(dir(), "g.jsonl.lock"))).toBe(true);
  }, 60_000);
});
