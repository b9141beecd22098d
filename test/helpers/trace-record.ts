// A trace record made by hand, for the route classifiers' directed tests (src/races/*-route.ts):
// only the step, the agent, the event and its words matter to them; proc and pc are 0.
import type { TraceRecord } from "../../src/report/trace.js";

export const rec = (step: number, agent: number, event: number, a: number, b: number, c = 0): TraceRecord => ({
  step,
  agent,
  proc: 0,
  pc: 0,
  event,
  a,
  b,
  c,
});
