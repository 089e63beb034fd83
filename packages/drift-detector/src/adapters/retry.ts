import { setTimeout as sleep } from "node:timers/promises";
import { UpstreamError, type UpstreamService } from "./upstream-error.js";

export interface RetryPolicy {
  /** Per-attempt time limit. */
  timeoutMs: number;
  /** Extra attempts after the first one, for transient failures only. */
  retries: number;
  /** First backoff delay; doubled per attempt, with jitter. */
  retryDelayMs: number;
}

/** Exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). */
function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = policy.retryDelayMs * 2 ** attempt;
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Runs `operation` with a per-attempt deadline (its AbortSignal fires when the time is up) and retries transient
 * UpstreamErrors with backoff; permanent ones (4xx answers) and the last failure are thrown as they are.
 */
export async function withRetries<T>(
  service: UpstreamService,
  what: string,
  policy: RetryPolicy,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withDeadline(service, what, policy.timeoutMs, operation);
    } catch (err) {
      const transient = err instanceof UpstreamError && err.transient;
      if (!transient || attempt >= policy.retries) throw err;
      await sleep(backoffDelay(policy, attempt));
    }
  }
}

async function withDeadline<T>(
  service: UpstreamService,
  what: string,
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new UpstreamError(service, "timeout", `${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
