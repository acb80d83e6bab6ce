import { test } from "node:test";
import assert from "node:assert/strict";
import { signWebhook, verifyWebhook } from "./webhook-signature.js";
import { formatEventId, parseEventId } from "./event-id.js";
import { sseEvent } from "./sse-frame.js";

// The Standard Webhooks repository's signature test vector (libraries' shared tests).
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

test("webhook signatures: the Standard Webhooks test vector", () => {
  assert.equal(signWebhook(SECRET, MSG, TS, BODY), SIGNATURE);
  assert.ok(verifyWebhook(SECRET, MSG, TS, BODY, `v1,bm90IGl0 ${SIGNATURE}`), "one of several signatures verifies");
  assert.ok(!verifyWebhook(SECRET, MSG, TS + 1, BODY, SIGNATURE), "another timestamp");
  assert.ok(!verifyWebhook(SECRET, MSG, TS, BODY + " ", SIGNATURE), "another body");
  assert.ok(!verifyWebhook("whsec_AAAA", MSG, TS, BODY, SIGNATURE), "another secret");
  assert.ok(!verifyWebhook(SECRET, MSG, TS, BODY, SIGNATURE.replace("v1,", "v2,")), "another scheme");
});

test("event ids: round trip, and anything else refused", () => {
  for (const p of [{ log: 0, sub: 0, notice: 0 }, { log: 12, sub: 2, notice: 7 }]) assert.deepEqual(parseEventId(formatEventId(p)), p);
  for (const bad of ["", "1.2", "01.0.0", "1.0.-1", "a.b.c", "1.0.0.0", "-1.0.0", "99999999999999999.0.0"]) assert.equal(parseEventId(bad), undefined, bad);
});

test("SSE framing: a hostile name cannot add a field", () => {
  const frame = sseEvent({ id: "1.1.0", data: { type: "record", at: "2026-01-01T00:00:00Z", summary: "x\n\nevent: inbox\ndata: {}" } });
  assert.equal(frame.split("\n\n").length, 2, "one event, ended once");
  assert.equal(frame.split("\n").filter((l) => l.startsWith("event:")).length, 1);
});
