// Worker entry (compiled to dist/src/workers/worker.js; Node 20 workers need plain JS).
// workerData.module is the compiled WebAssembly.Module from the parent: instantiating it is
// cheap, compiling it again in every worker is not. This worker never reads a .wasm file.
import { parentPort, workerData } from "node:worker_threads";
import { EngineCache, runChunk } from "./jobs.js";
import type { FromWorker, ToWorker } from "./protocol.js";

if (!parentPort) throw new Error("src/workers/worker.ts is a worker_threads entry, not a script");
const port = parentPort;
const module = (workerData as { module?: unknown } | undefined)?.module;
if (!(module instanceof WebAssembly.Module)) {
  throw new Error("worker started without a compiled WebAssembly.Module in workerData.module");
}
const engines = new EngineCache(module);
const post = (m: FromWorker) => port.postMessage(m);

port.on("message", (msg: ToWorker) => {
  // The pool sends one chunk at a time to a worker, so chunks never overlap here.
  runChunk(engines, msg.job, msg.range, msg.opts).then(
    (result) => post({ type: "done", id: msg.id, result }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      post({ type: "failed", id: msg.id, error: { name: e.name, message: e.message, stack: e.stack } });
    },
  );
});

post({ type: "ready", moduleFromWorkerData: true });
