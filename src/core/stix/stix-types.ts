/** The STIX Domain Object types of STIX 2.1 §4. */
export const STIX_SDO_TYPES: ReadonlySet<string> = new Set([
  "attack-pattern",
  "campaign",
  "course-of-action",
  "grouping",
  "identity",
  "incident",
  "indicator",
  "infrastructure",
  "intrusion-set",
  "location",
  "malware",
  "malware-analysis",
  "note",
  "observed-data",
  "opinion",
  "report",
  "threat-actor",
  "tool",
  "vulnerability",
]);

/** The STIX Relationship Object types of STIX 2.1 §5. */
export const STIX_SRO_TYPES: ReadonlySet<string> = new Set(["relationship", "sighting"]);

/** The STIX Cyber-observable Object types of STIX 2.1 §6. */
export const STIX_SCO_TYPES: ReadonlySet<string> = new Set([
  "artifact",
  "autonomous-system",
  "directory",
  "domain-name",
  "email-addr",
  "email-message",
  "file",
  "ipv4-addr",
  "ipv6-addr",
  "mac-addr",
  "mutex",
  "network-traffic",
  "process",
  "software",
  "url",
  "user-account",
  "windows-registry-key",
  "x509-certificate",
]);

/** The STIX Meta Object types of STIX 2.1 §7 (language content, marking definition, extension definition). */
export const STIX_META_TYPES: ReadonlySet<string> = new Set(["language-content", "marking-definition", "extension-definition"]);

/** The `$id` prefix shared by every official OASIS STIX 2.1 JSON schema. */
export const STIX_SCHEMA_BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";

/** The `$id` of the official schema a STIX 2.1 object of `type` is validated against, if the type is official. */
export function officialSchemaId(type: string): string | undefined {
  if (STIX_SDO_TYPES.has(type)) return `${STIX_SCHEMA_BASE}sdos/${type}.json`;
  if (STIX_SRO_TYPES.has(type)) return `${STIX_SCHEMA_BASE}sros/${type}.json`;
  if (STIX_SCO_TYPES.has(type)) return `${STIX_SCHEMA_BASE}observables/${type}.json`;
  if (STIX_META_TYPES.has(type)) return `${STIX_SCHEMA_BASE}common/${type}.json`;
  return undefined;
}

/** Every official STIX 2.1 object type (SDO, SRO, SCO and meta objects). */
export const STIX_OFFICIAL_TYPES: ReadonlySet<string> = new Set([
  ...STIX_SDO_TYPES,
  ...STIX_SRO_TYPES,
  ...STIX_SCO_TYPES,
  ...STIX_META_TYPES,
]);

// No SDO, SRO or meta object has predefined extensions: there every `extensions` key is an extension-definition id.
/** The predefined extension names of STIX 2.1 §6, per SCO type. */
export const STIX_PREDEFINED_EXTENSIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["file", new Set(["archive-ext", "ntfs-ext", "pdf-ext", "raster-image-ext", "windows-pebinary-ext"])],
  ["network-traffic", new Set(["http-request-ext", "icmp-ext", "socket-ext", "tcp-ext"])],
  ["process", new Set(["windows-process-ext", "windows-service-ext"])],
  ["user-account", new Set(["unix-account-ext"])],
]);
