// Reading a file a user named (a repro, a private model build), bounded: only a regular file
// of at most maxBytes is read, checked before reading, since a device such as /dev/zero never
// ends and a FIFO with no writer blocks, both deaf to SIGTERM in a synchronous read. The
// caller's errors say what the file was meant to be.
import { closeSync, constants as fsc, fstatSync, openSync, readSync, type Stats } from "node:fs";

/** The errors a bounded read throws, made by its caller. */
export interface BoundedReadErrors {
  /** The file could not be opened or read (the error node:fs threw). */
  cannot(err: unknown): Error;
  /** The file is `kind` ("a directory", "a FIFO", "a device", ...), not a regular file. */
  notRegular(kind: string): Error;
  /** The file holds more than the bound. */
  tooBig(): Error;
}

/** What a file that is not a regular one is, for a refusal's line (a link only from lstat). */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** The bytes of `file`, a regular file of at most maxBytes (read to its end even if it grew
 *  since it was looked at, up to one byte past the bound); else the caller's error. */
export function readBounded(file: string, maxBytes: number, errors: BoundedReadErrors): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO with no writer opens at once (and is then refused) instead of waiting.
    fd = openSync(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    throw errors.cannot(err);
  }
  let refused: Error | undefined;
  const refuse = (e: Error): never => {
    refused = e;
    throw e;
  };
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) refuse(errors.notRegular(fileKind(st)));
    if (st.size > maxBytes) refuse(errors.tooBig());
    let buf = Buffer.alloc(st.size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > maxBytes) refuse(errors.tooBig());
        const more = Buffer.alloc(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(more);
        buf = more;
      }
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
    }
    return buf.subarray(0, n);
  } catch (err) {
    if (err === refused) throw err;
    throw errors.cannot(err);
  } finally {
    closeSync(fd);
  }
}
