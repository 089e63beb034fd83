// A TCP port on 127.0.0.1 that nothing listens on right now. The two vitest projects run at once, in processes of their
// own, and a port one of them was given may stay unbound for seconds (an agent killed before it starts the
// inference): each project draws from its own range so that they never hand out the same port. RUNTIME=docker takes
// the OS's pick (its ephemeral range, 32768-60999 on Linux); RUNTIME=swarm a random port below that range.
import { randomInt } from "node:crypto";
import { createServer } from "node:net";

/** Where RUNTIME=swarm test files take their ports: below Linux's ephemeral range, so the OS never picks them. */
const SWARM_PORTS = { from: 20_000, to: 32_767 };

/** Ports already given out in this process: a test asking for several free ports must get different ones. */
const givenOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort(process.env.RUNTIME === "swarm" ? randomInt(SWARM_PORTS.from, SWARM_PORTS.to + 1) : 0);
    if (port === 0 || givenOut.has(port)) continue;
    givenOut.add(port);
    return port;
  }
}

/** `wanted` if nothing listens on it (0: any port the OS picks); 0 when `wanted` is taken. */
function unusedPort(wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" && wanted ? resolve(0) : reject(error)));
    server.listen(wanted, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("the OS gave no port"))));
    });
  });
}
