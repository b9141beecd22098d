// Typed errors of the host. The CLI maps them to exit codes (design.md): a UsageError or
// InputError prints one line on stderr and exits 2; anything else is ours (exit 3).

/** Bad options: unknown model or flag, a size out of range, sizes that cannot fit. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A file the user gave us is unreadable, truncated, corrupt or foreign. */
export class InputError extends Error {
  override readonly name: string = "InputError";
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

/** The model trapped or behaved non-deterministically: a bug of faultsim, not of the kernel. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

/** A repro that cannot be replayed: unreadable, not a regular file, too large, not JSON, not a
 *  faultsim repro, of another format or a newer schema, or a field out of bounds. An
 *  InputError, so the command line gives it exit 2 like any bad input. */
export class ReproError extends InputError {
  override readonly name: string = "ReproError";
  constructor(
    message: string,
    file?: string,
    /** The field at fault, as a dotted path ("machine.frames", "ops.0.3"); undefined when the
     *  file as a whole is (unreadable, not JSON, not a repro). */
    readonly field?: string,
  ) {
    super(message, file);
  }
}
