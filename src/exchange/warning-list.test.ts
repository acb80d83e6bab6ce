/**
 * GET /api/v1/warnings and the WarningList service behind it: pages honour `limit` and `next`, walk
 * every warning once in log order, keep TLP (a reader never sees, nor is counted, a warning it may not
 * read), and a request's store reads are bounded by its page, not by the number of warnings: once the
 * index has caught up with the log, a page reads nothing but what was appended since.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning, sign, type Author } from "../client/record-builders.js";
import { SIGNATURE_EXT, type StixObject } from "../core/record/index.js";
import { ANONYMOUS_READER, partyReader } from "../core/tlp/index.js";
import type { Store } from "../store/store.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { RecordReader } from "./record-reader.js";
import { WarningIndex } from "./warning-index.js";
import { WARNING_PAGE_DEFAULT, WARNING_PAGE_MAX, WARNING_SCAN_FACTOR, WarningList } from "./warning-list.js";

const DAY = 86_400_000;

/** Admits `n` warnings from `source` to `recipient`, every `clearEvery`-th TLP:CLEAR and the rest TLP:AMBER; returns them in log order. */
async function admitWarnings(h: NodeHarness, source: TestParty, recipient: TestParty, n: number, clearEvery = 1): Promise<{ id: string; clear: boolean }[]> {
  const row = await h.node.parties.require(source.id);
  const out: { id: string; clear: boolean }[] = [];
  for (let done = 0; done < n; ) {
    const batch: StixObject[] = [];
    for (; batch.length < 500 && done < n; done++) {
      const at = h.clock.now();
      const clear = done % clearEvery === 0;
      batch.push(buildWarning(source, { at, name: `W${done}`, recipients: [recipient.id], windowStart: at, windowEnd: at + 30 * DAY, probability: 0.5, tlp: clear ? "CLEAR" : "AMBER", deadlines: { receipt: at + DAY } }));
      out.push({ id: batch.at(-1)!.id as string, clear });
    }
    await h.node.admission.admit(row, batch);
  }
  return out;
}

/** Every page of the list as `who` sees it, following `next`. */
async function walk(h: NodeHarness, who: TestParty | undefined, query: string): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let next: string | undefined;
  do {
    const res = await h.get(who, `/api/v1/warnings?${query}${next ? `&next=${encodeURIComponent(next)}` : ""}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { warnings: { id: string }[]; next?: string };
    ids.push(...body.warnings.map((w) => w.id));
    pages.push(body.warnings.length);
    next = body.next;
    assert.ok(pages.length < 1000, "paging ends");
  } while (next);
  return { ids, pages };
}

test("warning list: limit and next page through every warning once, in log order; later versions do not repeat a warning", { timeout: 120_000 }, async () => {
  const h = await NodeHarness.start({ clock: new TestClock(Date.parse("2026-03-01T00:00:00.000Z")) });
  try {
    const source = await h.party("src");
    const recipient = await h.party("dst");
    const warnings = await admitWarnings(h, source, recipient, 250);
    // A second version of the first warning: still listed once, at its place, with the new version.
    const first = (await h.node.store.recordVersions(warnings[0]!.id))[0]!;
    const v1 = JSON.parse(first.body) as StixObject;
    delete (v1.extensions as Record<string, unknown>)[SIGNATURE_EXT];
    h.clock.advance(60_000);
    const v2 = sign({ ...v1, modified: new Date(h.clock.now()).toISOString(), name: "W0, revised" }, source as Author);
    assert.equal((await h.post(source, v2)).statusCode, 201);

    const firstPage = await h.get(source, "/api/v1/warnings?limit=40");
    assert.equal(firstPage.statusCode, 200, firstPage.body);
    assert.equal(firstPage.json().warnings.length, 40, "limit is honoured");
    assert.equal(typeof firstPage.json().next, "string", "and there is more");
    assert.equal(firstPage.json().warnings[0].modified, v2.modified, "the latest version is shown");

    const { ids, pages } = await walk(h, source, "limit=40");
    assert.deepEqual(ids, warnings.map((w) => w.id), "every warning once, in log order");
    assert.deepEqual(pages, [40, 40, 40, 40, 40, 40, 10]);

    const byDefault = (await h.get(source, "/api/v1/warnings")).json();
    assert.equal(byDefault.warnings.length, WARNING_PAGE_DEFAULT);
    assert.ok(byDefault.next);
    const capped = (await h.get(source, "/api/v1/warnings?limit=100000")).json();
    assert.equal(capped.warnings.length, 250, `a larger limit is capped at ${WARNING_PAGE_MAX}, not refused`);
    assert.equal(capped.next, undefined);

    // Filters travel with the token; a token is not valid for another caller or other filters.
    const filtered = await walk(h, recipient, `limit=30&recipient=dst&state=issued`);
    assert.equal(filtered.ids.length, 250);
    const token = firstPage.json().next as string;
    for (const [who, query] of [[recipient, `limit=40&next=${token}`], [source, `limit=40&state=issued&next=${token}`], [source, "next=bogus"], [source, "limit=0"], [source, "limit=-1"], [source, "limit=ten"]] as const) {
      const res = await h.get(who, `/api/v1/warnings?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.equal(res.json().code, "HTTP_BAD_PARAMETER");
    }
  } finally {
    await h.close();
  }
});

test("warning list: TLP still decides — anonymous and outside readers page through only what they may read", { timeout: 120_000 }, async () => {
  const h = await NodeHarness.start({ clock: new TestClock(Date.parse("2026-03-01T00:00:00.000Z")) });
  try {
    const source = await h.party("src");
    const recipient = await h.party("dst");
    const outsider = await h.party("outsider");
    const warnings = await admitWarnings(h, source, recipient, 120, 10);
    const clear = warnings.filter((w) => w.clear).map((w) => w.id);
    assert.equal(clear.length, 12);
    for (const who of [undefined, outsider]) {
      const { ids, pages } = await walk(h, who, "limit=5");
      assert.deepEqual(ids, clear, "only the TLP:CLEAR warnings");
      assert.ok(pages.every((n) => n <= 5));
    }
    const { ids } = await walk(h, recipient, "limit=7");
    assert.deepEqual(ids, warnings.map((w) => w.id), "a named recipient reads them all");
  } finally {
    await h.close();
  }
});

/** The real store, counting calls and the records they return. */
function countingStore(store: Store) {
  const n = { calls: 0, rows: 0 };
  const proxy = new Proxy(store, {
    get(target, p) {
      const v = Reflect.get(target, p, target) as unknown;
      if (typeof v !== "function") return v;
      return async (...args: unknown[]) => {
        n.calls++;
        const result = await (v as (...a: unknown[]) => unknown).apply(target, args);
        if (Array.isArray(result)) n.rows += result.length;
        return result;
      };
    },
  });
  return { store: proxy, n, reset: () => Object.assign(n, { calls: 0, rows: 0 }) };
}

test("warning list: a request's store reads are bounded by its page, not by the number of warnings", { timeout: 180_000 }, async () => {
  const h = await NodeHarness.start({ clock: new TestClock(Date.parse("2026-03-01T00:00:00.000Z")) });
  try {
    const source = await h.party("src");
    const recipient = await h.party("dst");
    const counted = countingStore(h.node.store);
    // Every read the page makes, its TLP checks' and the index's catch-up included, goes through the counter.
    const records = new RecordReader(counted.store, h.node.parties);
    const index = new WarningIndex({ store: counted.store, nodeIdentity: (await h.node.parties.get("node"))!.id });
    const list = new WarningList({ index, records });
    const cost = async (reader: Parameters<WarningList["page"]>[0]) => {
      counted.reset();
      const page = await list.page(reader, { limit: 10 });
      return { ...counted.n, listed: page.warnings.length };
    };
    await admitWarnings(h, source, recipient, 200, 50);
    // The first page after appends reads what was appended, once (the index follows the log).
    const logSize = await h.node.store.logSize();
    const catchUp = await cost(partyReader(recipient.id));
    assert.ok(catchUp.rows <= logSize, `rows read catching up: ${catchUp.rows}`);
    assert.ok(catchUp.rows >= 200, "every new warning was read");
    const small = { reader: await cost(partyReader(recipient.id)), anonymous: await cost(ANONYMOUS_READER) };
    await admitWarnings(h, source, recipient, 1800, 50);
    const grown = await cost(partyReader(recipient.id));
    assert.ok(grown.rows <= (await h.node.store.logSize()) - logSize, `only the 1 800 appended since are read: ${grown.rows}`);
    const large = { reader: await cost(partyReader(recipient.id)), anonymous: await cost(ANONYMOUS_READER) };
    assert.deepEqual(large.reader, small.reader, "2 000 warnings cost a page what 200 do");
    assert.equal(large.reader.listed, 10);
    // The party relations, and one look for records appended since: nothing per warning.
    assert.ok(large.reader.calls <= 4, `calls: ${large.reader.calls}`);
    assert.equal(large.reader.rows, 0, "no record is read again");
    // A reader who may see few warnings (one in 50 is TLP:CLEAR) gets a short page for a bounded scan, never the whole log.
    assert.equal(large.anonymous.listed, Math.ceil((10 * WARNING_SCAN_FACTOR) / 50));
    assert.deepEqual(large.anonymous, small.anonymous);
  } finally {
    await h.close();
  }
});
