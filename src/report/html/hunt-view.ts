// The report of a hunt's event stream: the campaign's options, its throughput over time
// (executions per second and distinct signatures, from the progress events) and the table of
// signatures found.
import path from "node:path";
import type { HuntSummary } from "./hunt.js";
import type { PlotSpec, ReportData } from "./client.js";
import { esc } from "./page.js";
import { fmtCount } from "../text.js";

/** A repro file's link from the report's directory: the stream names it relative to where the
 *  hunt ran, which is taken to be the stream's own directory. */
function reproLink(file: string, streamDir: string, outDir: string): string {
  const abs = path.resolve(streamDir, file);
  const rel = path.relative(outDir, abs).split(path.sep).map(encodeURIComponent).join("/");
  return `<a href="${esc(rel)}">${esc(path.basename(file))}</a>`;
}

export function huntPage(h: HuntSummary, file: string, outFile: string): { title: string; body: string; data: ReportData } {
  const o = h.start.options;
  const m = o.machine;
  const title = `faultsim hunt: ${path.basename(file)}`;
  const t = h.throughput;
  const plots: PlotSpec[] = [
    {
      id: "plot-throughput",
      title: "Throughput: executions per second (left) and distinct signatures found (right)",
      xLabel: "seconds",
      yLabel: "executions/s",
      rightLabel: "signatures",
      fromZero: true,
      // A short hunt has a few points: drawn as dots too.
      series: [
        { label: "executions/s", color: "#0969da", points: t.seconds.length < 30 },
        { label: "signatures", color: "#cf222e", scale: "right", points: t.seconds.length < 30 },
      ],
      data: [t.seconds, t.perSec, t.signatures],
    },
  ];
  const rows = h.signatures.map(
    (s) =>
      `<tr><td><code>${esc(s.signature)}</code>${s.message ? `<br><span class="quiet">${esc(s.message)}</span>` : ""}</td>` +
      `<td class="num">${fmtCount(s.count)}</td>` +
      `<td class="num">${s.firstExecution === undefined ? "—" : fmtCount(s.firstExecution)}</td>` +
      `<td>${s.file ? reproLink(s.file, path.dirname(file), path.dirname(path.resolve(outFile))) : '<span class="quiet">none written</span>'}</td></tr>`,
  );
  const ended = h.end
    ? h.end.interrupted
      ? "stopped by a signal"
      : `ended (exit code ${h.end.exitCode}), campaign hash ${esc(h.end.hash)}`
    : "no end event (still running, or killed)";
  const body = `
<h1>${esc(title)}</h1>
<p class="meta">model ${esc(h.start.model.name)} (${esc(h.start.model.flags.join(", ") || "no flags")}); ${m.cpus} CPUs${
    m.kswapd ? " + kswapd" : ""
  }, ${m.frames} frames, ${m.pagesPerMm} pages, ${m.slotsPerArea} slots; ${esc(o.sched)}${o.depth ? ` depth ${o.depth}` : ""}, seed ${o.seed}, ${
    o.workers
  } worker${o.workers === 1 ? "" : "s"}${o.mix ? `, mix ${esc(o.mix)}` : ""}</p>
<p class="meta">${fmtCount(h.executions)} executions in ${(h.elapsedMs / 1000).toFixed(1)} s over ${h.legs} leg${h.legs === 1 ? "" : "s"}; ${ended}.</p>
<div class="plot" id="plot-throughput"></div>
${t.seconds.length < 3 ? '<p class="hint">Few points: a hunt writes a progress event every ~2 s, and one per finding.</p>' : ""}
<h2>Signatures</h2>
<table id="signatures"><thead><tr><th>signature</th><th>count</th><th>first execution</th><th>repro file</th></tr></thead>
<tbody>${rows.length ? rows.join("") : '<tr><td colspan="4" class="quiet">no violation found</td></tr>'}</tbody></table>
<p class="hint">count: failing executions with the signature; first execution: the one that found it (the finding event).</p>
`;
  return { title, body, data: { plots } };
}
