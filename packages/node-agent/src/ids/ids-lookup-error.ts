import type { UpstreamDetails } from "@clarus/common";

/**
 * Why the IDS agent gave no usable asset; the agent's edge answers each kind with its problem type
 * (routes/inference-problems.ts).
 * - not-configured: IDS_PROVIDER_IP is not set, so nothing was asked.
 * - asset-not-found: the IDS agent knows no asset for the exp_id (its 404).
 * - bad-answer: a success whose body names no usable image and port.
 * - rejected: any other status, or an exchange that failed once the agent was reached (an oversized answer).
 * - unreachable, timeout: no answer at all, or none within the time bound.
 */
export type IdsLookupErrorKind = "not-configured" | "asset-not-found" | "bad-answer" | "rejected" | "unreachable" | "timeout";

/** The IDS call that failed, as the answer's `upstream` member shows it: which URL, for which experiment. */
export interface IdsUpstream extends UpstreamDetails {
  service: "ids-agent";
  url: string;
  exp_id: string;
}

export class IdsLookupError extends Error {
  constructor(
    readonly kind: IdsLookupErrorKind,
    message: string,
    /** The call and how it failed; none when nothing was sent. */
    readonly upstream?: IdsUpstream,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "IdsLookupError";
  }
}
