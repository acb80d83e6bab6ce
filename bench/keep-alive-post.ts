import { request, type Agent } from "node:http";

/**
 * One POST through node:http on a keep-alive agent: how the load generators (post-worker.ts,
 * witness-load-client.ts) send. Not fetch: undici's fetch builds web streams, Request and Response
 * objects around every exchange and cost the load generator ~1.3 ms of CPU per one-record request —
 * more than half of what the node spent admitting it — on the same two cores.
 */
export function postOnce(url: URL, agent: Agent, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
