import { createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A TCP server on loopback that takes every connection and never answers: what a sender sees over a cut
 * link, where not even a refusal comes back. `held` is the connections it holds; `close` drops them.
 */
export async function silentServer(): Promise<{ readonly url: string; readonly held: ReadonlySet<Socket>; close(): Promise<void> }> {
  const held = new Set<Socket>();
  const server = createServer((socket) => {
    held.add(socket);
    socket.on("error", () => undefined).on("close", () => held.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    close: () =>
      new Promise<void>((r) => {
        for (const socket of held) socket.destroy();
        server.close(() => r());
      }),
  };
}
