/**
 * Input that never reaches a route's own checks, on both engines: NUL bytes in path and query
 * parameters (PostgreSQL cannot hold them), JSON nested thousands deep (the check workers' structured
 * clone overflowed), path parameters and header blocks beyond the server's limits (an empty 431, a raw
 * FST_ERR_MAX_PARAM_LENGTH). Each is a coded problem (a TAXII error resource under /taxii2/) carrying
 * the request id, and nothing is stored or logged. Also: a board's name does not reveal a board the
 * caller may not read, and a record whose stored body was altered is refused, not served.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { buildWarning } from "../client/record-builders.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { SQLITE_FILE } from "../store/open-store.js";

const TAXII = "application/taxii+json;version=2.1";
const DAY = 86_400_000;

type Reply = { statusCode: number; headers: Record<string, unknown>; body: string };

function assertProblem(r: Reply, status: number, code: string): Record<string, unknown> {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers["content-type"]), /^application\/problem\+json/, r.body);
  const p = JSON.parse(r.body) as Record<string, unknown>;
  assert.equal(p.code, code, r.body);
  assert.equal(typeof p.request_id, "string", "the problem carries the request id");
  return p;
}

function assertTaxiiError(r: Reply, status: number, code: string): void {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers["content-type"]), /^application\/taxii\+json/, r.body);
  const e = JSON.parse(r.body) as Record<string, unknown>;
  assert.equal(e.error_code, code, r.body);
  assert.equal(e.http_status, String(status));
}

/** `depth` nested objects around a number, as JSON text. */
const nested = (depth: number): string => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

for (const engine of ["sqlite", "postgres"] as const) {
  describe(`hostile input (${engine})`, () => {
    let h: NodeHarness;
    let db: TestDatabase | undefined;
    let alice: TestParty;
    let bob: TestParty;
    let carol: TestParty;
    before(async () => {
      db = engine === "postgres" ? await createTestDatabase("hostile") : undefined;
      // One check worker, as `serve` runs: deep JSON once crashed the hand-over to it.
      h = await NodeHarness.start({ clock: new TestClock(Date.now()), config: { checkWorkers: 1, ...(db ? { db: db.url } : {}) } });
      alice = await h.party("alice");
      bob = await h.party("bob");
      carol = await h.party("carol", { custodial: true });
    });
    after(async () => {
      await h.close();
      await db?.drop();
    });
    const get = (who: TestParty | undefined, url: string, accept?: string) =>
      h.node.app.inject({ method: "GET", url, headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...(accept ? { accept } : {}) } });

    test("a NUL byte in a path or query parameter: 400 HTTP_BAD_PARAMETER (TAXII: its error resource)", async () => {
      for (const url of ["/api/v1/parties/%00", "/api/v1/records/%00", "/api/v1/records/a%00b/proof", "/api/v1/warnings?recipient=%00", "/api/v1/boards/%00"]) {
        assertProblem(await get(alice, url), 400, "HTTP_BAD_PARAMETER");
      }
      assertTaxiiError(await get(alice, "/taxii2/exchange/status/%00/", TAXII), 400, "HTTP_BAD_PARAMETER");
      assertTaxiiError(await get(alice, "/taxii2/exchange/collections/shared/objects/?match[id]=%00", TAXII), 400, "HTTP_BAD_PARAMETER");
    });

    test("JSON nested 5 000 deep: 400 HTTP_JSON_TOO_DEEP on every JSON route, nothing logged", async () => {
      const size = await h.logSize();
      const now = h.clock.now();
      const w = buildWarning(alice, { at: now, name: "deep", recipients: [bob.id], windowStart: now, windowEnd: now + DAY, probability: 0.5 });
      const deep = JSON.stringify(w).slice(0, -1) + `,"x_deep":${nested(5000)}}`;
      const post = (url: string, payload: string, contentType = "application/json") =>
        h.node.app.inject({ method: "POST", url, payload, headers: { authorization: `Bearer ${alice.token}`, "content-type": contentType, accept: contentType === TAXII ? TAXII : "application/json" } });
      assertProblem(await post("/api/v1/records", deep), 400, "HTTP_JSON_TOO_DEEP");
      assertProblem(await post("/api/v1/records", `{"objects":[${deep}]}`), 400, "HTTP_JSON_TOO_DEEP");
      assertProblem(await post("/api/v1/boards", nested(5000)), 400, "HTTP_JSON_TOO_DEEP");
      assertProblem(await post("/api/v1/records", "[".repeat(5000) + "]".repeat(5000)), 400, "HTTP_JSON_TOO_DEEP");
      assertTaxiiError(await post("/taxii2/exchange/collections/shared/objects/", `{"objects":[${deep}]}`, TAXII), 400, "HTTP_JSON_TOO_DEEP");
      assert.equal(await h.logSize(), size, "nothing logged");
      assert.deepEqual(await h.node.store.recordVersions(w.id), []);
      // Brackets inside strings do not count: a record may say "[[[[" as often as it likes.
      const wordy = buildWarning(alice, { at: now, name: "[".repeat(200) + "{".repeat(200), recipients: [bob.id], windowStart: now, windowEnd: now + DAY, probability: 0.5 });
      assert.equal((await post("/api/v1/records", JSON.stringify(wordy))).statusCode, 201);
    });

    test("a path parameter beyond the router's limit (414 HTTP_URI_TOO_LONG) or not decodable (400): coded (TAXII: its error resource)", async () => {
      assertProblem(await get(alice, "/api/v1/records/" + "a".repeat(600)), 414, "HTTP_URI_TOO_LONG");
      assertTaxiiError(await get(alice, "/taxii2/exchange/status/" + "a".repeat(600) + "/", TAXII), 414, "HTTP_URI_TOO_LONG");
      // A path that does not percent-decode: Fastify's raw FST_ERR_BAD_URL before.
      assertProblem(await get(alice, "/api/v1/records/%E0%A4%A"), 400, "HTTP_BAD_PARAMETER");
      assertTaxiiError(await get(alice, "/taxii2/exchange/status/%zz/", TAXII), 400, "HTTP_BAD_PARAMETER");
      // A long but legal STIX id (custom type of 250 characters) is still routed.
      assertProblem(await get(alice, `/api/v1/records/x-${"t".repeat(240)}--6f0c6a3e-0c5b-4b1e-9d7a-1c2b3d4e5f61`), 404, "RECORD_NOT_FOUND");
    });

    test("a board name does not reveal a board the caller may not read", async () => {
      const board = (name: string, tlp = "AMBER") => ({
        name,
        title: "Who is behind it",
        tlp,
        subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
        hypotheses: [
          { id: "H1", title: "Group A" },
          { id: "H2", title: "State B" },
        ],
        source_groups: [{ id: "press", name: "Independent press", interested_in: [] }],
        evidence: [{ id: "E1", description: "A claim", source: "Daily Paper", source_group: "press", date: "2024-03-22", credibility: "medium", relevance: "high" }],
      });
      const create = (who: TestParty, body: unknown) =>
        h.node.app.inject({ method: "POST", url: "/api/v1/boards", payload: body as object, headers: { authorization: `Bearer ${who.token}` } });
      const first = await create(carol, board("secret-plan"));
      assert.equal(first.statusCode, 201, first.body);
      // Another party that cannot see carol's AMBER board may use the name: a 409 would reveal it.
      const other = await create(await h.party("dave", { custodial: true }), board("secret-plan"));
      assert.equal(other.statusCode, 201, other.body);
      // Carol sees her own board by that name: taken for her.
      assertProblem(await create(carol, board("secret-plan")), 409, "ACH_NAME_TAKEN");
      // The name resolves, for each, to the board each may read.
      const mine = await get(carol, "/api/v1/boards/secret-plan");
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal(JSON.parse(mine.body).board_ref, JSON.parse(first.body).board_ref);
      assertProblem(await get(alice, "/api/v1/boards/secret-plan"), 404, "ACH_BOARD_NOT_FOUND");
    });

    test("a record whose stored body was altered is refused with a coded 500 RECORD_CORRUPTED, not served", async () => {
      const now = h.clock.now();
      const w = buildWarning(alice, { at: now, name: "Imminent attack", recipients: [bob.id], windowStart: now, windowEnd: now + DAY, probability: 0.5 });
      assert.equal((await h.post(alice, w)).statusCode, 201);
      assert.equal((await get(bob, `/api/v1/records/${w.id}`)).statusCode, 200);
      await tamper(h, db, "UPDATE record SET body = replace(body, 'Imminent', 'Imminant') WHERE id = ?", w.id);
      const p = assertProblemServer(await get(bob, `/api/v1/records/${w.id}`), 500, "RECORD_CORRUPTED");
      assert.doesNotMatch(JSON.stringify(p), /Imminant/, "the forged text is not served");
    });
  });
}

function assertProblemServer(r: Reply, status: number, code: string): Record<string, unknown> {
  return assertProblem(r, status, code);
}

/** The operator's edit, straight into the database under the running node. */
async function tamper(h: NodeHarness, db: TestDatabase | undefined, sql: string, param: string): Promise<void> {
  if (db === undefined) {
    const d = new Database(join(h.dir, SQLITE_FILE));
    try {
      assert.equal(d.prepare(sql).run(param).changes, 1);
    } finally {
      d.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    assert.equal((await c.query(sql.replace("?", "$1"), [param])).rowCount, 1);
  } finally {
    await c.end();
  }
}

describe("oversized headers over real HTTP", () => {
  let h: NodeHarness;
  let port: number;
  before(async () => {
    h = await NodeHarness.start();
    const base = await h.node.app.listen({ host: "127.0.0.1", port: 0 });
    port = Number(new URL(base).port);
  });
  after(async () => {
    await h.close();
  });

  /** Sends raw bytes, returns the raw answer. */
  const raw = (request: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => s.write(request));
      let got = "";
      s.setEncoding("latin1").on("data", (d: string) => (got += d));
      s.on("close", () => resolve(got));
      s.on("error", (e) => (got ? resolve(got) : reject(e)));
    });
  const answer = (text: string) => {
    const [head, body] = text.split("\r\n\r\n", 2) as [string, string];
    return { status: Number(head.split(" ")[1]), head, json: JSON.parse(body) as Record<string, unknown> };
  };

  test("a header block over the limit: 431 HTTP_HEADERS_TOO_LARGE as a problem document", async () => {
    const a = answer(await raw(`GET /api/v1/parties HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`));
    assert.equal(a.status, 431);
    assert.match(a.head, /content-type: application\/problem\+json/i);
    assert.equal(a.json.code, "HTTP_HEADERS_TOO_LARGE");
    assert.equal(typeof a.json.request_id, "string");
  });

  test("a URL over the limit under /taxii2/: 431 as a TAXII error resource", async () => {
    const a = answer(await raw(`GET /taxii2/exchange/collections/${"c".repeat(40_000)}/ HTTP/1.1\r\nHost: x\r\n\r\n`));
    assert.equal(a.status, 431);
    assert.match(a.head, /content-type: application\/taxii\+json/i);
    assert.equal(a.json.error_code, "HTTP_HEADERS_TOO_LARGE");
  });

  test("a malformed request: 400 HTTP_MALFORMED_REQUEST", async () => {
    const a = answer(await raw("NOT HTTP AT ALL\r\n\r\n"));
    assert.equal(a.status, 400);
    assert.equal(a.json.code, "HTTP_MALFORMED_REQUEST");
  });
});
