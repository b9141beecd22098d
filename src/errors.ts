// Typed errors of the host. The CLI maps them to exit codes (design.md): a UsageError or
// InputError prints one line on stderr and exits 2; anything else is ours (exit 3).

/** Bad options: unknown model or flag, a size out of range, sizes that cannot fit. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A file the user gave us is unreadable, truncated, corrupt or foreign. */
export class InputError extends Error {
  override readonly name = "InputError";
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
