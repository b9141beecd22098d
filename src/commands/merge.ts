// `faultsim merge FILES...` (src/explore/merge.ts folds the streams). Loads the stream reader
// and the fold only; replaying and shrinking (merge-investigate.ts) only when a stream
// recorded a finding unshrunk: a merge of shards that found nothing stays light.
import { mergeJson, mergeStreams, mergeText, readStreams } from "../explore/merge.js";
import { checkFindings } from "../explore/campaign-stream.js";
import { checkOutDir, stopOnSignals } from "./out-dir.js";

/** `faultsim merge FILES...`: folds the streams; investigates (replays, shrinks) each signature
 *  whose first finding a shard recorded unshrunk (--defer-shrink), once. */
export async function mergeCommand(files: string[], o: { json?: boolean; out?: string }): Promise<void> {
  // The streams first: a merge refused for them leaves no --out directory behind.
  const streams = readStreams(files);
  // A finding is reported and may be replayed: its shape is checked (zod, loaded only then).
  if (streams.some((s) => s.findings.length > 0)) {
    const { FindingEventSchema } = await import("../schema/outputs.js");
    for (const s of streams) checkFindings(s, FindingEventSchema);
  }
  const { summary: m, first } = mergeStreams(streams);
  if (o.out !== undefined) checkOutDir(o.out);
  if ([...first.values()].some((f) => f.event.shrinkDeferred)) {
    // Loaded only when there is something to shrink: a merge of nothing found stays light.
    const { investigateDeferred } = await import("../explore/merge-investigate.js");
    const stop = stopOnSignals();
    try {
      await investigateDeferred(m.signatures, first, { ...(o.out !== undefined ? { out: o.out } : {}), signal: stop.signal });
    } finally {
      stop.release();
    }
  }
  process.stdout.write(o.json ? JSON.stringify(mergeJson(m)) + "\n" : mergeText(m));
  // Parts of the split never merged: said where a script reading --json sees it too.
  if (o.json && m.missingParts?.length) {
    const n = m.missingParts[0].count;
    process.stderr.write(
      `faultsim: note: no executions merged of part${m.missingParts.length > 1 ? "s" : ""} ${m.missingParts.map((p) => `${p.index}/${n}`).join(", ")}\n`,
    );
  }
  // A shrunk repro no file could take: on stderr, so that nothing is lost.
  for (const sig of m.signatures) if (sig.repro && !o.json) process.stderr.write(JSON.stringify(sig.repro) + "\n");
  if (m.signatures.length > 0) process.exitCode = 1;
}
