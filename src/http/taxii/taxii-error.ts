import type { FastifyReply } from "fastify";
import type { TocsinError } from "../../core/errors/tocsin-error.js";
import { problemOf } from "../problem.js";
import { sendTaxii } from "./media-types.js";

/**
 * Errors under /taxii2/ leave as the TAXII 2.1 `error` resource (§3.6.1), not as a problem document:
 * the same code table decides the status; `error_code` carries Tocsin's stable code, `http_status`
 * the status as a string, `error_id` a fresh id to quote in a support request.
 */
export function sendTaxiiError(reply: FastifyReply, e: TocsinError): FastifyReply {
  const p = problemOf(e);
  if (p.status === 401) reply.header("www-authenticate", 'Basic realm="tocsin", Bearer realm="tocsin"');
  return sendTaxii(reply.code(p.status), {
      title: p.title,
      description: p.detail,
      // The request id: the node's log names the same id for every 5xx.
      error_id: reply.request.id,
      error_code: p.code,
      http_status: String(p.status),
    ...(p.details ? { details: p.details } : {}),
  });
}
