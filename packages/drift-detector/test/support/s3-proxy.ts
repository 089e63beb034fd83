import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One S3 request as the proxy saw it: enough to tell a copy from a write, and a run record's status from its body. */
export interface ProxiedRequest {
  method: string;
  /** Path without the query, `/<bucket>/<key>`. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * What the proxy does with the first request that matches:
 * - `hold`: forward it, let the storage answer, keep the answer (the client waits as on a dead link);
 * - `swallow`: keep the request without forwarding it (the storage never sees it);
 * - `cut`: forward it and pass on the answer's status, headers and first `bytes` of body, then hold the rest;
 * - `drop`: forward it, then close the client's connection instead of answering (the answer is lost).
 */
export type ProxyAction = { kind: "hold" } | { kind: "swallow" } | { kind: "cut"; bytes: number } | { kind: "drop" };

interface Trap {
  matches: (request: ProxiedRequest) => boolean;
  action: ProxyAction;
  sprung: (request: ProxiedRequest) => void;
}

export interface S3Proxy {
  port: number;
  /** Arms a trap for the next matching request; resolves once the action has been done to it. */
  trap(matches: (request: ProxiedRequest) => boolean, action: ProxyAction): Promise<ProxiedRequest>;
  /** Refuses every connection (storage down) until `up`. */
  down(): void;
  up(): void;
  /** Disarms traps and drops every held request. */
  reset(): void;
  close(): Promise<void>;
}

/** An HTTP proxy in front of an S3 server (s3rver) that the test controls, request by request. */
export async function startS3Proxy(upstreamPort: number): Promise<S3Proxy> {
  let traps: Trap[] = [];
  let isDown = false;
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    onAnswer: (answer: IncomingMessage) => void,
    onError: (err: Error) => void,
  ) => {
    // Forwarded as received (path, headers, bytes): s3rver checks the request's signature over them.
    const upstream = request(
      { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      onAnswer,
    );
    upstream.once("error", onError);
    upstream.end(body);
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const seen: ProxiedRequest = {
      method: req.method ?? "GET",
      path: decodeURIComponent(queryAt === -1 ? url : url.slice(0, queryAt)),
      query: queryAt === -1 ? "" : url.slice(queryAt),
      headers: req.headers,
      body: body.toString("utf8"),
    };
    const trap = traps.find((candidate) => candidate.matches(seen));
    if (trap) traps = traps.filter((candidate) => candidate !== trap);
    const action = trap?.action;
    const fail = () => res.destroy();

    if (action?.kind === "swallow") {
      held.add(res);
      trap?.sprung(seen);
      return;
    }
    forward(
      req,
      body,
      (answer) => {
        if (!action) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        if (action.kind === "cut") {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          let sent = 0;
          answer.on("data", (chunk: Buffer) => {
            if (sent >= action.bytes) return;
            const part = chunk.subarray(0, action.bytes - sent);
            sent += part.length;
            res.write(part);
            if (sent >= action.bytes) {
              held.add(res);
              trap?.sprung(seen);
            }
          });
          return;
        }
        answer.resume();
        answer.once("end", () => {
          if (action.kind === "drop") res.socket?.destroy();
          else held.add(res);
          trap?.sprung(seen);
        });
      },
      fail,
    );
  });
  server.on("connection", (socket) => {
    if (isDown) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const dropHeld = () => {
    for (const res of held) res.destroy();
    held.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    trap: (matches, action) =>
      new Promise<ProxiedRequest>((resolve) => {
        traps.push({ matches, action, sprung: resolve });
      }),
    down: () => {
      isDown = true;
      for (const socket of sockets) socket.destroy();
    },
    up: () => {
      isDown = false;
    },
    reset: () => {
      traps = [];
      dropHeld();
    },
    close: async () => {
      traps = [];
      dropHeld();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A server-side copy (`x-amz-copy-source`) onto `key` of `bucket`. */
export function isCopyTo(bucket: string, key: (key: string) => boolean): (request: ProxiedRequest) => boolean {
  return (r) => r.method === "PUT" && r.headers["x-amz-copy-source"] !== undefined && inBucket(bucket, r, key);
}

/** A plain write (no copy) onto `key` of `bucket`, whose body passes `body`. */
export function isWriteTo(
  bucket: string,
  key: (key: string) => boolean,
  body: (text: string) => boolean = () => true,
): (request: ProxiedRequest) => boolean {
  return (r) => r.method === "PUT" && r.headers["x-amz-copy-source"] === undefined && inBucket(bucket, r, key) && body(r.body);
}

/** A stat (HEAD) or read (GET) of `key` of `bucket`. */
export function isRead(method: "HEAD" | "GET", bucket: string, key: string): (request: ProxiedRequest) => boolean {
  return (r) => r.method === method && inBucket(bucket, r, (k) => k === key);
}

function inBucket(bucket: string, request: ProxiedRequest, key: (key: string) => boolean): boolean {
  const prefix = `/${bucket}/`;
  return request.path.startsWith(prefix) && key(request.path.slice(prefix.length));
}
