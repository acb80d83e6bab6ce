/**
 * Notifications across real processes: webhook deliveries survive a kill -9 of the node (the queue is
 * a table; the restarted node sends what was owed, with the same message id), and on PostgreSQL a
 * record admitted by one process reaches a party's event stream served by another, while webhooks are
 * sent by one process only (the one holding the sequencing lease), each message once.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { verifyWebhook } from "../core/notify/index.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { SseClient } from "../testing/sse-client.js";
import { WebhookReceiver } from "../testing/webhook-receiver.js";
import { cleanup, httpExchange, runCli, startServer, tempDir } from "./harness.js";

const HOOK_ARGS = ["--webhook-allow-private", "--webhook-retry-base", "100", "--webhook-interval", "50"];
const receivers: WebhookReceiver[] = [];
let db: TestDatabase | undefined;
after(async () => {
  for (const r of receivers) await r.stop();
  await cleanup();
  await db?.drop();
});

async function parties(dir: string, extra: string[] = []): Promise<{ src: { id: string; token: string }; dst: { id: string; token: string } }> {
  const src = JSON.parse((await runCli(["party", "create", "src", "--name", "Source", "--custodial", "--data", dir, ...extra])).stdout);
  const dst = JSON.parse((await runCli(["party", "create", "dst", "--name", "Dest", "--custodial", "--data", dir, ...extra])).stdout);
  return { src, dst };
}

async function postWarning(base: string, src: { id: string; token: string }, to: string, name: string): Promise<string> {
  const at = Date.now();
  const w = buildWarning({ id: src.id }, { at, name, recipients: [to], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR" });
  const r = await httpExchange(`${base}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: { authorization: `Bearer ${src.token}` } });
  assert.equal(r.status, 201, r.body);
  return w.id as string;
}

async function addHook(base: string, token: string, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const r = await httpExchange(`${base}/api/v1/webhooks`, { method: "POST", body: JSON.stringify({ url, events }), headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 201, r.body);
  return JSON.parse(r.body) as { id: string; secret: string };
}

async function deliveries(base: string, token: string, hook: string): Promise<{ state: string; attempts: number; lastError?: string }[]> {
  const r = await httpExchange(`${base}/api/v1/webhooks/${hook}/deliveries`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { deliveries: { state: string; attempts: number; lastError?: string }[] }).deliveries;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a webhook delivery owed when the node is killed is sent by the restarted node", { timeout: 90_000 }, async () => {
  const dir = tempDir("hook-restart");
  const { src, dst } = await parties(dir);
  const receiver = await WebhookReceiver.start();
  receivers.push(receiver);
  await receiver.stop(); // down: its port is known, nothing listens
  const first = await startServer(dir, HOOK_ARGS);
  const hook = await addHook(first.url, dst.token, receiver.url, ["inbox"]);
  const warning = await postWarning(first.url, src, dst.id, "Owed across a crash");
  const failed = await until("a failed attempt", async () => {
    const log = await deliveries(first.url, dst.token, hook.id);
    return log[0] && log[0].attempts >= 1 ? log[0] : undefined;
  });
  assert.equal(failed.state, "queued");
  assert.match(failed.lastError ?? "", /ECONNREFUSED/);
  await first.kill9();
  await receiver.listen();
  const second = await startServer(dir, HOOK_ARGS);
  const delivered = await until("the delivery", async () => (receiver.received.length > 0 ? receiver.received[0] : undefined));
  const h = delivered.headers;
  assert.ok(verifyWebhook(hook.secret, String(h["webhook-id"]), Number(h["webhook-timestamp"]), delivered.body, String(h["webhook-signature"])));
  assert.equal(JSON.parse(delivered.body).data.warningId, warning);
  const log = await until("the log to say delivered", async () => {
    const l = await deliveries(second.url, dst.token, hook.id);
    return l[0]?.state === "delivered" ? l : undefined;
  });
  assert.equal(log.length, 1, "one delivery, not queued again by the restarted node");
  assert.ok(log[0]!.attempts >= 2, `attempts: ${log[0]!.attempts}`);
  await second.stop();
});

test("postgres: a record admitted by one process reaches a stream served by another; webhooks are sent once", { timeout: 90_000 }, async () => {
  db = await createTestDatabase("events");
  const dir = tempDir("pg-events");
  const { src, dst } = await parties(dir, ["--db", db.url]);
  const p1 = await startServer(dir, ["--db", db.url, ...HOOK_ARGS]);
  const p2 = await startServer(dir, ["--db", db.url, ...HOOK_ARGS]);
  const receiver = await WebhookReceiver.start();
  receivers.push(receiver);
  await addHook(p2.url, dst.token, receiver.url, []);
  const stream = await SseClient.open(`${p2.url}/api/v1/events`, { authorization: `Bearer ${dst.token}` });
  assert.equal(stream.status, 200);
  const ids = [await postWarning(p1.url, src, dst.id, "Through process 1"), await postWarning(p2.url, src, dst.id, "Through process 2")];
  assert.ok(await stream.waitFor((es) => es.filter((e) => e.event === "inbox").length === 2, 20_000), `events: ${JSON.stringify(stream.events)}`);
  assert.deepEqual(stream.events.filter((e) => e.event === "inbox").map((e) => e.data.warningId), ids);
  // Two events per warning (record, inbox), each delivered once, though both processes run.
  await until("four deliveries", async () => (receiver.received.length >= 4 ? true : undefined));
  await new Promise((r) => setTimeout(r, 1000));
  const messageIds = receiver.received.map((d) => String(d.headers["webhook-id"]));
  assert.equal(messageIds.length, 4, `received ${messageIds.length}`);
  assert.equal(new Set(messageIds).size, 4, "no message twice");
  await stream.close();
  await p2.stop();
  await p1.stop();
});
