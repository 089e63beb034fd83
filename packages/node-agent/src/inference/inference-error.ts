import type { FieldError } from "@clarus/common";

/**
 * Why an inference use case refused or failed, in the deployment's terms; the service's edge answers each kind with
 * its problem type (routes/inference-problems.ts).
 */
export type InferenceErrorKind =
  | "invalid-request"
  | "registry-not-allowed"
  | "gpus-not-allowed"
  | "inference-not-found"
  | "name-conflict"
  | "port-taken"
  | "network-missing"
  | "no-suitable-node"
  | "gpu-unavailable"
  | "inference-exited"
  | "inference-not-ready"
  | "inference-not-started"
  | "engine-error"
  | "engine-unavailable";

export interface InferenceErrorDetails {
  /** The request fields at fault. */
  errors?: FieldError[];
  /** What the caller may want besides the sentence: who holds a port, the readiness outcome, log lines, settings. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

export class InferenceError extends Error {
  constructor(
    readonly kind: InferenceErrorKind,
    message: string,
    readonly details: InferenceErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "InferenceError";
  }

  /** The same failure with a sentence added: what a rollback did about it. */
  withNote(note: string): InferenceError {
    return note ? new InferenceError(this.kind, `${this.message} ${note}`, { ...this.details, cause: this }) : this;
  }
}
