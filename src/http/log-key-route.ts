import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { LogReader } from "../log/log-reader.js";
import { IgnoredQuery } from "./params.js";

/**
 * GET /log/key: the log's verifier key (C2SP signed-note vkey, one line of text), for an auditor to
 * pin (`tocsin log key --url`, then `tocsin audit --log-key`). A key fetched from the node it is meant
 * to check proves nothing by itself: the operator also publishes it elsewhere, and the auditor compares.
 */
export const logKeyRoute: FastifyPluginAsyncTypebox<{ reader: Pick<LogReader, "verifierKey"> }> = async (app, { reader }) => {
  app.get("/log/key", { schema: { querystring: IgnoredQuery } }, async (_request, reply) => {
    const vkey = await reader.verifierKey();
    return reply.header("cache-control", "no-cache").type("text/plain; charset=utf-8").send(vkey + "\n");
  });
};
