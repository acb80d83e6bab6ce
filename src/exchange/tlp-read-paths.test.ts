import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StixObject } from "../core/record/index.js";
import { buildAction, buildAssessment, buildReceipt, buildResolution, buildWarning, sign } from "../client/record-builders.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";

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

/*
 * Audiences are fixed when written (docs/lifecycle.md, "Who may read what about a warning"). A TLP:RED
 * warning W goes from S to R and D (v1); R receives and assesses v1; S then sends v2 to R and L (D,
 * who had nothing on record, is dropped; L is added). R receives v2 and records an action, L receives
 * v2, S resolves. A record about W is readable by the audience of the version it answered (a receipt:
 * the version it names; anything else: the latest version logged before it), and each version by its
 * own audience. So L, added later, may not read v1 nor R's v1 receipt and assessment on any read path;
 * D, dropped later, keeps v1 and what answered v1 but reads nothing after.
 */
for (const engine of ["sqlite", "postgres"] as const)
describe(`audiences are fixed when written: a recipient added later does not read what answered earlier versions (${engine})`, () => {
  const t0 = Date.parse("2024-08-01T10:00:00.000Z");
  let h: NodeHarness;
  let db: TestDatabase | undefined;
  let S: TestParty, R: TestParty, D: TestParty, L: TestParty;
  const ids = {} as Record<"v1" | "v2" | "rReceipt1" | "rAssessment1" | "rReceipt2" | "lReceipt2" | "rAction" | "resolution", string>;
  let v1: StixObject, v2: StixObject;
  const TAXII = "/taxii2/exchange/collections";

  before(async () => {
    db = engine === "postgres" ? await createTestDatabase("audience") : undefined;
    h = await NodeHarness.start({ clock: new TestClock(t0), ...(db ? { config: { db: db.url } } : {}) });
    S = await h.party("sender");
    R = await h.party("early");
    D = await h.party("dropped");
    L = await h.party("late");
    const ok = async (who: TestParty, obj: StixObject, what: string) => {
      const res = await h.post(who, obj);
      assert.equal(res.statusCode, 201, `${what}: ${res.body}`);
      return obj.id;
    };
    const now = h.clock.now();
    v1 = buildWarning(S, { at: now, name: "Attack on the depot", description: "v1 for R and D only", recipients: [R.id, D.id], windowStart: now, windowEnd: now + 86_400_000, probability: 0.6, tlp: "RED" });
    ids.v1 = await ok(S, v1, "v1");
    h.clock.advance(60_000);
    ids.rReceipt1 = await ok(R, buildReceipt(R, v1, h.clock.now(), "RED"), "R's receipt of v1");
    h.clock.advance(60_000);
    ids.rAssessment1 = await ok(R, buildAssessment(R, v1.id, h.clock.now(), "strongly-disagree", "A provocation meant for R's eyes only.", "RED"), "R's assessment");
    h.clock.advance(60_000);
    const unsigned = structuredClone(v1) as StixObject & { extensions: Record<string, any> };
    unsigned.modified = new Date(h.clock.now()).toISOString();
    // v2 says something of its own: the report shows each version's description, and v1's is not L's to read.
    unsigned.description = "v2 for R and L";
    for (const ext of Object.values(unsigned.extensions)) if (ext.recipient_refs) ext.recipient_refs = [R.id, L.id];
    v2 = sign(unsigned, S);
    ids.v2 = await ok(S, v2, "v2");
    assert.equal(v2.id, v1.id);
    h.clock.advance(60_000);
    ids.rReceipt2 = await ok(R, buildReceipt(R, v2, h.clock.now(), "RED"), "R's receipt of v2");
    ids.lReceipt2 = await ok(L, buildReceipt(L, v2, h.clock.now(), "RED"), "L's receipt of v2");
    h.clock.advance(60_000);
    ids.rAction = await ok(R, buildAction(R, v1.id, h.clock.now(), { name: "Close the depot gates", status: "done", tlp: "RED" }), "R's action");
    h.clock.advance(60_000);
    ids.resolution = await ok(S, buildResolution(S, v1.id, h.clock.now(), { outcome: "prevented", content: "Gates closed in time.", tlp: "RED" }), "the resolution");
  });
  after(async () => {
    await h.close();
    await db?.drop();
  });

  /** What each reader should see of the records about W (v1/v2 are the warning's versions). */
  const SEES: Record<"S" | "R" | "D" | "L", readonly (keyof typeof ids)[]> = {
    L: ["v2", "rReceipt2", "lReceipt2", "rAction", "resolution"],
    D: ["v1", "rReceipt1", "rAssessment1"],
    S: ["v1", "rReceipt1", "rAssessment1", "v2", "rReceipt2", "lReceipt2", "rAction", "resolution"],
    R: ["v1", "rReceipt1", "rAssessment1", "v2", "rReceipt2", "lReceipt2", "rAction", "resolution"],
  };
  const who = (name: keyof typeof SEES): TestParty => ({ S, R, D, L })[name];
  /** The readable keys among `keys`, given a per-record probe. */
  async function seen(keys: readonly (keyof typeof ids)[], probe: (k: keyof typeof ids) => Promise<boolean>) {
    const out: string[] = [];
    for (const k of keys) if (await probe(k)) out.push(k);
    return out;
  }
  const ALL = ["v1", "rReceipt1", "rAssessment1", "v2", "rReceipt2", "lReceipt2", "rAction", "resolution"] as const;
  const versionOf = (k: keyof typeof ids) => (k === "v1" ? v1.modified! : k === "v2" ? v2.modified! : undefined);

  test("GET /api/v1/records/<id> (?version= for the warning's versions)", async () => {
    for (const name of Object.keys(SEES) as (keyof typeof SEES)[]) {
      const got = await seen(ALL, async (k) => {
        const v = versionOf(k);
        const res = await h.get(who(name), `/api/v1/records/${ids[k]}${v ? `?version=${encodeURIComponent(v)}` : ""}`);
        assert.ok(res.statusCode === 200 || res.statusCode === 404, res.body);
        return res.statusCode === 200;
      });
      assert.deepEqual(got, SEES[name].slice().sort((a, b) => ALL.indexOf(a) - ALL.indexOf(b)), `${name} reads`);
    }
  });

  test("TAXII shared and inbox collections: objects, manifest, versions, object", async () => {
    const index = new Map<string, keyof typeof ids>();
    for (const k of ALL) if (k !== "v1" && k !== "v2") index.set(ids[k], k);
    const keysOf = (objs: { id: string; modified?: string; version?: string }[]) =>
      objs.map((o) => (o.id === v1.id ? ((o.modified ?? o.version) === v1.modified ? "v1" : "v2") : index.get(o.id)!)).sort((a, b) => ALL.indexOf(a) - ALL.indexOf(b));
    for (const name of Object.keys(SEES) as (keyof typeof SEES)[]) {
      const want = SEES[name].slice().sort((a, b) => ALL.indexOf(a) - ALL.indexOf(b));
      const objects = await h.get(who(name), `${TAXII}/shared/objects/?match[version]=all`);
      assert.equal(objects.statusCode, 200, objects.body);
      assert.deepEqual(keysOf(objects.json().objects ?? []), want, `${name}: shared objects`);
      const manifest = await h.get(who(name), `${TAXII}/shared/manifest/?match[version]=all`);
      assert.deepEqual(keysOf(manifest.json().objects ?? []), want, `${name}: shared manifest`);
      const versions = await h.get(who(name), `${TAXII}/shared/objects/${v1.id}/versions/`);
      const wantVersions = want.filter((k) => k === "v1" || k === "v2").map((k) => versionOf(k));
      assert.deepEqual(versions.statusCode === 200 ? versions.json().versions : [], wantVersions, `${name}: versions`);
      for (const k of ["rReceipt1", "rAssessment1"] as const) {
        const one = await h.get(who(name), `${TAXII}/shared/objects/${ids[k]}/`);
        assert.equal(one.statusCode, want.includes(k) ? 200 : 404, `${name}: shared object ${k}`);
      }
      // The inbox holds what others addressed to the party, under the same rule.
      const inbox = await h.get(who(name), `${TAXII}/inbox-${who(name).slug}/objects/?match[version]=all`);
      assert.equal(inbox.statusCode, 200, inbox.body);
      const inboxKeys = keysOf(inbox.json().objects ?? []);
      for (const k of inboxKeys) assert.ok(want.includes(k), `${name}: inbox holds ${k}`);
      const inboxManifest = await h.get(who(name), `${TAXII}/inbox-${who(name).slug}/manifest/?match[version]=all`);
      assert.deepEqual(keysOf(inboxManifest.json().objects ?? []), inboxKeys, `${name}: inbox manifest`);
    }
    const lInbox = await h.get(L, `${TAXII}/inbox-late/objects/?match[version]=all`);
    assert.deepEqual(keysOf(lInbox.json().objects), ["v2", "rReceipt2", "rAction", "resolution"]);
  });

  test("the timeline API", async () => {
    for (const name of Object.keys(SEES) as (keyof typeof SEES)[]) {
      const res = await h.get(who(name), `/api/v1/warnings/${v1.id}/timeline`);
      if (name === "D") {
        // The timeline is the latest version's: D, dropped by v2, is told the warning does not exist.
        assert.equal(res.statusCode, 404, res.body);
        continue;
      }
      assert.equal(res.statusCode, 200, res.body);
      const entries = res.json().entries as { id: string; modified?: string }[];
      const index = new Map<string, string>(ALL.filter((k) => k !== "v1" && k !== "v2").map((k) => [ids[k], k]));
      const keys = entries.map((e) => (e.id === v1.id ? (e.modified === v1.modified ? "v1" : "v2") : index.get(e.id)!));
      assert.deepEqual(keys, SEES[name], `${name}'s timeline`);
    }
  });

  test("the warnings list shows the late recipient no row built from records it may not read", async () => {
    const rowsOf = async (p: TestParty) => {
      const res = await h.get(p, "/api/v1/warnings");
      assert.equal(res.statusCode, 200, res.body);
      const w = (res.json().warnings as { id: string; recipients: { party: string }[] }[]).find((x) => x.id === v1.id);
      return w?.recipients.map((r) => r.party);
    };
    assert.deepEqual(await rowsOf(S), [R.id, L.id]);
    assert.deepEqual(await rowsOf(R), [R.id, L.id]);
    assert.deepEqual(await rowsOf(L), [L.id], "R's row (received, assessed) rests on R's v1 receipt and assessment");
    assert.equal(await rowsOf(D), undefined, "D may not read the latest version");
  });

  test("track records: the warning counts only for readers of every record about it", async () => {
    for (const [name, counts] of [["S", 1], ["R", 1], ["L", 0], ["D", 0]] as const) {
      const res = await h.get(who(name), `/api/v1/parties/${S.id}/track-record`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().basis.warnings, counts, `${name}'s view of S's track record`);
    }
  });

  test("the bundle API withholds what the reader may not read", async () => {
    const index = new Map<string, string>(ALL.filter((k) => k !== "v1" && k !== "v2").map((k) => [ids[k], k]));
    for (const name of ["S", "R", "L"] as const) {
      const res = await h.get(who(name), `/api/v1/warnings/${v1.id}/bundle`);
      assert.equal(res.statusCode, 200, res.body);
      const bundle = res.json() as { records: { record: { id: string; modified: string } }[]; withheld?: unknown[] };
      const keys = bundle.records.map(({ record: r }) => (r.id === v1.id ? (r.modified === v1.modified ? "v1" : "v2") : index.get(r.id)!));
      assert.deepEqual(keys, SEES[name], `${name}'s bundle`);
      assert.equal((bundle.withheld ?? []).length, ALL.length - SEES[name].length, `${name}: the rest is withheld`);
    }
  });

  test("bundle export --as withholds, and the HTML report leaves out, what the reader may not read", async () => {
    const { main } = await import("../cli/main.js");
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "tocsin-audience-"));
    // The operator's commands read the node where it keeps its data: the directory (log key), and on PostgreSQL the database.
    const node = ["--data", h.dir, ...(db ? ["--db", db.url] : [])];
    try {
      for (const name of ["S", "R", "L"] as const) {
        const file = join(dir, `${name}.json`);
        assert.equal(await main(["export-bundle", "--warning", v1.id, "--out", file, "--as", who(name).slug, ...node], () => {}), 0);
        const bundle = JSON.parse(readFileSync(file, "utf8")) as { records: { record: { id: string; modified: string } }[]; withheld?: unknown[] };
        const index = new Map<string, string>(ALL.filter((k) => k !== "v1" && k !== "v2").map((k) => [ids[k], k]));
        const keys = bundle.records.map(({ record: r }) => (r.id === v1.id ? (r.modified === v1.modified ? "v1" : "v2") : index.get(r.id)!));
        assert.deepEqual(keys, SEES[name], `${name}'s bundle`);
        assert.equal((bundle.withheld ?? []).length, ALL.length - SEES[name].length, `${name}: the rest is withheld`);
      }
      const lines: string[] = [];
      assert.equal(await main(["report", "--warning", v1.id, "--format", "html", "--as", "late", ...node], (s) => void lines.push(s)), 0);
      const html = lines.join("");
      assert.match(html, /Close the depot gates/, "L's report shows R's action, which answered v2");
      assert.doesNotMatch(html, /A provocation meant for R/, "L's report must not show R's v1 assessment");
      assert.doesNotMatch(html, /v1 for R and D only/);
      const rLines: string[] = [];
      assert.equal(await main(["report", "--warning", v1.id, "--format", "html", "--as", "early", ...node], (s) => void rLines.push(s)), 0);
      assert.match(rLines.join(""), /A provocation meant for R/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("audiences are fixed when written: stricter markings and a marking tightened by a later version", () => {
  /*
   * The warnings list shows each recipient's stage, which rests on its records: a row (or a resolved
   * state) built from a record the reader may not read would reveal that record. R's unit U reads the
   * TLP:AMBER warning but not R's TLP:RED receipt nor the sender's TLP:RED resolution.
   */
  test("the warnings list shows no row or outcome resting on a record the reader may not read", async () => {
    const t0 = Date.parse("2024-09-02T10:00:00.000Z");
    const h = await NodeHarness.start({ clock: new TestClock(t0) });
    try {
      const S = await h.party("sender3");
      const R = await h.party("recipient3");
      const V = await h.party("other3");
      const U = await h.party("recipient3-unit", { organisation: R.slug });
      const now = h.clock.now();
      const w = buildWarning(S, { at: now, name: "AMBER", recipients: [R.id, V.id], windowStart: now, windowEnd: now + 86_400_000, probability: 0.3, tlp: "AMBER" });
      assert.equal((await h.post(S, w)).statusCode, 201);
      h.clock.advance(60_000);
      assert.equal((await h.post(R, buildReceipt(R, w, h.clock.now(), "RED"))).statusCode, 201);
      const rows = async (who: TestParty) => {
        const res = await h.get(who, "/api/v1/warnings");
        assert.equal(res.statusCode, 200, res.body);
        return (res.json().warnings as { id: string; recipients: { party: string; state: string }[] }[]).find((x) => x.id === w.id)?.recipients.map((r) => `${r.party === R.id ? "R" : "V"}:${r.state}`);
      };
      assert.deepEqual(await rows(S), ["R:received", "V:issued"]);
      assert.deepEqual(await rows(U), ["V:issued"], "R's row rests on R's RED receipt");
      h.clock.advance(60_000);
      assert.equal((await h.post(S, buildResolution(S, w.id, h.clock.now(), { outcome: "did-not-materialize", content: "Quiet.", tlp: "RED" }))).statusCode, 201);
      assert.deepEqual(await rows(S), ["R:resolved", "V:resolved"]);
      assert.equal(await rows(U), undefined, "every row would reveal the RED resolution");
      assert.equal((await h.get(U, `/api/v1/records/${w.id}`)).statusCode, 200, "the warning itself stays readable");
    } finally {
      await h.close();
    }
  });

  /*
   * v1 is TLP:GREEN to R; L shares a community with R, so it may read v1. R's receipt of v1 is marked
   * TLP:RED: for R and the sender only. v2 (TLP:RED) adds L. The receipt answered v1, so L still may
   * not read it, and the warning must not count in any track record L reads (its state would reveal
   * the receipt).
   */
  test("L reads both versions but not R's RED receipt of v1; the warning is left out of L's track records", async () => {
    const t0 = Date.parse("2024-09-01T10:00:00.000Z");
    const h = await NodeHarness.start({ clock: new TestClock(t0) });
    try {
      const S = await h.party("sender2");
      const R = await h.party("early2", { communities: ["c9"] });
      const L = await h.party("late2", { communities: ["c9"] });
      const now = h.clock.now();
      const v1 = buildWarning(S, { at: now, name: "GREEN first", recipients: [R.id], windowStart: now, windowEnd: now + 86_400_000, probability: 0.3, tlp: "GREEN" });
      assert.equal((await h.post(S, v1)).statusCode, 201);
      h.clock.advance(60_000);
      const receipt = buildReceipt(R, v1, h.clock.now(), "RED");
      assert.equal((await h.post(R, receipt)).statusCode, 201);
      h.clock.advance(60_000);
      const unsigned = structuredClone(v1) as StixObject & { extensions: Record<string, any> };
      unsigned.modified = new Date(h.clock.now()).toISOString();
      unsigned.object_marking_refs = [TLP2.RED];
      for (const ext of Object.values(unsigned.extensions)) if (ext.recipient_refs) ext.recipient_refs = [R.id, L.id];
      const v2 = sign(unsigned, S);
      assert.equal((await h.post(S, v2)).statusCode, 201);

      const status = async (who: TestParty, url: string) => (await h.get(who, url)).statusCode;
      assert.equal(await status(L, `/api/v1/records/${v1.id}?version=${encodeURIComponent(v1.modified!)}`), 200, "v1 is GREEN and L is in R's community");
      assert.equal(await status(L, `/api/v1/records/${v1.id}`), 200);
      assert.equal(await status(L, `/api/v1/records/${receipt.id}`), 404, "R's RED receipt answered v1, which did not name L");
      assert.equal(await status(L, `/taxii2/exchange/collections/shared/objects/${receipt.id}/`), 404);
      assert.equal(await status(S, `/api/v1/records/${receipt.id}`), 200);
      for (const [who, counts] of [[S, 1], [R, 1], [L, 0]] as const) {
        const res = await h.get(who, `/api/v1/parties/${S.id}/track-record`);
        assert.equal(res.json().basis.warnings, counts, `${who.slug}'s view of the sender's track record`);
      }
    } finally {
      await h.close();
    }
  });
});
