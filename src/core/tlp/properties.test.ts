import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ANONYMOUS_READER,
  NODE_READER,
  TLP_LEVELS,
  audienceForRelatedRecord,
  buildPartyRelations,
  canRead,
  explainAccess,
  filterReadable,
  partyReader,
  tlpLevelOf,
  tlpMarkingId,
  tlpRank,
} from "./index.js";
import type { PartyRelationsData, Reader, RecordAudience, TlpLevel } from "./index.js";

/*
 * Properties over random worlds: a small pool of parties with random unit chains (acyclic by
 * construction), clients and communities; random audiences with random mixes of TLP 1.0/2.0 and
 * non-TLP markings; random readers.
 */

const POOL = Array.from({ length: 8 }, (_, i) => `identity--p${i}`);
const V1_IDS = [
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
];
const NON_TLP = [
  "marking-definition--1bd25494-8cbb-42d5-aa78-e7d332a253d4",
  "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
  "marking-definition--00000000-0000-4000-8000-000000000000",
];
const ALL_MARKINGS = [...TLP_LEVELS.map(tlpMarkingId), ...V1_IDS, ...NON_TLP];

const partyArb = fc.constantFrom(...POOL);
const partiesArb = fc.subarray(POOL);

// Unit i may only have a parent j < i, so the map is acyclic.
const worldArb: fc.Arbitrary<PartyRelationsData> = fc.record({
  organisations: fc
    .array(fc.option(fc.nat(), { nil: undefined }), { minLength: POOL.length, maxLength: POOL.length })
    .map((parents) => {
      const out: Record<string, string> = {};
      parents.forEach((p, i) => {
        if (p !== undefined && i > 0) out[POOL[i]!] = POOL[p % i]!;
      });
      return out;
    }),
  clients: fc.dictionary(partyArb, partiesArb, { maxKeys: 3 }),
  communities: fc.dictionary(fc.constantFrom("c0", "c1", "c2"), partiesArb, { maxKeys: 3 }),
});

const audienceArb: fc.Arbitrary<RecordAudience> = fc.record({
  author: partyArb,
  recipients: partiesArb,
  markingRefs: fc.shuffledSubarray(ALL_MARKINGS, { maxLength: 4 }),
});

const readerArb: fc.Arbitrary<Reader> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(ANONYMOUS_READER) },
  { weight: 1, arbitrary: fc.constant(NODE_READER) },
  { weight: 6, arbitrary: partyArb.map(partyReader) },
);

const at = (a: RecordAudience, level: TlpLevel): RecordAudience => ({ ...a, markingRefs: [tlpMarkingId(level)] });

test("monotonicity: whoever reads at a level reads at every less restrictive level", () => {
  fc.assert(
    fc.property(worldArb, audienceArb, readerArb, (data, audience, reader) => {
      const relations = buildPartyRelations(data);
      const allowed = TLP_LEVELS.map((level) => canRead(reader, at(audience, level), relations));
      for (let i = 1; i < allowed.length; i++) assert.ok(!allowed[i] || allowed[i - 1], JSON.stringify(allowed));
    }),
    { numRuns: 500 },
  );
});

test("the author, the node and every named recipient can always read", () => {
  fc.assert(
    fc.property(worldArb, audienceArb, (data, audience) => {
      const relations = buildPartyRelations(data);
      assert.ok(canRead(partyReader(audience.author), audience, relations));
      assert.ok(canRead(NODE_READER, audience, relations));
      for (const r of audience.recipients) assert.ok(canRead(partyReader(r), audience, relations));
    }),
    { numRuns: 300 },
  );
});

test("anonymous reads exactly the CLEAR records; every party reads every CLEAR record", () => {
  fc.assert(
    fc.property(worldArb, audienceArb, partyArb, (data, audience, p) => {
      const relations = buildPartyRelations(data);
      const clear = tlpLevelOf(audience.markingRefs).level === "CLEAR";
      assert.equal(canRead(ANONYMOUS_READER, audience, relations), clear);
      if (clear) assert.ok(canRead(partyReader(p), audience, relations));
    }),
    { numRuns: 300 },
  );
});

test("RED is read by the author and named recipients only; AMBER+STRICT never leaves their organisations", () => {
  fc.assert(
    fc.property(worldArb, audienceArb, partyArb, (data, audience, p) => {
      const relations = buildPartyRelations(data);
      const named = [audience.author, ...audience.recipients];
      assert.equal(canRead(partyReader(p), at(audience, "RED"), relations), named.includes(p));
      const orgs = named.map((n) => relations.organisationOf(n));
      assert.equal(canRead(partyReader(p), at(audience, "AMBER+STRICT"), relations), orgs.includes(relations.organisationOf(p)));
      assert.equal(canRead(partyReader(p), { ...audience, markingRefs: [] }, relations), orgs.includes(relations.organisationOf(p)));
    }),
    { numRuns: 300 },
  );
});

test("the decision depends only on the governing level: non-TLP markings and marking order change nothing", () => {
  fc.assert(
    fc.property(worldArb, audienceArb, readerArb, fc.subarray(NON_TLP), (data, audience, reader, extra) => {
      const relations = buildPartyRelations(data);
      const { level, explicit } = tlpLevelOf(audience.markingRefs);
      const decision = explainAccess(reader, audience, relations);
      assert.equal(decision.level, level);
      assert.equal(decision.explicit, explicit);
      assert.equal(canRead(reader, audience, relations), decision.allowed);
      const normalised = explicit ? at(audience, level) : { ...audience, markingRefs: [] };
      assert.deepEqual(explainAccess(reader, normalised, relations), decision);
      const noisy = { ...audience, markingRefs: [...extra, ...audience.markingRefs].reverse() };
      assert.deepEqual(explainAccess(reader, noisy, relations), decision);
    }),
    { numRuns: 300 },
  );
});

test("tlpLevelOf is the most restrictive TLP marking present, AMBER+STRICT when none is", () => {
  fc.assert(
    fc.property(fc.shuffledSubarray(ALL_MARKINGS), (refs) => {
      const levels = refs.flatMap((r) => {
        const v2 = TLP_LEVELS.find((l) => tlpMarkingId(l) === r);
        if (v2 !== undefined) return [v2];
        const v1 = V1_IDS.indexOf(r);
        return v1 < 0 ? [] : [(["CLEAR", "GREEN", "AMBER", "RED"] as const)[v1]!];
      });
      const expected = levels.length === 0 ? "AMBER+STRICT" : levels.reduce((a, b) => (tlpRank(a) >= tlpRank(b) ? a : b));
      assert.deepEqual(tlpLevelOf(refs), { level: expected, explicit: levels.length > 0 });
    }),
    { numRuns: 300 },
  );
});

test("filterReadable is items.filter(canRead)", () => {
  fc.assert(
    fc.property(worldArb, fc.array(audienceArb, { maxLength: 8 }), readerArb, (data, audiences, reader) => {
      const relations = buildPartyRelations(data);
      const items = audiences.map((audience, i) => ({ i, audience }));
      assert.deepEqual(
        filterReadable(reader, items, (t) => t.audience, relations),
        items.filter((t) => canRead(reader, t.audience, relations)),
      );
    }),
    { numRuns: 200 },
  );
});

test("a related record is never less restrictive than its warning or itself, and its parties can read it", () => {
  fc.assert(
    fc.property(worldArb, audienceArb, partyArb, fc.shuffledSubarray(ALL_MARKINGS, { maxLength: 3 }), readerArb, (data, warning, author, refs, reader) => {
      const relations = buildPartyRelations(data);
      const related = audienceForRelatedRecord(warning, { author, markingRefs: refs });
      const level = tlpRank(tlpLevelOf(related.markingRefs).level);
      assert.ok(level >= tlpRank(tlpLevelOf(warning.markingRefs).level));
      assert.ok(level >= tlpRank(tlpLevelOf(refs).level));
      for (const p of [author, warning.author, ...warning.recipients]) assert.ok(canRead(partyReader(p), related, relations));
      // When the related record is written by one of the warning's parties (the normal case: a receipt,
      // an assessment), whoever reads it could read the warning re-marked at the related record's level.
      const byWarningParty = author === warning.author || warning.recipients.includes(author);
      if (byWarningParty && canRead(reader, related, relations)) {
        assert.ok(canRead(reader, { ...warning, markingRefs: related.markingRefs }, relations));
      }
    }),
    { numRuns: 300 },
  );
});

test("organisationOf is idempotent and units share their organisation's clients and communities", () => {
  fc.assert(
    fc.property(worldArb, partyArb, (data, p) => {
      const relations = buildPartyRelations(data);
      const org = relations.organisationOf(p);
      assert.equal(relations.organisationOf(org), org);
      assert.deepEqual(relations.clientsOf(p), relations.clientsOf(org));
      for (const c of relations.communitiesOf(org)) assert.ok(relations.communitiesOf(p).includes(c));
    }),
    { numRuns: 300 },
  );
});
