// The built `faultsim run` stopped by --budget-ms or SIGTERM (issue 9, part 6): the partial
// summary and --json, marked partial, exit 0 with nothing found.
import { describe, it, expect } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/cli.js");
const long = ["run", "--ops", "1000000000", "--check-interval", "0"];

describe("faultsim run stopped early", () => {
  it("--budget-ms 300: the partial summary", () => {
    const r = spawnSync(process.execPath, [cli, ...long, "--budget-ms", "300"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/stopped by --budget-ms after [\d,]+ of 1,000,000,000 ops: a partial run\nno violation/);
  }, 40_000);

  it("SIGTERM: the partial --json, exit 0", async () => {
    const child = spawn(process.execPath, [cli, ...long, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
    });
    setTimeout(() => child.kill("SIGTERM"), 1500);
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ command: "run", partial: true, stopped: "signal" });
  }, 40_000);
});
