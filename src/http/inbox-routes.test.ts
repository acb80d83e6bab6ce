import { test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { journeyWorld, DAY } from "../testing/journey-fixture.js";

/*
 * GET /api/v1/inbox and GET /api/v1/parties through a real node: what a duty officer's inbox lists (and
 * what TLP keeps out of it), in which order, with which fields; refusals are coded problems.
 */

test("the inbox lists what the caller sends or receives, newest first, with title, sender's name, TLP, probability and states", async () => {
  const w = await journeyWorld();
  try {
    const t = w.h.clock.now();
    // A later warning from the source to the outsider only: in the source's inbox, not in ru-fsb's.
    const other = buildWarning(w.source, { at: t, name: "Another venue", recipients: [w.outsider.id], windowStart: t, windowEnd: t + DAY, probability: 0.3, tlp: "RED" });
    assert.equal((await w.h.post(w.source, other)).statusCode, 201);

    const mine = await w.h.get(w.recipient, "/api/v1/inbox");
    assert.equal(mine.statusCode, 200, mine.body);
    const inbox = mine.json() as any;
    assert.deepEqual(inbox.me, { id: w.recipient.id, slug: "ru-fsb", name: "RU-FSB", custodial: false });
    assert.deepEqual(inbox.warnings.map((x: any) => x.id), [w.warning.id], "TLP:RED to someone else stays out");
    const item = inbox.warnings[0];
    assert.equal(item.title, "Imminent attack on a large concert venue");
    assert.equal(item.authorName, "US-IC");
    assert.equal(item.tlp, "AMBER");
    assert.equal(item.probability, 0.7);
    assert.equal(item.role, "recipient");
    assert.equal(item.resolved.outcome, "materialized");
    assert.equal(item.recipients[0].name, "RU-FSB");

    const sent = (await w.h.get(w.source, "/api/v1/inbox")).json() as any;
    assert.deepEqual(sent.warnings.map((x: any) => [x.title, x.role, x.tlp]), [
      ["Another venue", "sender", "RED"],
      ["Imminent attack on a large concert venue", "sender", "AMBER"],
    ], "newest first");
    assert.deepEqual((await w.h.get(w.outsider, "/api/v1/inbox")).json().warnings.map((x: any) => x.title), ["Another venue"]);

    const parties = (await w.h.get(undefined, "/api/v1/parties")).json() as any;
    for (const slug of ["us-ic", "ru-fsb", "outsider"]) assert.ok(parties.parties.some((p: any) => p.slug === slug), slug);
    assert.ok(parties.parties.every((p: any) => Object.keys(p).sort().join() === "custodial,id,name,slug"), "names only: no keys, no tokens");
  } finally {
    await w.h.close();
  }
});

test("the inbox refuses without a token or with a bad one, and refuses a query it does not take", async () => {
  const w = await journeyWorld();
  try {
    const anonymous = await w.h.get(undefined, "/api/v1/inbox");
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().code, "AUTH_REQUIRED");
    const bad = await w.h.node.app.inject({ method: "GET", url: "/api/v1/inbox", headers: { authorization: "Bearer tocsin_nope" } });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().code, "AUTH_INVALID");
    const query = await w.h.get(w.recipient, "/api/v1/inbox?limit=5");
    assert.equal(query.statusCode, 400);
    assert.match(query.headers["content-type"] as string, /application\/problem\+json/);
    assert.equal((await w.h.get(undefined, "/api/v1/parties?x=1")).statusCode, 400);
  } finally {
    await w.h.close();
  }
});
