// The campaign examples docs/campaigns.md ships (issue 9, part 4): the Kubernetes Indexed Job
// manifest and the GitHub Actions matrix parse, have the fields that make their parts
// disjoint and complete, and their hunt commands run: every index's part, then the merge,
// covers the campaign's executions once.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { cliCapture } from "../helpers/cli.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const load = (f: string) => parse(readFileSync(path.join(root, "docs/examples", f), "utf8"));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-examples-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A shell command's words after `faultsim` (no quoting in the examples' commands). */
function faultsimWords(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const at = words.indexOf("faultsim");
  expect(at).toBeGreaterThanOrEqual(0);
  return words.slice(at + 1);
}

/** Paths of --out, --jsonl and --resume moved under the test's directory. */
function underDir(words: string[]): string[] {
  return words.map((w, i) => (["--out", "--jsonl", "--resume"].includes(words[i - 1]) ? path.join(dir, w) : w));
}

/** GitHub's expression for the matrix's part, as the workflow writes it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
const MATRIX_SHARD = "${{ matrix.shard }}";

/** The value of a --name option in a command's words. */
const optionOf = (words: string[], name: string) => words[words.indexOf(name) + 1];

describe("docs/examples", () => {
  const { io, faultsim } = cliCapture();

  it("hunt-indexed-job.yaml: an Indexed Job whose pods run the parts JOB_COMPLETION_INDEX names, and resume their own", async () => {
    const job = load("hunt-indexed-job.yaml");
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.kind).toBe("Job");
    expect(job.spec.completionMode).toBe("Indexed");
    const n = job.spec.completions;
    expect(Number.isInteger(n) && n >= 2).toBe(true);
    expect(job.spec.parallelism).toBeLessThanOrEqual(n);
    const pod = job.spec.template.spec;
    expect(["OnFailure", "Never"]).toContain(pod.restartPolicy);
    const c = pod.containers[0];
    const mount = c.volumeMounts[0].mountPath;
    expect(c.workingDir).toBe(mount); // the streams and repros land on the shared volume
    expect(pod.volumes.find((v: { name: string }) => v.name === c.volumeMounts[0].name).persistentVolumeClaim.claimName).toBeTruthy();
    const script: string = c.args.join(" ");
    const [, resume, start] =
      /then set -- (hunt --resume [^;]+);\s*else .*?;\s*set -- (hunt [^;]+); fi;.*faultsim "\$@"/s.exec(script) ?? [];
    expect(resume && start).toBeTruthy();
    const streams: string[] = [];
    for (let i = 0; i < n; i++) {
      const env = (s: string) => s.replaceAll("$JOB_COMPLETION_INDEX", String(i));
      const words = underDir(faultsimWords(`faultsim ${env(start)}`));
      expect(optionOf(words, "--shard")).toBe(String(n)); // the index comes from the environment
      mkdirSync(optionOf(words, "--out"), { recursive: true });
      process.env.JOB_COMPLETION_INDEX = String(i);
      try {
        // The manifest's command, cut to a few executions (a later option wins).
        expect([0, 1]).toContain(await faultsim(...words, "--executions", "800", "--shrink-ms", "0"));
        // A restarted pod: its part's stream is there, so it resumes (nothing left: it ended).
        const again = underDir(faultsimWords(`faultsim ${env(resume)}`));
        expect(optionOf(again, "--resume")).toBe(optionOf(words, "--jsonl"));
        expect([0, 1]).toContain(await faultsim(...again));
      } finally {
        delete process.env.JOB_COMPLETION_INDEX;
      }
      streams.push(optionOf(words, "--jsonl"));
    }
    io.out = "";
    expect([0, 1]).toContain(await faultsim("merge", "--json", ...streams));
    const m = JSON.parse(io.out);
    expect(m.executions).toBe(800);
    expect(m.gaps).toEqual([]);
    expect(m.ranges).toHaveLength(n);
  }, 120_000);

  it("hunt-matrix.yml: a matrix over every part, artifacts of each, and a merge job after all of them", async () => {
    const wf = load("hunt-matrix.yml");
    const hunt = wf.jobs.hunt;
    expect(hunt.strategy["fail-fast"]).toBe(false); // one part's finding must not cancel the others
    const shards: number[] = hunt.strategy.matrix.shard;
    const run = hunt.steps.map((s: { run?: string }) => s.run ?? "").find((r: string) => r.includes("faultsim hunt"));
    // The matrix expression as one word (it has spaces), then the command's words.
    const words = faultsimWords(run.replace(/\|\|.*$/, "").replaceAll(MATRIX_SHARD, "@SHARD@"));
    const [part, count] = optionOf(words, "--shard").split("/");
    expect(part).toBe("@SHARD@");
    expect(shards).toEqual([...Array(Number(count)).keys()]); // every part, once
    const upload = hunt.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/upload-artifact"));
    expect(upload.if).toBe("always()");
    expect(upload.with.path).toContain(optionOf(words, "--jsonl").replace("@SHARD@", MATRIX_SHARD));
    expect(upload.with.path).toContain(`${optionOf(words, "--out")}/`);
    const merge = wf.jobs.merge;
    expect(merge.needs).toBe("hunt");
    expect(merge.if).toBe("always()");
    const download = merge.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/download-artifact"));
    expect(download.with.pattern).toBe("shard-*");
    expect(upload.with.name).toBe(`shard-${MATRIX_SHARD}`);
    const mergeRun = merge.steps.map((s: { run?: string }) => s.run ?? "").find((r: string) => r.includes("faultsim merge"));
    expect(mergeRun).toBeTruthy();
    // Every part's command, cut to a few executions, then the merge: the campaign once.
    const streams: string[] = [];
    for (const i of shards) {
      const w = underDir(words.map((x) => x.replaceAll("@SHARD@", String(i))));
      mkdirSync(optionOf(w, "--out"), { recursive: true });
      expect([0, 1]).toContain(await faultsim(...w, "--executions", "600", "--shrink-ms", "0"));
      streams.push(optionOf(w, "--jsonl"));
    }
    io.out = "";
    expect([0, 1]).toContain(await faultsim("merge", "--json", ...streams));
    const m = JSON.parse(io.out);
    expect(m.executions).toBe(600);
    expect(m.ranges).toHaveLength(shards.length);
    expect(m.gaps).toEqual([]);
  }, 120_000);
});
