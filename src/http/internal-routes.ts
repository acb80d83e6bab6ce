import type { FastifyInstance } from "fastify";
import { fromBase64, toHex } from "../core/crypto/bytes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { Sequencer } from "../log/sequencer.js";

/** Most raw entries one internal request may append (the benchmark's largest batch). */
export const MAX_INTERNAL_BATCH = 10_000;

/**
 * Raw appends for tests and benchmarks: POST /internal/v1/log/entries {"entries": [base64, …]}.
 * Enabled only by configuration; records from parties go through signed admission instead.
 * The answer comes after the entries are durable, with their indices.
 */
export function registerInternalRoutes(app: FastifyInstance, sequencer: Pick<Sequencer, "appendMany">): void {
  app.post("/internal/v1/log/entries", async (request) => {
    const body = request.body as { entries?: unknown } | null;
    const entries = body && typeof body === "object" && !Array.isArray(body) ? body.entries : undefined;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_INTERNAL_BATCH) {
      throw new TocsinError("HTTP_BAD_REQUEST_BODY", `entries must be an array of 1 to ${MAX_INTERNAL_BATCH} base64 strings`);
    }
    const leaves = entries.map((e, i) => {
      const bytes = typeof e === "string" ? fromBase64(e) : undefined;
      if (!bytes) throw new TocsinError("HTTP_BAD_REQUEST_BODY", `entries[${i}] is not base64`, { details: { index: i } });
      return bytes;
    });
    const appended = await sequencer.appendMany(leaves);
    return { entries: appended.map((a) => ({ index: a.index, leafHash: toHex(a.leafHash) })) };
  });
}
