import { test } from "node:test";
import assert from "node:assert/strict";
import { retryDelayMs } from "./delivery-backoff.js";
import { parseOriginProof } from "./origin-proof.js";
import { foldPeerKeyHistory } from "./peer-key-history.js";

test("retry delays double per attempt from the base, stop at the cap, and keep half of each delay fixed (equal jitter)", () => {
  assert.equal(retryDelayMs(1, 500, 60_000, 0), 250);
  assert.equal(retryDelayMs(1, 500, 60_000, 0.999999), 500);
  assert.equal(retryDelayMs(3, 500, 60_000, 0), 1000);
  assert.equal(retryDelayMs(3, 500, 60_000, 0.5), 1500);
  for (const attempts of [8, 20, 1000]) {
    const d = retryDelayMs(attempts, 500, 60_000, 0.999999);
    assert.ok(d <= 60_000 && d >= 59_999, `attempt ${attempts}: ${d}`);
    assert.equal(retryDelayMs(attempts, 500, 60_000, 0), 30_000);
  }
});

test("an origin proof without each member in its form is FEDERATION_PROOF_MISSING, naming where", () => {
  const good = { origin: "o", index: 1, leaf: "AA==", size: 2, hashes: ["00".repeat(32)], checkpoint: "o\n2\nx\n\n— o AAAA\n" };
  assert.deepEqual(parseOriginProof(good, "p"), good);
  for (const bad of [null, [], { ...good, index: -1 }, { ...good, size: 1 }, { ...good, hashes: ["XY"] }, { ...good, hashes: "00" }, { ...good, leaf: 3 }, { ...good, origin: undefined }, { ...good, checkpoint: "x".repeat(20_000) }]) {
    assert.throws(() => parseOriginProof(bad, "x_tocsin_origin[0]"), (e: { code?: string; message?: string }) => e.code === "FEDERATION_PROOF_MISSING" && /x_tocsin_origin\[0\]/.test(e.message ?? ""));
  }
});

test("a peer's key history that is not key records in log order, with leaves, is FEDERATION_PEER_INVALID", () => {
  const node = "identity--00000000-0000-4000-8000-000000000000";
  assert.equal(foldPeerKeyHistory(node, []).all().length, 0);
  for (const entries of [[{ index: 0 }], [{ index: 0, leaf: "AA==", record: { type: "report" } }], [{ index: 1, leaf: "AA==", record: {} }, { index: 0, leaf: "AA==", record: {} }]]) {
    assert.throws(() => foldPeerKeyHistory(node, entries), (e: { code?: string }) => e.code === "FEDERATION_PEER_INVALID");
  }
});
