import { Agent, request as httpRequest } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { setTimeout as sleep } from "node:timers/promises";
import { TocsinError } from "../core/errors/tocsin-error.js";

/** What the forwarding needs to know about the process's role. */
export interface WriteRouting {
  isLeader(): boolean;
  /** The current leader's base URL, if a live one is known. */
  leaderUrl(): Promise<string | undefined>;
}

/** Kept-alive connections to the leader: forwarding must not cost a TCP handshake per request. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const FORWARDED = "x-tocsin-forwarded";
/** Request headers that travel to the leader (authentication, content negotiation). */
const PASS_REQUEST = ["authorization", "content-type", "accept"];
/** Response headers that travel back. */
const PASS_RESPONSE = ["content-type", "location", "retry-after"];

/**
 * Several processes on one database: every process serves reads itself, and a process that does not
 * sequence the log forwards each write (any non-GET request) to the one that does, relaying its answer.
 * The leader runs the whole admission path — validation, lifecycle checks under its locks, the append —
 * so one process decides every write, exactly as with a single node, and an answer of success still
 * means "durably committed".
 *
 * Between leaders (a failover) the request waits up to `waitMs` for a new leader. A request whose
 * connection to the leader broke after it was sent answers 503 without knowing whether it was
 * committed: admission is idempotent by record digest, so the client simply retries.
 */
export function installLeaderForwarding(app: FastifyInstance, routing: WriteRouting, options: { maxBodyBytes: number; waitMs?: number }): void {
  const waitMs = options.waitMs ?? 10_000;
  app.addHook("onRequest", async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || routing.isLeader()) return;
    if (request.headers[FORWARDED] !== undefined) {
      throw new TocsinError("SEQUENCER_NOT_LEADER", "this process stopped sequencing; retry");
    }
    const body = await readBody(request, options.maxBodyBytes);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const leader = await routing.leaderUrl();
      if (leader !== undefined) {
        try {
          const r = await forward(leader, request, body);
          reply.code(r.status);
          for (const h of PASS_RESPONSE) if (r.headers[h] !== undefined) reply.header(h, r.headers[h]);
          return reply.send(r.body);
        } catch (e) {
          // Refused: the leader is gone and saw nothing; anything else may have reached it.
          if ((e as NodeJS.ErrnoException).code !== "ECONNREFUSED") {
            throw new TocsinError("SEQUENCER_NOT_LEADER", "the sequencing process went away during the request; retry (admission is idempotent)");
          }
        }
      }
      if (Date.now() >= deadline) throw new TocsinError("SEQUENCER_NOT_LEADER", "no process is sequencing the log; retry later");
      await sleep(100);
    }
  });
}

async function readBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TocsinError("HTTP_BODY_TOO_LARGE", `request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function forward(base: string, request: FastifyRequest, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const target = new URL(request.url, base);
  const headers: Record<string, string> = { [FORWARDED]: "1", "content-length": String(body.length) };
  for (const h of PASS_REQUEST) {
    const v = request.headers[h];
    if (typeof v === "string") headers[h] = v;
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: request.method, headers, agent, timeout: 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("leader timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
