/** How an outside system failed a call: no answer in time, could not be reached, or answered with an error. */
export type UpstreamFailure = "timeout" | "unreachable" | "rejected";

/** A call to an outside system (Airflow, an IDS agent, object storage) that failed, and how. */
export class UpstreamError extends Error {
  /** Which outside system, as the caller names it ("airflow", "ids", "storage", "ids-agent"). */
  readonly service: string;
  /** How it failed; services answer a timeout with 504, unreachable with 503, rejected with 502. */
  readonly kind: UpstreamFailure;
  /** HTTP status the upstream answered, when it answered. */
  readonly status: number | undefined;
  /** The upstream's answer (parsed JSON or text), quoted back to our caller. */
  readonly body: unknown;
  /** Whether trying again later may succeed (timeouts, unreachable, 5xx, 429). */
  readonly transient: boolean;

  constructor(
    service: string,
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
