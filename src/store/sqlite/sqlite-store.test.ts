import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeContract } from "../../testing/store-contract.js";
import { SqliteStore } from "./sqlite-store.js";

const dirs: string[] = [];
process.on("exit", () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Real files, not :memory:, so WAL and durability settings are what production runs. */
storeContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  return SqliteStore.open(join(dir, "tocsin.db"));
});

test("sqlite store: WAL journal and full synchronous commits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const s = SqliteStore.open(join(dir, "tocsin.db"));
  assert.equal(s.database.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(s.database.pragma("synchronous", { simple: true }), 2);
  await s.close();
});

test("sqlite store: a database from a newer Tocsin is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const s = SqliteStore.open(join(dir, "tocsin.db"));
  s.database.pragma("user_version = 999");
  await s.close();
  assert.throws(() => SqliteStore.open(join(dir, "tocsin.db")), { code: "STORE_SCHEMA_TOO_NEW" });
});
