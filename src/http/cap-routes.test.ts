import { test } from "node:test";
import assert from "node:assert/strict";
import { XmlDocument } from "libxml2-wasm";
import { buildWarning, reviseWarning, sign } from "../client/record-builders.js";
import { CAP_NAMESPACE, alertIdentifier, capAckOf, capAlertXml, capTime, type CapAlert, type CapReference } from "../core/cap/index.js";
import { SIGNATURE_EXT, type StixObject } from "../core/record/index.js";
import type { TlpLevel } from "../core/tlp/index.js";
import { capSchemaProblems } from "../exchange/cap-xml-reader.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { createTestDatabase } from "../testing/pg-database.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-03-06T09:00:00.000Z");

interface World {
  readonly h: NodeHarness;
  readonly source: TestParty;
  /** A custodial recipient: a venue whose alerting system speaks CAP. */
  readonly venue: TestParty;
  /** A self-signing recipient. */
  readonly cert: TestParty;
  /** A custodial party the warnings are not addressed to. */
  readonly stranger: TestParty;
}

async function world(db?: string): Promise<World> {
  const h = await NodeHarness.start({ clock: new TestClock(T0), ...(db ? { config: { db } } : {}) });
  return { h, source: await h.party("source"), venue: await h.party("venue", { custodial: true }), cert: await h.party("cert"), stranger: await h.party("stranger", { custodial: true }) };
}

async function issue(w: World, over: { tlp?: TlpLevel; windowStart?: number; probability?: number; severity?: "low" | "medium" | "high" | "critical" } = {}): Promise<StixObject> {
  const t = w.h.clock.now();
  const warning = buildWarning(w.source, {
    at: t,
    name: "Attack on the <Arena> & its queues",
    description: "Credible plan against the evening concert.",
    recipients: [w.venue.id, w.cert.id],
    windowStart: over.windowStart ?? t + 2 * HOUR,
    windowEnd: t + 48 * HOUR,
    probability: over.probability ?? 0.7,
    severity: over.severity ?? "high",
    requestedActions: ["close the north entrance", "brief the stewards"],
    tlp: over.tlp ?? "AMBER",
  });
  await posted(w, w.source, warning);
  return warning;
}

async function posted(w: World, who: TestParty, obj: StixObject): Promise<void> {
  const res = await w.h.post(who, obj);
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
}

async function exportCap(w: World, who: TestParty | undefined, id: string, version?: string) {
  return w.h.get(who, `/api/v1/warnings/${id}/cap${version ? `?version=${encodeURIComponent(version)}` : ""}`);
}

/** The text of each CAP element named (first occurrence), read with the real parser. */
function capFields(xml: string, names: readonly string[]): Record<string, string | undefined> {
  const doc = XmlDocument.fromString(xml);
  try {
    const ns = { cap: CAP_NAMESPACE };
    return Object.fromEntries(names.map((n) => [n, doc.root.get(n.includes("/") ? n.split("/").map((p) => `cap:${p}`).join("/") : `cap:${n}`, ns)?.content]));
  } finally {
    doc.dispose();
  }
}

function ackFor(acked: readonly CapReference[], sender: string, at: number, over: Partial<CapAlert> = {}): string {
  return capAlertXml({ ...capAckOf(acked, { sender, identifier: `ack-${at}`, at }), ...over });
}

const refOf = (w: World, warning: StixObject): CapReference => ({ sender: w.source.id, identifier: alertIdentifier(warning.id as string, warning.modified as string), sent: capTime(Date.parse(warning.modified as string)) });

async function postAck(w: World, who: TestParty | undefined, body: string | Buffer, contentType = "application/cap+xml") {
  return w.h.node.app.inject({ method: "POST", url: "/api/v1/cap/acks", headers: { "content-type": contentType, ...(who ? { authorization: `Bearer ${who.token}` } : {}) }, payload: body });
}

test("a first version exports as a CAP 1.2 Alert, valid against the OASIS schema, with the warning's facts mapped", async () => {
  const w = await world();
  try {
    const warning = await issue(w);
    const res = await exportCap(w, w.venue, warning.id as string);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers["content-type"]), /^application\/cap\+xml/);
    assert.deepEqual(await capSchemaProblems(res.body), []);
    const f = capFields(res.body, ["identifier", "sender", "sent", "status", "msgType", "scope", "restriction", "addresses", "references", "info/category", "info/event", "info/urgency", "info/severity", "info/certainty", "info/onset", "info/expires", "info/instruction", "info/senderName"]);
    assert.equal(f.identifier, `${warning.id}@${warning.modified}`);
    assert.equal(f.sender, w.source.id);
    assert.equal(f.sent, "2026-03-06T09:00:00+00:00");
    assert.equal(f.status, "Actual");
    assert.equal(f.msgType, "Alert");
    assert.equal(f.scope, "Restricted");
    assert.match(f.restriction!, /^TLP:AMBER:/);
    assert.deepEqual(f.addresses!.split(" ").sort(), [w.source.id, w.venue.id, w.cert.id].sort());
    assert.equal(f.references, undefined);
    assert.equal(f["info/category"], "Security");
    assert.equal(f["info/event"], "Attack on the <Arena> & its queues");
    assert.equal(f["info/urgency"], "Future");
    assert.equal(f["info/severity"], "Severe");
    assert.equal(f["info/certainty"], "Likely");
    assert.equal(f["info/onset"], "2026-03-06T11:00:00+00:00");
    assert.equal(f["info/expires"], "2026-03-08T09:00:00+00:00");
    assert.equal(f["info/instruction"], "close the north entrance\nbrief the stewards");
    assert.equal(f["info/senderName"], "SOURCE");
    // TLP: a party the warning is not addressed to reads nothing, not even that it exists.
    assert.equal((await exportCap(w, w.stranger, warning.id as string)).json().code, "RECORD_NOT_FOUND");
    assert.equal((await exportCap(w, undefined, warning.id as string)).statusCode, 404);
  } finally {
    await w.h.close();
  }
});

test("a later version exports as an Update referencing the earlier alert; the first version still exports as the Alert it was", async () => {
  const w = await world();
  try {
    const v1 = await issue(w);
    w.h.clock.advance(90 * 60_000);
    const v2 = reviseWarning(w.source, v1, w.h.clock.now(), { probability: 0.9, severity: "critical" });
    await posted(w, w.source, v2);
    const latest = await exportCap(w, w.venue, v1.id as string);
    assert.deepEqual(await capSchemaProblems(latest.body), []);
    const f = capFields(latest.body, ["identifier", "msgType", "references", "sent", "info/urgency", "info/severity", "info/certainty"]);
    assert.equal(f.msgType, "Update");
    assert.equal(f.identifier, `${v1.id}@${v2.modified}`);
    assert.equal(f.references, `${w.source.id},${v1.id}@${v1.modified},2026-03-06T09:00:00+00:00`);
    assert.equal(f.sent, "2026-03-06T10:30:00+00:00");
    // The window opens at 11:00: within the hour of this version.
    assert.equal(f["info/urgency"], "Expected");
    assert.equal(f["info/severity"], "Extreme");
    assert.equal(f["info/certainty"], "Likely");
    const first = await exportCap(w, w.venue, v1.id as string, v1.modified as string);
    assert.equal(capFields(first.body, ["msgType"]).msgType, "Alert");
    assert.deepEqual(await capSchemaProblems(first.body), []);
  } finally {
    await w.h.close();
  }
});

test("every TLP level maps to its CAP scope (RED Private, AMBER+STRICT/AMBER/GREEN Restricted, CLEAR Public), each valid against the schema", async () => {
  const w = await world();
  try {
    const expected: Record<TlpLevel, string> = { RED: "Private", "AMBER+STRICT": "Restricted", AMBER: "Restricted", GREEN: "Restricted", CLEAR: "Public" };
    for (const [tlp, scope] of Object.entries(expected) as [TlpLevel, string][]) {
      const warning = await issue(w, { tlp, windowStart: w.h.clock.now() - HOUR, probability: 0.3, severity: "low" });
      const xml = (await exportCap(w, w.venue, warning.id as string)).body;
      assert.deepEqual(await capSchemaProblems(xml), [], tlp);
      const f = capFields(xml, ["scope", "restriction", "addresses", "code", "info/urgency", "info/certainty", "info/severity"]);
      assert.equal(f.scope, scope, tlp);
      assert.equal(f.restriction === undefined, scope !== "Restricted", `${tlp}: a restriction exactly when Restricted`);
      if (scope === "Restricted") assert.ok(f.restriction!.startsWith(`TLP:${tlp}:`), tlp);
      assert.ok(f.addresses!.includes(w.venue.id), tlp);
      assert.equal(f.code, `TLP:${tlp}`);
      assert.equal(f["info/urgency"], "Immediate");
      assert.equal(f["info/certainty"], "Possible");
      assert.equal(f["info/severity"], "Minor");
      w.h.clock.advance(1000);
    }
  } finally {
    await w.h.close();
  }
});

test("a warning labelled exercise exports with status Exercise and a note; one labelled test with status Test", async () => {
  const w = await world();
  try {
    for (const [label, status] of [["exercise", "Exercise"], ["test", "Test"]] as const) {
      const t = w.h.clock.now();
      const warning = buildWarning(w.source, { at: t, name: `${label} warning`, recipients: [w.venue.id], windowStart: t, windowEnd: t + HOUR, probability: 0.02, tlp: "GREEN" });
      // The label is signed with the rest: the author's signature covers every property.
      const { [SIGNATURE_EXT]: _signature, ...extensions } = warning.extensions as Record<string, unknown>;
      const labelled = sign({ ...warning, labels: [label], extensions }, w.source);
      await posted(w, w.source, labelled);
      const xml = (await exportCap(w, w.venue, warning.id as string)).body;
      assert.deepEqual(await capSchemaProblems(xml), []);
      const f = capFields(xml, ["status", "note", "info/certainty"]);
      assert.equal(f.status, status);
      assert.equal(f.note !== undefined, status === "Exercise");
      assert.equal(f["info/certainty"], "Unlikely");
      w.h.clock.advance(1000);
    }
  } finally {
    await w.h.close();
  }
});

test("a warning its author withdrew (every version deleted) exports as a Cancel referencing every version's alert", async () => {
  const w = await world();
  try {
    const v1 = await issue(w);
    w.h.clock.advance(1000);
    const v2 = reviseWarning(w.source, v1, w.h.clock.now(), { probability: 0.4 });
    await posted(w, w.source, v2);
    const auth = { authorization: `Bearer ${w.source.token}` };
    // The latest version alone deleted: the export is the version still live.
    const one = await w.h.node.app.inject({ method: "DELETE", url: `/taxii2/exchange/collections/shared/objects/${v1.id}/?match[version]=${encodeURIComponent(v2.modified as string)}`, headers: auth });
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(Object.values(capFields((await exportCap(w, w.venue, v1.id as string)).body, ["msgType", "identifier"])), ["Alert", `${v1.id}@${v1.modified}`]);
    w.h.clock.advance(HOUR);
    const del = await w.h.node.app.inject({ method: "DELETE", url: `/taxii2/exchange/collections/shared/objects/${v1.id}/`, headers: auth });
    assert.equal(del.statusCode, 200, del.body);
    const xml = (await exportCap(w, w.venue, v1.id as string)).body;
    assert.deepEqual(await capSchemaProblems(xml), []);
    const f = capFields(xml, ["identifier", "msgType", "references", "sent", "note", "info/urgency", "info/responseType"]);
    assert.equal(f.msgType, "Cancel");
    assert.equal(f.identifier, `${v1.id}@cancel`);
    assert.equal(f.sent, capTime(w.h.clock.now()));
    assert.deepEqual(f.references!.split(" "), [refOf(w, v1), refOf(w, v2)].map((r) => `${r.sender},${r.identifier},${r.sent}`));
    assert.equal(f["info/urgency"], "Past");
    assert.equal(f["info/responseType"], "AllClear");
    assert.match(f.note!, /Withdrawn/);
  } finally {
    await w.h.close();
  }
});

test("a CAP Ack from a custodial recipient becomes its receipt, signed by the node, in the timeline, the inbox and the bundle", async () => {
  const w = await world();
  try {
    const warning = await issue(w);
    w.h.clock.advance(20 * 60_000);
    const res = await postAck(w, w.venue, ackFor([refOf(w, warning)], w.venue.slug, w.h.clock.now()));
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.receipts.length, 1);
    const receipt = body.receipts[0];
    assert.equal(receipt.kind, "receipt");
    assert.equal(receipt.custodial, true);
    assert.equal(receipt.record.warning_modified, warning.modified);
    assert.equal(receipt.record.created_by_ref, w.venue.id);
    assert.equal(receipt.record.external_references[0].external_id, body.ack);
    assert.match(receipt.record.external_references[0].hashes["SHA-256"], /^[0-9a-f]{64}$/);
    const timeline = (await w.h.get(w.source, `/api/v1/warnings/${warning.id}/timeline`)).json();
    const entry = timeline.entries.find((e: { kind: string }) => e.kind === "receipt");
    assert.ok(entry, "the receipt is in the timeline");
    assert.equal(entry.custodial, true);
    assert.match(entry.says, /acknowledged as an OASIS CAP 1\.2 Ack/);
    assert.match(entry.signedBy, /on behalf of/);
    const list = (await w.h.get(w.venue, `/api/v1/warnings?recipient=venue`)).json();
    assert.equal(list.warnings[0].recipients.find((r: { party: string }) => r.party === w.venue.id).state, "received");
    const bundle = (await w.h.get(w.source, `/api/v1/warnings/${warning.id}/bundle`)).body;
    assert.ok(bundle.includes(receipt.id), "the receipt is in the bundle");
    // The same Ack again: the version was already received.
    const again = await postAck(w, w.venue, ackFor([refOf(w, warning)], w.venue.slug, w.h.clock.now()));
    assert.equal(again.statusCode, 422);
    assert.equal(again.json().code, "LIFECYCLE_DUPLICATE_RECEIPT");
  } finally {
    await w.h.close();
  }
});

test("bad CAP input is a coded 4xx and stores nothing: malformed, DOCTYPE, external entity, schema-invalid, not an Ack, unknown alert, wrong sender, self-signing or unauthorised party, too large", async () => {
  const w = await world();
  try {
    const unit = await w.h.party("venue-unit", { custodial: true, organisation: "venue" });
    const warning = await issue(w);
    w.h.clock.advance(60_000);
    const now = w.h.clock.now();
    const good = ackFor([refOf(w, warning)], w.venue.id, now);
    const before = await w.h.logSize();
    const cases: [string, TestParty | undefined, string | Buffer, number, string, string?][] = [
      ["malformed XML", w.venue, good.slice(0, good.length - 20), 400, "CAP_XML_MALFORMED"],
      ["not XML at all", w.venue, "hello", 400, "CAP_XML_MALFORMED"],
      ["not UTF-8", w.venue, Buffer.concat([Buffer.from(good.replace("</alert>", "")), Buffer.from([0xff, 0xfe]), Buffer.from("</alert>")]), 400, "CAP_XML_MALFORMED"],
      ["another encoding declared", w.venue, good.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 400, "CAP_XML_MALFORMED"],
      ["external entity", w.venue, good.replace("<alert ", '<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<alert ').replace("<references>", "<note>&x;</note><references>"), 400, "CAP_XML_DOCTYPE"],
      ["internal entity expansion", w.venue, good.replace("<alert ", '<!DOCTYPE alert [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<alert '), 400, "CAP_XML_DOCTYPE"],
      ["external DTD", w.venue, good.replace("<alert ", '<!DOCTYPE alert SYSTEM "http://127.0.0.1:9/cap.dtd">\n<alert '), 400, "CAP_XML_DOCTYPE"],
      ["schema-invalid: unknown status", w.venue, good.replace("<status>Actual</status>", "<status>Bogus</status>"), 422, "CAP_SCHEMA_INVALID"],
      ["schema-invalid: sent with Z", w.venue, good.replace(/<sent>([^<]*)\+00:00<\/sent>/, "<sent>$1Z</sent>"), 422, "CAP_SCHEMA_INVALID"],
      ["schema-invalid: wrong namespace", w.venue, good.replace("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1"), 422, "CAP_SCHEMA_INVALID"],
      ["an Alert, not an Ack", w.venue, good.replace("<msgType>Ack</msgType>", "<msgType>Alert</msgType>"), 422, "CAP_NOT_ACK"],
      ["an Ack without references", w.venue, good.replace(/<references>[^<]*<\/references>/, ""), 422, "CAP_NOT_ACK"],
      ["a Draft Ack", w.venue, good.replace("<status>Actual</status>", "<status>Draft</status>"), 422, "CAP_NOT_ACK"],
      ["unknown alert", w.venue, ackFor([{ ...refOf(w, warning), identifier: `${warning.id}@2020-01-01T00:00:00.000Z` }], w.venue.id, now), 404, "CAP_ACK_UNKNOWN_ALERT"],
      ["an identifier Tocsin never wrote", w.venue, ackFor([{ ...refOf(w, warning), identifier: "KAR0-0306112239-SW" }], w.venue.id, now), 404, "CAP_ACK_UNKNOWN_ALERT"],
      ["wrong sent time", w.venue, ackFor([{ ...refOf(w, warning), sent: "2026-03-06T09:00:01+00:00" }], w.venue.id, now), 404, "CAP_ACK_UNKNOWN_ALERT"],
      ["wrong alert sender", w.venue, ackFor([{ ...refOf(w, warning), sender: w.cert.id }], w.venue.id, now), 404, "CAP_ACK_UNKNOWN_ALERT"],
      ["references not triples", w.venue, good.replace(/<references>[^<]*<\/references>/, "<references>just-an-id</references>"), 404, "CAP_ACK_UNKNOWN_ALERT"],
      ["the Ack's sender is another party", w.venue, ackFor([refOf(w, warning)], w.cert.id, now), 403, "CAP_ACK_SENDER_MISMATCH"],
      ["a self-signing recipient", w.cert, ackFor([refOf(w, warning)], w.cert.id, now), 403, "CAP_ACK_NOT_CUSTODIAL"],
      ["a custodial party the warning is not for", w.stranger, ackFor([refOf(w, warning)], w.stranger.id, now), 404, "CAP_ACK_UNKNOWN_ALERT"],
      ["a custodial unit of the venue: reads the AMBER warning, but it was not sent to it", unit, ackFor([refOf(w, warning)], unit.id, now), 422, "LIFECYCLE_NOT_A_RECIPIENT"],
      ["no credentials", undefined, good, 401, "AUTH_REQUIRED"],
      ["revoked or unknown credentials", { ...w.venue, token: "tocsin_not-a-token" }, good, 401, "AUTH_INVALID"],
      ["too large for an Ack", w.venue, good.replace("<references>", `<note>${"x".repeat(70_000)}</note><references>`), 413, "CAP_XML_TOO_LARGE"],
      ["far too large", w.venue, "x".repeat(300_000), 413, "HTTP_BODY_TOO_LARGE"],
      ["not an XML media type", w.venue, good, 415, "HTTP_UNSUPPORTED_MEDIA_TYPE", "text/plain"],
      ["JSON", w.venue, JSON.stringify({ msgType: "Ack" }), 415, "HTTP_UNSUPPORTED_MEDIA_TYPE", "application/json"],
      ["an empty body", w.venue, "", 400, "CAP_XML_MALFORMED"],
      ["whitespace only", w.venue, "  \n", 400, "CAP_XML_MALFORMED", "text/xml; charset=utf-8"],
    ];
    for (const [what, who, body, status, code, type] of cases) {
      const res = await postAck(w, who, body, type);
      assert.equal(res.statusCode, status, `${what}: ${res.body}`);
      assert.match(String(res.headers["content-type"]), /application\/problem\+json/, what);
      assert.equal(res.json().code, code, what);
    }
    assert.equal(await w.h.logSize(), before, "nothing was stored");
    // After all that, the good Ack still goes through (under any of the XML media types, with a charset).
    assert.equal((await postAck(w, w.venue, good, "application/xml; charset=utf-8")).statusCode, 201);
  } finally {
    await w.h.close();
  }
});

test("on PostgreSQL too: an Update, an Ack made a receipt, a bad Ack refused with nothing stored, and the Cancel once withdrawn", async () => {
  const db = await createTestDatabase("cap");
  const w = await world(db.url);
  try {
    const v1 = await issue(w, { tlp: "RED" });
    w.h.clock.advance(1000);
    const v2 = reviseWarning(w.source, v1, w.h.clock.now(), { probability: 0.2 });
    await posted(w, w.source, v2);
    const update = (await exportCap(w, w.venue, v1.id as string)).body;
    assert.deepEqual(await capSchemaProblems(update), []);
    assert.deepEqual(Object.values(capFields(update, ["msgType", "scope", "info/certainty"])), ["Update", "Private", "Possible"]);
    w.h.clock.advance(60_000);
    const before = await w.h.logSize();
    const bad = await postAck(w, w.venue, ackFor([refOf(w, v2)], w.cert.id, w.h.clock.now()));
    assert.equal(bad.json().code, "CAP_ACK_SENDER_MISMATCH");
    assert.equal(await w.h.logSize(), before);
    const res = await postAck(w, w.venue, ackFor([refOf(w, v1), refOf(w, v2)], w.venue.id, w.h.clock.now()));
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().receipts.map((r: { record: { warning_modified: string } }) => r.record.warning_modified), [v1.modified, v2.modified]);
    w.h.clock.advance(HOUR);
    const del = await w.h.node.app.inject({ method: "DELETE", url: `/taxii2/exchange/collections/shared/objects/${v1.id}/`, headers: { authorization: `Bearer ${w.source.token}` } });
    assert.equal(del.statusCode, 200, del.body);
    const cancel = (await exportCap(w, w.source, v1.id as string)).body;
    assert.deepEqual(await capSchemaProblems(cancel), []);
    assert.deepEqual(Object.values(capFields(cancel, ["msgType", "sent"])), ["Cancel", capTime(w.h.clock.now())]);
  } finally {
    await w.h.close();
    await db.drop();
  }
});
