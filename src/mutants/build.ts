// A mutant's model build: the project's assembly/ copied to a directory of its own, the
// mutant's edits written over the copy, and asc's release build of it (src/build/build-wasm.mjs's
// first build, without its wasm-opt pass, which costs ~3.5 CPU-seconds a build and buys ~4%
// more executions). The traced build, because it serves the hunt as both of its builds: a
// finding is proven by a traced replay, and an untraced build cannot give one; building both
// would double the ~7 CPU-seconds of asc per mutant to win ~7% more executions. The project's
// own files are never touched. The hunt loads the build through FAULTSIM_WASM
// (src/wasm/files.ts).
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../wasm/files.js";
import { applyMutant } from "./apply.js";
import type { Mutant } from "./table.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The Wasm file a mutant build writes in its directory. */
export const MUTANT_WASM = "faultsim.wasm";

/** Builds the model with mutant m planted (none: the tree as it is) in dir (created; its
 *  assembly/ is overwritten). Returns the Wasm file. Throws with asc's output when the
 *  mutated sources do not compile. */
export async function buildMutant(m: Mutant | undefined, dir: string, root: string = PROJECT_ROOT): Promise<string> {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(root, "assembly"), path.join(dir, "assembly"), { recursive: true });
  cpSync(path.join(root, "asconfig.json"), path.join(dir, "asconfig.json"));
  if (m) {
    for (const [file, text] of applyMutant(m, (f) => readFileSync(path.join(root, f), "utf8"))) {
      writeFileSync(path.join(dir, file), text);
    }
  }
  const asc = path.join(path.dirname(require.resolve("assemblyscript/package.json")), "bin/asc.js");
  const wasm = path.join(dir, MUTANT_WASM);
  try {
    await run(process.execPath, [asc, "assembly/index.ts", "--target", "release", "-o", wasm], {
      cwd: dir,
      maxBuffer: 16 << 20,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `asc failed on ${m ? `mutant ${m.id}` : "the unmutated tree"}: ${(e.stderr || e.stdout || e.message).trim().slice(0, 2000)}`,
    );
  }
  return wasm;
}
