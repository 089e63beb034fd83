// A loopback HTTP relay in front of the real engine's socket that keeps the JSON bodies the agent sends: what reaches
// the engine for a request the engine then refuses (GPUs on a machine without them) can still be inspected.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DOCKER_SOCKET } from "./engine.js";

export interface RecordedCall {
  method: string;
  /** The path without the API version prefix, e.g. "/containers/create". */
  path: string;
  body: unknown;
}

export interface EngineRecorder {
  /** For DOCKER_HOST. */
  dockerHost: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startEngineRecorder(): Promise<EngineRecorder> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      if (incoming.headers["content-type"]?.includes("json") && body.length > 0) {
        calls.push({
          method: incoming.method ?? "",
          path: (incoming.url ?? "").replace(/^\/v[\d.]+/, "").split("?")[0]!,
          body: JSON.parse(body.toString("utf8")),
        });
      }
      const relayed = request(
        { socketPath: DOCKER_SOCKET, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      relayed.on("error", (error) => outgoing.destroy(error));
      relayed.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dockerHost: `tcp://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
