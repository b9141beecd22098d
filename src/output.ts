// Standard output of every command, and what a failing stdout does to the exit code.
//
// A reader that goes away (`faultsim run | head -1`, `| true`) is EPIPE: the rest of the output
// is dropped quietly and the exit code is the command's own (0 nothing found, 1 a violation), as
// Unix tools end on a closed pipe. Any other write error (ENOSPC on a full disk, EIO, EDQUOT) loses
// output the user asked for: one line on stderr, and exit 2, unless a violation was found (1 says
// more than 2) or the command already failed.
//
// Node reports a failed write to process.stdout as an 'error' event on the stream (for pipes and
// files alike), after the write call returned; with no listener it is an uncaught exception (a
// stack trace and exit 1, "violation"). guardOutput() installs the listeners once for the whole
// process, so every command is covered, including those writing with process.stdout.write.

/** Why stdout stopped taking output, or undefined while it works. */
let failure: NodeJS.ErrnoException | undefined;
/** Called after a failure is recorded (the entry point recomputes the exit code). */
let onFailure: (() => void) | undefined;
/** Where the failure's one line goes. */
let errOut: NodeJS.WritableStream | undefined;

const errnoText: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
  EFBIG: "file too large",
  EBADF: "bad file descriptor",
};

/** The one line for a failed stdout (without the "faultsim: " prefix). */
export function outputFailureLine(err: NodeJS.ErrnoException): string {
  const code = err.code ?? "error";
  const what = errnoText[code] ?? err.message.replace(/^\w+: /, "");
  return `cannot write the output: ${code} (${what})`;
}

function record(err: NodeJS.ErrnoException): void {
  if (failure) return; // a write after the first failure fails again: said once
  failure = err;
  if (err.code !== "EPIPE") (errOut ?? process.stderr).write(`faultsim: ${outputFailureLine(err)}\n`);
  onFailure?.();
}

/** Installs the stdout and stderr listeners (idempotent per stream). `then` runs after a
 *  stdout failure is recorded. */
export function guardOutput(
  then?: () => void,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  onFailure = then;
  errOut = stderr;
  const s = stdout as NodeJS.WritableStream & { __faultsimGuard?: boolean };
  if (!s.__faultsimGuard) {
    s.__faultsimGuard = true;
    stdout.on("error", (err: NodeJS.ErrnoException) => record(err));
  }
  const e = stderr as NodeJS.WritableStream & { __faultsimGuard?: boolean };
  if (!e.__faultsimGuard) {
    e.__faultsimGuard = true;
    // Nowhere left to say it: a failed stderr is ignored rather than crashing with a trace.
    stderr.on("error", () => {});
  }
}

/** The failure recorded on stdout, if any. */
export function outputFailure(): NodeJS.ErrnoException | undefined {
  return failure;
}

/** Forgets a recorded failure (tests). */
export function resetOutput(): void {
  failure = undefined;
  onFailure = undefined;
  errOut = undefined;
}

/** Writes text to stdout and resolves once it is written (true) or has failed (false); after a
 *  failure it writes nothing. Commands print through this. */
export function writeOut(text: string, stdout: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  if (failure) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      stdout.write(text, (err?: Error | null) => {
        if (err) record(err as NodeJS.ErrnoException);
        resolve(!err);
      });
    } catch (err) {
      record(err as NodeJS.ErrnoException);
      resolve(false);
    }
  });
}

/** The exit code of a command whose own code is `code`, given what happened to stdout. */
export function exitCodeWith(code: number, err: NodeJS.ErrnoException | undefined = failure): number {
  if (!err || err.code === "EPIPE") return code;
  return code === 0 ? 2 : code; // 1 (violation), 2 and 3 say more than "output lost"
}
