import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { isTocsinError, TocsinError } from "../core/errors/tocsin-error.js";
import { answerFor } from "./error-table.js";
import { schemaError } from "./params.js";

/** An RFC 9457 problem document with Tocsin's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  details?: Record<string, unknown>;
}

export function problemOf(e: TocsinError): Problem {
  const answer = answerFor(e.code);
  return {
    type: "about:blank",
    title: answer.title,
    status: answer.status,
    detail: e.message,
    code: answer.code,
    ...(e.details ? { details: e.details } : {}),
  };
}

export function sendProblem(reply: FastifyReply, e: TocsinError): FastifyReply {
  const p = problemOf(e);
  // RFC 9110 §11.6.1: a 401 names the schemes the client may use.
  if (p.status === 401) reply.header("www-authenticate", 'Bearer realm="tocsin", Basic realm="tocsin"');
  // The request id ties a problem a client reports to the node's log line (every 5xx is logged with it).
  return reply.code(p.status).type("application/problem+json").send({ ...p, request_id: reply.request.id });
}

/** Fastify's own errors (body parsing, limits, routing) translated to our codes, so no client ever sees FST_ERR_*. */
export function translateFastifyError(e: FastifyError): TocsinError {
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new TocsinError("HTTP_BODY_TOO_LARGE", "request body exceeds the limit");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new TocsinError("HTTP_UNSUPPORTED_MEDIA_TYPE", "unsupported Content-Type");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new TocsinError("HTTP_MALFORMED_JSON", "request body is not valid JSON");
    case "FST_ERR_VALIDATION":
      return schemaError(e);
    default:
      if (e instanceof SyntaxError || e.statusCode === 400) return new TocsinError("HTTP_MALFORMED_JSON", "request body is not valid JSON");
      if (e.statusCode === 413) return new TocsinError("HTTP_BODY_TOO_LARGE", "request body exceeds the limit");
      if (e.statusCode === 415) return new TocsinError("HTTP_UNSUPPORTED_MEDIA_TYPE", "unsupported Content-Type");
      return new TocsinError("HTTP_INTERNAL", "internal error", { cause: e });
  }
}

/** Every error leaves the server as a problem document with a code; 5xx are logged. */
export function installProblemHandlers(app: FastifyInstance): void {
  const routes = routeMethods(app);
  app.setErrorHandler((error, request, reply) => {
    const e = isTocsinError(error) ? error : translateFastifyError(error as FastifyError);
    if (problemOf(e).status >= 500) request.log.error({ err: error, code: e.code }, "request failed");
    return sendProblem(reply, e);
  });
  app.setNotFoundHandler((request, reply) => {
    // RFC 9110 §15.5.6: a path that exists under other methods is a 405 naming them, not a 404.
    const allowed = routes.allowedFor(request.url.split("?", 1)[0]!);
    if (allowed.length > 0) {
      reply.header("allow", allowed.join(", "));
      return sendProblem(reply, new TocsinError("HTTP_METHOD_NOT_ALLOWED", `${request.method} is not allowed here; use ${allowed.join(", ")}`));
    }
    return sendProblem(reply, new TocsinError("HTTP_NOT_FOUND", `no route for ${request.method} ${request.url}`));
  });
}

/**
 * Records every route's path pattern and methods as routes are registered (install this before the
 * routes), so a request that matched no route can be told which methods its path does accept.
 */
function routeMethods(app: FastifyInstance): { allowedFor(path: string): string[] } {
  const patterns: { re: RegExp; methods: string[] }[] = [];
  app.addHook("onRoute", (route) => {
    const methods = ([] as string[]).concat(route.method);
    const source = route.url
      .split("/")
      .map((seg) => (seg === "*" ? ".*" : seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    patterns.push({ re: new RegExp(`^${source}$`), methods });
  });
  return {
    allowedFor(path) {
      const allowed = new Set<string>();
      for (const p of patterns) if (p.re.test(path)) for (const m of p.methods) allowed.add(m);
      return [...allowed].sort();
    },
  };
}
