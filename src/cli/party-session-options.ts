import type { Posted } from "../client/party-session.js";
import { PartySession } from "../client/party-session.js";
import { loadProfile } from "./party-profile.js";

/*
 * What every party command shares: the saved profile it acts as (`tocsin login`), `--json`, and the
 * one summary of a posted record.
 */

export const PROFILE_OPTION = {
  type: "string",
  value: "NAME",
  help: "act as the party saved under this name by tocsin login --profile NAME (default: the default profile)",
  env: "TOCSIN_PROFILE",
} as const;

export const JSON_OPTION = { type: "boolean", help: "print JSON instead of a summary" } as const;

export const SESSION_OPTIONS = { profile: PROFILE_OPTION, json: JSON_OPTION } as const;

/** Opens the session of the saved profile: reads its key file and checks it against the node's logged key. */
export async function openProfileSession(profile: string | undefined): Promise<PartySession> {
  const p = loadProfile(profile);
  return PartySession.open({ url: p.node, token: p.token, party: p.partyId, ...(p.keyFile !== undefined ? { keyFile: p.keyFile } : {}) });
}

/** The lines every posted record prints: where the log put it and who signed it. */
export function postedLines(session: PartySession, posted: Posted): string[] {
  const a = posted.admitted;
  const signed = a.custodial ? "signed by the node on your behalf (custodial)" : `signed here with your key ${session.key?.keyId ?? ""}`.trimEnd();
  return [`  logged at index ${a.index}${a.duplicate ? " (already logged: an identical record)" : ""}, digest ${a.digest}`, `  ${signed}`];
}

/** The JSON every posted record prints. */
export function postedJson(posted: Posted, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...posted.admitted, record: posted.record, ...extra }, null, 2) + "\n";
}
