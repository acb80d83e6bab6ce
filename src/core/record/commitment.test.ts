import { test } from "node:test";
import assert from "node:assert/strict";
import { concatBytes, sha256, toHex, utf8 } from "../crypto/index.js";
import { COMMITMENT_SALT_BYTES, checkReveal, commitmentDigest } from "./commitment.js";
import { RecordError } from "./record-errors.js";

const salt = new Uint8Array(32).fill(0x42);
const evidence = utf8.encode("the target is venue 3");

test("commitmentDigest is SHA-256(salt || evidence) in lowercase hex", () => {
  const d = commitmentDigest(salt, evidence);
  assert.equal(d, toHex(sha256(concatBytes(salt, evidence))));
  assert.match(d, /^[0-9a-f]{64}$/);
  // A known value: SHA-256 of 32 zero bytes (empty evidence).
  assert.equal(commitmentDigest(new Uint8Array(32), new Uint8Array(0)), "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
});

test("a salt of any length but exactly 32 bytes is RECORD_COMMITMENT_SALT_LENGTH", () => {
  assert.equal(COMMITMENT_SALT_BYTES, 32);
  for (const n of [0, 1, 15, 16, 31, 33, 64]) {
    assert.throws(
      () => commitmentDigest(new Uint8Array(n), evidence),
      (e: unknown) => e instanceof RecordError && e.code === "RECORD_COMMITMENT_SALT_LENGTH",
      `${n} bytes`,
    );
  }
  assert.doesNotThrow(() => commitmentDigest(new Uint8Array(32), evidence));
});

test("checkReveal accepts the right opening only", () => {
  const d = commitmentDigest(salt, evidence);
  assert.equal(checkReveal(d, salt, evidence), true);
  assert.equal(checkReveal(d, salt, utf8.encode("the target is venue 4")), false);
  const otherSalt = salt.slice();
  otherSalt[0] = 0;
  assert.equal(checkReveal(d, otherSalt, evidence), false);
  assert.equal(checkReveal(d.toUpperCase(), salt, evidence), false); // the wire form is lowercase
  assert.equal(checkReveal(d.slice(2), salt, evidence), false);
  assert.equal(checkReveal("zz" + d.slice(2), salt, evidence), false);
  assert.equal(checkReveal("", salt, evidence), false);
  // A salt of another length never opens anything, even a matching digest made without our check.
  for (const n of [8, 16, 31, 33]) {
    const odd = new Uint8Array(n);
    assert.equal(checkReveal(toHex(sha256(concatBytes(odd, evidence))), odd, evidence), false, `${n} bytes`);
  }
});

test("the fixed salt length closes the re-split attack", () => {
  // A sender commits to salt || "not venue 3" and later tries to reveal salt+"not " / "venue 3": the same
  // committed bytes, split elsewhere. With a variable-length salt this would open the commitment.
  const committed = utf8.encode("not venue 3");
  const d = commitmentDigest(salt, committed);
  const shifted = concatBytes(salt, utf8.encode("not "));
  const rest = utf8.encode("venue 3");
  assert.equal(toHex(sha256(concatBytes(shifted, rest))), d); // the hash alone cannot tell the two apart …
  assert.equal(checkReveal(d, shifted, rest), false); // … the fixed length can
  assert.equal(checkReveal(d, salt, committed), true);
  // Nor can the split move the other way (a shorter salt, the evidence prefixed by its last bytes).
  assert.equal(checkReveal(d, salt.subarray(0, 28), concatBytes(salt.subarray(28), committed)), false);
});
