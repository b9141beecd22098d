// stdout failures and the exit code (src/output.ts): a closed pipe ends quietly with the
// command's own code, any other write error is one line and exit 2 unless a violation was found.
import { describe, it, expect, afterEach } from "vitest";
import { Writable } from "node:stream";
import { guardOutput, writeOut, exitCodeWith, outputFailure, outputFailureLine, resetOutput } from "../../src/output.js";

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed, write`), { code, syscall: "write" });

/** A stdout that fails every write with `code`, and a stderr that records what it is told. */
function streams(code?: string) {
  const said: string[] = [];
  const stdout = new Writable({
    write(_c, _e, cb) {
      cb(code ? errno(code) : null);
    },
  });
  const stderr = new Writable({
    write(c, _e, cb) {
      said.push(String(c));
      cb();
    },
  });
  return { stdout, stderr, said };
}

afterEach(() => resetOutput());

describe("exitCodeWith", () => {
  it("keeps the command's code when stdout worked or its reader went away (EPIPE)", () => {
    for (const c of [0, 1, 2, 3]) {
      expect(exitCodeWith(c, undefined)).toBe(c);
      expect(exitCodeWith(c, errno("EPIPE"))).toBe(c);
    }
  });
  it("is 2 for lost output (a full disk), 1 when a violation was found, 3 for our bug", () => {
    expect(exitCodeWith(0, errno("ENOSPC"))).toBe(2);
    expect(exitCodeWith(1, errno("ENOSPC"))).toBe(1);
    expect(exitCodeWith(2, errno("EIO"))).toBe(2);
    expect(exitCodeWith(3, errno("ENOSPC"))).toBe(3);
  });
});

describe("guardOutput and writeOut", () => {
  it("a closed pipe: no line, no exception, the failure recorded once", async () => {
    const { stdout, stderr, said } = streams("EPIPE");
    let settled = 0;
    guardOutput(() => settled++, stdout, stderr);
    expect(await writeOut("hello\n", stdout)).toBe(false);
    expect(await writeOut("again\n", stdout)).toBe(false); // nothing written after a failure
    await new Promise((r) => setImmediate(r));
    expect(said).toEqual([]);
    expect(outputFailure()?.code).toBe("EPIPE");
    expect(settled).toBe(1);
  });

  it("a full disk: one line on stderr, however many writes fail", async () => {
    const { stdout, stderr, said } = streams("ENOSPC");
    guardOutput(undefined, stdout, stderr);
    await writeOut("a\n", stdout);
    stdout.write("b\n"); // a command writing directly (the 'error' event path)
    await new Promise((r) => setImmediate(r));
    expect(said).toEqual(["faultsim: cannot write the output: ENOSPC (no space left on device)\n"]);
    expect(exitCodeWith(0)).toBe(2);
  });

  it("a working stdout: true, nothing recorded", async () => {
    const { stdout, stderr } = streams();
    guardOutput(undefined, stdout, stderr);
    expect(await writeOut("fine\n", stdout)).toBe(true);
    expect(outputFailure()).toBeUndefined();
    expect(exitCodeWith(1)).toBe(1);
  });

  it("names the error in one line", () => {
    expect(outputFailureLine(errno("EIO"))).toBe("cannot write the output: EIO (input/output error)");
    expect(outputFailureLine(errno("EWEIRD"))).toBe("cannot write the output: EWEIRD (failed, write)");
  });
});
