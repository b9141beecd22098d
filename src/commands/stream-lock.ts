// The writer's claim on a hunt's --jsonl event stream: FILE.lock beside it, holding the
// writing process's pid and host, created with O_EXCL before the first event and removed when
// the hunt ends (normally or by a signal the hunt catches). Without it, a `hunt --resume` of a
// campaign that is still running (or two resumes started together) would append a second
// campaign's events to the same file, and the stream would no longer say what ran.
//
// A lock left by a writer that was killed (SIGKILL, a lost pod) is stale: on this host its pid
// no longer runs, and the next writer takes the lock over. A lock of another host cannot be
// tested from here: the refusal says which process holds it and how to clear it.
//
// Only a lock faultsim wrote is ever removed. FILE.lock that is not one (a user's notes, a
// directory, a link, a FIFO, a file this process cannot read) is refused with one line naming
// it and left as it is: the user moves it away. An EMPTY FILE.lock is the one exception, and
// is taken for a lock its writer did not live to fill: a writer killed (or a machine that lost
// power) between creating the file and writing its line leaves exactly that, and refusing it
// would block every later run of the campaign until someone removed it by hand. An empty file
// holds nothing to lose, and it is taken over only after it has stayed empty for
// EMPTY_LOCK_GRACE_MS (a live writer fills its lock microseconds after creating it). A writer
// that cannot fill its lock (a full disk) removes the file it created itself, before it
// refuses to run.
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";
import { UsageError } from "../errors.js";
import { fileKind } from "../read-bounded.js";

/** What a lock file records about its writer. */
interface LockOwner {
  pid: number;
  host: string;
  /** When the writer took the lock (ISO time; for the refusal's message only). */
  since: string;
}

/** The most a lock file of faultsim's holds: a pid, a host name (at most 255 bytes), an ISO
 *  time. A larger file is someone else's and is not read further. */
const LOCK_MAX_BYTES = 1024;

/** How long an empty lock must stay empty before it is taken for one left by a writer that
 *  died between creating and filling it (see the top of this file). */
const EMPTY_LOCK_GRACE_MS = 1000;

/** What is at a lock's path, as read. `ino` (with `dev`) is the file read, so that it is the
 *  file removed: one put there in its place meanwhile is not. */
type LockFound =
  | { kind: "gone" }
  | { kind: "empty"; dev: number; ino: number }
  | { kind: "owner"; owner: LockOwner; dev: number; ino: number }
  /** Not faultsim's lock (`what` says what it is): never removed. */
  | { kind: "foreign"; what: string };

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
   * ("--jsonl" or "--resume"). Throws a UsageError (exit 2) when a live writer holds it, when
   * FILE.lock is there and is not faultsim's, or when the lock cannot be created or written.
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
        const found = settledLock(file);
        if (found.kind === "foreign") {
          throw new UsageError(
            `${what} ${stream}: ${file} is not a faultsim lock (${found.what}), so it is left alone; this stream's lock goes there: move it away`,
          );
        }
        if (found.kind === "owner" && !isStale(found.owner)) throw heldBy(what, stream, file, found.owner);
        // Stale, or empty past its grace (or gone meanwhile): removed if it is still the file read.
        if (found.kind !== "gone") removeIfSame(file, found);
        continue;
      }
      writeOwner(fd, file, owner, `${what} ${stream}`);
      // After a stale lock's removal another process may have removed it too and removed
      // ours in turn: a moment later the lock must still name this process.
      if (attempt > 0) {
        sleepMs(100);
        const now = readLock(file);
        if (now.kind !== "owner" || now.owner.pid !== owner.pid || now.owner.host !== owner.host) break;
      }
      return new StreamLock(file, owner);
    }
    throw new UsageError(`${what} ${stream}: its lock ${file} was taken by another process meanwhile`);
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const now = readLock(this.file);
    if (now.kind === "owner" && now.owner.pid === this.owner.pid && now.owner.host === this.owner.host) removeIfSame(this.file, now);
  }
}

/** Writes the owner's line into the lock just created (fd), and closes it. A write or close
 *  that fails (ENOSPC, EDQUOT, EIO) removes the lock this process created, which would
 *  otherwise be left empty, and is one line of bad input (exit 2) like the stream's own
 *  failures to write (event-stream.ts). */
function writeOwner(fd: number, file: string, owner: LockOwner, whose: string): void {
  const line = Buffer.from(`${JSON.stringify(owner)}\n`);
  let created: { dev: number; ino: number } | undefined;
  try {
    created = fstatSync(fd);
    for (let off = 0; off < line.length; ) {
      const n = writeSync(fd, line, off, line.length - off);
      if (n <= 0) throw Object.assign(new Error("short write"), { code: "ENOSPC" });
      off += n;
    }
  } catch (err) {
    closeQuietly(fd);
    if (created) removeIfSame(file, created);
    throw cannotWrite(whose, file, err);
  }
  try {
    closeSync(fd);
  } catch (err) {
    // A network file system may report the failed write only now.
    removeIfSame(file, created);
    throw cannotWrite(whose, file, err);
  }
}

const cannotWrite = (whose: string, file: string, err: unknown): UsageError =>
  new UsageError(`${whose}: cannot write its lock ${file} (${(err as { code?: string }).code ?? (err as Error).message})`);

/** What is at a lock's path. Only a regular file of at most LOCK_MAX_BYTES is read, without
 *  following a link and without waiting on a FIFO. */
function readLock(file: string): LockFound {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(file, { throwIfNoEntry: false });
  } catch (err) {
    return { kind: "foreign", what: `it cannot be examined: ${(err as { code?: string }).code ?? (err as Error).message}` };
  }
  if (st === undefined) return { kind: "gone" };
  if (!st.isFile()) return { kind: "foreign", what: fileKind(st) };
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put there since the lstat does not hang the open; O_NOFOLLOW: nor is a link followed.
    fd = openSync(file, fsc.O_RDONLY | fsc.O_NONBLOCK | (fsc.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") return { kind: "gone" };
    return { kind: "foreign", what: `it cannot be read: ${code ?? (err as Error).message}` };
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) return { kind: "foreign", what: fileKind(fst) };
    if (fst.size > LOCK_MAX_BYTES) return { kind: "foreign", what: `${fst.size} bytes, more than a lock holds` };
    const buf = Buffer.alloc(LOCK_MAX_BYTES + 1);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
      if (n === buf.length) break;
    }
    const at = { dev: fst.dev, ino: fst.ino };
    if (n === 0) return { kind: "empty", ...at };
    const owner = n <= LOCK_MAX_BYTES ? parseOwner(buf.toString("utf8", 0, n)) : undefined;
    return owner ? { kind: "owner", owner, ...at } : { kind: "foreign", what: "it holds something else" };
  } catch (err) {
    return { kind: "foreign", what: `it cannot be read: ${(err as { code?: string }).code ?? (err as Error).message}` };
  } finally {
    closeQuietly(fd);
  }
}

/** The owner a lock's text names, or undefined when it is not the one line faultsim writes:
 *  a JSON object of pid, host and since (`since` optional), and nothing else. */
function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as unknown;
    if (typeof o !== "object" || o === null || Array.isArray(o)) return undefined;
    const r = o as Record<string, unknown>;
    if (Object.keys(r).some((k) => k !== "pid" && k !== "host" && k !== "since")) return undefined;
    if (typeof r.pid !== "number" || !Number.isInteger(r.pid) || r.pid <= 0 || typeof r.host !== "string") return undefined;
    if (r.since !== undefined && typeof r.since !== "string") return undefined;
    return { pid: r.pid, host: r.host, since: r.since ?? "?" };
  } catch {
    return undefined;
  }
}

/** The lock at `file` once it is not empty, or once it has been empty for EMPTY_LOCK_GRACE_MS
 *  (a writer that has just created it writes its line at once; one killed in between never
 *  does). */
function settledLock(file: string): LockFound {
  const t0 = Date.now();
  let found = readLock(file);
  while (found.kind === "empty" && Date.now() - t0 < EMPTY_LOCK_GRACE_MS) {
    sleepMs(50);
    found = readLock(file);
  }
  return found;
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

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes `file` if it is still the file `was` (same device and inode): a file put in its
 *  place since it was read (another writer's lock, a user's file) is left. */
function removeIfSame(file: string, was: { dev: number; ino: number }): void {
  try {
    const now = lstatSync(file, { throwIfNoEntry: false });
    if (now !== undefined && now.dev === was.dev && now.ino === was.ino) unlinkSync(file);
  } catch {
    /* gone already */
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* closing is all that is left to do */
  }
}

function heldBy(what: string, stream: string, file: string, o: LockOwner): UsageError {
  const here = o.host === os.hostname();
  return new UsageError(
    `${what} ${stream}: another faultsim (pid ${o.pid}${here ? "" : ` on ${o.host}`}, since ${o.since}) is writing this campaign; ` +
      (here ? "wait for it to end, or stop it first" : `if that process is gone, remove ${file}`),
  );
}
