// Text that came from a file (a repro's signature, its violation message, its faultsim version)
// is shown on a terminal: its control characters are made visible, so a crafted file cannot
// move the cursor, retitle the window, hide lines or fake output with escape sequences.
import { countText } from "./count.js";

/** C0 controls (newline and tab too: a field is one line), DEL, C1 controls (0x9b is a CSI on
 *  some terminals), and the bidirectional overrides and isolates that reorder what is shown. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: number, w: number) => c.toString(16).padStart(w, "0");

/** The text with each unsafe character written as a visible escape (\x1b, \u202e). */
export function safeText(s: string): string {
  return s.replace(UNSAFE, (ch) => {
    const c = ch.charCodeAt(0);
    return c <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
  });
}

/** A count for a summary line: rounded, with thousands separators (1,234,567). */
export const fmtCount = countText; // (without loading ICU: report/count.ts)

/** A rate for a summary line: 1.23M/s, 4.5K/s or 67/s. */
export const fmtRate = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K/s` : `${n.toFixed(0)}/s`;

/** The model's clock as the summaries name it: ", a jiffy of N steps", or "" on its own clock. */
export const fmtJiffy = (jiffySteps: number | undefined): string =>
  jiffySteps === undefined ? "" : `, a jiffy of ${countText(jiffySteps)} step${jiffySteps > 1 ? "s" : ""}`;
