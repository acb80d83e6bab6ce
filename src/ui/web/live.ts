import { authHeaders } from "./api.js";

/** One event of the node's stream (GET /api/v1/events), or a poll tick when the node has no stream. */
export interface LiveEvent {
  readonly type: string;
  readonly at?: string;
  readonly warningId?: string;
  readonly recordId?: string;
  readonly summary?: string;
}

/** How often the page asks again when the node has no event stream. */
export const POLL_MS = 10_000;

/**
 * Calls `on` for each event the node pushes to this party, reading `GET /api/v1/events` with fetch and a
 * stream reader (EventSource cannot send the Authorization header). A node without the stream (404)
 * is polled instead: `on({type: "poll"})` every POLL_MS. A dropped stream reconnects with
 * Last-Event-ID. Returns the function that stops it.
 */
export function followNode(on: (e: LiveEvent) => void): () => void {
  const stop = new AbortController();
  let lastId: string | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const poll = (): void => {
    timer ??= setInterval(() => on({ type: "poll" }), POLL_MS);
  };
  const connect = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        const res = await fetch("/api/v1/events", {
          headers: { ...authHeaders(), accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
          signal: stop.signal,
        });
        if (!res.ok || !res.body || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          poll();
          return;
        }
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
            const event = parseEvent(block);
            if (event.id !== undefined) lastId = event.id;
            if (event.data !== undefined) {
              try {
                on(JSON.parse(event.data) as LiveEvent);
              } catch {
                on({ type: event.type ?? "message" });
              }
            }
          }
        }
      } catch {
        if (stop.signal.aborted) return;
      }
      // The stream ended or failed: poll meanwhile, try again shortly.
      on({ type: "poll" });
      await new Promise((r) => setTimeout(r, 5_000));
    }
  };
  void connect();
  return () => {
    stop.abort();
    if (timer !== undefined) clearInterval(timer);
  };
}

/** One server-sent event block: its id, type and data lines (comments such as keep-alives ignored). */
function parseEvent(block: string): { id?: string; type?: string; data?: string } {
  const out: { id?: string; type?: string; data?: string } = {};
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") out.id = value;
    else if (field === "event") out.type = value;
    else if (field === "data") out.data = out.data === undefined ? value : `${out.data}\n${value}`;
  }
  return out;
}
