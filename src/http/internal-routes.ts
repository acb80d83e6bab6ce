import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { fromBase64, toHex } from "../core/crypto/bytes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { Sequencer } from "../log/sequencer.js";
import { decodeEntries, encodeAppended, SECRET_HEADER, secretMatches, SEQUENCE_PATH } from "../log/cluster-appender.js";
import { CheckedByService, IgnoredQuery } from "./params.js";

/** Most raw entries one internal request may append (the benchmark's largest batch). */
export const MAX_INTERNAL_BATCH = 10_000;

/** {"entries": [base64, …]}: the items are checked one by one, so that a bad one is named by its index. */
const EntriesBody = Type.Object({ entries: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_INTERNAL_BATCH }) });

export interface InternalRouteOptions {
  /** Raw appends (tests and benchmarks), when the configuration enables them. */
  readonly rawAppends?: Pick<Sequencer, "appendMany"> | undefined;
  /** Several processes on one database: the sequencing process's hand-over route and the node secret. */
  readonly cluster?: { readonly sequencer: Sequencer; readonly secret: string } | undefined;
}

/**
 * Routes under /internal/ that are not a public API.
 *
 * Raw appends: POST /internal/v1/log/entries {"entries": [base64, …]}, enabled only by configuration;
 * records from parties go through signed admission instead. The answer comes once the entries are
 * durable, with their indices.
 *
 * Cluster hand-over: other processes of the node hand the sequencing one the entries they admitted
 * (POST /internal/v1/cluster/sequence, with the node secret) and get the indices once durable. Without
 * the secret it answers 404, as if it did not exist.
 */
export const internalRoutes: FastifyPluginAsyncTypebox<InternalRouteOptions> = async (app, { rawAppends, cluster }) => {
  if (rawAppends) {
    app.post("/internal/v1/log/entries", { schema: { querystring: IgnoredQuery, body: EntriesBody } }, async (request) => {
      const leaves = request.body.entries.map((e, i) => {
        const bytes = typeof e === "string" ? fromBase64(e) : undefined;
        if (!bytes) throw new TocsinError("HTTP_BAD_REQUEST_BODY", `entries[${i}] is not base64`, { details: { index: i } });
        return bytes;
      });
      const appended = await rawAppends.appendMany(leaves);
      return { entries: appended.map((a) => ({ index: a.index, leafHash: toHex(a.leafHash) })) };
    });
  }

  if (cluster) {
    app.post(SEQUENCE_PATH, { schema: { querystring: IgnoredQuery, body: CheckedByService } }, async (request, reply) => {
      if (!secretMatches(cluster.secret, request.headers[SECRET_HEADER])) throw new TocsinError("HTTP_NOT_FOUND", "no such route");
      if (!cluster.sequencer.running) throw new TocsinError("SEQUENCER_NOT_LEADER", "this process does not sequence the log");
      const appended = await cluster.sequencer.appendEntries(decodeEntries(request.body));
      return reply.type("application/json").send(encodeAppended(appended));
    });
  }
};
