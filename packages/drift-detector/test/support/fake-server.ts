import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAnswer {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Parsed JSON, or undefined when the body was empty; `rawBody` keeps the text. */
  body: unknown;
  rawBody: string;
}

/** What a fake can be told to do instead of answering normally. */
export type Fault =
  | { kind: "status"; status: number; json?: unknown }
  /** Never answer (the caller's timeout must fire). */
  | { kind: "hang" }
  /** Close the connection without an answer. */
  | { kind: "reset" };

interface FaultRule {
  fault: Fault;
  remaining: number;
  /** Do the work first (e.g. create the DAG run), then fail the answer: a request that was committed but not acknowledged. */
  afterCommit: boolean;
}

/** Faults per named operation, each for a number of calls. */
export class FaultSwitch {
  private readonly rules = new Map<string, FaultRule>();

  fail(operation: string, fault: Fault, options: { times?: number; afterCommit?: boolean } = {}): void {
    this.rules.set(operation, {
      fault,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      afterCommit: options.afterCommit ?? false,
    });
  }

  clear(): void {
    this.rules.clear();
  }

  take(operation: string): { fault: Fault; afterCommit: boolean } | undefined {
    const rule = this.rules.get(operation);
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.delete(operation);
    return { fault: rule.fault, afterCommit: rule.afterCommit };
  }
}

export interface RunningFake {
  url: string;
  host: string;
  port: number;
  close: () => Promise<void>;
}

/** A loopback HTTP server for fakes: routes return an answer, or a fault. */
export async function startFakeServer(
  route: (request: FakeRequest) => { operation: string; answer: () => FakeAnswer } | FakeAnswer,
  faults: FaultSwitch,
): Promise<RunningFake> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    let body: unknown;
    if (rawBody !== "") {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const routed = route({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
    });
    let answer: FakeAnswer;
    if ("operation" in routed) {
      const fault = faults.take(routed.operation);
      if (fault?.afterCommit) routed.answer();
      if (fault) {
        if (fault.fault.kind === "hang") return;
        if (fault.fault.kind === "reset") {
          req.socket.destroy();
          return;
        }
        answer = { status: fault.fault.status, json: fault.fault.json ?? { detail: `injected ${fault.fault.status}` } };
      } else {
        answer = routed.answer();
      }
    } else {
      answer = routed;
    }
    res.statusCode = answer.status;
    if (answer.json !== undefined) {
      res.setHeader("Content-Type", answer.contentType ?? "application/json");
      res.end(JSON.stringify(answer.json));
    } else {
      res.setHeader("Content-Type", answer.contentType ?? "text/plain");
      res.end(answer.text ?? "");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
