import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../logger.js";
import { listen, type RunningServer } from "../server.js";
import { createHttpApp } from "./app.js";
import { buildOpenApiDocument } from "./openapi.js";
import { HttpProblem } from "./problem.js";
import { defineProblemTypes, problemUrn } from "./problem-types.js";
import { defineRoute, type Route } from "./route.js";

const logger = createLogger({ name: "test", level: "silent" });
const THING_PROBLEMS = defineProblemTypes({ "ids-failed": 502, "ids-refused": [502, 403] });

const routes = [
  defineRoute({
    method: "get",
    path: "/api/ping",
    operationId: "ping",
    summary: "ping",
    public: true,
    responses: { 200: { description: "OK", schema: z.string() } },
    handler: () => ({ status: 200, body: "OK" }),
  }),
  defineRoute({
    method: "post",
    path: "/api/things/{id}",
    operationId: "createThing",
    summary: "create",
    params: z.object({ id: z.string().regex(/^[a-z]+$/, "lower-case letters only") }),
    query: z.object({ dry: z.enum(["true", "false"]).optional() }),
    body: z.object({ port: z.union([z.number(), z.string()]).pipe(z.coerce.number<string | number>().int().min(1).max(65535)) }),
    responses: { 201: { description: "created", schema: z.object({ id: z.string(), port: z.number().int() }) } },
    handler: ({ params, body }) => ({ status: 201, body: { id: params.id, port: body.port } }),
  }),
  defineRoute({
    method: "get",
    path: "/api/fail",
    operationId: "fail",
    summary: "fails",
    responses: {
      200: { description: "never" },
      502: { description: "the upstream said no", problems: [THING_PROBLEMS["ids-failed"], THING_PROBLEMS["ids-refused"]] },
    },
    handler: () => {
      throw new HttpProblem(THING_PROBLEMS["ids-failed"], "upstream said no", {
        extensions: { step: "ids" },
      });
    },
  }),
];

describe("createHttpApp", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(
      createHttpApp({
        info: { title: "t", version: "1", description: "d" },
        logger,
        routes,
        apiToken: "s3cret",
        apiTokenVariable: "THING_API_TOKEN",
        bodyLimit: "1kb",
      }).app,
      { port: 0, host: "127.0.0.1" },
    );
  });
  afterAll(() => server.close());

  const call = (path: string, init: RequestInit = {}, auth = true) =>
    fetch(server.url + path, {
      ...init,
      headers: { "content-type": "application/json", ...(auth ? { authorization: "Bearer s3cret" } : {}), ...init.headers },
    });

  it("answers public routes without a token and echoes the request id", async () => {
    const res = await fetch(`${server.url}/api/ping`, { headers: { "x-request-id": "abc-123" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("OK");
    expect(res.headers.get("x-request-id")).toBe("abc-123");
  });

  it("validates path, query and body and coerces port strings", async () => {
    const ok = await call("/api/things/abc", { method: "POST", body: JSON.stringify({ port: "8080" }) });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: "abc", port: 8080 });

    const badBody = await call("/api/things/abc", { method: "POST", body: JSON.stringify({ port: 70000 }) });
    expect(badBody.status).toBe(422);
    expect(badBody.headers.get("content-type")).toContain("application/problem+json");
    const problem = await badBody.json();
    expect(problem.errors).toEqual([expect.objectContaining({ location: "body", field: "port" })]);

    const badPath = await call("/api/things/ABC", { method: "POST", body: JSON.stringify({ port: 1 }) });
    expect(badPath.status).toBe(400);
    expect((await badPath.json()).errors[0]).toMatchObject({ location: "path", field: "id", message: "lower-case letters only" });

    const badQuery = await call("/api/things/abc?dry=maybe", { method: "POST", body: JSON.stringify({ port: 1 }) });
    expect((await badQuery.json()).errors[0]).toMatchObject({ location: "query", field: "dry" });
  });

  it("turns malformed JSON, missing and oversized bodies into problems", async () => {
    const malformed = await call("/api/things/abc", { method: "POST", body: '{"port": ' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).type).toBe("urn:clarus:problem:malformed-json");

    const missing = await call("/api/things/abc", { method: "POST", body: undefined, headers: { "content-type": "" } });
    expect(missing.status).toBe(400);

    const huge = await call("/api/things/abc", { method: "POST", body: JSON.stringify({ port: 1, pad: "x".repeat(5000) }) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const tooLarge = await huge.json();
    expect(tooLarge.detail).toMatch(/^Request body too large: \d+ bytes, the service accepts at most 1024 bytes\.$/);
    expect(tooLarge.errors).toEqual([{ location: "body", field: "(root)", message: "larger than 1024 bytes" }]);
  });

  it("names the header of a body it cannot decode", async () => {
    const latin1 = await call("/api/things/abc", {
      method: "POST",
      body: '{"port": 1}',
      headers: { "content-type": "application/json; charset=latin1" },
    });
    expect(latin1.status).toBe(415);
    expect(await latin1.json()).toMatchObject({
      detail: 'Request body: unsupported charset "LATIN1"; send JSON as UTF-8.',
      errors: [{ location: "header", field: "content-type", message: 'unsupported charset "LATIN1"' }],
    });
    const compressed = await call("/api/things/abc", {
      method: "POST",
      body: '{"port": 1}',
      headers: { "content-encoding": "compress" },
    });
    expect(compressed.status).toBe(415);
    expect((await compressed.json()).errors).toEqual([
      expect.objectContaining({ location: "header", field: "content-encoding" }),
    ]);
  });

  it("names a query parameter given more than once", async () => {
    const res = await call("/api/things/abc?dry=true&dry=false", { method: "POST", body: JSON.stringify({ port: 1 }) });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ location: "query", field: "dry", message: "given 2 times; give it once" }]);
  });

  it("requires the bearer token on protected routes", async () => {
    const none = await call("/api/fail", {}, false);
    expect(none.status).toBe(401);
    expect((await none.json()).detail).toBe("This route needs the header Authorization: Bearer <THING_API_TOKEN>.");
    const wrong = await call("/api/fail", { headers: { authorization: "Bearer nope" } }, false);
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).detail).toBe(
      'The Authorization header is not "Bearer " followed by the token set in THING_API_TOKEN.',
    );
  });

  it("keeps extensions of thrown problems and answers 404/405 for unknown routes", async () => {
    const res = await call("/api/fail");
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ status: 502, detail: "upstream said no", step: "ids", instance: "/api/fail" });
    expect((await call("/api/nothing")).status).toBe(404);
    expect((await call("/api/ping", { method: "DELETE" })).status).toBe(405);
  });

  it("serves OpenAPI built from the schemas, Swagger UI and metrics", async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const op = doc.paths["/api/things/{id}"].post;
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(["path:id", "query:dry"]);
    expect(op.requestBody.content["application/json"].schema.properties.port).toBeDefined();
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    // Error statuses, declared with a schema or not, document the problem body.
    const problemRef = { $ref: "#/components/schemas/Problem" };
    for (const status of ["400", "413", "422", "401", "500"]) {
      expect(op.responses[status].content["application/problem+json"].schema).toEqual(problemRef);
    }
    expect(doc.paths["/api/fail"].get.responses["502"].content["application/problem+json"].schema).toEqual(problemRef);
    expect(doc.components.schemas.Problem.properties.detail.description).toBeTruthy();
    // Each error status shows an example of each problem type it carries, from the tables, at its own status.
    expect(doc.paths["/api/fail"].get.responses["502"].content["application/problem+json"].examples).toEqual({
      "ids-failed": {
        summary: "ids-failed",
        value: {
          type: THING_PROBLEMS["ids-failed"].type,
          title: "Bad Gateway",
          status: 502,
          detail: "the upstream said no",
          instance: "/api/fail",
        },
      },
      "ids-refused": {
        summary: "ids-refused",
        value: {
          type: THING_PROBLEMS["ids-refused"].type,
          title: "Bad Gateway",
          status: 502,
          detail: "the upstream said no",
          instance: "/api/fail",
        },
      },
    });
    const example = (status: string) => op.responses[status].content["application/problem+json"].example;
    expect([400, 413, 422, 401, 500, 415].map((status) => example(String(status)).type)).toEqual(
      ["validation-error", "payload-too-large", "validation-error", "unauthorized", "internal-server-error", "json-only"].map(
        problemUrn,
      ),
    );
    expect(example("403")).toMatchObject({ type: problemUrn("cross-site-request"), status: 403, title: "Forbidden" });
    // Integers carry no safe-integer bounds, which Swagger UI would show as every example value.
    expect(op.responses["201"].content["application/json"].schema.properties.port).toEqual({ type: "integer" });
    expect(JSON.stringify(doc)).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(doc.paths["/api/ping"].get.security).toEqual([]);
    const ui = await fetch(`${server.url}/swagger/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger-ui");
    const metrics = await (await call("/metrics")).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/api\/things\/:id"[^}]*status="201"/);
  });
});

describe("createHttpApp with the service's mapping of its own errors", () => {
  class ThingGone extends Error {}
  const TYPES = defineProblemTypes({ "thing-gone": 410 });
  let server: RunningServer;
  beforeAll(async () => {
    const failing = (path: string, error: () => Error) =>
      defineRoute({
        method: "get",
        path,
        operationId: path.replace(/\W/g, ""),
        summary: "fails",
        public: true,
        responses: { 200: { description: "never" } },
        handler: () => {
          throw error();
        },
      });
    const app = createHttpApp({
      info: { title: "t", version: "1", description: "d" },
      logger,
      routes: [failing("/api/gone", () => new ThingGone("the thing went away")), failing("/api/bug", () => new Error("bug"))],
      problems: (err) => (err instanceof ThingGone ? new HttpProblem(TYPES["thing-gone"], err.message) : undefined),
    }).app;
    server = await listen(app, { port: 0, host: "127.0.0.1" });
  });
  afterAll(() => server.close());

  it("answers a mapped error with its problem, once, at the edge", async () => {
    const gone = await fetch(`${server.url}/api/gone`);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({
      type: "urn:clarus:problem:thing-gone",
      title: "Error",
      status: 410,
      detail: "the thing went away",
      instance: "/api/gone",
    });
  });

  it("answers an error the mapping does not know as an internal error, without its message", async () => {
    const bug = await fetch(`${server.url}/api/bug`);
    expect(bug.status).toBe(500);
    expect(await bug.json()).toMatchObject({
      type: "urn:clarus:problem:internal-server-error",
      detail: "Unexpected internal error; see the service log for the request id.",
    });
  });
});

describe("OpenAPI examples of problems", () => {
  const document = (responses: Route["responses"], body?: z.ZodType) =>
    buildOpenApiDocument(
      { title: "t", version: "1", description: "d" },
      [
        defineRoute({
          method: "post",
          path: "/api/x",
          operationId: "x",
          summary: "x",
          body,
          responses,
          handler: () => ({ status: 200 }),
        }),
      ],
      { bearerAuth: false },
    );

  it("are built only from problem types the route names, each at a status it is answered with", () => {
    expect(() => document({ 502: { description: "no type named" } })).toThrow("POST /api/x 502: name the problem types");
    expect(() => document({ 404: { description: "wrong status", problems: [THING_PROBLEMS["ids-failed"]] } })).toThrow(
      "POST /api/x 404: ids-failed never answered with 404",
    );
  });

  it("join the route's own reason for 403 to the request guard's, and a body's 400 to missing and malformed JSON", () => {
    const doc = document({ 403: { description: "refused upstream", problems: [THING_PROBLEMS["ids-refused"]] } }, z.object({}));
    type Examples = Record<string, { value: { type: string } }>;
    const operation = doc.paths["/api/x"]?.post as {
      responses: Record<string, { content: Record<string, { examples?: Examples }> }>;
    };
    const types = (status: string) =>
      Object.values(operation.responses[status]?.content["application/problem+json"]?.examples ?? {}).map(
        (example) => example.value.type,
      );
    expect(types("403")).toEqual(["ids-refused", "cross-site-request", "host-not-allowed"].map(problemUrn));
    expect(types("400")).toEqual(["malformed-json", "missing-body"].map(problemUrn));
  });
});
