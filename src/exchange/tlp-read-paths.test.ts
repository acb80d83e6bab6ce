import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StixObject } from "../core/record/index.js";
import { buildAssessment, buildReceipt, buildWarning, sign } from "../client/record-builders.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";

/*
 * TLP 2.0 on every read path of the records API, end to end over the real app: each marking × each
 * kind of reader × each path. The expected answers are written out below as a table; a record the
 * reader may not see must be indistinguishable from one that does not exist (404 RECORD_NOT_FOUND,
 * the same problem document) and must not be listed.
 */

// Marking ids written out literally, so a wrong id in the product fails here.
const TLP2 = {
  CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};
const TLP1 = {
  WHITE: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
  GREEN: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
  AMBER: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
  RED: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
};

/** Each warning's object_marking_refs (none: unmarked). */
const MARKINGS = {
  CLEAR: [TLP2.CLEAR],
  GREEN: [TLP2.GREEN],
  AMBER: [TLP2.AMBER],
  "AMBER+STRICT": [TLP2.AMBER_STRICT],
  RED: [TLP2.RED],
  unmarked: [],
  "TLP1 WHITE": [TLP1.WHITE],
  "TLP1 GREEN": [TLP1.GREEN],
  "TLP1 AMBER": [TLP1.AMBER],
  "TLP1 RED": [TLP1.RED],
  "GREEN and RED": [TLP2.GREEN, TLP2.RED],
} as const satisfies Record<string, readonly string[]>;
type Marking = keyof typeof MARKINGS;

/*
 * The readers, relative to a warning from `author` to `recipient`:
 *   author     wrote the warning
 *   recipient  is named in recipient_refs
 *   unit       a unit of the recipient's organisation            (party created with organisation: recipient)
 *   client     a client of the recipient's organisation          (clientOf: [recipient])
 *   community  shares community "c1" with the recipient          (communities: ["c1"] on both)
 *   stranger   an authenticated party with no relation to anyone
 *   anonymous  no Authorization header
 */
const READERS = ["author", "recipient", "unit", "client", "community", "stranger", "anonymous"] as const;
type ReaderName = (typeof READERS)[number];

const Y = "200"; // readable (and listed)
const N = "404"; // RECORD_NOT_FOUND (and not listed)
type Outcome = typeof Y | typeof N;
const TAXII_SHARED = "/taxii2/exchange/collections/shared/objects/";

// prettier-ignore
const EXPECTED: readonly (readonly [Marking, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome])[] = [
  // marking            author recipient unit client community stranger anonymous
  ["CLEAR",              Y,     Y,        Y,   Y,     Y,        Y,       Y],
  ["GREEN",              Y,     Y,        Y,   Y,     Y,        N,       N],
  ["AMBER",              Y,     Y,        Y,   Y,     N,        N,       N],
  ["AMBER+STRICT",       Y,     Y,        Y,   N,     N,        N,       N],
  ["RED",                Y,     Y,        N,   N,     N,        N,       N],
  ["unmarked",           Y,     Y,        Y,   N,     N,        N,       N], // = AMBER+STRICT
  ["TLP1 WHITE",         Y,     Y,        Y,   Y,     Y,        Y,       Y], // = CLEAR
  ["TLP1 GREEN",         Y,     Y,        Y,   Y,     Y,        N,       N], // = GREEN
  ["TLP1 AMBER",         Y,     Y,        Y,   Y,     N,        N,       N], // = AMBER
  ["TLP1 RED",           Y,     Y,        N,   N,     N,        N,       N], // = RED
  ["GREEN and RED",      Y,     Y,        N,   N,     N,        N,       N], // the stricter: RED
];

function expectedRow(marking: Marking): Record<ReaderName, Outcome> {
  const row = EXPECTED.find((r) => r[0] === marking);
  assert.ok(row, `a row for ${marking}`);
  return Object.fromEntries(READERS.map((r, i) => [r, row[i + 1]])) as Record<ReaderName, Outcome>;
}

/*
 * The read paths. Every one answers the same table:
 *   record           GET /api/v1/records/{warning}
 *   record@version   GET /api/v1/records/{warning}?version={modified}
 *   proof            GET /api/v1/records/{warning}/proof
 *   listed           GET /api/v1/warnings — is the warning in the list? (200 = listed, 404 = absent)
 *   receipt          GET /api/v1/records/{receipt}         the recipient's receipt, marked like the warning
 *   receipt proof    GET /api/v1/records/{receipt}/proof
 *   clear assessment GET /api/v1/records/{assessment}      the recipient's assessment, marked TLP:CLEAR:
 *                    a related record takes the stricter of its own and the warning's marking, so it
 *                    can never widen the warning's audience
 *   taxii object     GET /taxii2/exchange/collections/shared/objects/{warning}/
 *   taxii versions   GET /taxii2/exchange/collections/shared/objects/{warning}/versions/
 *   taxii listed     is the warning in GET …/shared/objects/ (200 = listed, 404 = absent)?
 *   taxii receipt    GET …/shared/objects/{receipt}/
 */
const PATHS = ["record", "record@version", "proof", "listed", "receipt", "receipt proof", "clear assessment", "taxii object", "taxii versions", "taxii listed", "taxii receipt"] as const;
type PathName = (typeof PATHS)[number];

interface Case {
  readonly warning: StixObject;
  readonly receipt: StixObject;
  readonly assessment: StixObject;
}

/** The object, unsigned, with the given marking refs (none: unmarked), then signed by its author. */
function marked<T extends StixObject>(unsigned: T, refs: readonly string[], author: TestParty): T {
  const obj = structuredClone(unsigned);
  delete obj.object_marking_refs;
  if (refs.length > 0) (obj as StixObject).object_marking_refs = [...refs];
  return sign(obj, author);
}

describe("TLP on every read path: marking × reader × path", () => {
  const t0 = Date.parse("2024-07-01T10:00:00.000Z");
  let h: NodeHarness;
  const readers = {} as Record<ReaderName, TestParty | undefined>;
  const cases = new Map<Marking, Case>();
  let listed: Record<ReaderName, Set<string>>;
  let taxiiListed: Record<ReaderName, Set<string>>;

  before(async () => {
    h = await NodeHarness.start({ clock: new TestClock(t0) });
    const recipient = await h.party("recipient", { communities: ["c1"] });
    readers.recipient = recipient;
    readers.author = await h.party("author");
    readers.unit = await h.party("recipient-unit", { organisation: recipient.slug });
    readers.client = await h.party("recipient-client", { clientOf: [recipient.slug] });
    readers.community = await h.party("community-peer", { communities: ["c1"] });
    readers.stranger = await h.party("stranger");
    readers.anonymous = undefined;
    const author = readers.author;

    for (const marking of Object.keys(MARKINGS) as Marking[]) {
      const refs = MARKINGS[marking];
      const now = h.clock.now();
      const unsigned = buildWarning({ id: author.id }, { at: now, name: `A ${marking} warning`, recipients: [recipient.id], windowStart: now, windowEnd: now + 86_400_000, probability: 0.5 });
      const warning = marked(unsigned, refs, author);
      assert.deepEqual(warning.object_marking_refs ?? [], [...refs]);
      const w = await h.post(author, warning);
      assert.equal(w.statusCode, 201, `${marking}: ${w.body}`);
      cases.set(marking, { warning, receipt: undefined as never, assessment: undefined as never });
    }
    h.clock.advance(60_000);
    for (const [marking, c] of cases) {
      const receipt = marked(buildReceipt({ id: recipient.id }, c.warning, h.clock.now()), MARKINGS[marking], recipient);
      const r = await h.post(recipient, receipt);
      assert.equal(r.statusCode, 201, `${marking} receipt: ${r.body}`);
      cases.set(marking, { ...c, receipt });
    }
    h.clock.advance(60_000);
    for (const [marking, c] of cases) {
      const assessment = buildAssessment(recipient, c.warning.id, h.clock.now(), "agree", "Credible.", "CLEAR");
      const r = await h.post(recipient, assessment);
      assert.equal(r.statusCode, 201, `${marking} assessment: ${r.body}`);
      cases.set(marking, { ...c, assessment });
    }

    listed = {} as Record<ReaderName, Set<string>>;
    taxiiListed = {} as Record<ReaderName, Set<string>>;
    for (const name of READERS) {
      const res = await h.get(readers[name], "/api/v1/warnings");
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      listed[name] = new Set(res.json().warnings.map((w: { id: string }) => w.id));
      const t = await h.get(readers[name], `${TAXII_SHARED}?match[type]=report`);
      assert.equal(t.statusCode, 200, `${name}: ${t.body}`);
      taxiiListed[name] = new Set((t.json().objects ?? []).map((w: { id: string }) => w.id));
    }
  });
  after(async () => {
    await h.close();
  });

  /** A missing record's problem for this reader and path, with the requested id replaced by a placeholder. */
  async function missingProblem(who: TestParty | undefined, type: string, proof: boolean) {
    const ghost = `${type}--00000000-0000-4000-8000-000000000000`;
    const res = await h.get(who, `/api/v1/records/${ghost}${proof ? "/proof" : ""}`);
    assert.equal(res.statusCode, 404);
    return { contentType: res.headers["content-type"], body: res.body.split(ghost).join("<id>") };
  }

  /** One GET: 200, or a 404 byte-for-byte like the one for a record that does not exist. */
  async function outcome(who: TestParty | undefined, id: string, suffix: "" | "/proof", query = ""): Promise<Outcome> {
    const res = await h.get(who, `/api/v1/records/${id}${suffix}${query}`);
    if (res.statusCode === 200) {
      assert.equal(res.json().id, id);
      return Y;
    }
    assert.equal(res.statusCode, 404, `${id}${suffix}: ${res.body}`);
    assert.equal(res.json().code, "RECORD_NOT_FOUND");
    const missing = await missingProblem(who, id.split("--")[0]!, suffix === "/proof");
    assert.equal(res.headers["content-type"], missing.contentType);
    // Each answer names its own request id; apart from that, byte for byte the same.
    const sameBut = (body: string) => body.replace(/"request_id":"[0-9a-f-]{36}"/, '"request_id":"<request_id>"');
    assert.equal(sameBut(res.body.split(id).join("<id>")), sameBut(missing.body), "indistinguishable from a record that does not exist");
    return N;
  }

  /** A TAXII GET: 200, or a 404 error resource like the one for an object that does not exist (error_id aside). */
  async function taxiiOutcome(who: TestParty | undefined, id: string, suffix: "" | "versions/"): Promise<Outcome> {
    const res = await h.get(who, `${TAXII_SHARED}${id}/${suffix}`);
    if (res.statusCode === 200) return Y;
    assert.equal(res.statusCode, 404, `${id}: ${res.body}`);
    const ghost = `${id.split("--")[0]}--00000000-0000-4000-8000-000000000000`;
    const missing = await h.get(who, `${TAXII_SHARED}${ghost}/${suffix}`);
    const strip = (body: string, oid: string) => ({ ...JSON.parse(body.split(oid).join("<id>")), error_id: "<error_id>" });
    assert.equal(res.headers["content-type"], missing.headers["content-type"]);
    assert.deepEqual(strip(res.body, id), strip(missing.body, ghost), "indistinguishable from an object that does not exist");
    return N;
  }

  async function observe(marking: Marking): Promise<Record<PathName, Record<ReaderName, Outcome>>> {
    const c = cases.get(marking)!;
    const out = {} as Record<PathName, Record<ReaderName, Outcome>>;
    for (const path of PATHS) out[path] = {} as Record<ReaderName, Outcome>;
    for (const name of READERS) {
      const who = readers[name];
      out.record[name] = await outcome(who, c.warning.id, "");
      out["record@version"][name] = await outcome(who, c.warning.id, "", `?version=${encodeURIComponent(c.warning.modified!)}`);
      out.proof[name] = await outcome(who, c.warning.id, "/proof");
      out.listed[name] = listed[name].has(c.warning.id) ? Y : N;
      out.receipt[name] = await outcome(who, c.receipt.id, "");
      out["receipt proof"][name] = await outcome(who, c.receipt.id, "/proof");
      out["clear assessment"][name] = await outcome(who, c.assessment.id, "");
      out["taxii object"][name] = await taxiiOutcome(who, c.warning.id, "");
      out["taxii versions"][name] = await taxiiOutcome(who, c.warning.id, "versions/");
      out["taxii listed"][name] = taxiiListed[name].has(c.warning.id) ? Y : N;
      out["taxii receipt"][name] = await taxiiOutcome(who, c.receipt.id, "");
    }
    return out;
  }

  for (const [marking] of EXPECTED) {
    test(`${marking}: every read path answers the table`, async () => {
      const expected = expectedRow(marking);
      const actual = await observe(marking);
      assert.deepEqual(actual, Object.fromEntries(PATHS.map((p) => [p, expected])));
    });
  }

  test("the table covers every marking, and nobody's list holds a warning the table denies them", () => {
    assert.deepEqual(EXPECTED.map((r) => r[0]).sort(), (Object.keys(MARKINGS) as Marking[]).sort());
    for (const name of READERS) {
      const allowed = new Set(EXPECTED.filter((r) => expectedRow(r[0])[name] === Y).map((r) => cases.get(r[0])!.warning.id));
      assert.deepEqual([...listed[name]].sort(), [...allowed].sort(), `${name}'s list`);
    }
  });

  test("a reader filtering the list by recipient still sees only what it may", async () => {
    for (const name of READERS) {
      const res = await h.get(readers[name], "/api/v1/warnings?recipient=recipient");
      assert.equal(res.statusCode, 200);
      const ids = new Set(res.json().warnings.map((w: { id: string }) => w.id));
      assert.deepEqual(ids, listed[name], name);
    }
  });
});
