import { test } from "node:test";
import assert from "node:assert/strict";
import { toBase64 } from "../crypto/index.js";
import { generateEd25519 } from "../crypto/ed25519.js";
import { KEY_EVENT_EXT, KEY_EVENT_TYPE, PARTY_EXT, keyIdOf, signRecord, type StixObject } from "../record/index.js";
import { KeyHistories, resetNotice } from "./key-history.js";

const T = "2026-11-25T09:00:00.000Z";
const id = (n: number): string => `identity--${n.toString(16).padStart(8, "0")}-aaaa-4bbb-8ccc-dddddddddddd`;
const NODE = id(1);
const ORG = id(2);
const UNIT = id(3);
let n = 0;

type Key = ReturnType<typeof generateEd25519>;
const sign = (obj: StixObject, by: string, k: Key, custodial = false) => signRecord(obj, { signerRef: by, seed: k.seed, publicKey: k.publicKey, custodial });

function registration(party: string, key: Key, node: Key, org?: string) {
  return sign(
    {
      type: "identity",
      spec_version: "2.1",
      id: party,
      created: T,
      modified: T,
      created_by_ref: NODE,
      name: party === NODE ? "node" : `party ${party.slice(10, 18)}`,
      extensions: {
        [PARTY_EXT]: {
          extension_type: "property-extension",
          slug: `p${party.slice(16, 18)}`,
          custodial: party === NODE,
          ...(org ? { organisation_ref: org } : {}),
          keys: [{ key_id: keyIdOf(key.publicKey), algorithm: "ed25519", public_key: toBase64(key.publicKey), valid_from: T }],
        },
      },
    },
    NODE,
    node,
    true,
  );
}

function keyEvent(party: string, change: "rotation" | "reset", next: Key, by: string, k: Key) {
  return sign(
    {
      type: KEY_EVENT_TYPE,
      spec_version: "2.1",
      id: `${KEY_EVENT_TYPE}--${(++n).toString(16).padStart(8, "0")}-aaaa-4bbb-8ccc-dddddddddddd`,
      created: T,
      modified: T,
      created_by_ref: by,
      party_ref: party,
      change,
      key_id: keyIdOf(next.publicKey),
      public_key: toBase64(next.publicKey),
      extensions: { [KEY_EVENT_EXT]: { extension_type: "new-sdo" } },
    },
    by,
    k,
  );
}

test("key history: registration, party-signed rotation, operator reset (tainting what it endorses), organisation rotation clearing it", () => {
  const [node, org, unit1, unit2, forged, forged2, unit3] = Array.from({ length: 7 }, () => generateEd25519());
  const h = new KeyHistories(NODE);
  let i = 0;
  const apply = (record: Record<string, unknown>) => h.apply({ index: i++, loggedAt: `2026-11-25T09:00:0${i}.000Z`, record });
  apply(registration(NODE, node!, node!));
  apply(registration(ORG, org!, node!));
  apply(registration(UNIT, unit1!, node!, ORG));
  // Only the node registers; nobody registers twice.
  assert.throws(() => h.check({ index: 99, loggedAt: T, record: registration(UNIT, unit1!, node!) }), { code: "KEY_CHANGE_INVALID" });
  // The unit rotates, signed by itself: the old key is retired at that index.
  apply(keyEvent(UNIT, "rotation", unit2!, UNIT, unit1!));
  assert.equal(h.keyAt(UNIT, keyIdOf(unit1!.publicKey), 3).ok, true, "the old key signed before the rotation");
  assert.equal((h.keyAt(UNIT, keyIdOf(unit1!.publicKey), 5) as { reason: string }).reason, "retired");
  // A rotation signed with the retired key, or by a stranger, or a reset not by the node, is refused.
  assert.throws(() => h.check({ index: 99, loggedAt: T, record: keyEvent(UNIT, "rotation", forged!, UNIT, unit1!) }), { code: "KEY_CHANGE_UNAUTHORISED" });
  assert.throws(() => h.check({ index: 99, loggedAt: T, record: keyEvent(UNIT, "rotation", forged!, NODE, node!) }), { code: "KEY_CHANGE_UNAUTHORISED" });
  assert.throws(() => h.check({ index: 99, loggedAt: T, record: keyEvent(UNIT, "reset", forged!, UNIT, unit2!) }), { code: "KEY_CHANGE_UNAUTHORISED" });
  // The operator resets the key, then "rotates" with the reset key: both rest on the reset.
  apply(keyEvent(UNIT, "reset", forged!, NODE, node!));
  apply(keyEvent(UNIT, "rotation", forged2!, UNIT, forged!));
  const later = h.keyAt(UNIT, keyIdOf(forged2!.publicKey), 10);
  assert.ok(later.ok && later.key.reset?.index === 4 && later.key.reset.keyId === keyIdOf(forged!.publicKey));
  assert.match(resetNotice(h.get(UNIT)!, later.ok ? later.key : (undefined as never)), /^KEY RESET BY THE OPERATOR: .* at log index 4, without .* rest on the operator's word, not the party's$/);
  // The organisation, whose key never rested on a reset, rotates the unit to a clean key.
  apply(keyEvent(UNIT, "rotation", unit3!, ORG, org!));
  const clean = h.keyAt(UNIT, keyIdOf(unit3!.publicKey), 10);
  assert.ok(clean.ok && clean.key.reset === undefined);
  assert.equal(h.activeKeys(UNIT).length, 1);
  assert.equal((h.keyAt(UNIT, keyIdOf(unit3!.publicKey), 6) as { reason: string }).reason, "not-yet", "a key signs only after its record");
});
