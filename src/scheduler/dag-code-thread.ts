/**
 * The entry point of the DAG code thread (dag-code-host.ts): a worker thread in which a service
 * imports the DAG files whose code it needs (a params schema to check and fill in, an approval's
 * form), so that its own thread never runs a DAG file's code. It imports each file as the
 * registry's loader does (dag-code-loader.ts: once per content, after the import check) and
 * answers each request with plain data: the params of `count` runs, or an answer as the form
 * parsed it, or the error, as data (dag-shape.ts plainError).
 */
import { parentPort } from "node:worker_threads";
import { parseApprovalAnswer } from "../dsl/approval-answer.js";
import { plainError } from "../dsl/dag-shape.js";
import { DagCodeLoader } from "./dag-code-loader.js";
import type { DagCodeProgress, DagCodeReady, DagCodeReply, DagCodeRequest } from "./dag-code-protocol.js";

if (!parentPort) throw new Error("dag-code-thread.ts is started by Tributary's DAG code host, not directly");
const port = parentPort;

const loader = new DagCodeLoader({ onProgress: (batch) => port.postMessage({ progress: batch } satisfies DagCodeProgress) });

async function answer(request: DagCodeRequest): Promise<DagCodeReply> {
  try {
    const joined = (batch: number) => port.postMessage({ id: request.id, batch } satisfies DagCodeReply);
    const dag = await loader.code(request.file, request.dagId, request.checkedHash, joined);
    if (request.kind === "load") return { id: request.id, value: null };
    port.postMessage({ id: request.id, loaded: true } satisfies DagCodeReply);
    if (request.kind === "params") {
      // Each run's own call: a default computed by a function is computed for each run.
      // As JSON, as they are stored (a class's toJSON applied, a function left out), which is what
      // the in-process path gave the store.
      return { id: request.id, value: asJson(Array.from({ length: request.count }, () => dag.parseParams(request.given))) };
    }
    return { id: request.id, value: parseApprovalAnswer(dag, request.taskId, request.answer) };
  } catch (error) {
    return { id: request.id, error: plainError(error) };
  }
}

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? "null") as unknown;
}

port.on("message", (request: DagCodeRequest) => {
  void answer(request).then((reply) => {
    try {
      port.postMessage(reply);
    } catch (error) {
      // A value the thread cannot send (a function in a param's default, say).
      port.postMessage({ id: request.id, error: plainError(new Error(`the DAG's code gave a value that cannot be passed on as data: ${error instanceof Error ? error.message : String(error)}`)) });
    }
  });
});

// Every module of the thread is loaded (the calls' clocks start now: dag-code-host.ts).
port.postMessage({ ready: true } satisfies DagCodeReady);
