/**
 * What background services need of a logger: Fastify's pino logger fits it (`log.error({ err }, msg)`),
 * and so does the console default. Injected by the composition root, so a service's failures reach the
 * node's log instead of vanishing.
 */
export interface Logger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Until a node's logger is passed in: one line on stderr with the details. */
export const consoleLogger: Logger = {
  warn: (details, message) => console.error(`tocsin: ${message}`, details),
  error: (details, message) => console.error(`tocsin: ${message}`, details),
};
