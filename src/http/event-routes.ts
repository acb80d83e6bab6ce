import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ServerResponse } from "node:http";
import { Type } from "typebox";
import { formatEventId, sseComment, sseEvent, sseReconnect } from "../core/notify/index.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import type { Notifications } from "../exchange/notifications.js";
import { requireCaller } from "./auth.js";
import { Query } from "./params.js";

/** Events read per page (a page is written whole before the buffer is looked at). */
const PAGE = 100;

export interface EventStreamOptions {
  /** A `: keep-alive` comment this often on a quiet stream (the contract says 15 s). */
  readonly keepAliveMs: number;
  /** Unsent bytes above which no more events are written until the client reads ... */
  readonly maxBufferedBytes: number;
  /** ... and after how long of that the stream is dropped (with a last `reconnect` event). */
  readonly stallMs: number;
}

const EventsQuery = Query({ types: Type.Optional(Type.String({ maxLength: 200 })) });

/**
 * GET /api/v1/events: the caller's notifications as Server-Sent Events (docs/notifications.md).
 * Authentication, the `types` filter, Last-Event-ID and the per-party limit are checked before the
 * reply is taken over (so each refusal is an ordinary coded problem); then the route hijacks the reply
 * and pumps pages of events from the caller's position, waiting between pages for the process's hub.
 *
 * Memory per stream is bounded: a page is read only when the previous one left the process's buffer
 * below maxBufferedBytes; a client that does not read for stallMs gets a last `reconnect` event (its id
 * is where to resume) and the connection is ended, then destroyed if it still does not read.
 */
export const eventRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices; notifications: Notifications; stream: EventStreamOptions }> = async (
  app,
  { services, notifications, stream },
) => {
  const open = new Set<() => void>();
  // Streams never end by themselves: the node's shutdown ends them, or the server would wait for ever.
  app.addHook("preClose", async () => {
    for (const end of [...open]) end();
  });

  app.get("/api/v1/events", { schema: { querystring: EventsQuery } }, async (request, reply) => {
    const party = await requireCaller(request, services, "the event stream needs Authorization: Bearer <token>");
    const types = notifications.eventTypes(request.query.types);
    const header = request.headers["last-event-id"];
    const from = await notifications.startPosition(Array.isArray(header) ? header.at(-1) : header);
    const ticket = notifications.openStream(party.id);
    reply.hijack();
    const raw = reply.raw;
    // Kept: an ended response lets go of its socket, which a dropped client's must not outlive.
    const socket = raw.socket;
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
      "x-request-id": request.id,
    });
    raw.write(sseComment("tocsin events"));
    let live = true;
    const keepAlive = setInterval(() => live && raw.write(sseComment("keep-alive")), stream.keepAliveMs);
    const end = (): void => {
      if (!live) return;
      live = false;
      clearInterval(keepAlive);
      ticket.close();
      open.delete(shutdown);
    };
    const shutdown = (): void => {
      end();
      raw.end();
    };
    open.add(shutdown);
    raw.on("close", end);
    raw.on("error", end);
    const typeSet = types ? new Set(types) : undefined;
    void (async () => {
      let pos = from;
      try {
        while (live) {
          const page = await notifications.page(party.id, pos, PAGE, typeSet);
          if (!live) break;
          for (const e of page.events) raw.write(sseEvent(e));
          pos = page.position;
          if (raw.writableLength > stream.maxBufferedBytes && !(await drained(raw, stream.stallMs))) {
            if (!live) break;
            raw.write(sseReconnect(formatEventId(pos), new Date().toISOString(), "the client does not keep up; reconnect with Last-Event-ID"));
            end();
            raw.end();
            // A client that reads nothing at all would hold the buffer (and, the response ended, the
            // connection would idle on as keep-alive): close the connection after one more wait.
            setTimeout(() => (socket ?? raw).destroy(), stream.stallMs).unref();
            return;
          }
          if (page.more) continue;
          await ticket.next(stream.keepAliveMs);
        }
      } catch (e) {
        request.log.error({ err: e }, "event stream failed; the client resumes with Last-Event-ID");
        end();
        raw.destroy();
      }
    })();
    return reply;
  });
};

/** Whether the response's buffer empties within `ms` (false also when it closes first). */
function drained(raw: ServerResponse, ms: number): Promise<boolean> {
  if (raw.writableLength === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      raw.off("drain", onDrain);
      raw.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    raw.on("drain", onDrain);
    raw.on("close", onClose);
  });
}
