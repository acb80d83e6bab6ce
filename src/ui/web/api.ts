/*
 * The node's API as the page calls it: same origin, the party's token as a Bearer header (kept in
 * sessionStorage: gone when the tab closes), and every refusal — an RFC 9457 problem with Tocsin's
 * code — turned into an ApiError whose message is a sentence a person can act on.
 */

const TOKEN_KEY = "tocsin.token";

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token.trim()),
  signOut: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refusal from the node (or the network), with a sentence to show. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** What some codes mean for the person at the screen; any other code shows the node's own detail. */
const SENTENCES: Readonly<Record<string, string>> = {
  AUTH_REQUIRED: "You are not signed in: paste your party's API token to sign in.",
  AUTH_INVALID: "The node does not know this token (mistyped, or revoked): sign in again with a current token.",
  RECORD_NOT_FOUND: "There is no such record, or your party may not read it.",
  PARTY_NOT_FOUND: "There is no party by that name on this node.",
  ACH_BOARD_NOT_FOUND: "There is no such board, or your party may not read it.",
  ACH_FORBIDDEN: "Only the board's owner and the parties it granted may edit it.",
  LIFECYCLE_NOT_RECEIVED: "Acknowledge receipt first: an assessment comes after your receipt of the warning.",
  LIFECYCLE_DUPLICATE_RECEIPT: "You have already acknowledged this version of the warning.",
  LIFECYCLE_DEADLINES_OUT_OF_ORDER: "The deadlines must come in order: receipt first, then assessment, then action.",
  LIFECYCLE_DEADLINE_BEFORE_CREATED: "Every deadline must be later than now.",
  LIFECYCLE_WARNING_RESOLVED: "This warning is resolved: it takes no more versions, assessments or actions.",
  LIFECYCLE_NOT_A_RECIPIENT: "Your party is not a recipient of this warning.",
  ACH_VERSION_CONFLICT: "Someone saved another version of this board meanwhile: reload it and make your change again.",
};

const sentence = (s: string): string => {
  const t = s.trim();
  if (t === "") return t;
  return t[0]!.toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".");
};

/** The problem document of a refused request, as a sentence (code kept for whoever reads on). */
export function problemSentence(problem: { code?: unknown; detail?: unknown; title?: unknown }, status: number): ApiError {
  const code = typeof problem.code === "string" ? problem.code : `HTTP_${status}`;
  const known = SENTENCES[code];
  const detail = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : `the node answered ${status}`;
  return new ApiError(known ?? sentence(detail), status, code, (problem as { details?: Record<string, unknown> }).details);
}

export function authHeaders(): Record<string, string> {
  const t = session.token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** GET or POST JSON (or text with `as: "text"`), throwing ApiError on anything but 2xx. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; as?: "json" | "text"; anonymous?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { ...(init.anonymous ? {} : authHeaders()), ...(init.body === undefined ? {} : { "content-type": "application/json" }), accept: "application/json, text/plain" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ApiError("The node cannot be reached: check your connection, then try again.", 0, "NETWORK");
  }
  if (!res.ok) {
    const text = await res.text();
    let problem: Record<string, unknown> = {};
    try {
      problem = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not a problem document (a proxy's page): the status says enough.
    }
    throw problemSentence(problem, res.status);
  }
  return (init.as === "text" ? await res.text() : await res.json()) as T;
}
