import type { FastifyRequest } from "fastify";
import { ANONYMOUS_READER, partyReader, type Reader } from "../core/tlp/index.js";
import { ExchangeError } from "../exchange/exchange-errors.js";
import type { ExchangeReads, PartyRow } from "../exchange/exchange-reads.js";

/** What resolving a caller needs of the application services. */
export type Authenticator = Pick<ExchangeReads, "authenticate">;

/**
 * Who is calling. Three schemes carry a party's API token: `Bearer <token>`, `Token <token>` (what the
 * OASIS taxii2-client sends) and HTTP Basic with the party's slug as user and the token as password
 * (what TAXII 2.1 requires clients to support). No header means anonymous; a header that does not
 * parse or match is an error, never a silent downgrade to anonymous.
 */
export async function callerOf(request: FastifyRequest, door: Authenticator): Promise<PartyRow | undefined> {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^(Bearer|Token|Basic) +([^\s]+)\s*$/i.exec(header);
  if (!m) throw new ExchangeError("AUTH_REQUIRED", "Authorization must be Bearer, Token or Basic");
  const scheme = m[1]!.toLowerCase();
  let token = m[2]!;
  let slug: string | undefined;
  if (scheme === "basic") {
    const decoded = Buffer.from(token, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new ExchangeError("AUTH_REQUIRED", "Basic credentials must be slug:token");
    slug = decoded.slice(0, colon);
    token = decoded.slice(colon + 1);
  }
  const party = await door.authenticate(token);
  if (!party || (slug !== undefined && slug !== party.slug && slug !== party.id)) {
    throw new ExchangeError("AUTH_INVALID", "unknown or revoked credentials");
  }
  return party;
}

/** The caller, who must be authenticated. */
export async function requireCaller(request: FastifyRequest, door: Authenticator, why = "this route needs Authorization: Bearer <token>"): Promise<PartyRow> {
  const party = await callerOf(request, door);
  if (!party) throw new ExchangeError("AUTH_REQUIRED", why);
  return party;
}

/** The TLP reader a caller reads as: the party, or anonymous. */
export const readerOf = (caller: PartyRow | undefined): Reader => (caller ? partyReader(caller.id) : ANONYMOUS_READER);

/** The TLP reader of the request's caller. */
export async function requestReader(request: FastifyRequest, door: Authenticator): Promise<Reader> {
  return readerOf(await callerOf(request, door));
}

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The authenticated poster of a write, resolved before the body is validated (preValidation), so
     * that a request without credentials is refused as such whatever its body.
     */
    poster: PartyRow | null;
  }
}

/** A preValidation hook: the caller must be authenticated; kept as `request.poster`. */
export const requirePoster =
  (door: Authenticator, why?: string) =>
  async (request: FastifyRequest): Promise<void> => {
    request.poster = await requireCaller(request, door, why);
  };

/** The poster `requirePoster` resolved (a route without that hook has none: a bug, answered 500). */
export function posterOf(request: FastifyRequest): PartyRow {
  if (!request.poster) throw new Error("route without requirePoster reads the poster");
  return request.poster;
}
