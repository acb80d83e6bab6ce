import { test } from "node:test";
import assert from "node:assert/strict";
import { buildResolution, buildWarning } from "../client/record-builders.js";
import { openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { journeyWorld } from "../testing/journey-fixture.js";

test("track record after journeys 1–3: the source scored with intervals, the recipient's dismissal and missed deadline", async () => {
  const w = await journeyWorld({ history: 14 });
  try {
    const res = await w.h.get(w.source, `/api/v1/parties/us-ic/track-record?period=month&bins=5`);
    assert.equal(res.statusCode, 200, res.body);
    const tr = res.json();
    assert.equal(tr.party.id, w.source.id);
    assert.equal(tr.basis.warnings, 15);
    assert.equal(tr.basis.resolved, 15);
    const s = tr.asSource.overall;
    assert.equal(s.status, "scored");
    assert.equal(s.resolved, 15);
    assert.equal(s.reliability.bins.length, 5);
    assert.ok(s.brier.ci[0] <= s.brier.value && s.brier.value <= s.brier.ci[1]);
    assert.ok(s.leadTime.count >= 1);
    assert.deepEqual(tr.asSource.byRecipient.map((g: { key: string }) => g.key), [w.recipient.id]);
    assert.deepEqual(tr.asSource.byPeriod.map((g: { key: string }) => g.key), ["2024-01", "2024-03"]);
    assert.equal(tr.asSource.byPeriod[1].scores.status, "too-few-resolved", "one warning in March: too few to score");

    const rec = (await w.h.get(w.recipient, `/api/v1/parties/${w.recipient.id}/track-record`)).json().asRecipient.record;
    assert.equal(rec.dismissed, 1);
    assert.equal(rec.dismissedMaterialized.length, 1);
    assert.equal(rec.dismissedMaterialized[0].warningId, w.warning.id);
    assert.equal(rec.dismissedMaterialized[0].opinion, "strongly-disagree");
    assert.deepEqual(rec.missedByKind, { receipt: 0, assessment: 0, action: 1 });
    assert.equal(rec.timeTo.receipt.medianMs, 3_600_000);

    // The API's index is incremental: a warning resolved after the first call is counted by the next.
    const t = w.h.clock.now();
    const late = buildWarning(w.source, { at: t, name: "late", recipients: [w.recipient.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.2, tlp: "AMBER" });
    assert.equal((await w.h.post(w.source, late)).statusCode, 201);
    w.h.clock.advance(60_000);
    assert.equal((await w.h.post(w.source, buildResolution(w.source, late.id as string, w.h.clock.now(), { outcome: "did-not-materialize", content: "-", tlp: "AMBER" }))).statusCode, 201);
    const again = (await w.h.get(w.source, `/api/v1/parties/us-ic/track-record`)).json();
    assert.equal(again.basis.warnings, 16);
    assert.equal(again.asSource.overall.resolved, 16);

    // TLP: every warning here is AMBER to ru-fsb; anonymous and outside callers see none of it.
    const anon = (await w.h.get(undefined, `/api/v1/parties/us-ic/track-record`)).json();
    assert.equal(anon.basis.warnings, 0);
    assert.deepEqual(anon.asSource.overall, { status: "too-few-resolved", resolved: 0, unscored: 0, needed: 10 });
    assert.equal((await w.h.get(w.outsider, `/api/v1/parties/us-ic/track-record`)).json().basis.warnings, 0);
  } finally {
    await w.h.close();
  }
});

test("timeline: every record about the warning with author, log index, time and covering checkpoints", async () => {
  const w = await journeyWorld();
  try {
    const res = await w.h.get(w.recipient, `/api/v1/warnings/${w.warning.id}/timeline`);
    assert.equal(res.statusCode, 200, res.body);
    const t = res.json();
    assert.deepEqual(t.entries.map((e: { kind: string }) => e.kind), ["warning", "receipt", "assessment", "escalation", "action", "resolution"]);
    const indices = t.entries.map((e: { index: number }) => e.index);
    assert.deepEqual(indices, [...indices].sort((a, b) => a - b));
    const assessment = t.entries[2];
    assert.equal(assessment.author, w.recipient.id);
    assert.equal(assessment.authorName, "RU-FSB");
    assert.equal(assessment.facts.opinion, "strongly-disagree");
    assert.match(assessment.loggedAt, /^2024-03-06T22:00:00/);
    const latest = t.checkpoints.at(-1);
    for (const e of t.entries) {
      assert.ok(e.checkpoints.first > e.index, "the first covering checkpoint includes the entry");
      assert.equal(e.checkpoints.latest, latest.size);
    }
    // The checkpoints are the log's signed notes.
    for (const c of t.checkpoints) assert.equal(openCheckpoint(c.note, verifierFromSigner(w.h.node.signer)).checkpoint.size, c.size);
    // TLP: an outsider and an anonymous caller cannot learn the warning exists.
    for (const who of [w.outsider, undefined]) {
      const hidden = await w.h.get(who, `/api/v1/warnings/${w.warning.id}/timeline`);
      assert.equal(hidden.statusCode, 404);
      assert.equal(hidden.json().code, "RECORD_NOT_FOUND");
    }
  } finally {
    await w.h.close();
  }
});

test("bad input to the track-record and timeline routes: coded problems", async () => {
  const w = await journeyWorld();
  try {
    const cases: [string, number, string, typeof w.source | undefined][] = [
      [`/api/v1/parties/nobody/track-record`, 404, "PARTY_NOT_FOUND", w.source],
      [`/api/v1/parties/us-ic/track-record?period=week`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/parties/us-ic/track-record?bins=0`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/parties/us-ic/track-record?bins=51`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/parties/us-ic/track-record?bins=-3`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/parties/us-ic/track-record?colour=red`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/warnings/not-an-id/timeline`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/warnings/opinion--6d1b4a9e-2f4e-4c55-9a51-0d3c8b7e1f00/timeline`, 400, "HTTP_BAD_PARAMETER", w.source],
      [`/api/v1/warnings/report--6d1b4a9e-2f4e-4c55-9a51-0d3c8b7e1f00/timeline`, 404, "RECORD_NOT_FOUND", w.source],
      [`/api/v1/warnings/${w.warning.id}/timeline?x=1`, 400, "HTTP_BAD_PARAMETER", w.source],
    ];
    for (const [url, status, code, who] of cases) {
      const res = await w.h.get(who, url);
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      assert.equal(res.json().code, code, url);
    }
    const badAuth = await w.h.node.app.inject({ method: "GET", url: `/api/v1/parties/us-ic/track-record`, headers: { authorization: "Bearer nope" } });
    assert.equal(badAuth.statusCode, 401);
    assert.equal(badAuth.json().code, "AUTH_INVALID");
  } finally {
    await w.h.close();
  }
});

test("TLP: a warning whose opinion or outcome is marked stricter than itself does not count for a reader who cannot see them", async () => {
  const { NodeHarness } = await import("../testing/node-harness.js");
  const { buildAssessment, buildReceipt } = await import("../client/record-builders.js");
  const h = await NodeHarness.start();
  try {
    // GREEN warning to A; C shares A's community, so C may read the warning but not A's AMBER+STRICT opinion.
    const s = await h.party("src-g");
    const a = await h.party("rcpt-a", { communities: ["ring"] });
    const c = await h.party("peer-c", { communities: ["ring"] });
    const t = h.clock.now();
    const w = buildWarning(s, { at: t, name: "green warning", recipients: [a.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.3, tlp: "GREEN" });
    assert.equal((await h.post(s, w)).statusCode, 201);
    h.clock.advance(60_000);
    assert.equal((await h.post(a, buildReceipt(a, w, h.clock.now(), "GREEN"))).statusCode, 201);
    h.clock.advance(60_000);
    const opinion = buildAssessment(a, w.id as string, h.clock.now(), "strongly-disagree", "internal view", "AMBER+STRICT");
    assert.equal((await h.post(a, opinion)).statusCode, 201);
    h.clock.advance(60_000);
    assert.equal((await h.post(s, buildResolution(s, w.id as string, h.clock.now(), { outcome: "materialized", eventTime: h.clock.now() - 1000, content: "-", tlp: "GREEN" }))).statusCode, 201);

    assert.equal((await h.get(c, `/api/v1/records/${w.id}`)).statusCode, 200, "C reads the warning");
    assert.equal((await h.get(c, `/api/v1/records/${opinion.id}`)).statusCode, 404, "but not A's opinion");
    const asC = (await h.get(c, `/api/v1/parties/rcpt-a/track-record`)).json();
    assert.equal(asC.basis.warnings, 0);
    assert.deepEqual(asC.asRecipient.record.dismissedMaterialized, []);
    // The timeline shows C only what C may read.
    const tl = (await h.get(c, `/api/v1/warnings/${w.id}/timeline`)).json();
    assert.ok(!tl.entries.some((e: { id: string }) => e.id === opinion.id));
    // A itself, and the source (named on the warning), see the dismissal.
    for (const who of [a, s]) {
      const rec = (await h.get(who, `/api/v1/parties/rcpt-a/track-record`)).json().asRecipient.record;
      assert.equal(rec.dismissedMaterialized.length, 1);
    }
  } finally {
    await h.close();
  }
});
