// `faultsim merge` and `hunt --resume` read a hunt's --jsonl stream: a path that is not a regular
// file is the user's mistake (one line, exit 2), not an internal error. A directory opens on
// Linux and only fails on read (EISDIR), which used to reach the user as exit 3; a FIFO with no
// writer must be refused, not waited on.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { readStream } from "../../src/explore/campaign-stream.js";
import { InputError } from "../../src/errors.js";

const dir = mkdtempSync(path.join(tmpdir(), "faultsim-stream-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await main(["node", "faultsim", ...args]), err };
  } finally {
    spy.mockRestore();
  }
}

describe("a hunt stream path that is not a regular file", () => {
  it("a directory is an InputError naming it", () => {
    expect(() => readStream(dir)).toThrow(InputError);
    expect(() => readStream(dir)).toThrow(/is a directory, not a hunt event stream/);
  });

  it("a FIFO with no writer is refused at once", () => {
    const fifo = path.join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(() => readStream(fifo)).toThrow(/is not a regular file, not a hunt event stream/);
  });

  for (const args of [["merge"], ["hunt", "--resume"]]) {
    it(`faultsim ${args.join(" ")} DIR: one line on stderr, exit 2`, async () => {
      const { code, err } = await cli([...args, dir]);
      expect(code).toBe(2);
      expect(err.trimEnd().split("\n")).toHaveLength(1);
      expect(err).toContain("is a directory");
      expect(err).not.toContain("internal error");
    });
  }
});
