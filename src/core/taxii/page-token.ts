import { createHash } from "node:crypto";
import { taxiiQueryError } from "./taxii-query-error.js";

/*
 * TAXII `next`: an opaque token a client sends back to get the following page. Tocsin's token is the
 * date_added (microseconds) of the last object the page returned plus a fingerprint of the query it
 * belongs to (caller, collection, endpoint, filters). Because date_added is unique, increasing and
 * persisted, the token survives restarts and concurrent inserts: the next page is "everything after
 * this point that the query selects", re-checked against the caller's rights at that moment — nothing
 * is held in server memory. A token replayed with another query or caller is refused.
 */

const TOKEN = /^([0-9]{1,17})\.([0-9a-f]{16})$/;

/** A short digest of everything that defines a query except the position in it. */
export function queryFingerprint(parts: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

export function encodePageToken(afterUs: number, fingerprint: string): string {
  return Buffer.from(`${afterUs}.${fingerprint}`, "utf8").toString("base64url");
}

/** The position a token resumes after; TAXII_QUERY_INVALID (parameter `next`) if it is malformed or not this query's. */
export function decodePageToken(token: string, fingerprint: string): number {
  const bad = (why: string) => taxiiQueryError("next", `next ${why}`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) throw bad("is not a token this server issued");
  const m = TOKEN.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw bad("is not a token this server issued");
  if (m[2] !== fingerprint) throw bad("belongs to another query (filters, collection or caller changed)");
  return Number(m[1]);
}
