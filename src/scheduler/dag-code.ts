/**
 * A registered DAG's code, for what data cannot do: params a schema checks and fills in, an
 * approval's form. A service's registry runs it in the DAG code thread (dag-code-host.ts), never
 * in its own thread; a DAG loaded into this process (the CLI's one-shot commands, the testing kit)
 * runs it here, since its code is here already.
 */
import { parseApprovalAnswer } from "../dsl/approval-answer.js";
import type { Dag } from "../dsl/types.js";
import type { DagCodeHost } from "./dag-code-host.js";

export interface DagCode {
  /**
   * The params of `count` runs created with `given`: the DAG's schema checks them and fills in
   * its defaults, once for each run (a default computed by a function is computed for each).
   * Throws a ParamsError naming the DAG and the field.
   */
  params(given: Readonly<Record<string, unknown>>, count: number): Promise<Record<string, unknown>[]>;
  /** An approval's answer as its form parses it, as JSON; a ParamsError (field `answer.<path>`) when it does not fit. */
  approvalAnswer(taskId: string, answer: unknown): Promise<unknown>;
  /** Imports the code ahead of its first use, in the background (an error waits for that use). */
  warm(): void;
}

/** The code of a DAG already imported into this process. */
export function inProcessCode(dag: Dag<unknown>): DagCode {
  return {
    params: (given, count) => Promise.resolve(Array.from({ length: count }, () => dag.parseParams(given) as Record<string, unknown>)),
    approvalAnswer: (taskId, answer) => Promise.resolve(parseApprovalAnswer(dag, taskId, answer)),
    warm: () => undefined,
  };
}

/** The code of DAG `dagId` of `file`, run in `host`'s thread (`checkedHash`: the content the import check saw finish). */
export function hostedCode(host: DagCodeHost, file: string, dagId: string, checkedHash: string | undefined): DagCode {
  const where = { file, dagId, checkedHash };
  return {
    params: async (given, count) => (await host.request({ ...where, kind: "params", given, count })) as Record<string, unknown>[],
    approvalAnswer: (taskId, answer) => host.request({ ...where, kind: "approval", taskId, answer }),
    warm: () => void host.request({ ...where, kind: "load" }).catch(() => undefined),
  };
}
