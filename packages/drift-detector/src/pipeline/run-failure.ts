import type { RunRecord, StepName } from "./run-record.js";

/**
 * A run stopped at `step` because of `cause`; `record` is the stored run record when the run got far enough to have
 * one; `outcome` says what became of a side effect whose request may have arrived although the call failed.
 */
export class RunFailure extends Error {
  constructor(
    readonly step: StepName,
    override readonly cause: unknown,
    readonly record?: RunRecord,
    readonly outcome?: string,
  ) {
    super(`${step}: ${messageOf(cause)}`);
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

/** A swap that failed its verification could not be undone: the reference may hold bad bytes, the archive is intact. */
export class ReferenceRestoreError extends Error {
  constructor(
    readonly referenceKey: string,
    readonly archivedAt: string,
    mismatch: unknown,
    restoreFailure: unknown,
  ) {
    super(
      `${messageOf(mismatch)}; restoring ${referenceKey} from ${archivedAt} failed too (${messageOf(restoreFailure)}): the old reference is intact at ${archivedAt}`,
      { cause: mismatch },
    );
    this.name = "ReferenceRestoreError";
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
