import type { FastifyInstance } from "fastify";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { Sequencer } from "../log/sequencer.js";
import { decodeEntries, encodeAppended, SECRET_HEADER, secretMatches, SEQUENCE_PATH } from "../log/cluster-appender.js";

/**
 * The sequencing process's side of a shared database: other processes of the node hand it the entries
 * they admitted (POST /internal/v1/cluster/sequence, with the node secret) and get the indices once
 * durable. Not a public API: without the secret it answers 404, as if it did not exist.
 */
export function registerClusterRoutes(app: FastifyInstance, sequencer: Sequencer, secret: string): void {
  app.post(SEQUENCE_PATH, async (request, reply) => {
    if (!secretMatches(secret, request.headers[SECRET_HEADER])) throw new TocsinError("HTTP_NOT_FOUND", "no such route");
    if (!sequencer.running) throw new TocsinError("SEQUENCER_NOT_LEADER", "this process does not sequence the log");
    const appended = await sequencer.appendEntries(decodeEntries(request.body));
    return reply.type("application/json").send(encodeAppended(appended));
  });
}
