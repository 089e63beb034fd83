import { boundedUpstreamBody, HttpProblem, type UpstreamDetails, UpstreamError } from "@clarus/common";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import { CsvFormatError } from "../csv/errors.js";
import { CsvLimitError } from "../csv/limits.js";
import { DriftOptionsError } from "../drift/options-error.js";
import { failureStatus } from "../pipeline/failure-status.js";
import { messageOf, type RunFailure } from "../pipeline/run-failure.js";
import { DRIFT_PROBLEMS, STEP_FAILED } from "../problem-types.js";

/** A failed run as a problem answer: the step, what went wrong, the upstream's own answer and the stored run record. */
export function runProblem(failure: RunFailure): HttpProblem {
  const { step, cause, record, outcome } = failure;
  const status = failureStatus(cause);
  const extensions: Record<string, unknown> = { step };
  if (record) extensions.run_id = record.id;
  if (record?.reference_state) extensions.reference_state = record.reference_state;
  if (cause instanceof ObjectNotFoundError) Object.assign(extensions, { bucket: cause.bucket, path: cause.key });
  if (cause instanceof CsvFormatError) Object.assign(extensions, { file: cause.file, row: cause.row, column: cause.column });
  if (cause instanceof CsvLimitError) extensions.limit = { name: cause.limit, value: cause.limitValue, setting: cause.setting };
  if (cause instanceof UpstreamError) {
    extensions.upstream = {
      service: cause.service,
      failure: cause.kind,
      status: cause.status,
      body: boundedUpstreamBody(cause.body),
    } satisfies UpstreamDetails;
  }
  if (record) extensions.run = record;
  const kind =
    cause instanceof ObjectNotFoundError
      ? DRIFT_PROBLEMS["dataset-not-found"]
      : cause instanceof CsvFormatError
        ? DRIFT_PROBLEMS["invalid-csv"]
        : cause instanceof DriftOptionsError
          ? DRIFT_PROBLEMS["invalid-drift-options"]
          : STEP_FAILED[step];
  const reason = messageOf(cause);
  const detail = status === 404 || status === 422 ? reason : `Step ${step} failed: ${reason}${outcome ? `; ${outcome}` : ""}`;
  return new HttpProblem(kind, detail, { status, extensions, cause });
}

/**
 * A trigger that could not be journaled (or whose data could not be listed) was not accepted: 503/504/502 saying
 * nothing was queued, so MinIO, a scheduler or a person retries it.
 */
export function triggerProblem(err: unknown): unknown {
  if (!(err instanceof UpstreamError)) return err;
  return new HttpProblem(DRIFT_PROBLEMS["trigger-not-queued"], `Nothing was queued: ${err.message}`, {
    status: failureStatus(err),
    extensions: {
      upstream: { service: err.service, failure: err.kind, status: err.status, body: err.body } satisfies UpstreamDetails,
    },
    cause: err,
  });
}
