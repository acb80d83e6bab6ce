import type { NotificationEvent } from "./event-types.js";

/*
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events", §9.2.5 and §9.2.6): fields are
 * `name: value` lines, an empty line ends an event, a line starting with ':' is a comment. Neither the
 * id nor the type can contain a line break (both are ours); the data is one line of JSON (JSON.stringify
 * escapes every line break inside strings), so a hostile record name cannot inject a field.
 */

export function sseEvent(e: NotificationEvent): string {
  return `id: ${e.id}\nevent: ${e.data.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/**
 * The last event of a stream the server drops because the client does not keep up: its id is the last
 * position sent, so a client that reconnects with it (Last-Event-ID) loses nothing. Not one of the
 * notification types: a client acts on it only by reconnecting.
 */
export function sseReconnect(lastId: string, at: string, reason: string): string {
  return `id: ${lastId}\nevent: reconnect\ndata: ${JSON.stringify({ type: "reconnect", at, summary: reason })}\n\n`;
}
