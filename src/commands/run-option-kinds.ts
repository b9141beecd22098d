// `faultsim run`'s options that the API's run() takes (src/index.ts), by the kind of value,
// with their command-line names camel-cased. The command line defines the options (src/cli.ts);
// test/cli/run-option-kinds.test.ts holds this list to it, as hunt-option-kinds.ts is held to
// `faultsim hunt`'s.

/** The API's options of `run`, by kind. */
export const RUN_OPTION_KINDS = {
  numbers: [
    "seed",
    "cpus",
    "mms",
    "pages",
    "frames",
    "areas",
    "slots",
    "ops",
    "writeRatio",
    "hotFraction",
    "hotProbability",
    "forkRate",
    "exitRate",
    "munmapRate",
    "swapoffRate",
    "swaponRate",
    "checkInterval",
    "jiffySteps",
  ],
  booleans: ["threads", "kswapd", "fullCheck"],
  choices: {
    pattern: ["uniform", "hotcold", "sequential"],
    workload: ["steady", "random"],
    sched: ["random", "rtc"],
    backend: ["wasm", "js"],
  },
  /** Flag lists. */
  lists: ["with", "without"],
  /** Free-form strings, passed as given (the command line checks them). */
  strings: ["trace", "traceFormat"],
} as const;

/** Options of `faultsim run` the API's run() does not take: its output form (the API returns
 *  run's JSON object), the time series written to a file (--series and its interval and
 *  format), and --reclaim's textbook policies (their summary is another shape). --budget-ms
 *  the API takes itself (src/index.ts). */
export const RUN_CLI_ONLY = ["model", "json", "series", "interval", "seriesFormat", "reclaim", "budgetMs"] as const;
