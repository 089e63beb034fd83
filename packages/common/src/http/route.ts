import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import { HttpProblem, validationProblem } from "./problem.js";
import { COMMON_PROBLEMS, type ProblemType } from "./problem-types.js";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** Body schema; omit for empty bodies. */
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /**
   * An error status answered with a problem: the problem types it may carry, entries of the service's table or the
   * shared one (the OpenAPI document shows an example of each).
   */
  problems?: readonly ProblemType[];
}

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
  log: Logger;
}

/** What a handler answers; the route layer serialises it. */
export interface RouteReply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteDefinition<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/inference/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  body?: B;
  /** When false a missing body is validated as `{}` (DELETE callers may or may not send one). */
  bodyRequired?: boolean;
  query?: Q;
  params?: P;
  /** Reachable without the API token. */
  public?: boolean;
  /**
   * A GET that changes state (kept for old callers): refused to other sites' pages like every POST, PUT, PATCH and
   * DELETE (see changesState).
   */
  changesState?: boolean;
  /** Its own authentication (a webhook's token), run before validation in place of the API token. */
  auth?: RequestHandler;
  /** Status of a body that does not match `body` (default 422; 400 where a caller's contract says so). */
  invalidBodyStatus?: 400 | 422;
  deprecated?: boolean;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<z.output<B>, z.output<Q>, z.output<P>>) => Promise<RouteReply> | RouteReply;
}

/** A route as the app and the OpenAPI builder see it, with its types erased. */
export type Route = RouteDefinition<z.ZodType, z.ZodType, z.ZodType>;

export function defineRoute<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
>(definition: RouteDefinition<B, Q, P>): Route {
  return definition as unknown as Route;
}

/** Whether a route has an effect, so that a request from another site's page must be refused (request-guard.ts). */
export function changesState(route: Route): boolean {
  return route.method !== "get" || route.changesState === true;
}

/** Whether a request path is one of the route's (`/api/inference/{id}` matches `/api/inference/x`). */
export function matchesPath(route: Route, path: string): boolean {
  return new RegExp(`^${expressPath(route.path).replace(/:[^/]+/g, "[^/]+")}$`).test(path);
}

/** `/api/inference/{id}` → `/api/inference/:id` */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ":$1");
}

/** Express 5 leaves `req.body` undefined when no JSON body was sent. */
function hasBody(req: Request): boolean {
  return req.body !== undefined;
}

/** Validates path, query and body with the route's schemas, then runs the handler and sends its reply. */
export function routeHandler(route: Route): RequestHandler {
  return async (req, res) => {
    const params = parsePart(route.params, req.params, "path", 400);
    const query = parsePart(route.query, req.query, "query", 400);
    let body: unknown;
    if (route.body) {
      if (!hasBody(req)) {
        if (route.bodyRequired !== false) {
          throw new HttpProblem(
            COMMON_PROBLEMS["missing-body"],
            "A JSON request body is required (Content-Type: application/json).",
            {
              errors: [{ location: "body", field: "(root)", message: "required" }],
            },
          );
        }
        body = parsePart(route.body, {}, "body", route.invalidBodyStatus ?? 422);
      } else {
        body = parsePart(route.body, req.body, "body", route.invalidBodyStatus ?? 422);
      }
    }
    const reply = await route.handler({ body, query, params, req, res, log: req.log });
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.status(reply.status);
    if (reply.body === undefined) {
      res.end();
    } else if (reply.contentType && !reply.contentType.includes("json")) {
      res.type(reply.contentType).send(reply.body);
    } else {
      res.type(reply.contentType ?? "application/json").send(JSON.stringify(reply.body));
    }
  };
}

function parsePart(
  schema: z.ZodType | undefined,
  value: unknown,
  location: "path" | "query" | "body",
  status: 400 | 422,
): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(status, location, result.error, value);
  return result.data;
}
