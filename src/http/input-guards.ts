import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { problemOf, sendProblem } from "./problem.js";
import { sendTaxiiError } from "./taxii/taxii-error.js";

/*
 * Hostile input that never reaches a route's own checks: bytes the database cannot store, JSON that
 * nests deep enough to exhaust a stack, path parameters and header blocks beyond the server's limits.
 * Each is answered as every other refusal is — a problem document with a stable code (a TAXII error
 * resource under /taxii2/) — rather than a 500, an empty 431 or a raw FST_ERR_* body.
 */

/** Deeper than any Tocsin record or board needs (a STIX object nests about six levels). */
export const MAX_JSON_DEPTH = 64;
/** Longest path parameter: STIX ids run to about 290 characters (a 250-character type, "--", a UUID). */
export const MAX_PARAM_LENGTH = 512;

/** A request id per request, unguessable and unique across the processes of one node. */
export const genReqId = (): string => randomUUID();

const isTaxiiPath = (url: string | undefined): boolean => url !== undefined && (url === "/taxii2" || url.startsWith("/taxii2/"));

function sendRefusal(request: FastifyRequest, reply: FastifyReply, e: TocsinError): FastifyReply {
  return isTaxiiPath(request.url) ? sendTaxiiError(reply, e) : sendProblem(reply, e);
}

/**
 * True when `text` (JSON) opens more than `max` arrays/objects at once; strings are skipped. One pass,
 * no parse. Strings hold most of a record's characters, so each is crossed with `indexOf` to its
 * closing quote (one not escaped: after an even run of backslashes) instead of character by character.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (;;) {
        const quote = text.indexOf('"', i + 1);
        if (quote < 0) return false; // unterminated: not JSON, and the parser says so
        i = quote;
        let before = quote - 1;
        while (text.charCodeAt(before) === 0x5c) before--;
        if ((quote - 1 - before) % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export function assertJsonDepth(text: string): void {
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new TocsinError("HTTP_JSON_TOO_DEEP", `request body nests JSON deeper than ${MAX_JSON_DEPTH} levels`, { details: { max_depth: MAX_JSON_DEPTH } });
  }
}

/**
 * application/json through Fastify's own parser (it refuses __proto__ and constructor poisoning), after
 * the depth check: a body nested thousands deep is refused before anything recurses over it (the
 * check workers' structured clone did, and answered 500).
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    try {
      assertJsonDepth(text);
    } catch (e) {
      done(e as Error, undefined);
      return;
    }
    parse(request, text, done);
  });
}

/**
 * Path parameters and query values may not hold NUL: PostgreSQL cannot store or compare it in text
 * (it answered 500), and no Tocsin identifier contains one. Refused for every engine alike.
 */
export function installParameterGuard(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    const where = nulIn(request.params, "path") ?? nulIn(request.query, "query");
    if (where !== undefined) throw new TocsinError("HTTP_BAD_PARAMETER", `${where} parameter contains a NUL character`, { details: { parameter: where } });
  });
}

function nulIn(values: unknown, kind: string): string | undefined {
  if (values === null || typeof values !== "object") return undefined;
  for (const [name, v] of Object.entries(values)) {
    if (name.includes("\u0000")) return kind;
    const all = Array.isArray(v) ? v : [v];
    if (all.some((x) => typeof x === "string" && x.includes("\u0000"))) return `${kind} ${name.replace(/[^\x20-\x7e]/g, "?")}`;
  }
  return undefined;
}

/** Fastify's `frameworkErrors`: a path parameter over the router's limit, or a URL it cannot decode. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const e =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? new TocsinError("HTTP_URI_TOO_LONG", `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`)
      : new TocsinError("HTTP_BAD_PARAMETER", "the URL is not valid (bad percent-encoding)");
  void sendRefusal(request, reply, e);
}

/**
 * Node's `clientError`: a request the HTTP parser refused before Fastify saw it — headers (request line
 * included) beyond maxHeaderSize, a malformed request, a timeout. Answered on the raw socket with a
 * coded problem, or a TAXII error resource when the request line names a /taxii2/ path.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const e =
    err.code === "HPE_HEADER_OVERFLOW"
      ? new TocsinError("HTTP_HEADERS_TOO_LARGE", "the request line and headers exceed the server's limit")
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? new TocsinError("HTTP_REQUEST_TIMEOUT", "the request was not received in time")
        : new TocsinError("HTTP_MALFORMED_REQUEST", "the request is not valid HTTP/1.1");
  const p = problemOf(e);
  const id = genReqId();
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 256).toString("latin1") : "";
  const path = /^[A-Z]+ (\S+)/.exec(raw)?.[1];
  const taxii = isTaxiiPath(path);
  const body = JSON.stringify(
    taxii
      ? { title: p.title, description: p.detail, error_id: id, error_code: p.code, http_status: String(p.status) }
      : { ...p, request_id: id },
  );
  const type = taxii ? "application/taxii+json;version=2.1" : "application/problem+json";
  this.log.info({ reqId: id, code: p.code, err: { code: err.code, message: err.message } }, "client error");
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
