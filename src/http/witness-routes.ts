import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { formatTlogSize } from "../core/witness/index.js";
import type { WitnessService } from "../exchange/witness-service.js";

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

  app.post("/witness/add-checkpoint", async (request, reply) => {
    const body = typeof request.body === "string" ? request.body : "";
    const answer = await witness.addCheckpoint(body);
    if (answer.kind === "conflict") return reply.code(409).type(TLOG_SIZE_TYPE).send(formatTlogSize(answer.size));
    return reply.code(200).type("text/plain; charset=utf-8").send(answer.lines.join(""));
  });
};
