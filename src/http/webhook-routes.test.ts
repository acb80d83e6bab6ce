import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { verifyWebhook } from "../core/notify/index.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { WebhookReceiver } from "../testing/webhook-receiver.js";

/*
 * Webhooks end to end: endpoints registered through the API, deliveries sent over real HTTP to a real
 * loopback receiver that checks each signature by the documented scheme (Standard Webhooks), retried
 * after a 500 and while the receiver is down, every attempt in the delivery log; hostile URLs and
 * other bad input refused with codes. The dispatcher is ticked by the test, under a test clock, so the
 * backoff is exact. (A restart of a real node process: src/reliability/webhook-restart.test.ts.)
 */

const HOUR = 3_600_000;
const clock = new TestClock(Date.parse("2026-03-02T08:00:00Z"));
let h: NodeHarness;
let strict: NodeHarness;
let src: TestParty, dst: TestParty;
let receiver: WebhookReceiver;

before(async () => {
  // webhookIntervalMs at its most: the test ticks the dispatcher itself.
  h = await NodeHarness.start({ clock, config: { webhookAllowPrivate: true, webhookRetryBaseMs: 1000, webhookMaxAttempts: 4, webhookIntervalMs: 3_600_000, webhookTimeoutMs: 2000 } });
  strict = await NodeHarness.start({ config: { webhookIntervalMs: 3_600_000 } });
  src = await h.party("src");
  dst = await h.party("dst");
  receiver = await WebhookReceiver.start();
});
after(async () => {
  await receiver.stop();
  await h.close();
  await strict.close();
});

async function api(node: NodeHarness, who: TestParty, method: "GET" | "POST" | "DELETE", url: string, payload?: object) {
  const r = await node.node.app.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, any>) : undefined };
}

let n = 0;
async function warn(to: TestParty): Promise<string> {
  const at = clock.now();
  const w = buildWarning(src, { at, name: `Hook ${++n}`, recipients: [to.id], windowStart: at, windowEnd: at + 24 * HOUR, probability: 0.5, tlp: "CLEAR" });
  assert.equal((await h.post(src, w)).statusCode, 201);
  return w.id as string;
}

test("a delivery is signed by the documented scheme, retried after a 500 and while the receiver is down, and logged", async () => {
  const created = await api(h, dst, "POST", "/api/v1/webhooks", { url: receiver.url, events: ["inbox"] });
  assert.equal(created.status, 201);
  const hook = created.body!;
  assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  const listed = await api(h, dst, "GET", "/api/v1/webhooks");
  assert.deepEqual(listed.body!.webhooks.map((w: { id: string }) => w.id), [hook.id]);
  assert.equal(listed.body!.webhooks[0].secret, undefined, "the secret is shown once, at creation");

  // First attempt: the receiver answers 500.
  receiver.answer = (i) => (i === 0 ? 500 : 200);
  const first = await warn(dst);
  await h.node.webhooks.tick();
  assert.equal(receiver.received.length, 1);
  let log = (await api(h, dst, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).body!.deliveries;
  assert.equal(log.length, 1);
  assert.equal(log[0].state, "queued");
  assert.equal(log[0].attempts, 1);
  assert.equal(log[0].lastStatus, 500);
  assert.match(log[0].lastError, /HTTP 500/);
  // Not before its backoff...
  await h.node.webhooks.tick();
  assert.equal(receiver.received.length, 1, "no retry before the backoff");
  clock.advance(1000);
  await h.node.webhooks.tick();
  assert.equal(receiver.received.length, 2, "retried after the backoff");
  log = (await api(h, dst, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).body!.deliveries;
  assert.equal(log[0].state, "delivered");
  assert.equal(log[0].attempts, 2);
  for (const d of receiver.received) {
    const ok = verifyWebhook(hook.secret, String(d.headers["webhook-id"]), Number(d.headers["webhook-timestamp"]), d.body, String(d.headers["webhook-signature"]));
    assert.ok(ok, "the signature verifies with the secret");
    assert.equal(d.headers["webhook-id"], receiver.received[0]!.headers["webhook-id"], "one message id across retries");
    const payload = JSON.parse(d.body);
    assert.equal(payload.type, "inbox");
    assert.equal(payload.data.warningId, first);
  }
  assert.ok(!verifyWebhook(hook.secret, String(receiver.received[0]!.headers["webhook-id"]), Number(receiver.received[0]!.headers["webhook-timestamp"]), receiver.received[0]!.body + "x", String(receiver.received[0]!.headers["webhook-signature"])));

  // The receiver goes away: attempts fail with the connection error, then it comes back.
  await receiver.stop();
  const second = await warn(dst);
  await h.node.webhooks.tick();
  log = (await api(h, dst, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).body!.deliveries;
  const pending = log.find((d: { state: string }) => d.state === "queued");
  assert.equal(pending.attempts, 1);
  assert.match(pending.lastError, /ECONNREFUSED/);
  clock.advance(1000);
  await h.node.webhooks.tick();
  assert.equal((await api(h, dst, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).body!.deliveries[0].attempts, 2);
  await receiver.listen();
  clock.advance(2000);
  await h.node.webhooks.tick();
  const last = receiver.received.at(-1)!;
  assert.equal(JSON.parse(last.body).data.warningId, second);
  log = (await api(h, dst, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).body!.deliveries;
  assert.deepEqual(
    log.map((d: { state: string; attempts: number }) => [d.state, d.attempts]),
    [
      ["delivered", 3],
      ["delivered", 2],
    ],
  );
  // Only the endpoint's own party sees it.
  assert.equal((await api(h, src, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).status, 404);
  assert.equal((await api(h, src, "DELETE", `/api/v1/webhooks/${hook.id}`)).status, 404);
  assert.equal((await api(h, dst, "DELETE", `/api/v1/webhooks/${hook.id}`)).status, 204);
  assert.deepEqual((await api(h, dst, "GET", "/api/v1/webhooks")).body!.webhooks, []);
});

test("a delivery that keeps failing is marked failed after the last attempt", async () => {
  receiver.answer = () => 503;
  const hook = (await api(h, dst, "POST", "/api/v1/webhooks", { url: receiver.url })).body!;
  await warn(dst);
  for (let i = 0; i < 6; i++) {
    await h.node.webhooks.tick();
    clock.advance(10_000);
  }
  const log = (await api(h, dst, "GET", `/api/v1/webhooks/${hook.id}/deliveries`)).body!.deliveries;
  assert.ok(log.length >= 2, "a record event and an inbox event (no filter)");
  for (const d of log) {
    assert.equal(d.state, "failed");
    assert.equal(d.attempts, 4);
    assert.equal(d.lastStatus, 503);
  }
  receiver.answer = () => 200;
  await api(h, dst, "DELETE", `/api/v1/webhooks/${hook.id}`);
});

test("hostile or bad webhook input is refused with a code", async () => {
  const refused = async (node: NodeHarness, who: TestParty, body: object) => {
    const r = await api(node, who, "POST", "/api/v1/webhooks", body);
    return [r.status, r.body?.code];
  };
  assert.deepEqual(await refused(h, dst, { url: "ftp://example.org/hook" }), [400, "NOTIFY_WEBHOOK_URL_INVALID"]);
  assert.deepEqual(await refused(h, dst, { url: "http://user:pw@127.0.0.1:1/hook" }), [400, "NOTIFY_WEBHOOK_URL_INVALID"]);
  assert.deepEqual(await refused(h, dst, { url: "not a url" }), [400, "NOTIFY_WEBHOOK_URL_INVALID"]);
  assert.deepEqual(await refused(h, dst, { url: receiver.url, events: ["inbox", "gossip"] }), [400, "NOTIFY_UNKNOWN_EVENT_TYPE"]);
  assert.deepEqual(await refused(h, dst, { url: receiver.url, secret: "mine" }), [400, "HTTP_BAD_REQUEST_BODY"]);
  assert.deepEqual(await refused(h, dst, { url: `http://x.invalid/${"a".repeat(3000)}` }), [400, "NOTIFY_WEBHOOK_URL_INVALID"]);
  // A node that does not allow internal addresses (the default) refuses loopback, private and metadata addresses.
  const who = await strict.party("who");
  for (const url of ["http://127.0.0.1:8080/", "http://[::1]/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data", "http://localhost/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[fd00::1]/", "http://0.0.0.0/"]) {
    assert.deepEqual(await refused(strict, who, { url }), [403, "NOTIFY_WEBHOOK_URL_FORBIDDEN"], url);
  }
  assert.equal((await api(h, dst, "GET", "/api/v1/webhooks/wh_nope/deliveries")).body!.code, "NOTIFY_WEBHOOK_NOT_FOUND");
  assert.equal((await api(h, dst, "DELETE", "/api/v1/webhooks/wh_nope")).status, 404);
  // At most ten endpoints per party.
  for (let i = 0; i < 10; i++) assert.equal((await api(h, dst, "POST", "/api/v1/webhooks", { url: `${receiver.url}?n=${i}` })).status, 201);
  assert.deepEqual(await refused(h, dst, { url: receiver.url }), [409, "NOTIFY_WEBHOOK_LIMIT"]);
  const unauth = await h.node.app.inject({ method: "POST", url: "/api/v1/webhooks", payload: { url: receiver.url } });
  assert.equal(unauth.statusCode, 401);
});
