import type { BaseLogger } from "pino";

/**
 * What background services need of a logger: pino's warn and error (Fastify's `app.log` is a pino
 * logger). Injected by the composition root, so a service's failures reach the node's log instead of
 * vanishing.
 */
export type Logger = Pick<BaseLogger, "warn" | "error">;
