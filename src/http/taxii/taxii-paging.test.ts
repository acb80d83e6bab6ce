import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { TLP_2_0_IDS } from "../../core/stix/tlp-markings.js";
import { parseConfig } from "../../node/config.js";
import { openNode } from "../../node/node.js";
import { NodeHarness } from "../../testing/node-harness.js";
import { basic, call, TAXII, type HttpAnswer } from "../../testing/taxii-http.js";

/*
 * `next` tokens are positions in date_added, not server memory: paging through a large collection
 * while another client inserts neither skips nor repeats anything, and a token survives a restart.
 * Objects are TLP:CLEAR notes posted by custodial parties (the node signs them), in envelopes of
 * 1 000, so preparing 10 000 records costs little.
 */

const SHARED = "/taxii2/exchange/collections/shared";

function notes(author: string, n: number, at: number, tag: string): Record<string, unknown>[] {
  const t = new Date(at).toISOString();
  return Array.from({ length: n }, (_, i) => ({
    type: "note",
    spec_version: "2.1",
    id: `note--${randomUUID()}`,
    created: t,
    modified: t,
    created_by_ref: author,
    content: `${tag} ${i}`,
    object_refs: [`indicator--${randomUUID()}`],
    object_marking_refs: [TLP_2_0_IDS.CLEAR],
  }));
}

async function postAll(base: string, who: { slug: string; token: string }, objects: Record<string, unknown>[], per: number): Promise<void> {
  for (let i = 0; i < objects.length; i += per) {
    const r = await call(base, `${SHARED}/objects/`, { who, body: { objects: objects.slice(i, i + per) } });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.failure_count, 0, r.text);
  }
}

test("paging through 10 000 objects with next while another client inserts: nothing skipped, nothing repeated", async () => {
  const h = await NodeHarness.start();
  try {
    const base = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
    const bulk = await h.party("bulk", { custodial: true });
    const live = await h.party("live", { custodial: true });
    const reader = await h.party("reader");
    const initial = notes(bulk.id, 10_000, h.clock.now(), "initial");
    await postAll(base, bulk, initial, 1000);

    const concurrent = notes(live.id, 600, h.clock.now(), "concurrent");
    let writerDone = false;
    const writer = (async () => {
      for (let i = 0; i < concurrent.length; i += 30) {
        await postAll(base, live, concurrent.slice(i, i + 30), 30);
        await new Promise((r) => setImmediate(r));
      }
      writerDone = true;
    })();

    const seen: string[] = [];
    let pages = 0;
    let lastAdded = "";
    let r: HttpAnswer = await call(base, `${SHARED}/objects/?limit=250`, { who: reader });
    for (;;) {
      assert.equal(r.status, 200, r.text);
      pages++;
      seen.push(...(r.json.objects ?? []).map((o: { id: string }) => o.id));
      lastAdded = r.headers.get("x-taxii-date-added-last") ?? lastAdded;
      if (!r.json.more) break;
      assert.ok(r.json.next, "more is true only with a next token");
      r = await call(base, `${SHARED}/objects/?limit=250&next=${r.json.next}`, { who: reader });
    }
    await writer;
    assert.ok(writerDone);
    // Catch up from the last date_added seen, as a polling client does (added_after is exclusive).
    for (;;) {
      const more = await call(base, `${SHARED}/objects/?limit=1000&added_after=${lastAdded}`, { who: reader });
      const got = (more.json.objects ?? []).map((o: { id: string }) => o.id);
      seen.push(...got);
      if (got.length === 0) break;
      lastAdded = more.headers.get("x-taxii-date-added-last")!;
    }
    assert.ok(pages >= 40, `paged ${pages} times`);
    assert.equal(new Set(seen).size, seen.length, "nothing repeated");
    const expected = new Set([...initial, ...concurrent].map((o) => o.id as string));
    assert.equal(seen.length, expected.size, "nothing skipped");
    for (const id of seen) assert.ok(expected.has(id));
    // The initial objects come in the order they were posted.
    const initialIds = new Set(initial.map((o) => o.id as string));
    const order = seen.filter((id) => initialIds.has(id));
    assert.deepEqual(order, initial.map((o) => o.id));
  } finally {
    await h.close();
  }
});

test("a next token survives a restart of the node", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-taxii-restart-"));
  try {
    const config = parseConfig({ dataDir: dir, escalationIntervalMs: 0 });
    let node = await openNode(config);
    const author = await node.registrar.create({ slug: "author", name: "Author", custodial: true });
    const who = { slug: "author", token: author.token };
    let base = await node.app.listen({ host: "127.0.0.1", port: 0 });
    const objects = notes(author.id, 30, Date.now(), "restart");
    await postAll(base, who, objects, 30);
    const first = await call(base, `${SHARED}/objects/?limit=10`, { who });
    assert.equal(first.json.more, true);
    await node.close();

    node = await openNode(config);
    try {
      base = await node.app.listen({ host: "127.0.0.1", port: 0 });
      const second = await call(base, `${SHARED}/objects/?limit=10&next=${first.json.next}`, { who });
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(second.json.objects.map((o: { id: string }) => o.id), objects.slice(10, 20).map((o) => o.id));
    } finally {
      await node.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an objects page is its stored bodies as UTF-8, byte for byte, whatever characters they hold", async () => {
  const h = await NodeHarness.start();
  try {
    const base = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
    const author = await h.party("author", { custodial: true });
    const reader = await h.party("reader");
    // 2-, 3- and 4-byte UTF-8 (a surrogate pair in JS) early in the page, where the response buffer
    // sized for ASCII must grow, among ASCII bodies, and at its end, where the bodies are measured.
    const texts = ["ascii", "Schloß é", "ascii", "€ — ☃", "ascii", "ascii", "😀 👍🏽", ...Array.from({ length: 40 }, (_, i) => (i % 9 === 0 ? `Ünïcödé ${"é".repeat(i * 50)}` : `ascii ${"a".repeat(i * 50)}`)), "tail 😀"];
    const objects = notes(author.id, texts.length, h.clock.now(), "utf8").map((o, i): Record<string, unknown> => ({ ...o, content: texts[i] }));
    await postAll(base, author, objects, objects.length);
    const bodies: string[] = [];
    for (const o of objects) bodies.push((await h.node.store.recordVersions(o.id as string)).at(-1)!.body);
    for (const query of ["", "?limit=7", "?limit=1"]) {
      const r = await call(base, `${SHARED}/objects/${query}`, { who: reader });
      assert.equal(r.status, 200, r.text);
      const n = r.json.objects.length as number;
      const expected = `{"more":${r.json.more}${r.json.next ? `,"next":${JSON.stringify(r.json.next)}` : ""},"objects":[${bodies.slice(0, n).join(",")}]}`;
      assert.equal(r.text, expected);
      assert.equal(Number(r.headers.get("content-length")), Buffer.byteLength(expected, "utf8"));
    }
  } finally {
    await h.close();
  }
});

test("a page's buffer is not written again while a slow reader is still receiving it", async () => {
  const h = await NodeHarness.start();
  try {
    const base = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
    const author = await h.party("author", { custodial: true });
    const reader = await h.party("reader");
    // Pages of ≈ 6 MB, far more than loopback's socket buffers hold for a reader that does not read:
    // most of page 1 is still in the node's buffer when page 2 is written.
    const objects = notes(author.id, 200, h.clock.now(), "big").map((o, i): Record<string, unknown> => ({ ...o, content: `${i} ${"x".repeat(60_000)}` }));
    await postAll(base, author, objects, 10);
    const first = await call(base, `${SHARED}/objects/?limit=100`, { who: reader });
    assert.equal(first.status, 200, first.text);
    assert.ok(first.text.length > 5_000_000);

    const slow = new Promise<string>((resolve, reject) => {
      const req = request(`${base}${SHARED}/objects/?limit=100`, { headers: { accept: TAXII, authorization: basic(reader) } }, (res) => {
        res.pause();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
        // Page 2 is read in full while this response waits, then this one is read to its end.
        setTimeout(() => {
          call(base, `${SHARED}/objects/?limit=100&next=${first.json.next}`, { who: reader }).then((second) => {
            assert.equal(second.status, 200, second.text);
            assert.deepEqual(second.json.objects.map((o: { id: string }) => o.id), objects.slice(100).map((o) => o.id));
            res.resume();
          }, reject);
        }, 200);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(await slow, first.text);
  } finally {
    await h.close();
  }
});
