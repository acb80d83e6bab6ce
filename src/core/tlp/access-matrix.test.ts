import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPartyRelations, explainAccess, canRead, partyReader, ANONYMOUS_READER, NODE_READER, answeredVersion, audienceOfRecordAbout } from "./index.js";
import type { Reader, RecordAudience, TlpLevel } from "./index.js";

/*
 * The full access matrix: every marking variant × every relation a reader can have to the record,
 * with the expected answer written out below as a table. The marking ids are written out literally
 * (not taken from the module) so a wrong id in markings.ts fails here.
 */

const ID = {
  CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
  V1_WHITE: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
  V1_GREEN: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
  V1_AMBER: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
  V1_RED: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
  // Not TLP: a statement marking, and an "AMBER+STRICT" id some products invented before TLP 2.0 had one.
  STATEMENT: "marking-definition--1bd25494-8cbb-42d5-aa78-e7d332a253d4",
  HOMEMADE_AMBER_STRICT: "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
};

const party = (n: number) => `identity--00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;

// The world: a police organisation warns a unit of a national service.
const AUTHOR_ORG = party(1); // police organisation
const AUTHOR = party(2); // its intelligence unit, which writes the warning
const AUTHOR_PEER = party(3); // another police unit
const RECIPIENT_ORG = party(10); // national service
const RECIPIENT_DIVISION = party(11); // a division of it
const RECIPIENT = party(12); // the desk the warning is addressed to (unit of the division)
const RECIPIENT_PEER = party(13); // another unit of the division: same organisation, through a chain
const RECIPIENT_CLIENT = party(20); // a venue security office, client of the national service
const AUTHOR_CLIENT = party(21); // a transport operator, client of the police
const CLIENT_ORG = party(22); // a stadium operator, client of the national service as a whole…
const CLIENT_ORG_UNIT = party(23); // …and its security unit
const RECIPIENT_COMMUNITY_PEER = party(30); // in "national-cert-community" with the recipient
const AUTHOR_COMMUNITY_PEER = party(31); // in "police-community" with the police organisation
const UNRELATED = party(40);
const UNRELATED_ORG = party(41);

const relations = buildPartyRelations({
  organisations: {
    [AUTHOR]: AUTHOR_ORG,
    [AUTHOR_PEER]: AUTHOR_ORG,
    [RECIPIENT_DIVISION]: RECIPIENT_ORG,
    [RECIPIENT]: RECIPIENT_DIVISION,
    [RECIPIENT_PEER]: RECIPIENT_DIVISION,
    [CLIENT_ORG_UNIT]: CLIENT_ORG,
    [UNRELATED]: UNRELATED_ORG,
  },
  clients: {
    [RECIPIENT_ORG]: [RECIPIENT_CLIENT, CLIENT_ORG],
    [AUTHOR_ORG]: [AUTHOR_CLIENT],
    [UNRELATED_ORG]: [RECIPIENT_COMMUNITY_PEER],
  },
  communities: {
    "national-cert-community": [RECIPIENT, RECIPIENT_COMMUNITY_PEER],
    "police-community": [AUTHOR_ORG, AUTHOR_COMMUNITY_PEER], // the author is in it through its organisation
    elsewhere: [UNRELATED_ORG],
  },
});

const READERS: ReadonlyArray<readonly [string, Reader]> = [
  ["author", partyReader(AUTHOR)],
  ["recipient", partyReader(RECIPIENT)],
  ["same org as recipient (unit)", partyReader(RECIPIENT_PEER)],
  ["same org as recipient (the org)", partyReader(RECIPIENT_ORG)],
  ["same org as author", partyReader(AUTHOR_PEER)],
  ["client of recipient's org", partyReader(RECIPIENT_CLIENT)],
  ["unit of a client of recipient's org", partyReader(CLIENT_ORG_UNIT)],
  ["client of author's org", partyReader(AUTHOR_CLIENT)],
  ["same community as recipient", partyReader(RECIPIENT_COMMUNITY_PEER)],
  ["same community as author", partyReader(AUTHOR_COMMUNITY_PEER)],
  ["unrelated party", partyReader(UNRELATED)],
  ["anonymous", ANONYMOUS_READER],
  ["node", NODE_READER],
];

const Y = true;
const _ = false;

// prettier-ignore
const MATRIX: ReadonlyArray<readonly [string, readonly string[], TlpLevel, readonly boolean[]]> = [
  //                                                                       author   recip  rOrgUnit rOrg  aOrg  rClient cliUnit aClient rComm aComm unrel  anon  node
  ["TLP:CLEAR",                   [ID.CLEAR],                  "CLEAR",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      Y,    Y,    Y,     Y,    Y]],
  ["TLP:GREEN",                   [ID.GREEN],                  "GREEN",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      Y,    Y,    _,     _,    Y]],
  ["TLP:AMBER",                   [ID.AMBER],                  "AMBER",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      _,    _,    _,     _,    Y]],
  ["TLP:AMBER+STRICT",            [ID.AMBER_STRICT],           "AMBER+STRICT", [Y,      Y,     Y,      Y,    Y,    _,      _,      _,      _,    _,    _,     _,    Y]],
  ["TLP:RED",                     [ID.RED],                    "RED",          [Y,      Y,     _,      _,    _,    _,      _,      _,      _,    _,    _,     _,    Y]],
  ["unmarked",                    [],                          "AMBER+STRICT", [Y,      Y,     Y,      Y,    Y,    _,      _,      _,      _,    _,    _,     _,    Y]],
  ["only non-TLP markings",       [ID.STATEMENT, ID.HOMEMADE_AMBER_STRICT],
                                                               "AMBER+STRICT", [Y,      Y,     Y,      Y,    Y,    _,      _,      _,      _,    _,    _,     _,    Y]],
  ["TLP 1.0 WHITE",               [ID.V1_WHITE],               "CLEAR",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      Y,    Y,    Y,     Y,    Y]],
  ["TLP 1.0 GREEN",               [ID.V1_GREEN],               "GREEN",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      Y,    Y,    _,     _,    Y]],
  ["TLP 1.0 AMBER",               [ID.V1_AMBER],               "AMBER",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      _,    _,    _,     _,    Y]],
  ["TLP 1.0 RED",                 [ID.V1_RED],                 "RED",          [Y,      Y,     _,      _,    _,    _,      _,      _,      _,    _,    _,     _,    Y]],
  ["GREEN + RED",                 [ID.GREEN, ID.RED],          "RED",          [Y,      Y,     _,      _,    _,    _,      _,      _,      _,    _,    _,     _,    Y]],
  ["TLP 1.0 WHITE + AMBER",       [ID.V1_WHITE, ID.AMBER],     "AMBER",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      _,    _,    _,     _,    Y]],
  ["statement + GREEN",           [ID.STATEMENT, ID.GREEN],    "GREEN",        [Y,      Y,     Y,      Y,    Y,    Y,      Y,      Y,      Y,    Y,    _,     _,    Y]],
];

for (const [name, markingRefs, level, expected] of MATRIX) {
  test(`access matrix: ${name}`, () => {
    assert.equal(expected.length, READERS.length, "matrix row width");
    const audience: RecordAudience = { author: AUTHOR, recipients: [RECIPIENT], markingRefs };
    const actual: Record<string, boolean> = {};
    const want: Record<string, boolean> = {};
    READERS.forEach(([who, reader], i) => {
      const decision = explainAccess(reader, audience, relations);
      assert.equal(decision.level, level, `${name}: governing level`);
      assert.equal(canRead(reader, audience, relations), decision.allowed);
      actual[who] = decision.allowed;
      want[who] = expected[i]!;
    });
    assert.deepEqual(actual, want);
  });
}

/*
 * Audiences are fixed when written (answered-version.ts): a TLP:RED warning from AUTHOR goes to
 * RECIPIENT and DROPPED (v1), then to RECIPIENT and LATE (v2). Each record about it is read under the
 * audience of the version it answered — a receipt the version it names, anything else the latest
 * version logged before it — so who may read it is fixed when it is written.
 */
const DROPPED = party(50);
const LATE = party(51);
const LATE_PEER = party(52); // same organisation as LATE
const fixedRelations = buildPartyRelations({ organisations: { [LATE]: LATE_PEER } });
const v = (modified: string, logIndex: number, recipients: string[], markingRefs = [ID.RED]) => ({ modified, logIndex, audience: { author: AUTHOR, recipients, markingRefs } });
const VERSIONS = [v("2024-01-01T00:00:00Z", 10, [RECIPIENT, DROPPED]), v("2024-01-01T01:00:00.000Z", 20, [RECIPIENT, LATE])];
const FIXED_READERS: ReadonlyArray<readonly [string, Reader]> = [
  ["author", partyReader(AUTHOR)],
  ["recipient", partyReader(RECIPIENT)],
  ["dropped by v2", partyReader(DROPPED)],
  ["added by v2", partyReader(LATE)],
  ["org of the added one", partyReader(LATE_PEER)],
  ["node", NODE_READER],
];
// prettier-ignore
const FIXED: ReadonlyArray<readonly [string, { logIndex: number; answers?: string; markingRefs?: string[] }, string | undefined, readonly boolean[]]> = [
  //                                                                                                      answered      author recip dropped late lateOrg node
  ["receipt of v1, logged before v2",   { logIndex: 11, answers: "2024-01-01T00:00:00Z" },                 "v1",         [Y,     Y,    Y,      _,   _,      Y]],
  ["assessment logged before v2",       { logIndex: 12 },                                                 "v1",         [Y,     Y,    Y,      _,   _,      Y]],
  ["receipt of v2",                     { logIndex: 21, answers: "2024-01-01T01:00:00.000Z" },             "v2",         [Y,     Y,    _,      Y,   _,      Y]],
  ["receipt of v1 logged after v2",     { logIndex: 22, answers: "2024-01-01T00:00:00.000Z" },             "v1",         [Y,     Y,    Y,      _,   _,      Y]],
  ["action logged after v2",            { logIndex: 23 },                                                 "v2",         [Y,     Y,    _,      Y,   _,      Y]],
  ["receipt naming no logged version",  { logIndex: 24, answers: "2024-01-01T02:00:00Z" },                 "v2",         [Y,     Y,    _,      Y,   _,      Y]],
  ["GREEN action after v2 (RED wins)",  { logIndex: 25, markingRefs: [ID.GREEN] },                        "v2",         [Y,     Y,    _,      Y,   _,      Y]],
  ["a record logged before any version",{ logIndex: 5 },                                                  undefined,    [Y,     Y,    _,      _,   _,      Y]],
];

for (const [name, rec, answered, expected] of FIXED) {
  test(`audiences fixed when written: ${name}`, () => {
    const record = { author: RECIPIENT, markingRefs: rec.markingRefs ?? [], logIndex: rec.logIndex, answers: rec.answers };
    const version = answeredVersion(VERSIONS, record);
    assert.equal(version === undefined ? undefined : version === VERSIONS[0] ? "v1" : "v2", answered);
    const audience = audienceOfRecordAbout(VERSIONS, record);
    const actual = Object.fromEntries(FIXED_READERS.map(([who, reader]) => [who, canRead(reader, audience, fixedRelations)]));
    assert.deepEqual(actual, Object.fromEntries(FIXED_READERS.map(([who], i) => [who, expected[i]!])));
  });
}

test("audiences fixed when written: each version is read under its own audience", () => {
  const readable = (reader: Reader) => VERSIONS.map((ver) => canRead(reader, ver.audience, fixedRelations));
  assert.deepEqual(readable(partyReader(DROPPED)), [true, false], "dropped: v1 only");
  assert.deepEqual(readable(partyReader(LATE)), [false, true], "added: v2 only");
  assert.deepEqual(readable(partyReader(RECIPIENT)), [true, true]);
});
