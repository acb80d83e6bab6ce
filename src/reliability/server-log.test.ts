/**
 * Every 5xx is logged, with the request id the client got back. A real `tocsin serve` process: the
 * operator alters a stored record under it; the read that finds the damage answers 500
 * RECORD_CORRUPTED carrying a request id, and the server's stderr holds a JSON log line with that id,
 * the code and the error's stack. Before, the logger was off and nothing was written.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { cleanup, httpExchange, openDbWritable, runCli, startServer, tempDir } from "./harness.js";

after(cleanup);

test("a 500 is logged on stderr with its request id and stack, and the problem names the same id", async () => {
  const dir = tempDir("server-log");
  const party = async (slug: string) => {
    const r = await runCli(["party", "create", slug, "--name", slug, "--custodial", "--data", dir]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { id: string; token: string };
  };
  const alice = await party("alice");
  const bob = await party("bob");
  const server = await startServer(dir);
  try {
    const now = Date.now() - 60_000;
    const warning = buildWarning({ id: alice.id }, { at: now, name: "Imminent attack", recipients: [bob.id], windowStart: now, windowEnd: now + 86_400_000, probability: 0.5 });
    const posted = await httpExchange(`${server.url}/api/v1/records`, {
      method: "POST",
      body: JSON.stringify(warning),
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
    });
    assert.equal(posted.status, 201, posted.body);
    const db = openDbWritable(dir);
    try {
      assert.equal(db.prepare("UPDATE record SET body = replace(body, 'Imminent', 'Imminant') WHERE id = ?").run(warning.id).changes, 1);
    } finally {
      db.close();
    }
    const got = await httpExchange(`${server.url}/api/v1/records/${warning.id}`, { headers: { authorization: `Bearer ${bob.token}` } });
    assert.equal(got.status, 500, got.body);
    const problem = JSON.parse(got.body) as { code: string; request_id: string };
    assert.equal(problem.code, "RECORD_CORRUPTED");
    assert.match(problem.request_id, /^[0-9a-f-]{36}$/);
    // The log line may trail the answer by a moment.
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && line === undefined; i++) {
      line = server
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.reqId === problem.request_id);
      if (line === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(line, `a log line with request id ${problem.request_id}; stderr: ${server.stderr()}`);
    assert.equal(line.level, 50, "logged at error");
    assert.equal(line.code, "RECORD_CORRUPTED");
    assert.match(String((line.err as { stack?: string }).stack), /RECORD_CORRUPTED|corrupted/);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});
