import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../../testing/repo-root.js";
import { StixError, type StixErrorCode, type StixProblem } from "./stix-errors.js";
import { loadStixSchemas } from "../../exchange/stix-schema-loader.js";
import { createStixValidator, type StixExtensionSchema } from "./stix-validator.js";
import { TLP_1_0_IDS, TLP_1_0_MARKINGS, TLP_2_0_IDS, TLP_2_0_MARKINGS } from "./tlp-markings.js";

const schemas = loadStixSchemas();

// Two Tocsin-like extensions, as another module will register them: a new SDO and a property extension.
const RECEIPT_EXT = "extension-definition--2f0a9d7c-8f8e-4a52-9d4b-1e8f3f6b7a10";
const URGENCY_EXT = "extension-definition--7c5b1e0a-3d2f-4e6a-8b9c-0a1b2c3d4e5f";
const extensionSchemas: StixExtensionSchema[] = [
  {
    extensionId: RECEIPT_EXT,
    extensionType: "new-sdo",
    objectType: "x-tocsin-test-receipt",
    schema: {
      type: "object",
      properties: {
        type: { const: "x-tocsin-test-receipt" },
        warning_ref: { $ref: "../common/identifier.json" },
        received: { $ref: "../common/timestamp.json" },
      },
      required: ["warning_ref", "received"],
    },
    refTypes: { warning_ref: ["indicator", "report"] },
  },
  {
    extensionId: URGENCY_EXT,
    extensionType: "property-extension",
    schema: {
      type: "object",
      properties: { extension_type: { const: "property-extension" }, urgency: { enum: ["imminent", "soon", "later"] } },
      required: ["extension_type", "urgency"],
    },
  },
];
const v = createStixValidator({ schemas, extensionSchemas });

// ---------------------------------------------------------------------------------------------------------
// Fixtures

const id = (type: string): string => `${type}--${randomUUID()}`;
const IDENTITY = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff";
const INDICATOR = "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2";
const report = {
  type: "report",
  spec_version: "2.1",
  id: "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
  created_by_ref: IDENTITY,
  created: "2015-12-21T19:59:11.000Z",
  modified: "2016-05-21T19:59:11.000Z",
  name: "The Black Vine Cyberespionage Group",
  published: "2016-01-20T17:00:00.000Z",
  object_refs: [INDICATOR, "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c"],
  object_marking_refs: [TLP_2_0_IDS.AMBER],
};
const receipt = {
  type: "x-tocsin-test-receipt",
  spec_version: "2.1",
  id: "x-tocsin-test-receipt--0b6a2d43-6cbb-4c3b-9a5e-3a1c0e2f9d11",
  created: "2024-03-01T10:00:00.000Z",
  modified: "2024-03-01T10:00:00.000Z",
  warning_ref: INDICATOR,
  received: "2024-03-01T09:59:59.123Z",
  extensions: { [RECEIPT_EXT]: { extension_type: "new-sdo" } },
};
const markedIndicator = {
  type: "indicator",
  spec_version: "2.1",
  id: INDICATOR,
  created: "2024-03-01T10:00:00.000Z",
  modified: "2024-03-01T10:00:00.000Z",
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: "stix",
  valid_from: "2024-03-01T10:00:00Z",
  extensions: { [URGENCY_EXT]: { extension_type: "property-extension", urgency: "imminent" } },
};

/** Asserts that `obj` fails with `code` at `property`, both in the problem list and in the thrown StixError. */
function fails(obj: unknown, code: StixErrorCode, property: string): StixProblem[] {
  const problems = v.validateStixObject(obj);
  const summary = JSON.stringify(problems, null, 1);
  assert.ok(
    problems.some((p) => p.code === code && p.property === property),
    `expected ${code} at "${property}", got ${summary}`,
  );
  assert.equal(problems[0]?.code, code, `first problem should be ${code}: ${summary}`);
  assert.throws(
    () => v.assertValidStix(obj),
    (e: unknown) =>
      e instanceof StixError &&
      e.code === code &&
      typeof e.details?.["property"] === "string" &&
      Array.isArray(e.details["problems"]) &&
      e.details["problems"].length === problems.length,
  );
  return problems;
}

const passes = (obj: unknown): void => assert.deepEqual(v.validateStixObject(obj), [], JSON.stringify(obj));

// ---------------------------------------------------------------------------------------------------------
// The official examples

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : [],
  );
}

test("every object of every official OASIS example validates", () => {
  const dir = join(repoRoot(), "vendor", "stix2.1-json-schemas", "examples");
  const files = jsonFiles(dir);
  assert.ok(files.length >= 8, `found ${files.length} example files`);
  let objects = 0;
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, "utf8")) as { type?: string; objects?: unknown[] };
    for (const [i, obj] of (doc.type === "bundle" ? (doc.objects ?? []) : [doc]).entries()) {
      assert.deepEqual(v.validateStixObject(obj), [], `${relative(dir, file)} objects[${i}]`);
      objects++;
    }
  }
  assert.ok(objects > 250, `validated ${objects} objects`);
});

test("the valid fixtures and the published TLP marking definitions validate", () => {
  passes(report);
  passes(receipt);
  passes(markedIndicator);
  for (const m of [...Object.values(TLP_2_0_MARKINGS), ...Object.values(TLP_1_0_MARKINGS)]) passes(m);
  assert.equal(v.assertValidStix(report), report);
});

// ---------------------------------------------------------------------------------------------------------
// One failing case per code, each naming the property

test("STIX_NOT_OBJECT: arrays, null, strings and numbers", () => {
  for (const x of [[], null, "report", 42, undefined]) fails(x, "STIX_NOT_OBJECT", "");
});

test("STIX_SCHEMA: a missing required property is named", () => {
  const { published: _, ...noPublished } = report;
  const [p] = fails(noPublished, "STIX_SCHEMA", "/published");
  assert.equal(p?.keyword, "required");
  const { type: __, ...noType } = report;
  fails(noType, "STIX_SCHEMA", "/type");
  fails({ ...report, name: 7 }, "STIX_SCHEMA", "/name");
});

test("STIX_SCHEMA: reserved property names are refused at the property", () => {
  fails({ ...report, severity: "high" }, "STIX_SCHEMA", "/severity");
});

test("STIX_ID_FORMAT: id of another type, a bad UUID, and a malformed reference", () => {
  fails({ ...report, id: "indicator--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3" }, "STIX_ID_FORMAT", "/id");
  // variant nibble 0 (not RFC 4122), and version 0
  fails({ ...report, id: "report--84e4d88f-44ea-4bcd-0bf3-b2c1c320bcb3" }, "STIX_ID_FORMAT", "/id");
  fails({ ...report, id: "report--84e4d88f-44ea-0bcd-bbf3-b2c1c320bcb3" }, "STIX_ID_FORMAT", "/id");
  fails({ ...report, id: "report--not-a-uuid" }, "STIX_ID_FORMAT", "/id");
  fails({ ...report, object_refs: [INDICATOR, "indicator-26ffb872"] }, "STIX_ID_FORMAT", "/object_refs/1");
});

test("any RFC 4122 UUID version is accepted, in either case", () => {
  for (const uuid of ["6ba7b810-9dad-11d1-80b4-00c04fd430c8", "886313e1-3b8a-5372-9b90-0c9aee199e5d", "84E4D88F-44EA-4BCD-BBF3-B2C1C320BCB3"]) {
    passes({ ...report, id: `report--${uuid}` });
  }
});

test("STIX_MODIFIED_BEFORE_CREATED, compared to the sub-millisecond", () => {
  fails({ ...report, modified: "2015-12-21T19:59:10.999Z" }, "STIX_MODIFIED_BEFORE_CREATED", "/modified");
  fails({ ...report, created: "2015-12-21T19:59:11.0001Z", modified: "2015-12-21T19:59:11.000Z" }, "STIX_MODIFIED_BEFORE_CREATED", "/modified");
  passes({ ...report, created: "2015-12-21T19:59:11.000Z", modified: "2015-12-21T19:59:11.000000Z" });
});

test("STIX_TIME_ORDER: sighting last_seen before first_seen, indicator valid_until not after valid_from", () => {
  const sighting = {
    type: "sighting",
    spec_version: "2.1",
    id: id("sighting"),
    created: "2024-03-01T10:00:00.000Z",
    modified: "2024-03-01T10:00:00.000Z",
    sighting_of_ref: INDICATOR,
    first_seen: "2024-03-01T10:00:00Z",
    last_seen: "2024-03-01T09:00:00Z",
  };
  fails(sighting, "STIX_TIME_ORDER", "/last_seen");
  passes({ ...sighting, last_seen: sighting.first_seen });
  fails({ ...markedIndicator, valid_until: markedIndicator.valid_from }, "STIX_TIME_ORDER", "/valid_until");
});

test("STIX_TIMESTAMP: non-Z zone, impossible date, missing milliseconds on created", () => {
  fails({ ...report, created: "2015-12-21T19:59:11.000+01:00" }, "STIX_TIMESTAMP", "/created");
  fails({ ...report, published: "2016-02-30T17:00:00Z" }, "STIX_TIMESTAMP", "/published");
  fails({ ...report, published: "2016-01-20T17:00:00.Z" }, "STIX_TIMESTAMP", "/published");
  fails({ ...report, published: "2016-01-20T12:59:60Z" }, "STIX_TIMESTAMP", "/published");
  fails({ ...report, created: "2015-12-21T19:59:11Z" }, "STIX_TIMESTAMP", "/created");
  passes({ ...report, published: "2016-12-31T23:59:60Z" });
  passes({ ...report, published: "2016-02-29T17:00:00Z" });
});

test("STIX_SPEC_VERSION: an SDO must be 2.1", () => {
  fails({ ...report, spec_version: "2.0" }, "STIX_SPEC_VERSION", "/spec_version");
});

test("STIX_REF_TYPE: created_by_ref, object_marking_refs, sighting refs, relationship ends, granular marking", () => {
  fails({ ...report, created_by_ref: "malware--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3" }, "STIX_REF_TYPE", "/created_by_ref");
  fails({ ...report, object_marking_refs: [TLP_2_0_IDS.RED, IDENTITY] }, "STIX_REF_TYPE", "/object_marking_refs/1");
  const sighting = {
    type: "sighting",
    spec_version: "2.1",
    id: id("sighting"),
    created: "2024-03-01T10:00:00.000Z",
    modified: "2024-03-01T10:00:00.000Z",
    sighting_of_ref: INDICATOR,
  };
  passes(sighting);
  fails({ ...sighting, sighting_of_ref: id("relationship") }, "STIX_REF_TYPE", "/sighting_of_ref");
  fails({ ...sighting, where_sighted_refs: [IDENTITY, id("malware")] }, "STIX_REF_TYPE", "/where_sighted_refs/1");
  fails({ ...sighting, observed_data_refs: [id("indicator")] }, "STIX_REF_TYPE", "/observed_data_refs/0");
  const rel = {
    type: "relationship",
    spec_version: "2.1",
    id: id("relationship"),
    created: "2024-03-01T10:00:00.000Z",
    modified: "2024-03-01T10:00:00.000Z",
    relationship_type: "indicates",
    source_ref: INDICATOR,
    target_ref: id("x-tocsin-test-receipt"),
  };
  passes(rel);
  fails({ ...rel, target_ref: id("marking-definition") }, "STIX_REF_TYPE", "/target_ref");
  fails(
    { ...report, granular_markings: [{ selectors: ["name"], marking_ref: IDENTITY }] },
    "STIX_REF_TYPE",
    "/granular_markings/0/marking_ref",
  );
});

test("STIX_CUSTOM_PROPERTY_NAME: names outside ^[a-z][a-z0-9_]{2,249}$; x_ is only recommended", () => {
  fails({ ...report, "X-Bad": 1 }, "STIX_CUSTOM_PROPERTY_NAME", "/X-Bad");
  fails({ ...report, "has-hyphen": 1 }, "STIX_CUSTOM_PROPERTY_NAME", "/has-hyphen");
  fails({ ...report, ab: 1 }, "STIX_CUSTOM_PROPERTY_NAME", "/ab");
  fails({ ...report, ["a".repeat(251)]: 1 }, "STIX_CUSTOM_PROPERTY_NAME", "/" + "a".repeat(251));
  passes({ ...report, x_acme_score: 3 });
  passes({ ...report, acme_score: 3 });
});

test("STIX_UNKNOWN_TYPE: a type without an official schema or a registered extension", () => {
  fails({ ...report, type: "x-unregistered", id: id("x-unregistered") }, "STIX_UNKNOWN_TYPE", "/type");
  fails({ ...report, type: "bundle", id: id("bundle") }, "STIX_UNKNOWN_TYPE", "/type");
  // the registered type is unknown to a validator without the extension
  const plain = createStixValidator({ schemas });
  assert.equal(plain.validateStixObject(receipt)[0]?.code, "STIX_UNKNOWN_TYPE");
  assert.ok(v.objectTypes.has("x-tocsin-test-receipt") && !plain.objectTypes.has("x-tocsin-test-receipt"));
});

test("STIX_EXTENSION_KEY: keys must be extension-definition ids or predefined SCO extension names", () => {
  fails({ ...report, extensions: { "archive-ext": { contains_refs: [] } } }, "STIX_EXTENSION_KEY", "/extensions/archive-ext");
  fails({ ...report, extensions: { "extension-definition--nope": { extension_type: "property-extension" } } }, "STIX_EXTENSION_KEY", "/extensions/extension-definition--nope");
  const file = { type: "file", spec_version: "2.1", id: id("file"), name: "a.zip" };
  passes({ ...file, extensions: { "archive-ext": { contains_refs: [id("file")] } } });
  fails({ ...file, extensions: { "x-acme-ext": { a_b: 1 } } }, "STIX_EXTENSION_KEY", "/extensions/x-acme-ext");
  // an unregistered extension definition is allowed (consumers may ignore it)
  passes({ ...report, extensions: { "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": { extension_type: "property-extension", rank: 5 } } });
});

test("STIX_EXTENSION_SCHEMA: a property-extension value failing its schema", () => {
  const bad = { ...markedIndicator, extensions: { [URGENCY_EXT]: { extension_type: "property-extension", urgency: "whenever" } } };
  const [p] = fails(bad, "STIX_EXTENSION_SCHEMA", `/extensions/${URGENCY_EXT}/urgency`);
  assert.equal(p?.keyword, "enum");
  const missing = { ...markedIndicator, extensions: { [URGENCY_EXT]: { extension_type: "property-extension" } } };
  fails(missing, "STIX_EXTENSION_SCHEMA", `/extensions/${URGENCY_EXT}/urgency`);
});

test("STIX_EXTENSION_SCHEMA: a new-sdo object failing its schema", () => {
  const { received: _, ...noReceived } = receipt;
  fails(noReceived, "STIX_EXTENSION_SCHEMA", "/received");
  fails({ ...receipt, received: "yesterday" }, "STIX_EXTENSION_SCHEMA", "/received");
  // the core schema still applies to the new SDO
  const { created: __, ...noCreated } = receipt;
  fails(noCreated, "STIX_SCHEMA", "/created");
  // and so do the reference rules the extension declares
  fails({ ...receipt, warning_ref: IDENTITY }, "STIX_REF_TYPE", "/warning_ref");
});

test("STIX_EXTENSION_MISSING: a new-sdo object must name its extension definition", () => {
  const { extensions: _, ...bare } = receipt;
  fails(bare, "STIX_EXTENSION_MISSING", `/extensions/${RECEIPT_EXT}`);
  fails({ ...receipt, extensions: { [RECEIPT_EXT]: { extension_type: "property-extension" } } }, "STIX_EXTENSION_MISSING", `/extensions/${RECEIPT_EXT}`);
});

test("STIX_UNKNOWN_MARKING: only with a known-marking set; TLP ids are always known", () => {
  const local = "marking-definition--1e1f7a05-6c3e-4f0a-9f3d-2f6c9e0b4a71";
  const strict = createStixValidator({ schemas, knownMarkingIds: [local] });
  const unknown = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec"; // TLP:RED 1.0 id, last digit off
  const problems = strict.validateStixObject({ ...report, object_marking_refs: [TLP_1_0_IDS.RED, local, unknown] });
  assert.deepEqual(
    problems.map((p) => [p.code, p.property]),
    [["STIX_UNKNOWN_MARKING", "/object_marking_refs/2"]],
  );
  // without the set, a TLP look-alike id is format-valid and passes (as in interop-objectmarking-test.json)
  passes({ ...report, object_marking_refs: [unknown] });
});

test("STIX_TLP_MISMATCH: a marking definition reusing a TLP id must be the published object", () => {
  fails({ ...TLP_2_0_MARKINGS.CLEAR, name: "TLP:RED" }, "STIX_TLP_MISMATCH", "/name");
  const ext = TLP_2_0_MARKINGS.RED["extensions"] as Record<string, Record<string, string>>;
  const forged = { ...TLP_2_0_MARKINGS.RED, extensions: { ...ext, [Object.keys(ext)[0] as string]: { extension_type: "property-extension", tlp_2_0: "clear" } } };
  fails(forged, "STIX_TLP_MISMATCH", "/extensions");
  fails({ ...TLP_1_0_MARKINGS.WHITE, definition: { tlp: "red" } }, "STIX_TLP_MISMATCH", "/definition");
  // a home-made marking definition claiming a TLP level
  fails({ ...TLP_2_0_MARKINGS.CLEAR, id: "marking-definition--1e1f7a05-6c3e-4f0a-9f3d-2f6c9e0b4a71" }, "STIX_TLP_MISMATCH", "/id");
});

test("STIX_CIRCULAR_MARKING: a marking definition marking itself", () => {
  const self = "marking-definition--1e1f7a05-6c3e-4f0a-9f3d-2f6c9e0b4a71";
  const statement = {
    type: "marking-definition",
    spec_version: "2.1",
    id: self,
    created: "2024-03-01T10:00:00.000Z",
    definition_type: "statement",
    definition: { statement: "Copyright 2024, Example Corp" },
  };
  passes(statement);
  passes({ ...statement, object_marking_refs: [TLP_2_0_IDS.CLEAR] });
  fails({ ...statement, object_marking_refs: [TLP_2_0_IDS.CLEAR, self] }, "STIX_CIRCULAR_MARKING", "/object_marking_refs/1");
  fails({ ...statement, granular_markings: [{ selectors: ["definition.statement"], marking_ref: self }] }, "STIX_CIRCULAR_MARKING", "/granular_markings/0/marking_ref");
});

test("oneOf/anyOf cascades collapse to the closest alternative", () => {
  // marking-definition is a oneOf (statement | other | TLP 1.0): only the statement alternative's complaint remains
  const problems = v.validateStixObject({
    type: "marking-definition",
    spec_version: "2.1",
    id: "marking-definition--1e1f7a05-6c3e-4f0a-9f3d-2f6c9e0b4a71",
    created: "2024-03-01T10:00:00.000Z",
    definition_type: "statement",
    definition: {},
  });
  assert.deepEqual(problems.map((p) => [p.code, p.property, p.keyword]), [["STIX_SCHEMA", "/definition/statement", "required"]]);
  // a custom property value is anyOf(array ≥ 1, string, integer, …): an empty array is told its minItems
  assert.deepEqual(
    v.validateStixObject({ ...report, x_acme_tags: [] }).map((p) => [p.property, p.keyword]),
    [["/x_acme_tags", "minItems"]],
  );
  // a tie between alternatives is one summary problem, not one per alternative
  const file = v.validateStixObject({ type: "file", spec_version: "2.1", id: id("file"), size: 3 });
  assert.equal(file.length, 1);
  assert.equal(file[0]?.keyword, "anyOf");
});

test("all problems are reported, not just the first", () => {
  const problems = v.validateStixObject({ ...report, "X-Bad": 1, spec_version: "2.0", created_by_ref: IDENTITY.replace("identity", "tool"), published: "soon" });
  assert.deepEqual(new Set(problems.map((p) => p.code)), new Set(["STIX_CUSTOM_PROPERTY_NAME", "STIX_SPEC_VERSION", "STIX_REF_TYPE", "STIX_TIMESTAMP"]));
});

test("extension registrations are checked when the validator is built", () => {
  const reg = (ext: Partial<StixExtensionSchema>): unknown => () =>
    createStixValidator({ schemas, extensionSchemas: [{ extensionId: URGENCY_EXT, extensionType: "property-extension", schema: {}, ...ext }] });
  const refused = (ext: Partial<StixExtensionSchema>): void =>
    assert.throws(reg(ext) as () => unknown, (e: unknown) => e instanceof StixError && e.code === "STIX_EXTENSION_REGISTRATION");
  refused({ extensionId: "indicator--7c5b1e0a-3d2f-4e6a-8b9c-0a1b2c3d4e5f" });
  refused({ extensionType: "new-sdo" }); // no objectType
  refused({ extensionType: "new-sdo", objectType: "report" }); // an official type
  refused({ schema: { type: "object", properties: { a: { $ref: "nowhere.json" } } } });
  refused({ schema: { $id: "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/core.json" } });
  assert.throws(
    () => createStixValidator({ schemas, extensionSchemas: [extensionSchemas[1] as StixExtensionSchema, extensionSchemas[1] as StixExtensionSchema] }),
    (e: unknown) => e instanceof StixError && e.code === "STIX_EXTENSION_REGISTRATION",
  );
});

test("STIX_SCHEMA_LOAD: a schema set without the official type schemas", () => {
  assert.throws(
    () => createStixValidator({ schemas: schemas.filter((s) => !s.$id.endsWith("/report.json")) }),
    (e: unknown) => e instanceof StixError && e.code === "STIX_SCHEMA_LOAD",
  );
});

test("validating 10 000 small objects is fast", (t) => {
  const objects = Array.from({ length: 10_000 }, (_, i) => ({
    type: "indicator",
    spec_version: "2.1",
    id: id("indicator"),
    created_by_ref: IDENTITY,
    created: "2024-03-01T10:00:00.000Z",
    modified: "2024-03-01T10:00:00.000Z",
    name: `C2 address ${i}`,
    pattern: `[ipv4-addr:value = '198.51.100.${i % 256}']`,
    pattern_type: "stix",
    valid_from: "2024-03-01T10:00:00Z",
    object_marking_refs: [TLP_2_0_IDS.AMBER],
  }));
  for (const o of objects.slice(0, 200)) v.validateStixObject(o); // let the JIT see the code first
  const start = performance.now();
  let invalid = 0;
  for (const o of objects) if (v.validateStixObject(o).length > 0) invalid++;
  const ms = performance.now() - start;
  assert.equal(invalid, 0);
  t.diagnostic(`validated 10000 objects in ${ms.toFixed(1)} ms (${Math.round(10_000 / (ms / 1000))} objects/s)`);
});
