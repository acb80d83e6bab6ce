import { test } from "node:test";
import assert from "node:assert/strict";
import { ed25519PublicKey, utf8 } from "../crypto/index.js";
import { MAX_RECORD_LEAF_BYTES, decodeRecordLeaf, encodeRecordLeaf, encodeRecordLeafOf, recordLeafOf, type RecordLeaf } from "./log-leaf.js";
import { isTimestamp } from "./stix-syntax.js";
import { canonicalBytes } from "./canonical-json.js";
import { RecordError } from "./record-errors.js";
import { keyIdOf, recordDigestHex, signRecord } from "./record-signature.js";
import { workedExample } from "../../testing/worked-example.js";

const malformed = (fn: () => unknown): void =>
  assert.throws(fn, (e: unknown) => e instanceof RecordError && e.code === "RECORD_LEAF_MALFORMED");

const leaf: RecordLeaf = {
  kind: "warning",
  id: "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
  modified: "2026-11-25T09:00:00.000Z",
  author: "identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f",
  keyId: "65b60673d6ed884bf01c2c222d82ada0",
  custodial: false,
  digest: "b26d9b502b88f7bc25d48817e3d26add79defbf31fd583f1bf5c0cd1289702b6",
  loggedAt: "2026-11-25T09:00:01.234567Z",
};

test("a leaf encodes to the JCS of the nine public fields, and decodes back", () => {
  const bytes = encodeRecordLeaf(leaf);
  assert.equal(
    utf8.decode(bytes),
    '{"author":"identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f","custodial":false,' +
      '"digest":"b26d9b502b88f7bc25d48817e3d26add79defbf31fd583f1bf5c0cd1289702b6",' +
      '"id":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b","key_id":"65b60673d6ed884bf01c2c222d82ada0",' +
      '"kind":"warning","logged_at":"2026-11-25T09:00:01.234567Z","modified":"2026-11-25T09:00:00.000Z","v":1}',
  );
  assert.deepEqual(decodeRecordLeaf(bytes), leaf);
  assert.ok(bytes.length < MAX_RECORD_LEAF_BYTES / 4);
});

test("every kind round-trips with an id of its type; tombstone and other take any id", () => {
  const ids: Record<RecordLeaf["kind"], string> = {
    warning: "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    receipt: "x-tocsin-receipt--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    assessment: "opinion--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    action: "course-of-action--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    resolution: "note--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    reveal: "x-tocsin-reveal--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    escalation: "x-tocsin-escalation--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    identity: "identity--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    other: "threat-actor--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    tombstone: "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "attribution-board": "grouping--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "key-event": "x-tocsin-key-event--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "witness-alarm": "x-tocsin-witness-alarm--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    determination: "x-tocsin-determination--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "duty-decision": "x-tocsin-duty-decision--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "duty-approval": "x-tocsin-duty-approval--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "duty-policy": "x-tocsin-duty-policy--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "duty-escalation": "x-tocsin-duty-escalation--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
    "duty-reveal": "x-tocsin-duty-reveal--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
  };
  for (const [kind, id] of Object.entries(ids) as [RecordLeaf["kind"], string][]) {
    const l = { ...leaf, kind, id, custodial: kind === "escalation" };
    assert.deepEqual(decodeRecordLeaf(encodeRecordLeaf(l)), l, kind);
  }
  malformed(() => encodeRecordLeaf({ ...leaf, kind: "warning", id: "note--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" }));
  malformed(() => encodeRecordLeaf({ ...leaf, kind: "receipt" }));
});

test("encode refuses bad fields", () => {
  const bad: Partial<Record<keyof RecordLeaf, unknown>>[] = [
    { kind: "warnings" },
    { kind: undefined },
    { id: "report--7E3F5A2B-1C4D-4E6F-8A9B-0C1D2E3F4A5B" },
    { id: "report" },
    { modified: "2026-11-25 09:00:00Z" },
    { modified: "2026-11-25T09:00:00+01:00" },
    { modified: "2026-02-30T09:00:00Z" },
    { author: "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" },
    { keyId: "65B60673D6ED884BF01C2C222D82ADA0" },
    { keyId: "65b6" },
    { custodial: "false" },
    { custodial: undefined },
    { digest: "ee52" },
    { loggedAt: "yesterday" },
    { loggedAt: "2026-11-25T24:00:00Z" },
  ];
  for (const b of bad) malformed(() => encodeRecordLeaf({ ...leaf, ...b } as RecordLeaf));
});

test("decode is strict: JSON, members, version, field syntax and the canonical byte form", () => {
  const good = utf8.decode(encodeRecordLeaf(leaf));
  const obj = JSON.parse(good) as Record<string, unknown>;
  const variants: (string | Uint8Array)[] = [
    "",
    "null",
    "[]",
    "not json",
    good + " ",
    " " + good,
    good.replace('"v":1', '"v":2'),
    good.replace('"v":1', '"v":1.0'),
    good.replace('"v":1', '"v":"1"'),
    good.replace(',"v":1', ""),
    good.replace('"v":1', '"v":1,"extra":0'),
    good.replace('"custodial":false', '"custodial":0'),
    JSON.stringify(obj, null, 1), // same content, not canonical
    JSON.stringify(Object.fromEntries(Object.entries(obj).reverse())), // member order not canonical
    good.replace("report--", "report\\u002d-"), // an escape that JCS would not write
    new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode(good)]), // BOM
    new Uint8Array([...utf8.encode(good).slice(0, -1), 0xff]), // invalid UTF-8
    "{".padEnd(MAX_RECORD_LEAF_BYTES + 1, " "),
  ];
  for (const v of variants) malformed(() => decodeRecordLeaf(typeof v === "string" ? utf8.encode(v) : v));
  // Duplicate members: JSON.parse keeps the last, but the bytes are not the canonical encoding.
  malformed(() => decodeRecordLeaf(utf8.encode(good.replace('{"author":', '{"author":"identity--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d","author":'))));
});

test("recordLeafOf derives the leaf of a signed record", () => {
  const ex = workedExample();
  const l = recordLeafOf(ex.signed, "2026-11-25T09:00:01.234567Z");
  assert.deepEqual(l, {
    kind: "warning",
    id: ex.signed.id,
    modified: ex.signed.modified,
    author: ex.signed.created_by_ref,
    keyId: ex.keyId,
    custodial: false,
    digest: ex.digest,
    loggedAt: "2026-11-25T09:00:01.234567Z",
  });
  assert.deepEqual(l, leaf);
  // The leaf never carries content.
  const text = utf8.decode(encodeRecordLeaf(l));
  assert.ok(!text.includes("venue") && !text.includes("probability"));
  malformed(() => recordLeafOf(ex.signed, "not a time"));
  // An identity (no `modified`? then `created`) signed custodially.
  const seed = new Uint8Array(32).fill(3);
  const pub = ed25519PublicKey(seed);
  const identity = {
    type: "identity",
    spec_version: "2.1",
    id: "identity--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d",
    created: "2026-11-20T00:00:00.000Z",
    created_by_ref: "identity--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d",
    name: "CERT",
  };
  const signedIdentity = signRecord(identity, { signerRef: identity.id, seed, publicKey: pub, custodial: true });
  assert.deepEqual(recordLeafOf(signedIdentity, "2026-11-25T00:00:00Z"), {
    kind: "identity",
    id: identity.id,
    modified: identity.created,
    author: identity.id,
    keyId: keyIdOf(pub),
    custodial: true,
    digest: recordDigestHex(signedIdentity),
    loggedAt: "2026-11-25T00:00:00Z",
  });
  assert.throws(() => recordLeafOf(identity, "2026-11-25T00:00:00Z"), (e: unknown) => e instanceof RecordError && e.code === "RECORD_UNSIGNED");
});

test("a record about a warning has a v2 leaf: the v1 members plus its warning and thread position", () => {
  const v2: RecordLeaf = { ...leaf, warning: leaf.id, seq: 0 };
  const bytes = encodeRecordLeaf(v2);
  assert.equal(
    utf8.decode(bytes),
    '{"author":"identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f","custodial":false,' +
      '"digest":"b26d9b502b88f7bc25d48817e3d26add79defbf31fd583f1bf5c0cd1289702b6",' +
      '"id":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b","key_id":"65b60673d6ed884bf01c2c222d82ada0",' +
      '"kind":"warning","logged_at":"2026-11-25T09:00:01.234567Z","modified":"2026-11-25T09:00:00.000Z",' +
      '"seq":0,"v":2,"warning":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b"}',
  );
  assert.deepEqual(decodeRecordLeaf(bytes), v2);
  const receipt: RecordLeaf = { ...leaf, kind: "receipt", id: "x-tocsin-receipt--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d", warning: leaf.id, seq: 41 };
  assert.deepEqual(decodeRecordLeaf(encodeRecordLeaf(receipt)), receipt);
  // v1 leaves (every leaf of logs written before thread positions) still decode, without the members.
  const v1 = decodeRecordLeaf(encodeRecordLeaf(leaf));
  assert.equal("warning" in v1 || "seq" in v1, false);
});

test("v2 leaves are as strict as v1: both members or neither, a report id, a canonical non-negative seq, thread kinds only", () => {
  const base: RecordLeaf = { ...leaf, warning: leaf.id, seq: 3 };
  const bad: Partial<Record<keyof RecordLeaf, unknown>>[] = [
    { seq: undefined },
    { warning: undefined },
    { seq: -1 },
    { seq: 1.5 },
    { seq: "3" },
    { seq: 2 ** 53 },
    { warning: "note--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" },
    { warning: "report--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d" }, // a warning version in another warning's thread
    { kind: "other", id: "threat-actor--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" },
    { kind: "tombstone" },
    { kind: "identity", id: "identity--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" },
  ];
  for (const b of bad) malformed(() => encodeRecordLeaf({ ...base, ...b } as RecordLeaf));
  const good = utf8.decode(encodeRecordLeaf(base));
  const variants = [
    good.replace('"v":2', '"v":1'), // v1 with thread members
    good.replace(',"warning":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b"', ""), // v2 without its warning
    good.replace('"seq":3,', ""),
    good.replace('"seq":3', '"seq":3.0'),
    good.replace('"seq":3', '"seq":03'),
    good.replace('"seq":3', '"seq":-0'),
    good.replace('"v":2', '"v":3'),
    utf8.decode(encodeRecordLeaf(leaf)).replace('"v":1', '"v":2'), // v2 with only the v1 members
  ];
  for (const v of variants) malformed(() => decodeRecordLeaf(utf8.encode(v)));
});

test("recordLeafOf gives a record its thread position, and only the thread of the warning it is about", () => {
  const ex = workedExample();
  const l = recordLeafOf(ex.signed, "2026-11-25T09:00:01.234567Z", undefined, { warning: ex.signed.id, seq: 0 });
  assert.deepEqual(l, { ...leaf, warning: ex.signed.id, seq: 0 });
  malformed(() => recordLeafOf(ex.signed, "2026-11-25T09:00:01.234567Z", undefined, { warning: "report--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d", seq: 0 }));
});

test("the leaf writer gives exactly the RFC 8785 bytes of the leaf object, for every kind, version, flag and position", () => {
  const jcs = (l: RecordLeaf): string =>
    utf8.decode(
      canonicalBytes({
        v: l.warning === undefined ? 1 : 2,
        kind: l.kind,
        id: l.id,
        modified: l.modified,
        author: l.author,
        key_id: l.keyId,
        custodial: l.custodial,
        digest: l.digest,
        logged_at: l.loggedAt,
        ...(l.warning === undefined ? {} : { warning: l.warning, seq: l.seq }),
      }),
    );
  const cases: RecordLeaf[] = [
    leaf,
    { ...leaf, custodial: true },
    { ...leaf, kind: "other", id: "indicator--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d" },
    { ...leaf, kind: "tombstone", id: "x-tocsin-receipt--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d" },
    ...[0, 1, 9, 10, 12345, Number.MAX_SAFE_INTEGER].map((seq) => ({ ...leaf, warning: leaf.id, seq })),
    { ...leaf, kind: "receipt", id: "x-tocsin-receipt--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d", warning: leaf.id, seq: 3, custodial: true },
  ];
  for (const l of cases) assert.equal(utf8.decode(encodeRecordLeaf(l)), jcs(l));
});

test("encodeRecordLeafOf writes the bytes of encodeRecordLeaf(recordLeafOf(…)) and refuses what recordLeafOf refuses", () => {
  const ex = workedExample();
  const thread = { warning: ex.signed.id, seq: 0 };
  for (const [at, digest, t] of [["2026-11-25T09:00:01.234567Z", undefined, undefined], ["2026-11-25T09:00:01Z", ex.digest, thread]] as const) {
    assert.deepEqual(encodeRecordLeafOf(ex.signed, at, digest, t), encodeRecordLeaf(recordLeafOf(ex.signed, at, digest, t)));
  }
  malformed(() => encodeRecordLeafOf(ex.signed, "not a time"));
  malformed(() => encodeRecordLeafOf(ex.signed, "2026-02-29T00:00:00Z"));
  malformed(() => encodeRecordLeafOf(ex.signed, "2026-11-25T09:00:01Z", "ABC"));
  malformed(() => encodeRecordLeafOf(ex.signed, "2026-11-25T09:00:01Z", ex.digest, { warning: "report--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d", seq: 0 }));
});

test("isTimestamp: RFC 3339 UTC on a real calendar day, no leap seconds", () => {
  for (const ok of ["2026-11-25T09:00:01Z", "2024-02-29T23:59:59.123456789Z", "2000-02-29T00:00:00Z", "0001-01-01T00:00:00.1Z", "2026-12-31T23:59:59Z"]) assert.equal(isTimestamp(ok), true, ok);
  for (const bad of [
    "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
    "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z", "2026-12-31T23:59:60Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z", "2026-01-01T00:00:00+00:00",
    "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00", "２026-01-01T00:00:00Z", " 2026-01-01T00:00:00Z", 20260101, null, undefined,
  ]) assert.equal(isTimestamp(bad), false, String(bad));
});
