import { test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../../client/record-builders.js";
import { NodeHarness } from "../../testing/node-harness.js";

/*
 * A TAXII 2.1 client written from the specification (OASIS Standard, 10 June 2021), not from Tocsin's
 * code: it knows only the server's address and HTTP Basic credentials, follows the resources the
 * server returns, and checks each against the text — media type (§1.6.8), discovery (§4.1), API root
 * (§4.2), status (§4.3), collections (§5.1, §5.2), manifest (§5.3), objects (§5.4, §5.5), object
 * (§5.6, §5.7) and versions (§5.8), paging with `more`/`next` and `limit` (§3.4), date headers (§3.3).
 */

const MEDIA = "application/taxii+json;version=2.1";
const STIX = "application/stix+json;version=2.1";

class SpecClient {
  constructor(private readonly authorization: string) {}

  async request(method: string, url: string, body?: unknown): Promise<{ status: number; headers: Headers; json: any }> {
    // §1.6.8.1: the client sends Accept with the TAXII media type; §1.6.8.2: a body with Content-Type.
    const headers: Record<string, string> = { Accept: MEDIA, Authorization: this.authorization };
    if (body !== undefined) headers["Content-Type"] = MEDIA;
    const res = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (text.length > 0) assert.equal(res.headers.get("content-type"), MEDIA, `${method} ${url} answers the TAXII media type`);
    return { status: res.status, headers: res.headers, json: text.length > 0 ? JSON.parse(text) : undefined };
  }

  async get(url: string) {
    const r = await this.request("GET", url);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r;
  }
}

const isString = (v: unknown) => typeof v === "string" && v.length > 0;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

test("a client following the TAXII 2.1 text: discovery → API root → collections → add → status → pages → manifest → versions → delete", async () => {
  const h = await NodeHarness.start();
  try {
    const origin = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
    const sender = await h.party("sender");
    const recipient = await h.party("recipient");
    const client = new SpecClient(`Basic ${Buffer.from(`${sender.slug}:${sender.token}`).toString("base64")}`);

    // §4.1 Server Discovery at /taxii2/: title required; api_roots and default are URLs.
    const discovery = (await client.get(`${origin}/taxii2/`)).json;
    assert.ok(isString(discovery.title));
    assert.ok(Array.isArray(discovery.api_roots) && discovery.api_roots.length > 0);
    const apiRootUrl: string = discovery.default ?? discovery.api_roots[0];
    assert.ok(discovery.api_roots.includes(apiRootUrl));
    assert.ok(apiRootUrl.endsWith("/"), "TAXII URLs end with a slash");

    // §4.2 API Root: title, versions (containing 2.1), max_content_length.
    const apiRoot = (await client.get(apiRootUrl)).json;
    assert.ok(isString(apiRoot.title));
    assert.ok(apiRoot.versions.includes(MEDIA));
    assert.ok(Number.isInteger(apiRoot.max_content_length) && apiRoot.max_content_length > 0);

    // §5.1 Get Collections: each has id, title, can_read, can_write; pick one we may read and write.
    const collections = (await client.get(`${apiRootUrl}collections/`)).json.collections as any[];
    for (const c of collections) {
      assert.ok(isString(c.id) && isString(c.title));
      assert.equal(typeof c.can_read, "boolean");
      assert.equal(typeof c.can_write, "boolean");
    }
    const target = collections.find((c) => c.can_read && c.can_write && (c.media_types ?? [STIX]).includes(STIX));
    assert.ok(target, "a readable and writable collection");
    const collectionUrl = `${apiRootUrl}collections/${target.id}/`;
    // §5.2 Get a Collection: the same resource.
    assert.equal((await client.get(collectionUrl)).json.id, target.id);

    // §5.5 Add Objects: an envelope; the answer is 202 with a status resource.
    const now = h.clock.now();
    const objects = Array.from({ length: 7 }, (_, i) =>
      buildWarning(sender, { at: now, name: `warning ${i}`, recipients: [recipient.id], windowStart: now, windowEnd: now + 86_400_000, probability: 0.5, tlp: "GREEN" }),
    );
    const added = await client.request("POST", `${collectionUrl}objects/`, { objects });
    assert.equal(added.status, 202);
    const status = added.json;
    assert.ok(isString(status.id));
    assert.ok(["pending", "complete"].includes(status.status));
    assert.equal(status.total_count, 7);

    // §4.3 Get Status: poll until complete; counts add up; every object a success.
    let polled = status;
    for (let i = 0; polled.status !== "complete" && i < 50; i++) polled = (await client.get(`${apiRootUrl}status/${status.id}/`)).json;
    polled = (await client.get(`${apiRootUrl}status/${status.id}/`)).json;
    assert.equal(polled.status, "complete");
    assert.equal(polled.success_count + polled.failure_count + polled.pending_count, polled.total_count);
    assert.equal(polled.success_count, 7);
    assert.deepEqual(polled.successes.map((s: any) => s.id).sort(), objects.map((o) => o.id).sort());

    // §5.4 Get Objects with limit, following `next` while `more` (§3.4); date headers on each page (§3.3).
    const got: any[] = [];
    let url = `${collectionUrl}objects/?limit=3`;
    for (let pages = 0; ; pages++) {
      const page = await client.get(url);
      assert.ok(page.json.objects.length <= 3);
      got.push(...page.json.objects);
      assert.match(page.headers.get("X-TAXII-Date-Added-First")!, TIMESTAMP);
      assert.match(page.headers.get("X-TAXII-Date-Added-Last")!, TIMESTAMP);
      if (!page.json.more) break;
      url = `${collectionUrl}objects/?limit=3&next=${encodeURIComponent(page.json.next)}`;
      assert.ok(pages < 10);
    }
    assert.deepEqual(got.map((o) => o.id), objects.map((o) => o.id));
    assert.deepEqual(got[0], objects[0], "the object comes back exactly as signed");

    // §5.3 Get Object Manifests: id, date_added, version, media_type; added_after is exclusive.
    const manifest = (await client.get(`${collectionUrl}manifest/`)).json.objects as any[];
    assert.equal(manifest.length, 7);
    for (const m of manifest) {
      assert.match(m.date_added, TIMESTAMP);
      assert.equal(m.media_type, STIX);
    }
    const later = (await client.get(`${collectionUrl}manifest/?added_after=${manifest[4].date_added}`)).json.objects as any[];
    assert.deepEqual(later.map((m) => m.id), manifest.slice(5).map((m) => m.id));

    // §5.6 Get an Object; §5.8 Get Object Versions.
    const oneUrl = `${collectionUrl}objects/${objects[2]!.id}/`;
    assert.equal((await client.get(oneUrl)).json.objects[0].id, objects[2]!.id);
    const versions = (await client.get(`${oneUrl}versions/`)).json.versions;
    assert.deepEqual(versions, [objects[2]!.modified]);

    // §5.7 Delete an Object: 200, then the object is not found (404).
    const deleted = await client.request("DELETE", oneUrl);
    assert.equal(deleted.status, 200);
    const gone = await client.request("GET", oneUrl);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.http_status, "404", "errors are TAXII error resources (§3.6.1)");
    assert.equal((await client.get(`${collectionUrl}manifest/`)).json.objects.length, 6);
  } finally {
    await h.close();
  }
});
