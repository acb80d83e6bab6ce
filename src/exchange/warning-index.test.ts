/**
 * The WarningIndex follows the log: built in slices while records are being appended, it ends equal to
 * an index built in one pass and to states folded from the store; the warnings list read from it gives
 * the pages (and `next` tokens) the list gave when it refolded every warning from the store per
 * request, for every reader; and on a PostgreSQL database shared by two processes, what one appends is
 * in the other's next page and track record (the log is the source of truth, never a stale cache).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReceipt, buildResolution, buildWarning } from "../client/record-builders.js";
import { recipientStates, warningStatus } from "../core/lifecycle/index.js";
import { decodePageToken, encodePageToken, queryFingerprint } from "../core/taxii/page-token.js";
import { ANONYMOUS_READER, NODE_READER, partyReader, type Reader } from "../core/tlp/index.js";
import { DEMO_START, loadDemoScenario } from "../demo/demo-scenario.js";
import { ScriptedClock } from "../demo/scripted-clock.js";
import { parseConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";
import type { StoredRecord } from "../store/store.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { WarningIndex } from "./warning-index.js";
import { WARNING_PAGE_DEFAULT, WARNING_PAGE_MAX, WARNING_SCAN_FACTOR, WarningList, type WarningListQuery, type WarningPage, type WarningSummary } from "./warning-list.js";
import { foldRecords } from "./warning-states.js";

const DAY = 86_400_000;

/**
 * The warnings list as it was before the index (every candidate's records read and folded from the
 * store per request): the reference the indexed list must equal, page for page.
 */
async function referencePage(node: TocsinNode, nodeIdentity: string, reader: Reader, q: WarningListQuery): Promise<WarningPage> {
  const { store, records } = node;
  const limit = Math.max(1, Math.min(q.limit ?? WARNING_PAGE_DEFAULT, WARNING_PAGE_MAX));
  const fingerprint = queryFingerprint(["warnings", reader.kind, "id" in reader ? String(reader.id) : "", q.recipient ?? "", q.state ?? ""]);
  let after = q.next === undefined ? -1 : decodePageToken(q.next, fingerprint);
  const budget = limit * WARNING_SCAN_FACTOR;
  const relations = await records.relations();
  const isoMs = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
  const summary = async (candidate: StoredRecord): Promise<WarningSummary | undefined> => {
    const about = await store.recordsAbout(candidate.id);
    const versions = about.filter((r) => r.kind === "warning" && r.id === candidate.id);
    if (versions[0]?.logIndex !== candidate.logIndex) return undefined;
    const latest = versions.reduce((a, b) => (b.modified > a.modified ? b : a));
    if ((await records.visible(reader, [latest], relations)).length === 0) return undefined;
    const state = foldRecords(about, nodeIdentity);
    if (!state) return undefined;
    const hidden = await records.hiddenFromState(reader, about, relations);
    if (hidden.all) return undefined;
    const rows = recipientStates(state).filter((r) => !hidden.recipients.has(r.recipient) && (q.recipient === undefined || r.recipient === q.recipient) && (q.state === undefined || r.state === q.state));
    if (rows.length === 0) return undefined;
    const status = warningStatus(state);
    return {
      id: latest.id,
      modified: latest.modified,
      author: latest.author,
      index: latest.logIndex,
      resolved: status.resolution ? { outcome: status.resolution.outcome, at: isoMs(status.resolution.loggedAt) } : undefined,
      recipients: rows.map((r) => ({ party: r.recipient, state: r.state, nextDeadline: r.nextDeadline ? { kind: r.nextDeadline.kind, at: isoMs(r.nextDeadline.deadline) } : undefined, escalated: r.escalated })),
    };
  };
  const out: WarningSummary[] = [];
  let examined = 0;
  let more = true;
  while (more && out.length < limit && examined < budget) {
    const want = Math.min(200, budget - examined);
    const batch = await store.recordsAfter(after, want, "warning");
    more = batch.length === want;
    for (let i = 0; i < batch.length; i++) {
      after = batch[i]!.logIndex;
      examined++;
      const s = await summary(batch[i]!);
      if (s) out.push(s);
      if (out.length === limit) {
        if (i < batch.length - 1) more = true;
        break;
      }
    }
  }
  if (more && (await store.recordsAfter(after, 1, "warning")).length === 0) more = false;
  return more ? { warnings: out, next: encodePageToken(after, fingerprint) } : { warnings: out };
}

/** Every page of a query, following `next`. */
async function allPages(page: (q: WarningListQuery) => Promise<WarningPage>, q: WarningListQuery): Promise<WarningPage[]> {
  const pages: WarningPage[] = [];
  let next: string | undefined;
  do {
    const p = await page({ ...q, next });
    pages.push(p);
    next = p.next;
    assert.ok(pages.length < 500, "paging ends");
  } while (next);
  return pages;
}

/** An index's entries as plain data (its warnings in order, each with everything it holds). */
function snapshot(index: WarningIndex): unknown {
  const versions = Array.from({ length: index.versionCount }, (_, i) => {
    const v = index.versionAt(i);
    return [v.logIndex, v.warning.id];
  });
  return { position: index.position, versions, warnings: JSON.parse(JSON.stringify([...index.warnings()].map((w) => ({ ...w, commitments: [...(w.commitments ?? [])] })))) };
}

test("warning index: followed in slices while the demo history is appended, it equals a one-pass index and the states folded from the store; the list's pages equal the refolding list's for every reader", { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-warning-index-"));
  const clock = new ScriptedClock(DEMO_START);
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0 }), { clock });
  try {
    const nodeIdentity = (await node.parties.require("node")).id;
    const followed = new WarningIndex({ store: node.store, nodeIdentity });
    // Catch-ups interleaved with the appends of the demo's history (receipts, assessments, actions, escalations, resolutions, new versions).
    let loading = true;
    let catchUps = 0;
    const follower = (async () => {
      while (loading) {
        await followed.catchUp();
        catchUps++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const summary = (await loadDemoScenario(node, clock))!;
    loading = false;
    await follower;
    await followed.catchUp();
    assert.ok(catchUps > 3, `the index caught up ${catchUps} times while the history was appended`);
    assert.equal(followed.position, await node.store.logSize());

    const onePass = new WarningIndex({ store: node.store, nodeIdentity });
    await onePass.catchUp();
    assert.ok(onePass.size >= summary.warnings.length, `${onePass.size} warnings indexed`);
    assert.deepEqual(snapshot(followed), snapshot(onePass), "incremental equals one pass");
    for (const w of followed.warnings()) {
      assert.deepEqual(w.state, foldRecords(await node.store.recordsAbout(w.id), nodeIdentity), `${w.id}: the state folded from the store`);
    }

    // Every reader (each party, anonymous, the node), with and without filters, in pages of several sizes.
    const list = new WarningList({ index: followed, records: node.records });
    const parties = await node.store.listParties();
    const readers: Reader[] = [ANONYMOUS_READER, NODE_READER, ...parties.map((p) => partyReader(p.id))];
    const recipient = summary.parties.find((p) => p.slug === "ru-fsb")!;
    let compared = 0;
    for (const reader of readers) {
      for (const q of [{ limit: 3 }, { limit: 1 }, {}, { recipient: recipient.id, limit: 2 }, { state: "issued" as const, limit: 2 }]) {
        const got = await allPages((x) => list.page(reader, x), q);
        assert.deepEqual(got, await allPages((x) => referencePage(node, nodeIdentity, reader, x), q), `${JSON.stringify(reader)} ${JSON.stringify(q)}`);
        compared += got.reduce((n, p) => n + p.warnings.length, 0);
      }
    }
    assert.ok(compared > 0, "rows were compared");
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

let db: TestDatabase | undefined;
after(async () => {
  await db?.drop();
});

test("warning index on a database shared by two processes: one process's appends are in the other's next page and track record", { timeout: 180_000 }, async () => {
  db = await createTestDatabase("warning_index");
  const clock = new TestClock(Date.parse("2026-03-01T00:00:00.000Z"));
  const writer = await NodeHarness.start({ clock, config: { db: db.url } });
  // The second process: its own connections and services, the same data directory (log key) and database.
  let second: TocsinNode | undefined;
  try {
    second = await openNode(parseConfig({ dataDir: writer.dir, db: db.url, escalationIntervalMs: 0, checkWorkers: 0 }), { clock });
    const reader = { node: second, get: (who: { token: string }, url: string) => second!.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${who.token}` } }) };
    const source = await writer.party("src");
    const recipient = await writer.party("dst");
    const at = clock.now();
    const warnings = [0, 1, 2].map((i) => buildWarning(source, { at, name: `W${i}`, recipients: [recipient.id], windowStart: at, windowEnd: at + 30 * DAY, probability: 0.3 + i / 10, tlp: "AMBER", deadlines: { receipt: at + DAY } }));
    for (const w of warnings) assert.equal((await writer.post(source, w)).statusCode, 201);
    const page = async () => (await reader.get(source, "/api/v1/warnings")).json() as WarningPage;
    const track = async () => (await reader.get(source, `/api/v1/parties/${source.id}/track-record`)).json() as { basis: { warnings: number; resolved: number } };
    assert.deepEqual((await page()).warnings.map((w) => w.id), warnings.map((w) => w.id));
    assert.deepEqual((await track()).basis, { warnings: 3, resolved: 0 });

    // Appended through the other process: the reader's index (and its track-record answer) follows.
    clock.advance(60_000);
    assert.equal((await writer.post(recipient, buildReceipt(recipient, warnings[0]!, clock.now(), "AMBER"))).statusCode, 201);
    assert.equal((await writer.post(source, buildResolution(source, warnings[1]!.id as string, clock.now(), { outcome: "materialized", eventTime: clock.now() - 1000, content: "-", tlp: "AMBER" }))).statusCode, 201);
    const fourth = buildWarning(source, { at: clock.now(), name: "W3", recipients: [recipient.id], windowStart: clock.now(), windowEnd: clock.now() + DAY, probability: 0.9, tlp: "AMBER" });
    assert.equal((await writer.post(source, fourth)).statusCode, 201);
    const after = await page();
    assert.deepEqual(after.warnings.map((w) => w.id), [...warnings, fourth].map((w) => w.id));
    assert.equal(after.warnings[0]!.recipients[0]!.state, "received");
    assert.equal(after.warnings[1]!.resolved?.outcome, "materialized");
    assert.deepEqual((await track()).basis, { warnings: 4, resolved: 1 });
    // And what either process lists is what the store folds to.
    const nodeIdentity = (await reader.node.parties.require("node")).id;
    for (const w of after.warnings) {
      const folded = foldRecords(await reader.node.store.recordsAbout(w.id), nodeIdentity)!;
      assert.deepEqual(w.recipients.map((r) => r.state), recipientStates(folded).map((r) => r.state));
    }
    assert.deepEqual((await writer.get(source, "/api/v1/warnings")).json(), after, "both processes answer the same");
  } finally {
    await second?.close();
    await writer.close();
  }
});
