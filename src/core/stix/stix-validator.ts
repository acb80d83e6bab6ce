import type { ErrorObject, ValidateFunction } from "ajv";
import { withSafePatterns } from "./safe-patterns.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { pointerJoin } from "./json-pointer.js";
import { problemsFromAjvErrors, type SchemaProblemContext } from "./schema-problems.js";
import { StixError, stixErrorFromProblems, type StixErrorCode, type StixProblem } from "./stix-errors.js";
import { isStixTypeName, parseStixId } from "./stix-id.js";
import { checkStixRefs, stixRefRulesFor, type StixRefRule } from "./stix-refs.js";
import { checkStixRules } from "./stix-rules.js";
import { isStixTimestamp } from "./stix-timestamp.js";
import { officialSchemaId, STIX_OFFICIAL_TYPES, STIX_SCHEMA_BASE } from "./stix-types.js";
import { verdictRegExp } from "./verdict-patterns.js";
import { verdictSchema, withStixTimestampShortcut } from "./verdict-schemas.js";

/** A JSON schema for a property-extension value or a new-sdo object, from an extension definition (§7.3). */
export type StixExtensionSchema = {
  /** The `extension-definition--<uuid>` id, the key the extension appears under in `extensions`. */
  readonly extensionId: string;
  /** "property-extension": `schema` validates `extensions[extensionId]` (with its `extension_type`);
   *  "new-sdo": `schema` validates the whole object, on top of the official core schema. */
  readonly extensionType: "property-extension" | "new-sdo";
  /** The new object type (required for new-sdo); for a property-extension, the only type it may extend. */
  readonly objectType?: string;
  /** The JSON schema (draft 2020-12). Without `$id` it gets ".../schemas/extensions/<extensionId>.json" under
   *  the official base, so relative refs such as "../common/timestamp.json" resolve as in the official ones. */
  readonly schema: object;
  /** Allowed target types of reference properties, by dotted path from the schema's root ("*" = list items),
   *  e.g. `{ warning_ref: ["indicator"] }`; checked like the built-in rules (STIX_REF_TYPE). */
  readonly refTypes?: Readonly<Record<string, readonly string[]>>;
};

/** A parsed JSON schema with its `$id` (the official STIX schemas are referenced by `$id`, not by path).
 *  The core never reads them: the edge loads them (src/exchange/stix-schema-loader.ts) and passes them in. */
export type StixJsonSchema = { readonly $id: string; readonly [k: string]: unknown };

export type StixValidatorOptions = {
  readonly schemas: readonly StixJsonSchema[];
  readonly extensionSchemas?: readonly StixExtensionSchema[];
  /** Marking-definition ids known besides TLP; when given, any other marking reference is STIX_UNKNOWN_MARKING. */
  readonly knownMarkingIds?: Iterable<string>;
};

/** A JSON object that passed validation: at least a `type` and an `id`. */
export type StixObject = { readonly type: string; readonly id: string; readonly [k: string]: unknown };

/** Validates single STIX 2.1 objects (not bundles: validate each member of `objects`). */
export interface StixValidator {
  /** Every problem with `obj` (empty when valid); `property` of each is a JSON Pointer into `obj`. */
  validateStixObject(obj: unknown): StixProblem[];
  /** Returns `obj` when valid, else throws a StixError with the first problem's code and all problems. */
  assertValidStix(obj: unknown): StixObject;
  /** The object types this validator accepts: the official ones and registered new-sdo types. */
  readonly objectTypes: ReadonlySet<string>;
}

const TIMESTAMP_ID = `${STIX_SCHEMA_BASE}common/timestamp.json`;
const IDENTIFIER_ID = `${STIX_SCHEMA_BASE}common/identifier.json`;
const PROPERTIES_ID = `${STIX_SCHEMA_BASE}common/properties.json`;
const CORE_ID = `${STIX_SCHEMA_BASE}common/core.json`;

// RFC 5890 IDN host names are not checked by ajv-formats; the OASIS domain-name schema asks for the format,
// so accept dot-separated labels of 1–63 non-space characters, not starting or ending with "-", ≤ 253 in all.
const IDN_HOSTNAME = /^(?!-)[^\s.]{1,63}(?<!-)(?:\.(?!-)[^\s.]{1,63}(?<!-))*\.?$/u;

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const registrationError = (message: string, property: string, cause?: unknown): StixError =>
  new StixError("STIX_EXTENSION_REGISTRATION", message, { details: { property }, ...(cause === undefined ? {} : { cause }) });

/** Records the absolute location of every subschema holding a oneOf/anyOf, so alternatives can be re-run. */
function indexAlternatives(node: unknown, base: string, pointer: string, out: WeakMap<object, string>): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => indexAlternatives(v, base, pointerJoin(pointer, i), out));
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const rec = node as Record<string, unknown>;
  if (typeof rec["$id"] === "string" && pointer !== "" && URL.canParse(rec["$id"], base)) {
    base = new URL(rec["$id"], base).href.replace(/#$/, ""); // an embedded resource (JSON Schema 2020-12 §8.2.1)
    pointer = "";
  }
  if (Array.isArray(rec["oneOf"]) || Array.isArray(rec["anyOf"])) out.set(rec, `${base}#${pointer.split("/").map(encodeURIComponent).join("/")}`);
  for (const [k, v] of Object.entries(rec)) if (k !== "enum" && k !== "const") indexAlternatives(v, base, pointerJoin(pointer, k), out);
}

/** The code of an error from an official schema: timestamps, identifiers and property names get their own. */
function officialCode(e: ErrorObject): StixErrorCode {
  const ps = e.parentSchema as { title?: unknown; $id?: unknown } | undefined;
  if (ps?.title === "timestamp" || ps?.title === "timestamp_millis") return "STIX_TIMESTAMP";
  if (ps?.$id === IDENTIFIER_ID || ps?.title === "id") return "STIX_ID_FORMAT";
  if (e.keyword === "additionalProperties") {
    if (ps?.$id === PROPERTIES_ID) return "STIX_CUSTOM_PROPERTY_NAME";
    if (e.instancePath.endsWith("/extensions")) return "STIX_EXTENSION_KEY";
  }
  return "STIX_SCHEMA";
}

/** Uniform messages for the timestamp rules, so the pattern and the format failure of one value read alike. */
function describeOfficial(e: ErrorObject): string | undefined {
  const title = (e.parentSchema as { title?: unknown } | undefined)?.title;
  if (title === "timestamp") return "must be an RFC 3339 timestamp in UTC with the 'Z' designator and a valid date and time (§2.15)";
  if (title === "timestamp_millis") return "must be precise to at least the millisecond (§3.2)";
  return undefined;
}

type Registered = StixExtensionSchema & { readonly validate: ValidateFunction; readonly refRules: readonly StixRefRule[] };

// Pure: it touches no disk. Every official type schema is compiled here, eagerly, so that broken schemas fail
// start-up (STIX_SCHEMA_LOAD) and bad registrations too (STIX_EXTENSION_REGISTRATION).
/** Builds a validator from the official OASIS STIX 2.1 schemas plus Tocsin's extension schemas. */
function newAjv(reporting: boolean): Ajv2020 {
  const ajv = reporting
    ? new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true, verbose: true })
    : new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: false, messages: false, code: { regExp: verdictRegExp } });
  ajvFormats.default(ajv);
  // §2.15 beyond the official pattern: a real calendar date and leap seconds only at 23:59:60Z.
  ajv.addFormat("stix-timestamp", { type: "string", validate: (s: string) => isStixTimestamp(s) });
  ajv.addFormat("idn-hostname", { type: "string", validate: (s: string) => s.length <= 253 && IDN_HOSTNAME.test(s) });
  const dateTime = fullFormats["date-time"] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
  ajv.addFormat("date-time", { type: "string", validate: withStixTimestampShortcut(dateTime.validate), compare: dateTime.compare });
  return ajv;
}

export function createStixValidator(options: StixValidatorOptions): StixValidator {
  const ajv = newAjv(true);
  // The verdict validator (verdict-schemas.ts): the same schemas, some rewritten to accept the same
  // instances at less cost, compiled per object type on first use and asked first; only an object it
  // refuses is validated again by the official schemas above, whose errors are what is reported.
  const verdictAjv = newAjv(false);

  const alternatives = new WeakMap<object, string>();
  const added = new Map<string, object>();
  const add = (schema: StixJsonSchema, original: object = schema): void => {
    ajv.addSchema(schema);
    added.set(schema.$id, original);
    indexAlternatives(schema, schema.$id.replace(/#$/, ""), "", alternatives);
  };

  const typeValidators = new Map<string, ValidateFunction>();
  try {
    // withSafePatterns: the official schemas carry one exponential-time pattern (see safe-patterns.ts).
    for (const raw of options.schemas) {
      const schema = withSafePatterns(raw);
      const own = schema.$id === TIMESTAMP_ID ? { ...schema, format: "stix-timestamp" } : schema;
      add(own, schema);
      verdictAjv.addSchema(verdictSchema(own));
    }
    for (const type of STIX_OFFICIAL_TYPES) {
      const v = ajv.getSchema(officialSchemaId(type) as string);
      if (v === undefined) throw new Error(`no official schema for type ${type}`);
      typeValidators.set(type, v);
    }
  } catch (cause) {
    if (cause instanceof StixError) throw cause;
    throw new StixError("STIX_SCHEMA_LOAD", `the official STIX schemas do not compile: ${(cause as Error).message}`, { details: { property: "" }, cause });
  }
  const core = ajv.getSchema(CORE_ID) as ValidateFunction;
  const verdicts = new Map<string, ValidateFunction>();
  /** The verdict validator of an official type; an official type's schema compiled above compiles here too. */
  const verdictOf = (type: string): ValidateFunction => {
    let v = verdicts.get(type);
    if (v === undefined) verdicts.set(type, (v = verdictAjv.getSchema(officialSchemaId(type) as string)!));
    return v;
  };

  const branch: SchemaProblemContext["branch"] = (parentSchema, keyword, i) => {
    const at = alternatives.get(parentSchema);
    if (at === undefined) return undefined;
    try {
      return ajv.getSchema(`${at}/${keyword}/${i}`);
    } catch {
      return undefined;
    }
  };
  const officialCtx: SchemaProblemContext = { branch, codeOf: officialCode, describe: describeOfficial };
  const extensionCtx: SchemaProblemContext = { branch, codeOf: () => "STIX_EXTENSION_SCHEMA" };

  // Extension registrations (§7.3).
  const extensions = new Map<string, Registered>();
  const newSdoTypes = new Map<string, Registered>();
  for (const [n, ext] of (options.extensionSchemas ?? []).entries()) {
    const at = `/extensionSchemas/${n}`;
    if (parseStixId(ext.extensionId)?.type !== "extension-definition") throw registrationError(`${ext.extensionId} is not an extension-definition id`, `${at}/extensionId`);
    if (extensions.has(ext.extensionId)) throw registrationError(`${ext.extensionId} is registered twice`, `${at}/extensionId`);
    if (ext.extensionType !== "new-sdo" && ext.extensionType !== "property-extension") {
      throw registrationError(`unsupported extension type ${String(ext.extensionType)}`, `${at}/extensionType`);
    }
    if (ext.objectType !== undefined && !isStixTypeName(ext.objectType)) throw registrationError(`${ext.objectType} is not a STIX type name`, `${at}/objectType`);
    if (ext.extensionType === "new-sdo") {
      if (ext.objectType === undefined) throw registrationError("a new-sdo extension needs its objectType", `${at}/objectType`);
      if (STIX_OFFICIAL_TYPES.has(ext.objectType) || newSdoTypes.has(ext.objectType)) {
        throw registrationError(`object type ${ext.objectType} is already defined`, `${at}/objectType`);
      }
    }
    if (typeof ext.schema !== "object" || ext.schema === null) throw registrationError("schema must be a JSON schema object", `${at}/schema`);
    const given = (ext.schema as { $id?: unknown }).$id;
    const id = typeof given === "string" ? given.replace(/#$/, "") : `${STIX_SCHEMA_BASE}extensions/${ext.extensionId}.json`;
    let validate: ValidateFunction | undefined;
    const existing = added.get(id);
    if (existing !== undefined && existing !== ext.schema) throw registrationError(`$id ${id} is already used by another schema`, `${at}/schema/$id`);
    try {
      if (existing === undefined) add(typeof given === "string" ? (ext.schema as StixJsonSchema) : { ...ext.schema, $id: id }, ext.schema);
      validate = ajv.getSchema(id);
    } catch (cause) {
      throw registrationError(`the schema of ${ext.extensionId} does not compile: ${(cause as Error).message}`, `${at}/schema`, cause);
    }
    if (validate === undefined) throw registrationError(`the schema of ${ext.extensionId} does not compile`, `${at}/schema`);
    const refRules = Object.entries(ext.refTypes ?? {}).map(([path, targets]) => ({ path: path.split("."), targets }));
    const reg: Registered = { ...ext, validate, refRules };
    extensions.set(ext.extensionId, reg);
    if (ext.extensionType === "new-sdo") newSdoTypes.set(ext.objectType as string, reg);
  }
  const customSdoTypes: ReadonlySet<string> = new Set(newSdoTypes.keys());
  const knownMarkingIds = options.knownMarkingIds === undefined ? undefined : new Set(options.knownMarkingIds);
  const refRulesByType = new Map<string, readonly StixRefRule[]>();
  const refRulesFor = (type: string): readonly StixRefRule[] => {
    let rules = refRulesByType.get(type);
    if (rules === undefined) refRulesByType.set(type, (rules = [...stixRefRulesFor(type), ...(newSdoTypes.get(type)?.refRules ?? [])]));
    return rules;
  };

  /** Extension values of `obj` that are registered: their schema, type binding, and reference rules. */
  function checkExtensions(obj: Record<string, unknown>, type: string, semantic: StixProblem[], schema: StixProblem[]): void {
    const exts = obj["extensions"];
    const own = newSdoTypes.get(type);
    if (own !== undefined) {
      const value = isPlainObject(exts) ? exts[own.extensionId] : undefined;
      if (!isPlainObject(value) || value["extension_type"] !== "new-sdo") {
        semantic.push({
          code: "STIX_EXTENSION_MISSING",
          property: pointerJoin("/extensions", own.extensionId),
          message: `a ${type} object must carry extensions["${own.extensionId}"] = { extension_type: "new-sdo" } (§7.3)`,
        });
      }
    }
    if (!isPlainObject(exts)) return;
    for (const [key, value] of Object.entries(exts)) {
      const reg = extensions.get(key);
      if (reg === undefined || !isPlainObject(value)) continue;
      const at = pointerJoin("/extensions", key);
      if (reg.extensionType === "new-sdo") {
        if (reg.objectType !== type) {
          semantic.push({ code: "STIX_EXTENSION_SCHEMA", property: at, message: `${key} defines the ${reg.objectType} object type, not ${type}` });
        }
        continue;
      }
      if (reg.objectType !== undefined && reg.objectType !== type) {
        semantic.push({ code: "STIX_EXTENSION_SCHEMA", property: at, message: `${key} extends ${reg.objectType} objects, not ${type}` });
        continue;
      }
      if (value["extension_type"] !== "property-extension") {
        semantic.push({ code: "STIX_EXTENSION_SCHEMA", property: pointerJoin(at, "extension_type"), message: `${key} is a property-extension` });
      }
      // Reference rules of a property extension apply inside its value.
      checkStixRefs(value, reg.refRules, customSdoTypes, semantic, at);
      if (!reg.validate(value)) schema.push(...problemsFromAjvErrors(reg.validate.errors ?? [], extensionCtx, at));
    }
  }

  function validateStixObject(obj: unknown): StixProblem[] {
    if (!isPlainObject(obj)) {
      return [{ code: "STIX_NOT_OBJECT", property: "", message: `a STIX object is a JSON object, not ${Array.isArray(obj) ? "an array" : obj === null ? "null" : typeof obj}` }];
    }
    const type = obj["type"];
    if (typeof type !== "string") {
      const missing = !Object.hasOwn(obj, "type");
      return [{ code: "STIX_SCHEMA", property: "/type", keyword: missing ? "required" : "type", message: missing ? "must have required property 'type'" : "must be string" }];
    }
    const official = typeValidators.get(type);
    const own = newSdoTypes.get(type);
    if (official === undefined && own === undefined) {
      return [{ code: "STIX_UNKNOWN_TYPE", property: "/type", message: `"${type}" is neither a STIX 2.1 object type nor a registered new-sdo extension type` }];
    }
    const semantic: StixProblem[] = [];
    const schema: StixProblem[] = [];
    checkStixRules(obj, type, { refRules: refRulesFor(type), customSdoTypes, knownMarkingIds }, semantic);
    if (official !== undefined) {
      // Both validators accept the same objects; the official one is asked only to explain a refusal.
      if (!verdictOf(type)(obj) && !official(obj)) schema.push(...problemsFromAjvErrors(official.errors ?? [], officialCtx));
    } else if (own !== undefined) {
      // A new SDO follows all SDO common-property rules (§7.3): the core schema, then its own schema.
      if (!core(obj)) schema.push(...problemsFromAjvErrors(core.errors ?? [], officialCtx));
      if (!own.validate(obj)) schema.push(...problemsFromAjvErrors(own.validate.errors ?? [], extensionCtx));
    }
    checkExtensions(obj, type, semantic, schema);
    if (semantic.length + schema.length === 0) return [];
    // A rule-level finding is more specific than a schema error about the same property; and identical
    // findings (e.g. core.json reached from both an official and an extension schema) are reported once.
    const ruled = new Set(semantic.map((p) => p.property));
    const seen = new Set<string>();
    const out: StixProblem[] = [];
    for (const p of [...semantic, ...schema.filter((s) => !ruled.has(s.property))]) {
      const key = `${p.property}\u0000${p.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(p);
      }
    }
    return out;
  }

  return {
    validateStixObject,
    assertValidStix(obj: unknown): StixObject {
      const problems = validateStixObject(obj);
      if (problems.length > 0) throw stixErrorFromProblems(problems);
      return obj as StixObject;
    },
    objectTypes: new Set([...STIX_OFFICIAL_TYPES, ...newSdoTypes.keys()]),
  };
}
