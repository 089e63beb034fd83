// A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it).
import { createServer } from "node:net";

/** Ports already given out in this process: a test asking for several free ports must get different ones. */
const givenOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort();
    if (givenOut.has(port)) continue;
    givenOut.add(port);
    return port;
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("the OS gave no port"))));
    });
  });
}
