import { isErrorCode, type ErrorCode, type ErrorCodeOf } from "../core/errors/error-codes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";

/** The codes the client raises itself (in the party's process). */
export type ClientErrorCode = ErrorCodeOf<"client">;

/** An error raised by tocsin/client before or after talking to a node (key files, input, transport). */
export class ClientError extends TocsinError<ClientErrorCode> {}

/**
 * The error a node's problem answer stands for: its own registered code when this client knows it
 * (so a caller branches on LIFECYCLE_NOT_RECEIVED as the node named it), else CLIENT_NODE_REFUSED;
 * `details.status` is the HTTP status either way.
 */
export function nodeAnswerError(status: number, body: unknown): TocsinError {
  const problem = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  // RFC 9457 problems carry `code` and `detail`; TAXII error resources `error_code` and `description`.
  const code = typeof problem.code === "string" ? problem.code : typeof problem.error_code === "string" ? problem.error_code : undefined;
  const said = [problem.detail, problem.description, problem.title].find((v): v is string => typeof v === "string") ?? `HTTP ${status}`;
  const details = { status, ...(code !== undefined ? { code } : {}), ...(problem.details && typeof problem.details === "object" ? (problem.details as object) : {}) };
  if (code !== undefined && isErrorCode(code)) return new TocsinError(code as ErrorCode, said, { details });
  return new ClientError("CLIENT_NODE_REFUSED", `the node answered ${status}${code ? ` ${code}` : ""}: ${said}`, { details });
}
