import type { UpstreamFailure } from "@clarus/common";

/** Which outside system a call went to. */
export type UpstreamService = "storage" | "airflow" | "ids";

export class UpstreamError extends Error {
  readonly service: UpstreamService;
  /** How it failed; the pipeline answers a timeout with 504, unreachable with 503, rejected with 502. */
  readonly kind: UpstreamFailure;
  /** HTTP status the upstream answered, when it answered. */
  readonly status: number | undefined;
  /** The upstream's answer (parsed JSON or text), quoted back to our caller. */
  readonly body: unknown;
  /** Whether trying again later may succeed (timeouts, unreachable, 5xx, 429). */
  readonly transient: boolean;

  constructor(
    service: UpstreamService,
    kind: UpstreamFailure,
    message: string,
    details: { status?: number; body?: unknown; cause?: unknown; transient?: boolean } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "UpstreamError";
    this.service = service;
    this.kind = kind;
    this.status = details.status;
    this.body = details.body;
    this.transient =
      details.transient ??
      (kind !== "rejected" || details.status === undefined || details.status >= 500 || details.status === 429);
  }
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** True for socket-level errors where the other side could not be reached (as opposed to answering with an error). */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && UNREACHABLE_CODES.has(code);
}
