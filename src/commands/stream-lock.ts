// The writer's claim on a hunt's --jsonl event stream: FILE.lock beside it, holding the
// writing process's pid and host, created with O_EXCL before the first event and removed when
// the hunt ends (normally or by a signal the hunt catches). Without it, a `hunt --resume` of a
// campaign that is still running (or two resumes started together) would append a second
// campaign's events to the same file, and the stream would no longer say what ran.
//
// A lock left by a writer that was killed (SIGKILL, a lost pod) is stale: on this host its pid
// no longer runs, and the next writer takes the lock over. A lock of another host cannot be
// tested from here: the refusal says which process holds it and how to clear it.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";
import { UsageError } from "../errors.js";

/** What a lock file records about its writer. */
interface LockOwner {
  pid: number;
  host: string;
  /** When the writer took the lock (ISO time; for the refusal's message only). */
  since: string;
}

/** A held claim on one stream; release() gives it up (once; later calls do nothing). */
export class StreamLock {
  private held = true;

  private constructor(
    /** The lock file's path (the stream's path + ".lock"). */
    readonly file: string,
    private readonly owner: LockOwner,
  ) {}

  /**
   * Claims `stream` for this process. `what` names the option for the refusal's line
   * ("--jsonl" or "--resume"). Throws a UsageError (exit 2) when a live writer holds it, or
   * when the lock cannot be created.
   */
  static acquire(stream: string, what: string): StreamLock {
    const file = `${stream}.lock`;
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    // Two tries: the second after removing a stale lock (a writer that no longer runs).
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, "wx");
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== "EEXIST") {
          throw new UsageError(`${what} ${stream}: cannot create its lock ${file} (${code ?? (err as Error).message})`);
        }
        const other = ownerOf(file);
        if (other !== undefined && !isStale(other)) throw heldBy(what, stream, file, other);
        removeQuietly(file);
        continue;
      }
      try {
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      // After a stale lock's removal another process may have removed it too and removed
      // ours in turn: a moment later the lock must still name this process.
      if (attempt > 0) {
        sleepMs(100);
        const now = readOwner(file);
        if (now === undefined || now.pid !== owner.pid || now.host !== owner.host) break;
      }
      return new StreamLock(file, owner);
    }
    throw new UsageError(`${what} ${stream}: its lock ${file} was taken by another process meanwhile`);
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const now = readOwner(this.file);
    if (now !== undefined && now.pid === this.owner.pid && now.host === this.owner.host) removeQuietly(this.file);
  }
}

/** The owner a lock file names, or undefined when it cannot be read or parsed (a writer
 *  killed between creating it and writing its line leaves it empty). */
function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof o.pid === "number" && Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === "string") {
      return { pid: o.pid, host: o.host, since: typeof o.since === "string" ? o.since : "?" };
    }
  } catch {
    /* unreadable or not ours: undefined */
  }
  return undefined;
}

/** A lock of this host whose process no longer runs (signal 0 tests for the process only). */
function isStale(o: LockOwner): boolean {
  if (o.host !== os.hostname()) return false;
  if (o.pid === process.pid) return false;
  try {
    process.kill(o.pid, 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === "ESRCH";
  }
}

/** The owner of an existing lock; undefined for a lock still empty or unparsable a moment
 *  after it was found so: left by a writer killed between creating it and writing its line
 *  (one that has just created it writes its line at once). */
function ownerOf(file: string): LockOwner | undefined {
  const o = readOwner(file);
  if (o !== undefined) return o;
  sleepMs(50);
  return readOwner(file);
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
}

function heldBy(what: string, stream: string, file: string, o: LockOwner): UsageError {
  const here = o.host === os.hostname();
  return new UsageError(
    `${what} ${stream}: another faultsim (pid ${o.pid}${here ? "" : ` on ${o.host}`}, since ${o.since}) is writing this campaign; ` +
      (here ? "wait for it to end, or stop it first" : `if that process is gone, remove ${file}`),
  );
}
