import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { NodeHarness } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { NotificationFeed, type LogEventSource } from "./notification-feed.js";
import { FederationNotices } from "./federation-notices.js";

/*
 * The two hooks other sources feed events through (docs/notifications.md, "Adding a source"): a notice
 * written to the notice table (how the federation outbox reports delivery-failed) and a LogEventSource
 * for a kind of logged record (how witness alarms will be told) — each reaching exactly the party it is
 * for; and notice numbers on PostgreSQL, written by several processes at once, visible in order.
 */

let db: TestDatabase | undefined;
after(async () => {
  await db?.drop();
});

test("a delivery-failed notice and a log event source reach the feed, once, and only whom they are for", async () => {
  const h = await NodeHarness.start();
  try {
    const src = await h.party("src");
    const dst = await h.party("dst");
    const third = await h.party("third");
    const from = { log: await h.logSize(), sub: 0, notice: 0 };
    const notice = { key: "delivery-failed outbox-1 final", partyId: src.id, type: "delivery-failed", at: new Date().toISOString(), warningId: "report--00000000-0000-4000-8000-000000000001", summary: "could not deliver to node B: ECONNREFUSED" };
    assert.equal(await h.node.store.addNotice(notice), true);
    assert.equal(await h.node.store.addNotice(notice), false, "the same key twice is one notice");
    const forSrc = await h.node.notifications.page(src.id, from, 100);
    assert.deepEqual(forSrc.events.map((e) => [e.data.type, e.data.summary, e.id]), [["delivery-failed", notice.summary, `${from.log}.0.1`]]);
    assert.deepEqual((await h.node.notifications.page(dst.id, from, 100)).events, [], "a notice is for its party only");

    // A source for a kind of record (here warnings stand in for alarm records): asked only about records the party may read.
    const alarms: LogEventSource = { eventsOf: (r) => (r.kind === "warning" ? [{ type: "witness-alarm", summary: `alarm ${r.id}` }] : []) };
    const feed = new NotificationFeed({ store: h.node.store, records: h.node.records, sources: [alarms] });
    const at = Date.now();
    const red = buildWarning(src, { at, name: "Red", recipients: [third.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "RED" });
    const clear = buildWarning(src, { at, name: "Clear", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR" });
    assert.equal((await h.post(src, [red, clear])).statusCode, 201);
    const seen = await feed.page(dst.id, from, 100);
    assert.deepEqual(
      seen.events.map((e) => [e.data.type, e.data.recordId]),
      [
        ["record", clear.id],
        ["inbox", clear.id],
        ["witness-alarm", clear.id],
      ],
      "the RED record's alarm is not told to a party that may not read it",
    );
  } finally {
    await h.close();
  }
});

test("postgres: notices written by several processes at once are numbered 1…n, none lost, in order", async () => {
  db = await createTestDatabase("notices");
  const a = await PgStore.open(db.url, { poolSize: 4 });
  const b = await PgStore.open(db.url, { poolSize: 4 });
  const c = await PgStore.open(db.url, { poolSize: 4 });
  const n = 150;
  try {
    const party = "identity--00000000-0000-4000-8000-0000000000aa";
    const write = (s: PgStore, i: number) => s.addNotice({ key: `k${i}`, partyId: party, type: "deadline", at: new Date().toISOString(), summary: `n${i}` });
    // Twelve connections in three pools: a writer that collided on the number and retried could starve here.
    const results = await Promise.all(Array.from({ length: n }, (_, i) => write([a, b, c][i % 3]!, i)));
    assert.ok(results.every((r) => r === true));
    const rows = await a.noticesAfter(party, 0, 1000);
    assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: n }, (_, i) => i + 1));
    assert.equal(new Set(rows.map((r) => r.key)).size, n);
    assert.equal(await b.maxNoticeSeq(), n);

    // What (auto)vacuum and ANALYZE hold on the table while they run: a notice is not held up by it.
    const vacuum = await a.pool.connect();
    try {
      await vacuum.query("BEGIN");
      await vacuum.query("LOCK TABLE notice IN SHARE UPDATE EXCLUSIVE MODE");
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<"held up">((resolve) => (timer = setTimeout(() => resolve("held up"), 3_000)));
      assert.equal(await Promise.race([write(b, n), waited]), true);
      clearTimeout(timer);
    } finally {
      await vacuum.query("ROLLBACK");
      vacuum.release();
    }
    assert.equal(await a.maxNoticeSeq(), n + 1);
  } finally {
    await a.close();
    await b.close();
    await c.close();
  }
});

test("a failed federation delivery becomes a delivery-failed notice for the record's author, once per attempt", async () => {
  const h = await NodeHarness.start();
  try {
    const src = await h.party("src");
    const dst = await h.party("dst");
    const at = Date.now();
    const w = buildWarning(src, { at, name: "To a peer", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5 });
    assert.equal((await h.post(src, w)).statusCode, 201);
    const from = { log: await h.logSize(), sub: 0, notice: 0 };
    // What the outbox calls when a POST to the peer fails (src/exchange/outbox.ts), given what src/node/node.ts wires to it.
    const failed = { at: new Date().toISOString(), peer: "node-b.example/log", recordId: w.id, warningId: w.id, attempts: 2, error: "connect ECONNREFUSED", retryAt: new Date(at + 4000).toISOString() };
    const notices = new FederationNotices({ store: h.node.store, logger: { warn: () => undefined, error: () => undefined } as never });
    notices.deliveryFailed(failed);
    notices.deliveryFailed(failed);
    let page = await h.node.notifications.page(src.id, from, 100);
    for (let i = 0; i < 50 && page.events.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      page = await h.node.notifications.page(src.id, from, 100);
    }
    assert.deepEqual(page.events.map((e) => [e.data.type, e.data.recordId]), [["delivery-failed", w.id]], "one notice for the author, whatever the repeats");
    assert.match(page.events[0]!.data.summary, /node-b\.example\/log.*attempt 2.*ECONNREFUSED/);
    assert.deepEqual((await h.node.notifications.page(dst.id, from, 100)).events.filter((e) => e.data.type === "delivery-failed"), [], "not for the recipient");
  } finally {
    await h.close();
  }
});
