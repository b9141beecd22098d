// One self-contained HTML page: its style, uPlot (read from the installed package, its iife
// build and its stylesheet, inlined), the report's data as JSON, and the page's script
// (client.ts). Nothing is fetched when it opens: no network, no other file.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { reportClient, type ReportData } from "./client.js";

/** Text made safe for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A script's text made safe inside <script>: nothing in it can close the element. */
const scriptSafe = (s: string): string => s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");

let uplot: { js: string; css: string; version: string } | undefined;

/** uPlot's minified iife build and stylesheet, from node_modules (read once). */
export function uplotAssets(): { js: string; css: string; version: string } {
  if (!uplot) {
    const req = createRequire(import.meta.url);
    const dir = (f: string) => req.resolve(`uplot/dist/${f}`);
    const pkg = JSON.parse(readFileSync(req.resolve("uplot/package.json"), "utf8")) as { version: string };
    uplot = { js: readFileSync(dir("uPlot.iife.min.js"), "utf8"), css: readFileSync(dir("uPlot.min.css"), "utf8"), version: pkg.version };
  }
  return uplot;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; margin: 0 auto; padding: 16px 24px 48px; max-width: 1180px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.meta { color: #57606a; margin: 0 0 4px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 10px; overflow: auto; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; max-height: 520px; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { border: 1px solid #d0d7de; padding: 3px 7px; text-align: left; vertical-align: top; font-variant-numeric: tabular-nums; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; }
.plot { margin: 10px 0 18px; min-height: 300px; }
.quiet { color: #8c959f; }
.changed { background: #fff3b0; }
.broken { background: #ffd7d5 !important; outline: 2px solid #cf222e; outline-offset: -2px; font-weight: 600; }
tr.dup td { color: #cf222e; }
#violation { background: #cf222e; color: #fff; padding: 8px 12px; border-radius: 6px; font-weight: 600; margin: 8px 0; }
.controls { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; position: sticky; top: 0; background: #fff; padding: 8px 0; z-index: 2; border-bottom: 1px solid #d0d7de; }
.controls button { font: inherit; padding: 3px 10px; border: 1px solid #8c959f; border-radius: 5px; background: #f6f8fa; cursor: pointer; }
.controls input[type=range] { flex: 1; min-width: 200px; }
#step-label { font-weight: 600; min-width: 120px; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 24px; }
td.stack { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: pre; }
td.stack .top { font-weight: 700; }
th.running { background: #ddf4ff; }
#step-events ul { margin: 4px 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.hint { color: #57606a; font-size: 12px; }
`;

/** The whole page. `body` is trusted HTML (built with esc); `data` goes in as JSON. */
export function renderPage(title: string, body: string, data: ReportData): string {
  const u = uplotAssets();
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultsim report (uPlot ${esc(u.version)} inlined)">
<title>${esc(title)}</title>
<style>${u.css}</style>
<style>${STYLE}</style>
</head>
<body>
${body}
<script id="report-data" type="application/json">${json}</script>
<script>${scriptSafe(u.js)}</script>
<script>
"use strict";
var __name = function (f) { return f; };
(${scriptSafe(reportClient.toString())})();
</script>
</body>
</html>
`;
}
