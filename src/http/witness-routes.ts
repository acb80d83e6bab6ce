import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { formatTlogSize } from "../core/witness/index.js";
import type { WitnessService } from "../exchange/witness-service.js";
import { IgnoredQuery } from "./params.js";

/** The body is text the witness parses itself (tlog-witness's line format); the schema says only that. */
const AddCheckpointBody = Type.String({ description: "old <size>, consistency proof lines (base64), an empty line, a signed checkpoint" });

/** The media type of a 409 answer's body (C2SP tlog-witness §add-checkpoint). */
export const TLOG_SIZE_TYPE = "text/x.tlog.size";

/**
 * The witness's submission prefix, `/witness` (C2SP tlog-witness §HTTP Interface): `POST
 * /witness/add-checkpoint` with a text body. Refusals (400, 403, 404, 422) are problem documents like
 * every other error; 200 is the cosignature lines; 409 is the latest cosigned size as the spec says.
 */
export const witnessRoutes: FastifyPluginAsyncTypebox<{ witness: WitnessService }> = async (app, { witness }) => {
  // The spec fixes the body, not its Content-Type: take any (JSON included) as text, in this plugin only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.post("/witness/add-checkpoint", { schema: { querystring: IgnoredQuery, body: AddCheckpointBody } }, async (request, reply) => {
    const answer = await witness.addCheckpoint(request.body);
    if (answer.kind === "conflict") return reply.code(409).type(TLOG_SIZE_TYPE).send(formatTlogSize(answer.size));
    return reply.code(200).type("text/plain; charset=utf-8").send(answer.lines.join(""));
  });
};
