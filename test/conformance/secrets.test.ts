/**
 * Conformance of the store methods behind the encrypted secrets backend and the task log
 * retention, on every store in STORES.
 */
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, generateSecretKey, parseSecretKey } from "../../src/secrets/cipher.js";
import { rotateSecretKey, setStoredSecret } from "../../src/secrets/secret-admin.js";
import type { StoredSecret } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const key = parseSecretKey(generateSecretKey());
const sealed = (name: string, value: string, seconds = 0): StoredSecret => ({ name, ...encryptSecret(key, name, value), updatedAt: at(seconds) });

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): secrets and log retention`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("puts, gets, lists (by name), replaces and deletes secrets", async () => {
      const { store } = ctx;
      expect(await store.listSecrets()).toEqual([]);
      expect(await store.getSecret("a")).toBeUndefined();
      const b = sealed("b", "bee");
      await store.putSecret(b);
      await store.putSecret(sealed("a", "ay"));
      expect(await store.getSecret("b")).toEqual(b);
      expect((await store.listSecrets()).map((s) => s.name)).toEqual(["a", "b"]);

      const replaced = sealed("b", "bee 2", 5);
      await store.putSecret(replaced);
      const read = await store.getSecret("b");
      expect(read).toEqual(replaced);
      expect(decryptSecret(key, "b", read ?? replaced)).toBe("bee 2");
      expect(await ctx.openAnother().getSecret("b")).toEqual(replaced);

      expect(await store.deleteSecret("b")).toBe(true);
      expect(await store.deleteSecret("b")).toBe(false);
      expect((await store.listSecrets()).map((s) => s.name)).toEqual(["a"]);
    });

    it("rewriteSecrets replaces every secret in one transaction, or none when the rewrite throws", async () => {
      const { store } = ctx;
      for (const name of ["a", "b", "c"]) await store.putSecret(sealed(name, `value of ${name}`));
      const before = await store.listSecrets();
      await expect(
        store.rewriteSecrets((s) => {
          if (s.name === "c") throw new Error("cannot decrypt c");
          return { ...s, ciphertext: "garbage", updatedAt: at(9) };
        }),
      ).rejects.toThrow("cannot decrypt c");
      expect(await store.listSecrets()).toEqual(before);

      const next = parseSecretKey(generateSecretKey());
      expect(await rotateSecretKey(store, key, next, at(10))).toBe(3);
      const after = await store.listSecrets();
      expect(after.map((s) => s.keyId)).toEqual([next.keyId, next.keyId, next.keyId]);
      expect(after.map((s) => decryptSecret(next, s.name, s))).toEqual(["value of a", "value of b", "value of c"]);
    });

    it("rotation with the wrong current key changes nothing and loses nothing", async () => {
      const { store } = ctx;
      await setStoredSecret(store, key, "a", "alpha", at(0));
      await setStoredSecret(store, key, "b", "beta", at(0));
      const before = await store.listSecrets();
      const wrong = parseSecretKey(generateSecretKey());
      await expect(rotateSecretKey(store, wrong, parseSecretKey(generateSecretKey()), at(1))).rejects.toThrow(/key rotation changed nothing/);
      expect(await store.listSecrets()).toEqual(before);
      // Setting a secret under another key than the stored ones is refused: it would mix keys.
      await expect(setStoredSecret(store, wrong, "c", "gamma", at(2))).rejects.toThrow(/encrypted with key id/);
    });

    it("deleteTaskLogsBefore deletes the log lines of tries that ended before the cutoff, and only those", async () => {
      const { store } = ctx;
      const run = await RunDriver.start(store, graph("logs", [{ id: "old" }, { id: "recent" }, { id: "running" }]));
      await run.claim(at(1));
      const line = (message: string) => ({ at: at(1), stream: "stdout" as const, level: "info" as const, message });
      for (const key of ["old", "recent", "running"]) await store.appendLogs(run.claimOf(key).tryId, [line(`${key} 1`), line(`${key} 2`)]);
      await run.succeed("old", undefined, at(100));
      await run.succeed("recent", undefined, at(300));

      expect(await store.deleteTaskLogsBefore(at(100))).toBe(0);
      expect(await store.deleteTaskLogsBefore(at(200))).toBe(2);
      const read = async (taskId: string) => (await store.readLogs({ runId: run.runId, taskId, mapIndex: null })).lines.map((l) => l.message);
      expect(await read("old")).toEqual([]);
      expect(await read("recent")).toEqual(["recent 1", "recent 2"]);
      // A try still running keeps its log whatever its age.
      expect(await store.deleteTaskLogsBefore(at(10_000))).toBe(2);
      expect(await read("running")).toEqual(["running 1", "running 2"]);
      // The tries themselves stay.
      expect((await store.listTries((await run.instance("old")).id)).length).toBe(1);
    });
  });
}
