import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { IgnoredQuery, Params } from "./params.js";

/**
 * What the browser may load on a UI page: only this node's own scripts, styles and API. No inline script
 * or style, no font or script from anywhere else, no framing; `data:` images for nothing but inline SVG
 * fallbacks. A page that verifies the node's answers must not run code the node did not serve.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
};

/**
 * The web UI (src/ui/web, built by scripts/build-ui.mjs into `dir`): `/` is its page, `/ui/<file>` its
 * script and styles. The files are read once at start (a build is immutable while the node runs) and
 * served from memory; nothing else under /ui exists. A node built without the UI serves no page.
 */
export const uiRoutes: FastifyPluginAsyncTypebox<{ dir: string }> = async (app, { dir }) => {
  if (!existsSync(join(dir, "index.html"))) return;
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type !== undefined) files.set(name, { body: readFileSync(join(dir, name)), type });
  }
  const page = files.get("index.html")!;
  const headers = {
    "content-security-policy": UI_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  };

  app.get("/", { schema: { querystring: IgnoredQuery } }, async (_request, reply) => reply.headers(headers).type(page.type).send(page.body));

  app.get("/ui/:file", { schema: { params: Params({ file: Type.String({ maxLength: 64 }) }), querystring: IgnoredQuery } }, async (request, reply) => {
    const file = files.get(request.params.file);
    if (file === undefined || request.params.file === "index.html") throw new TocsinError("HTTP_NOT_FOUND", `no file ${request.params.file} in the web UI`);
    return reply.headers(headers).type(file.type).send(file.body);
  });
};
