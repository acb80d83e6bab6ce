/**
 * `tocsin webhook add | list | deliveries | remove` against a real node on loopback, as a party with a
 * saved profile: the secret is printed once and verifies the deliveries a real receiver gets; bad input
 * is one line with its code and exit 2.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWarning } from "../client/record-builders.js";
import { verifyWebhook } from "../core/notify/index.js";
import { NodeHarness, type TestParty } from "../testing/node-harness.js";
import { WebhookReceiver } from "../testing/webhook-receiver.js";
import { main } from "./main.js";

const home = mkdtempSync(join(tmpdir(), "tocsin-webhook-cli-"));
let h: NodeHarness;
let receiver: WebhookReceiver;
let src: TestParty, dst: TestParty;

before(async () => {
  process.env.TOCSIN_HOME = home;
  delete process.env.TOCSIN_PROFILE;
  h = await NodeHarness.start({ config: { webhookAllowPrivate: true, webhookIntervalMs: 3_600_000 } });
  const url = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
  src = await h.party("src");
  dst = await h.party("dst", { custodial: true });
  receiver = await WebhookReceiver.start();
  assert.equal((await run(["login", "--node", url, "--party", "dst", "--token", dst.token])).status, 0);
});
after(async () => {
  await receiver.stop();
  await h.close();
  rmSync(home, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    const status = await main(argv, (s) => void (out += s));
    return { status, out, err };
  } finally {
    process.stderr.write = write;
  }
}

test("webhook add prints the secret once; deliveries verify with it; list, deliveries and remove", async () => {
  const added = await run(["webhook", "add", receiver.url, "--events", "inbox", "--json"]);
  assert.equal(added.status, 0, added.err);
  const hook = JSON.parse(added.out) as { id: string; secret: string; events: string[] };
  assert.deepEqual(hook.events, ["inbox"]);
  const at = Date.now();
  const w = buildWarning(src, { at, name: "For the hook", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.4, tlp: "CLEAR" });
  assert.equal((await h.post(src, w)).statusCode, 201);
  await h.node.webhooks.tick();
  assert.equal(receiver.received.length, 1);
  const d = receiver.received[0]!;
  assert.ok(verifyWebhook(hook.secret, String(d.headers["webhook-id"]), Number(d.headers["webhook-timestamp"]), d.body, String(d.headers["webhook-signature"])));
  const list = await run(["webhook", "list"]);
  assert.match(list.out, new RegExp(`${hook.id}\\s+${receiver.url.replace(/[.?]/g, "\\$&")}\\s+inbox`));
  assert.doesNotMatch(list.out, /whsec_/, "the secret is never listed");
  const log = await run(["webhook", "deliveries", hook.id]);
  assert.match(log.out, /inbox\s+delivered\s+1 attempt, last HTTP 200/);
  assert.equal((await run(["webhook", "remove", hook.id])).status, 0);
  assert.equal((await run(["webhook", "list"])).out, "no webhooks\n");
});

test("bad webhook input: one line with the node's code, exit 2", async () => {
  for (const [argv, code] of [
    [["webhook", "add", "ftp://example.org/"], /NOTIFY_WEBHOOK_URL_INVALID/],
    [["webhook", "add", receiver.url, "--events", "gossip"], /NOTIFY_UNKNOWN_EVENT_TYPE/],
    [["webhook", "remove", "wh_none"], /NOTIFY_WEBHOOK_NOT_FOUND/],
    [["webhook", "deliveries", "wh_none", "--limit", "0"], /--limit/],
    [["webhook", "add"], /one URL/],
  ] as const) {
    const r = await run([...argv]);
    assert.equal(r.status, 2, argv.join(" "));
    assert.equal(r.err.trimEnd().split("\n").length, 1);
    assert.match(r.err, code);
  }
});
