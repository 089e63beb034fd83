/** Airflow 2 serves `/api/v1` with basic auth; Airflow 3 serves `/api/v2` with a JWT from `/auth/token`. */
export type AirflowApi = "v1" | "v2";

export interface DagRunRequest {
  /** Explicit and deterministic, so a retried trigger answers 409 instead of starting a second run. */
  dagRunId: string;
  conf: Record<string, unknown>;
  note: string;
}

export interface DagRunOutcome {
  dagRunId: string;
  state: string;
  /** True when the run already existed (409) and was read back instead of created. */
  alreadyTriggered: boolean;
  api: AirflowApi;
  /** True when this call unpaused the DAG (AIRFLOW_UNPAUSE_DAG). */
  unpaused: boolean;
}

export interface AirflowStatus {
  version: string;
  api: AirflowApi;
}

export interface AirflowDagStatus extends AirflowStatus {
  paused: boolean;
}

/** Triggering retraining runs of one Airflow DAG; the pipeline sees only this. */
export interface RetrainingTrigger {
  readonly dagId: string;
  /** Throws DagPausedError when the DAG is paused and may not be unpaused. */
  trigger(request: DagRunRequest): Promise<DagRunOutcome>;
  /** Version (no credentials needed). */
  status(): Promise<AirflowStatus>;
  /** Version, and the DAG as the configured user sees it: proves address, credentials and DAG id together. */
  dagStatus(): Promise<AirflowDagStatus>;
}
