import { pointerJoin } from "./json-pointer.js";
import type { StixProblem } from "./stix-errors.js";
import { parseStixId } from "./stix-id.js";
import { checkStixRefs, type StixRefRule } from "./stix-refs.js";
import { compareStixTimestamps, isStixTimestamp } from "./stix-timestamp.js";
import { STIX_PREDEFINED_EXTENSIONS } from "./stix-types.js";
import { TLP_2_0_EXTENSION_ID, tlpMarkingById } from "./tlp-markings.js";

/** What the MUST-rule checks need beyond the object itself. */
export type StixRuleContext = {
  /** Reference rules for this object (the built-in ones for its type plus any from extensions). */
  readonly refRules: readonly StixRefRule[];
  /** Registered new-sdo types, which reference categories treat as SDOs. */
  readonly customSdoTypes: ReadonlySet<string>;
  /** Marking-definition ids known besides TLP; undefined means any well-formed marking id is accepted. */
  readonly knownMarkingIds: ReadonlySet<string> | undefined;
};

// STIX 2.1 §3.1: property names are ASCII a–z, 0–9 and underscore, begin with a letter, 3–250 characters
// (`id` is the one shorter, spec-defined name). §11.1 repeats this as a MUST for custom properties; the
// `x_` prefix is only a SHOULD, so it is not enforced.
const PROPERTY_NAME = /^[a-z][a-z0-9_]{2,249}$/;

// Ordered timestamp pairs that STIX 2.1 states as MUSTs: [earlier, later, strictly later?, types].
const TIME_ORDER: readonly (readonly [string, string, boolean, ReadonlySet<string>])[] = [
  ["first_seen", "last_seen", false, new Set(["campaign", "infrastructure", "intrusion-set", "malware", "threat-actor", "sighting"])],
  ["first_observed", "last_observed", false, new Set(["observed-data"])], // §4.14
  ["valid_from", "valid_until", true, new Set(["indicator"])], // §4.7
  ["start_time", "stop_time", true, new Set(["relationship"])], // §5.1
];

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === "object" && v !== null && !Array.isArray(v);

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isRecord(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "undefined";
}

/** §2.9: `id` is `<type>--<RFC 4122 UUID>` and its type part is the object's own `type`. */
function checkId(obj: Readonly<Record<string, unknown>>, type: string, out: StixProblem[]): void {
  const id = obj["id"];
  if (typeof id !== "string") return; // missing or mistyped: the schema says so
  const parts = parseStixId(id);
  if (parts === undefined) {
    out.push({ code: "STIX_ID_FORMAT", property: "/id", message: `"${id}" is not <type>--<RFC 4122 UUID> (§2.9)` });
  } else if (parts.type !== type) {
    out.push({ code: "STIX_ID_FORMAT", property: "/id", message: `id names type "${parts.type}" but the object's type is "${type}" (§2.9)` });
  }
}

/** §3.2: spec_version is "2.1" (required on SDOs, SROs and meta objects, optional on SCOs). */
function checkSpecVersion(obj: Readonly<Record<string, unknown>>, out: StixProblem[]): void {
  if (Object.hasOwn(obj, "spec_version") && obj["spec_version"] !== "2.1") {
    out.push({ code: "STIX_SPEC_VERSION", property: "/spec_version", message: `must be "2.1", not ${JSON.stringify(obj["spec_version"])}` });
  }
}

/** §3.2 modified ≥ created, and the per-type ordered pairs in TIME_ORDER. */
function checkTimeOrder(obj: Readonly<Record<string, unknown>>, type: string, out: StixProblem[]): void {
  const ts = (k: string): string | undefined => {
    const v = obj[k];
    return typeof v === "string" && isStixTimestamp(v) ? v : undefined;
  };
  const created = ts("created");
  const modified = ts("modified");
  if (created !== undefined && modified !== undefined && compareStixTimestamps(modified, created) < 0) {
    out.push({ code: "STIX_MODIFIED_BEFORE_CREATED", property: "/modified", message: `modified ${modified} is before created ${created} (§3.2)` });
  }
  for (const [early, late, strict, types] of TIME_ORDER) {
    if (!types.has(type)) continue;
    const a = ts(early);
    const b = ts(late);
    if (a === undefined || b === undefined) continue;
    const c = compareStixTimestamps(b, a);
    if (c < 0 || (strict && c === 0)) {
      out.push({ code: "STIX_TIME_ORDER", property: pointerJoin("", late), message: `${late} must be ${strict ? "later than" : "at or after"} ${early}` });
    }
  }
}

/** §3.1/§11.1 property-name rule for every top-level property. */
function checkPropertyNames(obj: Readonly<Record<string, unknown>>, out: StixProblem[]): void {
  for (const key of Object.keys(obj)) {
    if (key !== "id" && !PROPERTY_NAME.test(key)) {
      out.push({
        code: "STIX_CUSTOM_PROPERTY_NAME",
        property: pointerJoin("", key),
        message: `property name "${key}" must match ^[a-z][a-z0-9_]{2,249}$ (§3.1, §11.1)`,
      });
    }
  }
}

/** §7.3: `extensions` keys are extension-definition ids, or the predefined names of the object's SCO type (§6). */
function checkExtensionKeys(obj: Readonly<Record<string, unknown>>, type: string, out: StixProblem[]): void {
  const ext = obj["extensions"];
  if (!isRecord(ext)) return;
  const predefined = STIX_PREDEFINED_EXTENSIONS.get(type);
  for (const key of Object.keys(ext)) {
    if (parseStixId(key)?.type === "extension-definition" || predefined?.has(key)) continue;
    const why = key.startsWith("extension-definition--")
      ? "is not a well-formed extension-definition id"
      : predefined
        ? `is neither an extension-definition id nor one of ${[...predefined].join(", ")}`
        : `is not an extension-definition id (${type} has no predefined extensions)`;
    out.push({ code: "STIX_EXTENSION_KEY", property: pointerJoin("/extensions", key), message: `extension key "${key}" ${why}` });
  }
}

/** Every marking reference of the object with its pointer: object_marking_refs and granular marking_ref. */
function markingRefs(obj: Readonly<Record<string, unknown>>): [string, string][] {
  const refs: [string, string][] = [];
  const omr = obj["object_marking_refs"];
  if (Array.isArray(omr)) omr.forEach((r, i) => typeof r === "string" && refs.push([r, pointerJoin("/object_marking_refs", i)]));
  const gm = obj["granular_markings"];
  if (Array.isArray(gm)) {
    gm.forEach((g, i) => {
      if (isRecord(g) && typeof g["marking_ref"] === "string") refs.push([g["marking_ref"], pointerJoin("/granular_markings", i, "marking_ref")]);
    });
  }
  return refs;
}

/**
 * Markings (§7.2): with a known set, marking refs must be TLP or known; a marking-definition must not mark
 * itself (§7.2.1: no circular references); one that reuses a TLP id must be the published object, and
 * one with another id must not carry a TLP level (§7.2.1.4: only the predefined TLP definitions may be used).
 */
function checkMarkings(obj: Readonly<Record<string, unknown>>, type: string, ctx: StixRuleContext, out: StixProblem[]): void {
  if (type !== "marking-definition" && ctx.knownMarkingIds === undefined) return;
  for (const [ref, at] of markingRefs(obj)) {
    if (type === "marking-definition" && ref === obj["id"]) {
      out.push({ code: "STIX_CIRCULAR_MARKING", property: at, message: "a marking definition must not reference itself (§7.2.1)" });
    } else if (
      ctx.knownMarkingIds !== undefined &&
      parseStixId(ref)?.type === "marking-definition" &&
      tlpMarkingById(ref) === undefined &&
      !ctx.knownMarkingIds.has(ref)
    ) {
      out.push({ code: "STIX_UNKNOWN_MARKING", property: at, message: `${ref} is neither a TLP marking nor a known marking definition` });
    }
  }
  if (type !== "marking-definition" || typeof obj["id"] !== "string") return;
  const tlp = tlpMarkingById(obj["id"]);
  if (tlp === undefined) {
    const ext = obj["extensions"];
    if (obj["definition_type"] === "tlp" || (isRecord(ext) && Object.hasOwn(ext, TLP_2_0_EXTENSION_ID))) {
      out.push({ code: "STIX_TLP_MISMATCH", property: "/id", message: "only the predefined TLP marking definitions may carry a TLP level (§7.2.1.4)" });
    }
    return;
  }
  for (const key of new Set([...Object.keys(tlp), ...Object.keys(obj)])) {
    if (canonicalJson(obj[key]) !== canonicalJson(tlp[key])) {
      out.push({
        code: "STIX_TLP_MISMATCH",
        property: pointerJoin("", key),
        message: `${obj["id"]} is ${String(tlp["name"])}; its ${key} must be exactly as published (§7.2.1.4)`,
      });
    }
  }
}

/** §7.3: an extension definition's created_by_ref is required (the official schema does not require it). */
function checkRequiredExtras(obj: Readonly<Record<string, unknown>>, type: string, out: StixProblem[]): void {
  if (type === "extension-definition" && !Object.hasOwn(obj, "created_by_ref")) {
    out.push({ code: "STIX_SCHEMA", property: "/created_by_ref", keyword: "required", message: "must have required property 'created_by_ref' (§7.3)" });
  }
}

/** The STIX 2.1 MUST rules the official JSON schemas cannot express, for an object of `type`. */
export function checkStixRules(obj: Readonly<Record<string, unknown>>, type: string, ctx: StixRuleContext, out: StixProblem[]): void {
  checkId(obj, type, out);
  checkSpecVersion(obj, out);
  checkRequiredExtras(obj, type, out);
  checkPropertyNames(obj, out);
  checkExtensionKeys(obj, type, out);
  checkStixRefs(obj, ctx.refRules, ctx.customSdoTypes, out);
  checkMarkings(obj, type, ctx, out);
  checkTimeOrder(obj, type, out);
}
