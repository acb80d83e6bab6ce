import { test } from "node:test";
import assert from "node:assert/strict";
import { NO_PARTY_RELATIONS, TlpError, buildPartyRelations } from "./index.js";

const ORG = "identity--0a000000-0000-4000-8000-000000000001";
const DIVISION = "identity--0a000000-0000-4000-8000-000000000002";
const DESK = "identity--0a000000-0000-4000-8000-000000000003";
const CLIENT = "identity--0a000000-0000-4000-8000-000000000004";
const CLIENT_UNIT = "identity--0a000000-0000-4000-8000-000000000005";
const DIVISION_CLIENT = "identity--0a000000-0000-4000-8000-000000000006";
const LONER = "identity--0a000000-0000-4000-8000-000000000007";

const relations = buildPartyRelations({
  organisations: { [DIVISION]: ORG, [DESK]: DIVISION, [CLIENT_UNIT]: CLIENT, [ORG]: ORG },
  clients: { [ORG]: [CLIENT], [DIVISION]: [DIVISION_CLIENT] },
  communities: { "national-cert-community": [ORG], "venue-security": [DESK, LONER] },
});

test("organisationOf follows unit chains to the outermost organisation; a party alone is its own organisation", () => {
  assert.equal(relations.organisationOf(DESK), ORG);
  assert.equal(relations.organisationOf(DIVISION), ORG);
  assert.equal(relations.organisationOf(ORG), ORG); // a self-mapping is a root
  assert.equal(relations.organisationOf(LONER), LONER);
  assert.equal(relations.organisationOf("identity--never-heard-of"), "identity--never-heard-of");
});

test("clientsOf answers the organisation's clients, including those declared under its units", () => {
  assert.deepEqual([...relations.clientsOf(ORG)].sort(), [CLIENT, DIVISION_CLIENT].sort());
  assert.deepEqual([...relations.clientsOf(DESK)].sort(), [CLIENT, DIVISION_CLIENT].sort());
  assert.deepEqual(relations.clientsOf(CLIENT), []);
  assert.ok(relations.isClientOf(CLIENT, DESK));
  assert.ok(relations.isClientOf(CLIENT_UNIT, ORG), "a unit of a client organisation is a client");
  assert.ok(relations.isClientOf(DIVISION_CLIENT, ORG));
  assert.equal(relations.isClientOf(ORG, CLIENT), false, "client-of is not symmetric");
  assert.equal(relations.isClientOf(LONER, ORG), false);
});

test("communitiesOf includes the communities of every organisation above a party", () => {
  assert.deepEqual(relations.communitiesOf(DESK), ["national-cert-community", "venue-security"]);
  assert.deepEqual(relations.communitiesOf(DIVISION), ["national-cert-community"]);
  assert.deepEqual(relations.communitiesOf(LONER), ["venue-security"]);
  assert.deepEqual(relations.communitiesOf(CLIENT), []);
  assert.ok(relations.sharesCommunity(LONER, DESK));
  assert.equal(relations.sharesCommunity(LONER, DIVISION), false);
  assert.equal(relations.sharesCommunity(CLIENT, CLIENT), false, "no community, nothing shared");
});

test("lookups are safe for ids that collide with Object.prototype names", () => {
  const r = buildPartyRelations({ organisations: { a: "b" } });
  for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    assert.equal(r.organisationOf(id), id);
    assert.deepEqual(r.clientsOf(id), []);
    assert.deepEqual(r.communitiesOf(id), []);
  }
});

test("a cycle in the organisation map is refused", () => {
  const cycles: Record<string, string>[] = [{ a: "b", b: "a" }, { a: "b", b: "c", c: "a" }, { x: "a", a: "b", b: "a" }];
  for (const organisations of cycles) {
    assert.throws(
      () => buildPartyRelations({ organisations }),
      (e: unknown) => e instanceof TlpError && e.code === "TLP_RELATIONS_CYCLE",
    );
  }
});

test("the index is immutable and NO_PARTY_RELATIONS relates nobody", () => {
  assert.ok(Object.isFrozen(relations));
  assert.ok(Object.isFrozen(relations.clientsOf(ORG)));
  assert.ok(Object.isFrozen(relations.communitiesOf(DESK)));
  assert.equal(NO_PARTY_RELATIONS.organisationOf(DESK), DESK);
  assert.equal(NO_PARTY_RELATIONS.sharesCommunity(DESK, LONER), false);
});
