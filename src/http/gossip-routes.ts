import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { WitnessError } from "../core/witness/index.js";
import { MAX_GOSSIP_NOTES, type CheckpointGossip } from "../exchange/checkpoint-gossip.js";
import { IgnoredQuery } from "./params.js";

/** {"checkpoints": [signed note, …]}: each item is checked by the gossip service (named by its index when bad). */
const GossipBody = Type.Object({ checkpoints: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_GOSSIP_NOTES }) });

/**
 * Checkpoint gossip between nodes: `POST /gossip/checkpoints` with signed checkpoint notes of logs this
 * node witnesses. Each is checked against what the node holds of that log; a split view is logged as a
 * witness alarm. The answer says, per note, what the node concluded. Unauthenticated, like the witness:
 * a note proves itself by its log signature, and a note of a log this node does not know changes nothing.
 */
export const gossipRoutes: FastifyPluginAsyncTypebox<{ gossip: CheckpointGossip }> = async (app, { gossip }) => {
  app.post("/gossip/checkpoints", { schema: { querystring: IgnoredQuery, body: GossipBody } }, async (request) => {
    const notes = request.body.checkpoints.map((n, i) => {
      if (typeof n !== "string") throw new WitnessError("GOSSIP_BAD_REQUEST", `checkpoints[${i}] is not a string`, { details: { index: i } });
      return n;
    });
    return { results: await gossip.receive(notes) };
  });
};
