// faultsim's command line run in-process (main()), with what it writes to stdout and stderr
// captured for the test and its exit code: the main() return value, or the one an action set.
import { beforeEach, afterEach, vi } from "vitest";
import { main } from "../../src/cli.js";

/** Registers the capture around every test of the calling file or describe block. */
export function cliCapture() {
  const io = { out: "", err: "" };
  const spies: { mockRestore(): void }[] = [];
  beforeEach(() => {
    io.out = "";
    io.err = "";
    spies.push(
      // A write's callback is called, as the real stream does (src/output.ts writeOut waits for it).
      vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array, ...rest: unknown[]) => {
        io.out += String(s);
        const cb = rest.find((x) => typeof x === "function") as (() => void) | undefined;
        if (cb) queueMicrotask(cb);
        return true;
      }),
    );
    spies.push(
      vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
        io.err += String(s);
        return true;
      }),
    );
  });
  afterEach(() => {
    while (spies.length) spies.pop()!.mockRestore();
    process.exitCode = undefined; // a finding sets it; vitest must not inherit it
  });
  /** Runs faultsim with args; the exit code is main's, or the one an action set. */
  const faultsim = async (...args: string[]): Promise<number> => {
    process.exitCode = undefined;
    const code = await main(["node", "faultsim", ...args]);
    return code !== 0 ? code : Number(process.exitCode ?? 0);
  };
  return { io, faultsim };
}
