import { z } from "zod";
import { problemSchema } from "./problem.js";
import type { Route } from "./route.js";

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
  }) as JsonSchema;
  return rest;
}

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: PROBLEM_REF } } };
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

/** Builds the OpenAPI 3.1 document from the same zod schemas that validate requests. */
export function buildOpenApiDocument(info: OpenApiInfo, routes: Route[], options: { bearerAuth: boolean }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      if (spec.schema) {
        responses[status] = {
          description: spec.description,
          content: { [spec.contentType ?? "application/json"]: { schema: jsonSchema(spec.schema, "output") } },
        };
      } else {
        // Every error leaves as a problem (problemHandler), so an error status without its own schema still shows it.
        responses[status] = Number(status) >= 400 ? problemResponse(spec.description) : { description: spec.description };
      }
    }
    if (route.query || route.params) responses["400"] ??= problemResponse("Invalid path or query parameter");
    if (route.body) {
      responses["400"] ??= problemResponse("Malformed JSON, or no body where one is required");
      responses["413"] ??= problemResponse("The body is larger than the service accepts; the detail names the limit");
      responses["422"] ??= problemResponse("The body does not match the schema; `errors` names each field");
    }
    if (options.bearerAuth && !route.public) responses["401"] ??= problemResponse("Missing or wrong bearer token");
    responses["500"] ??= problemResponse("Unexpected error");

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
