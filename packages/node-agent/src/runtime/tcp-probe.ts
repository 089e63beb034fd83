import { connect } from "node:net";

/**
 * How long an accepted connection must stay open to count. A userland port proxy (docker-proxy, on a published port)
 * accepts at once and closes right away when nothing listens behind it; a server keeps the connection open waiting
 * for a request.
 */
const HELD_OPEN_MS = 200;

/**
 * Resolves true when a TCP connection to host:port is accepted within `timeoutMs` and is not closed by the other end
 * right after (see HELD_OPEN_MS).
 */
export function acceptsConnections(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let held: NodeJS.Timeout | undefined;
    const finish = (ok: boolean) => {
      clearTimeout(held);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => {
      socket.setTimeout(0);
      held = setTimeout(() => finish(true), HELD_OPEN_MS);
    });
    // Data (a banner) counts as open; the other end closing or resetting does not.
    socket.on("data", () => finish(true));
    socket.once("end", () => finish(false));
    socket.once("error", () => finish(false));
  });
}
