import Fastify, { type FastifyInstance } from "fastify";
import type { LogReader } from "../log/log-reader.js";
import type { Sequencer } from "../log/sequencer.js";
import { registerApiRoutes, type ApiDeps } from "./api-routes.js";
import type { BoardService } from "../exchange/board-service.js";
import { registerBoardRoutes } from "./board-routes.js";
import { registerInternalRoutes } from "./internal-routes.js";
import { registerLogRoutes } from "./log-routes.js";
import { logKeyRoute } from "./log-key-route.js";
import { registerClusterRoutes } from "./cluster-routes.js";
import { installProblemHandlers } from "./problem.js";
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors, genReqId, installJsonParser, installParameterGuard } from "./input-guards.js";
import { registerTaxiiRoutes, type TaxiiDeps } from "./taxii/taxii-routes.js";
import { registerRecordRoutes } from "./record-routes.js";

export interface AppDeps {
  /** The parts of the node's configuration the app reads (passed in by the composition root, src/node). */
  readonly config: { readonly internalAppend: boolean; readonly maxBodyBytes: number };
  readonly reader: LogReader;
  /** Raw appends (internal route): the sequencer, or on a shared database whichever process sequences. */
  readonly sequencer: Pick<Sequencer, "appendMany">;
  /** The records API; absent in log-only apps (tests of the log alone). */
  readonly api?: ApiDeps;
  /** TAXII 2.1 under /taxii2/; absent in log-only apps. */
  readonly taxii?: TaxiiDeps;
  /** Attribution boards (with the records API). */
  readonly boards?: BoardService;
  /** Fastify's pino logger (off when absent): every 5xx is logged at error with its request id and stack. */
  readonly logger?: boolean | { readonly level: string };
  /** Several processes on one database: the route by which the others hand admitted entries to the sequencing one. */
  readonly cluster?: { readonly sequencer: Sequencer; readonly secret: string };
}

/** The node's HTTP surface. Never listens: tests call inject(), the CLI's serve calls listen(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOption(deps.logger),
    genReqId,
    bodyLimit: deps.config.maxBodyBytes,
    // Query strings like match[id]=a,b are parsed by the routes themselves.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  });
  installProblemHandlers(app);
  installParameterGuard(app);
  installJsonParser(app);
  // Every POST body here is JSON; a text/plain body is refused (415), not parsed as a string.
  app.removeContentTypeParser("text/plain");
  // While the node shuts down, answer what is in flight with Connection: close, so keep-alive
  // clients let go at once instead of holding the process open until their idle timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.get("/healthz", async () => ({ ok: true }));
  registerLogRoutes(app, deps.reader);
  await app.register(logKeyRoute, { reader: deps.reader });
  if (deps.api) registerApiRoutes(app, deps.api);
  if (deps.taxii) registerTaxiiRoutes(app, deps.taxii);
  if (deps.api && deps.boards) registerBoardRoutes(app, deps.boards, deps.api.parties);
  if (deps.api) registerRecordRoutes(app, deps.api);
  if (deps.config.internalAppend) registerInternalRoutes(app, deps.sequencer);
  if (deps.cluster) registerClusterRoutes(app, deps.cluster.sequencer, deps.cluster.secret);
  await app.ready();
  return app;
}

/** Logs go to stderr (stdout carries the CLI's own output), one JSON line each with its request id. */
function loggerOption(logger: AppDeps["logger"]): false | { level: string; stream: NodeJS.WritableStream } {
  if (logger === undefined || logger === false) return false;
  return { level: logger === true ? "warn" : logger.level, stream: process.stderr };
}
