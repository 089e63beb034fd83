// The one outbound HTTP client against real loopback servers: what it retries and what not, how long it waits, how
// much it reads, and how each failure is classified.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { httpCall, UPSTREAM_ANSWER_LIMIT_BYTES } from "./http-call.js";
import type { RetryPolicy } from "./retry.js";
import { UpstreamError } from "./upstream-error.js";

const ONCE: RetryPolicy = { timeoutMs: 5000, retries: 0, retryDelayMs: 0 };
const TWICE_MORE: RetryPolicy = { timeoutMs: 2000, retries: 2, retryDelayMs: 5 };

interface Seen {
  method: string;
  url: string;
  body: string;
}

/** A loopback server answering with `handler`; it records every request it got. */
async function upstream(handler: (req: IncomingMessage, res: ServerResponse, count: number) => void) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? "", url: req.url ?? "", body });
    handler(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, seen, close, server };
}

const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error("the call succeeded");
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(UpstreamError);
      return err as UpstreamError;
    },
  );

const opened: Array<{ close: () => Promise<void> }> = [];
async function open(handler: Parameters<typeof upstream>[0]) {
  const server = await upstream(handler);
  opened.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => server.close()));
});

describe("httpCall: answers", () => {
  it("sends JSON with its query encoded, and returns the answer parsed and as text", async () => {
    const up = await open((_req, res) => res.writeHead(201, { "content-type": "application/json" }).end('{"ok": true}'));
    const answer = await httpCall("test", "create", ONCE, {
      method: "POST",
      url: `${up.url}/items`,
      query: { id: "a b&c=ü" },
      json: { name: "x" },
    });
    expect(answer).toEqual({ status: 201, body: { ok: true }, text: '{"ok": true}' });
    expect(up.seen).toEqual([{ method: "POST", url: "/items?id=a+b%26c%3D%C3%BC", body: '{"name":"x"}' }]);
  });

  it("returns a text answer as text and a 4xx answer without retrying it", async () => {
    const up = await open((_req, res) => res.writeHead(409).end("exists"));
    const answer = await httpCall("test", "read", TWICE_MORE, { method: "GET", url: up.url });
    expect(answer).toEqual({ status: 409, body: "exists", text: "exists" });
    expect(up.seen).toHaveLength(1);
  });

  it("does not follow a redirect", async () => {
    const up = await open((_req, res) => res.writeHead(302, { location: "http://127.0.0.1:9/elsewhere" }).end());
    const answer = await httpCall("test", "read", ONCE, { method: "GET", url: up.url });
    expect(answer.status).toBe(302);
    expect(up.seen).toHaveLength(1);
  });
});

describe("httpCall: retries", () => {
  it("retries a GET answered 500 or 429 with backoff, then returns the answer", async () => {
    const up = await open((_req, res, count) => {
      if (count === 1) res.writeHead(500).end("db down");
      else if (count === 2) res.writeHead(429).end("slow down");
      else res.writeHead(200).end("[]");
    });
    const answer = await httpCall("test", "list", TWICE_MORE, { method: "GET", url: up.url });
    expect(answer.body).toEqual([]);
    expect(up.seen).toHaveLength(3);
  });

  it("gives up after the bounded retries, quoting the last answer", async () => {
    const up = await open((_req, res) => res.writeHead(503, { "content-type": "application/json" }).end('{"detail":"busy"}'));
    const failure = await failureOf(httpCall("test", "list", TWICE_MORE, { method: "GET", url: up.url }));
    expect(failure).toMatchObject({ service: "test", kind: "rejected", status: 503, body: { detail: "busy" }, transient: true });
    expect(failure.message).toBe('list: HTTP 503 {"detail":"busy"}');
    expect(up.seen).toHaveLength(3);
  });

  it("sends a POST once unless the caller says it may be repeated", async () => {
    const up = await open((_req, res) => res.writeHead(500).end());
    await failureOf(httpCall("test", "create", TWICE_MORE, { method: "POST", url: up.url, json: {} }));
    expect(up.seen).toHaveLength(1);
    await failureOf(httpCall("test", "create", TWICE_MORE, { method: "POST", url: up.url, json: {}, retryable: true }));
    expect(up.seen).toHaveLength(4);
  });

  it("retries a peer that refuses connections, then says it is unreachable", async () => {
    const gone = await upstream(() => {});
    await gone.close();
    const failure = await failureOf(httpCall("test", "read", TWICE_MORE, { method: "GET", url: gone.url }));
    expect(failure).toMatchObject({ kind: "unreachable", transient: true, status: undefined });
    expect(failure.message).toMatch(/^read: cannot reach it \(ECONNREFUSED: /);
  });

  it("classifies a connection closed without an answer as unreachable", async () => {
    const up = await open((req) => req.socket.destroy());
    const failure = await failureOf(httpCall("test", "read", ONCE, { method: "GET", url: up.url }));
    expect(failure).toMatchObject({ kind: "unreachable", transient: true });
    expect(failure.message).toMatch(/\(ECONNRESET: socket hang up\)/);
  });

  it("refuses a TLS exchange with a plain HTTP server as rejected, without retrying", async () => {
    const up = await open((_req, res) => res.end());
    const failure = await failureOf(
      httpCall("test", "read", TWICE_MORE, { method: "GET", url: up.url.replace("http:", "https:") }),
    );
    expect(failure).toMatchObject({ kind: "rejected", transient: false });
    expect(up.seen).toHaveLength(0);
  });
});

describe("httpCall: time bounds", () => {
  it("bounds each attempt and retries a hanging GET: attempts × timeout", async () => {
    const up = await open(() => {});
    const started = Date.now();
    const failure = await failureOf(
      httpCall("test", "read", { timeoutMs: 200, retries: 1, retryDelayMs: 5 }, { method: "GET", url: up.url }),
    );
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ kind: "timeout", transient: true });
    expect(failure.message).toBe("read: no answer within 200 ms");
    expect(up.seen).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(3000);
  });

  it("bounds an answer that trickles in, as a whole", async () => {
    const up = await open((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(timer));
    });
    const failure = await failureOf(httpCall("test", "read", { ...ONCE, timeoutMs: 300 }, { method: "GET", url: up.url }));
    expect(failure.kind).toBe("timeout");
  });

  it("with a budget, all attempts together stay inside it", async () => {
    const up = await open(() => {});
    const started = Date.now();
    const policy = { timeoutMs: 300, budgetMs: 300, retries: 3, retryDelayMs: 5 };
    const failure = await failureOf(httpCall("test", "read", policy, { method: "GET", url: up.url }));
    expect(failure.kind).toBe("timeout");
    expect(up.seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("with a budget, quick failures are retried while time is left", async () => {
    const up = await open((_req, res, count) => (count < 3 ? res.writeHead(502).end() : res.writeHead(200).end("{}")));
    const policy = { timeoutMs: 2000, budgetMs: 2000, retries: 2, retryDelayMs: 5 };
    await expect(httpCall("test", "read", policy, { method: "GET", url: up.url })).resolves.toMatchObject({ status: 200 });
    expect(up.seen).toHaveLength(3);
  });

  it("with a budget, no retry starts whose pause would not end inside it", async () => {
    const up = await open((_req, res) => res.writeHead(500).end());
    const policy = { timeoutMs: 500, budgetMs: 500, retries: 2, retryDelayMs: 2000 };
    await failureOf(httpCall("test", "read", policy, { method: "GET", url: up.url }));
    expect(up.seen).toHaveLength(1);
  });
});

describe("httpCall against an upstream that answers too much", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/huge") {
        // Twice the cap, announced and sent.
        res.writeHead(200, { "content-type": "application/json" }).end(`"${"x".repeat(2 * UPSTREAM_ANSWER_LIMIT_BYTES)}"`);
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = "y".repeat(64 * 1024);
        let sent = 0;
        const push = () => {
          while (sent < 3 * UPSTREAM_ANSWER_LIMIT_BYTES) {
            sent += chunk.length;
            if (!res.write(chunk)) return res.once("drain", push);
          }
          res.end();
        };
        push();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(["/huge", "/huge-chunked"])("stops reading %s at the cap and fails without retrying", async (path) => {
    const failure = await failureOf(httpCall("airflow", "GET version", TWICE_MORE, { method: "GET", url: url + path }));
    expect(failure).toMatchObject({ kind: "rejected", transient: false });
    expect(failure.message).toBe(`GET version: answered more than ${UPSTREAM_ANSWER_LIMIT_BYTES} bytes; not read further`);
  });

  it("takes a smaller cap per call", async () => {
    const failure = await failureOf(
      httpCall("ids", "look up", ONCE, { method: "GET", url: `${url}/huge`, maxAnswerBytes: 1000 }),
    );
    expect(failure.message).toBe("look up: answered more than 1000 bytes; not read further");
  });
});
