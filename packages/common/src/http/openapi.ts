import { z } from "zod";
import { problemSchema, problemTitle } from "./problem.js";
import { COMMON_PROBLEMS, type ProblemType } from "./problem-types.js";
import { changesState, type ResponseSpec, type Route } from "./route.js";

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

/**
 * An error response: the Problem schema, with an example of each problem type the status carries on this route,
 * taken from the problem-type tables, so that every `type` Swagger UI shows is one the service answers with.
 */
function problemResponse(operation: string, status: string, spec: ResponseSpec, path: string) {
  const code = Number(status);
  const problems = spec.problems ?? [];
  if (problems.length === 0) throw new Error(`${operation} ${status}: name the problem types it answers with (problems)`);
  const misplaced = problems.filter((kind) => !kind.statuses.includes(code)).map((kind) => kind.name);
  if (misplaced.length > 0) throw new Error(`${operation} ${status}: ${misplaced.join(", ")} never answered with ${status}`);
  const title = problemTitle(code);
  const example = (kind: ProblemType) => ({ type: kind.type, title, status: code, detail: spec.description, instance: path });
  const [only] = problems;
  const examples =
    problems.length === 1 && only
      ? { example: example(only) }
      : { examples: Object.fromEntries(problems.map((kind) => [kind.name, { summary: kind.name, value: example(kind) }])) };
  return { description: spec.description, content: { "application/problem+json": { schema: PROBLEM_REF, ...examples } } };
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
  const refusals: Array<{ reason: string; kind: ProblemType }> = [];
  if (changesState(route)) {
    refusals.push({
      reason: "a web page of another site or origin sent it (`Sec-Fetch-Site`, `Origin`; see ALLOWED_ORIGINS)",
      kind: COMMON_PROBLEMS["cross-site-request"],
    });
  }
  if (!bearerAuth) {
    refusals.push({
      reason: "the `Host` header is not a name of this service (DNS rebinding; see ALLOWED_HOSTS)",
      kind: COMMON_PROBLEMS["host-not-allowed"],
    });
  }
  const own = route.responses[403];
  const responses: Route["responses"] = { ...route.responses };
  if (own || refusals.length > 0) {
    responses[403] = {
      ...own,
      description: capitalised([...(own ? [own.description] : []), ...refusals.map(({ reason }) => reason)].join("; or ")),
      problems: [...(own?.problems ?? []), ...refusals.map(({ kind }) => kind)],
    };
  }
  if (changesState(route)) {
    responses[415] ??= {
      description: "A body without `Content-Type: application/json` (forms, multipart and text/plain are refused)",
      problems: [COMMON_PROBLEMS["json-only"]],
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
    const name = `${route.method.toUpperCase()} ${route.path}`;
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
          Number(status) >= 400 ? problemResponse(name, status, spec, route.path) : { description: spec.description };
      }
    }
    /** A response every route of its kind may give, unless the route says more about that status. */
    const shared = (status: string, description: string, problems: ProblemType[]) => {
      responses[status] ??= problemResponse(name, status, { description, problems }, route.path);
    };
    if (route.query || route.params) shared("400", "Invalid path or query parameter", [COMMON_PROBLEMS["validation-error"]]);
    if (route.body) {
      shared("400", "Malformed JSON, or no body where one is required", [
        COMMON_PROBLEMS["malformed-json"],
        ...(route.bodyRequired === false ? [] : [COMMON_PROBLEMS["missing-body"]]),
      ]);
      shared("413", "The body is larger than the service accepts; the detail names the limit", [
        COMMON_PROBLEMS["payload-too-large"],
      ]);
      if (route.invalidBodyStatus !== 400) {
        shared("422", "The body does not match the schema; `errors` names each field", [COMMON_PROBLEMS["validation-error"]]);
      }
    }
    if (options.bearerAuth && !route.public) shared("401", "Missing or wrong bearer token", [COMMON_PROBLEMS.unauthorized]);
    shared("500", "Unexpected error", [COMMON_PROBLEMS["internal-server-error"]]);

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
