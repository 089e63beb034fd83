// An HTTP proxy on a unix socket in front of the real Docker socket: an agent whose DOCKER_HOST points at it talks
// to the real engine. Every call is recorded with its JSON body (what reaches the engine for a request the engine
// then refuses can still be inspected), and a test can hold one chosen engine call at a chosen moment, to kill the
// agent exactly there.
import { rm } from "node:fs/promises";
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { DOCKER_SOCKET } from "./engine.js";

/**
 * When a matching call is held: "before" it reaches the engine (it never does), "during" (the engine has the whole
 * request and works on it; its answer flows back as usual), "after" the engine answered (the answer is read and
 * never passed on).
 */
export type HoldMoment = "before" | "during" | "after";

export interface HoldRule {
  method: string;
  /** Matched against the path with the query, without the API version prefix (`/containers/create?name=x`). */
  path: RegExp;
  moment: HoldMoment;
}

export interface RecordedCall {
  method: string;
  /** Without the API version prefix, with the query (`/containers/create?name=x`). */
  path: string;
  /** The request's JSON body, once it arrived whole; undefined for other bodies. */
  body?: unknown;
}

export interface DockerSocketProxy {
  /** The DOCKER_HOST value for an agent that should go through this proxy. */
  dockerHost: string;
  /** Arms a trap for the next call that matches; resolves once that call is held at its moment. */
  hold(rule: HoldRule): Promise<void>;
  /** Every call that went through, oldest first. */
  calls: RecordedCall[];
  /** Closes the connections of held calls (their callers, if still alive, see them drop) and disarms a trap not sprung. */
  release(): void;
  close(): Promise<void>;
}

interface Trap extends HoldRule {
  sprung: () => void;
}

export async function startDockerSocketProxy(socketPath: string): Promise<DockerSocketProxy> {
  let trap: Trap | undefined;
  const held = new Set<Socket>();
  const calls: RecordedCall[] = [];
  const release = () => {
    trap = undefined;
    for (const socket of held) socket.destroy();
    held.clear();
  };
  const holdConnection = (req: IncomingMessage, sprung: () => void) => {
    held.add(req.socket);
    sprung();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").replace(/^\/v\d+\.\d+\//, "/");
    const call: RecordedCall = { method: req.method ?? "", path };
    calls.push(call);
    if (req.headers["content-type"]?.includes("json")) {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.once("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (text) call.body = JSON.parse(text);
      });
    }
    const sprung = trap && trap.method === req.method && trap.path.test(path) ? trap : undefined;
    if (sprung) trap = undefined;
    if (sprung?.moment === "before") return holdConnection(req, sprung.sprung);

    const upstream = forward({ socketPath: DOCKER_SOCKET, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (sprung?.moment === "after") {
        answer.resume();
        answer.once("end", () => holdConnection(req, sprung.sprung));
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      res.once("close", () => answer.destroy());
    });
    upstream.once("error", () => res.destroy());
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (sprung?.moment === "during") upstream.once("finish", () => holdConnection(req, sprung.sprung));
    req.pipe(upstream);
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });

  return {
    dockerHost: `unix://${socketPath}`,
    calls,
    hold(rule) {
      if (trap) throw new Error(`a trap is already armed for ${trap.method} ${trap.path}`);
      return new Promise<void>((resolve) => {
        trap = { ...rule, sprung: resolve };
      });
    },
    release,
    async close() {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
