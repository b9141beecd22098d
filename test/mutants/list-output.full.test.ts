// `npm run mutants -- --list` when stdout fails, as the faultsim commands (src/output.ts): a
// reader that goes away (`| head -1`) ends it quietly with exit 0, a full disk is one line and
// exit 2. Unguarded, the closed pipe was an uncaught EPIPE: a stack trace and exit 1.
import { describe, it, expect } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/mutants/cli.js");

describe("npm run mutants -- --list and a failing stdout", () => {
  it("a closed pipe: exit 0, nothing on stderr", async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, "--list"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += String(d);
      });
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a full disk: one line, exit 2", () => {
    const fd = openSync("/dev/full", "w");
    try {
      const r = spawnSync(process.execPath, [cli, "--list"], { cwd: root, encoding: "utf8", stdio: ["ignore", fd, "pipe"] });
      expect(r.stderr.trimEnd().split("\n")).toEqual(["faultsim: cannot write the output: ENOSPC (no space left on device)"]);
      expect(r.status).toBe(2);
    } finally {
      closeSync(fd);
    }
  });
});
