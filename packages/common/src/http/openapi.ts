import { z } from "zod";
import { problemSchema, problemTitle, problemType } from "./problem.js";
import { changesState, type Route } from "./route.js";

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

type JsonSchema = Record<string, unknown>;

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a client sends or receives. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
    override: ({ jsonSchema: generated }) => {
      // z.number().int() states the safe-integer range, which Swagger UI then shows as every example value.
      if (generated.minimum === Number.MIN_SAFE_INTEGER) delete generated.minimum;
      if (generated.maximum === Number.MAX_SAFE_INTEGER) delete generated.maximum;
    },
  }) as JsonSchema;
  return rest;
}

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** An error response: the Problem schema, with an example of this status (not one example shared by all of them). */
function problemResponse(status: string, description: string, path: string) {
  const title = problemTitle(Number(status));
  const example = { type: problemType(title), title, status: Number(status), detail: description, instance: path };
  return { description, content: { "application/problem+json": { schema: PROBLEM_REF, example } } };
}

function parameters(schema: z.ZodType | undefined, location: "query" | "path") {
  if (!schema) return [];
  const objectSchema = jsonSchema(schema, "input") as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(objectSchema.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (objectSchema.required ?? []).includes(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

/** Why the request guard answers 403 on a route (request-guard.ts), joined to the route's own reason for 403. */
function withGuardRefusals(route: Route, bearerAuth: boolean): Route["responses"] {
  const reasons = [
    ...(route.responses[403] ? [route.responses[403].description] : []),
    ...(changesState(route)
      ? ["a web page of another site or origin sent it (`Sec-Fetch-Site`, `Origin`; see ALLOWED_ORIGINS)"]
      : []),
    ...(bearerAuth ? [] : ["the `Host` header is not a name of this service (DNS rebinding; see ALLOWED_HOSTS)"]),
  ];
  const responses: Route["responses"] = { ...route.responses };
  if (reasons.length > 0) responses[403] = { ...route.responses[403], description: capitalised(reasons.join("; or ")) };
  if (changesState(route)) {
    responses[415] ??= {
      description: "A body without `Content-Type: application/json` (forms, multipart and text/plain are refused)",
    };
  }
  return responses;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Builds the OpenAPI 3.1 document from the same zod schemas that validate requests. */
export function buildOpenApiDocument(info: OpenApiInfo, routes: Route[], options: { bearerAuth: boolean }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(withGuardRefusals(route, options.bearerAuth))) {
      if (spec.schema) {
        responses[status] = {
          description: spec.description,
          content: { [spec.contentType ?? "application/json"]: { schema: jsonSchema(spec.schema, "output") } },
        };
      } else {
        // Every error leaves as a problem (problemHandler), so an error status without its own schema still shows it.
        responses[status] =
          Number(status) >= 400 ? problemResponse(status, spec.description, route.path) : { description: spec.description };
      }
    }
    if (route.query || route.params) responses["400"] ??= problemResponse("400", "Invalid path or query parameter", route.path);
    if (route.body) {
      responses["400"] ??= problemResponse("400", "Malformed JSON, or no body where one is required", route.path);
      responses["413"] ??= problemResponse(
        "413",
        "The body is larger than the service accepts; the detail names the limit",
        route.path,
      );
      if (route.invalidBodyStatus !== 400)
        responses["422"] ??= problemResponse("422", "The body does not match the schema; `errors` names each field", route.path);
    }
    if (options.bearerAuth && !route.public)
      responses["401"] ??= problemResponse("401", "Missing or wrong bearer token", route.path);
    responses["500"] ??= problemResponse("500", "Unexpected error", route.path);

    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.tags ? { tags: route.tags } : {}),
      ...(route.deprecated ? { deprecated: true } : {}),
      parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
      ...(route.body
        ? {
            requestBody: {
              required: route.bodyRequired !== false,
              content: { "application/json": { schema: jsonSchema(route.body, "input") } },
            },
          }
        : {}),
      responses,
      ...(options.bearerAuth ? { security: route.public ? [] : [{ bearerAuth: [] }] } : {}),
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema, "output") },
      ...(options.bearerAuth ? { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}
