import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { buildWarning } from "../client/record-builders.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { SseClient } from "../testing/sse-client.js";

/*
 * GET /api/v1/events over real HTTP on loopback, read by a real SSE client: what a party's stream
 * carries (and what TLP keeps out of it), resuming by Last-Event-ID, the per-party limit and what a
 * closed stream gives back, the refusals.
 */

const HOUR = 3_600_000;
let h: NodeHarness;
let base: string;
let src: TestParty, dst: TestParty, other: TestParty;
const clock = new TestClock(Date.parse("2026-03-01T10:00:00Z"));

before(async () => {
  h = await NodeHarness.start({ clock, config: { eventsPollMs: 20, eventsPerParty: 2, eventsKeepAliveMs: 200, deadlineLeadMs: HOUR } });
  base = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
  src = await h.party("src");
  dst = await h.party("dst");
  other = await h.party("other");
});
after(async () => {
  await h.close();
});

/** Open streams of the node (a function: each read is fresh). */
const openStreams = (): number => h.node.eventHub.open;

const stream = (who: TestParty | undefined, extra: Record<string, string> = {}, query = "") =>
  SseClient.open(`${base}/api/v1/events${query}`, { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...extra });

let n = 0;
async function warn(to: TestParty, tlp: "CLEAR" | "RED", deadlines: { receipt?: number } = {}): Promise<string> {
  const at = clock.now();
  const w = buildWarning(src, { at, name: `Warning ${++n}`, recipients: [to.id], windowStart: at, windowEnd: at + 24 * HOUR, probability: 0.5, tlp, deadlines });
  const r = await h.post(src, w);
  assert.equal(r.statusCode, 201, r.body);
  return w.id as string;
}

test("a party's stream: an inbox event for a warning addressed to it, nothing of a thread TLP hides from it", async () => {
  const s = await stream(dst);
  assert.equal(s.status, 200);
  const hidden = await warn(other, "RED");
  const mine = await warn(dst, "CLEAR");
  assert.ok(await s.waitFor((es) => es.some((e) => e.event === "inbox")), "the inbox event arrives");
  const inbox = s.events.find((e) => e.event === "inbox")!;
  assert.equal(inbox.data.type, "inbox");
  assert.equal(inbox.data.warningId, mine);
  assert.equal(typeof inbox.data.summary, "string");
  assert.ok(!Number.isNaN(Date.parse(inbox.data.at as string)));
  assert.ok(s.events.some((e) => e.event === "record" && e.data.warningId === mine), "and the record event of its thread");
  assert.ok(!s.events.some((e) => e.data.warningId === hidden), "the RED warning to another party, posted first, never appears");
  // The author hears of its own thread as a record, never as its inbox.
  const a = await stream(src, { "last-event-id": "0.0.0" });
  assert.ok(await a.waitFor((es) => es.some((e) => e.data.warningId === mine)));
  assert.ok(a.events.some((e) => e.data.warningId === hidden), "the author reads its RED warning");
  assert.ok(!a.events.some((e) => e.event === "inbox"));
  await Promise.all([s.close(), a.close()]);
});

test("Last-Event-ID resumes exactly: every event after it, once, in order of increasing id", async () => {
  const s = await stream(dst, {}, "?types=inbox");
  const first = await warn(dst, "CLEAR");
  assert.ok(await s.waitFor((es) => es.length === 1));
  assert.equal(s.events[0]!.data.warningId, first);
  const lastId = s.events[0]!.id;
  await s.close();
  const missed = [await warn(dst, "CLEAR"), await warn(other, "CLEAR"), await warn(dst, "CLEAR")];
  const r = await stream(dst, { "last-event-id": lastId }, "?types=inbox");
  assert.ok(await r.waitFor((es) => es.length >= 2));
  await new Promise((ok) => setTimeout(ok, 200));
  assert.deepEqual(r.events.map((e) => e.data.warningId), [missed[0], missed[2]], "the two inbox events missed while away, and no others");
  const ids = [lastId, ...r.events.map((e) => e.id)].map((id) => id.split(".").map(Number));
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i]![0]! > ids[i - 1]![0]! || (ids[i]![0] === ids[i - 1]![0] && ids[i]![1]! > ids[i - 1]![1]!), "ids increase");
  await r.close();
});

test("escalation and deadline events reach the recipient", async () => {
  const s = await stream(dst, {}, "?types=deadline,escalation");
  const id = await warn(dst, "CLEAR", { receipt: clock.now() + 2 * HOUR });
  await h.node.deadlineNotifier.tick();
  clock.advance(1.5 * HOUR);
  assert.equal(await h.node.deadlineNotifier.tick(), 1, "one deadline notice, an hour before");
  assert.equal(await h.node.deadlineNotifier.tick(), 0, "and only one");
  assert.ok(await s.waitFor((es) => es.some((e) => e.event === "deadline")));
  assert.equal(s.events.find((e) => e.event === "deadline")!.data.warningId, id);
  clock.advance(HOUR);
  await h.node.escalator.start(0);
  assert.ok(await s.waitFor((es) => es.some((e) => e.event === "escalation")), "the escalation of the missed receipt");
  assert.equal(s.events.find((e) => e.event === "escalation")!.data.warningId, id);
  await s.close();
});

test("streams per party are limited, and a stream the client closes frees everything", async () => {
  const a = await stream(other);
  const b = await stream(other);
  const c = await stream(other);
  assert.equal(c.status, 429);
  assert.equal(c.problem?.code, "NOTIFY_TOO_MANY_STREAMS");
  assert.equal(openStreams(), 2);
  await a.close();
  const until = Date.now() + 5000;
  while (openStreams() !== 1 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(openStreams(), 1, "the closed stream gave its place back");
  const d = await stream(other);
  assert.equal(d.status, 200);
  await Promise.all([b.close(), d.close()]);
  while (openStreams() !== 0 && Date.now() < until + 5000) await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(openStreams(), 0);
});

test("a quiet stream gets keep-alive comments", async () => {
  const s = await stream(other);
  const until = Date.now() + 3000;
  while (s.comments < 3 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 50));
  assert.ok(s.comments >= 3, `keep-alives: ${s.comments}`);
  await s.close();
});

test("refusals are coded problems: no credentials, a bad Last-Event-ID, an unknown type", async () => {
  assert.equal((await stream(undefined)).status, 401);
  const bad = await stream(dst, { "last-event-id": "yesterday" });
  assert.equal(bad.status, 400);
  assert.equal(bad.problem?.code, "NOTIFY_BAD_EVENT_ID");
  const unknown = await stream(dst, {}, "?types=inbox,gossip");
  assert.equal(unknown.status, 400);
  assert.equal(unknown.problem?.code, "NOTIFY_UNKNOWN_EVENT_TYPE");
  const extra = await stream(dst, {}, "?since=1");
  assert.equal(extra.status, 400);
  assert.equal(extra.problem?.code, "HTTP_BAD_PARAMETER");
});

test("a client that stops reading is dropped with a reconnect event, frees its stream, and resumes losing nothing", async () => {
  // Over a Unix socket (real HTTP, small kernel buffers: ~64 KiB fill them, where loopback TCP takes MBs).
  const slow = await NodeHarness.start({ config: { eventsPollMs: 20, eventsMaxBufferedBytes: 1024, eventsStallMs: 300, eventsKeepAliveMs: 60_000 } });
  const path = join(slow.dir, "events.sock");
  await slow.node.app.listen({ path });
  const slowOpen = (): number => slow.node.eventHub.open;
  try {
    const author = await slow.party("author");
    const reader = await slow.party("reader");
    const socket = connect(path);
    await new Promise<void>((ok) => socket.once("connect", ok));
    socket.write(`GET /api/v1/events HTTP/1.1\r\nHost: tocsin\r\nAuthorization: Bearer ${reader.token}\r\nAccept: text/event-stream\r\n\r\n`);
    let text = "";
    socket.setEncoding("utf8");
    // Paused mode from the start: read the response head, then nothing more.
    while (!text.includes("\r\n\r\n")) {
      await new Promise<void>((ok) => socket.once("readable", ok));
      let chunk: string | null;
      while ((chunk = socket.read(1) as string | null) !== null && !(text += chunk).includes("\r\n\r\n"));
    }
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.equal(slowOpen(), 1);
    const at = clock.now();
    const batch = Array.from({ length: 600 }, (_, i) =>
      buildWarning(author, { at, name: `Flood ${i} ${"x".repeat(200)}`, recipients: [reader.id], windowStart: at, windowEnd: at + 24 * HOUR, probability: 0.5, tlp: "CLEAR" }),
    );
    assert.equal((await slow.post(author, batch)).statusCode, 201);
    // The server gives up on the stream: its place is free while the client still has not read a byte.
    const until = Date.now() + 15_000;
    while (slowOpen() !== 0 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 20));
    assert.equal(slowOpen(), 0, "the stalled stream was dropped and freed");
    // Now the client reads what reached it, and resumes from its last event.
    const closed = new Promise<void>((ok) => socket.once("close", () => ok()));
    socket.on("data", (s: string) => (text += s));
    socket.resume();
    await closed;
    const body = dechunk(text);
    const all = [...body.matchAll(/^id: (\S+)\nevent: (\S+)\ndata: (.*)\n\n/gm)].map((m) => ({ id: m[1]!, event: m[2]!, warningId: (JSON.parse(m[3]!) as { warningId: string }).warningId }));
    const got = all.filter((e) => e.event === "inbox");
    assert.ok(got.length > 0 && got.length < batch.length, `some events arrived before the drop: ${got.length}`);
    // The last event a reader gets is the reconnect, if the buffer it sat behind was delivered; either way the last id resumes.
    const lastId = all.filter((e) => e.event !== "reconnect").at(-1)!.id;
    const resumed = await unixEvents(path, reader.token, lastId, batch.length - got.length);
    assert.deepEqual([...got.map((g) => g.warningId), ...resumed], batch.map((w) => w.id), "every inbox event exactly once, in order");
  } finally {
    await slow.close();
  }
});

/** The body of a chunked HTTP/1.1 response as far as it came (SSE data holds no CR, so a chunk line is recognisable). */
function dechunk(raw: string): string {
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 2);
  return body.replace(/\r\n[0-9a-f]+\r\n/g, "");
}

/** Reads `count` inbox events (and the record events beside them) from a stream over the Unix socket, resuming after `lastId`. */
async function unixEvents(path: string, token: string, lastId: string, count: number): Promise<string[]> {
  const socket = connect(path);
  socket.setEncoding("utf8");
  socket.write(`GET /api/v1/events?types=inbox,record HTTP/1.1\r\nHost: tocsin\r\nAuthorization: Bearer ${token}\r\nLast-Event-ID: ${lastId}\r\n\r\n`);
  let text = "";
  const ids = () => [...dechunk(text).matchAll(/^event: inbox\ndata: (.*)\n\n/gm)].map((m) => (JSON.parse(m[1]!) as { warningId: string }).warningId);
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`resumed stream: ${ids().length} of ${count}`)), 15_000);
    socket.on("data", (s: string) => {
      text += s;
      if (ids().length >= count) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  socket.destroy();
  return ids();
}

test("closing the node ends its open streams (the server does not wait for them)", async () => {
  const other = await NodeHarness.start({ config: { eventsKeepAliveMs: 60_000 } });
  const url = await other.node.app.listen({ host: "127.0.0.1", port: 0 });
  const p = await other.party("pp");
  const s = await SseClient.open(`${url}/api/v1/events`, { authorization: `Bearer ${p.token}` });
  assert.equal(s.status, 200);
  const started = Date.now();
  await other.close();
  assert.ok(Date.now() - started < 5000, `closed in ${Date.now() - started} ms`);
  assert.ok(await s.waitFor(() => s.ended, 5000), "the client sees its stream end");
  await s.close();
});
