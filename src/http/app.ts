import Fastify, { type FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import type { LogReader } from "../log/log-reader.js";
import type { Sequencer } from "../log/sequencer.js";
import { boardRoutes } from "./board-routes.js";
import { dutyRoutes } from "./duty-routes.js";
import { inboxRoutes } from "./inbox-routes.js";
import { capRoutes } from "./cap-routes.js";
import { internalRoutes } from "./internal-routes.js";
import { logRoutes } from "./log-routes.js";
import { logKeyRoute } from "./log-key-route.js";
import { IgnoredQuery, AJV_OPTIONS } from "./params.js";
import { partyRoutes } from "./party-routes.js";
import { installProblemHandlers } from "./problem.js";
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors, genReqId, installJsonParser, installParameterGuard } from "./input-guards.js";
import { recordRoutes } from "./record-routes.js";
import { requireRouteSchemas } from "./schema-first.js";
import { uiRoutes } from "./ui-routes.js";
import { taxiiRoutes } from "./taxii/taxii-routes.js";
import { warningRoutes } from "./warning-routes.js";
import type { WitnessService } from "../exchange/witness-service.js";
import type { CheckpointGossip } from "../exchange/checkpoint-gossip.js";
import type { WitnessAlarms } from "../exchange/witness-alarms.js";
import { gossipRoutes } from "./gossip-routes.js";
import { alarmRoutes } from "./alarm-routes.js";
import { eventRoutes, type EventStreamOptions } from "./event-routes.js";
import { webhookRoutes } from "./webhook-routes.js";
import { witnessRoutes } from "./witness-routes.js";
import { federationRoutes } from "./federation-routes.js";

export interface AppDeps {
  /** The parts of the node's configuration the app reads (passed in by the composition root, src/node). */
  readonly config: { readonly internalAppend: boolean; readonly maxBodyBytes: number };
  readonly reader: LogReader;
  /** Raw appends (internal route): the sequencer, or on a shared database whichever process sequences. */
  readonly sequencer: Pick<Sequencer, "appendMany">;
  /**
   * The application services: records, warnings, parties, boards and TAXII 2.1 under /taxii2/. Absent
   * in log-only apps (tests of the log alone).
   */
  readonly services?: ExchangeServices;
  /** Fastify's pino logger (off when absent): every 5xx is logged at error with its request id and stack. */
  readonly logger?: boolean | { readonly level: string };
  /** The split views this node detected (GET /witness/alarms). */
  readonly alarms?: WitnessAlarms;
  /** Checkpoint gossip from other nodes (POST /gossip/checkpoints). */
  readonly gossip?: CheckpointGossip;
  /** Several processes on one database: the route by which the others hand admitted entries to the sequencing one. */
  readonly cluster?: { readonly sequencer: Sequencer; readonly secret: string };
  /** Where the built web UI is (index.html, app.js, app.css); absent: the node serves no page at `/`. */
  readonly uiDir?: string;
  /** The C2SP tlog-witness submission API under /witness (every node may witness other logs). */
  readonly witness?: WitnessService;
  /** How event streams keep alive and treat slow clients (defaults: 15 s, 1 MiB, 30 s). */
  readonly eventStreams?: EventStreamOptions;
}

/**
 * The node's HTTP surface: one plugin per resource, each route declaring its parameters, query and
 * body by schema (TypeBox), and calling only the application services. Never listens: tests call
 * inject(), the CLI's serve calls listen().
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOption(deps.logger),
    genReqId,
    bodyLimit: deps.config.maxBodyBytes,
    ajv: AJV_OPTIONS,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  requireRouteSchemas(app);
  installProblemHandlers(app);
  installParameterGuard(app);
  installJsonParser(app);
  // Every POST body here is JSON; a text/plain body is refused (415), not parsed as a string.
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("poster", null);
  // While the node shuts down, answer what is in flight with Connection: close, so keep-alive
  // clients let go at once instead of holding the process open until their idle timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.get("/healthz", { schema: { querystring: IgnoredQuery } }, async () => ({ ok: true }));
  await app.register(logRoutes, { reader: deps.reader });
  await app.register(logKeyRoute, { reader: deps.reader });
  const services = deps.services;
  if (services) {
    await app.register(recordRoutes, { services });
    await app.register(warningRoutes, { services });
    await app.register(partyRoutes, { services });
    await app.register(boardRoutes, { services });
    await app.register(dutyRoutes, { services });
    if (services.federation) await app.register(federationRoutes, { federation: services.federation, services });
    await app.register(inboxRoutes, { services });
    await app.register(capRoutes, { services });
    await app.register(taxiiRoutes, { services, maxBodyBytes: deps.config.maxBodyBytes, prefix: "/taxii2" });
    const notifications = services.notifications;
    if (notifications) {
      const stream = deps.eventStreams ?? { keepAliveMs: 15_000, maxBufferedBytes: 1024 * 1024, stallMs: 30_000 };
      await app.register(eventRoutes, { services, notifications, stream });
      await app.register(webhookRoutes, { services, notifications });
    }
  }
  if (deps.uiDir !== undefined && services) await app.register(uiRoutes, { dir: deps.uiDir });
  if (deps.witness) await app.register(witnessRoutes, { witness: deps.witness });
  if (deps.alarms) await app.register(alarmRoutes, { alarms: deps.alarms });
  if (deps.gossip) await app.register(gossipRoutes, { gossip: deps.gossip });
  await app.register(internalRoutes, { rawAppends: deps.config.internalAppend ? deps.sequencer : undefined, cluster: deps.cluster });
  await app.ready();
  return app;
}

/** Logs go to stderr (stdout carries the CLI's own output), one JSON line each with its request id. */
function loggerOption(logger: AppDeps["logger"]): false | { level: string; stream: NodeJS.WritableStream } {
  if (logger === undefined || logger === false) return false;
  return { level: logger === true ? "warn" : logger.level, stream: process.stderr };
}
