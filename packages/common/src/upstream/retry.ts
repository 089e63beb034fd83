import { setTimeout as sleep } from "node:timers/promises";
import { UpstreamError } from "./upstream-error.js";

export interface RetryPolicy {
  /** Bound on one attempt, from connecting to the answer's last byte. */
  timeoutMs: number;
  /** Extra attempts after the first one, for transient failures only. */
  retries: number;
  /** First backoff delay; doubled per attempt, with jitter. */
  retryDelayMs: number;
  /**
   * Bound on all attempts and the pauses between them together: an attempt gets at most what is left of it, and no
   * retry starts that could not end inside it. Without it: up to (retries + 1) × timeoutMs plus the pauses.
   */
  budgetMs?: number;
}

/** Exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). */
function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = policy.retryDelayMs * 2 ** attempt;
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Runs `operation` with a per-attempt deadline (its AbortSignal fires when the time is up) and, when `retryable`,
 * retries transient UpstreamErrors with backoff; permanent ones (4xx answers) and the last failure are thrown as
 * they are.
 */
export async function withRetries<T>(
  service: string,
  what: string,
  policy: RetryPolicy,
  operation: (signal: AbortSignal) => Promise<T>,
  retryable = true,
): Promise<T> {
  const started = Date.now();
  const left = () => (policy.budgetMs === undefined ? Number.POSITIVE_INFINITY : policy.budgetMs - (Date.now() - started));
  for (let attempt = 0; ; attempt++) {
    try {
      return await withDeadline(service, what, Math.min(policy.timeoutMs, left()), operation);
    } catch (err) {
      const transient = retryable && err instanceof UpstreamError && err.transient;
      if (!transient || attempt >= policy.retries) throw err;
      const delay = backoffDelay(policy, attempt);
      if (delay >= left()) throw err;
      await sleep(delay);
    }
  }
}

async function withDeadline<T>(
  service: string,
  what: string,
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new UpstreamError(service, "timeout", `${what}: no answer within ${Math.round(timeoutMs)} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
