/*
 * CAP message identity and references. CAP-v1.2-os §3.2.1: `identifier` and `sender` "MUST NOT include
 * spaces, commas or restricted characters (< and &)"; `references` is "the extended message
 * identifier(s) (in the form sender,identifier,sent) of an earlier CAP message or messages referenced
 * by this one", separated by whitespace.
 */

/** One extended message identifier: sender, identifier, sent. */
export interface CapReference {
  readonly sender: string;
  readonly identifier: string;
  readonly sent: string;
}

/** Identifies one version of one warning: its id and its `modified`, both kept whole (CAP's `sent` drops milliseconds). */
export function alertIdentifier(warningId: string, modified: string): string {
  return `${warningId}@${modified}`;
}

/** The Cancel of a withdrawn warning: one per warning. */
export function cancelIdentifier(warningId: string): string {
  return `${warningId}@cancel`;
}

const STIX_REPORT_ID = /^report--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STIX_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The warning version an identifier names; undefined for any identifier Tocsin did not write. */
export function parseAlertIdentifier(identifier: string): { readonly warningId: string; readonly modified: string } | undefined {
  const at = identifier.indexOf("@");
  if (at < 0) return undefined;
  const warningId = identifier.slice(0, at);
  const modified = identifier.slice(at + 1);
  if (!STIX_REPORT_ID.test(warningId) || !STIX_TIMESTAMP.test(modified)) return undefined;
  return { warningId, modified };
}

export function formatReference(r: CapReference): string {
  return `${r.sender},${r.identifier},${r.sent}`;
}

/** A `references` value as its extended identifiers; undefined when one is not sender,identifier,sent. */
export function parseReferences(text: string): CapReference[] | undefined {
  const out: CapReference[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === "") continue;
    const parts = token.split(",");
    if (parts.length !== 3 || parts.some((p) => p === "")) return undefined;
    out.push({ sender: parts[0]!, identifier: parts[1]!, sent: parts[2]! });
  }
  return out;
}
