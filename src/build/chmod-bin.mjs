// After tsc: makes the CLI entry point executable and checks it starts with its shebang
// (tsc keeps the `#!/usr/bin/env node` line of src/cli.ts), so `npx faultsim` works.
import { chmod, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "dist/src/cli.js");
const SHEBANG = "#!/usr/bin/env node\n";

let text = await readFile(bin, "utf8");
if (!text.startsWith("#!")) {
  text = SHEBANG + text;
  await writeFile(bin, text);
}
await chmod(bin, 0o755);
