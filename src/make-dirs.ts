// `mkdir -p` without Node's recursive mkdir, which on Node 20 loops for ever (at full CPU, deaf
// to SIGTERM) where a parent exists but refuses a new entry with ENOENT, as /proc does:
// `--out /proc/x` hung a hunt until kill -9.
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";

/** Creates dir and its missing parents, one level at a time, from the deepest that exists.
 *  Throws the first mkdir error (code ENOENT, EACCES, ENOTDIR, ...) as fs does; a directory
 *  that another process created meanwhile is fine. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; ) {
    try {
      statSync(d);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== "ENOENT") throw err;
    }
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
    }
  }
}
