import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ANONYMOUS_READER,
  NODE_READER,
  audienceForRelatedRecord,
  buildPartyRelations,
  canRead,
  explainAccess,
  filterReadable,
  partyReader,
  tlpMarkingId,
} from "./index.js";
import type { AccessReason, Reader, RecordAudience, TlpLevel } from "./index.js";

const STATEMENT = "marking-definition--1bd25494-8cbb-42d5-aa78-e7d332a253d4";
const id = (name: string) => `identity--${name}`;

const AUTHOR = id("author"); // unit of AUTHOR_ORG
const AUTHOR_ORG = id("author-org");
const RECIPIENT = id("recipient"); // unit of RECIPIENT_ORG
const RECIPIENT_ORG = id("recipient-org");
const OTHER_RECIPIENT = id("other-recipient"); // its own organisation
const PEER = id("peer"); // unit of RECIPIENT_ORG
const CLIENT = id("client"); // client of RECIPIENT_ORG
const COMMUNITY = id("community"); // shares a community with OTHER_RECIPIENT
const STRANGER = id("stranger");

const relations = buildPartyRelations({
  organisations: { [AUTHOR]: AUTHOR_ORG, [RECIPIENT]: RECIPIENT_ORG, [PEER]: RECIPIENT_ORG },
  clients: { [RECIPIENT_ORG]: [CLIENT] },
  communities: { sector: [OTHER_RECIPIENT, COMMUNITY] },
});

const audience = (level: TlpLevel | undefined, recipients = [RECIPIENT, OTHER_RECIPIENT]): RecordAudience => ({
  author: AUTHOR,
  recipients,
  markingRefs: level === undefined ? [] : [tlpMarkingId(level)],
});

test("explainAccess names the deciding rule", () => {
  const cases: ReadonlyArray<readonly [Reader, TlpLevel | undefined, boolean, AccessReason]> = [
    [NODE_READER, "RED", true, "node"],
    [partyReader(AUTHOR), "RED", true, "author"],
    [partyReader(AUTHOR), "CLEAR", true, "author"],
    [ANONYMOUS_READER, "CLEAR", true, "clear-public"],
    [partyReader(STRANGER), "CLEAR", true, "clear-public"],
    [ANONYMOUS_READER, "GREEN", false, "anonymous-clear-only"],
    [ANONYMOUS_READER, undefined, false, "anonymous-clear-only"],
    [partyReader(OTHER_RECIPIENT), "RED", true, "recipient"],
    [partyReader(PEER), "RED", false, "red-named-only"],
    [partyReader(AUTHOR_ORG), "RED", false, "red-named-only"],
    [partyReader(PEER), "AMBER+STRICT", true, "same-organisation"],
    [partyReader(AUTHOR_ORG), undefined, true, "same-organisation"],
    [partyReader(CLIENT), "AMBER+STRICT", false, "amber-strict-organisation-only"],
    [partyReader(CLIENT), "AMBER", true, "client-of-organisation"],
    [partyReader(COMMUNITY), "AMBER", false, "amber-organisation-and-clients-only"],
    [partyReader(COMMUNITY), "GREEN", true, "shared-community"],
    [partyReader(STRANGER), "GREEN", false, "green-community-only"],
  ];
  for (const [reader, level, allowed, reason] of cases) {
    const d = explainAccess(reader, audience(level), relations);
    assert.deepEqual(
      d,
      { allowed, level: level ?? "AMBER+STRICT", explicit: level !== undefined, reason },
      `${JSON.stringify(reader)} at ${level ?? "unmarked"}`,
    );
  }
});

test("a reader outside the type system is refused (fail closed)", () => {
  const odd = [{ kind: "admin" }, { kind: "party" }, { kind: "party", id: 7 }, {}, null] as unknown as Reader[];
  for (const reader of odd) {
    const d = explainAccess(reader, audience("CLEAR"), relations);
    assert.equal(d.allowed, false, JSON.stringify(reader));
    assert.equal(d.reason, "unknown-reader");
  }
});

test("a recipient that is an organisation: its units read at AMBER+STRICT, not at RED", () => {
  const a = (level: TlpLevel) => audience(level, [RECIPIENT_ORG]);
  assert.ok(canRead(partyReader(RECIPIENT_ORG), a("RED"), relations));
  assert.equal(canRead(partyReader(RECIPIENT), a("RED"), relations), false);
  assert.ok(canRead(partyReader(RECIPIENT), a("AMBER+STRICT"), relations));
  assert.ok(canRead(partyReader(CLIENT), a("AMBER"), relations));
});

test("no recipients: the author's organisation (and its clients, communities) still count", () => {
  const r = buildPartyRelations({
    organisations: { [AUTHOR]: AUTHOR_ORG },
    clients: { [AUTHOR_ORG]: [CLIENT] },
    communities: { police: [AUTHOR_ORG, COMMUNITY] },
  });
  const a = (level: TlpLevel) => audience(level, []);
  assert.ok(canRead(partyReader(AUTHOR_ORG), a("AMBER+STRICT"), r));
  assert.equal(canRead(partyReader(CLIENT), a("AMBER+STRICT"), r), false);
  assert.ok(canRead(partyReader(CLIENT), a("AMBER"), r));
  assert.equal(canRead(partyReader(COMMUNITY), a("AMBER"), r), false);
  assert.ok(canRead(partyReader(COMMUNITY), a("GREEN"), r));
  assert.equal(canRead(partyReader(AUTHOR_ORG), a("RED"), r), false);
});

test("filterReadable keeps the readable items in order", () => {
  const items = (["CLEAR", "RED", "GREEN", undefined, "AMBER", "AMBER+STRICT", "CLEAR"] as const).map((level, i) => ({
    i,
    audience: audience(level),
  }));
  const pick = (reader: Reader) => filterReadable(reader, items, (t) => t.audience, relations).map((t) => t.i);
  assert.deepEqual(pick(ANONYMOUS_READER), [0, 6]);
  assert.deepEqual(pick(partyReader(STRANGER)), [0, 6]);
  assert.deepEqual(pick(partyReader(COMMUNITY)), [0, 2, 6]);
  assert.deepEqual(pick(partyReader(CLIENT)), [0, 2, 4, 6]);
  assert.deepEqual(pick(partyReader(PEER)), [0, 2, 3, 4, 5, 6]);
  assert.deepEqual(pick(partyReader(RECIPIENT)), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(pick(NODE_READER), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(filterReadable(NODE_READER, [], (t: never) => t, relations), []);
});

test("audienceForRelatedRecord: the warning's recipients plus its author, under the stricter marking", () => {
  const warning: RecordAudience = { author: AUTHOR, recipients: [RECIPIENT, OTHER_RECIPIENT], markingRefs: [tlpMarkingId("RED")] };
  // A receipt by RECIPIENT, marked GREEN by mistake: it stays RED.
  const receipt = audienceForRelatedRecord(warning, { author: RECIPIENT, markingRefs: [tlpMarkingId("GREEN"), STATEMENT] });
  assert.deepEqual(receipt, { author: RECIPIENT, recipients: [RECIPIENT, OTHER_RECIPIENT, AUTHOR], markingRefs: [tlpMarkingId("RED")] });
  for (const p of [RECIPIENT, OTHER_RECIPIENT, AUTHOR]) assert.ok(canRead(partyReader(p), receipt, relations), p);
  for (const p of [PEER, AUTHOR_ORG, CLIENT, COMMUNITY]) assert.equal(canRead(partyReader(p), receipt, relations), false, p);

  // A stricter related record stays stricter than its warning.
  const green: RecordAudience = { ...warning, markingRefs: [tlpMarkingId("GREEN")] };
  assert.deepEqual(audienceForRelatedRecord(green, { author: RECIPIENT, markingRefs: [tlpMarkingId("AMBER")] }).markingRefs, [
    tlpMarkingId("AMBER"),
  ]);
  // An unmarked side counts as AMBER+STRICT, marked or not.
  assert.deepEqual(audienceForRelatedRecord(green, { author: RECIPIENT, markingRefs: [] }).markingRefs, [tlpMarkingId("AMBER+STRICT")]);
  const unmarked: RecordAudience = { ...warning, markingRefs: [STATEMENT] };
  assert.deepEqual(audienceForRelatedRecord(unmarked, { author: RECIPIENT, markingRefs: [tlpMarkingId("CLEAR")] }).markingRefs, [
    tlpMarkingId("AMBER+STRICT"),
  ]);
  assert.deepEqual(audienceForRelatedRecord(unmarked, { author: RECIPIENT, markingRefs: [] }).markingRefs, []);
  // The author is not listed twice when it was also a recipient.
  const selfAddressed: RecordAudience = { ...warning, recipients: [AUTHOR, RECIPIENT] };
  assert.deepEqual(audienceForRelatedRecord(selfAddressed, { author: RECIPIENT, markingRefs: [] }).recipients, [AUTHOR, RECIPIENT]);
});

test("the warning's author's organisation reads an AMBER+STRICT assessment written by a recipient", () => {
  const warning: RecordAudience = { author: AUTHOR, recipients: [RECIPIENT], markingRefs: [tlpMarkingId("AMBER+STRICT")] };
  const assessment = audienceForRelatedRecord(warning, { author: RECIPIENT, markingRefs: [] });
  assert.ok(canRead(partyReader(AUTHOR_ORG), assessment, relations));
  assert.ok(canRead(partyReader(PEER), assessment, relations));
  assert.equal(canRead(partyReader(CLIENT), assessment, relations), false);
});
