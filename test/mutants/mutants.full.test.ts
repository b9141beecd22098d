// `npm run mutants` end to end on two quickly caught mutants: each is built (asc, in a temp
// directory) and hunted with the same CPU budget as the unmutated tree, which must survive it
// (about 40 CPU-seconds: three builds, and the unmutated tree's whole 10 s hunt).
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MutantsJsonSchema } from "../../src/schema/outputs.js";
import { errorsOf } from "../helpers/json-schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/mutants/cli.js");

describe("npm run mutants", () => {
  it("catches planted bugs that the unmutated tree does not show", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "faultsim-mutants-test-"));
    try {
      const json = path.join(dir, "out.json");
      const r = spawnSync(process.execPath, [cli, "--only", "tso-dirty-lost,shrink-cache-delete-left-out", "--json", json], {
        cwd: root,
        encoding: "utf8",
        timeout: 600_000,
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const doc = JSON.parse(readFileSync(json, "utf8"));
      // Valid against the published JSON Schema (dist/schema/mutants.schema.json) and the zod one.
      expect(errorsOf("mutants", doc)).toEqual([]);
      const out = MutantsJsonSchema.parse(doc);
      // The unmutated tree: the whole budget, nothing found.
      expect(out.baseline?.outcome).toBe("survived");
      expect(out.baseline?.cpuMs).toBeGreaterThanOrEqual(out.budgetCpuMs);
      expect(out.baseline?.executions).toBeGreaterThan(1000);
      // A dirty pte dropped without setting the page dirty loses data; a frame freed while
      // still in the swap cache is __free_pages_ok's BUG.
      const by = new Map(out.mutants.map((m) => [m.id, m]));
      expect(by.get("tso-dirty-lost")?.outcome).toBe("caught");
      expect(by.get("tso-dirty-lost")?.signature).toMatch(/^data-lost[@:]/); // at the access, or a slot left naming nothing
      expect(by.get("shrink-cache-delete-left-out")?.outcome).toBe("caught");
      expect(by.get("shrink-cache-delete-left-out")?.signature).toMatch(/^bug-on@/);
      expect(out.score).toMatchObject({ total: 2, scored: 2, caught: 2, score: 1, survivors: [] });
      expect(r.stdout).toContain("mutation score: 2 of 2 caught (100.0%)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 620_000);
});
