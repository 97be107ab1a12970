/** What the DAG code host (dag-code-host.ts) and its thread (dag-code-thread.ts) say to each other. */
import type { PlainError } from "../dsl/dag-shape.js";

interface RequestBase {
  readonly id: number;
  readonly file: string;
  readonly dagId: string;
  /** The content hash of the file the registry's import check saw finish (the thread imports it without another check). */
  readonly checkedHash: string | undefined;
}

export type DagCodeRequest =
  /** Imports the file ahead of the first call that needs it. */
  | (RequestBase & { readonly kind: "load" })
  /** The params of `count` runs created with `given`. */
  | (RequestBase & { readonly kind: "params"; readonly given: Readonly<Record<string, unknown>>; readonly count: number })
  /** An approval's answer as its form parses it. */
  | (RequestBase & { readonly kind: "approval"; readonly taskId: string; readonly answer: unknown });

export type DagCodeReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: PlainError }
  /** The call's file is imported: what follows is its DAG's own code (the call's clock starts again). */
  | { readonly id: number; readonly loaded: true }
  /** The call waits for its file in this batch of files (dag-code-loader.ts). */
  | { readonly id: number; readonly batch: number };

/** A file of this batch is loaded (the clocks of the calls still waiting in it start again). */
export interface DagCodeProgress {
  readonly progress: number;
}

/** The thread has loaded its own modules and takes calls: their clocks start now. */
export interface DagCodeReady {
  readonly ready: true;
}

/** A request as a caller makes it (the host numbers it). */
export type DagCodeCall = WithoutId<DagCodeRequest>;
type WithoutId<R> = R extends unknown ? Omit<R, "id"> : never;
