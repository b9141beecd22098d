// `faultsim hunt`'s options in one list, by the kind of value the API takes (src/index.ts checks
// the API's options by it), and which of them define a campaign: a resumed campaign
// (`hunt --resume`, src/commands/hunt.ts) takes those from its stream, and the command line
// may not give them again. One list: an option added here is both an API option and, unless
// it only concerns one leg, fixed by a campaign's stream.

/** The API's options of `hunt`, by kind, with their command-line names camel-cased. */
export const HUNT_OPTION_KINDS = {
  numbers: [
    "depth",
    "seed",
    "budgetMs",
    "executions",
    "ops",
    "cpus",
    "frames",
    "pages",
    "slots",
    "pageCluster",
    "jiffySteps",
    "writeRatio",
    "shrinkMs",
    "workers",
    "mms",
    "areas",
  ],
  booleans: ["kswapd", "threads", "keepGoing", "full", "swarm"],
  choices: { sched: ["pct", "random"], backend: ["wasm", "js"] },
  /** Flag lists. */
  lists: ["with", "without"],
  /** Free-form strings, passed as given (the command line checks them). */
  strings: ["mix"],
} as const;

/** Options of one leg of a campaign, which a resumed leg may give anew: its own budget
 *  (--budget-ms), its threads (--workers), how its findings are drawn (--full). */
const LEG_OPTIONS: readonly string[] = ["budgetMs", "workers", "full"];

/** Command-line-only options that are part of the campaign too: where its repros and its
 *  stream go, and which part of it this process runs. */
const CAMPAIGN_CLI_OPTIONS = ["out", "shard", "deferShrink", "jsonl"] as const;

/** Options a resumed campaign takes from its stream (the command line may not change them):
 *  the model and every API option of the campaign but a leg's own, and --out, --shard,
 *  --defer-shrink, --jsonl. */
export const FIXED_BY_STREAM: readonly string[] = [
  "model",
  ...[
    ...HUNT_OPTION_KINDS.lists,
    ...Object.keys(HUNT_OPTION_KINDS.choices),
    ...HUNT_OPTION_KINDS.numbers,
    ...HUNT_OPTION_KINDS.booleans,
    ...HUNT_OPTION_KINDS.strings,
  ].filter((k) => !LEG_OPTIONS.includes(k)),
  ...CAMPAIGN_CLI_OPTIONS,
];
