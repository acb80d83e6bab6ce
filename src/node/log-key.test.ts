import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSignerKey, formatVerifierKey, generateNoteSigner, verifierFromSigner } from "../core/note/index.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { createFileOnce } from "./create-file-once.js";
import { LOG_KEY_FILE, loadOrCreateLogKey } from "./log-key.js";

/*
 * Processes sharing a data directory and one database, started together: the first to place its key
 * file records the log's origin and key in the database. A process that found no key file and then
 * finds the origin recorded has lost that race (the winner places the file before recording) — it must
 * take the winner's key, not refuse to start.
 */

test("log key: a process that finds the origin recorded by a process that placed its key file meanwhile takes that key", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-log-key-"));
  const store = SqliteStore.open(join(dir, "tocsin.db"));
  try {
    const winner = generateNoteSigner("localhost/tocsin/winner");
    // The other process acts between this one's look for the file and its read of the database.
    const racing = new Proxy(store, {
      get(target, name) {
        if (name !== "getMeta") {
          const member = Reflect.get(target, name, target) as unknown;
          return typeof member === "function" ? member.bind(target) : member;
        }
        return async (key: string) => {
          if (key === "log.origin" && createFileOnce(join(dir, LOG_KEY_FILE), formatSignerKey(winner) + "\n")) {
            await target.initMeta("log.origin", winner.name);
            await target.initMeta("log.vkey", formatVerifierKey(verifierFromSigner(winner)));
          }
          return target.getMeta(key);
        };
      },
    }) as Store;
    const signer = await loadOrCreateLogKey(dir, racing);
    assert.equal(formatVerifierKey(verifierFromSigner(signer)), formatVerifierKey(verifierFromSigner(winner)));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("log key: a database that names a log whose key file is gone is refused (CONFIG_INVALID), not given a new key", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-log-key-"));
  const store = SqliteStore.open(join(dir, "tocsin.db"));
  try {
    await store.initMeta("log.origin", "localhost/tocsin/elsewhere");
    await assert.rejects(loadOrCreateLogKey(dir, store), (e: Error & { code?: string }) => e.code === "CONFIG_INVALID" && /is missing/.test(e.message));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
