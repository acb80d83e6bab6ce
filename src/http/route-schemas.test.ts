/**
 * Schema-first routes: every route declares its query (and params, and body) by schema, and the
 * server refuses to start with one that does not; a schema failure is answered with the same coded
 * problem as the hand-written checks gave (HTTP_BAD_PARAMETER naming the parameter, HTTP_BAD_REQUEST_BODY,
 * the TAXII error resource under /taxii2/), with no type coercion.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { missingSchemas, requireRouteSchemas } from "./schema-first.js";
import { IgnoredQuery } from "./params.js";

const TAXII = "application/taxii+json;version=2.1";

type Reply = { statusCode: number; headers: Record<string, unknown>; body: string };

function problem(r: Reply, status: number, code: string): Record<string, any> {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers["content-type"]), /^application\/problem\+json/, r.body);
  const p = JSON.parse(r.body);
  assert.equal(p.code, code, r.body);
  return p;
}

function taxiiError(r: Reply, status: number, code: string): Record<string, any> {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers["content-type"]), /^application\/taxii\+json/, r.body);
  const e = JSON.parse(r.body);
  assert.equal(e.error_code, code, r.body);
  return e;
}

test("a route registered without its schemas stops the app from being built", async () => {
  const cases: [Parameters<typeof missingSchemas>[0], string[]][] = [
    [{ method: "GET", url: "/x" }, ["querystring"]],
    [{ method: "GET", url: "/x/:id", schema: { querystring: IgnoredQuery } }, ["params"]],
    [{ method: "POST", url: "/x", schema: { querystring: IgnoredQuery } }, ["body"]],
    [{ method: ["GET", "POST"], url: "/x/*", schema: { querystring: IgnoredQuery, params: IgnoredQuery } }, []],
  ];
  for (const [route, missing] of cases) {
    assert.deepEqual(missingSchemas(route), missing, JSON.stringify(route));
  }
  const app = Fastify();
  requireRouteSchemas(app);
  assert.throws(() => app.get("/unchecked/:id", async () => "no"), /route GET \/unchecked\/:id declares no querystring, params schema/);
  app.get("/checked", { schema: { querystring: IgnoredQuery } }, async () => "yes");
  await app.ready();
  assert.equal((await app.inject("/checked")).body, "yes");
  await app.close();
});

describe("schema failures answer the coded problems", () => {
  let h: NodeHarness;
  let alice: TestParty;
  before(async () => {
    h = await NodeHarness.start({ clock: new TestClock(Date.now()) });
    alice = await h.party("alice");
  });
  after(async () => h.close());

  const get = (url: string, accept?: string) =>
    h.node.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${alice.token}`, ...(accept ? { accept } : {}) } });

  test("query and path parameters: HTTP_BAD_PARAMETER naming the parameter; no coercion", async () => {
    for (const [url, parameter] of [
      ["/api/v1/warnings?limit=abc", "limit"],
      ["/api/v1/warnings?limit=-1", "limit"],
      ["/api/v1/warnings?limit=1.5", "limit"],
      ["/api/v1/warnings?limit=99999999999999999", "limit"],
      ["/api/v1/warnings?limit=1&limit=2", "limit"],
      ["/api/v1/warnings?limit=0", "limit"],
      ["/api/v1/warnings?state=weekly", "state"],
      ["/api/v1/warnings?sort=asc", "sort"],
      ["/api/v1/warnings/not-a-report/timeline", "id"],
      ["/api/v1/warnings/report--00000000-0000-4000-8000-000000000000/bundle?x=1", "x"],
      ["/api/v1/parties/alice/track-record?period=week", "period"],
      ["/api/v1/parties/alice/track-record?bins=abc", "bins"],
      ["/api/v1/parties/alice/track-record?bins=51", "bins"],
      ["/api/v1/boards/b?version=v1", "version"],
      ["/api/v1/records/x?versoin=1", "versoin"],
      ["/log/entries/abc", "index"],
      ["/log/proof/inclusion?index=1", "size"],
      ["/log/proof/consistency?from=a&to=2", "from"],
    ] as const) {
      const p = problem(await get(url), 400, "HTTP_BAD_PARAMETER");
      assert.equal(p.details?.parameter, parameter, url);
      assert.match(p.detail, new RegExp(`^(unknown parameter )?${parameter.replace(/[[\]]/g, "\\$&")}`), url);
    }
    const state = problem(await get("/api/v1/warnings?state=weekly"), 400, "HTTP_BAD_PARAMETER");
    assert.match(state.detail, /^state must be one of /);
    assert.match(problem(await get("/api/v1/warnings?limit=abc"), 400, "HTTP_BAD_PARAMETER").detail, /^limit must be a non-negative decimal integer$/);
  });

  test("a body that is not what the route takes: HTTP_BAD_REQUEST_BODY — after credentials, as before", async () => {
    const post = (payload: string, token?: string) =>
      h.node.app.inject({ method: "POST", url: "/api/v1/records", payload, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    for (const body of ['"a string"', "42", "null", "true"]) problem(await post(body, alice.token), 400, "HTTP_BAD_REQUEST_BODY");
    problem(await post('"a string"'), 401, "AUTH_REQUIRED");
    problem(await post('{"type":"bundle","objects":7}', alice.token), 400, "HTTP_BAD_REQUEST_BODY");
  });

  test("TAXII: repeated match[] filters still work; a bad filter or envelope is the TAXII error resource", async () => {
    const ok = await get("/taxii2/exchange/collections/shared/objects/?match[id]=indicator--00000000-0000-4000-8000-000000000000&match[id]=indicator--00000000-0000-4000-8000-000000000001&match%5Btype%5D=indicator", TAXII);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(JSON.parse(ok.body), { more: false });
    const unknown = taxiiError(await get("/taxii2/exchange/collections/shared/objects/?match[colour]=red", TAXII), 400, "HTTP_BAD_PARAMETER");
    assert.equal(unknown.details?.parameter, "match[colour]");
    const versionsFilter = taxiiError(await get("/taxii2/exchange/collections/shared/manifest/?limit=abc", TAXII), 400, "HTTP_BAD_PARAMETER");
    assert.equal(versionsFilter.details?.parameter, "limit");
    // A filter the object endpoint does not take: still refused by name, after the collection is found.
    taxiiError(await get("/taxii2/exchange/collections/nowhere/objects/?match[colour]=red", TAXII), 404, "TAXII_COLLECTION_NOT_FOUND");
    const envelope = (payload: string) =>
      h.node.app.inject({
        method: "POST",
        url: "/taxii2/exchange/collections/shared/objects/",
        payload,
        headers: { authorization: `Bearer ${alice.token}`, "content-type": TAXII, accept: TAXII },
      });
    taxiiError(await envelope('{"objects":"none"}'), 400, "HTTP_BAD_REQUEST_BODY");
    taxiiError(await envelope("[1,2]"), 400, "HTTP_BAD_REQUEST_BODY");
    taxiiError(await envelope('{"objects":[]}'), 400, "BATCH_EMPTY");
  });
});
