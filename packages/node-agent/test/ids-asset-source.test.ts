import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, HttpProblem, jsonSchema } from "@clarus/common";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { idsAssetAnswerSchema } from "../src/ids/ids-asset-answer.js";
import { createIdsAssetSource } from "../src/ids/ids-asset-source.js";
import { IdsLookupError } from "../src/ids/ids-lookup-error.js";
import { inferenceProblem } from "../src/routes/inference-problems.js";
import { type FakeIdsAgent, startFakeIdsAgent } from "./support/fake-ids-agent.js";
import { freePort } from "./support/free-port.js";

const logger = createLogger({ name: "ids-test", level: "silent" });
const PROVIDER_IP = "127.0.0.1";
const asset = { docker_img_uri: "127.0.0.1:5000/redwine:prod", inference_rest_api_port: "8080", exp_description: "Red wine" };

let ids: FakeIdsAgent;
beforeAll(async () => {
  ids = await startFakeIdsAgent();
});
afterAll(() => ids.close());
afterEach(() => {
  // Whatever a test did, the client must have kept the IDS contract.
  expect(ids.violations()).toEqual([]);
});

function source(overrides: { baseUrl?: string; providerIp?: string | undefined; timeoutMs?: number } = {}) {
  return createIdsAssetSource({ baseUrl: ids.url, providerIp: PROVIDER_IP, timeoutMs: 2000, logger, ...overrides });
}

/** The problem the agent answers with when a lookup rejects: the adapter's own error, mapped at the agent's edge. */
async function problemOf(lookup: Promise<unknown>): Promise<HttpProblem> {
  const error = await lookup.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdsLookupError);
  const problem = inferenceProblem(error);
  expect(problem).toBeInstanceOf(HttpProblem);
  return problem as HttpProblem;
}

describe("IDS asset lookup: accepted answers", () => {
  test("fields at the top level, port as a string; the request keeps the contract", async () => {
    ids.answer("Clarus_RedWine_experiment", { asset });
    const found = await source().lookup("Clarus_RedWine_experiment");
    expect(found).toEqual({ image: asset.docker_img_uri, internalPort: 8080, raw: asset });
    expect(ids.requests.at(-1)).toMatchObject({
      method: "GET",
      path: "/api/v2/consumer/asset",
      query: { exp_id: "Clarus_RedWine_experiment", provider_ip: PROVIDER_IP },
      contractRequest: "getAssetArtifact",
    });
  });

  test("port as an integer", async () => {
    ids.answer("int-port", {
      asset: { docker_img_uri: `reg.local/a/b@sha256:${"a".repeat(64)}`, inference_rest_api_port: 5000 },
    });
    await expect(source().lookup("int-port")).resolves.toMatchObject({ internalPort: 5000 });
  });

  test.each(["data", "asset", "result"])("fields wrapped in one member named %s", async (wrapIn) => {
    ids.answer(`wrapped-${wrapIn}`, { asset, wrapIn });
    const found = await source().lookup(`wrapped-${wrapIn}`);
    expect(found).toMatchObject({ image: asset.docker_img_uri, internalPort: 8080, raw: { [wrapIn]: asset } });
  });

  test("a wrapper beside other plain members", async () => {
    ids.answer("with-status", { status: 200, json: { status: "ok", count: 1, data: asset } });
    await expect(source().lookup("with-status")).resolves.toMatchObject({ internalPort: 8080 });
  });

  test("exp_id with reserved characters travels encoded and arrives intact", async () => {
    const expId = "exp 1&x=2/ü?";
    ids.answer(expId, { asset });
    await expect(source().lookup(expId)).resolves.toMatchObject({ internalPort: 8080 });
    expect(ids.requests.at(-1)?.query.exp_id).toBe(expId);
  });

  test("a base URL with a trailing slash is used as is", async () => {
    ids.answer("slash", { asset });
    await expect(source({ baseUrl: `${ids.url}/` }).lookup("slash")).resolves.toMatchObject({ internalPort: 8080 });
    expect(ids.requests.at(-1)?.path).toBe("/api/v2/consumer/asset");
  });
});

describe("IDS asset lookup: unusable answers give 502 quoting them", () => {
  test.each([
    ["fields missing", { json: { exp_id: "x", minio_bucket: "datasets" } }, /neither docker_img_uri nor inference_rest_api_port/],
    ["port missing", { json: { docker_img_uri: "img:1" } }, /inference_rest_api_port/],
    ["image missing in a wrapper", { json: { data: { inference_rest_api_port: 8080 } } }, /data\.docker_img_uri/],
    ["port out of range", { json: { docker_img_uri: "img:1", inference_rest_api_port: "99999" } }, /inference_rest_api_port/],
    ["port zero", { json: { docker_img_uri: "img:1", inference_rest_api_port: 0 } }, /inference_rest_api_port/],
    ["port not a number", { json: { docker_img_uri: "img:1", inference_rest_api_port: "http" } }, /must be a port 1-65535/],
    ["port fractional", { json: { docker_img_uri: "img:1", inference_rest_api_port: 80.5 } }, /inference_rest_api_port/],
    ["empty image", { json: { docker_img_uri: "", inference_rest_api_port: 8080 } }, /docker_img_uri/],
    ["image with spaces", { json: { docker_img_uri: "img 1; rm -rf", inference_rest_api_port: 8080 } }, /docker_img_uri/],
    [
      "image upper-case",
      { json: { docker_img_uri: "reg:5000/RedWine:1", inference_rest_api_port: 8080 } },
      /docker_img_uri: repository names must be lower-case/,
    ],
    [
      "image bad tag",
      { json: { data: { docker_img_uri: "img:-x", inference_rest_api_port: 8080 } } },
      /data\.docker_img_uri: tag "-x"/,
    ],
    [
      "two wrappers",
      { json: { a: { docker_img_uri: "i:1" }, b: { docker_img_uri: "i:2" } } },
      /several members hold asset fields \(a, b\)/,
    ],
    ["nested two levels", { json: { data: { asset } } }, /neither docker_img_uri/],
    ["a JSON array", { json: [asset] }, /not a JSON object/],
    ["a JSON string", { json: "docker_img_uri" }, /not a JSON object/],
    ["null", { json: null }, /not a JSON object/],
  ])("%s", async (name, { json }, reason) => {
    const expId = `bad-${name}`;
    ids.answer(expId, { status: 200, json });
    const problem = await problemOf(source().lookup(expId));
    expect(problem.status).toBe(502);
    expect(problem.message).toMatch(reason);
    expect(problem.message).toContain(JSON.stringify(json).slice(0, 40));
    expect(problem.extensions.upstream).toMatchObject({ service: "ids-agent", status: 200, exp_id: expId });
  });

  test("garbage text is quoted", async () => {
    ids.answer("garbage", { status: 200, text: "<html>Service starting</html>", contentType: "text/html" });
    const problem = await problemOf(source().lookup("garbage"));
    expect(problem.status).toBe(502);
    expect(problem.message).toContain("not JSON");
    expect(problem.message).toContain("<html>Service starting</html>");
  });

  test("a huge answer is quoted truncated", async () => {
    ids.answer("huge", { status: 200, text: "x".repeat(20_000) });
    const problem = await problemOf(source().lookup("huge"));
    expect(problem.status).toBe(502);
    expect(problem.message).toContain("(19500 more characters)");
    expect(problem.message.length).toBeLessThan(1000);
  });

  test("an answer over the size cap is not read further: 502 saying so", async () => {
    ids.answer("over-cap", { status: 200, text: "x".repeat(5000) });
    const problem = await problemOf(
      createIdsAssetSource({ baseUrl: ids.url, providerIp: PROVIDER_IP, timeoutMs: 2000, logger, maxAnswerBytes: 1000 }).lookup(
        "over-cap",
      ),
    );
    expect(problem.status).toBe(502);
    expect(problem.type).toBe("urn:clarus:problem:ids-error");
    expect(problem.message).toMatch(/failed the lookup of exp_id over-cap: .*answered more than 1000 bytes; not read further\.$/);
    expect(problem.extensions.upstream).toMatchObject({ service: "ids-agent", failure: "rejected", exp_id: "over-cap" });
  });

  test("an empty 200 answer", async () => {
    ids.answer("empty", { status: 200, text: "" });
    const problem = await problemOf(source().lookup("empty"));
    expect(problem.status).toBe(502);
    expect(problem.message).toContain("(empty body)");
  });
});

describe("IDS asset lookup: upstream failures", () => {
  test("404 means the IDS knows no asset for the exp_id", async () => {
    const problem = await problemOf(source().lookup("unknown-exp"));
    expect(problem.status).toBe(404);
    expect(problem.message).toBe("The IDS agent has no inference asset for exp_id unknown-exp.");
    expect(problem.extensions.upstream).toMatchObject({
      service: "ids-agent",
      failure: "rejected",
      status: 404,
      body: expect.stringContaining("no asset"),
    });
  });

  test.each([
    [500, "Internal Server Error: minio down"],
    [401, "consumer not registered"],
    [400, "bad provider"],
  ])("HTTP %i becomes 502 quoting status and body", async (status, text) => {
    ids.answer(`status-${status}`, { status, text });
    const problem = await problemOf(source().lookup(`status-${status}`));
    expect(problem.status).toBe(502);
    expect(problem.message).toBe(`The IDS agent answered HTTP ${status} for exp_id status-${status}: ${text}`);
    expect(problem.extensions.upstream).toMatchObject({ service: "ids-agent", failure: "rejected", status, body: text });
  });

  test("a redirect is not followed", async () => {
    ids.answer("moved", { redirectTo: "http://127.0.0.1:9/elsewhere" });
    const problem = await problemOf(source().lookup("moved"));
    expect(problem.status).toBe(502);
    expect(problem.message).toContain("HTTP 302");
    expect(ids.requests.filter((r) => r.query.exp_id === "moved")).toHaveLength(1);
  });

  test("an IDS that never answers gives 504 after the configured timeout", async () => {
    ids.answer("hang", "hang");
    const started = Date.now();
    const problem = await problemOf(source({ timeoutMs: 300 }).lookup("hang"));
    const elapsed = Date.now() - started;
    expect(problem.status).toBe(504);
    expect(problem.message).toContain("did not answer within 300 ms");
    expect(problem.extensions.upstream).toMatchObject({ service: "ids-agent", failure: "timeout", exp_id: "hang" });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2000);
  });

  test("an IDS that trickles its answer is bounded by the timeout as a whole", async () => {
    const trickle = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickle.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = trickle.address() as AddressInfo;
      const problem = await problemOf(source({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 }).lookup("slow"));
      expect(problem.status).toBe(504);
    } finally {
      trickle.closeAllConnections();
      await new Promise((resolve) => trickle.close(resolve));
    }
  });

  test("an IDS that closes the connection without answering is tried three times, then 503", async () => {
    ids.answer("close", "close");
    const before = ids.requests.length;
    const problem = await problemOf(source().lookup("close"));
    expect(problem.status).toBe(503);
    expect(problem.type).toBe("urn:clarus:problem:ids-unreachable");
    expect(problem.message).toMatch(/is unreachable \(ECONNRESET: socket hang up\)/);
    expect(problem.extensions.upstream).toMatchObject({ service: "ids-agent", failure: "unreachable", exp_id: "close" });
    expect(ids.requests.length - before).toBe(3);
  });

  test("an IDS that fails while it restarts (500, then a dropped connection) is asked again and its answer used", async () => {
    let calls = 0;
    const restarting = createServer((req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(500).end("starting");
      else if (calls === 2) req.socket.destroy();
      else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(asset));
    });
    await new Promise<void>((resolve) => restarting.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = restarting.address() as AddressInfo;
      const found = await source({ baseUrl: `http://127.0.0.1:${port}` }).lookup("restart");
      expect(found).toMatchObject({ image: asset.docker_img_uri, internalPort: 8080 });
      expect(calls).toBe(3);
    } finally {
      restarting.closeAllConnections();
      await new Promise((resolve) => restarting.close(resolve));
    }
  });

  test("an IDS that is not listening gives 503", async () => {
    const port = await freePort();
    const problem = await problemOf(source({ baseUrl: `http://127.0.0.1:${port}` }).lookup("x"));
    expect(problem.status).toBe(503);
    expect(problem.message).toContain(`http://127.0.0.1:${port}/api/v2/consumer/asset is unreachable (ECONNREFUSED`);
    expect(problem.extensions.upstream).toMatchObject({ service: "ids-agent", failure: "unreachable" });
  });

  test("without IDS_PROVIDER_IP nothing is sent and the answer says what is missing", async () => {
    const before = ids.requests.length;
    const problem = await problemOf(source({ providerIp: undefined }).lookup("x"));
    expect(problem.status).toBe(503);
    expect(problem.message).toContain("IDS_PROVIDER_IP");
    expect(ids.requests.length).toBe(before);
  });
});

test("the accepted answer shapes have a JSON schema for the OpenAPI document", () => {
  const schema = JSON.stringify(jsonSchema(idsAssetAnswerSchema, "input"));
  expect(schema).toContain("docker_img_uri");
  expect(schema).toContain("inference_rest_api_port");
  expect(schema).toContain("exactly one member");
  // Inline, so it can sit anywhere in the OpenAPI document.
  expect(schema).not.toContain("$ref");
});
