// Trace input of bulk mode: streaming readers of oracleGeneral, CSV and lackey traces, and the
// feed that maps their records to the model's ops.
export { openTrace, TRACE_FORMATS, type TraceFormat, type TraceReader } from "./formats.js";
export { TraceFeed, type OpFeed, type TraceSummary, type TraceMachine } from "./feed.js";
