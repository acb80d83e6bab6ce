/**
 * `tocsin cap export | import` against a real node listening on loopback: a warning exported as CAP XML
 * (valid against the OASIS schema), a custodial venue's CAP Ack imported as its receipt, and the
 * refusals (one line with the code, exit 2). The journey runs in real `bin/tocsin` processes; the
 * many refusals run the same `main` in this process (a spawn costs seconds on a loaded machine).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XmlDocument } from "libxml2-wasm";
import { CAP_NAMESPACE, capAckOf, capAlertXml, parseReferences } from "../core/cap/index.js";
import { capSchemaProblems } from "../exchange/cap-xml-reader.js";
import { buildWarning } from "../client/record-builders.js";
import { NodeHarness } from "../testing/node-harness.js";
import { TocsinProcesses } from "../testing/tocsin-processes.js";
import { main } from "./main.js";

const work = mkdtempSync(join(tmpdir(), "tocsin-cap-cli-"));
const home = join(work, "home");
let h: NodeHarness | undefined;
let warning = "";
let venueId = "";

/** `bin/tocsin` run as the party of these tests would run it. */
const cli = new TocsinProcesses({ cwd: work, home });
const tocsin = (args: string[]) => cli.run(args);
const ok = (args: string[]) => cli.ok(args);

async function refused(args: string[], pattern: RegExp): Promise<void> {
  const r = await tocsin(args);
  const what = `tocsin ${args.join(" ")}`;
  assert.equal(r.status, 2, `${what}: exit 2, got ${r.status}\n${r.stderr}`);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${what}: one line, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
  assert.match(r.stderr, pattern, what);
}

/** `main` in this process: its exit status, stdout, and what it wrote to stderr. */
async function inProcess(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const status = await main(args, (t) => void (stdout += t));
    return { status, stdout, stderr };
  } finally {
    process.stderr.write = write;
  }
}

async function refusedHere(args: string[], pattern: RegExp): Promise<void> {
  const r = await inProcess(args);
  const what = `tocsin ${args.join(" ")}`;
  assert.equal(r.status, 2, `${what}: exit 2, got ${r.status}\n${r.stderr}`);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${what}: one line, got:\n${r.stderr}`);
  assert.match(r.stderr, pattern, what);
}

before(async () => {
  process.env.TOCSIN_HOME = home;
  h = await NodeHarness.start();
  const node = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
  const source = await h.party("source");
  const venue = await h.party("venue", { custodial: true });
  const cert = await h.party("cert");
  venueId = venue.id;
  const t = h.clock.now();
  const w = buildWarning(source, { at: t, name: "Vehicle attack on the market", recipients: [venue.id, cert.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.8, requestedActions: ["close the square"], tlp: "RED" });
  assert.equal((await h.post(source, w)).statusCode, 201);
  warning = w.id as string;
  for (const [who, token] of [["venue", venue.token], ["cert", cert.token]] as const) {
    const r = await inProcess(["login", "--node", node, "--party", who, "--token", token, "--profile", who, ...(who === "cert" ? ["--key", certKeyFile(cert)] : [])]);
    assert.equal(r.status, 0, r.stderr);
  }
});

/** The self-signing party's key as a PKCS#8 PEM file, for its profile. */
function certKeyFile(cert: { seed?: Uint8Array }): string {
  const file = join(work, "cert.pem");
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(cert.seed!)]);
  writeFileSync(file, `-----BEGIN PRIVATE KEY-----\n${der.toString("base64")}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  return file;
}

after(async () => {
  delete process.env.TOCSIN_HOME;
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

test("cap export writes the warning as a schema-valid CAP alert; cap import of the venue's Ack makes its receipt, signed by the node", { timeout: 120_000 }, async () => {
  const stdout = (await inProcess(["cap", "export", warning, "--profile", "venue"])).stdout;
  assert.deepEqual(await capSchemaProblems(stdout), []);
  const file = join(work, "alert.xml");
  assert.match(await ok(["cap", "export", warning, "--profile", "venue", "--out", file]), /written to/);
  const xml = readFileSync(file, "utf8");
  assert.equal(xml, stdout);
  const doc = XmlDocument.fromString(xml);
  const ns = { cap: CAP_NAMESPACE };
  const [identifier, sender, sent, scope] = ["identifier", "sender", "sent", "scope"].map((n) => doc.root.get(`cap:${n}`, ns)!.content);
  doc.dispose();
  assert.equal(scope, "Private");
  const ack = join(work, "ack.xml");
  writeFileSync(ack, capAlertXml(capAckOf([{ sender: sender!, identifier: identifier!, sent: sent! }], { sender: "venue", identifier: "venue-ack-1", at: Date.now() })));
  const imported = JSON.parse(await ok(["cap", "import", ack, "--profile", "venue", "--json"]));
  assert.equal(imported.receipts.length, 1);
  assert.equal(imported.receipts[0].custodial, true);
  assert.deepEqual(parseReferences(imported.ack)?.map((r) => r.identifier), ["venue-ack-1"]);
  const status = JSON.parse((await inProcess(["status", warning, "--profile", "venue", "--json"])).stdout);
  assert.equal(status.recipients.find((r: { party: string }) => r.party === venueId).state, "received");
  const receipt = status.timeline.find((e: { kind: string }) => e.kind === "receipt");
  assert.equal(receipt.signer, "custodial");
  assert.match(receipt.says, /OASIS CAP 1\.2 Ack/);
  // The same Ack again is a duplicate receipt; the exported file is never overwritten.
  await refused(["cap", "import", ack, "--profile", "venue"], /LIFECYCLE_DUPLICATE_RECEIPT/);
  await refusedHere(["cap", "export", warning, "--profile", "venue", "--out", file], /exists/);
});

test("cap import and export refuse bad input in one line with the code, exit 2", { timeout: 120_000 }, async () => {
  const write = (name: string, text: string): string => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };
  const good = capAlertXml(capAckOf([{ sender: "identity--x", identifier: `${warning}@2020-01-01T00:00:00.000Z`, sent: "2020-01-01T00:00:00+00:00" }], { sender: "venue", identifier: "a", at: Date.now() }));
  await refusedHere(["cap", "import", write("broken.xml", "<alert>"), "--profile", "venue"], /tocsin cap import: CAP_XML_MALFORMED: /);
  await refusedHere(["cap", "import", write("xxe.xml", good.replace("<alert ", '<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert ')), "--profile", "venue"], /CAP_XML_DOCTYPE/);
  await refusedHere(["cap", "import", write("invalid.xml", good.replace("<scope>Private</scope>", "")), "--profile", "venue"], /CAP_SCHEMA_INVALID/);
  await refusedHere(["cap", "import", write("unknown.xml", good), "--profile", "venue"], /CAP_ACK_UNKNOWN_ALERT/);
  await refusedHere(["cap", "import", write("cert.xml", good.replace("<sender>venue</sender>", "<sender>cert</sender>")), "--profile", "cert"], /CAP_ACK_NOT_CUSTODIAL/);
  await refusedHere(["cap", "import", write("big.xml", "x".repeat(70_000)), "--profile", "venue"], /CAP_XML_TOO_LARGE/);
  await refusedHere(["cap", "import", join(work, "no-such.xml"), "--profile", "venue"], /CLIENT_FILE_UNREADABLE/);
  await refusedHere(["cap", "import", "--profile", "venue"], /takes one FILE/);
  await refusedHere(["cap", "export", "report--00000000-0000-4000-8000-000000000000", "--profile", "venue"], /RECORD_NOT_FOUND/);
});
