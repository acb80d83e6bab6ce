/**
 * The deadline index in the database (schema version 8): a store migrated from version 7 is filled
 * from its log; a deadline far beyond what memory holds is escalated on time; a crash between an
 * append and the index write it calls for loses nothing and repeats nothing; and a start no longer
 * reads the whole log.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { pino } from "pino";
import { buildWarning } from "../client/record-builders.js";
import { parseConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";
import { SQLITE_FILE } from "../store/open-store.js";
import { SCHEMA } from "../store/sql/schema.js";
import type { Store } from "../store/store.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";
import { Escalator } from "./escalator.js";
import { NODE_PARTY_SLUG } from "./node-party.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-03-01T00:00:00.000Z");

/** Custodial source (the node signs), one recipient. */
async function parties(node: TocsinNode): Promise<{ src: string; dst: string }> {
  const src = await node.registrar.create({ slug: "src", name: "SRC", custodial: true });
  const dst = await node.registrar.create({ slug: "dst", name: "DST" });
  return { src: src.id, dst: dst.id };
}

async function warn(node: TocsinNode, p: { src: string; dst: string }, at: number, name: string, deadlines: { receipt?: number; assessment?: number }): Promise<string> {
  const w = buildWarning({ id: p.src }, { at, name, recipients: [p.dst], windowStart: at, windowEnd: at + 30 * DAY, probability: 0.5, tlp: "CLEAR", deadlines });
  return (await node.admission.admit(await node.parties.require(p.src), [w]))[0]!.id;
}

async function escalations(store: Store): Promise<[string, string][]> {
  return (await store.listRecords({ kind: "escalation", limit: 100 })).map((r) => [r.warningRef!, JSON.parse(r.body).deadline_kind as string]);
}

test("deadline index: a store of schema 7 is filled from its log when first opened, and escalates from it", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-deadline-migrate-"));
  const clock = new TestClock(T0);
  const config = parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0 });
  try {
    let node = await openNode(config, { clock });
    const ids: string[] = [];
    let p: { src: string; dst: string };
    try {
      p = await parties(node);
      ids.push(await warn(node, p, T0, "Third", { receipt: T0 + 3 * HOUR }));
      ids.push(await warn(node, p, T0, "First", { receipt: T0 + HOUR, assessment: T0 + 5 * HOUR }));
      ids.push(await warn(node, p, T0, "No deadline", {}));
      ids.push(await warn(node, p, T0, "Second", { receipt: T0 + 2 * HOUR }));
    } finally {
      await node.close();
    }
    // The same store as version 7 held it: its records, none of the later versions' tables (the deadline
    // table among them), no follower positions.
    const db = new Database(join(dir, SQLITE_FILE));
    for (const v of SCHEMA.filter((v) => v.version > 7).reverse()) for (const s of v.steps) if ("table" in s) db.exec(`DROP TABLE ${s.table.name}`);
    // Version 10's mark of each id's latest live version.
    db.exec("ALTER TABLE record DROP COLUMN latest");
    db.exec("DELETE FROM federation_cursor WHERE name LIKE 'escalation:%' OR name LIKE 'deadline-notice:%'");
    db.pragma("user_version = 7");
    db.close();

    node = await openNode(config, { clock });
    try {
      const [third, first, , second] = ids as [string, string, string, string];
      assert.deepEqual(
        await node.store.earliestDeadlines("escalation", 10),
        [
          { key: first, dueMs: T0 + HOUR },
          { key: second, dueMs: T0 + 2 * HOUR },
          { key: third, dueMs: T0 + 3 * HOUR },
        ],
        "each warning at its earliest deadline; none for the warning without deadlines",
      );
      const lastWarning = Math.max(...(await node.store.listRecords({ kind: "warning", limit: 10 })).map((r) => r.logIndex));
      assert.equal(await node.store.cursor("escalation:warning"), lastWarning, "the fill's position is saved with it");
      assert.equal((await node.store.earliestDeadlines("deadline-notice", 10)).length, 3, "the deadline notices' queue is filled too");

      clock.advance(HOUR + 1);
      assert.equal(await node.escalator.tick(), 1);
      clock.advance(2 * HOUR);
      assert.equal(await node.escalator.tick(), 2);
      clock.advance(2 * HOUR);
      assert.equal(await node.escalator.tick(), 1, "the first warning's assessment, its next deadline");
      assert.equal(await node.escalator.tick(), 0);
      assert.deepEqual((await escalations(node.store)).sort(), [[first, "receipt"], [second, "receipt"], [third, "receipt"], [first, "assessment"]].sort());
      assert.deepEqual(await node.store.earliestDeadlines("escalation", 10), [], "nothing more can be owed: the index is empty");
    } finally {
      await node.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deadline index: memory holds only the earliest rows; a deadline beyond them is escalated on time, once", { timeout: 60_000 }, async () => {
  const clock = new TestClock(T0);
  const h = await NodeHarness.start({ clock });
  try {
    const p = await parties(h.node);
    // Deadlines one to eight hours out, admitted out of order.
    const byHour = new Map<number, string>();
    for (const hour of [5, 2, 8, 1, 7, 3, 6, 4]) byHour.set(hour, await warn(h.node, p, T0, `In ${hour} h`, { receipt: T0 + hour * HOUR }));
    const node = (await h.node.parties.get(NODE_PARTY_SLUG))!;
    const escalator = new Escalator({ store: h.node.store, admission: h.node.admission, states: h.node.admission.states, clock, node, logger: pino({ level: "silent" }), inMemory: 2 });
    await escalator.start(0);
    assert.ok(escalator.inMemory <= 2, `memory holds the two earliest (${escalator.inMemory})`);
    // A warning due before everything memory holds, admitted after the start.
    clock.advance(10 * 60_000);
    const soon = await warn(h.node, p, clock.now(), "Soon", { receipt: T0 + 30 * 60_000 });
    clock.t = T0 + 31 * 60_000;
    assert.equal(await escalator.tick(), 1);
    assert.deepEqual((await escalations(h.node.store)).map(([w]) => w), [soon]);
    for (let hour = 1; hour <= 8; hour++) {
      clock.t = T0 + hour * HOUR + 1;
      assert.equal(await escalator.tick(), 1, `hour ${hour}: one escalation`);
      const escalated = (await escalations(h.node.store)).map(([w]) => w);
      assert.equal(escalated.length, hour + 1);
      assert.ok(escalated.includes(byHour.get(hour)!), `hour ${hour}: the warning due then`);
      assert.ok(escalator.inMemory <= 4, `memory stays bounded (${escalator.inMemory})`);
    }
    assert.equal(await escalator.tick(), 0);
    assert.equal((await escalations(h.node.store)).length, 9, "each once");
  } finally {
    await h.close();
  }
});

test("deadline index: a crash between an append and the index write loses nothing and repeats nothing", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-deadline-crash-"));
  const clock = new TestClock(T0);
  const config = parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0 });
  try {
    // 1. A warning is appended; the process ends before the escalator follows it (no tick after the append).
    let node = await openNode(config, { clock });
    let p: { src: string; dst: string };
    let id: string;
    try {
      p = await parties(node);
      id = await warn(node, p, T0, "Unfollowed", { receipt: T0 + HOUR, assessment: T0 + 3 * HOUR });
      assert.equal(await node.store.cursor("escalation:warning"), -1, "the escalator has not written the warning");
    } finally {
      await node.close();
    }
    // 2. The next process follows it from the saved position; its escalation is appended, but the process
    // fails before writing the index (the write is refused, as if the process had died there).
    node = await openNode(config, { clock });
    try {
      assert.equal(await node.store.cursor("escalation:warning"), (await node.store.recordVersions(id))[0]!.logIndex, "followed at start");
      assert.deepEqual(await node.store.earliestDeadlines("escalation", 10), [{ key: id, dueMs: T0 + HOUR }]);
      node.escalator.stop();
      clock.t = T0 + 2 * HOUR;
      const dying = new Proxy(node.store, {
        get(target, prop) {
          const v = Reflect.get(target, prop, target) as unknown;
          if (prop === "saveDeadlines") return () => Promise.reject(new Error("process died"));
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const me = (await node.parties.get(NODE_PARTY_SLUG))!;
      const escalator = new Escalator({ store: dying, admission: node.admission, states: node.admission.states, clock, node: me, logger: pino({ level: "silent" }) });
      await escalator.start(0);
      assert.deepEqual(await escalations(node.store), [[id, "receipt"]], "the receipt escalated");
      assert.deepEqual(await node.store.earliestDeadlines("escalation", 10), [{ key: id, dueMs: T0 + HOUR }], "the index still says: look at the receipt deadline");
    } finally {
      await node.close();
    }
    // 3. Restarted: the receipt is looked at again and not escalated twice; the assessment is, at its deadline.
    node = await openNode(config, { clock });
    try {
      assert.deepEqual(await escalations(node.store), [[id, "receipt"]], "not repeated at start");
      assert.deepEqual(await node.store.earliestDeadlines("escalation", 10), [{ key: id, dueMs: T0 + 3 * HOUR }], "moved to the next deadline");
      clock.t = T0 + 3 * HOUR;
      assert.equal(await node.escalator.tick(), 1);
      assert.deepEqual((await escalations(node.store)).sort(), [[id, "assessment"], [id, "receipt"]]);
    } finally {
      await node.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deadline index: a start reads the log only after the saved positions", { timeout: 60_000 }, async () => {
  const clock = new TestClock(T0);
  const h = await NodeHarness.start({ clock });
  try {
    const p = await parties(h.node);
    for (let i = 0; i < 30; i++) await warn(h.node, p, T0, `W${i}`, { receipt: T0 + DAY + i });
    await h.node.escalator.tick();
    let handed = 0;
    const counting = new Proxy(h.node.store, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target) as unknown;
        if (typeof v !== "function") return v;
        if (prop === "recordsAfter") return async (...a: unknown[]) => { const rows = await (v as (...x: unknown[]) => Promise<unknown[]>).apply(target, a); handed += rows.length; return rows; };
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
    const node = (await h.node.parties.get(NODE_PARTY_SLUG))!;
    const escalator = new Escalator({ store: counting, admission: h.node.admission, states: h.node.admission.states, clock, node, logger: pino({ level: "silent" }) });
    await escalator.start(0);
    assert.equal(handed, 0, "no record read again");
    await warn(h.node, p, T0, "New", { receipt: T0 + HOUR });
    await escalator.tick();
    assert.equal(handed, 1, "only the new version");
    clock.t = T0 + HOUR;
    assert.equal(await escalator.tick(), 1);
  } finally {
    await h.close();
  }
});
