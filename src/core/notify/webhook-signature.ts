import { createHmac, timingSafeEqual } from "node:crypto";

/*
 * Standard Webhooks (https://www.standardwebhooks.com, spec "Signature scheme"): the sender signs
 * `<webhook-id>.<webhook-timestamp>.<body>` with HMAC-SHA256 under the endpoint's secret and sends
 * `webhook-signature: v1,<base64 of the MAC>` (several space-separated signatures may be sent; a
 * receiver accepts when one verifies). The secret is `whsec_` + base64 of the key bytes, and the
 * timestamp integer Unix seconds. Test vector in webhook-signature.test.ts (from the spec's repository).
 */

export const SECRET_PREFIX = "whsec_";

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/** The `webhook-signature` value for one message. */
export function signWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac("sha256", keyOf(secret)).update(`${msgId}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** Whether one of the `v1` signatures in `header` is the message's (constant-time comparison). */
export function verifyWebhook(secret: string, msgId: string, timestampSeconds: number, body: string, header: string): boolean {
  const expected = Buffer.from(signWebhook(secret, msgId, timestampSeconds, body).slice(3), "base64");
  return header.split(" ").some((s) => {
    if (!s.startsWith("v1,")) return false;
    const given = Buffer.from(s.slice(3), "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
