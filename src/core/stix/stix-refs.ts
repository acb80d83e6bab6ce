import { pointerJoin } from "./json-pointer.js";
import type { StixProblem } from "./stix-errors.js";
import { parseStixId } from "./stix-id.js";
import { STIX_META_TYPES, STIX_SCO_TYPES, STIX_SDO_TYPES, STIX_SRO_TYPES } from "./stix-types.js";

// Categories are deny-lists of the known types outside the category, so custom types stay allowed (a
// consumer cannot know what an unknown custom type is), except that registered new-sdo types count as SDOs.
/** What a reference may point to: a list of object types, or a category of them. */
export type StixRefTarget = readonly string[] | "any" | "sdo" | "sco" | "sdo-or-sco" | "sco-or-sro";

/** A reference-typing rule: a path of property names from the object root ("*" = every list item). */
export type StixRefRule = { readonly path: readonly string[]; readonly targets: StixRefTarget };

const rule = (path: string, targets: StixRefTarget): StixRefRule => ({ path: path.split("."), targets });

// STIX 2.1 §3.2 common properties: created_by_ref → identity; object_marking_refs and granular marking_ref →
// marking-definition (§7.2.2, §7.2.3).
const COMMON_RULES: readonly StixRefRule[] = [
  rule("created_by_ref", ["identity"]),
  rule("object_marking_refs", ["marking-definition"]),
  rule("granular_markings.*.marking_ref", ["marking-definition"]),
];

const IP_ADDR = ["ipv4-addr", "ipv6-addr"];

// Per-type restrictions, from each object's property table in STIX 2.1 §4–§7.
const TYPE_RULES: ReadonlyMap<string, readonly StixRefRule[]> = new Map([
  ["grouping", [rule("object_refs", "any")]], // §4.4
  ["malware", [rule("operating_system_refs", ["software"]), rule("sample_refs", ["file", "artifact"])]], // §4.11
  [
    "malware-analysis", // §4.12
    [
      rule("host_vm_ref", ["software"]),
      rule("operating_system_ref", ["software"]),
      rule("installed_software_refs", ["software"]),
      rule("analysis_sco_refs", "sco"),
      rule("sample_ref", ["file", "network-traffic", "artifact"]),
    ],
  ],
  ["note", [rule("object_refs", "any")]], // §4.13
  ["observed-data", [rule("object_refs", "sco-or-sro")]], // §4.14
  ["opinion", [rule("object_refs", "any")]], // §4.15
  ["report", [rule("object_refs", "any")]], // §4.16
  ["relationship", [rule("source_ref", "sdo-or-sco"), rule("target_ref", "sdo-or-sco")]], // §5.1
  [
    "sighting", // §5.2
    [
      rule("sighting_of_ref", "sdo"),
      rule("observed_data_refs", ["observed-data"]),
      rule("where_sighted_refs", ["identity", "location"]),
    ],
  ],
  ["directory", [rule("contains_refs", ["file", "directory"])]], // §6.3
  ["domain-name", [rule("resolves_to_refs", [...IP_ADDR, "domain-name"])]], // §6.4
  ["email-addr", [rule("belongs_to_ref", ["user-account"])]], // §6.5
  [
    "email-message", // §6.6
    [
      rule("from_ref", ["email-addr"]),
      rule("sender_ref", ["email-addr"]),
      rule("to_refs", ["email-addr"]),
      rule("cc_refs", ["email-addr"]),
      rule("bcc_refs", ["email-addr"]),
      rule("raw_email_ref", ["artifact"]),
      rule("body_multipart.*.body_raw_ref", ["artifact", "file"]),
    ],
  ],
  [
    "file", // §6.7
    [
      rule("parent_directory_ref", ["directory"]),
      rule("contains_refs", "sco"),
      rule("content_ref", ["artifact"]),
      rule("extensions.archive-ext.contains_refs", ["file", "directory"]),
    ],
  ],
  ["ipv4-addr", [rule("resolves_to_refs", ["mac-addr"]), rule("belongs_to_refs", ["autonomous-system"])]], // §6.8
  ["ipv6-addr", [rule("resolves_to_refs", ["mac-addr"]), rule("belongs_to_refs", ["autonomous-system"])]], // §6.9
  [
    "network-traffic", // §6.12
    [
      rule("src_ref", [...IP_ADDR, "mac-addr", "domain-name"]),
      rule("dst_ref", [...IP_ADDR, "mac-addr", "domain-name"]),
      rule("src_payload_ref", ["artifact"]),
      rule("dst_payload_ref", ["artifact"]),
      rule("encapsulates_refs", ["network-traffic"]),
      rule("encapsulated_by_ref", ["network-traffic"]),
      rule("extensions.http-request-ext.message_body_data_ref", ["artifact"]),
    ],
  ],
  [
    "process", // §6.13
    [
      rule("opened_connection_refs", ["network-traffic"]),
      rule("creator_user_ref", ["user-account"]),
      rule("image_ref", ["file"]),
      rule("parent_ref", ["process"]),
      rule("child_refs", ["process"]),
      rule("extensions.windows-service-ext.service_dll_refs", ["file"]),
    ],
  ],
  ["windows-registry-key", [rule("creator_user_ref", ["user-account"])]], // §6.17
  ["language-content", [rule("object_ref", "any")]], // §7.1
]);

/** The reference-typing rules for an object type: the common ones (§3.2) plus the type's own. */
export function stixRefRulesFor(type: string): readonly StixRefRule[] {
  return [...COMMON_RULES, ...(TYPE_RULES.get(type) ?? [])];
}

function allows(targets: StixRefTarget, t: string, customSdoTypes: ReadonlySet<string>): boolean {
  if (t === "bundle") return false; // a bundle is a transport wrapper, not a STIX Object (§8)
  const sdo = STIX_SDO_TYPES.has(t) || customSdoTypes.has(t);
  switch (targets) {
    case "any":
      return true;
    case "sdo":
      return !STIX_SRO_TYPES.has(t) && !STIX_SCO_TYPES.has(t) && !STIX_META_TYPES.has(t);
    case "sco":
      return !sdo && !STIX_SRO_TYPES.has(t) && !STIX_META_TYPES.has(t);
    case "sdo-or-sco":
      return !STIX_SRO_TYPES.has(t) && !STIX_META_TYPES.has(t);
    case "sco-or-sro":
      return !sdo && !STIX_META_TYPES.has(t);
    default:
      return targets.includes(t);
  }
}

const describe = (targets: StixRefTarget): string =>
  typeof targets === "string" ? (targets === "any" ? "a STIX object" : `an ${targets.toUpperCase().replaceAll("-OR-", " or ")}`) : targets.join(" or ");

/** Checks one reference value; the pointer (`at`, plus `item` for a list member) is only built on failure. */
function checkOne(
  value: unknown,
  at: string,
  item: number | undefined,
  targets: StixRefTarget,
  customSdoTypes: ReadonlySet<string>,
  out: StixProblem[],
): void {
  if (typeof value !== "string") return; // the wrong JSON type is the schema's to report
  const parts = parseStixId(value);
  if (parts !== undefined && allows(targets, parts.type, customSdoTypes)) return;
  const property = item === undefined ? at : pointerJoin(at, item);
  if (parts === undefined) {
    out.push({ code: "STIX_ID_FORMAT", property, message: `"${value}" is not an identifier <type>--<RFC 4122 UUID> (§2.9)` });
  } else {
    out.push({ code: "STIX_REF_TYPE", property, message: `must reference ${describe(targets)}, not ${parts.type}` });
  }
}

function walk(
  node: unknown,
  path: readonly string[],
  step: number,
  pointer: string,
  targets: StixRefTarget,
  customSdoTypes: ReadonlySet<string>,
  out: StixProblem[],
): void {
  const head = path[step];
  if (head === undefined) {
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) checkOne(node[i], pointer, i, targets, customSdoTypes, out);
    else checkOne(node, pointer, undefined, targets, customSdoTypes, out);
  } else if (head === "*") {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, path, step + 1, pointerJoin(pointer, i), targets, customSdoTypes, out));
  } else if (typeof node === "object" && node !== null && !Array.isArray(node) && Object.hasOwn(node, head)) {
    walk((node as Record<string, unknown>)[head], path, step + 1, pointerJoin(pointer, head), targets, customSdoTypes, out);
  }
}

const coveredByRules = new WeakMap<readonly StixRefRule[], ReadonlySet<string>>();

/** Checks references against `rules`, and every other top-level `*_ref`/`*_refs` for identifier form (§2.9). */
export function checkStixRefs(
  obj: Readonly<Record<string, unknown>>,
  rules: readonly StixRefRule[],
  customSdoTypes: ReadonlySet<string>,
  out: StixProblem[],
  base = "",
): void {
  let covered = coveredByRules.get(rules);
  if (covered === undefined) coveredByRules.set(rules, (covered = new Set(rules.filter((r) => r.path.length === 1).map((r) => r.path[0] as string))));
  for (const r of rules) walk(obj, r.path, 0, base, r.targets, customSdoTypes, out);
  for (const key in obj) {
    if (!Object.hasOwn(obj, key) || covered.has(key) || !(key.endsWith("_ref") || key.endsWith("_refs"))) continue;
    const value = obj[key];
    if (key.endsWith("_ref") ? typeof value === "string" : Array.isArray(value)) {
      walk(value, [], 0, pointerJoin(base, key), "any", customSdoTypes, out);
    }
  }
}
