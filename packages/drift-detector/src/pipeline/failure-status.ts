import { UpstreamError } from "@clarus/common";
import { DagPausedError } from "../adapters/airflow/dag-paused-error.js";
import { ObjectNotFoundError, PreconditionFailedError } from "../adapters/storage/errors.js";
import { CsvFormatError } from "../csv/errors.js";
import { DriftOptionsError } from "../drift/options-error.js";
import { CopyVerificationError, ReferenceRestoreError } from "./run-failure.js";

/**
 * The HTTP status a run failure is answered with: the caller's data is missing (404) or unreadable or unfit for the drift options (422), it changed
 * under the run (409), or an outside system failed: timed out (504), unreachable or not ready (503), answered an error (502).
 */
export function failureStatus(cause: unknown): number {
  if (cause instanceof ObjectNotFoundError) return 404;
  if (cause instanceof CsvFormatError || cause instanceof DriftOptionsError) return 422;
  if (cause instanceof PreconditionFailedError) return 409;
  if (cause instanceof DagPausedError) return 503;
  if (cause instanceof UpstreamError) return cause.kind === "timeout" ? 504 : cause.kind === "unreachable" ? 503 : 502;
  if (cause instanceof CopyVerificationError || cause instanceof ReferenceRestoreError) return 502;
  return 500;
}
