import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { UpstreamFailure } from "../upstream/upstream-error.js";
import { COMMON_PROBLEMS, type ProblemType, problemUrn } from "./problem-types.js";

/** Where a bad value was found in the request. */
export type FieldLocation = "body" | "query" | "path" | "header";

export interface FieldError {
  location: FieldLocation;
  /** Dotted path of the field, e.g. `env.MY_VAR` or `inference_rest_api_port`. */
  field: string;
  message: string;
}

/** RFC 9457 problem details, as sent with `application/problem+json`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The `upstream` member of a problem an outside system caused, alike in both services: which system, how it failed,
 * its own answer (HTTP status, body or message), plus whatever identifies the call (url, exp_id).
 */
export interface UpstreamDetails {
  service: string;
  failure: UpstreamFailure;
  status?: number | undefined;
  body?: unknown;
  [detail: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** An error that becomes a problem response; thrown by handlers and adapters, or mapped from a service's own errors. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(
    kind: ProblemType,
    detail: string,
    options: { status?: number; errors?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    const status = options.status ?? kind.statuses[0];
    if (!kind.statuses.includes(status)) throw new Error(`problem type ${kind.name} is not answered with ${status}`);
    this.name = "HttpProblem";
    this.status = status;
    this.title = problemTitle(status);
    this.type = kind.type;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }

  toBody(instance?: string): ProblemBody {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** The status in words, as problems carry it in `title`. */
export function problemTitle(status: number): string {
  return TITLES[status] ?? "Error";
}

/** The shared problem type named after a status; 400 bad-request for a client error without one of its own. */
function statusProblemType(status: number): ProblemType {
  const type = problemUrn(
    problemTitle(status)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-"),
  );
  return Object.values(COMMON_PROBLEMS).find((kind) => kind.type === type) ?? COMMON_PROBLEMS["bad-request"];
}

/**
 * Turns zod issues into field errors that name where the bad value sits. With the validated `input`, a query
 * parameter given more than once (`?tail=1&tail=2` reaches the schema as an array) is named as such.
 */
export function fieldErrors(location: FieldLocation, error: z.ZodError, input?: unknown): FieldError[] {
  return error.issues.map((issue) => {
    const value = valueAt(input, issue.path);
    const repeated = location === "query" && Array.isArray(value);
    return {
      location,
      field: issue.path.map(String).join(".") || "(root)",
      message: repeated ? `given ${value.length} times; give it once` : issue.message,
    };
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function validationProblem(status: 400 | 422, location: FieldLocation, error: z.ZodError, input?: unknown): HttpProblem {
  const errors = fieldErrors(location, error, input);
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return new HttpProblem(COMMON_PROBLEMS["validation-error"], `Invalid request ${location}: ${summary}`, { status, errors });
}

/** JSON schema of the problem body, for the OpenAPI documents. */
export const problemSchema = z
  .object({
    type: z
      .string()
      .meta({ description: "What kind of problem, as a URN one can test for", example: "urn:clarus:problem:validation-error" }),
    title: z.string().meta({ description: "The HTTP status in words", example: "Unprocessable Content" }),
    status: z.number().int().meta({ description: "The HTTP status code", example: 422 }),
    detail: z.string().meta({
      description: "What went wrong and where, in one sentence",
      example: "Invalid request body: inference_rest_api_port: must be a port 1-65535, as an integer or a string of digits",
    }),
    instance: z.string().optional().meta({ description: "The request's path and query", example: "/api/inference/deploy" }),
    errors: z
      .array(
        z.object({
          location: z.enum(["body", "query", "path", "header"]).meta({ description: "Where in the request" }),
          field: z.string().meta({ description: "Dotted path of the field; (root) for the whole body", example: "env.MY_VAR" }),
          message: z.string().meta({ description: "What is wrong with it", example: "must be 1-65535" }),
        }),
      )
      .optional()
      .meta({ description: "Each bad field, for validation errors" }),
  })
  .catchall(z.unknown())
  .meta({ description: "RFC 9457 problem details" });

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  /** Set by raw-body on "entity.too.large", in bytes: the limit, and the announced length or the bytes received. */
  limit?: number;
  length?: number;
  received?: number;
}

function tooLargeProblem(err: BodyParserError): HttpProblem {
  const limit = typeof err.limit === "number" ? `${err.limit} bytes` : "the limit";
  const length = err.length ?? err.received;
  const size = typeof length === "number" ? `${length} bytes` : "larger";
  return new HttpProblem(
    COMMON_PROBLEMS["payload-too-large"],
    `Request body too large: ${size}, the service accepts at most ${limit}.`,
    {
      errors: [{ location: "body", field: "(root)", message: `larger than ${limit}` }],
    },
  );
}

/**
 * A service's mapping of its own errors (domain errors of its core, failures of its adapters) to problems, applied
 * once at its edge; undefined for an error it does not know.
 */
export type ProblemMapping = (err: unknown) => HttpProblem | undefined;

/** Express error handler: every failure leaves as `application/problem+json`. */
export function problemHandler(logger: Logger, mapping: ProblemMapping = () => undefined): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const mapped = mapping(err) ?? err;
    const problem = toProblem(mapped);
    // Expected failures (problems) are logged once, by the request log line; only surprises get their stack here.
    if (!(mapped instanceof HttpProblem) && problem.status >= 500) {
      (req.log ?? logger).error({ err }, problem.message);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem.toBody(req.originalUrl)));
  };
}

function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof z.ZodError) return validationProblem(422, "body", err);
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case "entity.parse.failed":
      return new HttpProblem(COMMON_PROBLEMS["malformed-json"], `Malformed JSON in request body: ${parserError.message}`, {
        errors: [{ location: "body", field: "(root)", message: parserError.message }],
      });
    case "entity.too.large":
      return tooLargeProblem(parserError);
    case "encoding.unsupported":
      return new HttpProblem(
        COMMON_PROBLEMS["unsupported-media-type"],
        `Request body: ${parserError.message}; send it plain, gzip or deflate.`,
        {
          errors: [{ location: "header", field: "content-encoding", message: parserError.message }],
        },
      );
    case "charset.unsupported":
      return new HttpProblem(
        COMMON_PROBLEMS["unsupported-media-type"],
        `Request body: ${parserError.message}; send JSON as UTF-8.`,
        {
          errors: [{ location: "header", field: "content-type", message: parserError.message }],
        },
      );
  }
  if (parserError?.expose && typeof parserError.status === "number" && parserError.status < 500) {
    const kind = statusProblemType(parserError.status);
    return new HttpProblem(kind, parserError.message, { status: kind.statuses[0] });
  }
  return new HttpProblem(
    COMMON_PROBLEMS["internal-server-error"],
    "Unexpected internal error; see the service log for the request id.",
    { cause: err },
  );
}
