// Writing the report: a new file, never one that exists. The page goes to a temporary file
// beside it first, flushed, then is linked under its name (a link fails rather than replace a
// file), so the name never holds a partial page, even after a kill or a full disk.
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { InputError, UsageError } from "../../errors.js";
import { safeText } from "../text.js";

const errCode = (err: unknown): string => (err as { code?: string }).code ?? (err as Error).message;

/** Writes text to `file`, which must not exist (UsageError if it does). `given`: whether the
 *  user named it with --out; else it is the page's default name, and the messages say so. */
export function writeNewFile(file: string, text: string, given = true): void {
  const where = given ? `--out ${safeText(file)}` : `${safeText(file)} (the page's default name)`;
  const taken = given ? `${where} exists: remove it or name another file` : `${where} exists: remove it or name another file with --out`;
  if (existsSync(file)) throw new UsageError(taken);
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.faultsim-report-${process.pid}-${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "wx");
  } catch (err) {
    throw new InputError(`${where}: cannot write in ${safeText(dir)} (${errCode(err)})`, file);
  }
  try {
    try {
      const buf = Buffer.from(text, "utf8");
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, file);
    } catch (err) {
      const code = errCode(err);
      if (code === "EEXIST") throw new UsageError(taken);
      // A file system without hard links: a rename, the name checked free just before.
      if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(code) || existsSync(file)) throw err;
      renameSync(tmp, file);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new InputError(`${where}: cannot write it (${errCode(err)})`, file);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed, or gone */
    }
  }
}
