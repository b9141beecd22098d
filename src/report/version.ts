// faultsim's version (package.json), written into repro files so a reader knows which model
// produced a schedule.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

let cached: string | undefined;

/** package.json's version, found from src/ (ts) or dist/src/ (built). */
export function faultsimVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !cached; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "faultsim" && pkg.version) cached = pkg.version;
    } catch { /* not here: go up */ }
    dir = path.dirname(dir);
  }
  return (cached ??= "0.0.0");
}
