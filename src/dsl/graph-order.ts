/**
 * Orders a DAG's tasks so that every task comes after its upstream tasks, or finds a cycle.
 * A depth-first walk in declaration order keeps the declaration order wherever it is already
 * valid, so the stored order reads like the DAG file. Iterative, because a long chain of tasks
 * must not overflow the stack.
 */

export type OrderResult =
  | { readonly ok: true; readonly order: readonly string[] }
  /** The tasks of one cycle in run order, the first repeated at the end: `["a", "b", "a"]`. */
  | { readonly ok: false; readonly cycle: readonly string[] };

export function topologicalOrder(ids: readonly string[], upstreamOf: ReadonlyMap<string, readonly string[]>): OrderResult {
  const declared = new Map(ids.map((id, index) => [id, index]));
  const state = new Map<string, "visiting" | "done">();
  const order: string[] = [];

  for (const root of ids) {
    if (state.has(root)) continue;
    // Each frame: a task and how many of its upstream tasks have been looked at.
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, "visiting");
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { id: string; next: number };
      const upstream = upstreamOf.get(frame.id) ?? [];
      const nextId = upstream[frame.next];
      if (nextId === undefined) {
        stack.pop();
        state.set(frame.id, "done");
        order.push(frame.id);
        continue;
      }
      frame.next += 1;
      const seen = state.get(nextId);
      if (seen === "done") continue;
      if (seen === "visiting") {
        return { ok: false, cycle: cycleFrom(stack.map((f) => f.id), nextId, declared) };
      }
      state.set(nextId, "visiting");
      stack.push({ id: nextId, next: 0 });
    }
  }
  return { ok: true, order };
}

/**
 * The walk follows upstream edges, so the stack from `repeated` to its top is the cycle backwards.
 * Reversed into run order and rotated to start at its earliest-declared task: that task is the one
 * whose `after` names a later task, which is where the mistake is.
 */
function cycleFrom(stack: readonly string[], repeated: string, declared: ReadonlyMap<string, number>): string[] {
  const loop = stack.slice(stack.indexOf(repeated)).reverse();
  let start = 0;
  loop.forEach((id, index) => {
    if ((declared.get(id) ?? Infinity) < (declared.get(loop[start] ?? "") ?? Infinity)) start = index;
  });
  const rotated = [...loop.slice(start), ...loop.slice(0, start)];
  return [...rotated, rotated[0] ?? repeated];
}
