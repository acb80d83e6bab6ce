import type { FastifyRequest } from "fastify";
import { ExchangeError } from "../exchange/exchange-errors.js";
import type { PartyDirectory } from "../exchange/party-directory.js";
import type { PartyRow } from "../store/store.js";

/**
 * Who is calling. Three schemes carry a party's API token: `Bearer <token>`, `Token <token>` (what the
 * OASIS taxii2-client sends) and HTTP Basic with the party's slug as user and the token as password
 * (what TAXII 2.1 requires clients to support). No header means anonymous; a header that does not
 * parse or match is an error, never a silent downgrade to anonymous.
 */
export async function callerOf(request: FastifyRequest, parties: PartyDirectory): Promise<PartyRow | undefined> {
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
  const party = await parties.authenticate(token);
  if (!party || (slug !== undefined && slug !== party.slug && slug !== party.id)) {
    throw new ExchangeError("AUTH_INVALID", "unknown or revoked credentials");
  }
  return party;
}

/** The caller, who must be authenticated. */
export async function requireCaller(request: FastifyRequest, parties: PartyDirectory): Promise<PartyRow> {
  const party = await callerOf(request, parties);
  if (!party) throw new ExchangeError("AUTH_REQUIRED", "this route needs Authorization: Bearer <token>");
  return party;
}
