// The README's option tables for `faultsim hunt` and `faultsim run` and the commands' own
// `--help` agree: every option --help lists is in the table and the table names no other, and
// each default the table states is the one --help shows. (A `--x` / `--no-x` pair counts as one
// option; a default the table leaves blank, or gives in words, is not compared.)
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cliCapture } from "../helpers/cli.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { io, faultsim } = cliCapture();

interface Row {
  options: string[];
  defaults: string[];
}

/** The option table of the README section of `command`: each row's options and defaults. */
function readmeTable(command: string): Row[] {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.split(`\n## \`faultsim ${command}\`\n`)[1]?.split(/\n## /)[0] ?? "";
  const table = section.split("\n| option | default | meaning |\n| --- | --- | --- |\n")[1] ?? "";
  const lines = table.split("\n");
  const end = lines.findIndex((l) => !l.startsWith("| "));
  const rows = lines.slice(0, end < 0 ? lines.length : end);
  return rows.map((line) => {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const options = [...cells[1].matchAll(/`(--[a-z][a-z-]*)/g)].map((m) => m[1]);
    const defaults = cells[2] === "" ? [] : cells[2].split(/,\s*/).map((d) => d.replace(/`/g, "").trim());
    return { options, defaults };
  });
}

/** --help's options, each with its default as --help shows it (undefined: none shown). */
async function helpOptions(command: string): Promise<Map<string, string | undefined>> {
  io.out = "";
  expect(await faultsim(command, "--help")).toBe(0);
  const entries: { flag: string; text: string }[] = [];
  for (const line of io.out.split("\n")) {
    const m = /^ {2}(?:-\w, )?(--[a-z][a-z-]*)(?: <[^>]+>)?(?: {2,}(.*))?$/.exec(line);
    if (m) entries.push({ flag: m[1], text: m[2] ?? "" });
    else if (/^ {4,}\S/.test(line) && entries.length) entries[entries.length - 1].text += ` ${line.trim()}`;
  }
  const out = new Map<string, string | undefined>();
  for (const { flag, text } of entries) {
    if (flag === "--help") continue;
    // `(default: "x")`, `(default: [])` or `(choices: ..., default: "x")`; prose is no value.
    const d = /default: ("[^"]*"|\[\]|true|false)\)$/.exec(text);
    out.set(flag, d ? d[1].replace(/^"|"$/g, "") : undefined);
  }
  return out;
}

/** `--no-x` and `--x` are one option, x. */
const base = (flag: string): string => flag.replace(/^--no-/, "--");

const same = (a: string, b: string): boolean => a === b || (a.trim() !== "" && b.trim() !== "" && Number(a) === Number(b));

describe.each(["hunt", "run"])("faultsim %s: the README's option table and --help", (command) => {
  it("name the same options", async () => {
    const help = await helpOptions(command);
    const rows = readmeTable(command);
    expect(rows.length).toBeGreaterThan(5);
    const inReadme = new Set(rows.flatMap((r) => r.options).map(base));
    const inHelp = new Set([...help.keys()].map(base));
    expect([...inHelp].filter((o) => !inReadme.has(o)).sort(), "in --help, not in the README").toEqual([]);
    expect([...inReadme].filter((o) => !inHelp.has(o)).sort(), "in the README, not in --help").toEqual([]);
  });

  it("give the same defaults", async () => {
    const help = await helpOptions(command);
    const compared: string[] = [];
    const wrong: string[] = [];
    for (const { options, defaults } of readmeTable(command)) {
      // One default per option, one for all ("x each"), or the first option's.
      const each = defaults.length === 1 && / each$/.test(defaults[0]);
      const pairs: [string, string][] =
        defaults.length === options.length
          ? options.map((o, i) => [o, defaults[i]])
          : each
            ? options.map((o) => [o, defaults[0].replace(/ each$/, "")])
            : defaults.length === 1
              ? [[options[0], defaults[0]]]
              : [];
      for (const [opt, readme] of pairs) {
        if (readme === "" || /[()]|see /.test(readme) || ["on", "off"].includes(readme)) continue; // in words
        const shown = help.get(opt);
        compared.push(opt);
        if (readme === "none" ? shown !== undefined : shown === undefined || !same(readme, shown)) {
          wrong.push(`${opt}: README ${readme}, --help ${shown ?? "(none)"}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(compared.length).toBeGreaterThan(command === "run" ? 15 : 6);
  });
});
