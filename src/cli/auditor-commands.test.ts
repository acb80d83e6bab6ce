import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cosignCheckpoint, formatSignerKey, formatVerifierKey, generateNoteSigner, verifierFromSigner } from "../core/note/index.js";
import { loadOrCreateLogKey } from "../node/log-key.js";
import { openStore } from "../store/open-store.js";
import { createTestDatabase } from "../testing/pg-database.js";
import { chromiumPath } from "../render/chromium-pdf.js";
import { journeyWorld, type JourneyWorld } from "../testing/journey-fixture.js";
import { chromiumMissing } from "../testing/prerequisite.js";
import { repoRoot } from "../testing/repo-root.js";

const bin = join(repoRoot(), "bin", "tocsin");

/** Runs the real `tocsin` binary. */
function tocsin(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", input: input ?? "" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking this process, which serves the node the command talks to. */
function tocsinAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** Bad input: exit 2 and one line on stderr naming the command, never a stack trace. */
function refused(r: { status: number; stdout: string; stderr: string }, command: string, what: RegExp): void {
  assert.equal(r.status, 2, `${command}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^tocsin ${command}: `));
  assert.match(r.stderr, what);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

const otherKey = (name: string): string => formatVerifierKey(verifierFromSigner(generateNoteSigner(name)));

/** One node for every test here, listening on loopback, with its journeys done and a scratch directory. */
async function world(): Promise<{ w: JourneyWorld; dir: string; url: string; vkey: string; close: () => Promise<void> }> {
  const w = await journeyWorld();
  const url = await w.h.node.app.listen({ host: "127.0.0.1", port: 0 });
  const dir = mkdtempSync(join(tmpdir(), "tocsin-auditor-"));
  const key = tocsin(["log", "key", "--data", w.h.dir]);
  assert.equal(key.status, 0, key.stderr);
  return {
    w,
    dir,
    url,
    vkey: key.stdout.trim(),
    close: async () => {
      rmSync(dir, { recursive: true, force: true });
      await w.h.close();
    },
  };
}

test("tocsin log key: the same key from the data directory and over HTTP; it is the key of the log's bundles; bad input exits 2", async () => {
  const { w, dir, url, vkey, close } = await world();
  try {
    assert.match(vkey, /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/);
    const http = await tocsinAsync(["log", "key", "--url", url]);
    assert.equal(http.status, 0, http.stderr);
    assert.equal(http.stdout, vkey + "\n");
    const bundle = join(dir, "bundle.json");
    assert.equal(tocsin(["export-bundle", "--warning", w.warning.id as string, "--out", bundle, "--data", w.h.dir]).status, 0);
    assert.equal(JSON.parse(readFileSync(bundle, "utf8")).log.verifier_key, vkey);
    // Pinned as the README says.
    assert.equal(tocsin(["audit", bundle, "--log-key", vkey]).status, 0);

    refused(tocsin(["log", "key", "--data", join(dir, "nowhere")]), "log key", /no log key/);
    refused(tocsin(["log", "key", "--url", "http://127.0.0.1:9"]), "log key", /cannot reach/);
    refused(tocsin(["log", "key", "--url", "not a url"]), "log key", /--url/);
    // A data directory whose key file is not the key its database recorded.
    const wrong = mkdtempSync(join(dir, "wrong-"));
    writeFileSync(join(wrong, "log.key"), "not a key\n");
    refused(tocsin(["log", "key", "--data", wrong]), "log key", /CONFIG_INVALID/);
  } finally {
    await close();
  }
});

test("tocsin checkpoint verify: the log's signature and witnesses' cosignatures; wrong key or altered note exit 1; bad input exits 2", async () => {
  const { w, dir, vkey, close } = await world();
  try {
    const note = (await w.h.get(undefined, "/log/checkpoint")).body;
    const file = join(dir, "checkpoint");
    writeFileSync(file, note);
    const ok = tocsin(["checkpoint", "verify", file, "--log-key", vkey]);
    assert.equal(ok.status, 0, ok.stderr);
    const [, size, root] = note.split("\n");
    assert.match(ok.stdout, new RegExp(`size: ${size}\\n`));
    assert.match(ok.stdout, new RegExp(`root hash: ${Buffer.from(root!, "base64").toString("hex")} \\(base64 `));
    assert.match(ok.stdout, /VERIFIED\n$/);
    // From stdin, as JSON.
    const json = tocsin(["checkpoint", "verify", "-", "--log-key", vkey, "--json"], note);
    assert.equal(json.status, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).size, Number(size));

    // A witness cosigns: its key verifies; a witness that did not cosign fails the check.
    const witness = generateNoteSigner("witness.example/w1", "cosignature/v1");
    const body = note.slice(0, note.indexOf("\n\n") + 1);
    const cosigned = join(dir, "cosigned");
    writeFileSync(cosigned, note + cosignCheckpoint(body, witness, 1_700_000_000));
    const witnessKey = formatVerifierKey(verifierFromSigner(witness));
    const withWitness = tocsin(["checkpoint", "verify", cosigned, "--log-key", vkey, "--witness", witnessKey]);
    assert.equal(withWitness.status, 0, withWitness.stdout + withWitness.stderr);
    assert.match(withWitness.stdout, /cosigned by witness\.example\/w1 at 2023-11-14T22:13:20\.000Z/);
    const absent = formatVerifierKey(verifierFromSigner(generateNoteSigner("witness.example/w2", "cosignature/v1")));
    const missing = tocsin(["checkpoint", "verify", cosigned, "--log-key", vkey, "--witness", absent]);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /^NOT VERIFIED: no cosignature from witness witness\.example\/w2/);

    // Does not verify: exit 1 with the reason.
    const origin = vkey.split("+")[0]!;
    for (const [what, args] of [
      ["another key of the same name", [file, "--log-key", otherKey(origin)]],
      ["another log's key", [file, "--log-key", otherKey("other.example/log")]],
    ] as const) {
      const r = tocsin(["checkpoint", "verify", ...args]);
      assert.equal(r.status, 1, what);
      assert.match(r.stdout, /^NOT VERIFIED: NOTE_/, what);
    }
    const tampered = join(dir, "tampered");
    writeFileSync(tampered, note.replace(`\n${size}\n`, `\n${Number(size) + 1}\n`));
    const t = tocsin(["checkpoint", "verify", tampered, "--log-key", vkey]);
    assert.equal(t.status, 1);
    assert.match(t.stdout, /^NOT VERIFIED: NOTE_/);

    // Bad input: exit 2, one line.
    const notNote = join(dir, "not-a-note");
    writeFileSync(notNote, "hello\n");
    refused(tocsin(["checkpoint", "verify", notNote, "--log-key", vkey]), "checkpoint verify", /is not a signed note/);
    refused(tocsin(["checkpoint", "verify", join(dir, "missing"), "--log-key", vkey]), "checkpoint verify", /no such file/);
    refused(tocsin(["checkpoint", "verify", file, "--log-key", "garbage"]), "checkpoint verify", /bad --log-key/);
    refused(tocsin(["checkpoint", "verify", file, "--log-key", vkey, "--witness", "x+y"]), "checkpoint verify", /bad --witness/);
    refused(tocsin(["checkpoint", "verify", file]), "checkpoint verify", /--log-key VKEY is required/);
  } finally {
    await close();
  }
});

test("tocsin proof verify-inclusion --from the records API's proof, against its signed checkpoint, and that the leaf is the record's", async () => {
  const { w, dir, vkey, close } = await world();
  try {
    const res = await w.h.get(w.recipient, `/api/v1/records/${w.warning.id}/proof`);
    assert.equal(res.statusCode, 200, res.body);
    const proof = join(dir, "proof.json");
    writeFileSync(proof, res.body);
    const record = join(dir, "warning.json");
    writeFileSync(record, JSON.stringify(w.warning));
    const ok = tocsin(["proof", "verify-inclusion", "--from", proof, "--log-key", vkey, "--record", record]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^checkpoint: .*: signed by the log key\n/);
    assert.match(ok.stdout, new RegExp(`record: the leaf commits to warning ${w.warning.id} version `));
    assert.match(ok.stdout, /valid\n$/);
    // The checkpoint as a file, the proof's parts as options: the root is never converted by hand.
    const p = JSON.parse(res.body) as { checkpoint: string; index: number; leaf: string; hashes: string[] };
    const note = join(dir, "checkpoint");
    writeFileSync(note, p.checkpoint);
    const parts = tocsin(["proof", "verify-inclusion", "--leaf", p.leaf, "--index", String(p.index), "--checkpoint", note, "--log-key", vkey, "--proof", p.hashes.join(",")]);
    assert.equal(parts.status, 0, parts.stdout + parts.stderr);

    // Another record is not what the leaf commits to; another key does not sign the checkpoint: exit 1.
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify(w.records.find((r) => r.id !== w.warning.id)));
    const notIt = tocsin(["proof", "verify-inclusion", "--from", proof, "--log-key", vkey, "--record", other]);
    assert.equal(notIt.status, 1);
    assert.match(notIt.stdout, /invalid: LEAF_COMMITMENT: the record's content does not match/);
    const altered = join(dir, "altered.json");
    writeFileSync(altered, JSON.stringify({ ...w.warning, name: "something else" }));
    assert.equal(tocsin(["proof", "verify-inclusion", "--from", proof, "--log-key", vkey, "--record", altered]).status, 1);
    const wrongKey = tocsin(["proof", "verify-inclusion", "--from", proof, "--log-key", otherKey(vkey.split("+")[0]!)]);
    assert.equal(wrongKey.status, 1);
    assert.match(wrongKey.stdout, /^invalid: checkpoint: NOTE_/);

    // Bad input: exit 2, one line.
    const cmd = "proof verify-inclusion";
    refused(tocsin(["proof", "verify-inclusion", "--from", proof]), cmd, /--log-key/);
    refused(tocsin(["proof", "verify-inclusion", "--from", join(dir, "missing.json"), "--log-key", vkey]), cmd, /no such file/);
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "{");
    refused(tocsin(["proof", "verify-inclusion", "--from", proof, "--log-key", vkey, "--record", notJson]), cmd, /--record .*not JSON/);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, "{}");
    refused(tocsin(["proof", "verify-inclusion", "--from", empty, "--log-key", vkey]), cmd, /OMISSION_PROOF_MALFORMED/);
    refused(tocsin(["proof", "verify-inclusion", "--leaf", p.leaf, "--index", "0", "--checkpoint", join(dir, "missing"), "--log-key", vkey, "--proof", ""]), cmd, /no such file/);
    refused(tocsin(["proof", "verify-inclusion", "--from", proof, "--checkpoint", note, "--root", "00".repeat(32), "--log-key", vkey]), cmd, /not both/);
    refused(tocsin(["proof", "verify-inclusion", "--leaf-hash", "00".repeat(32), "--index", "0", "--size", "1", "--root", "00".repeat(32), "--proof", "", "--record", record]), cmd, /--record needs the leaf/);
  } finally {
    await close();
  }
});

test("tocsin report --from-bundle needs no database; --bundle and export-bundle --out never overwrite; tampered and non-bundles", async () => {
  const { w, dir, vkey, close } = await world();
  try {
    const bundle = join(dir, "bundle.json");
    assert.equal(tocsin(["export-bundle", "--warning", w.warning.id as string, "--out", bundle, "--data", w.h.dir]).status, 0);
    const original = readFileSync(bundle, "utf8");
    // Never overwritten: a coded one-line refusal, exit 2, the file untouched.
    refused(tocsin(["export-bundle", "--warning", w.warning.id as string, "--out", bundle, "--data", w.h.dir]), "export-bundle", /BUNDLE_FILE_EXISTS/);
    refused(tocsin(["report", "--warning", w.warning.id as string, "--bundle", bundle, "--data", w.h.dir]), "report", /BUNDLE_FILE_EXISTS/);
    assert.equal(readFileSync(bundle, "utf8"), original);

    // From the bundle alone, in a directory with no node at all.
    const html = join(dir, "report.html");
    const r = spawnSync(process.execPath, [bin, "report", "--from-bundle", bundle, "--log-key", vkey, "--out", html], { encoding: "utf8", cwd: dir, env: { ...process.env, TOCSIN_DATA: join(dir, "no-node"), TOCSIN_DB: "" } });
    assert.equal(r.status, 0, r.stderr);
    const page = readFileSync(html, "utf8");
    assert.match(page, /VERIFIED offline: .*Log key pinned\./);
    assert.match(page, /What the warning asked/);
    assert.match(page, /No track record: this report was made from a bundle alone/);
    assert.match(page, /tocsin audit .*bundle\.json --log-key 'THE PUBLISHED KEY'/);
    assert.doesNotMatch(page.slice(page.indexOf("Verify it yourself")), new RegExp(vkey.split("+")[2]!.replace(/[+/]/g, "\\$&")), "the verify box does not echo the bundle's key");
    assert.ok(!existsSync(join(dir, "no-node")), "no database was created");

    // A tampered bundle is reported as not verified (exit 1); a file that is not a bundle is bad input.
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, original.replace("Imminent attack", "Imminent attak"));
    const t = tocsin(["report", "--from-bundle", tampered]);
    assert.equal(t.status, 1);
    assert.match(t.stdout, /NOT VERIFIED/);
    const notBundle = join(dir, "not-bundle.json");
    writeFileSync(notBundle, JSON.stringify({ hello: "world" }));
    refused(tocsin(["report", "--from-bundle", notBundle]), "report", /not an accountability bundle/);
    refused(tocsin(["report", "--from-bundle", join(dir, "missing.json")]), "report", /no such file/);
    refused(tocsin(["report", "--from-bundle", bundle, "--log-key", "nope"]), "report", /bad --log-key/);
    refused(tocsin(["report", "--from-bundle", bundle, "--paper", "A3"]), "report", /--paper must be A4 or Letter/);
    refused(tocsin(["report", "--from-bundle", bundle, "--warning", "report--00000000-0000-4000-8000-000000000000"]), "report", /not of report--/);
    refused(tocsin(["report"]), "report", /--warning ID is required/);
  } finally {
    await close();
  }
});

/** The first page's MediaBox in PostScript points. */
function mediaBox(pdf: Buffer): [number, number] {
  const m = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
  assert.ok(m, "a MediaBox");
  return [Number(m[1]), Number(m[2])];
}

test("tocsin report --paper A4|Letter lays the PDF out on that paper (real Chromium); words are not broken mid-word", async () => {
  if (!existsSync(chromiumPath())) throw chromiumMissing(chromiumPath());
  const { w, dir, close } = await world();
  try {
    const bundle = join(dir, "bundle.json");
    assert.equal(tocsin(["export-bundle", "--warning", w.warning.id as string, "--out", bundle, "--data", w.h.dir]).status, 0);
    for (const [paper, size] of [["A4", [595.92, 842.88]], ["Letter", [612, 792]]] as const) {
      const pdf = join(dir, `${paper}.pdf`);
      const r = tocsin(["report", "--from-bundle", bundle, "--format", "pdf", "--paper", paper, "--out", pdf]);
      assert.equal(r.status, 0, r.stderr);
      const [width, height] = mediaBox(readFileSync(pdf));
      assert.ok(Math.abs(width - size[0]) < 1 && Math.abs(height - size[1]) < 1, `${paper}: ${width} × ${height}`);
    }
    // pdftotext is not on this machine: the HTML's rules are what keep words whole.
    const html = tocsin(["report", "--from-bundle", bundle]).stdout;
    assert.match(html, /hyphens:manual/);
    assert.match(html, /overflow-wrap:break-word/);
    assert.doesNotMatch(html, /word-break:break-all|hyphens:auto/);
  } finally {
    await close();
  }
});

test("tocsin log key --db: a PostgreSQL node's key, from its database alone or checked against its key file", async () => {
  const db = await createTestDatabase("logkey");
  const dir = mkdtempSync(join(tmpdir(), "tocsin-auditor-pg-"));
  try {
    const store = await openStore({ db: db.url, dataDir: dir }, { poolSize: 1 });
    let vkey: string;
    try {
      vkey = formatVerifierKey(verifierFromSigner(await loadOrCreateLogKey(dir, store)));
    } finally {
      await store.close();
    }
    const alone = mkdtempSync(join(dir, "no-key-"));
    for (const data of [dir, alone]) {
      const r = tocsin(["log", "key", "--db", db.url, "--data", data]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, vkey + "\n");
    }
    writeFileSync(join(alone, "log.key"), formatSignerKey(generateNoteSigner(vkey.split("+")[0]!)) + "\n");
    refused(tocsin(["log", "key", "--db", db.url, "--data", alone]), "log key", /CONFIG_INVALID: .* is not the key of the log in this database/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});
