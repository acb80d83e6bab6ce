
export const TAXII = "application/taxii+json;version=2.1";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

/**
 * Plain HTTP against a listening node (real sockets on loopback, the global fetch), as a TAXII client
 * sends it: Accept and Content-Type TAXII 2.1 unless a test overrides them, credentials as HTTP Basic
 * (slug:token) by default.
 */
export async function call(
  base: string,
  path: string,
  o: { who?: { slug: string; token: string }; auth?: string; method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: TAXII, ...(o.body !== undefined || o.raw !== undefined ? { "content-type": TAXII } : {}) };
  if (o.who) headers.authorization = basic(o.who);
  if (o.auth) headers.authorization = o.auth;
  Object.assign(headers, o.headers ?? {});
  for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
  const res = await fetch(base + path, {
    method: o.method ?? (o.body !== undefined || o.raw !== undefined ? "POST" : "GET"),
    headers,
    ...(o.raw !== undefined ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function basic(p: { slug: string; token: string }): string {
  return `Basic ${Buffer.from(`${p.slug}:${p.token}`).toString("base64")}`;
}
