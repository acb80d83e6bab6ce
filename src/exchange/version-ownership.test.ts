/**
 * Issue 10, hole 1: a STIX id belongs to the party that logged its first version. Every attack here was
 * admitted before version ownership was checked (a plain `report` re-versioning a TLP:RED warning was
 * served to everyone as the warning's latest version). Run on SQLite and on PostgreSQL, through HTTP.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { buildAssessment, buildReceipt, buildWarning, sign } from "../client/record-builders.js";
import { SIGNATURE_EXT, WARNING_EXT, type StixObject } from "../core/record/index.js";
import { tlpMarkingId } from "../core/tlp/index.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";

const MIN = 60_000;
const DAY = 86_400_000;
const TAXII = "application/taxii+json;version=2.1";

const databases: TestDatabase[] = [];
after(async () => {
  for (const d of databases) await d.drop();
});

/** `obj` re-authored by `who`: signature dropped, `change` applied, created_by_ref set, signed by `who`. */
export function reauthored(obj: StixObject, who: TestParty, change: (o: StixObject) => void): StixObject {
  const o = structuredClone(obj);
  if (o.extensions) {
    delete o.extensions[SIGNATURE_EXT];
    if (Object.keys(o.extensions).length === 0) delete o.extensions;
  }
  change(o);
  o.created_by_ref = who.id;
  return sign(o, who);
}

const later = (o: StixObject, ms = MIN) => (o.modified = new Date(Date.parse(o.modified as string) + ms).toISOString());

/** A plain report (kind `other`) under the warning's id: what the attacker posted. */
function plantedReport(warning: StixObject, by: TestParty): StixObject {
  return reauthored(warning, by, (o) => {
    delete o.extensions;
    o.name = "All clear: nothing is planned";
    o.description = "planted";
    o.object_marking_refs = [tlpMarkingId("CLEAR")];
    later(o);
  });
}

async function taxiiPost(h: NodeHarness, who: TestParty, collection: string, objects: unknown[]) {
  const res = await h.node.app.inject({
    method: "POST",
    url: `/taxii2/exchange/collections/${collection}/objects/`,
    headers: { accept: TAXII, "content-type": TAXII, authorization: `Bearer ${who.token}` },
    payload: JSON.stringify({ objects }),
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json() as { success_count: number; failure_count: number; failures?: { id: string; message: string }[] };
}

function engines(): { name: string; start: (clock: TestClock) => Promise<NodeHarness> }[] {
  return [
    { name: "sqlite", start: (clock) => NodeHarness.start({ clock }) },
    {
      name: "postgres",
      start: async (clock) => {
        const db = await createTestDatabase("versions");
        databases.push(db);
        return NodeHarness.start({ clock, config: { db: db.url } });
      },
    },
  ];
}

for (const engine of engines()) {
  describe(`versions belong to their creator (${engine.name})`, () => {
    test("re-versioning another party's warning, opinion, identity, board or other object is refused on every write path", async () => {
      const clock = new TestClock(Date.parse("2025-05-01T09:00:00.000Z"));
      const h = await engine.start(clock);
      try {
        const a = await h.party("alpha");
        const b = await h.party("bravo");
        const eve = await h.party("eve");
        const desk = await h.party("desk", { custodial: true });
        const t0 = clock.now();
        const red = buildWarning(a, { at: t0, name: "Strike on the grid", recipients: [b.id], windowStart: t0, windowEnd: t0 + DAY, probability: 0.8, tlp: "RED" });
        assert.equal((await h.post(a, red)).statusCode, 201);
        clock.advance(MIN);
        assert.equal((await h.post(b, buildReceipt(b, red, clock.now(), "RED"))).statusCode, 201);
        const opinion = buildAssessment(b, red.id, clock.now(), "agree", "Credible.", "RED");
        assert.equal((await h.post(b, opinion)).statusCode, 201);
        const org = sign({ type: "identity", spec_version: "2.1", id: `identity--${randomUUID()}`, created: new Date(t0).toISOString(), modified: new Date(t0).toISOString(), created_by_ref: a.id, name: "Grid operator", identity_class: "organization" }, a);
        assert.equal((await h.post(a, org)).statusCode, 201);
        const note = sign({ type: "note", spec_version: "2.1", id: `note--${randomUUID()}`, created: new Date(t0).toISOString(), modified: new Date(t0).toISOString(), created_by_ref: a.id, content: "our note", object_refs: [org.id] }, a);
        assert.equal((await h.post(a, note)).statusCode, 201);
        const board = await h.node.app.inject({
          method: "POST",
          url: "/api/v1/boards",
          headers: { authorization: `Bearer ${desk.token}` },
          payload: { name: "grid-attribution", title: "Who?", subject_refs: [red.id], hypotheses: [{ id: "H1", title: "Group A" }] },
        });
        assert.equal(board.statusCode, 201, board.body);
        const boardRecord = board.json().record as StixObject;
        clock.advance(MIN);
        const size = await h.logSize();

        const attacks: { name: string; obj: StixObject }[] = [
          { name: "plain report over a RED warning", obj: plantedReport(red, eve) },
          { name: "a warning version by someone else", obj: reauthored(red, eve, (o) => { later(o); (o.extensions![WARNING_EXT] as Record<string, unknown>).recipient_refs = [a.id]; }) },
          { name: "plain opinion over an assessment", obj: reauthored(opinion, eve, (o) => { later(o); o.object_refs = [org.id]; o.explanation = "planted"; }) },
          { name: "assessment over an assessment", obj: reauthored(opinion, eve, (o) => { later(o); o.explanation = "planted"; }) },
          { name: "identity over an identity", obj: reauthored(org, eve, (o) => { later(o); o.name = "Eve's grid"; }) },
          { name: "identity over a party's identity", obj: reauthored({ ...org, id: a.id }, eve, (o) => { later(o); o.name = "Alpha (planted)"; }) },
          { name: "note over a note", obj: reauthored(note, eve, (o) => { later(o); o.content = "planted"; }) },
          { name: "plain grouping over a board", obj: reauthored(boardRecord, eve, (o) => { delete o.extensions; o.object_marking_refs = [tlpMarkingId("CLEAR")]; later(o); }) },
        ];
        // Collected, then compared whole: before the fix every one of them was admitted.
        const got: string[] = [];
        for (const { name, obj } of attacks) {
          const res = await h.post(eve, obj);
          got.push(`${name}: ${res.statusCode} ${res.json().code ?? "admitted"}`);
          // TAXII: to the shared collection and to the victim's inbox, a failed status entry with the code.
          for (const collection of ["shared", `inbox-${a.slug}`]) {
            const s = await taxiiPost(h, eve, collection, [obj]);
            got.push(`${name} via ${collection}: ${s.failures?.[0]?.message.split(":")[0] ?? "admitted"}`);
          }
        }
        assert.deepEqual(
          got,
          attacks.flatMap(({ name }) => [`${name}: 403 RECORD_VERSION_NOT_AUTHOR`, ...["shared", `inbox-${a.slug}`].map((c) => `${name} via ${c}: RECORD_VERSION_NOT_AUTHOR`)]),
        );
        // The board API's signed-version route is one more door.
        const viaBoard = await h.node.app.inject({
          method: "POST",
          url: `/api/v1/boards/${boardRecord.id}/versions`,
          headers: { authorization: `Bearer ${eve.token}` },
          payload: reauthored(boardRecord, eve, (o) => later(o)),
        });
        assert.ok(viaBoard.statusCode === 403 || viaBoard.statusCode === 409, viaBoard.body);
        assert.equal(await h.logSize(), size, "nothing logged");

        // Every read path still serves the creator's versions only.
        for (const [who, obj] of [[a, red], [b, opinion], [a, org], [a, note], [desk, boardRecord]] as const) {
          const got = await h.get(who, `/api/v1/records/${obj.id}`);
          assert.equal(got.statusCode, 200);
          assert.equal(got.json().created_by_ref, obj.created_by_ref);
          assert.equal(got.json().modified, obj.modified);
        }
        const anon = await h.get(undefined, `/api/v1/records/${red.id}`);
        assert.equal(anon.statusCode, 404, "the RED warning stays unreadable to anyone outside its audience");
      } finally {
        await h.close();
      }
    });

    test("a later version of another kind is refused even from the creator; the kind is fixed by the first version", async () => {
      const clock = new TestClock(Date.parse("2025-05-01T09:00:00.000Z"));
      const h = await engine.start(clock);
      try {
        const a = await h.party("alpha");
        const b = await h.party("bravo");
        const t0 = clock.now();
        const w = buildWarning(a, { at: t0, name: "Strike", recipients: [b.id], windowStart: t0, windowEnd: t0 + DAY, probability: 0.5, tlp: "RED" });
        assert.equal((await h.post(a, w)).statusCode, 201);
        clock.advance(MIN);
        const size = await h.logSize();
        const asOther = reauthored(w, a, (o) => { delete o.extensions; later(o); });
        const res = await h.post(a, asOther);
        assert.equal(res.statusCode, 409, res.body);
        assert.equal(res.json().code, "RECORD_VERSION_KIND_CHANGED");
        // Within one batch: a plain report, then a warning under the same id.
        const plain = reauthored(w, a, (o) => { delete o.extensions; o.id = `report--${randomUUID()}`; });
        const promoted = reauthored(w, a, (o) => { o.id = plain.id; later(o); });
        const batch = await h.post(a, [plain, promoted]);
        assert.equal(batch.statusCode, 409, batch.body);
        assert.equal(batch.json().code, "RECORD_VERSION_KIND_CHANGED");
        assert.equal(batch.json().details.record, 1);
        assert.equal(await h.logSize(), size, "nothing logged");
        // The creator's own next version of the same kind is still fine.
        const v2 = reauthored(w, a, (o) => later(o));
        assert.equal((await h.post(a, v2)).statusCode, 201);
      } finally {
        await h.close();
      }
    });
  });
}
