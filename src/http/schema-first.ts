import type { FastifyInstance, RouteOptions } from "fastify";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * What a route must declare: its query string always (even one it ignores, said so by schema), its
 * path parameters when the URL has any, and its body when every method it answers carries one.
 * Returns what is missing, empty when the route is schema-first.
 */
export function missingSchemas(route: Pick<RouteOptions, "method" | "url" | "schema">): string[] {
  const schema = route.schema ?? {};
  const methods = ([] as string[]).concat(route.method);
  const missing: string[] = [];
  if (schema.querystring === undefined) missing.push("querystring");
  if (/[:*]/.test(route.url) && schema.params === undefined) missing.push("params");
  if (methods.every((m) => BODY_METHODS.has(m)) && schema.body === undefined) missing.push("body");
  return missing;
}

/**
 * Makes schema-first routes a rule the server enforces: a route registered without the schemas it
 * needs (missingSchemas) stops the app from being built, so none can reach a client unchecked.
 * Install before any route is registered.
 */
export function requireRouteSchemas(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    const missing = missingSchemas(route);
    if (missing.length > 0) throw new Error(`route ${String(route.method)} ${route.url} declares no ${missing.join(", ")} schema (src/http routes are schema-first)`);
  });
}
