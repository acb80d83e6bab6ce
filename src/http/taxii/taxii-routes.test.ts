import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReceipt, buildWarning, sign } from "../../client/record-builders.js";
import { SIGNATURE_EXT, type StixObject } from "../../core/record/index.js";
import { TLP_2_0_IDS } from "../../core/stix/tlp-markings.js";
import { NodeHarness, type TestParty } from "../../testing/node-harness.js";
import { call, TAXII, type HttpAnswer } from "../../testing/taxii-http.js";

/*
 * Every TAXII endpoint over real HTTP on loopback: what each answers, every filter and their
 * combinations, TLP and addressing per collection, and every error status as a TAXII error resource.
 */

const DAY = 86_400_000;
const ROOT = "/taxii2/exchange";
const SHARED = `${ROOT}/collections/shared`;
const DATE_ADDED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

interface World {
  h: NodeHarness;
  base: string;
  alice: TestParty;
  bob: TestParty;
  carol: TestParty;
  eve: TestParty;
}

async function world(config: Record<string, unknown> = {}): Promise<World> {
  const h = await NodeHarness.start({ config });
  const base = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
  return { h, base, alice: await h.party("alice"), bob: await h.party("bob"), carol: await h.party("carol", { custodial: true }), eve: await h.party("eve") };
}

function assertTaxiiError(r: HttpAnswer, status: number, code: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get("content-type"), TAXII);
  assert.equal(r.json.http_status, String(status));
  assert.equal(r.json.error_code, code);
  assert.equal(typeof r.json.title, "string");
  assert.equal(typeof r.json.error_id, "string");
}

const at = (w: World, ms = 0) => w.h.clock.now() + ms;

function warningFor(w: World, from: TestParty, to: TestParty, tlp: "CLEAR" | "AMBER" | "RED", name = "w"): StixObject {
  return buildWarning(from, { at: at(w), name, recipients: [to.id], windowStart: at(w), windowEnd: at(w, DAY), probability: 0.5, tlp });
}

/** A new version of a signed warning, `ms` later. */
function newVersion(w: World, author: TestParty, warning: StixObject, ms: number): StixObject {
  const { [SIGNATURE_EXT]: _old, ...ext } = warning.extensions as Record<string, unknown>;
  return sign({ ...warning, name: `${warning.name as string} (updated)`, modified: new Date(at(w, ms)).toISOString(), extensions: ext } as StixObject, author);
}

async function post(w: World, who: TestParty, objects: unknown[], collection = SHARED): Promise<HttpAnswer> {
  const r = await call(w.base, `${collection}/objects/`, { who, body: { objects } });
  assert.equal(r.status, 202, r.text);
  return r;
}

const ids = (r: HttpAnswer): string[] => (r.json.objects ?? []).map((o: { id: string }) => o.id);

test("discovery, API root and collections: resources, can_read / can_write per caller", async () => {
  const w = await world({ maxBodyBytes: 2_000_000 });
  try {
    const d = await call(w.base, "/taxii2/");
    assert.equal(d.status, 200);
    assert.equal(d.headers.get("content-type"), TAXII);
    assert.deepEqual(d.json.api_roots, [`${w.base}${ROOT}/`]);
    assert.equal(d.json.default, `${w.base}${ROOT}/`);
    const root = await call(w.base, `${ROOT}/`);
    assert.deepEqual(root.json.versions, [TAXII]);
    assert.equal(root.json.max_content_length, 2_000_000);

    const asBob = (await call(w.base, `${ROOT}/collections/`, { who: w.bob })).json.collections;
    const byAlias = new Map(asBob.map((c: { alias: string }) => [c.alias, c]));
    assert.deepEqual([...byAlias.keys()], ["shared", "definitions", "inbox-alice", "inbox-bob", "inbox-carol", "inbox-eve"]);
    assert.deepEqual(pick(byAlias.get("shared")), { can_read: true, can_write: true });
    assert.deepEqual(pick(byAlias.get("definitions")), { can_read: true, can_write: false });
    assert.deepEqual(pick(byAlias.get("inbox-bob")), { can_read: true, can_write: true });
    assert.deepEqual(pick(byAlias.get("inbox-alice")), { can_read: false, can_write: true });
    for (const c of asBob) assert.deepEqual(c.media_types, ["application/stix+json;version=2.1"]);
    const anon = (await call(w.base, `${ROOT}/collections/`)).json.collections;
    assert.ok(anon.every((c: { can_write: boolean }) => !c.can_write));
    const shared = byAlias.get("shared") as { id: string };
    const one = await call(w.base, `${ROOT}/collections/${shared.id}/`, { who: w.alice });
    assert.equal(one.json.alias, "shared");
    assert.equal((await call(w.base, `${ROOT}/collections/inbox-bob/`, { who: w.bob })).json.can_read, true);
    // All three credential schemes work; the Token scheme is what the OASIS client sends.
    for (const auth of [`Token ${w.bob.token}`, `Bearer ${w.bob.token}`]) {
      assert.equal((await call(w.base, `${ROOT}/collections/inbox-bob/`, { auth })).json.can_read, true);
    }
  } finally {
    await w.h.close();
  }
});

const pick = (c: unknown) => ({ can_read: (c as { can_read: boolean }).can_read, can_write: (c as { can_write: boolean }).can_write });

test("POST objects: per-object status, duplicates succeed, failures name their code; status kept for its owner", async () => {
  const w = await world();
  try {
    const registered = await w.h.logSize(); // the parties' registrations and tokens
    const good = warningFor(w, w.alice, w.bob, "AMBER");
    const tampered = { ...good, id: good.id.replace(/.$/, good.id.endsWith("a") ? "b" : "a") };
    const unsigned = { ...warningFor(w, w.alice, w.bob, "AMBER") };
    delete (unsigned.extensions as Record<string, unknown>)[SIGNATURE_EXT];
    const r = await post(w, w.alice, [good, tampered, good, unsigned, 42]);
    const s = r.json;
    assert.equal(s.status, "complete");
    assert.equal(s.total_count, 5);
    assert.equal(s.success_count, 2);
    assert.equal(s.failure_count, 3);
    assert.equal(s.pending_count, 0);
    assert.deepEqual(s.successes.map((x: { id: string }) => x.id), [good.id, good.id]);
    assert.match(s.successes[1].message, /duplicate/);
    assert.deepEqual(s.failures.map((f: { message: string }) => f.message.split(":")[0]), ["RECORD_BAD_SIGNATURE", "RECORD_UNSIGNED", "STIX_NOT_OBJECT"]);
    assert.equal(s.failures[0].id, tampered.id);
    assert.equal(s.failures[0].version, good.modified);
    // Exactly one leaf was written (the duplicate and the failures wrote nothing).
    assert.equal(await w.h.logSize(), registered + 1);
    // Re-posting the same record later: a success again, still one leaf.
    const again = await post(w, w.alice, [good]);
    assert.equal(again.json.success_count, 1);
    assert.equal(await w.h.logSize(), registered + 1);

    const got = await call(w.base, `${ROOT}/status/${s.id}/`, { who: w.alice });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, s);
    assertTaxiiError(await call(w.base, `${ROOT}/status/${s.id}/`, { who: w.bob }), 404, "TAXII_STATUS_NOT_FOUND");
    assertTaxiiError(await call(w.base, `${ROOT}/status/${s.id}/`), 401, "AUTH_REQUIRED");
    assertTaxiiError(await call(w.base, `${ROOT}/status/00000000-0000-4000-8000-000000000000/`, { who: w.alice }), 404, "TAXII_STATUS_NOT_FOUND");
    // Statuses are persisted in the store, not in memory: kept across a restart of the routes' process state.
    assert.equal((await w.h.node.store.taxiiStatus(s.id))?.owner, w.alice.id);

    // Kept at least 24 h (7 days): still there a day later; pruned once older than a week.
    w.h.clock.advance(25 * 3_600_000);
    assert.equal((await call(w.base, `${ROOT}/status/${s.id}/`, { who: w.alice })).status, 200);
    w.h.clock.advance(7 * DAY);
    await post(w, w.alice, [good]);
    assertTaxiiError(await call(w.base, `${ROOT}/status/${s.id}/`, { who: w.alice }), 404, "TAXII_STATUS_NOT_FOUND");

    // A custodial party posts unsigned STIX: the node signs it.
    const note = { type: "note", spec_version: "2.1", id: "note--0b3a3c6e-65d5-4f0e-9f45-3b1c9d5e2a01", created: new Date(at(w)).toISOString(), modified: new Date(at(w)).toISOString(), created_by_ref: w.carol.id, content: "seen", object_refs: [good.id] };
    const c = await post(w, w.carol, [note]);
    assert.match(c.json.successes[0].message, /custodial/);
    // Someone else's record is refused per object (the author must be the poster).
    const forged = await post(w, w.eve, [{ ...note, id: "note--0b3a3c6e-65d5-4f0e-9f45-3b1c9d5e2a02" }]);
    assert.match(forged.json.failures[0].message, /^RECORD_AUTHOR_MISMATCH/);
  } finally {
    await w.h.close();
  }
});

test("objects, manifest, object and versions: TLP per caller, inboxes, every filter and combinations", async () => {
  const w = await world();
  try {
    const amber = warningFor(w, w.alice, w.bob, "AMBER", "amber");
    const clear = warningFor(w, w.alice, w.eve, "CLEAR", "clear");
    const red = warningFor(w, w.eve, w.alice, "RED", "red");
    await post(w, w.alice, [clear, amber]);
    w.h.clock.advance(1000);
    const amber2 = newVersion(w, w.alice, amber, 0);
    await post(w, w.eve, [red]);
    await post(w, w.alice, [amber2]);
    w.h.clock.advance(1000);
    const receipt = buildReceipt(w.bob, amber2, at(w));
    await post(w, w.bob, [receipt], `${ROOT}/collections/inbox-alice`);

    const get = (path: string, who?: TestParty) => call(w.base, path, who ? { who } : {});
    // Shared, latest versions by default, in date_added order; each caller sees what TLP allows.
    assert.deepEqual(ids(await get(`${SHARED}/objects/`, w.bob)), [clear.id, amber.id, receipt.id]);
    assert.deepEqual(ids(await get(`${SHARED}/objects/`, w.alice)), [clear.id, red.id, amber.id, receipt.id]);
    assert.deepEqual(ids(await get(`${SHARED}/objects/`, w.eve)), [clear.id, red.id]);
    assert.deepEqual(ids(await get(`${SHARED}/objects/`)), [clear.id]);
    // Inboxes: what others addressed to their party.
    assert.deepEqual(ids(await get(`${ROOT}/collections/inbox-bob/objects/`, w.bob)), [amber.id]);
    assert.deepEqual(ids(await get(`${ROOT}/collections/inbox-alice/objects/`, w.alice)), [red.id, receipt.id]);
    assert.deepEqual(ids(await get(`${ROOT}/collections/inbox-eve/objects/`, w.eve)), [clear.id]);
    assertTaxiiError(await get(`${ROOT}/collections/inbox-bob/objects/`, w.alice), 403, "TAXII_NOT_PERMITTED");
    assertTaxiiError(await get(`${ROOT}/collections/inbox-bob/objects/`), 401, "AUTH_REQUIRED");

    // match[version]
    const versionsOf = async (q: string) => ((await get(`${SHARED}/objects/?match[id]=${amber.id}&${q}`, w.bob)).json.objects ?? []).map((o: { modified: string }) => o.modified);
    assert.deepEqual(await versionsOf("match[version]=all"), [amber.modified, amber2.modified]);
    assert.deepEqual(await versionsOf("match[version]=first"), [amber.modified]);
    assert.deepEqual(await versionsOf("match[version]=last"), [amber2.modified]);
    assert.deepEqual(await versionsOf("match[version]=first,last"), [amber.modified, amber2.modified]);
    assert.deepEqual(await versionsOf(`match[version]=${amber.modified}`), [amber.modified]);
    // The same instant at microsecond precision (what the OASIS client sends) matches too.
    assert.deepEqual(await versionsOf(`match[version]=${(amber.modified as string).replace("Z", "000Z")}`), [amber.modified]);
    assert.deepEqual(await versionsOf(`match[version]=2020-01-01T00:00:00.000Z`), []);
    // match[type], match[id] (comma = OR), match[spec_version], combinations (AND)
    assert.deepEqual(ids(await get(`${SHARED}/objects/?match[type]=x-tocsin-receipt`, w.alice)), [receipt.id]);
    assert.deepEqual(ids(await get(`${SHARED}/objects/?match[type]=report,x-tocsin-receipt&match[id]=${receipt.id},${clear.id}`, w.alice)), [clear.id, receipt.id]);
    assert.deepEqual(ids(await get(`${SHARED}/objects/?match[type]=report&match[id]=${receipt.id}`, w.alice)), []);
    assert.deepEqual(ids(await get(`${SHARED}/objects/?match[spec_version]=2.0`, w.alice)), []);
    assert.deepEqual(ids(await get(`${SHARED}/objects/?match[spec_version]=2.0,2.1&match[type]=report&match[version]=all`, w.bob)), [clear.id, amber.id, amber.id]);

    // Manifest: the same selection as records {id, date_added, version, media_type}; headers on the range.
    const m = await get(`${SHARED}/manifest/?match[version]=all`, w.bob);
    assert.deepEqual(m.json.objects.map((o: { id: string }) => o.id), [clear.id, amber.id, amber.id, receipt.id]);
    for (const o of m.json.objects) {
      assert.match(o.date_added, DATE_ADDED);
      assert.equal(o.media_type, "application/stix+json;version=2.1");
    }
    assert.deepEqual(m.json.objects.map((o: { version: string }) => o.version), [clear.modified, amber.modified, amber2.modified, receipt.modified]);
    assert.equal(m.headers.get("x-taxii-date-added-first"), m.json.objects[0].date_added);
    assert.equal(m.headers.get("x-taxii-date-added-last"), m.json.objects[3].date_added);
    const dates = m.json.objects.map((o: { date_added: string }) => o.date_added);
    assert.deepEqual([...dates].sort(), dates);
    assert.equal(new Set(dates).size, dates.length, "date_added is unique per version");

    // added_after is exclusive; with limit and next, pages neither skip nor repeat.
    const after = await get(`${SHARED}/manifest/?match[version]=all&added_after=${dates[1]}`, w.bob);
    assert.deepEqual(after.json.objects.map((o: { date_added: string }) => o.date_added), dates.slice(2));
    const seen: string[] = [];
    let page = await get(`${SHARED}/manifest/?match[version]=all&limit=1`, w.bob);
    for (;;) {
      assert.equal(page.status, 200, page.text);
      seen.push(...page.json.objects.map((o: { date_added: string }) => o.date_added));
      if (!page.json.more) break;
      assert.equal(typeof page.json.next, "string", "more without next would loop clients");
      page = await get(`${SHARED}/manifest/?match[version]=all&limit=1&next=${page.json.next}`, w.bob);
    }
    assert.deepEqual(seen, dates);
    // An empty page is an empty envelope, without date headers.
    const empty = await get(`${SHARED}/objects/?added_after=${dates[3]}`, w.bob);
    assert.deepEqual(empty.json, { more: false });
    assert.equal(empty.headers.get("x-taxii-date-added-first"), null);

    // Object and versions endpoints.
    const obj = await get(`${SHARED}/objects/${amber.id}/`, w.bob);
    assert.deepEqual(obj.json.objects.map((o: { modified: string }) => o.modified), [amber2.modified]);
    assert.match(obj.headers.get("x-taxii-date-added-last")!, DATE_ADDED);
    const allV = await get(`${SHARED}/objects/${amber.id}/?match[version]=all&limit=1`, w.bob);
    assert.equal(allV.json.objects.length, 1);
    assert.equal(allV.json.more, true);
    const v = await get(`${SHARED}/objects/${amber.id}/versions/`, w.bob);
    assert.deepEqual(v.json, { more: false, versions: [amber.modified, amber2.modified] });
    assert.match(v.headers.get("x-taxii-date-added-first")!, DATE_ADDED);
    assertTaxiiError(await get(`${SHARED}/objects/${amber.id}/`, w.eve), 404, "RECORD_NOT_FOUND");
    assertTaxiiError(await get(`${SHARED}/objects/${amber.id}/versions/`, w.eve), 404, "RECORD_NOT_FOUND");
    assertTaxiiError(await get(`${SHARED}/objects/${amber.id}/?match[type]=report`, w.bob), 400, "HTTP_BAD_PARAMETER");
  } finally {
    await w.h.close();
  }
});

test("DELETE object: author only, a tombstone leaf in the log, the version gone from TAXII, history provable", async () => {
  const w = await world();
  try {
    const amber = warningFor(w, w.alice, w.bob, "AMBER");
    await post(w, w.alice, [amber]);
    w.h.clock.advance(1000);
    const amber2 = newVersion(w, w.alice, amber, 0);
    await post(w, w.alice, [amber2]);
    const url = `${SHARED}/objects/${amber.id}/`;
    assertTaxiiError(await call(w.base, url, { method: "DELETE" }), 401, "AUTH_REQUIRED");
    assertTaxiiError(await call(w.base, url, { who: w.bob, method: "DELETE" }), 403, "RECORD_AUTHOR_MISMATCH");
    assertTaxiiError(await call(w.base, url, { who: w.eve, method: "DELETE" }), 404, "RECORD_NOT_FOUND");
    assertTaxiiError(await call(w.base, `${ROOT}/collections/definitions/objects/${amber.id}/`, { who: w.alice, method: "DELETE" }), 403, "TAXII_NOT_PERMITTED");
    assertTaxiiError(await call(w.base, `${url}?match[version]=2020-01-01T00:00:00Z`, { who: w.alice, method: "DELETE" }), 404, "RECORD_NOT_FOUND");
    const size = await w.h.logSize();
    const del = await call(w.base, `${url}?match[version]=first`, { who: w.alice, method: "DELETE" });
    assert.equal(del.status, 200, del.text);
    assert.equal(await w.h.logSize(), size + 1, "one tombstone leaf");
    const leaf = JSON.parse(Buffer.from((await w.h.node.store.getLeaves(size, 1))[0]!.data).toString("utf8"));
    assert.equal(leaf.kind, "tombstone");
    assert.equal(leaf.id, amber.id);
    assert.equal(leaf.modified, amber.modified);
    assert.equal(leaf.author, w.alice.id);
    assert.deepEqual((await call(w.base, `${url}versions/`, { who: w.bob })).json.versions, [amber2.modified]);
    assert.deepEqual(ids(await call(w.base, `${SHARED}/objects/?match[version]=all`, { who: w.bob })), [amber.id]);
    // The deleted version's record and proof are still served by the records API: history stays provable.
    const proof = await w.h.get(w.bob, `/api/v1/records/${amber.id}/proof?version=${encodeURIComponent(amber.modified as string)}`);
    assert.equal(proof.statusCode, 200, proof.body);
    // Deleting the rest: the object is gone from TAXII.
    assert.equal((await call(w.base, url, { who: w.alice, method: "DELETE" })).status, 200);
    assertTaxiiError(await call(w.base, url, { who: w.bob }), 404, "RECORD_NOT_FOUND");
    assertTaxiiError(await call(w.base, url, { who: w.alice, method: "DELETE" }), 404, "RECORD_NOT_FOUND");
    assert.equal(await w.h.logSize(), size + 2);
  } finally {
    await w.h.close();
  }
});

test("definitions collection: Tocsin's extension-definitions and the TLP 2.0 markings, public and read-only", async () => {
  const w = await world();
  try {
    const all = await call(w.base, `${ROOT}/collections/definitions/objects/`);
    const types = all.json.objects.map((o: { type: string }) => o.type);
    assert.ok(types.filter((t: string) => t === "extension-definition").length >= 5);
    const marks = await call(w.base, `${ROOT}/collections/definitions/objects/?match[type]=marking-definition`);
    assert.deepEqual(marks.json.objects.map((o: { id: string }) => o.id).sort(), Object.values(TLP_2_0_IDS).sort());
    // Every extension id a stored record uses resolves here.
    const warning = warningFor(w, w.alice, w.bob, "AMBER");
    const defs = new Set(all.json.objects.map((o: { id: string }) => o.id));
    for (const ext of Object.keys(warning.extensions ?? {})) assert.ok(defs.has(ext), ext);
    const one = await call(w.base, `${ROOT}/collections/definitions/objects/${TLP_2_0_IDS.RED}/`);
    assert.equal(one.json.objects[0].id, TLP_2_0_IDS.RED);
    const page = await call(w.base, `${ROOT}/collections/definitions/manifest/?limit=2`);
    assert.equal(page.json.objects.length, 2);
    assert.equal(page.json.more, true);
    const rest = await call(w.base, `${ROOT}/collections/definitions/manifest/?next=${page.json.next}`);
    assert.equal(rest.json.objects.length + 2, all.json.objects.length);
    assertTaxiiError(await call(w.base, `${ROOT}/collections/definitions/objects/`, { who: w.alice, body: { objects: [warning] } }), 403, "TAXII_NOT_PERMITTED");
  } finally {
    await w.h.close();
  }
});

test("every error status answers the TAXII error resource", async () => {
  const w = await world({ maxBodyBytes: 4096 });
  try {
    const objects = `${SHARED}/objects/`;
    // 400: malformed filters, tampered or foreign next tokens, bad bodies
    for (const q of ["limit=0", "limit=x", "added_after=yesterday", "added_after=2026-13-01T00:00:00Z", "match[version]=newest", "match[id]=nope", "match[type]=A!", "match[spec_version]=two", "colour=red", "next=%%%", "next=bm9wZQ", "limit=1&limit=2"]) {
      assertTaxiiError(await call(w.base, `${objects}?${q}`, { who: w.alice }), 400, "HTTP_BAD_PARAMETER");
    }
    await post(w, w.alice, [warningFor(w, w.alice, w.bob, "CLEAR"), warningFor(w, w.alice, w.bob, "CLEAR")]);
    const first = await call(w.base, `${objects}?limit=1`, { who: w.alice });
    assert.equal(first.json.more, true);
    assertTaxiiError(await call(w.base, `${objects}?limit=1&next=${first.json.next}`, { who: w.bob }), 400, "HTTP_BAD_PARAMETER");
    assertTaxiiError(await call(w.base, `${objects}?limit=1&match[type]=report&next=${first.json.next}`, { who: w.alice }), 400, "HTTP_BAD_PARAMETER");
    assertTaxiiError(await call(w.base, `${SHARED}/manifest/?next=${first.json.next}`, { who: w.alice }), 400, "HTTP_BAD_PARAMETER");
    assert.equal((await call(w.base, `${objects}?limit=5&next=${first.json.next}`, { who: w.alice })).status, 200, "a new limit keeps the token valid");
    assertTaxiiError(await call(w.base, objects, { who: w.alice, raw: "{not json" }), 400, "HTTP_MALFORMED_JSON");
    assertTaxiiError(await call(w.base, objects, { who: w.alice, body: [1, 2] }), 400, "HTTP_BAD_REQUEST_BODY");
    assertTaxiiError(await call(w.base, objects, { who: w.alice, body: { objects: [] } }), 400, "BATCH_EMPTY");
    assertTaxiiError(await call(w.base, `${objects}bad-id/`, { who: w.alice }), 400, "HTTP_BAD_PARAMETER");
    // 401 with WWW-Authenticate: anonymous writes, unknown or malformed credentials
    for (const o of [{}, { auth: "Token nope" }, { auth: "Basic " + Buffer.from("alice:wrong").toString("base64") }, { auth: "Basic " + Buffer.from(`bob:${w.alice.token}`).toString("base64") }, { auth: "Digest x" }]) {
      const r = await call(w.base, objects, { ...o, body: { objects: [{}] } });
      assert.equal(r.status, 401, r.text);
      assert.match(r.headers.get("www-authenticate") ?? "", /Basic/);
      assertTaxiiError(r, 401, r.json.error_code);
    }
    // 403: another party's inbox, the read-only definitions
    assertTaxiiError(await call(w.base, `${ROOT}/collections/inbox-bob/manifest/`, { who: w.alice }), 403, "TAXII_NOT_PERMITTED");
    // 404: unknown collection, object, status, route (and paths without the trailing slash)
    assertTaxiiError(await call(w.base, `${ROOT}/collections/nope/objects/`, { who: w.alice }), 404, "TAXII_COLLECTION_NOT_FOUND");
    assertTaxiiError(await call(w.base, `${objects}report--00000000-0000-4000-8000-000000000000/`, { who: w.alice }), 404, "RECORD_NOT_FOUND");
    assertTaxiiError(await call(w.base, `${ROOT}/collections`, { who: w.alice }), 404, "HTTP_NOT_FOUND");
    assertTaxiiError(await call(w.base, `/taxii2/other-root/`), 404, "HTTP_NOT_FOUND");
    // 405: a method the endpoint does not have
    for (const [method, path] of [["PUT", objects], ["DELETE", `${ROOT}/collections/`], ["POST", "/taxii2/"], ["PATCH", `${SHARED}/manifest/`]] as const) {
      assertTaxiiError(await call(w.base, path, { who: w.alice, method }), 405, "HTTP_METHOD_NOT_ALLOWED");
    }
    // 406: an Accept header without a TAXII 2.1 media range
    for (const accept of ["application/json", "application/taxii+json;version=2.0", "application/stix+json;version=2.1", "application/taxii+json;q=0"]) {
      assertTaxiiError(await call(w.base, `${ROOT}/`, { headers: { accept } }), 406, "HTTP_NOT_ACCEPTABLE");
    }
    for (const accept of ["*/*", "application/*", "application/taxii+json", "application/json;q=0.5, application/taxii+json;version=2.1", ""]) {
      assert.equal((await call(w.base, `${ROOT}/`, { headers: { accept } })).status, 200, accept);
    }
    // 413: over max_content_length
    const big = await call(w.base, objects, { who: w.alice, body: { objects: [{ pad: "x".repeat(5000) }] } });
    assertTaxiiError(big, 413, "HTTP_BODY_TOO_LARGE");
    // 415: a body that is not TAXII 2.1
    for (const ct of ["application/json", "application/taxii+json;version=2.0", "text/plain", "application/stix+json;version=2.1"]) {
      assertTaxiiError(await call(w.base, objects, { who: w.alice, raw: '{"objects":[{}]}', headers: { "content-type": ct } }), 415, "HTTP_UNSUPPORTED_MEDIA_TYPE");
    }
  } finally {
    await w.h.close();
  }
});
