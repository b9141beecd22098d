// What `faultsim hunt` and `faultsim merge` share before they start: the --out check and the
// signals that stop them early. Its own module so that merge loads neither the hunt nor the
// campaign (a shard's merge starts in about node's own time plus the stream reader).
import { accessSync, constants as fsc, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import { makeDirs } from "../make-dirs.js";

/** --out must be a writable directory, checked before the first execution. A missing one is
 *  created (with its parents, as `mkdir -p`): a shard's or a CI job's results directory often
 *  does not exist yet, and creating it overwrites nothing. */
export function checkOutDir(dir: string): void {
  const st = statOrMake(dir);
  if (!st.isDirectory()) throw new UsageError(`--out ${dir}: not a directory`);
  try {
    accessSync(dir, fsc.W_OK | fsc.X_OK);
  } catch {
    throw new UsageError(`--out ${dir}: directory not writable`);
  }
}

type Stats = NonNullable<ReturnType<typeof statSync>>;

function statOrMake(dir: string): Stats {
  try {
    return statSync(dir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== "ENOENT") throw new UsageError(`--out ${dir}: cannot use it (${code ?? (err as Error).message})`);
    return makeOutDir(dir);
  }
}

function makeOutDir(dir: string): Stats {
  try {
    makeDirs(dir);
    return statSync(dir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`--out ${dir}: cannot create it (${code ?? (err as Error).message})`);
  }
}

/** Signals that end a hunt (or a merge's shrinking) early, as Ctrl-C does: a CI timeout or Kubernetes sends SIGTERM,
 *  a closed terminal SIGHUP. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** A stop for a command's long work: `signal` aborts at the first of STOP_SIGNALS (each caught
 *  once), `received` names it; `release` stops listening (in a finally). */
export interface SignalStop {
  signal: AbortSignal;
  received(): NodeJS.Signals | undefined;
  release(): void;
}

/** Listens for STOP_SIGNALS from now until release(). */
export function stopOnSignals(): SignalStop {
  const stop = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    received ??= sig;
    stop.abort();
  };
  for (const sig of STOP_SIGNALS) process.once(sig, onSignal);
  return {
    signal: stop.signal,
    received: () => received,
    release: () => {
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    },
  };
}
