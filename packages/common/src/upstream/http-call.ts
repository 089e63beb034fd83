import axios, { type AxiosRequestConfig } from "axios";
import { quoteUpstream } from "./quote.js";
import { type RetryPolicy, withRetries } from "./retry.js";
import { socketFailure } from "./socket-failure.js";
import { UpstreamError } from "./upstream-error.js";

/** Largest answer read unless a call says otherwise: the JSON answers of Airflow and the IDS agents are a few KiB. */
export const UPSTREAM_ANSWER_LIMIT_BYTES = 1024 * 1024;

/** Methods the upstream may receive twice without harm, so a transient failure is retried. */
const IDEMPOTENT = new Set(["GET", "PUT", "DELETE"]);

export interface HttpAnswer {
  status: number;
  /** Parsed JSON when the answer was JSON, the text otherwise. */
  body: unknown;
  /** The answer as it came ("" when empty). */
  text: string;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  /** Query parameters, encoded onto the URL. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /**
   * Whether a transient failure is retried. By default only GET, PUT and DELETE are; a POST or PATCH is retried only
   * when the caller knows the upstream can take it twice (a deterministic id, a setting written to the same value).
   */
  retryable?: boolean;
  /** Largest answer read (default UPSTREAM_ANSWER_LIMIT_BYTES); more fails the call, not retried. */
  maxAnswerBytes?: number;
}

/**
 * The one outbound HTTP client: each attempt bounded from connecting to the answer's last byte, transient failures
 * (timeouts, an unreachable peer, 5xx, 429) retried with backoff when the call may be repeated, redirects not
 * followed, the answer read up to a size cap. Fails with an UpstreamError (timeout, unreachable, rejected) once
 * attempts run out; any other answer (2xx-4xx) is returned for the caller to interpret.
 */
export function httpCall(service: string, what: string, policy: RetryPolicy, request: HttpRequest): Promise<HttpAnswer> {
  const retryable = request.retryable ?? IDEMPOTENT.has(request.method);
  return withRetries(service, what, policy, (signal) => exchange(service, what, request, signal), retryable);
}

async function exchange(service: string, what: string, request: HttpRequest, signal: AbortSignal): Promise<HttpAnswer> {
  const limit = request.maxAnswerBytes ?? UPSTREAM_ANSWER_LIMIT_BYTES;
  const config: AxiosRequestConfig = {
    method: request.method,
    url: request.url,
    params: request.query,
    headers: { Accept: "application/json", ...(request.headers ?? {}) },
    data: request.json,
    signal,
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: limit,
    responseType: "text",
    transformResponse: (data: unknown) => data,
  };
  let answer: HttpAnswer;
  try {
    const response = await axios.request<string>(config);
    const text = typeof response.data === "string" ? response.data : "";
    answer = { status: response.status, body: parseBody(text), text };
  } catch (err) {
    throw transportError(service, what, limit, err);
  }
  if (answer.status >= 500 || answer.status === 429) {
    throw new UpstreamError(service, "rejected", `${what}: HTTP ${answer.status} ${quoteUpstream(answer.body)}`, answer);
  }
  return answer;
}

function parseBody(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function transportError(service: string, what: string, limit: number, err: unknown): UpstreamError {
  const message = err instanceof Error ? err.message : String(err);
  if (/maxContentLength/.test(message)) {
    return new UpstreamError(service, "rejected", `${what}: answered more than ${limit} bytes; not read further`, {
      cause: err,
      transient: false,
    });
  }
  const failure = socketFailure(err);
  if (failure?.kind === "timeout") {
    return new UpstreamError(service, "timeout", `${what}: no answer in time (${failure.code})`, { cause: err });
  }
  if (failure)
    return new UpstreamError(service, "unreachable", `${what}: cannot reach it (${failure.code}: ${message})`, { cause: err });
  // Reached, but the exchange failed otherwise (a TLS certificate refused, a malformed answer): trying again will not help.
  const code = (err as { code?: unknown }).code;
  return new UpstreamError(service, "rejected", `${what}: ${typeof code === "string" ? `${code}: ` : ""}${message}`, {
    cause: err,
    transient: false,
  });
}
