// `faultsim races --check` as users run it: every race of the catalogue found on its model,
// the fixed model clean under each race's hunt shape, exit 0 (about 40 CPU-seconds; the other
// scheduler's informational hunts cut to 1 s each).
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RACES } from "../../src/races/catalogue.js";
import { errorsOf } from "../helpers/json-schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/cli.js");

describe("faultsim races --check", () => {
  it("finds every race and keeps every fix clean", () => {
    const r = spawnSync(process.execPath, [cli, "races", "--check", "--other-budget-ms", "1000", "--json"], {
      cwd: root,
      encoding: "utf8",
      timeout: 170_000,
    });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { rows: { race: string; found: boolean; fixedFindings: string[] }[]; exitCode: number };
    expect(errorsOf("races-check", out)).toEqual([]);
    expect(out.rows.map((x) => x.race)).toEqual(RACES.map((x) => x.name));
    expect(out.rows.filter((x) => !x.found || x.fixedFindings.length > 0)).toEqual([]);
    expect(out.exitCode).toBe(0);
    expect(r.status).toBe(0);
  }, 180_000);
});
