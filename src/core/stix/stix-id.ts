/** A STIX identifier split into its object type and UUID (STIX 2.1 §2.9). */
export type StixIdParts = { readonly type: string; readonly uuid: string };

// STIX 2.1 §3.1 type names: ASCII a–z, 0–9 and single hyphens, starting with a letter, 3–250 characters.
const TYPE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
// RFC 4122 §4.1: the variant bits are 10x (first hex digit of the 4th group 8–b) and the version (1–5) sits
// in the 3rd group. Hex digits are case-insensitive on input (RFC 4122 §3), as the OASIS identifier schema allows.
const RFC4122_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True for a valid STIX 2.1 object type name (§3.1: lowercase ASCII, digits, single hyphens, 3–250 chars). */
export function isStixTypeName(s: string): boolean {
  return s.length >= 3 && s.length <= 250 && TYPE_NAME.test(s);
}

/** True for an RFC 4122 UUID of version 1–5 with the RFC 4122 variant. */
export function isRfc4122Uuid(s: string): boolean {
  return RFC4122_UUID.test(s);
}

/** Splits `<type>--<uuid>` (STIX 2.1 §2.9), or returns undefined when it is not a well-formed identifier. */
export function parseStixId(id: unknown): StixIdParts | undefined {
  if (typeof id !== "string" || id.length < 3 + 2 + 36) return undefined;
  const type = id.slice(0, -38);
  const uuid = id.slice(-36);
  if (id.slice(-38, -36) !== "--" || !isStixTypeName(type) || !isRfc4122Uuid(uuid)) return undefined;
  return { type, uuid };
}
