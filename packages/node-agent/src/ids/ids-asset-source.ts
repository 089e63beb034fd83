// The InferenceAssetSource backed by the local IDS agent (contract: ClarusIdsAgent Postman collection,
// request "getAssetArtifact": GET /api/v2/consumer/asset?exp_id=…&provider_ip=…).
import { HttpProblem, type Logger, quoteUpstream, type UpstreamDetails } from "@clarus/common";
import axios from "axios";
import { readIdsAsset } from "./ids-asset-answer.js";
import type { InferenceAsset, InferenceAssetSource } from "./inference-asset-source.js";

export interface IdsAssetSourceOptions {
  /** IDS_AGENT_URL, e.g. "http://clarus_ids_agent:8082"; a path prefix is kept. */
  baseUrl: string;
  /** IDS_PROVIDER_IP, sent as provider_ip; without it every lookup fails with 503 saying so. */
  providerIp: string | undefined;
  /** Bound on the whole exchange, connection to last byte. */
  timeoutMs: number;
  logger: Logger;
  /** Largest answer read, in bytes (default 1 MiB). */
  maxAnswerBytes?: number;
}

/** Socket errors meaning nothing listens at the address (as opposed to a peer that broke off). */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** What identifies the call in a problem's `upstream` member, before how it failed is known. */
interface IdsCall {
  service: "ids-agent";
  url: string;
  exp_id: string;
  status?: number;
}

export function createIdsAssetSource(options: IdsAssetSourceOptions): InferenceAssetSource {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/api/v2/consumer/asset`;
  const log = options.logger.child({ upstream: "ids-agent" });

  return {
    async lookup(expId: string): Promise<InferenceAsset> {
      if (!options.providerIp) {
        throw new HttpProblem(
          503,
          "The v3 deploy asks the IDS agent for the asset, which needs IDS_PROVIDER_IP; it is not set.",
          {
            type: "ids-not-configured",
          },
        );
      }
      const upstream: IdsCall = { service: "ids-agent", url, exp_id: expId };
      const started = Date.now();
      let status: number;
      let text: string;
      try {
        const response = await axios.get<string>(url, {
          params: { exp_id: expId, provider_ip: options.providerIp },
          headers: { Accept: "application/json" },
          // axios' own timeout only bounds socket idleness; the signal bounds the whole exchange.
          timeout: options.timeoutMs,
          signal: AbortSignal.timeout(options.timeoutMs),
          maxRedirects: 0,
          maxContentLength: options.maxAnswerBytes ?? 1024 * 1024,
          responseType: "text",
          transformResponse: (data: unknown) => data,
          validateStatus: () => true,
        });
        status = response.status;
        text = typeof response.data === "string" ? response.data : "";
      } catch (error) {
        throw transportProblem(error, expId, url, options.timeoutMs, upstream);
      }
      log.debug({ expId, status, ms: Date.now() - started }, "IDS asset lookup answered");

      if (status === 404) {
        throw new HttpProblem(404, `The IDS agent has no inference asset for exp_id ${expId}.`, {
          type: "ids-asset-not-found",
          extensions: {
            upstream: { ...upstream, failure: "rejected", status, body: quoteUpstream(text) } satisfies UpstreamDetails,
          },
        });
      }
      if (status < 200 || status > 299) {
        throw new HttpProblem(
          502,
          `The IDS agent answered HTTP ${status} for exp_id ${expId}: ${quoteUpstream(text) || "(empty body)"}`,
          {
            type: "ids-error",
            extensions: {
              upstream: { ...upstream, failure: "rejected", status, body: quoteUpstream(text) } satisfies UpstreamDetails,
            },
          },
        );
      }
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

function badAnswer(expId: string, reason: string, text: string, upstream: IdsCall): HttpProblem {
  return new HttpProblem(
    502,
    `The IDS agent's answer for exp_id ${expId} names no usable inference asset (${reason}); it answered: ${quoteUpstream(text) || "(empty body)"}`,
    {
      type: "ids-bad-answer",
      extensions: { upstream: { ...upstream, failure: "rejected", body: quoteUpstream(text) } satisfies UpstreamDetails },
    },
  );
}

function transportProblem(error: unknown, expId: string, url: string, timeoutMs: number, call: IdsCall) {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_CANCELED") {
    return new HttpProblem(504, `The IDS agent at ${url} did not answer within ${timeoutMs} ms (exp_id ${expId}).`, {
      type: "ids-timeout",
      extensions: { upstream: { ...call, failure: "timeout" } satisfies UpstreamDetails },
      cause: error,
    });
  }
  if (UNREACHABLE.has(code)) {
    return new HttpProblem(503, `The IDS agent at ${url} is unreachable (${code}: ${message}).`, {
      type: "ids-unreachable",
      extensions: { upstream: { ...call, failure: "unreachable" } satisfies UpstreamDetails },
      cause: error,
    });
  }
  // Reachable but broke off (reset, closed socket, oversized answer): a bad gateway.
  return new HttpProblem(
    502,
    `The IDS agent at ${url} broke off the exchange for exp_id ${expId} (${code || "error"}: ${message}).`,
    {
      type: "ids-error",
      extensions: { upstream: { ...call, failure: "rejected" } satisfies UpstreamDetails },
      cause: error,
    },
  );
}
