// The request guard inside the real app: what a browser page can send (Fetch Metadata, Origin, forms and text/plain
// bodies, a rebound Host) is refused before any handler runs; what curl, Postman and scripts send passes.
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { rawRequest as send } from "../../test/raw-request.js";
import { createLogger } from "../logger.js";
import { listen, type RunningServer } from "../server.js";
import { createHttpApp, type HttpAppOptions } from "./app.js";
import { defineRoute } from "./route.js";

const logger = createLogger({ name: "guard-test", level: "silent" });
const TOKEN = "guard-test-token-0123456789";

function startApp(options: Partial<HttpAppOptions>) {
  const effects: string[] = [];
  const routes = [
    defineRoute({
      method: "post",
      path: "/api/things",
      operationId: "createThing",
      summary: "create",
      body: z.object({ name: z.string().optional() }),
      bodyRequired: false,
      responses: { 201: { description: "created" } },
      handler: ({ body }) => {
        effects.push(`created ${body.name ?? "(none)"}`);
        return { status: 201 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/legacy_run",
      operationId: "legacyRun",
      summary: "a GET that changes state",
      changesState: true,
      responses: { 200: { description: "ran" } },
      handler: () => {
        effects.push("ran");
        return { status: 200, body: { ran: true } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/things",
      operationId: "listThings",
      summary: "read only",
      responses: { 200: { description: "things" } },
      handler: () => ({ status: 200, body: effects }),
    }),
  ];
  const http = createHttpApp({ info: { title: "t", version: "1", description: "d" }, logger, routes, ...options });
  return { http, effects };
}

describe("request guard, no token (the loopback quick start)", () => {
  let server: RunningServer;
  let effects: string[];
  let own: string;
  beforeAll(async () => {
    const started = startApp({ allowedOrigins: ["https://dashboard.plant.example"], allowedHosts: ["edge01.plant.example"] });
    effects = started.effects;
    server = await listen(started.http.app, { port: 0, host: "127.0.0.1" });
    own = server.url;
  });
  afterAll(() => server.close());

  const json = { "content-type": "application/json" };
  const post = (headers: Record<string, string>, body = '{"name":"x"}') =>
    send(server.url, "POST", "/api/things", { ...json, ...headers }, body);

  it("lets programs through: no Origin, no Fetch Metadata, JSON bodies", async () => {
    const before = effects.length;
    expect((await post({})).status).toBe(201);
    expect((await send(server.url, "POST", "/api/things")).status).toBe(201);
    expect((await send(server.url, "GET", "/api/legacy_run")).status).toBe(200);
    expect((await post({ "content-type": "application/json; charset=utf-8" })).status).toBe(201);
    expect(effects.length - before).toBe(4);
  });

  it("lets this service's own pages through (Swagger UI: same-origin, Origin = Host) and typed-in URLs", async () => {
    expect((await post({ "sec-fetch-site": "same-origin", origin: own })).status).toBe(201);
    expect((await post({ origin: own })).status).toBe(201);
    expect((await post({ "sec-fetch-site": "none" })).status).toBe(201);
    expect(
      (await send(server.url, "GET", "/api/legacy_run", { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" })).status,
    ).toBe(200);
  });

  it.each([
    [
      "cross-site",
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", origin: "http://127.0.0.2:8000" },
      "sec-fetch-site",
    ],
    ["same-site (another port of this host)", { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:1" }, "sec-fetch-site"],
    ["cross-site without Origin", { "sec-fetch-site": "cross-site" }, "sec-fetch-site"],
    ["a foreign Origin from a client without Fetch Metadata", { origin: "http://evil.example" }, "origin"],
    ["Origin null (sandboxed page, file:)", { origin: "null" }, "origin"],
    ["an Origin of another port", { origin: "http://127.0.0.1:1" }, "origin"],
  ])("refuses a state change from %s with 403 naming the header", async (_case, headers, header) => {
    const before = [...effects];
    const answer = await post(headers);
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: "urn:clarus:problem:cross-site-request",
      errors: [{ location: "header", field: header }],
    });
    expect(answer.body.detail).toContain("ALLOWED_ORIGINS");
    expect(effects).toEqual(before);
  });

  it("refuses the legacy GET that changes state from an <img> of another site, but serves read-only GETs", async () => {
    const image = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" };
    const before = [...effects];
    const refused = await send(server.url, "GET", "/api/legacy_run", image);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe("urn:clarus:problem:cross-site-request");
    expect((await send(server.url, "HEAD", "/api/legacy_run", image)).status).toBe(403);
    const link = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
    expect((await send(server.url, "GET", "/api/legacy_run", link)).status).toBe(403);
    expect(effects).toEqual(before);
    expect((await send(server.url, "GET", "/api/things", image)).status).toBe(200);
  });

  it("lets an origin listed in ALLOWED_ORIGINS change state", async () => {
    const answer = await post({ "sec-fetch-site": "cross-site", origin: "https://dashboard.plant.example" });
    expect(answer.status).toBe(201);
    expect((await post({ "sec-fetch-site": "cross-site", origin: "https://dashboard.plant.example:444" })).status).toBe(403);
  });

  it.each([
    ["text/plain", "text/plain;charset=UTF-8", '{"name":"x"}'],
    ["a form", "application/x-www-form-urlencoded", "name=x"],
    ["multipart", "multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n'],
    ["JSON under another type", "application/merge-patch+json", '{"name":"x"}'],
  ])("refuses a body sent as %s with 415 naming Content-Type", async (_case, type, body) => {
    const before = [...effects];
    const answer = await send(server.url, "POST", "/api/things", { "content-type": type }, body);
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({
      type: "urn:clarus:problem:json-only",
      errors: [{ location: "header", field: "content-type", message: "must be application/json" }],
    });
    expect(answer.body.detail).toContain(`this request sent Content-Type: ${type}`);
    expect(effects).toEqual(before);
  });

  it("refuses a body without Content-Type, and a non-JSON type on a state change even when empty", async () => {
    const untyped = await send(server.url, "POST", "/api/things", {}, '{"name":"x"}');
    expect(untyped.status).toBe(415);
    expect(untyped.body.detail).toContain("this request sent no Content-Type");
    expect((await send(server.url, "POST", "/api/things", { "content-type": "text/plain" }, "")).status).toBe(415);
    expect((await send(server.url, "GET", "/api/things", { "content-type": "text/plain" })).status).toBe(200);
  });

  it("refuses a Host that is not a name of this service (DNS rebinding), on every route", async () => {
    const before = [...effects];
    for (const [method, path] of [
      ["POST", "/api/things"],
      ["GET", "/api/things"],
      ["GET", "/api/legacy_run"],
      ["GET", "/swagger/"],
    ] as const) {
      const answer = await send(server.url, method, path, { ...json, host: `rebind.attacker.example:${server.port}` }, "{}");
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body).toMatchObject({
        type: "urn:clarus:problem:host-not-allowed",
        errors: [{ location: "header", field: "host" }],
      });
      expect(answer.body.detail).toContain("ALLOWED_HOSTS");
      // A rebinding page can read this answer: it learns nothing about the machine.
      expect(answer.body.detail).not.toContain(hostname());
    }
    expect((await send(server.url, "GET", "/api/things", { host: "good.example@rebind.attacker.example" })).status).toBe(403);
    expect(effects).toEqual(before);
  });

  it.each(["localhost", "app.localhost", "127.0.0.1", "[::1]", "192.0.2.10", "edge01.plant.example", "EDGE01.plant.example."])(
    "accepts the Host %s",
    async (host) => {
      expect((await send(server.url, "GET", "/api/things", { host: `${host}:${server.port}` })).status).toBe(200);
    },
  );

  it("sends nosniff, no framing and same-origin resource policy on every answer", async () => {
    for (const [method, path, headers] of [
      ["GET", "/api/things", {}],
      ["GET", "/nowhere", {}],
      ["POST", "/api/things", { origin: "http://evil.example" }],
      ["GET", "/swagger/", {}],
      ["GET", "/openapi.json", {}],
    ] as const) {
      const answer = await send(server.url, method, path, headers);
      expect(answer.headers["x-content-type-options"], `${method} ${path}`).toBe("nosniff");
      expect(answer.headers["x-frame-options"], `${method} ${path}`).toBe("DENY");
      expect(answer.headers["cross-origin-resource-policy"], `${method} ${path}`).toBe("same-origin");
    }
  });

  it("documents the refusals in the OpenAPI of each route that changes state, and the Host refusal everywhere", async () => {
    const { body: openapi } = await send(server.url, "GET", "/openapi.json");
    const create = openapi.paths["/api/things"].post.responses;
    expect(create["403"].description).toMatch(/another site or origin.*ALLOWED_ORIGINS.*Host.*ALLOWED_HOSTS/);
    expect(create["415"].description).toContain("application/json");
    expect(openapi.paths["/api/legacy_run"].get.responses["403"].description).toContain("another site");
    const list = openapi.paths["/api/things"].get.responses;
    expect(list["403"].description).not.toContain("another site");
    expect(list["415"]).toBeUndefined();
  });
});

describe("request guard with a token", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(startApp({ apiToken: TOKEN, apiTokenVariable: "THING_API_TOKEN" }).http.app, { port: 0 });
  });
  afterAll(() => server.close());
  const bearer = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

  it("leaves Host alone (a rebinding page has no token) but still refuses other sites' pages that hold one", async () => {
    expect((await send(server.url, "GET", "/api/things", { ...bearer, host: "plant-gateway.example" })).status).toBe(200);
    expect((await send(server.url, "GET", "/api/things", { host: "plant-gateway.example" })).status).toBe(401);
    const crossSite = await send(server.url, "POST", "/api/things", { ...bearer, "sec-fetch-site": "cross-site" }, "{}");
    expect(crossSite.status).toBe(403);
    expect((await send(server.url, "POST", "/api/things", bearer, '{"name":"x"}')).status).toBe(201);
  });

  it("documents 403 only where state changes", async () => {
    const { body: openapi } = await send(server.url, "GET", "/openapi.json", { authorization: `Bearer ${TOKEN}` });
    expect(openapi.paths["/api/things"].get.responses["403"]).toBeUndefined();
    expect(openapi.paths["/api/things"].post.responses["403"].description).not.toContain("Host");
  });
});
