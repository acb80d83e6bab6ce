/**
 * Moving a node between engines with the real CLI and servers: SQLite → `tocsin export` → PostgreSQL
 * (`tocsin import`, audited) → served there, the same checkpoint, records and tokens, the log growing
 * on → exported again → SQLite, audited clean. Bad files and non-empty targets are refused, leaving
 * nothing half-written.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { verifyConsistency } from "../../core/merkle/index.js";
import { buildWarning } from "../../client/record-builders.js";
import { appendEntries, cleanup, getCheckpointNote, getConsistencyProof, httpExchange, logVerifier, openNote, runCli, startServer, tempDir } from "../../reliability/harness.js";
import { createTestDatabase, type TestDatabase } from "../../testing/pg-database.js";
import Database from "better-sqlite3";
import { SqliteStore } from "../sqlite/sqlite-store.js";
import { TRANSFER_TABLES } from "./tables.js";

const databases: TestDatabase[] = [];
after(async () => {
  await cleanup();
  for (const d of databases) await d.drop();
});

async function cli(...args: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `tocsin ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

test("export/import: SQLite → PostgreSQL → SQLite, audited clean, checkpoints and records unchanged", { timeout: 120_000 }, async () => {
  const dirA = tempDir("export-a");
  // A SQLite node with parties, a record and raw entries.
  const src = JSON.parse(await cli("party", "create", "src", "--name", "Source", "--custodial", "--data", dirA));
  const dst = JSON.parse(await cli("party", "create", "dst", "--name", "Recipient", "--data", dirA));
  const a = await startServer(dirA, ["--internal-append"]);
  const at = Date.now() - 60_000;
  const warning = buildWarning({ id: src.id }, { at, name: "Moved warning", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR" });
  const posted = await httpExchange(`${a.url}/api/v1/records`, { method: "POST", body: JSON.stringify(warning), headers: { authorization: `Bearer ${src.token}` } });
  assert.equal(posted.status, 201, posted.body);
  // A TAXII deletion (tombstone) and a status resource must move too.
  const taxii = { accept: "application/taxii+json;version=2.1", authorization: `Bearer ${src.token}` };
  const tomb = await httpExchange(`${a.url}/taxii2/exchange/collections/shared/objects/${warning.id}/`, { method: "DELETE", headers: taxii });
  assert.equal(tomb.status, 200, tomb.body);
  const second = buildWarning({ id: src.id }, { at, name: "Posted over TAXII", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.4, tlp: "CLEAR" });
  const added = await httpExchange(`${a.url}/taxii2/exchange/collections/shared/objects/`, {
    method: "POST",
    body: JSON.stringify({ objects: [second] }),
    headers: { ...taxii, "content-type": "application/taxii+json;version=2.1" },
  });
  assert.equal(added.status, 202, added.body);
  const statusId = JSON.parse(added.body).id as string;
  for (let i = 0; i < 5; i++) await appendEntries(a.url, Array.from({ length: 60 }, () => randomBytes(24)));
  const noteA = await getCheckpointNote(a.url);
  await a.stop();

  const file1 = join(tempDir("export-files"), "a.jsonl");
  await cli("export", "--data", dirA, "--out", file1);
  const lines = readFileSync(file1, "utf8").trim().split("\n");
  assert.equal(JSON.parse(lines[0]!).format, "tocsin-export");
  const counts = JSON.parse(lines.at(-1)!).counts;
  assert.equal(counts.log_leaf, 308, "5 key records (the node's, each party's registration and token), 3 records, 300 raw entries");
  assert.equal(counts.record_tombstone, 1);
  assert.equal(counts.taxii_status, 1);

  // Into PostgreSQL: audited on import, then served with the same log key directory.
  const db = await createTestDatabase("transfer");
  databases.push(db);
  const imported = await cli("import", file1, "--db", db.url, "--data", dirA);
  assert.match(imported, /308 entries/);
  assert.match(imported, /audit: clean/);
  const again = await runCli(["import", file1, "--db", db.url, "--data", dirA]);
  assert.equal(again.code, 2, "a second import into the now non-empty database is refused");
  assert.match(again.stderr, /STORE_NOT_EMPTY/);

  const b = await startServer(dirA, ["--db", db.url, "--internal-append"]);
  assert.equal(await getCheckpointNote(b.url), noteA, "the same signed checkpoint is served after the move");
  const read = await httpExchange(`${b.url}/api/v1/records/${warning.id}`, { headers: { authorization: `Bearer ${src.token}` } });
  assert.equal(read.status, 200, "records and API tokens moved with the node");
  const deleted = await httpExchange(`${b.url}/taxii2/exchange/collections/shared/objects/${warning.id}/`, { headers: taxii });
  assert.equal(deleted.status, 404, "the tombstone moved with the node: the deleted version stays out of TAXII");
  const polled = await httpExchange(`${b.url}/taxii2/exchange/status/${statusId}/`, { headers: taxii });
  assert.equal(polled.status, 200, "the TAXII status moved with the node: the client can still poll it");
  assert.equal(JSON.parse(polled.body).success_count, 1);
  const more = await appendEntries(b.url, [randomBytes(24), randomBytes(24)]);
  assert.equal(more[0]!.index, 308, "the log grows on from where it was");
  const cpA = openNote(noteA, logVerifier(dirA));
  const noteB = await getCheckpointNote(b.url);
  const cpB = openNote(noteB, logVerifier(dirA));
  verifyConsistency(cpA.size, cpB.size, cpA.rootHash, cpB.rootHash, await getConsistencyProof(b.url, cpA.size, cpB.size));
  await b.stop();

  // And back to SQLite in another directory (the operator carries the key file along).
  const file2 = join(tempDir("export-files"), "b.jsonl");
  await cli("export", "--db", db.url, "--out", file2);
  const dirC = tempDir("export-c");
  copyFileSync(join(dirA, "log.key"), join(dirC, "log.key"));
  assert.match(await cli("import", file2, "--data", dirC), /audit: clean/);
  const audit = JSON.parse(await cli("log", "audit", "--data", dirC, "--json"));
  assert.equal(audit.ok, true);
  assert.equal(audit.leaves, 310);
  const c = await startServer(dirC);
  assert.equal(await getCheckpointNote(c.url), noteB);
  await c.stop();
});

test("import: truncated, malformed or foreign files are refused and nothing is written", async () => {
  const dir = tempDir("export-bad");
  const a = await startServer(dir, ["--internal-append"]);
  await appendEntries(a.url, [randomBytes(8), randomBytes(8)]);
  await a.stop();
  const files = tempDir("export-bad-files");
  const good = join(files, "good.jsonl");
  await cli("export", "--data", dir, "--out", good);
  const lines = readFileSync(good, "utf8").trim().split("\n");
  const cases: Record<string, string> = {
    truncated: lines.slice(0, -1).join("\n"),
    "not json": [lines[0], "{oops", ...lines.slice(1)].join("\n"),
    "wrong format": ['{"format":"other"}', ...lines.slice(1)].join("\n"),
    "bad value": lines.map((l) => l.replace(/^\{"t":"log_leaf","r":\[0,/, '{"t":"log_leaf","r":[-1,')).join("\n"),
    "count mismatch": [...lines.slice(0, -1), lines.at(-1)!.replace('"log_leaf":3', '"log_leaf":4')].join("\n"),
  };
  for (const [name, text] of Object.entries(cases)) {
    const f = join(files, `${name.replace(/ /g, "-")}.jsonl`);
    writeFileSync(f, text + "\n");
    const target = tempDir("export-target");
    copyFileSync(join(dir, "log.key"), join(target, "log.key"));
    const r = await runCli(["import", f, "--data", target]);
    assert.equal(r.code, 2, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /STORE_IMPORT_INVALID/, name);
    const audit = JSON.parse(await cli("log", "audit", "--data", target, "--json"));
    assert.equal(audit.leaves, 0, `${name}: nothing half-imported`);
  }
  assert.equal((await runCli(["import", join(files, "missing.jsonl"), "--data", dir])).code, 2);
  assert.equal((await runCli(["export", "--db", "mysql://x"])).code, 2);
});

test("export carries every table of the schema", async () => {
  const dir = tempDir("export-tables");
  await SqliteStore.open(join(dir, "tocsin.db")).close();
  const db = new Database(join(dir, "tocsin.db"), { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'log_head' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);
    assert.deepEqual(tables, TRANSFER_TABLES.map((t) => t.name).sort(), "a table the export leaves behind would be lost in a move");
  } finally {
    db.close();
  }
});
