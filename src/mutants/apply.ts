// Applying a planted bug (table.ts) to the model's sources: each edit is an exact text
// substitution whose `find` must occur exactly once in its file, so that a refactor that moves
// or rewrites the anchored line fails loudly (test/mutants/table.test.ts) instead of planting
// the bug somewhere else or nowhere.
import type { Mutant, MutantEdit } from "./table.js";

/** Occurrences of needle in text (non-overlapping). */
export function occurrences(text: string, needle: string): number {
  if (needle.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Why an edit cannot be applied to text, or undefined when it can. */
export function editProblem(text: string, e: MutantEdit): string | undefined {
  const n = occurrences(text, e.find);
  if (n !== 1) return `${e.file}: anchor ${JSON.stringify(e.find)} occurs ${n} times (want exactly 1)`;
  if (e.find === e.replace) return `${e.file}: edit changes nothing`;
  return undefined;
}

/** The mutant's edits applied to the files it names: read(file) gives a file's current text
 *  (path relative to the project root). Returns the new text of every file edited. */
export function applyMutant(m: Mutant, read: (file: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of m.edits) {
    const text = out.get(e.file) ?? read(e.file);
    const why = editProblem(text, e);
    if (why) throw new Error(`mutant ${m.id}: ${why}`);
    out.set(
      e.file,
      text.replace(e.find, () => e.replace),
    );
  }
  return out;
}
