import { json } from "node:stream/consumers";
import type { Logger } from "@clarus/common";
import type { RetrainingTrigger } from "../adapters/airflow/retraining-trigger.js";
import type { DatasetPublisher } from "../adapters/ids/dataset-publisher.js";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import type { ObjectInfo, ObjectStore } from "../adapters/storage/object-store.js";
import { type DriftAnalysis, DriftPipeline } from "../pipeline/drift-pipeline.js";
import { RunJournal } from "../pipeline/run-journal.js";
import { newRunId } from "../pipeline/run-names.js";
import { type RunRecord, STEP_NAMES } from "../pipeline/run-record.js";
import { RunStore } from "../pipeline/run-store.js";
import { type QueuedTrigger, queuedTriggerSchema } from "../triggers/trigger.js";
import { type Experiment, queueFolder } from "./experiment.js";

/** The adapters experiments share, wired once per service. */
export interface ExperimentServices {
  storeFor(bucket: string): ObjectStore;
  analysisFor(experiment: Experiment): DriftAnalysis;
  airflowFor(dagId: string): RetrainingTrigger | undefined;
  ids: DatasetPublisher | undefined;
  logger: Logger;
  detectorVersion: string;
  /** The local folder of the experiment's run journal (records wait there, fsynced, until storage has them). */
  journalFolder(experiment: Experiment): string;
  clock?: () => Date;
}

/** Judged data is not judged again by triggers: this many newest run records are remembered per experiment. */
const JUDGED_RUNS_REMEMBERED = 1000;

interface Judgement {
  runId: string;
  /** The reference's ETag once that run was done: after a drift swap, the new data's. */
  referenceEtagAfter: string;
}

/** Where the run path of the monitor page is; reports link to it as "previous runs of this experiment". */
export function monitorPath(experimentId: string): string {
  return `/api/experiments/${encodeURIComponent(experimentId)}/monitor`;
}

/**
 * One experiment at work: its store and run records, a pipeline per run (a batch experiment judges a different object
 * each time), and what it has already judged, so triggers that bring nothing new do nothing downstream.
 */
export class ExperimentRuntime {
  readonly store: ObjectStore;
  readonly runs: RunStore;
  private readonly analysis: DriftAnalysis;
  private active: DriftPipeline | undefined;
  private judged: Promise<Map<string, Judgement>> | undefined;

  constructor(
    readonly experiment: Experiment,
    private readonly services: ExperimentServices,
  ) {
    this.store = services.storeFor(experiment.bucket);
    this.runs = new RunStore(this.store, experiment.reportPath, {
      journal: new RunJournal(services.journalFolder(experiment)),
      logger: this.logger,
      isActive: (id) => this.active?.activeRunId === id,
    });
    const core = services.analysisFor(experiment);
    const monitor = monitorPath(experiment.id);
    this.analysis = {
      ...core,
      renderReports: (result, meta) => core.renderReports(result, { ...meta, monitorPath: monitor }),
    };
  }

  get logger(): Logger {
    return this.services.logger.child({ experiment: this.experiment.id });
  }

  /** Runs the pipeline on `newDataPath` (the experiment's path, or one batch). */
  async run(newDataPath: string): Promise<RunRecord> {
    const pipeline = this.pipelineFor(newDataPath);
    this.active = pipeline;
    try {
      const record = await pipeline.run();
      await this.remember(record);
      return record;
    } finally {
      if (this.active === pipeline) this.active = undefined;
    }
  }

  /** Stores journalled records and settles the newest run if the process running it died. */
  recover(): Promise<RunRecord | undefined> {
    return this.pipelineFor(this.defaultNewDataPath() ?? this.experiment.referencePath).recover();
  }

  /** Stops the journal's periodic flush. */
  close(): void {
    this.runs.close();
  }

  private pipelineFor(newDataPath: string): DriftPipeline {
    const { experiment, services } = this;
    return new DriftPipeline(
      {
        experimentId: experiment.id,
        experimentDescription: experiment.description,
        referencePath: experiment.referencePath,
        newDataPath,
        reportPath: experiment.reportPath,
        historyPath: experiment.historyPath,
        detectorVersion: services.detectorVersion,
      },
      {
        store: this.store,
        runs: this.runs,
        analysis: this.analysis,
        airflow: "dagId" in experiment.airflow ? services.airflowFor(experiment.airflow.dagId) : undefined,
        ids: "on" in experiment.ids ? services.ids : undefined,
        skipReasons: {
          ...("off" in experiment.airflow ? { airflow: experiment.airflow.off } : {}),
          ...("off" in experiment.ids ? { ids: experiment.ids.off } : {}),
        },
        logger: this.logger,
        ...(services.clock ? { clock: services.clock } : {}),
      },
    );
  }

  /** The path the next run of a path experiment reads; batches are named by their trigger. */
  defaultNewDataPath(): string | undefined {
    return this.experiment.newData.kind === "path" ? this.experiment.newData.path : undefined;
  }

  /**
   * The earlier run that judged exactly this data, if any: same new-data object and ETag, and (for a path experiment)
   * the reference as that run left it. A batch, once judged, stays judged whatever later batches do to the reference.
   */
  async judgedBy(current: ObjectInfo, reference: ObjectInfo | undefined): Promise<string | undefined> {
    const judgement = (await this.judgements()).get(`${current.key}\u0000${current.etag}`);
    if (!judgement) return undefined;
    if (this.experiment.newData.kind === "prefix") return judgement.runId;
    return reference && reference.etag === judgement.referenceEtagAfter ? judgement.runId : undefined;
  }

  /** Records that a trigger found data already judged: a run record saying so, nothing else. */
  async recordUnchanged(current: ObjectInfo, reference: ObjectInfo, judgedBy: string): Promise<RunRecord> {
    const now = (this.services.clock ?? (() => new Date()))();
    const earlier = await this.runs.get(judgedBy).catch(() => undefined);
    const detail = `unchanged since run ${judgedBy}`;
    const record: RunRecord = {
      id: newRunId(now),
      experiment_id: this.experiment.id,
      status: "unchanged",
      message: `Unchanged: ${current.key} (ETag ${current.etag}) was already judged by run ${judgedBy}; nothing was repeated`,
      started_at: now.toISOString(),
      finished_at: now.toISOString(),
      judged_by: judgedBy,
      bucket: this.store.bucket,
      reference: {
        path: reference.key,
        size: reference.size,
        etag: reference.etag,
        ...(earlier?.reference.etag === reference.etag && earlier.reference.sha256 ? { sha256: earlier.reference.sha256 } : {}),
      },
      current: {
        path: current.key,
        size: current.size,
        etag: current.etag,
        ...(earlier?.current.sha256 ? { sha256: earlier.current.sha256 } : {}),
      },
      steps: STEP_NAMES.map((name) => ({ name, status: "skipped" as const, detail })),
    };
    await this.runs.save(record);
    return record;
  }

  /** Triggers this experiment had accepted and not run when the process stopped. */
  async journaledTriggers(): Promise<QueuedTrigger[]> {
    const folder = queueFolder(this.experiment);
    const found: QueuedTrigger[] = [];
    for (const object of await this.store.list(folder)) {
      try {
        const parsed = queuedTriggerSchema.safeParse(await json(await this.store.get(object.key)));
        if (parsed.success && parsed.data.experiment_id === this.experiment.id) found.push(parsed.data);
        else this.logger.warn({ key: object.key }, "ignoring an unreadable queued trigger");
      } catch (err) {
        if (!(err instanceof ObjectNotFoundError)) throw err;
      }
    }
    return found;
  }

  async saveTrigger(trigger: QueuedTrigger): Promise<void> {
    await this.store.put(this.triggerKey(trigger), `${JSON.stringify(trigger)}\n`, "application/json");
  }

  async removeTrigger(trigger: QueuedTrigger): Promise<void> {
    await this.store.remove(this.triggerKey(trigger));
  }

  private triggerKey(trigger: QueuedTrigger): string {
    return `${queueFolder(this.experiment)}${trigger.id}.json`;
  }

  private judgements(): Promise<Map<string, Judgement>> {
    this.judged ??= this.loadJudgements().catch((err: unknown) => {
      this.judged = undefined;
      throw err;
    });
    return this.judged;
  }

  private async loadJudgements(): Promise<Map<string, Judgement>> {
    const map = new Map<string, Judgement>();
    const { runs } = await this.runs.page(0, JUDGED_RUNS_REMEMBERED);
    // Oldest first, so the newest judgement of an object wins.
    for (const record of runs.reverse()) addJudgement(map, record);
    return map;
  }

  private async remember(record: RunRecord): Promise<void> {
    if (!this.judged) return;
    addJudgement(await this.judged, record);
  }
}

function addJudgement(map: Map<string, Judgement>, record: RunRecord): void {
  if (record.status !== "no_drift" && record.status !== "completed") return;
  map.set(`${record.current.path}\u0000${record.current.etag}`, {
    runId: record.id,
    referenceEtagAfter: record.status === "completed" ? record.current.etag : record.reference.etag,
  });
}
