import { createServer, type Server, type Socket } from "node:net";
import { afterEach, expect, test } from "vitest";
import { acceptsConnections } from "./tcp-probe.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A loopback server that does `onConnection` with each connection; its port. */
async function serve(onConnection: (socket: Socket) => void): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  server.on("close", () => {
    for (const socket of sockets) socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return (server.address() as { port: number }).port;
}

test("a server that keeps the connection open, or greets, accepts connections", async () => {
  expect(await acceptsConnections("127.0.0.1", await serve(() => {}), 1000)).toBe(true);
  expect(await acceptsConnections("127.0.0.1", await serve((socket) => socket.write("hello\n")), 1000)).toBe(true);
});

test("a proxy that accepts and closes at once (nothing behind it), or no listener at all, does not", async () => {
  expect(await acceptsConnections("127.0.0.1", await serve((socket) => socket.end()), 1000)).toBe(false);
  const port = await serve(() => {});
  await new Promise((done) => servers.pop()?.close(done));
  expect(await acceptsConnections("127.0.0.1", port, 1000)).toBe(false);
});
