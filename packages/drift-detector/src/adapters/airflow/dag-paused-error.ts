import { UpstreamError } from "@clarus/common";

/** The DAG is paused: a run triggered now would sit `queued` forever (contracts/airflow/CONTRACT-NOTES.md §4.1), so we refuse to trigger it. */
export class DagPausedError extends UpstreamError {
  constructor(dagId: string) {
    super(
      "airflow",
      "rejected",
      `DAG "${dagId}" is paused in Airflow, so a retraining run would stay queued; unpause it (or set AIRFLOW_UNPAUSE_DAG=true) and call again`,
      { transient: false, body: { dag_id: dagId, is_paused: true } },
    );
    this.name = "DagPausedError";
  }
}
