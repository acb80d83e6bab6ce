import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { WitnessAlarms } from "../exchange/witness-alarms.js";
import { IgnoredQuery } from "./params.js";

/**
 * `GET /witness/alarms`: the split views this node detected, oldest first, each with its alarm record
 * and where it is in the log. Public: an alarm is evidence of a log's misbehaviour, for everyone (TLP:CLEAR).
 */
export const alarmRoutes: FastifyPluginAsyncTypebox<{ alarms: WitnessAlarms }> = async (app, { alarms }) => {
  app.get("/witness/alarms", { schema: { querystring: IgnoredQuery } }, async () => ({ alarms: await alarms.list() }));
};
