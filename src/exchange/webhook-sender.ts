import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { signWebhook } from "../core/notify/index.js";
import { guardedLookup, type WebhookPolicy } from "./webhook-target.js";

/** Most bytes of an endpoint's answer read (the status decides; a little of the body explains a failure). */
const MAX_ANSWER_BYTES = 4096;

export interface SendOutcome {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
}

/**
 * One signed POST of a webhook message (Standard Webhooks headers), with a time limit on the whole
 * exchange, no redirects followed, at most MAX_ANSWER_BYTES of the answer read, and the address checked
 * at connection time (guardedLookup). A 2xx is delivered; anything else is a failed attempt with why.
 */
export function sendWebhook(
  target: { readonly url: string; readonly secret: string },
  message: { readonly id: string; readonly body: string; readonly nowMs: number },
  options: { readonly timeoutMs: number; readonly policy: WebhookPolicy },
): Promise<SendOutcome> {
  const url = new URL(target.url);
  const timestamp = Math.floor(message.nowMs / 1000);
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(message.body)),
    "user-agent": "tocsin-webhooks/1",
    "webhook-id": message.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(target.secret, message.id, timestamp, message.body),
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (o: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const req = send(url, { method: "POST", headers, lookup: guardedLookup(options.policy), agent: false }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        if (text.length >= MAX_ANSWER_BYTES) done();
      });
      res.on("end", done);
      res.on("error", done);
      function done(): void {
        const ok = status >= 200 && status < 300;
        finish(ok ? { ok, status } : { ok, status, error: `HTTP ${status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, " ")}` : ""}` });
      }
    });
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${options.timeoutMs} ms` }), options.timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, error: e.code ? `${e.code}: ${e.message}` : e.message }));
    req.end(message.body);
  });
}
