// The host's copy of the model's ABI, generated: src/wasm/abi.generated.ts holds every number
// the host shares with the model (config, region, global, agent, area, mm and page words, stats,
// procedure names, violation ids, BUG codes, trace event ids, op kinds, lock classes, feature
// flags, fixed sizes), read from the `export const NAME: i32 = ...;` lines of assembly/, where
// each is defined once. It also writes the model's own dispatch switch, assembly/kernel/dispatch.ts,
// from the procedure ids in assembly/kernel/procs.ts. Run by `npm run build` before asc and tsc;
// both files are committed, so tsc, lint and typedoc work on a fresh clone before any build, and
// test/build/abi.test.ts fails when either is stale (someone edited assembly/ and did not build).
//
//   node src/build/abi-gen.mjs           # rewrites either file when it changed
//   node src/build/abi-gen.mjs --check   # exit 1 when one is stale
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { modelSources } from "./model-id.mjs";

export const GENERATED = "src/wasm/abi.generated.ts";
/** The model's dispatch switch, generated from kernel/procs.ts (a model source: committed). */
export const GENERATED_DISPATCH = "assembly/kernel/dispatch.ts";

// A top-level constant of a model file: `[export] const NAME: i32 = EXPR;` (comments after).
const CONST_LINE = /^(export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*:\s*i32\s*=\s*([^;]+);/;

/** Every top-level i32 constant under assembly/: name → {file, exported, expr}. */
function readConstants(dir) {
  const out = [];
  for (const rel of modelSources(dir)) {
    const text = readFileSync(path.join(dir, rel), "utf8").replace(/\r\n/g, "\n");
    for (const line of text.split("\n")) {
      const m = CONST_LINE.exec(line);
      if (m) out.push({ file: rel, exported: !!m[1], name: m[2], expr: m[3].trim() });
    }
  }
  return out;
}

/** Evaluates every constant's expression (integer literals, other constants, + - * << >> | & ~
 *  and parentheses): name → value, per file (a file sees its own constants, then exported ones). */
function evaluate(consts) {
  const exported = new Map();
  const local = new Map(); // file → Map
  const SAFE = /^[0-9a-fA-FxX\s+\-*<>|&~()]+$/;
  let pending = consts.slice();
  while (pending.length > 0) {
    const still = [];
    for (const c of pending) {
      const scope = local.get(c.file) ?? new Map();
      let unknown = false;
      const expr = c.expr.replace(/\b[A-Z_][A-Z0-9_]*\b/g, (id) => {
        const v = scope.has(id) ? scope.get(id) : exported.get(id);
        if (v === undefined) unknown = true;
        return `(${v})`;
      });
      if (unknown) {
        still.push(c);
        continue;
      }
      if (!SAFE.test(expr)) throw new Error(`${c.file}: ${c.name} = ${c.expr}: not a constant expression`);
      const v = Function(`"use strict"; return (${expr}) | 0;`)();
      scope.set(c.name, v);
      local.set(c.file, scope);
      if (c.exported) {
        if (exported.has(c.name) && exported.get(c.name) !== v)
          throw new Error(`${c.file}: ${c.name} is exported twice with different values: names must be unique across assembly/`);
        exported.set(c.name, v);
      }
    }
    if (still.length === pending.length)
      throw new Error(`cannot evaluate: ${still.map((c) => `${c.file} ${c.name} = ${c.expr}`).join("; ")}`);
    pending = still;
  }
  return exported;
}

// The groups: the host names a group's members without their prefix. `file` limits a group to
// one model file (a prefix other files also use for other things).
const OBJECTS = [
  { name: "CFG", prefix: "CFG_", file: "kernel/config.ts", doc: "Config words (assembly/kernel/config.ts CFG_*)." },
  { name: "R", prefix: "R_", file: "kernel/state.ts", doc: "Region table indices (assembly/kernel/state.ts R_*)." },
  { name: "G", prefix: "G_", file: "kernel/state.ts", doc: "Global words (assembly/kernel/state.ts G_*)." },
  { name: "PG", prefix: "PG_", file: "kernel/state.ts", doc: "Page flags (assembly/kernel/state.ts PG_*)." },
  { name: "A", prefix: "A_", file: "kernel/state.ts", doc: "Swap area words (assembly/kernel/state.ts A_*)." },
  { name: "MM", prefix: "MM_", file: "kernel/state.ts", doc: "Mm words (assembly/kernel/state.ts MM_*)." },
  { name: "AG", prefix: "AG_", doc: "Agent words (assembly/kernel/state.ts, locks.ts, page_alloc.ts AG_*)." },
  { name: "ST", prefix: "ST_", file: "kernel/state.ts", doc: "Agent states (assembly/kernel/state.ts ST_*)." },
  { name: "PTE", prefix: "PTE_", file: "kernel/state.ts", doc: "Present pte bits (assembly/kernel/state.ts PTE_*)." },
  { name: "RUN", prefix: "RUN_", file: "kernel/machine.ts", doc: "run()'s results (assembly/kernel/machine.ts RUN_*)." },
  { name: "SCHED", prefix: "SCHED_", file: "kernel/sched.ts", doc: "Schedulers (assembly/kernel/sched.ts SCHED_*)." },
  { name: "OP", prefix: "OP_", file: "kernel/ops.ts", doc: "Op kinds (assembly/kernel/ops.ts OP_*)." },
  { name: "OPW", prefix: "OPW_", file: "kernel/ops.ts", doc: "The op word's fields (assembly/kernel/ops.ts OPW_*)." },
  { name: "TF", prefix: "TF_", file: "kernel/workload.ts", doc: "CFG.GEN_T_FULL bits (assembly/kernel/workload.ts TF_*)." },
  { name: "LK", prefix: "LK_", file: "kernel/locks.ts", doc: "Spinlock classes (assembly/kernel/locks.ts LK_*)." },
  { name: "LO", prefix: "LO_", file: "kernel/locks.ts", doc: "V_LOCK_ORDER details (assembly/kernel/locks.ts LO_*)." },
  { name: "LAYOUT", prefix: "LAYOUT_", file: "kernel/state.ts", doc: "layout_value() keys (assembly/kernel/state.ts LAYOUT_*)." },
  { name: "BAD", prefix: "BAD_", file: "mm/swapfile.ts", doc: "swap_info_get's reasons (assembly/mm/swapfile.ts BAD_*)." },
  { name: "F", prefix: "F_", file: "model.ts", doc: "Feature flags (assembly/model.ts F_*); src/model/models.ts names them." },
  { name: "F2", prefix: "F2_", file: "model.ts", doc: "Feature flags of CFG_FLAGS2, the second word (assembly/model.ts F2_*)." },
  { name: "BUG", prefix: "BUG_", doc: "BUG() codes of V_BUG_ON violations (assembly/mm/*.ts BUG_*), detail a." },
  { name: "EV", prefix: "EV_", doc: "Trace event ids (assembly/kernel/trace.ts, assembly/mm/*.ts EV_*)." },
];
// Lists: index = value (dense from 0), names derived from the constant names.
const camel = (s) => s.toLowerCase().replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());
const LISTS = [
  {
    name: "STAT_NAMES",
    prefix: "S_",
    file: "kernel/state.ts",
    name_of: camel,
    doc: "Statistics counters (assembly/kernel/state.ts S_*, camelCased).",
  },
  {
    name: "PROC_NAMES",
    prefix: "P_",
    file: "kernel/procs.ts",
    name_of: (s) => (s === "NONE" ? "(none)" : s.toLowerCase()),
    first: "(none)",
    doc: "Procedure names (assembly/kernel/procs.ts P_*): index = procedure id.",
  },
  {
    name: "VIOLATION_IDS",
    prefix: "V_",
    file: "kernel/check.ts",
    name_of: (s) => s.toLowerCase().replace(/_/g, "-"),
    doc: "Violation ids (assembly/kernel/check.ts V_*): index = id; names are the invariant ids.",
  },
  {
    name: "GEN_PATTERN_NAMES",
    prefix: "PAT_",
    file: "kernel/workload.ts",
    name_of: (s) => s.toLowerCase(),
    doc: "Workload patterns (assembly/kernel/workload.ts PAT_*).",
  },
];
// Single constants.
const SINGLES = [
  "MAX_AGENTS",
  "MAX_CPUS",
  "MAX_AREAS",
  "STACK_FRAMES",
  "FRAME_WORDS",
  "AGENT_WORDS",
  "AREA_WORDS",
  "MM_WORDS",
  "GLOBAL_WORDS",
  "STAT_WORDS",
  "TRACE_WORDS",
  "WORKLOAD_WORDS",
  "REGION_COUNT",
  "REST_MAX_FRAMES",
  "HASH_TOUCHED_MAX",
  "ZERO_PAGE",
  "SWP_USED",
  "SWP_WRITEOK",
  "SWAP_MAP_MAX",
  "SWAP_MAP_BAD",
  "CFG_COUNT",
  "P_COUNT",
  "CHOICE_AGENT",
  "CHOICE_PICK_SHIFT",
  "CHOICE_PICK_MAX",
  "FRAME_SHIFT_PTE",
  "ENTRY_SHIFT_PTE",
  "SWP_TYPE_SHIFT",
  "SWP_OFFSET_MASK",
  "MUNMAP_MAX",
  "HUNT_RANGE_MAX",
  "VPAGE_MM_SHIFT",
  "VPAGE_PAGE_MASK",
  "ENOENT",
  "ENOMEM",
  "EEXIST",
  "EINVAL",
  "EBUSY",
];

/** The text of src/wasm/abi.generated.ts for the model sources under dir. */
export function generateAbi(dir) {
  const consts = readConstants(dir);
  const values = evaluate(consts);
  const fileOf = new Map(consts.filter((c) => c.exported).map((c) => [c.name, c.file]));
  const members = (prefix, file) =>
    [...values.keys()]
      .filter((n) => n.startsWith(prefix) && n !== `${prefix}COUNT` && n !== `${prefix}WORDS` && (!file || fileOf.get(n) === file))
      .map((n) => [n.slice(prefix.length), values.get(n)]);
  const lines = [
    "// Generated by src/build/abi-gen.mjs from assembly/ (`npm run build` rewrites it). Do not edit:",
    "// change the constant in assembly/ and build. test/build/abi.test.ts fails when stale.",
    "",
  ];
  for (const s of SINGLES) {
    if (!values.has(s)) throw new Error(`assembly/ exports no ${s}`);
    lines.push(`export const ${s} = ${values.get(s)};`);
  }
  for (const g of OBJECTS) {
    const ms = members(g.prefix, g.file);
    if (ms.length === 0) throw new Error(`no ${g.prefix}* constants in assembly/${g.file ?? ""}`);
    lines.push("", `/** ${g.doc} */`, `export const ${g.name} = {`);
    for (const [k, v] of ms) lines.push(`  ${/^[0-9]/.test(k) ? `"${k}"` : k}: ${v},`);
    lines.push("} as const;");
  }
  for (const g of LISTS) {
    const ms = members(g.prefix, g.file).sort((a, b) => a[1] - b[1]);
    const names = [];
    if (g.first !== undefined) names.push(g.first);
    for (const [k, v] of ms) {
      if (v !== names.length) throw new Error(`${g.prefix}${k} = ${v}: ${g.prefix}* must be dense from ${g.first === undefined ? 0 : 1}`);
      names.push(g.name_of(k));
    }
    lines.push("", `/** ${g.doc} */`);
    // As Biome formats it: on one line when it fits in 140 columns.
    const one = `export const ${g.name} = [${names.map((n) => `"${n}"`).join(", ")}] as const;`;
    if (one.length <= 140) lines.push(one);
    else lines.push(`export const ${g.name} = [`, ...names.map((n) => `  "${n}",`), "] as const;");
  }
  return `${lines.join("\n")}\n`;
}

/** The text of assembly/kernel/dispatch.ts: procedure id → its section function. procs.ts
 *  lists the ids under a `// assembly/mm/<file>.ts` line naming the file of the functions;
 *  P_SWAP_FREE's function is swap_free. */
export function generateDispatch(dir) {
  const byFile = new Map();
  const procs = [];
  let file;
  for (const line of readFileSync(path.join(dir, "kernel/procs.ts"), "utf8").replace(/\r\n/g, "\n").split("\n")) {
    const f = /^\/\/ assembly\/(mm\/[a-z_]+)\.ts(?:\s.*)?$/.exec(line);
    if (f) file = f[1];
    const m = /^export const P_([A-Z0-9_]+): i32 = (\d+);/.exec(line);
    if (!m || m[1] === "COUNT") continue;
    if (!file) throw new Error(`kernel/procs.ts: P_${m[1]} comes before any "// assembly/mm/<file>.ts" line`);
    const fn = m[1].toLowerCase();
    procs.push({ id: Number(m[2]), name: m[1], fn });
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(fn);
  }
  procs.sort((a, b) => a.id - b.id);
  const lines = [
    "// Generated by src/build/abi-gen.mjs from kernel/procs.ts (`npm run build` rewrites it). Do not",
    "// edit: a procedure's P_* line in procs.ts, under its file's `// assembly/mm/<file>.ts` line,",
    "// is all it takes. One switch from procedure id to the procedure's section function: dense ids",
    "// make it a jump table; each procedure's own switch over pc is another. An id it does not",
    "// know is a V_BUG_ON (BUG_UNKNOWN_PROC).",
    'import * as P from "./procs";',
    'import { YIELD } from "./frame";',
    'import { bug, V_BUG_ON, BUG_UNKNOWN_PROC } from "./check";',
  ];
  for (const [f, fns] of byFile) lines.push(`import { ${fns.join(", ")} } from "../${f}";`);
  lines.push("", "export function dispatch(proc: i32, pc: i32): i32 {", "  switch (proc) {");
  for (const p of procs) lines.push(`    case P.P_${p.name}: return ${p.fn}(pc);`);
  lines.push(
    "  }",
    "  // A frame names no procedure: a model bug (a stack word overwritten, an id not in procs.ts).",
    "  bug(V_BUG_ON, BUG_UNKNOWN_PROC, proc, pc);",
    "  return YIELD;",
    "}",
  );
  return `${lines.join("\n")}\n`;
}

/** Writes target with text unless it already holds it (temp file + rename); true when written. */
function update(target, text) {
  let old = "";
  try {
    old = readFileSync(target, "utf8");
  } catch {}
  if (old === text) return false;
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
  return true;
}

const here = fileURLToPath(import.meta.url);
if (process.argv[1] && path.resolve(process.argv[1]) === here) {
  const root = path.resolve(path.dirname(here), "../..");
  const assembly = path.join(root, "assembly");
  const outputs = [
    [GENERATED, generateAbi(assembly)],
    [GENERATED_DISPATCH, generateDispatch(assembly)],
  ];
  for (const [rel, text] of outputs) {
    const target = path.join(root, rel);
    if (process.argv.includes("--check")) {
      let old = "";
      try {
        old = readFileSync(target, "utf8");
      } catch {}
      if (old !== text) {
        console.error(`${rel} is stale: run npm run build (or node src/build/abi-gen.mjs)`);
        process.exitCode = 1;
      }
    } else if (update(target, text)) console.log(`abi: wrote ${rel}`);
  }
}
