import { quoteUpstream } from "@clarus/common";
import axios, { type AxiosRequestConfig } from "axios";
import { type RetryPolicy, withRetries } from "./retry.js";
import { isConnectionError, UpstreamError, type UpstreamService } from "./upstream-error.js";

/** Largest answer read from Airflow or the IDS provider: their JSON answers are a few KiB. */
export const UPSTREAM_ANSWER_LIMIT_BYTES = 1024 * 1024;

export interface HttpAnswer {
  status: number;
  /** Parsed JSON when the answer was JSON, the text otherwise. */
  body: unknown;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH";
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
}

/**
 * One HTTP exchange with retries: timeouts, connection failures, 5xx and 429 are retried with backoff and thrown as
 * UpstreamError when attempts run out; any other answer (2xx-4xx) is returned for the caller to interpret.
 */
export function httpCall(service: UpstreamService, what: string, policy: RetryPolicy, request: HttpRequest): Promise<HttpAnswer> {
  return withRetries(service, what, policy, async (signal) => {
    const config: AxiosRequestConfig = {
      method: request.method,
      url: request.url,
      headers: { Accept: "application/json", ...(request.headers ?? {}) },
      data: request.json,
      signal,
      timeout: policy.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: UPSTREAM_ANSWER_LIMIT_BYTES,
      responseType: "text",
      transformResponse: (data: unknown) => data,
    };
    let answer: HttpAnswer;
    try {
      const response = await axios.request<string>(config);
      answer = { status: response.status, body: parseBody(response.data) };
    } catch (err) {
      throw asUpstreamError(service, what, err);
    }
    if (answer.status >= 500 || answer.status === 429) {
      throw new UpstreamError(service, "rejected", `${what}: HTTP ${answer.status} ${quoteUpstream(answer.body)}`, answer);
    }
    return answer;
  });
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asUpstreamError(service: UpstreamService, what: string, err: unknown): UpstreamError {
  const code = (err as { code?: string })?.code;
  if (err instanceof Error && /maxContentLength/.test(err.message)) {
    return new UpstreamError(
      service,
      "rejected",
      `${what}: answered more than ${UPSTREAM_ANSWER_LIMIT_BYTES} bytes; not read further`,
      {
        cause: err,
        transient: false,
      },
    );
  }
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_CANCELED") {
    return new UpstreamError(service, "timeout", `${what}: no answer in time`, { cause: err });
  }
  if (isConnectionError(err)) {
    return new UpstreamError(service, "unreachable", `${what}: cannot connect (${code})`, { cause: err });
  }
  return new UpstreamError(service, "unreachable", `${what}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}
