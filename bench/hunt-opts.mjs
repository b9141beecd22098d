// The HuntOptions `faultsim hunt ARGS` resolves to, from a built checkout's own command line
// (src/commands/hunt.ts huntOptions), for the bench scripts that drive the hunt loop
// themselves (bench/ab-hunt.mjs, bench/cold-loop.mjs, bench/exec-fixed.mjs, bench/seed-hits.mjs).
import path from "node:path";
import { pathToFileURL } from "node:url";

/** huntOptions of `faultsim hunt ...args` in the checkout at dir (built: dist/; relative to the
 *  working directory). */
export async function huntOptionsOf(dir, args) {
  const load = (f) => import(pathToFileURL(path.resolve(dir, f)).href);
  const { buildProgram } = await load("dist/src/cli.js");
  const { huntOptions } = await load("dist/src/commands/hunt.js");
  const program = buildProgram();
  const cmd = program.commands.find((c) => c.name() === "hunt");
  let got;
  cmd.action((o, c) => {
    got = { o, c };
  });
  await program.parseAsync(["node", "faultsim", "hunt", ...args]);
  return huntOptions(got.o, process.env, (k) => got.c.getOptionValueSource(k) === "cli").opts;
}
