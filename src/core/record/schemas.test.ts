import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { repoRoot } from "../../testing/repo-root.js";
import { toBase64, utf8 } from "../crypto/index.js";
import {
  TOCSIN_DEFINITIONS_TIMESTAMP,
  TOCSIN_EXTENSIONS,
  TOCSIN_EXTENSION_DEFINITIONS,
  TOCSIN_IDENTITY,
  tocsinExtension,
} from "./extension-definitions.js";
import {
  ACTION_EXT,
  BOARD_EXT,
  DETERMINATION_EXT,
  DUTY_APPROVAL_EXT,
  DUTY_DECISION_EXT,
  DUTY_ESCALATION_EXT,
  DUTY_POLICY_EXT,
  DUTY_REVEAL_EXT,
  ESCALATION_EXT,
  KEY_EVENT_EXT,
  WITNESS_ALARM_EXT,
  PARTY_EXT,
  RECEIPT_EXT,
  RESOLUTION_EXT,
  REVEAL_EXT,
  SIGNATURE_EXT,
  TOCSIN_IDENTITY_ID,
  WARNING_EXT,
} from "./extension-ids.js";
import { workedExample } from "../../testing/worked-example.js";

const addFormats = addFormatsModule.default;

/**
 * Our schemas compile in Ajv's strict mode (unknown keywords, type mix-ups … are errors), except
 * strictRequired, which would refuse the resolution schema's `if/then` (its `then` names a property
 * declared at the top level, which is valid JSON Schema).
 */
function tocsinAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

const ajv = tocsinAjv();
const validators = new Map<string, ValidateFunction>(TOCSIN_EXTENSIONS.map((e) => [e.extensionId, ajv.compile(e.schema)]));
const validatorOf = (id: string): ValidateFunction => validators.get(id)!;

const ID = (type: string, n = 1): string => `${type}--${n.toString(16).padStart(8, "0")}-aaaa-4bbb-8ccc-dddddddddddd`;
const ALICE = ID("identity", 1);
const BOB = ID("identity", 2);
const WARNING = ID("report", 3);
const T = "2026-11-25T09:00:00.000Z";
const clone = <X>(v: X): X => JSON.parse(JSON.stringify(v)) as X;

/** Applies a mutation to a deep copy (set a path to a value, or delete it with `undefined`). */
function mutate(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const out = clone(base);
  const keys = path.split("/");
  let o: Record<string, unknown> = out;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return out;
}

function newSdo(type: string, extId: string, body: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    spec_version: "2.1",
    id: ID(type, 9),
    created: T,
    modified: T,
    created_by_ref: BOB,
    object_marking_refs: ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
    ...body,
    extensions: { [extId]: { extension_type: "new-sdo" } },
  };
}

const ex = workedExample();
const sig = ex.signed.extensions[SIGNATURE_EXT];

/** For each extension: one valid value, and mutations (path → value; undefined deletes) that must be refused. */
const CASES: Record<string, { valid: Record<string, unknown>; invalid: [string, unknown][] }> = {
  [SIGNATURE_EXT]: {
    valid: { ...sig, custodial: true },
    invalid: [
      ["signature", undefined],
      ["signer_ref", "organization--00000001-aaaa-4bbb-8ccc-dddddddddddd"],
      ["key_id", "65B60673D6ED884BF01C2C222D82ADA0"],
      ["key_id", "65b6"],
      ["algorithm", "ed448"],
      ["signature", toBase64(new Uint8Array(63))],
      ["signature", sig.signature.replace(/==$/, "")],
      ["custodial", false],
      ["extension_type", "new-sdo"],
      ["extra", 1],
    ],
  },
  [WARNING_EXT]: {
    valid: {
      ...(ex.signed.extensions[WARNING_EXT] as Record<string, unknown>),
      arbiter_refs: [ID("identity", 7)],
    },
    invalid: [
      ["window_start", undefined],
      ["window_end", "2026-12-09"],
      ["window_end", "2026-12-09T12:00:00+01:00"],
      ["window_end", "2026-13-09T12:00:00Z"],
      ["probability", 1.01],
      ["probability", -0.1],
      ["probability", "0.7"],
      ["severity", "extreme"],
      ["recipient_refs", []],
      ["recipient_refs", [BOB, BOB]],
      ["recipient_refs", ["identity--not-a-uuid"]],
      ["deadlines", undefined],
      ["deadlines/review", T],
      ["deadlines/receipt", "soon"],
      ["requested_actions", [""]],
      ["requested_actions", ["   "]],
      ["requested_actions", undefined],
      ["commitments", []],
      ["commitments/0/digest", "ABC"],
      ["commitments/0/commitment_id", "has space"],
      ["commitments/0/extra", 1],
      ["arbiter_refs", []],
      ["supersedes", WARNING],
      ["extension_type", "toplevel-property-extension"],
    ],
  },
  [ACTION_EXT]: {
    valid: { extension_type: "property-extension", warning_ref: WARNING, status: "in-progress", deadline: T, owner_ref: BOB },
    invalid: [
      ["warning_ref", ID("note", 3)],
      ["status", "started"],
      ["owner_ref", undefined],
      ["deadline", "tomorrow"],
      ["extra", true],
    ],
  },
  [RESOLUTION_EXT]: {
    valid: {
      extension_type: "property-extension",
      warning_ref: WARNING,
      outcome: "materialized",
      event_time: T,
      incident_ref: ID("incident", 4),
    },
    invalid: [
      ["event_time", undefined], // required when materialized
      ["outcome", "happened"],
      ["incident_ref", ID("report", 4)],
      ["warning_ref", undefined],
      ["extra", "x"],
    ],
  },
  [RECEIPT_EXT]: {
    valid: newSdo("x-tocsin-receipt", RECEIPT_EXT, {
      warning_ref: WARNING,
      warning_modified: T,
      envelope_digest: ex.digest,
      received_at: "2026-11-25T09:00:05.123456Z",
    }),
    invalid: [
      ["envelope_digest", ex.digest.toUpperCase()],
      ["warning_modified", "2026-11-25T09:00:00Z"], // STIX versions are millisecond timestamps
      ["received_at", undefined],
      ["id", ID("x-tocsin-reveal", 9)],
      ["type", "x-tocsin-reveal"],
      ["spec_version", "2.0"],
      ["created_by_ref", undefined],
      ["extensions", undefined],
      [`extensions/${RECEIPT_EXT}/extension_type`, "property-extension"],
      ["x_custom", 1],
    ],
  },
  [REVEAL_EXT]: {
    valid: newSdo("x-tocsin-reveal", REVEAL_EXT, {
      warning_ref: WARNING,
      commitment_id: "c1",
      salt: toBase64(Buffer.from(ex.commitment.saltHex, "hex")),
      evidence: toBase64(utf8.encode(ex.commitment.evidence)),
      media_type: "text/plain",
    }),
    invalid: [
      ["salt", toBase64(new Uint8Array(15))],
      ["salt", toBase64(new Uint8Array(16))], // the salt is exactly 32 bytes
      ["salt", toBase64(new Uint8Array(31))],
      ["salt", toBase64(new Uint8Array(33))],
      ["salt", toBase64(new Uint8Array(32)).replace(/=$/, "")],
      ["salt", "not base64!"],
      ["evidence", ""],
      ["evidence", "abc"],
      ["media_type", "text/plain; charset=utf-8"],
      ["commitment_id", ""],
      ["warning_ref", undefined],
    ],
  },
  [ESCALATION_EXT]: {
    valid: newSdo("x-tocsin-escalation", ESCALATION_EXT, {
      warning_ref: WARNING,
      recipient_ref: BOB,
      deadline_kind: "assessment",
      deadline: T,
      detected_at: "2026-11-25T09:00:30.000Z",
    }),
    invalid: [
      ["deadline_kind", "review"],
      ["recipient_ref", WARNING],
      ["detected_at", undefined],
      ["deadline", 1764061200],
    ],
  },
  [KEY_EVENT_EXT]: {
    valid: newSdo("x-tocsin-key-event", KEY_EVENT_EXT, {
      party_ref: BOB,
      change: "rotation",
      key_id: ex.keyId,
      public_key: toBase64(Buffer.from(ex.publicKeyHex, "hex")),
    }),
    invalid: [
      ["change", "steal"],
      ["change", undefined],
      ["party_ref", WARNING],
      ["key_id", undefined],
      ["public_key", "AAAA"],
      ["token_id", "0123456789abcdef"],
      ["key_id", ex.keyId.toUpperCase()],
    ],
  },
  [DETERMINATION_EXT]: {
    valid: newSdo("x-tocsin-determination", DETERMINATION_EXT, {
      threat: "intentional-killing",
      intended_victims: ["the spectators of the final at the north stadium"],
      specificity: "identifiable",
      credibility: "high",
      commitments: [{ commitment_id: "source-report", digest: "a".repeat(64) }],
      deadline: "2026-11-25T21:00:00Z",
      reviewer_refs: [ALICE],
    }),
    invalid: [
      ["threat", "insult"],
      ["intended_victims", []],
      ["specificity", "vague"],
      ["credibility", undefined],
      ["deadline", undefined],
      ["reviewer_refs", []],
      ["commitments/0/digest", "A".repeat(64)],
      ["extra", 1],
    ],
  },
  [DUTY_DECISION_EXT]: {
    valid: newSdo("x-tocsin-duty-decision", DUTY_DECISION_EXT, {
      determination_ref: ID("x-tocsin-determination", 4),
      determination_digest: "b".repeat(64),
      decision: "warn",
      warning_refs: [WARNING],
      channel: "tocsin",
      links: [{ warning_ref: WARNING, commitment_id: "duty-determination", salt: toBase64(new Uint8Array(32).fill(1)) }],
      approval_refs: [ID("x-tocsin-duty-approval", 5)],
    }),
    invalid: [
      ["decision", "ignore"],
      ["warning_refs", undefined],
      ["links/0/salt", toBase64(new Uint8Array(31))],
      ["ground", "endangers-sources-methods"],
      ["determination_ref", WARNING],
      ["approval_refs", []],
    ],
  },
  [DUTY_APPROVAL_EXT]: {
    valid: newSdo("x-tocsin-duty-approval", DUTY_APPROVAL_EXT, {
      determination_ref: ID("x-tocsin-determination", 4),
      determination_digest: "b".repeat(64),
      decision: "waive",
      ground: "endangers-sources-methods",
    }),
    invalid: [
      ["ground", "not a code!"],
      ["ground", undefined],
      ["decision", undefined],
      ["determination_digest", "b".repeat(63)],
    ],
  },
  [DUTY_POLICY_EXT]: {
    valid: newSdo("x-tocsin-duty-policy", DUTY_POLICY_EXT, { waive_approver_refs: [ALICE] }),
    invalid: [
      ["waive_approver_refs", []],
      ["warn_approver_refs", [WARNING]],
      ["waive_approver_refs", [ALICE, ALICE]],
    ],
  },
  [DUTY_ESCALATION_EXT]: {
    valid: newSdo("x-tocsin-duty-escalation", DUTY_ESCALATION_EXT, {
      determination_ref: ID("x-tocsin-determination", 4),
      deadline: T,
      detected_at: "2026-11-25T09:00:30.000Z",
    }),
    invalid: [
      ["deadline", undefined],
      ["determination_ref", WARNING],
      ["detected_at", "yesterday"],
    ],
  },
  [DUTY_REVEAL_EXT]: {
    valid: newSdo("x-tocsin-duty-reveal", DUTY_REVEAL_EXT, {
      decision_ref: ID("x-tocsin-duty-decision", 6),
      salt: toBase64(new Uint8Array(32).fill(2)),
      reasons: "the only source is placed inside the cell",
      reviewer_refs: [ALICE],
    }),
    invalid: [
      ["reasons", " "],
      ["reviewer_refs", undefined],
      ["salt", undefined],
      ["decision_ref", WARNING],
    ],
  },
  [WITNESS_ALARM_EXT]: {
    valid: newSdo("x-tocsin-witness-alarm", WITNESS_ALARM_EXT, {
      log_origin: "example.com/log",
      log_key: "example.com/log+0a1b2c3d+AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdefg=",
      evidence: "inconsistent",
      checkpoints: ["example.com/log\n7\nAAAA\n\n\u2014 example.com/log abc\n", "example.com/log\n12\nBBBB\n\n\u2014 example.com/log def\n"],
      consistency_path: [toBase64(new Uint8Array(32).fill(1))],
      detected_by: "gossip",
      source: "http://127.0.0.1:8081",
      detected_at: "2026-11-25T09:00:30.000Z",
    }),
    invalid: [
      ["evidence", "rumour"],
      ["checkpoints", ["only one"]],
      ["consistency_path", ["AAAA"]],
      ["log_key", "not a key"],
      ["detected_by", "hearsay"],
      ["log_origin", undefined],
    ],
  },
  [PARTY_EXT]: {
    valid: {
      extension_type: "property-extension",
      slug: "acme-soc",
      custodial: false,
      organisation_ref: ID("identity", 5),
      keys: [
        { key_id: "0".repeat(32), algorithm: "ed25519", public_key: toBase64(new Uint8Array(32).fill(7)), valid_from: T, valid_until: "2026-11-26T09:00:00.000Z" },
        { key_id: ex.keyId, algorithm: "ed25519", public_key: toBase64(Buffer.from(ex.publicKeyHex, "hex")), valid_from: "2026-11-26T09:00:00.000Z" },
      ],
    },
    invalid: [
      ["slug", "Acme"],
      ["slug", "a"],
      ["slug", "-acme"],
      ["slug", "a".repeat(64)],
      ["slug", undefined],
      ["custodial", undefined],
      ["custodial", "no"],
      ["organisation_ref", ID("report", 5)],
      ["keys", []],
      ["keys", undefined],
      ["keys/0/key_id", ex.keyId.toUpperCase()],
      ["keys/0/key_id", undefined],
      ["keys/0/algorithm", "ed448"],
      ["keys/0/public_key", toBase64(new Uint8Array(31))],
      ["keys/0/public_key", toBase64(new Uint8Array(33))],
      ["keys/0/public_key", toBase64(new Uint8Array(32)).replace(/=$/, "")],
      ["keys/0/public_key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB="], // non-canonical padding bits
      ["keys/0/valid_from", undefined],
      ["keys/0/valid_until", "2026-11-26"],
      ["keys/0/extra", 1],
      ["extension_type", "new-sdo"],
      ["extra", 1],
    ],
  },
  [BOARD_EXT]: {
    valid: {
      extension_type: "property-extension",
      board_ref: ID("grouping", 7),
      version: 2,
      previous_ref: ID("grouping", 7),
      previous_digest: "ab".repeat(32),
      name: "crocus-attribution",
      title: "Who attacked?",
      description: "Scope and caveats.",
      subject_refs: [WARNING],
      owner_ref: ALICE,
      editor_refs: [BOB],
      hypotheses: [{ id: "H1", title: "Group A alone", prior: 0.5 }, { id: "H2", title: "State B", prior: 0.5 }],
      source_groups: [{ id: "g1", name: "Group A media", interested_in: ["H1"] }],
      evidence: [{ id: "E1", description: "The claim", source: "Agency", source_group: "g1", date: "2024-03-22", credibility: "medium", relevance: "high", link: { log_index: 3 } }],
      ratings: [{ analyst: "A", evidence: "E1", hypothesis: "H1", rating: "CC" }],
      comments: [{ author_ref: ALICE, at: T, text: "noted", evidence: "E1" }],
    },
    invalid: [
      ["ratings/0/rating", "X"],
      ["ratings/0/rating", "c"],
      ["evidence/0/source", undefined],
      ["evidence/0/source", ""],
      ["evidence/0/source_group", undefined],
      ["evidence/0/credibility", "certain"],
      ["evidence/0/date", "yesterday"],
      ["evidence/0/link", {}],
      ["evidence/0/link/url", "ftp://x"],
      ["hypotheses/0/prior", 0],
      ["hypotheses/0/id", "H 1"],
      ["subject_refs", []],
      ["owner_ref", ID("report", 5)],
      ["board_ref", ID("report", 5)],
      ["version", 0],
      ["previous_digest", undefined],
      ["comments/0/at", "2024-03-22"],
      ["name", "Crocus"],
      ["description", ""],
      ["extra", 1],
    ],
  },
};

test("every schema compiles with Ajv2020 (strict) and accepts its valid example", () => {
  assert.equal(TOCSIN_EXTENSIONS.length, 17);
  for (const ext of TOCSIN_EXTENSIONS) {
    const v = validatorOf(ext.extensionId);
    const c = CASES[ext.extensionId]!;
    assert.ok(v(c.valid), `${ext.extensionId}: ${ajv.errorsText(v.errors)}`);
  }
});

test("every schema rejects each invalid variant of its example", () => {
  for (const ext of TOCSIN_EXTENSIONS) {
    const v = validatorOf(ext.extensionId);
    for (const [path, value] of CASES[ext.extensionId]!.invalid) {
      assert.equal(v(mutate(CASES[ext.extensionId]!.valid, path, value)), false, `${(ext.schema as { $id: string }).$id} accepted ${path} = ${JSON.stringify(value)}`);
    }
  }
});

test("the resolution schema needs event_time only when the outcome is materialized", () => {
  const v = validatorOf(RESOLUTION_EXT);
  const base = { extension_type: "property-extension", warning_ref: WARNING };
  for (const outcome of ["prevented", "did-not-materialize", "unknown"]) assert.ok(v({ ...base, outcome }), outcome);
  assert.equal(v({ ...base, outcome: "materialized" }), false);
});

test("schema files, TOCSIN_EXTENSIONS and the extension definitions agree", () => {
  const dir = join(repoRoot(), "schemas", "tocsin");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const fromFiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as { $id: string; $schema: string });
  // The imported copies (dist/) are the files in the repository.
  assert.deepEqual(
    [...TOCSIN_EXTENSIONS].map((e) => e.schema).sort((a, b) => ((a as { $id: string }).$id < (b as { $id: string }).$id ? -1 : 1)),
    fromFiles.sort((a, b) => (a.$id < b.$id ? -1 : 1)),
  );
  for (const [i, f] of files.entries()) {
    assert.match(f, /^[a-z]+(-[a-z]+)*-v\d+\.json$/);
    const s = JSON.parse(readFileSync(join(dir, f), "utf8")) as { $id: string; $schema: string };
    assert.equal(s.$id, `https://tocsin.dev/schemas/${f}`, files[i]);
    assert.equal(s.$schema, "https://json-schema.org/draft/2020-12/schema");
  }
  assert.equal(TOCSIN_EXTENSION_DEFINITIONS.length, TOCSIN_EXTENSIONS.length);
  for (const [i, def] of TOCSIN_EXTENSION_DEFINITIONS.entries()) {
    const ext = TOCSIN_EXTENSIONS[i]!;
    assert.equal(def.id, ext.extensionId);
    assert.equal(def.schema, (ext.schema as { $id: string }).$id);
    assert.deepEqual(def.extension_types, [ext.extensionType]);
    assert.equal(def.created_by_ref, TOCSIN_IDENTITY_ID);
    assert.equal(def.modified, TOCSIN_DEFINITIONS_TIMESTAMP);
    assert.equal(tocsinExtension(def.id), ext);
  }
  assert.equal(new Set(TOCSIN_EXTENSIONS.map((e) => e.extensionId)).size, 17);
  assert.equal(tocsinExtension("extension-definition--2194259a-42b2-43fb-b25c-f76d6143aedd")?.objectType, "grouping");
});

/** The OASIS STIX 2.1 schemas (vendor/), compiled as standards.md says. */
function oasisValidator(path: string): ValidateFunction {
  const root = join(repoRoot(), "vendor", "stix2.1-json-schemas", "schemas");
  const oasis = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats(oasis);
  for (const sub of ["common", "sdos", "sros", "observables"]) {
    for (const f of readdirSync(join(root, sub)).filter((n) => n.endsWith(".json"))) {
      oasis.addSchema(JSON.parse(readFileSync(join(root, sub, f), "utf8")) as object);
    }
  }
  const v = oasis.getSchema(`http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/${path}`);
  assert.ok(v, path);
  return v;
}

test("the extension definitions and the Tocsin identity are valid STIX 2.1 (OASIS schemas)", () => {
  const extDef = oasisValidator("common/extension-definition.json");
  for (const def of TOCSIN_EXTENSION_DEFINITIONS) assert.ok(extDef(def), `${def.id}: ${JSON.stringify(extDef.errors)}`);
  const identity = oasisValidator("sdos/identity.json");
  assert.ok(identity(TOCSIN_IDENTITY), JSON.stringify(identity.errors));
});

test("the worked example is a valid STIX report, and its extensions match their schemas", () => {
  const report = oasisValidator("sdos/report.json");
  assert.ok(report(ex.signed), JSON.stringify(report.errors));
  assert.ok(validatorOf(WARNING_EXT)(ex.signed.extensions[WARNING_EXT]));
  assert.ok(validatorOf(SIGNATURE_EXT)(ex.signed.extensions[SIGNATURE_EXT]));
});

test("a party identity is a valid STIX identity, and its extension matches the party schema", () => {
  const identity = oasisValidator("sdos/identity.json");
  const party = {
    type: "identity",
    spec_version: "2.1",
    id: ID("identity", 6),
    created: T,
    modified: T,
    name: "ACME SOC",
    identity_class: "organization",
    extensions: { [PARTY_EXT]: CASES[PARTY_EXT]!.valid },
  };
  assert.ok(identity(party), JSON.stringify(identity.errors));
  assert.equal(tocsinExtension(PARTY_EXT)?.objectType, "identity");
  assert.equal(tocsinExtension(PARTY_EXT)?.extensionType, "property-extension");
});

test("Tocsin's new SDOs pass the OASIS common-properties schema", () => {
  const core = oasisValidator("common/core.json");
  for (const id of [RECEIPT_EXT, REVEAL_EXT, ESCALATION_EXT, KEY_EVENT_EXT, DETERMINATION_EXT, DUTY_DECISION_EXT, DUTY_APPROVAL_EXT, DUTY_POLICY_EXT, DUTY_ESCALATION_EXT, DUTY_REVEAL_EXT, WITNESS_ALARM_EXT]) {
    const obj = CASES[id]!.valid;
    assert.ok(core(obj), `${id}: ${JSON.stringify(core.errors)}`);
  }
});
