import { test } from "node:test";
import assert from "node:assert/strict";
import { takeLease } from "./lease-rule.js";

const free = { holder: null, epoch: 4, expiresAt: 0 };
const heldByA = { holder: "a", epoch: 4, expiresAt: 2_000 };

test("lease rule: a free lease is taken under the next epoch", () => {
  assert.deepEqual(takeLease(free, "b", 500, 1_000), { holder: "b", epoch: 5, expiresAt: 1_500 });
});

test("lease rule: the holder renews under its own epoch", () => {
  assert.deepEqual(takeLease(heldByA, "a", 500, 1_000), { holder: "a", epoch: 4, expiresAt: 1_500 });
});

test("lease rule: a live lease of someone else is refused, unless it expired or its holder is dead", () => {
  assert.equal(takeLease(heldByA, "b", 500, 1_999), undefined);
  assert.equal(takeLease(heldByA, "b", 500, 1_000, () => false), undefined);
  assert.deepEqual(takeLease(heldByA, "b", 500, 2_000), { holder: "b", epoch: 5, expiresAt: 2_500 }, "expired at expiresAt");
  assert.deepEqual(takeLease(heldByA, "b", 500, 1_000, (h) => h === "a"), { holder: "b", epoch: 5, expiresAt: 1_500 });
});
