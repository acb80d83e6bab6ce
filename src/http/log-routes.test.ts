import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromHex, toBase64, toHex } from "../core/crypto/bytes.js";
import { hashLeaf, MemoryTree, verifyConsistency, verifyInclusion } from "../core/merkle/index.js";
import { decodeEntryBundle } from "../core/tiles/index.js";
import { openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { parseConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";

let node: TocsinNode;
let dir: string;
const tree = new MemoryTree();
/** The log's 300 leaves: the node's own registration record, then raw appends. */
let leaves: Uint8Array[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tocsin-http-"));
  node = await openNode(parseConfig({ dataDir: dir, internalAppend: true, origin: "test.example/log" }));
  const logged = (await node.store.getLeaves(0, await node.store.logSize())).map((l) => l.data);
  const raw = Array.from({ length: 300 - logged.length }, (_, i) => new TextEncoder().encode(`leaf ${logged.length + i}`));
  leaves = [...logged, ...raw];
  for (let i = 0; i < raw.length; i += 100) {
    const res = await node.app.inject({
      method: "POST",
      url: "/internal/v1/log/entries",
      payload: { entries: raw.slice(i, i + 100).map(toBase64) },
    });
    assert.equal(res.statusCode, 200);
  }
  leaves.forEach((l) => tree.appendLeaf(l));
});

after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string) => node.app.inject({ method: "GET", url });
const hexes = (a: string[]) => a.map((h) => fromHex(h)!);

test("GET /log/checkpoint is the signed note of the current tree", async () => {
  const res = await get("/log/checkpoint");
  assert.equal(res.statusCode, 200);
  assert.match(res.headers["content-type"] as string, /^text\/plain/);
  const cp = openCheckpoint(res.body, verifierFromSigner(node.signer), "test.example/log").checkpoint;
  assert.equal(cp.size, 300);
  assert.equal(toHex(cp.rootHash), toHex(tree.rootAt()));
});

test("inclusion proofs verify against the checkpoint", async () => {
  for (const index of [0, 1, 150, 255, 256, 299]) {
    const res = await get(`/log/proof/inclusion?index=${index}&size=300`);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.leafHash, toHex(hashLeaf(leaves[index]!)));
    verifyInclusion(index, 300, fromHex(body.leafHash)!, hexes(body.hashes), tree.rootAt(300));
  }
});

test("consistency proofs verify between any two sizes", async () => {
  for (const [from, to] of [[1, 300], [100, 200], [256, 300], [300, 300], [0, 300]] as const) {
    const res = await get(`/log/proof/consistency?from=${from}&to=${to}`);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    if (from === 0) assert.deepEqual(body.hashes, []);
    else verifyConsistency(from, to, tree.rootAt(from), tree.rootAt(to), hexes(body.hashes));
  }
});

test("tiles and entry bundles follow C2SP tlog-tiles", async () => {
  const full = await get("/log/tile/0/000");
  assert.equal(full.statusCode, 200);
  assert.equal(full.rawPayload.length, 256 * 32);
  assert.match(full.headers["cache-control"] as string, /immutable/);
  assert.equal(toHex(full.rawPayload.subarray(32, 64)), toHex(tree.node({ level: 0, index: 1 })));
  const partial = await get("/log/tile/0/001.p/44");
  assert.equal(partial.statusCode, 200);
  assert.equal(partial.rawPayload.length, 44 * 32);
  assert.equal(toHex(partial.rawPayload.subarray(0, 32)), toHex(tree.node({ level: 0, index: 256 })));
  const level1 = await get("/log/tile/1/000.p/1");
  assert.equal(toHex(level1.rawPayload), toHex(tree.node({ level: 8, index: 0 })));
  const bundle = await get("/log/tile/entries/001.p/44");
  const entries = decodeEntryBundle(new Uint8Array(bundle.rawPayload));
  assert.equal(entries.length, 44);
  assert.equal(new TextDecoder().decode(entries[0]!), "leaf 256");
  // A full tile asked for while it is still partial does not exist yet.
  assert.equal((await get("/log/tile/0/001")).statusCode, 404);
  assert.equal((await get("/log/tile/0/001")).json().code, "LOG_TILE_NOT_FOUND");
});

test("GET /log/entries/{index} returns the leaf", async () => {
  const res = await get("/log/entries/7");
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { index: 7, leafHash: toHex(hashLeaf(leaves[7]!)), data: toBase64(leaves[7]!) });
});

test("every bad parameter is a 400 (or 404) problem with a stable code", async () => {
  const cases: [string, number, string][] = [
    ["/log/proof/inclusion?index=x&size=3", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=-1&size=3", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=01&size=3", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=1.5&size=3", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=1", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=3&size=3", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=1&size=3&extra=1", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=1&size=99999999999999999", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/inclusion?index=1&size=301", 400, "LOG_SIZE_BEYOND_TREE"],
    ["/log/proof/consistency?from=5&to=4", 400, "HTTP_BAD_PARAMETER"],
    ["/log/proof/consistency?from=5&to=1000", 400, "LOG_SIZE_BEYOND_TREE"],
    ["/log/proof/consistency?from=a&to=4", 400, "HTTP_BAD_PARAMETER"],
    ["/log/entries/abc", 400, "HTTP_BAD_PARAMETER"],
    ["/log/entries/300", 404, "LOG_ENTRY_NOT_FOUND"],
    ["/log/tile/0/1", 400, "TILE_PATH_MALFORMED"],
    ["/log/tile/0/000.p/0", 400, "TILE_PATH_MALFORMED"],
    ["/log/tile/64/000", 400, "TILE_PATH_MALFORMED"],
    ["/log/tile/0/x001/000", 404, "LOG_TILE_NOT_FOUND"],
    ["/log/nothing", 404, "HTTP_NOT_FOUND"],
  ];
  for (const [url, status, code] of cases) {
    const res = await get(url);
    assert.equal(res.statusCode, status, url);
    assert.match(res.headers["content-type"] as string, /^application\/problem\+json/, url);
    assert.equal(res.json().code, code, url);
  }
});

test("the internal append API validates its body and writes nothing on bad input", async () => {
  const post = (payload: string, type = "application/json") =>
    node.app.inject({ method: "POST", url: "/internal/v1/log/entries", payload, headers: { "content-type": type } });
  const cases: [string, string, number, string][] = [
    ["{", "application/json", 400, "HTTP_MALFORMED_JSON"],
    ["", "application/json", 400, "HTTP_MALFORMED_JSON"],
    ['{"entries":[]}', "application/json", 400, "HTTP_BAD_REQUEST_BODY"],
    ['{"entries":"aGk="}', "application/json", 400, "HTTP_BAD_REQUEST_BODY"],
    ['{"entries":["aGk=","not base64!"]}', "application/json", 400, "HTTP_BAD_REQUEST_BODY"],
    ['{"entries":[1]}', "application/json", 400, "HTTP_BAD_REQUEST_BODY"],
    ["[]", "application/json", 400, "HTTP_BAD_REQUEST_BODY"],
    ["entries", "text/plain", 415, "HTTP_UNSUPPORTED_MEDIA_TYPE"],
    [JSON.stringify({ entries: [toBase64(new Uint8Array(70_000))] }), "application/json", 413, "LOG_ENTRY_TOO_LARGE"],
    [JSON.stringify({ entries: Array(10_001).fill("aGk=") }), "application/json", 400, "HTTP_BAD_REQUEST_BODY"],
  ];
  for (const [payload, type, status, code] of cases) {
    const res = await post(payload, type);
    assert.equal(res.statusCode, status, payload.slice(0, 40));
    assert.equal(res.json().code, code, payload.slice(0, 40));
  }
  assert.equal(await node.store.logSize(), 300, "nothing was appended");
});

test("a body over the configured limit is a 413 problem", async () => {
  const small = await openNode(parseConfig({ dataDir: join(dir, "small"), internalAppend: true, maxBodyBytes: 2048 }));
  try {
    const res = await small.app.inject({
      method: "POST",
      url: "/internal/v1/log/entries",
      payload: { entries: [toBase64(new Uint8Array(4096))] },
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, "HTTP_BODY_TOO_LARGE");
  } finally {
    await small.close();
  }
});

test("without internalAppend the raw append route does not exist", async () => {
  const plain = await openNode(parseConfig({ dataDir: join(dir, "plain") }));
  try {
    const res = await plain.app.inject({ method: "POST", url: "/internal/v1/log/entries", payload: { entries: ["aGk="] } });
    assert.equal(res.statusCode, 404);
  } finally {
    await plain.close();
  }
});

test("the same routes over real HTTP on loopback", async () => {
  const address = await node.app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const cp = await (await fetch(`${address}/log/checkpoint`)).text();
    assert.match(cp, /^test\.example\/log\n300\n/);
    const res = await fetch(`${address}/log/proof/inclusion?index=299&size=300`);
    assert.equal(res.status, 200);
    const bad = await fetch(`${address}/log/proof/inclusion?index=zz&size=300`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, "HTTP_BAD_PARAMETER");
  } finally {
    await node.app.close();
  }
});
