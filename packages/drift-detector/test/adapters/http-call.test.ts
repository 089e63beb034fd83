// Upstream answers are read with a size cap and quoted only in a bounded way: an Airflow or IDS that answers
// megabytes cannot make the detector hold them, nor make its own answers large.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpCall, UPSTREAM_ANSWER_LIMIT_BYTES } from "../../src/adapters/http-call.js";
import { UpstreamError } from "../../src/adapters/upstream-error.js";
import { RunFailure } from "../../src/pipeline/run-failure.js";
import { runProblem } from "../../src/routes/run-problem.js";

const POLICY = { timeoutMs: 5000, retries: 0, retryDelayMs: 0 };

describe("httpCall against an upstream that answers too much", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/huge") {
        // Twice the cap, announced and sent.
        res.writeHead(200, { "content-type": "application/json" }).end(`"${"x".repeat(2 * UPSTREAM_ANSWER_LIMIT_BYTES)}"`);
      } else if (req.url === "/huge-chunked") {
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
      } else {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ detail: "z".repeat(100_000) }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(["/huge", "/huge-chunked"])("stops reading %s at the cap and fails without retrying", async (path) => {
    const error = await httpCall("airflow", "GET version", POLICY, { method: "GET", url: url + path }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: "rejected", transient: false });
    expect((error as Error).message).toBe(
      `GET version: answered more than ${UPSTREAM_ANSWER_LIMIT_BYTES} bytes; not read further`,
    );
  });

  it("quotes a long error answer in a bounded way, in the message and in the problem's upstream body", async () => {
    const answer = await httpCall("ids", "POST asset", POLICY, { method: "GET", url: `${url}/long-error` });
    expect(answer.status).toBe(400);
    const failure = new UpstreamError("ids", "rejected", "IDS provider answered HTTP 400", {
      status: 400,
      body: answer.body,
      transient: false,
    });
    const problem = runProblem(new RunFailure("update_ids", failure)).toBody();
    const body = (problem.upstream as { body: unknown }).body;
    expect(typeof body).toBe("string");
    expect((body as string).length).toBeLessThan(600);
    expect(body).toMatch(/… \(\d+ more characters\)$/);
    expect(JSON.stringify(problem).length).toBeLessThan(2000);
  });

  it("keeps a short error answer as the upstream sent it", () => {
    const failure = new UpstreamError("airflow", "rejected", "Airflow answered HTTP 409", {
      status: 409,
      body: { detail: "DAG run exists" },
      transient: false,
    });
    const problem = runProblem(new RunFailure("trigger_retraining", failure)).toBody();
    expect((problem.upstream as { body: unknown }).body).toEqual({ detail: "DAG run exists" });
  });
});
