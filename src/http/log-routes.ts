import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { toBase64, toHex } from "../core/crypto/bytes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { parseTilePath, TILE_WIDTH } from "../core/tiles/index.js";
import type { LogReader } from "../log/log-reader.js";
import { Decimal, decimal, IgnoredQuery, Params, Query } from "./params.js";

/** Full tiles never change: cache them for a year. Everything else moves with the log. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const FRESH = "no-cache";

/**
 * The public, read-only face of the transparency log: the checkpoint, C2SP tlog-tiles static paths,
 * proofs as JSON, and single entries. Anyone may read these; they reveal digests and public
 * metadata only, never record content.
 */
export const logRoutes: FastifyPluginAsyncTypebox<{ reader: LogReader }> = async (app, { reader }) => {
  app.get("/log/checkpoint", { schema: { querystring: IgnoredQuery } }, async (_request, reply) => {
    const c = await reader.latestCheckpoint();
    return reply.header("cache-control", FRESH).type("text/plain; charset=utf-8").send(c.note);
  });

  app.get("/log/tile/*", { schema: { params: Params({ "*": Type.String() }), querystring: IgnoredQuery } }, async (request, reply) => {
    const path = `tile/${request.params["*"]}`;
    const parsed = parseTilePath(path);
    const body = parsed.kind === "hash" ? await reader.tile(parsed.ref) : await reader.entryBundle(parsed.ref);
    const full = parsed.ref.width === TILE_WIDTH;
    return reply
      .header("cache-control", full ? IMMUTABLE : FRESH)
      .type("application/octet-stream")
      .send(Buffer.from(body));
  });

  app.get("/log/proof/inclusion", { schema: { querystring: Query({ index: Decimal(), size: Decimal() }) } }, async (request) => {
    const index = decimal(request.query.index);
    const size = decimal(request.query.size);
    if (index >= size) {
      throw new TocsinError("HTTP_BAD_PARAMETER", "index must be less than size", { details: { parameter: "index" } });
    }
    const p = await reader.inclusionProof(index, size);
    return { index: p.index, size: p.size, leafHash: toHex(p.leafHash), hashes: p.hashes.map(toHex) };
  });

  app.get("/log/proof/consistency", { schema: { querystring: Query({ from: Decimal(), to: Decimal() }) } }, async (request) => {
    const from = decimal(request.query.from);
    const to = decimal(request.query.to);
    if (from > to) throw new TocsinError("HTTP_BAD_PARAMETER", "from must not exceed to", { details: { parameter: "from" } });
    const p = await reader.consistencyProof(from, to);
    return { from: p.from, to: p.to, hashes: p.hashes.map(toHex) };
  });

  app.get("/log/entries/:index", { schema: { params: Params({ index: Decimal() }), querystring: IgnoredQuery } }, async (request) => {
    const index = decimal(request.params.index);
    const leaf = await reader.entry(index);
    return { index: leaf.index, leafHash: toHex(leaf.hash), data: toBase64(leaf.data) };
  });
};
