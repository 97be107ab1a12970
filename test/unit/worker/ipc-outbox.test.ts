import { describe, expect, it } from "vitest";
import { IpcOutbox, unbatched } from "../../../src/worker/ipc-outbox.js";

type Message = { readonly type: "run"; readonly n: number };

describe("IpcOutbox", () => {
  it("sends the messages of one turn of the event loop as one batch, in order, and a lone message as itself", async () => {
    const sent: unknown[] = [];
    const outbox = new IpcOutbox<Message>((message) => sent.push(message));
    outbox.send({ type: "run", n: 1 });
    outbox.send({ type: "run", n: 2 });
    await Promise.resolve().then(() => outbox.send({ type: "run", n: 3 }));
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([{ type: "batch", messages: [{ type: "run", n: 1 }, { type: "run", n: 2 }, { type: "run", n: 3 }] }]);
    outbox.send({ type: "run", n: 4 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.at(-1)).toEqual({ type: "run", n: 4 });
    expect(sent.flatMap((message) => unbatched(message as Message))).toEqual([1, 2, 3, 4].map((n) => ({ type: "run", n })));
  });
});
