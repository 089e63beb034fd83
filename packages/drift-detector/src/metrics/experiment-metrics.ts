import { Counter, Gauge, Registry } from "prom-client";
import type { ExperimentRegistry, RegistryObserver } from "../experiments/experiment-registry.js";
import type { RunRecord } from "../pipeline/run-record.js";
import { TRIGGER_SOURCES, type TriggerSource } from "../triggers/trigger.js";

/** Run outcomes as counted: the run record's final statuses, and `error` for a run that stopped before it had one. */
const OUTCOMES = ["no_drift", "completed", "failed", "unchanged", "error"] as const;
type Outcome = (typeof OUTCOMES)[number];

/**
 * Prometheus metrics per experiment (label `experiment`): the last judged run's verdict, share and per-column scores,
 * the last run's time and outcome, runs by outcome, queue length and triggers by source. The last run of each
 * experiment is read from its run records the first time metrics are scraped, so a restart does not blank them.
 */
export class ExperimentMetrics implements RegistryObserver {
  readonly registry = new Registry();
  private readonly lastJudged = new Map<string, RunRecord>();
  private readonly lastRun = new Map<string, { at: number; outcome: Outcome }>();
  private readonly loaded = new Set<string>();
  private experiments: ExperimentRegistry | undefined;
  private readonly runs: Counter<"experiment" | "outcome">;
  private readonly triggers: Counter<"experiment" | "source">;

  constructor() {
    const registers = [this.registry];
    this.runs = new Counter({
      name: "drift_runs_total",
      help: "Runs finished since the process started, by experiment and outcome (no_drift, completed, failed, unchanged, error)",
      labelNames: ["experiment", "outcome"] as const,
      registers,
    });
    this.triggers = new Counter({
      name: "drift_triggers_total",
      help: "Triggers accepted since the process started, by experiment and source (api, event, poll, schedule)",
      labelNames: ["experiment", "source"] as const,
      registers,
    });
    const self = this;
    new Gauge({
      name: "drift_detected",
      help: "1 when the experiment's last judged run found dataset drift, 0 when it did not",
      labelNames: ["experiment"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [experiment, record] of await self.judgedRuns())
          this.set({ experiment }, record.drift?.drift_detected ? 1 : 0);
      },
    });
    new Gauge({
      name: "drift_share",
      help: "Share of tested columns that drifted in the experiment's last judged run",
      labelNames: ["experiment"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [experiment, record] of await self.judgedRuns()) this.set({ experiment }, record.drift?.drift_share ?? 0);
      },
    });
    new Gauge({
      name: "drift_share_threshold",
      help: "Share of drifted columns at which the experiment's dataset counts as drifted",
      labelNames: ["experiment"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [experiment, record] of await self.judgedRuns())
          this.set({ experiment }, record.drift?.drift_share_threshold ?? 0);
      },
    });
    new Gauge({
      name: "drift_column_score",
      help: "Drift score of each column in the last judged run (p-value for p-value tests, distance for distance tests)",
      labelNames: ["experiment", "column", "test"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [experiment, record] of await self.judgedRuns())
          for (const column of record.drift?.columns ?? [])
            if (column.score !== null) this.set({ experiment, column: column.column, test: column.test }, column.score);
      },
    });
    new Gauge({
      name: "drift_column_drifted",
      help: "1 when the column drifted in the experiment's last judged run, 0 when it did not",
      labelNames: ["experiment", "column"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [experiment, record] of await self.judgedRuns())
          for (const column of record.drift?.columns ?? [])
            this.set({ experiment, column: column.column }, column.drifted ? 1 : 0);
      },
    });
    new Gauge({
      name: "drift_last_run_timestamp_seconds",
      help: "When the experiment's last run finished (Unix time)",
      labelNames: ["experiment"] as const,
      registers,
      async collect() {
        this.reset();
        await self.judgedRuns();
        for (const [experiment, last] of self.lastRun) this.set({ experiment }, last.at / 1000);
      },
    });
    new Gauge({
      name: "drift_last_run_outcome",
      help: "1 for the outcome of the experiment's last run (no_drift, completed, failed, unchanged, error), 0 for the others",
      labelNames: ["experiment", "outcome"] as const,
      registers,
      async collect() {
        this.reset();
        await self.judgedRuns();
        for (const [experiment, last] of self.lastRun)
          for (const outcome of OUTCOMES) this.set({ experiment, outcome }, outcome === last.outcome ? 1 : 0);
      },
    });
    new Gauge({
      name: "drift_queue_length",
      help: "Runs of the experiment waiting for their turn (accepted triggers and callers waiting)",
      labelNames: ["experiment"] as const,
      registers,
      collect() {
        this.reset();
        for (const experiment of self.experiments?.list() ?? [])
          this.set({ experiment: experiment.id }, self.experiments?.queue.length(experiment.id) ?? 0);
      },
    });
  }

  /** Gauges read the experiments in force from the registry. */
  observe(experiments: ExperimentRegistry): void {
    this.experiments = experiments;
    for (const experiment of experiments.list())
      for (const source of TRIGGER_SOURCES) this.triggers.inc({ experiment: experiment.id, source }, 0);
  }

  triggerAccepted(experimentId: string, source: TriggerSource): void {
    this.triggers.inc({ experiment: experimentId, source });
  }

  runFinished(experimentId: string, record: RunRecord): void {
    const outcome: Outcome = record.status === "running" || record.status === "interrupted" ? "error" : record.status;
    this.runs.inc({ experiment: experimentId, outcome });
    this.lastRun.set(experimentId, { at: Date.parse(record.finished_at ?? record.started_at), outcome });
    if (record.drift) this.lastJudged.set(experimentId, record);
  }

  runFailed(experimentId: string): void {
    this.runs.inc({ experiment: experimentId, outcome: "error" });
    this.lastRun.set(experimentId, { at: Date.now(), outcome: "error" });
  }

  /** The last judged run per experiment in force, read from the run records once per experiment. */
  private async judgedRuns(): Promise<Array<[string, RunRecord]>> {
    const experiments = this.experiments?.list() ?? [];
    await Promise.all(
      experiments
        .filter((experiment) => !this.loaded.has(experiment.id))
        .map(async (experiment) => {
          this.loaded.add(experiment.id);
          const runtime = this.experiments?.get(experiment.id);
          const page = await runtime?.runs.page(0, 20).catch(() => undefined);
          const latest = page?.runs[0];
          if (latest && !this.lastRun.has(experiment.id) && latest.finished_at) {
            const outcome: Outcome = latest.status === "running" || latest.status === "interrupted" ? "error" : latest.status;
            this.lastRun.set(experiment.id, { at: Date.parse(latest.finished_at), outcome });
          }
          const judged = page?.runs.find((record) => record.drift !== undefined);
          if (judged && !this.lastJudged.has(experiment.id)) this.lastJudged.set(experiment.id, judged);
        }),
    );
    return experiments.flatMap((experiment) => {
      const record = this.lastJudged.get(experiment.id);
      return record ? [[experiment.id, record] as [string, RunRecord]] : [];
    });
  }
}
