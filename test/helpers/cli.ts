// faultsim's command line run in-process (main()), with what it writes to stdout and stderr
// captured for the test and its exit code: the main() return value, or the one an action set.
import { beforeEach, afterEach, vi } from "vitest";
import { buildProgram, main, settingsOf, type RunCliOptions, type RunSettings } from "../../src/cli.js";

/** A write's callback, if it was given one (write(s, cb) or write(s, encoding, cb)), is called
 *  as the real stream would once the text is out: src/output.ts writeOut waits for it. */
function written(a: unknown, b: unknown): void {
  const cb = typeof a === "function" ? a : typeof b === "function" ? b : undefined;
  if (cb) queueMicrotask(() => (cb as () => void)());
}

/** Registers the capture around every test of the calling file or describe block. */
export function cliCapture() {
  const io = { out: "", err: "" };
  const spies: { mockRestore(): void }[] = [];
  beforeEach(() => {
    io.out = "";
    io.err = "";
    spies.push(
      vi.spyOn(process.stdout, "write").mockImplementation(((s: string | Uint8Array, a?: unknown, b?: unknown) => {
        io.out += String(s);
        written(a, b);
        return true;
      }) as typeof process.stdout.write),
    );
    spies.push(
      vi.spyOn(process.stderr, "write").mockImplementation(((s: string | Uint8Array, a?: unknown, b?: unknown) => {
        io.err += String(s);
        written(a, b);
        return true;
      }) as typeof process.stderr.write),
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

/** `faultsim run ARGS`'s settings, as the command resolves them (its options, parsed). */
export async function runSettings(args: string): Promise<RunSettings> {
  let got: unknown;
  const program = buildProgram();
  program.commands
    .find((c) => c.name() === "run")!
    .action((o) => {
      got = o;
    });
  await program.parseAsync(["node", "faultsim", "run", ...args.split(" ")]);
  return settingsOf(got as RunCliOptions);
}
