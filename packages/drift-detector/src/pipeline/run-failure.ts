import type { RunRecord, StepName } from "./run-record.js";

/** A run stopped at `step` because of `cause`; `record` is the stored run record when the run got far enough to have one. */
export class RunFailure extends Error {
  constructor(
    readonly step: StepName,
    override readonly cause: unknown,
    readonly record?: RunRecord,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "RunFailure";
  }
}

/** A copy whose size or content fingerprint differs from its source: the storage did not do what it answered. */
export class CopyVerificationError extends Error {
  constructor(
    readonly key: string,
    readonly expected: { size: number; etag: string },
    readonly found: { size: number; etag: string },
  ) {
    super(
      `Copy at "${key}" does not match its source: expected ${expected.size} bytes / ETag ${expected.etag}, found ${found.size} bytes / ETag ${found.etag}`,
    );
    this.name = "CopyVerificationError";
  }
}
