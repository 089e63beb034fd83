import { defineProblemTypes, type ProblemType } from "@clarus/common";
import type { StepName } from "./pipeline/run-record.js";

/** What a failed step of a run is answered with (failure-status.ts): a change under the run, an outside system, a bug. */
const STEP_FAILURE = [502, 409, 500, 503, 504] as const;
/** A trigger not queued: storage answered an error, was unreachable, or did not answer in time. */
const NOT_QUEUED = [503, 502, 504] as const;

/** The drift detector's problem types, besides the shared ones (COMMON_PROBLEMS). */
export const DRIFT_PROBLEMS = defineProblemTypes({
  "experiment-not-found": 404,
  "run-not-found": 404,
  "report-not-found": 404,
  "run-record-unreadable": 500,
  "experiments-not-reloadable": 409,
  "experiments-file-invalid": 422,
  "events-not-configured": 503,
  "trigger-not-queued": NOT_QUEUED,
  "dataset-not-found": 404,
  "invalid-csv": 422,
  "invalid-drift-options": 422,
  "read-data-failed": STEP_FAILURE,
  "detect-drift-failed": STEP_FAILURE,
  "write-reports-failed": STEP_FAILURE,
  "update-ids-failed": STEP_FAILURE,
  "trigger-retraining-failed": STEP_FAILURE,
  "archive-reference-failed": STEP_FAILURE,
  "replace-reference-failed": STEP_FAILURE,
});

/** The problem type of each step's failure. */
export const STEP_FAILED: Record<StepName, ProblemType> = {
  read_data: DRIFT_PROBLEMS["read-data-failed"],
  detect_drift: DRIFT_PROBLEMS["detect-drift-failed"],
  write_reports: DRIFT_PROBLEMS["write-reports-failed"],
  update_ids: DRIFT_PROBLEMS["update-ids-failed"],
  trigger_retraining: DRIFT_PROBLEMS["trigger-retraining-failed"],
  archive_reference: DRIFT_PROBLEMS["archive-reference-failed"],
  replace_reference: DRIFT_PROBLEMS["replace-reference-failed"],
};
