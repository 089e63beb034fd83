// The OpenAPI document (and so Swagger UI) lists every route with the schemas that validate it.
import { createLogger } from "@clarus/common";
import { expect, test } from "vitest";
import { createNodeAgent } from "../src/app.js";
import { readNodeAgentConfig } from "../src/config.js";
import { AGENT_PROBLEMS } from "../src/problem-types.js";

const { openapi } = createNodeAgent(
  readNodeAgentConfig({ DOCKER_HOST: "unix:///nonexistent/docker.sock", AGENT_API_TOKEN: "openapi-test-token-0123" }),
  createLogger({ name: "openapi-test", level: "silent" }),
);

test("every route is documented, the original ones included", () => {
  const operations = Object.entries(openapi.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
  );
  expect(operations.sort()).toEqual(
    [
      "GET /api/ping",
      "GET /api/health",
      "POST /api/inference/deploy",
      "DELETE /api/inference/deploy",
      "DELETE /api/v3/inference/deploy",
      "GET /api/inference/all",
      "GET /api/inference/{id}",
      "DELETE /api/inference/{id}",
      "GET /api/inference/{id}/logs",
      "POST /api/v3/inference/deploy",
    ].sort(),
  );
});

test("request schemas say what old callers may send", () => {
  const deploy = openapi.paths["/api/inference/deploy"]!.post as { requestBody: { content: Record<string, { schema: Json }> } };
  const schema = deploy.requestBody.content["application/json"]!.schema;
  expect(schema.required).toEqual([
    "inference_id",
    "docker_img_uri",
    "inference_rest_api_port",
    "inference_rest_api_forward_port",
  ]);
  expect(schema.properties.inference_rest_api_port.anyOf.map((s: Json) => s.type)).toEqual(["integer", "string"]);
  expect(schema.properties.env.description).toContain("at most 8");
  const remove = openapi.paths["/api/inference/deploy"]!.delete as {
    parameters: Array<{ name: string; in: string }>;
    responses: Record<string, unknown>;
  };
  expect(remove.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["query:inference_id", "query:exp_id"]);
  // Removal answers 200, on the v3 path 201 as the original OpenAPI documents it.
  expect(Object.keys(remove.responses)).toContain("200");
  const removeV3 = openapi.paths["/api/v3/inference/deploy"]!.delete as {
    responses: Record<string, unknown>;
    deprecated: boolean;
  };
  expect(Object.keys(removeV3.responses)).toContain("201");
  expect(Object.keys(removeV3.responses)).not.toContain("200");
  expect(removeV3.deprecated).toBe(true);
  const v3 = openapi.paths["/api/v3/inference/deploy"]!.post as { description: string };
  expect(v3.description).toContain("docker_img_uri");
  expect(v3.description).toContain("exactly one member");
});

test("the v3 deploy's error answers show the IDS lookup's problem types beside the deployment's, from the table", () => {
  const responses = (openapi.paths["/api/v3/inference/deploy"]!.post as { responses: Record<string, Json> }).responses;
  const types = (status: number) => {
    const content = responses[status].content["application/problem+json"];
    return content.example ? [content.example.type] : Object.values(content.examples).map((example: Json) => example.value.type);
  };
  expect(types(404)).toEqual([AGENT_PROBLEMS["ids-asset-not-found"].type]);
  expect(types(502)).toEqual(expect.arrayContaining([AGENT_PROBLEMS["ids-bad-answer"].type, AGENT_PROBLEMS["ids-error"].type]));
  expect(types(502)).toContain(AGENT_PROBLEMS["inference-exited"].type);
  expect(types(503)).toEqual(
    expect.arrayContaining([AGENT_PROBLEMS["ids-not-configured"].type, AGENT_PROBLEMS["ids-unreachable"].type]),
  );
  expect(types(504)).toEqual(
    expect.arrayContaining([AGENT_PROBLEMS["ids-timeout"].type, AGENT_PROBLEMS["inference-not-ready"].type]),
  );
  // The deployment's own refusals apply to the v3 route as well.
  expect(types(409)).toEqual([AGENT_PROBLEMS["port-taken"].type, AGENT_PROBLEMS["name-conflict"].type]);
});

test("ping and health are public, the rest needs the bearer token", () => {
  const security = (path: string, method: string) =>
    (openapi.paths[path] as Record<string, { security: unknown }>)[method]!.security;
  expect(security("/api/ping", "get")).toEqual([]);
  expect(security("/api/health", "get")).toEqual([]);
  expect(security("/api/inference/all", "get")).toEqual([{ bearerAuth: [] }]);
});

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema fragments are read loosely.
type Json = any;
