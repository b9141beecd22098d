// A real --jsonl stream long enough to hold progress events (one every ~2 s of hunting), each
// line validated against the generated JSON Schema (test/helpers/json-schema.ts). The fast
// tier validates a shorter stream and the progress events of its checkpoints
// (json-schema.test.ts).
import { killedAndResumedStream } from "../helpers/json-schema.js";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliCapture } from "../helpers/cli.js";
import { errorsOf } from "../helpers/json-schema.js";

const { faultsim } = cliCapture();
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "faultsim-schema-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("real --jsonl streams validate", () => {
  it("hunt --jsonl: every line of a campaign's stream (start, progress every ~2 s, finding, end; resume and end again)", async () => {
    const events = path.join(dir, "events.jsonl");
    // One worker: a progress event needs ~2 s of hunting, and a second core would only double its CPU.
    const args = ["--workers", "1", "--keep-going", "--budget-ms", "2600", "--shrink-ms", "100", "--out", dir, "--jsonl", events];
    const lines = await killedAndResumedStream(faultsim, args, events);
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(["start", "progress", "finding", "resume", "end"]));
    const progress = lines.find((l) => l.event === "progress");
    expect(errorsOf("hunt-events", { ...progress, extra: 1 })).not.toEqual([]);
  }, 120_000);
});
