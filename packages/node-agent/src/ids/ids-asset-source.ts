// The InferenceAssetSource backed by the local IDS agent (contract: ClarusIdsAgent Postman collection,
// request "getAssetArtifact": GET /api/v2/consumer/asset?exp_id=…&provider_ip=…).
import { httpCall, type Logger, quoteUpstream, type RetryPolicy, socketFailure, UpstreamError } from "@clarus/common";
import { readIdsAsset } from "./ids-asset-answer.js";
import { IdsLookupError } from "./ids-lookup-error.js";
import type { InferenceAsset, InferenceAssetSource } from "./inference-asset-source.js";

export interface IdsAssetSourceOptions {
  /** IDS_AGENT_URL, e.g. "http://clarus_ids_agent:8082"; a path prefix is kept. */
  baseUrl: string;
  /** IDS_PROVIDER_IP, sent as provider_ip; without it every lookup fails with 503 saying so. */
  providerIp: string | undefined;
  /** Bound on the whole lookup, retries included, from connecting to the last byte. */
  timeoutMs: number;
  logger: Logger;
  /** Largest answer read, in bytes (default 1 MiB). */
  maxAnswerBytes?: number;
}

/** An IDS agent that refuses connections or answers 5xx while it restarts gets two more tries within the time bound. */
const LOOKUP_RETRIES = 2;
const LOOKUP_RETRY_DELAY_MS = 250;

/** What identifies the call in an error's `upstream` member, before how it failed is known. */
interface IdsCall {
  service: "ids-agent";
  url: string;
  exp_id: string;
  status?: number;
}

export function createIdsAssetSource(options: IdsAssetSourceOptions): InferenceAssetSource {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/api/v2/consumer/asset`;
  const log = options.logger.child({ upstream: "ids-agent" });
  const policy: RetryPolicy = {
    timeoutMs: options.timeoutMs,
    budgetMs: options.timeoutMs,
    retries: LOOKUP_RETRIES,
    retryDelayMs: LOOKUP_RETRY_DELAY_MS,
  };

  return {
    async lookup(expId: string): Promise<InferenceAsset> {
      if (!options.providerIp) {
        throw new IdsLookupError(
          "not-configured",
          "The v3 deploy asks the IDS agent for the asset, which needs IDS_PROVIDER_IP; it is not set.",
        );
      }
      const upstream: IdsCall = { service: "ids-agent", url, exp_id: expId };
      const started = Date.now();
      let status: number;
      let text: string;
      try {
        ({ status, text } = await httpCall("ids-agent", "IDS agent: look up the asset", policy, {
          method: "GET",
          url,
          query: { exp_id: expId, provider_ip: options.providerIp },
          maxAnswerBytes: options.maxAnswerBytes,
        }));
      } catch (error) {
        throw transportError(error, expId, url, options.timeoutMs, upstream);
      }
      log.debug({ expId, status, ms: Date.now() - started }, "IDS asset lookup answered");

      if (status === 404) {
        throw new IdsLookupError("asset-not-found", `The IDS agent has no inference asset for exp_id ${expId}.`, {
          ...upstream,
          failure: "rejected",
          status,
          body: quoteUpstream(text),
        });
      }
      if (status < 200 || status > 299) throw rejectedError(expId, status, text, upstream);
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        throw badAnswer(expId, "it is not JSON", text, { ...upstream, status });
      }
      const reading = readIdsAsset(answer);
      if (!reading.ok) throw badAnswer(expId, reading.reason, text, { ...upstream, status });
      log.info({ expId, image: reading.image, internalPort: reading.internalPort }, "IDS asset found");
      return { image: reading.image, internalPort: reading.internalPort, raw: answer };
    },
  };
}

function badAnswer(expId: string, reason: string, text: string, upstream: IdsCall): IdsLookupError {
  return new IdsLookupError(
    "bad-answer",
    `The IDS agent's answer for exp_id ${expId} names no usable inference asset (${reason}); it answered: ${quoteUpstream(text) || "(empty body)"}`,
    { ...upstream, failure: "rejected", body: quoteUpstream(text) },
  );
}

function rejectedError(expId: string, status: number, body: unknown, upstream: IdsCall, cause?: unknown): IdsLookupError {
  return new IdsLookupError(
    "rejected",
    `The IDS agent answered HTTP ${status} for exp_id ${expId}: ${quoteUpstream(body) || "(empty body)"}`,
    { ...upstream, failure: "rejected", status, body: quoteUpstream(body) },
    cause,
  );
}

/** A lookup that got no usable answer: no answer in time, nobody reachable, or an answer that failed. */
function transportError(error: unknown, expId: string, url: string, timeoutMs: number, call: IdsCall): unknown {
  if (!(error instanceof UpstreamError)) return error;
  if (error.kind === "timeout") {
    return new IdsLookupError(
      "timeout",
      `The IDS agent at ${url} did not answer within ${timeoutMs} ms (exp_id ${expId}).`,
      { ...call, failure: "timeout" },
      error,
    );
  }
  if (error.kind === "unreachable") {
    const cause = error.cause;
    const how = `${socketFailure(cause)?.code}: ${cause instanceof Error ? cause.message : String(cause)}`;
    return new IdsLookupError(
      "unreachable",
      `The IDS agent at ${url} is unreachable (${how}).`,
      { ...call, failure: "unreachable" },
      error,
    );
  }
  if (error.status !== undefined) return rejectedError(expId, error.status, error.body, call, error);
  // Reached, but the exchange failed: an oversized answer, a TLS refusal.
  return new IdsLookupError(
    "rejected",
    `The IDS agent at ${url} failed the lookup of exp_id ${expId}: ${error.message}.`,
    { ...call, failure: "rejected" },
    error,
  );
}
