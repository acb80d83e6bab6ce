/**
 * The escalator as a follower of the log: idle work per tick that does not grow with open warnings,
 * work bounded by what is due, deadlines missed while the node was down escalated once at the next
 * start, and failures logged and retried rather than swallowed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWarning } from "../client/record-builders.js";
import { parseConfig } from "../node/config.js";
import { NODE_PARTY_SLUG } from "./node-party.js";
import { openNode } from "../node/node.js";
import type { Store } from "../store/store.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import type { Admission } from "./admission.js";
import { Escalator } from "./escalator.js";
import { pino } from "pino";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The real store, counting every call made through it. */
function countingStore(store: Store): { store: Store; calls: () => number; reset: () => void } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, p) {
      const v = Reflect.get(target, p, target) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls: () => calls, reset: () => void (calls = 0) };
}

async function postWarnings(h: NodeHarness, source: TestParty, recipient: TestParty, n: number, deadlines: { receipt: number; assessment?: number }): Promise<string[]> {
  const row = await h.node.parties.require(source.id);
  const ids: string[] = [];
  for (let done = 0; done < n; ) {
    const batch = [];
    for (; batch.length < 500 && done < n; done++) {
      const at = h.clock.now();
      batch.push(buildWarning(source, { at, name: `Open ${done}`, recipients: [recipient.id], windowStart: at, windowEnd: at + 30 * DAY, probability: 0.5, tlp: "CLEAR", deadlines }));
    }
    for (const a of await h.node.admission.admit(row, batch)) ids.push(a.id);
  }
  return ids;
}

test("escalator: an idle tick's work does not depend on the number of open warnings; a busy one, on what is due", { timeout: 120_000 }, async () => {
  const clock = new TestClock(Date.parse("2026-03-01T00:00:00.000Z"));
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("src");
    const recipient = await h.party("dst");
    const node = (await h.node.parties.get(NODE_PARTY_SLUG))!;
    const counted = countingStore(h.node.store);
    let folds = 0;
    const states = { get: (id: string) => (folds++, h.node.admission.states.get(id)) };
    // The admission it escalates through, reading states through the counter too.
    const admission = { admit: (p: Parameters<Admission["admit"]>[0], o: readonly unknown[]) => h.node.admission.admit(p, o), states } as unknown as Admission;
    const escalator = new Escalator({ store: counted.store, admission, states, clock, node, logger: pino({ level: "silent" }) });

    const idleTick = async () => {
      counted.reset();
      folds = 0;
      assert.equal(await escalator.tick(), 0);
      return { reads: counted.calls(), folds };
    };
    const t0 = clock.now();
    await postWarnings(h, source, recipient, 10, { receipt: t0 + DAY, assessment: t0 + 2 * DAY });
    await escalator.start(0); // rebuilds its index from the log
    const few = await idleTick();
    await postWarnings(h, source, recipient, 1500, { receipt: t0 + DAY, assessment: t0 + 2 * DAY });
    await escalator.start(0);
    const many = await idleTick();
    assert.deepEqual(many, few, "1 510 open warnings cost an idle tick what 10 do");
    assert.equal(many.folds, 0, "no warning is looked at before its deadline");
    assert.ok(many.reads <= 2, `an idle tick reads the log's tail once (${many.reads} store calls)`);

    // One warning due sooner: the tick looks at it alone and escalates it, once.
    clock.advance(HOUR);
    const [soon] = await postWarnings(h, source, recipient, 1, { receipt: clock.now() + HOUR });
    clock.advance(2 * HOUR);
    counted.reset();
    folds = 0;
    assert.equal(await escalator.tick(), 1, "the missed receipt is escalated");
    assert.equal(folds, 1, "only the due warning is folded");
    assert.ok(counted.calls() <= 4, `store calls bounded by what is due (${counted.calls()})`);
    assert.equal(await escalator.tick(), 0, "exactly once");
    const logged = await h.node.store.listRecords({ kind: "escalation", limit: 10 });
    assert.deepEqual(logged.map((r) => r.warningRef), [soon]);
  } finally {
    await h.close();
  }
});

test("escalator: deadlines missed while the node was down are escalated once at the next start", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-escalator-"));
  const clock = new TestClock(Date.parse("2026-03-01T00:00:00.000Z"));
  const config = parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0 });
  try {
    let node = await openNode(config, { clock });
    const t0 = clock.now();
    let warningId: string;
    try {
      const source = await node.registrar.create({ slug: "src", name: "SRC", custodial: true });
      const recipient = await node.registrar.create({ slug: "dst", name: "DST" });
      const row = await node.parties.require(source.id);
      // Unsigned: the node signs for its custodial author.
      const w = buildWarning({ id: source.id }, { at: t0, name: "Before the outage", recipients: [recipient.id], windowStart: t0, windowEnd: t0 + 30 * DAY, probability: 0.6, tlp: "CLEAR", deadlines: { receipt: t0 + HOUR, assessment: t0 + DAY } });
      warningId = (await node.admission.admit(row, [w]))[0]!.id;
    } finally {
      await node.close();
    }
    // Down for three days: both deadlines pass with nobody watching.
    clock.advance(3 * DAY);
    node = await openNode(config, { clock });
    try {
      const escalations = await node.store.listRecords({ kind: "escalation", limit: 10 });
      assert.deepEqual(escalations.map((r) => [r.warningRef, JSON.parse(r.body).deadline_kind]), [[warningId, "receipt"], [warningId, "assessment"]]);
      assert.equal(await node.escalator.tick(), 0);
    } finally {
      await node.close();
    }
    node = await openNode(config, { clock });
    try {
      assert.equal((await node.store.listRecords({ kind: "escalation", limit: 10 })).length, 2, "a second start escalates nothing again");
    } finally {
      await node.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("escalator: a failing tick is logged and retried, not swallowed", { timeout: 60_000 }, async () => {
  const clock = new TestClock(Date.parse("2026-03-01T00:00:00.000Z"));
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("src");
    const recipient = await h.party("dst");
    const t0 = clock.now();
    await postWarnings(h, source, recipient, 1, { receipt: t0 + HOUR });
    clock.advance(2 * HOUR);
    // The store fails the escalator's first read (a database outage), then recovers.
    let failures = 1;
    const flaky = new Proxy(h.node.store, {
      get(target, p) {
        const v = Reflect.get(target, p, target) as unknown;
        if (p === "recordsAfter") {
          return (...args: unknown[]) => (failures-- > 0 ? Promise.reject(new Error("connection lost")) : (v as (...a: unknown[]) => unknown).apply(target, args));
        }
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    // A real pino logger, its JSON lines collected.
    const logged: { msg: string; err?: { message: string } }[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const node = (await h.node.parties.get(NODE_PARTY_SLUG))!;
    const escalator = new Escalator({ store: flaky, admission: h.node.admission, states: h.node.admission.states, clock, node, logger });
    await escalator.start(0);
    assert.equal(logged.length, 1, "the failure is logged");
    assert.match(logged[0]!.msg, /escalator/);
    assert.match(String(logged[0]!.err?.message), /connection lost/);
    assert.equal(await escalator.tick(), 1, "the next tick retries and escalates");
  } finally {
    await h.close();
  }
});
