import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";
import { ExchangeError } from "./exchange-errors.js";

/*
 * Webhook URLs are hostile input: a party names a URL and the node then makes requests to it, so a
 * careless node becomes a proxy into its operator's network (SSRF). The rule (docs/notifications.md):
 *
 *   - http: or https: only, no user name or password in the URL, at most 2 048 characters;
 *   - when the operator lists hosts (webhookAllowHosts), only those host names;
 *   - never an address of the node's own networks — loopback, private (RFC 1918, fc00::/7), link-local
 *     (169.254/16 with the cloud metadata address, fe80::/10), unspecified, multicast, CGNAT — unless
 *     the operator allows them (webhookAllowPrivate; the tests run on loopback). The address is checked
 *     when the endpoint is added and again at every connection (the lookup the request itself uses),
 *     so a name that resolves elsewhere later (DNS rebinding) is refused at that delivery.
 */

export interface WebhookPolicy {
  /** Host names endpoints may use; empty: any public host. */
  readonly allowHosts: readonly string[];
  /** Allow loopback, private and link-local addresses (tests, or a node inside a trusted network). */
  readonly allowPrivate: boolean;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The URL as the node will call it, or NOTIFY_WEBHOOK_URL_INVALID / NOTIFY_WEBHOOK_URL_FORBIDDEN. */
export function checkWebhookUrl(text: string, policy: WebhookPolicy): URL {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) throw invalid(`a webhook URL is at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid("not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid(`a webhook URL is http:// or https://, not ${url.protocol}`);
  if (url.username !== "" || url.password !== "") throw invalid("a webhook URL may not carry credentials (the signature authenticates the node)");
  if (url.hash !== "") throw invalid("a webhook URL has no fragment");
  const host = hostOf(url);
  if (policy.allowHosts.length > 0 && !policy.allowHosts.includes(host)) throw forbidden(`${host} is not among the hosts this node's operator allows for webhooks`);
  if (isIP(host) && !policy.allowPrivate && isInternalAddress(host)) throw forbidden(`${host} is an internal address`);
  return url;
}

/** Resolves the URL's host and refuses internal addresses unless allowed (done again at each connection). */
export async function checkWebhookAddress(url: URL, policy: WebhookPolicy): Promise<void> {
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (e, all) => (e ? reject(invalid(`${host} does not resolve (${e.code ?? e.message})`)) : resolve(all.map((a) => a.address)))),
  );
  if (!policy.allowPrivate) {
    const bad = addresses.find(isInternalAddress);
    if (bad !== undefined) throw forbidden(`${host} resolves to the internal address ${bad}`);
  }
}

/** A `lookup` for http.request that refuses internal addresses at connection time (unless allowed). */
export function guardedLookup(policy: WebhookPolicy): typeof dnsLookup {
  return ((hostname: string, options: object, callback: (e: Error | null, address: string | { address: string; family: number }[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (e, all) => {
      if (e) return callback(e, "", 0);
      const bad = policy.allowPrivate ? undefined : all.find((a) => isInternalAddress(a.address));
      if (bad) return callback(forbidden(`${hostname} resolves to the internal address ${bad.address}`), "", 0);
      if ((options as { all?: boolean }).all) return callback(null, all);
      callback(null, all[0]!.address, all[0]!.family);
    });
  }) as unknown as typeof dnsLookup;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast or reserved (IPv4, IPv6 and IPv4 inside IPv6). */
export function isInternalAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (isIP(a) === 4) {
    const [p, q] = a.split(".").map(Number) as [number, number];
    return p === 0 || p === 10 || p === 127 || (p === 100 && q >= 64 && q < 128) || (p === 169 && q === 254) || (p === 172 && q >= 16 && q < 32) || (p === 192 && q === 168) || p >= 224;
  }
  if (isIP(a) !== 6) return true;
  const g = ipv6Groups(a);
  // An IPv4 address inside IPv6 (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96) is judged as IPv4.
  const embedded = g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (embedded || nat64) return isInternalAddress(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  return (g[0]! & 0xfe00) === 0xfc00 || (g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xff00) === 0xff00;
}

/** The eight 16-bit groups of an IPv6 address (with "::" expanded and a dotted IPv4 tail converted). */
function ipv6Groups(a: string): number[] {
  let text = a.replace(/%.*$/, "");
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((x) => parseInt(x, 16));
}

const invalid = (m: string) => new ExchangeError("NOTIFY_WEBHOOK_URL_INVALID", m);
const forbidden = (m: string) => new ExchangeError("NOTIFY_WEBHOOK_URL_FORBIDDEN", m);
