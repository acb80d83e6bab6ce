import type { FastifyInstance } from "fastify";
import type { TSchema } from "typebox";
import { TocsinError } from "../../core/errors/tocsin-error.js";
import { IgnoredQuery } from "../params.js";

const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/**
 * TAXII 2.1 answers a method a resource does not take with 405 and the TAXII error resource (whose
 * details name the methods it does take): every other method of `url` is routed here. Call it after
 * registering `allowed` on `url`; `params` is the URL's parameter schema.
 */
export function methodsNotAllowed(s: FastifyInstance, url: string, allowed: readonly ("GET" | "POST" | "DELETE")[], params?: TSchema): void {
  const others = ALL_METHODS.filter((m) => !allowed.includes(m as "GET") && !(m === "HEAD" && allowed.includes("GET")));
  s.route({
    method: [...others],
    url,
    schema: { querystring: IgnoredQuery, ...(params ? { params } : {}) },
    handler: async (request) => {
      throw new TocsinError("HTTP_METHOD_NOT_ALLOWED", `${request.method} is not allowed here`, { details: { allow: [...allowed] } });
    },
  });
}
