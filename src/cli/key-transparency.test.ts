/**
 * Key transparency through the public interfaces, as a dishonest operator would try it: real `tocsin`
 * processes on real data directories, records posted over HTTP, bundles exported and audited by the
 * CLI, the database edited by hand.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildWarning, type Author } from "../client/record-builders.js";
import { toBase64 } from "../core/crypto/bytes.js";
import { ed25519PublicKey, generateEd25519 } from "../core/crypto/ed25519.js";
import { formatVerifierKey } from "../core/note/index.js";
import { readSeed } from "../exchange/party-key-files.js";
import { cleanup, httpExchange, logVerifier, openDbWritable, runCli, startServer, tempDir, type RunningServer } from "../reliability/harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { createPrivateKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import pg from "pg";

const databases: TestDatabase[] = [];
after(async () => {
  await cleanup();
  for (const d of databases) await d.drop();
});

const DAY = 86_400_000;

async function cli(...args: string[]): Promise<Record<string, any>> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `tocsin ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function postWarning(server: RunningServer, token: string, author: Author, recipient: string, name: string) {
  const at = Date.now() - 60_000;
  const w = buildWarning(author, { at, name, recipients: [recipient], windowStart: at, windowEnd: at + DAY, probability: 0.6, tlp: "CLEAR" });
  const res = await httpExchange(`${server.url}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: { authorization: `Bearer ${token}` }, timeoutMs: 120_000 });
  return { warning: w, status: res.status, body: res.body };
}

/** Exports the warning's bundle with the CLI and audits it with the log key pinned; the audit's exit code and output. */
async function exportAndAudit(dir: string, warningId: string): Promise<{ code: number | null; out: string; json: any }> {
  const file = join(dir, `bundle-${warningId.slice(8, 16)}.json`);
  const exported = await runCli(["export-bundle", "--warning", warningId, "--out", file, "--data", dir]);
  assert.equal(exported.code, 0, exported.stderr);
  const pinned = formatVerifierKey(logVerifier(dir));
  const text = await runCli(["audit", file, "--log-key", pinned]);
  const json = await runCli(["audit", file, "--log-key", pinned, "--json"]);
  return { code: text.code, out: text.stdout + text.stderr, json: JSON.parse(json.stdout) };
}

function pemFile(dir: string, name: string, seed: Uint8Array): string {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const path = join(dir, name);
  writeFileSync(path, createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
  return path;
}

test("attack: the operator replaces a self-signing party's key and token, then posts a warning 'signed by' it — the audit fails naming the reset", { timeout: 300_000 }, async () => {
  const dir = tempDir("keys-attack");
  const src = await cli("party", "create", "src", "--name", "Source", "--data", dir);
  const dst = await cli("party", "create", "dst", "--name", "Recipient", "--data", dir);
  const srcSeed = readSeed(src.keyFile);
  const honest = { id: src.id, seed: srcSeed, publicKey: ed25519PublicKey(srcSeed) };
  let server = await startServer(dir);
  const real = await postWarning(server, src.token, honest, dst.id, "A real warning");
  assert.equal(real.status, 201, real.body);
  await server.stop();

  // The operator's own key for "src", and a token for it.
  const forged = generateEd25519();
  let rotated = await runCli(["party", "rotate-key", "src", "--public-key", toBase64(forged.publicKey), "--data", dir]);
  if (rotated.code !== 0) {
    // Refused without the party's signature: the only way left is a logged operator reset.
    assert.match(rotated.stderr, /PARTY_KEY_CHANGE_UNSIGNED/);
    rotated = await runCli(["party", "rotate-key", "src", "--public-key", toBase64(forged.publicKey), "--reset", "--data", dir]);
  }
  assert.equal(rotated.code, 0, rotated.stderr);
  const token = await cli("party", "token", "src", "--data", dir);

  server = await startServer(dir);
  const fake = await postWarning(server, token.token, { id: src.id, seed: forged.seed, publicKey: forged.publicKey }, dst.id, "A forged warning");
  assert.equal(fake.status, 201, "the node admits it: the operator did reset the key");
  assert.equal(JSON.parse(fake.body).records[0].custodial, false);
  await server.stop();

  const audit = await exportAndAudit(dir, fake.warning.id as string);
  assert.equal(audit.code, 1, `the forged warning must not verify:\n${audit.out}`);
  assert.match(audit.out, /KEY RESET BY THE OPERATOR/);
  assert.ok(audit.out.includes(fake.warning.id as string), "names the record");
  assert.match(audit.out, /set by the node's operator at log index \d+/, "names the key change");
  const problem = audit.json.problems.find((p: { check: string }) => p.check === "key-history");
  assert.ok(problem && problem.subject.includes(fake.warning.id), JSON.stringify(audit.json.problems));

  // The real warning, signed before the reset, still verifies — with the reset shown in words.
  const honestAudit = await exportAndAudit(dir, real.warning.id as string);
  assert.equal(honestAudit.code, 0, honestAudit.out);
  assert.match(honestAudit.out, /KEY RESET BY THE OPERATOR/);
  assert.match(honestAudit.out, /registered by the node's operator/, "the pinning of first keys is stated");
});

test("a rotation signed by the party audits clean; its retired key is refused at admission", { timeout: 300_000 }, async () => {
  const dir = tempDir("keys-rotate");
  const src = await cli("party", "create", "src", "--name", "Source", "--data", dir);
  const dst = await cli("party", "create", "dst", "--name", "Recipient", "--data", dir);
  const oldSeed = readSeed(src.keyFile);
  const next = generateEd25519();
  // The party brings its next key and signs the change with its current one.
  const rotated = await cli("party", "rotate-key", "src", "--public-key", toBase64(next.publicKey), "--signed-by", src.keyFile, "--data", dir);
  assert.equal(rotated.change, "rotation");
  const server = await startServer(dir);
  try {
    const stale = await postWarning(server, src.token, { id: src.id, seed: oldSeed, publicKey: ed25519PublicKey(oldSeed) }, dst.id, "Signed with the retired key");
    assert.equal(stale.status, 400, stale.body);
    assert.equal(JSON.parse(stale.body).code, "RECORD_KEY_RETIRED");
    const fresh = await postWarning(server, src.token, { id: src.id, ...next }, dst.id, "Signed with the new key");
    assert.equal(fresh.status, 201, fresh.body);
    // The key change is a public record anyone can read.
    const identity = JSON.parse((await httpExchange(`${server.url}/api/v1/parties/${src.id}`, {})).body);
    assert.equal(Object.values(identity.extensions as Record<string, { keys: unknown[] }>)[0]!.keys.length, 2);
    await server.stop();
    const audit = await exportAndAudit(dir, fresh.warning.id as string);
    assert.equal(audit.code, 0, audit.out);
    assert.doesNotMatch(audit.out, /KEY RESET/);
    assert.match(audit.out, /first key [0-9a-f]{32} was registered by the node's operator/);
  } finally {
    await server.stop();
  }

  // A rotation signed by someone else's key is refused, nothing logged.
  const stranger = pemFile(dir, "stranger.pem", generateEd25519().seed);
  const refused = await runCli(["party", "rotate-key", "src", "--signed-by", stranger, "--data", dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /RECORD_UNKNOWN_KEY|KEY_CHANGE_UNAUTHORISED/);
});

test("postgres: a key rotation logged by another process is what both running nodes verify against at once", { timeout: 300_000 }, async () => {
  // The key ledger of a running process reads the key records again only when one was logged since it
  // last looked; here the rotation is logged by a third process (the operator's command), so neither
  // node admitted it, and each must still refuse the retired key on the very next request.
  const dir = tempDir("keys-rotate-pg");
  const db = await createTestDatabase("rotate");
  databases.push(db);
  const dbArgs = ["--db", db.url];
  const src = await cli("party", "create", "src", "--name", "Source", "--data", dir, ...dbArgs);
  const dst = await cli("party", "create", "dst", "--name", "Recipient", "--data", dir, ...dbArgs);
  const oldKey = { id: src.id, seed: readSeed(src.keyFile), publicKey: ed25519PublicKey(readSeed(src.keyFile)) };
  const leader = await startServer(dir, dbArgs);
  const follower = await startServer(dir, dbArgs);
  try {
    // Both ledgers are loaded and up to date before the change.
    for (const server of [leader, follower]) assert.equal((await postWarning(server, src.token, oldKey, dst.id, "Before the rotation")).status, 201);
    const next = generateEd25519();
    const rotated = await cli("party", "rotate-key", "src", "--public-key", toBase64(next.publicKey), "--signed-by", src.keyFile, "--data", dir, ...dbArgs);
    assert.equal(rotated.change, "rotation");
    for (const server of [leader, follower]) {
      const stale = await postWarning(server, src.token, oldKey, dst.id, "Signed with the retired key");
      assert.equal(stale.status, 400, stale.body);
      assert.equal(JSON.parse(stale.body).code, "RECORD_KEY_RETIRED");
      assert.equal((await postWarning(server, src.token, { id: src.id, ...next }, dst.id, "Signed with the new key")).status, 201);
    }
  } finally {
    await follower.stop();
    await leader.stop();
  }
});

for (const engine of ["sqlite", "postgres"] as const) {
  test(`${engine}: tocsin log audit fails when a party's key is substituted in the database`, { timeout: 300_000 }, async () => {
    const dir = tempDir(`keys-substitute-${engine}`);
    const db = engine === "postgres" ? await createTestDatabase("substitute") : undefined;
    if (db) databases.push(db);
    const dbArgs = db ? ["--db", db.url] : [];
    const src = await cli("party", "create", "src", "--name", "Source", "--data", dir, ...dbArgs);
    await (await startServer(dir, dbArgs)).stop();
    const clean = await runCli(["log", "audit", "--data", dir, ...dbArgs]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    // The operator writes its own public key into the party's row.
    const substitute = Buffer.from(generateEd25519().publicKey);
    if (db) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        await c.query("UPDATE party_key SET public_key = $1 WHERE party_id = $2", [substitute, src.id]);
      } finally {
        await c.end();
      }
    } else {
      const file = openDbWritable(dir);
      try {
        file.prepare("UPDATE party_key SET public_key = ? WHERE party_id = ?").run(substitute, src.id);
      } finally {
        file.close();
      }
    }
    const audit = await runCli(["log", "audit", "--data", dir, ...dbArgs]);
    assert.equal(audit.code, 1, audit.stdout);
    assert.match(audit.stdout, /CORRUPTED/);
    assert.match(audit.stdout, new RegExp(`stored key ${src.keyId} of src differs from the public key logged`));
  });
}

for (const engine of ["sqlite", "postgres"] as const) {
  test(`${engine}: party token prints its id; revoke-token refuses it at once and is logged`, { timeout: 300_000 }, async () => {
    const dir = tempDir(`keys-token-${engine}`);
    const db = engine === "postgres" ? await createTestDatabase("tokens") : undefined;
    if (db) databases.push(db);
    const dbArgs = db ? ["--db", db.url] : [];
    const src = await cli("party", "create", "src", "--name", "Source", "--custodial", "--data", dir, ...dbArgs);
    assert.match(src.tokenId, /^[0-9a-f]{16}$/);
    const second = await cli("party", "token", "src", "--data", dir, ...dbArgs);
    assert.match(second.tokenId, /^[0-9a-f]{16}$/);
    let server = await startServer(dir, dbArgs);
    try {
      const me = (token: string) => httpExchange(`${server.url}/api/v1/warnings`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await me(second.token)).status, 200);
      // SQLite: one node process owns the log's writer, so the operator stops it to revoke; PostgreSQL: the
      // command hands its record to the running node.
      if (engine === "sqlite") {
        assert.equal((await runCli(["party", "revoke-token", "src", second.tokenId, "--data", dir])).code, 2, "refused while the node runs");
        await server.stop();
      }
      const revoked = await cli("party", "revoke-token", "src", second.tokenId, "--data", dir, ...dbArgs);
      assert.equal(revoked.revoked, second.tokenId);
      if (engine === "sqlite") server = await startServer(dir, dbArgs);
      assert.equal((await me(second.token)).status, 401, "refused at once");
      assert.equal((await me(src.token)).status, 200, "the other token still works");
      // The issue and the revocation are public log records naming the token by id, never the token:
      // found from the log's public leaves, read anonymously.
      const size = Number((await httpExchange(`${server.url}/log/checkpoint`, {})).body.split("\n")[1]);
      const events: Record<string, unknown>[] = [];
      for (let i = 0; i < size; i++) {
        const leaf = JSON.parse(Buffer.from(JSON.parse((await httpExchange(`${server.url}/log/entries/${i}`, {})).body).data, "base64").toString("utf8"));
        if (leaf.kind !== "key-event") continue;
        const read = await httpExchange(`${server.url}/api/v1/records/${leaf.id}`, {});
        assert.equal(read.status, 200, "key records are TLP:CLEAR");
        events.push(JSON.parse(read.body));
      }
      const about = events.filter((e) => e.party_ref === src.id).map((e) => [e.change, e.token_id]);
      assert.deepEqual(about, [["token-issued", src.tokenId], ["token-issued", second.tokenId], ["token-revoked", second.tokenId]]);
      assert.ok(!JSON.stringify(events).includes(second.token));
    } finally {
      await server.stop();
    }
    const again = await runCli(["party", "revoke-token", "src", second.tokenId, "--data", dir, ...dbArgs]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /PARTY_TOKEN_NOT_FOUND/);
    const audit = await runCli(["log", "audit", "--data", dir, ...dbArgs]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
  });
}
