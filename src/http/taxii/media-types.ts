import type { FastifyReply } from "fastify";
import { TocsinError } from "../../core/errors/tocsin-error.js";

/** TAXII 2.1 §1.6.8: every TAXII resource is this media type; STIX content inside is the second. */
export const TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
export const STIX_MEDIA_TYPE = "application/stix+json;version=2.1";

interface MediaRange {
  readonly type: string;
  readonly params: Map<string, string>;
  readonly q: number;
}

function parseRange(text: string): MediaRange | undefined {
  const [essence, ...rest] = text.split(";").map((s) => s.trim());
  if (!essence || !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$|^\*\/\*$/i.test(essence)) return undefined;
  const params = new Map<string, string>();
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq <= 0) return undefined;
    const k = p.slice(0, eq).trim().toLowerCase();
    const v = p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (k === "q") q = Number(v);
    else params.set(k, v);
  }
  return { type: essence.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
}

/** A TAXII media type: `application/taxii+json` with version 2.1 or no version (which means the latest, 2.1). */
function isTaxii(r: MediaRange): boolean {
  const v = r.params.get("version");
  return r.type === "application/taxii+json" && (v === undefined || v === "2.1");
}

/**
 * Content negotiation for responses (406 otherwise). Acceptable: no Accept header (RFC 9110 §12.5.1:
 * any type), or a range with q > 0 that covers the TAXII 2.1 media type (`*\/*`, `application/*`,
 * `application/taxii+json` with version 2.1 or none). `application/json` or TAXII 2.0 are refused.
 */
export function assertAcceptsTaxii(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === "") return;
  const ok = accept
    .split(",")
    .map(parseRange)
    .some((r) => r !== undefined && r.q > 0 && (r.type === "*/*" || r.type === "application/*" || isTaxii(r)));
  if (!ok) throw new TocsinError("HTTP_NOT_ACCEPTABLE", `this endpoint answers ${TAXII_MEDIA_TYPE} only`, { details: { accept } });
}

/** A request body must be TAXII 2.1 (415 otherwise). */
export function assertTaxiiContentType(contentType: string | undefined): void {
  const r = contentType === undefined ? undefined : parseRange(contentType);
  if (!r || !isTaxii(r)) {
    throw new TocsinError("HTTP_UNSUPPORTED_MEDIA_TYPE", `the body must be ${TAXII_MEDIA_TYPE}`, { details: { contentType: contentType ?? null } });
  }
}

/**
 * Sends a TAXII resource (a value, or JSON text already serialised, as a string or UTF-8 bytes) with exactly
 * `application/taxii+json;version=2.1`. As bytes: Fastify rewrites the Content-Type of a JSON string
 * body (quoting the version, adding a charset), and the OASIS client compares the parameters literally.
 */
export function sendTaxii(reply: FastifyReply, body: unknown): FastifyReply {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
  return reply.header("content-type", TAXII_MEDIA_TYPE).send(bytes);
}
