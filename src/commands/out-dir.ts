// What `faultsim hunt` and `faultsim merge` share before they start: the --out check and the
// signals that stop them early. Its own module so that merge loads neither the hunt nor the
// campaign (a shard's merge starts in about node's own time plus the stream reader).
import { accessSync, constants as fsc, statSync } from "node:fs";
import { UsageError } from "../errors.js";

/** --out must be a writable directory, checked before the first execution. */
export function checkOutDir(dir: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`--out ${dir}: ${code === "ENOENT" ? "no such directory" : `cannot use it (${code ?? (err as Error).message})`}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--out ${dir}: not a directory`);
  try {
    accessSync(dir, fsc.W_OK | fsc.X_OK);
  } catch {
    throw new UsageError(`--out ${dir}: directory not writable`);
  }
}

/** Signals that end a hunt (or a merge's shrinking) early, as Ctrl-C does: a CI timeout or Kubernetes sends SIGTERM,
 *  a closed terminal SIGHUP. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
