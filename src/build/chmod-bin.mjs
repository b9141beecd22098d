// After tsc: makes the CLI entry points executable and checks each starts with its shebang
// (tsc keeps the `#!/usr/bin/env node` line of src/bin.cts, src/bin.ts and src/cli.ts), so
// `npx faultsim` (package.json bin: dist/src/bin.cjs), `dist/src/bin.js` and `dist/src/cli.js` work.
import { chmod, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SHEBANG = "#!/usr/bin/env node\n";

for (const name of ["bin.cjs", "bin.js", "cli.js"]) {
  const bin = path.join(root, "dist/src", name);
  let text = await readFile(bin, "utf8");
  if (!text.startsWith("#!")) {
    text = SHEBANG + text;
    await writeFile(bin, text);
  }
  await chmod(bin, 0o755);
}
