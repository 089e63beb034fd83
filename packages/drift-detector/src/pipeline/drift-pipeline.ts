import type { Readable } from "node:stream";
import { type Logger, socketFailure, UpstreamError } from "@clarus/common";
import type { RetrainingTrigger } from "../adapters/airflow/retraining-trigger.js";
import type { DatasetPublisher } from "../adapters/ids/dataset-publisher.js";
import { ObjectNotFoundError, PreconditionFailedError } from "../adapters/storage/errors.js";
import type { ObjectInfo, ObjectStore } from "../adapters/storage/object-store.js";
import { CsvLimitError, type CsvLimits } from "../csv/limits.js";
import type { DriftResult } from "../drift/result.js";
import type { ReportMeta } from "../report/report-meta.js";
import { type FingerprintedStream, fingerprint } from "./content-fingerprint.js";
import { failureStatus } from "./failure-status.js";
import { currentOwner } from "./process-owner.js";
import { type ExpectedContent, readContent, sameContent } from "./read-back.js";
import { CopyVerificationError, messageOf, ReferenceRestoreError, RunFailure } from "./run-failure.js";
import { archiveKey, dagRunIdFor, newRunId, reportKeys } from "./run-names.js";
import {
  type DriftSummary,
  ORIGINAL_MESSAGES,
  type RunRecord,
  STEP_NAMES,
  type StepName,
  type StepOutcome,
} from "./run-record.js";
import { RunSettlement, referenceUnknownDetail } from "./run-settlement.js";
import type { RunStore } from "./run-store.js";

export interface NamedStream {
  name: string;
  stream: Readable;
}

/** The drift core as the pipeline needs it: compare two CSV streams, and render the result as HTML and JSON reports. */
export interface DriftAnalysis {
  /** What the core accepts of each file; a dataset larger than `fileBytes` is refused before it is read. */
  limits: CsvLimits;
  detect(reference: NamedStream, current: NamedStream): Promise<DriftResult>;
  renderReports(result: DriftResult, meta: ReportMeta): { html: string; json: string };
}

export interface PipelineSettings {
  experimentId: string;
  experimentDescription: string;
  referencePath: string;
  newDataPath: string;
  reportPath: string;
  historyPath: string;
  detectorVersion: string;
}

export interface PipelineDependencies {
  store: ObjectStore;
  runs: RunStore;
  analysis: DriftAnalysis;
  /** Why a step whose adapter is absent is skipped (an experiment can turn one off); default: not configured. */
  skipReasons?: { airflow?: string; ids?: string };
  /** Undefined when not configured: the step is reported `skipped`. */
  airflow: RetrainingTrigger | undefined;
  ids: DatasetPublisher | undefined;
  logger: Logger;
  clock?: () => Date;
}

const MESSAGES = {
  ...ORIGINAL_MESSAGES,
  inProgress: "Drift detected; the run is in progress",
} as const;

interface StepResult {
  status: "succeeded" | "reused" | "skipped";
  detail: string;
}

/** What one run knows while it goes through the steps after detection. */
interface DriftContext {
  record: RunRecord;
  reference: ObjectInfo;
  current: ObjectInfo;
  result: DriftResult;
  /** The latest stored run when it stopped on the same data: its finished steps are reused instead of redone. */
  previous: RunRecord | undefined;
}

/**
 * One drift run: read both datasets → detect → (on drift) reports → IDS → Airflow → archive → replace the reference.
 * Each step after detection is recorded before it starts and as it ends (the run store journals every record locally
 * first); a failure stops the run before the reference is touched, and the next run on the same data reuses what was
 * already done (reports, IDS, the DAG run, the archive) instead of doing it twice. Before each run, the previous one is
 * settled: a run whose process died, or whose swap answer was lost, is told apart by reading the reference back.
 */
export class DriftPipeline {
  private readonly clock: () => Date;
  private readonly settlement: RunSettlement;
  /** The id of the run going on now, if any. */
  activeRunId: string | undefined;

  constructor(
    private readonly settings: PipelineSettings,
    private readonly deps: PipelineDependencies,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.settlement = new RunSettlement(deps.store, deps.runs, this.clock);
  }

  async run(): Promise<RunRecord> {
    const startedAt = this.clock();
    const id = newRunId(startedAt);
    this.activeRunId = id;
    try {
      return await this.runSteps(id, startedAt);
    } finally {
      this.activeRunId = undefined;
    }
  }

  /**
   * What a start does before any call: journalled records go to storage, and the newest run, if its process died or
   * its swap answer was lost, gets its true status. Storage being down only postpones this to the next run.
   */
  async recover(): Promise<RunRecord | undefined> {
    const log = this.deps.logger.child({ recovery: true });
    await this.deps.runs.flush().catch((err: unknown) => log.warn({ err }, "journalled run records not flushed yet"));
    return this.settlement.settleLatest(log).catch((err: unknown) => {
      log.warn({ err }, "could not settle the latest run yet");
      return undefined;
    });
  }

  private async runSteps(id: string, startedAt: Date): Promise<RunRecord> {
    const { store } = this.deps;
    const { referencePath, newDataPath } = this.settings;
    const log = this.deps.logger.child({ run: id });
    const latest = await this.recover();

    let read: Awaited<ReturnType<DriftPipeline["readData"]>>;
    try {
      read = await this.readData();
    } catch (err) {
      throw new RunFailure("read_data", err);
    }
    const { reference, current, streams } = read;
    let detected: Awaited<ReturnType<DriftPipeline["detect"]>>;
    try {
      detected = await this.detect(streams);
    } catch (err) {
      for (const stream of streams) stream.dispose();
      throw new RunFailure("detect_drift", err);
    }
    const { result, hashes } = detected;

    const now = this.clock().toISOString();
    const record: RunRecord = {
      id,
      experiment_id: this.settings.experimentId,
      status: "running",
      message: result.drift_detected ? MESSAGES.inProgress : MESSAGES.noDrift,
      started_at: startedAt.toISOString(),
      owner: currentOwner(),
      bucket: store.bucket,
      reference: { path: referencePath, size: reference.size, etag: reference.etag, sha256: hashes[0] },
      current: { path: newDataPath, size: current.size, etag: current.etag, sha256: hashes[1] },
      drift: summarize(result),
      steps: [
        { name: "read_data", status: "succeeded", detail: `read ${reference.size} + ${current.size} bytes`, finished_at: now },
        {
          name: "detect_drift",
          status: "succeeded",
          detail: `${result.number_of_drifted_columns} of ${result.number_of_columns} columns drifted (share ${round(result.drift_share)}, threshold ${result.drift_share_threshold})`,
          finished_at: now,
        },
      ],
    };

    if (!result.drift_detected) {
      for (const name of STEP_NAMES.slice(2)) record.steps.push({ name, status: "skipped", detail: "no drift detected" });
      record.status = "no_drift";
      record.finished_at = this.clock().toISOString();
      await this.save(record, log);
      await this.settlement.link(latest, record, log);
      log.info({ drift_share: result.drift_share }, "no drift");
      return record;
    }

    record.dag_run_id = dagRunIdFor(this.settings.experimentId, hashes[1], hashes[0]);
    const previous = resumable(latest, record.dag_run_id);
    if (previous) record.resumed_from = previous.id;
    log.info({ dag_run_id: record.dag_run_id, resumed_from: previous?.id }, "drift detected");
    await this.save(record, log);
    try {
      return await this.afterDrift({ record, reference, current, result, previous }, log);
    } finally {
      await this.settlement.link(latest, record, log);
    }
  }

  /** Step read_data: size and ETag of both objects, and their content as fingerprinted streams. */
  private async readData(): Promise<{
    reference: ObjectInfo;
    current: ObjectInfo;
    streams: [FingerprintedStream, FingerprintedStream];
  }> {
    const { store } = this.deps;
    const { referencePath, newDataPath } = this.settings;
    // Settled in order, so that when both fail the answer names the reference, whichever storage answered first.
    const stats = await Promise.allSettled([store.stat(referencePath), store.stat(newDataPath)]);
    const [reference, current] = stats.map((outcome) => {
      if (outcome.status === "rejected") throw outcome.reason;
      return outcome.value;
    }) as [ObjectInfo, ObjectInfo];
    const maxBytes = this.deps.analysis.limits.fileBytes;
    for (const info of [reference, current]) {
      if (info.size > maxBytes.value) {
        throw new CsvLimitError(this.describe(info.key), "fileBytes", maxBytes, `file too large (${info.size} bytes)`);
      }
    }
    const opened = await Promise.allSettled([store.get(referencePath), store.get(newDataPath)]);
    const streams = opened.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    const failed = opened.find((outcome) => outcome.status === "rejected");
    if (failed || streams.length !== 2) {
      for (const stream of streams) stream.destroy();
      throw failed?.reason;
    }
    return { reference, current, streams: [fingerprint(streams[0] as Readable), fingerprint(streams[1] as Readable)] };
  }

  /** Step detect_drift: the core reads both streams; their SHA-256 comes out of the same pass. */
  private async detect(
    streams: [FingerprintedStream, FingerprintedStream],
  ): Promise<{ result: DriftResult; hashes: [string, string] }> {
    try {
      const result = await this.deps.analysis.detect(
        { name: this.describe(this.settings.referencePath), stream: streams[0].stream },
        { name: this.describe(this.settings.newDataPath), stream: streams[1].stream },
      );
      return { result, hashes: await Promise.all([streams[0].sha256(), streams[1].sha256()]) };
    } catch (err) {
      // A connection dropped while the core was streaming an object is the storage's failure, not the data's.
      const failure = socketFailure(err);
      if (!failure) throw err;
      throw new UpstreamError("storage", failure.kind, `reading the datasets: ${messageOf(err)}`, { cause: err });
    }
  }

  private async afterDrift(context: DriftContext, log: Logger): Promise<RunRecord> {
    const { record } = context;
    const steps: Array<[StepName, () => Promise<StepResult>]> = [
      ["write_reports", () => this.writeReports(context)],
      ["update_ids", () => this.updateIds(context)],
      ["trigger_retraining", () => this.triggerRetraining(context)],
      ["archive_reference", () => this.archiveReference(context)],
      ["replace_reference", () => this.replaceReference(context)],
    ];
    for (const [index, [name, perform]] of steps.entries()) {
      const started_at = this.clock().toISOString();
      // Stored before the side effect, so a process killed in the middle leaves a record naming the step.
      record.steps.push({ name, status: "running", started_at });
      await this.save(record, log);
      try {
        const outcome = await perform();
        record.steps[record.steps.length - 1] = { name, ...outcome, started_at, finished_at: this.clock().toISOString() };
        log.info({ step: name, status: outcome.status }, outcome.detail);
      } catch (err) {
        const outcome = name === "replace_reference" ? undefined : unknownOutcome(name, err, record);
        const failed: StepOutcome = {
          name,
          status: "failed",
          detail: outcome ? `${messageOf(err)}; ${outcome}` : messageOf(err),
          started_at,
          finished_at: this.clock().toISOString(),
        };
        if (err instanceof UpstreamError) {
          failed.upstream = { service: err.service, ...(err.status !== undefined ? { status: err.status } : {}), body: err.body };
        }
        record.steps[record.steps.length - 1] = failed;
        for (const [later] of steps.slice(index + 1))
          record.steps.push({ name: later, status: "not_run", detail: `${name} failed` });
        record.status = "failed";
        if (!(err instanceof ReferenceRestoreError)) record.reference_state ??= "unchanged";
        record.message = stoppedMessage(record, name, err);
        record.finished_at = this.clock().toISOString();
        log.warn({ step: name, err }, "run failed");
        const failure = new RunFailure(name, err, record, outcome ?? swapOutcome(record));
        record.error = { step: name, status: failureStatus(err), detail: failure.message };
        await this.save(record, log);
        throw failure;
      }
    }
    record.message = MESSAGES.driftDetected;
    record.status = "completed";
    record.finished_at = this.clock().toISOString();
    await this.save(record, log);
    return record;
  }

  private async writeReports({ record, reference, current, result, previous }: DriftContext): Promise<StepResult> {
    const { store } = this.deps;
    if (previous?.reports && (await this.allExist([previous.reports.html, previous.reports.json]))) {
      record.reports = previous.reports;
      return { status: "reused", detail: `reports of run ${previous.id}: ${previous.reports.html}` };
    }
    const keys = reportKeys(this.settings.reportPath, record.id);
    const rendered = this.deps.analysis.renderReports(result, {
      experimentId: this.settings.experimentId,
      referenceSource: this.describe(reference.key),
      currentSource: this.describe(current.key),
      referenceModifiedAt: reference.lastModified,
      currentModifiedAt: current.lastModified,
      generatedAt: this.clock(),
      detectorVersion: this.settings.detectorVersion,
    });
    await store.put(keys.json, rendered.json, "application/json");
    await store.put(keys.html, rendered.html, "text/html; charset=utf-8");
    record.reports = keys;
    return { status: "succeeded", detail: `wrote ${keys.html} and ${keys.json}` };
  }

  /**
   * At least once: the IDS agent's API names an asset by exp_id and asset_type only and every drift announces the same
   * bucket and path, so no read can tell whether a post whose answer was lost arrived; such a post is sent again.
   */
  private async updateIds({ record, previous }: DriftContext): Promise<StepResult> {
    const ids = this.deps.ids;
    if (!ids) return { status: "skipped", detail: this.deps.skipReasons?.ids ?? "not configured (IDS_PROVIDER_IP unset)" };
    if (previous && doneIn(previous, "update_ids"))
      return { status: "reused", detail: `dataset already published by run ${previous.id}` };
    const published = await ids.publishDataset({
      experimentId: this.settings.experimentId,
      description: this.settings.experimentDescription,
      bucket: record.bucket,
      path: record.current.path,
    });
    const again =
      previous && mayHaveArrived(previous, "update_ids")
        ? `; run ${previous.id} had sent it too, without learning whether it arrived (the IDS API cannot tell), so it was posted again`
        : "";
    return {
      status: "succeeded",
      detail: `published ${record.bucket}/${record.current.path} (HTTP ${published.status})${again}`,
    };
  }

  private async triggerRetraining({ record, previous }: DriftContext): Promise<StepResult> {
    const airflow = this.deps.airflow;
    if (!airflow) return { status: "skipped", detail: this.deps.skipReasons?.airflow ?? "not configured (AIRFLOW_IP unset)" };
    const dagRunId = record.dag_run_id ?? "";
    if (previous && doneIn(previous, "trigger_retraining")) {
      return { status: "reused", detail: `DAG run ${dagRunId} already triggered by run ${previous.id}` };
    }
    const outcome = await airflow.trigger({
      dagRunId,
      note: `Data drift detected by clarus drift-detector run ${record.id}`,
      conf: {
        experiment_id: record.experiment_id,
        detector_run_id: record.id,
        dataset: { bucket: record.bucket, path: record.current.path, sha256: record.current.sha256 },
        reference: { bucket: record.bucket, path: record.reference.path },
        reports: record.reports ?? null,
        drift: record.drift ?? null,
      },
    });
    const unpaused = outcome.unpaused ? " after unpausing the DAG" : "";
    return {
      status: "succeeded",
      detail: outcome.alreadyTriggered
        ? `DAG run ${dagRunId} of ${airflow.dagId} already existed (state ${outcome.state})${unpaused}`
        : `triggered DAG run ${dagRunId} of ${airflow.dagId} (state ${outcome.state}, Airflow API ${outcome.api})${unpaused}`,
    };
  }

  /** The archive is named by the reference's SHA-256: a retry, or a later run on the same reference, finds it there. */
  private async archiveReference({ record, reference, previous }: DriftContext): Promise<StepResult> {
    const { store } = this.deps;
    const expected = { ...reference, sha256: record.reference.sha256 };
    const key = archiveKey(this.settings.historyPath, reference.key, record.reference.sha256 ?? "");
    const found = await readContent(store, key);
    if (found.kind === "unreadable") throw new UpstreamError("storage", "unreachable", found.reason);
    if (found.kind === "found" && (await sameContent(store, found.info, expected))) {
      record.archived_reference = key;
      return previous?.archived_reference === key
        ? { status: "reused", detail: `reference already archived at ${key} by run ${previous.id}` }
        : { status: "succeeded", detail: `the reference's content is already archived at ${key}; not copied again` };
    }
    let copy: ObjectInfo;
    let lost = "";
    try {
      copy = await store.copy(reference.key, key, { ifMatch: reference.etag });
    } catch (err) {
      const back = await this.readBack(err, key, expected);
      if (!back) throw err;
      copy = back;
      lost = `; the storage's answer was lost (${messageOf(err)}), read back: the copy is there`;
    }
    await this.verifyCopy(copy, expected);
    record.archived_reference = key;
    return {
      status: "succeeded",
      detail: `archived the reference to ${key} (${copy.size} bytes, ETag ${copy.etag} verified)${lost}`,
    };
  }

  /**
   * The swap. Its answer can be lost after the storage did it: then the reference is read back before anything is
   * said, and the run records what it holds (`reference_state`): new data, old data, or unknown with how to tell.
   */
  private async replaceReference({ record, reference, current }: DriftContext): Promise<StepResult> {
    const expected = { ...current, sha256: record.current.sha256 };
    let copy: ObjectInfo;
    let lost = "";
    try {
      copy = await this.deps.store.copy(current.key, reference.key, { ifMatch: current.etag });
    } catch (err) {
      if (isDefinite(err)) throw err;
      const state = await this.settlement.referenceState(record);
      record.reference_state = state.state;
      if (state.state !== "replaced") throw err;
      copy = state.info;
      lost = `; the storage's answer was lost (${messageOf(err)}), read back: ${state.detail}`;
    }
    try {
      await this.verifyCopy(copy, expected);
    } catch (mismatch) {
      // A failed restore leaves reference_state unset: the reference holds bad bytes, and the message says where the old ones are.
      record.reference_state = undefined;
      await this.restoreReference(record, reference, mismatch);
      record.reference_state = "unchanged";
      throw mismatch;
    }
    record.reference_state = "replaced";
    return {
      status: "succeeded",
      detail: `replaced ${reference.key} with ${current.key} (${copy.size} bytes, ETag ${copy.etag} verified)${lost}`,
    };
  }

  /**
   * The storage answered the swap but holds other bytes at the reference: put the verified archive back, so a failed
   * run leaves the reference as it found it. Should that fail too, say where the intact old reference is.
   */
  private async restoreReference(record: RunRecord, reference: ObjectInfo, mismatch: unknown): Promise<void> {
    const archived = record.archived_reference ?? "";
    try {
      const back = await this.deps.store.copy(archived, reference.key, { ifMatch: reference.etag });
      await this.verifyCopy(back, { ...reference, sha256: record.reference.sha256 });
    } catch (err) {
      throw new ReferenceRestoreError(reference.key, archived, mismatch, err);
    }
  }

  /** After a copy failed in a way that may hide success: the destination's content, when it holds the source's. */
  private async readBack(err: unknown, key: string, expected: ExpectedContent): Promise<ObjectInfo | undefined> {
    if (isDefinite(err)) return undefined;
    const found = await readContent(this.deps.store, key);
    return found.kind === "found" && (await sameContent(this.deps.store, found.info, expected)) ? found.info : undefined;
  }

  private async verifyCopy(copy: ObjectInfo, source: ExpectedContent & { key?: string }): Promise<void> {
    if (!(await sameContent(this.deps.store, copy, source))) throw new CopyVerificationError(copy.key, source, copy);
  }

  private async allExist(keys: string[]): Promise<boolean> {
    const found = await Promise.all(
      keys.map((key) =>
        this.deps.store.stat(key).then(
          () => true,
          () => false,
        ),
      ),
    );
    return found.every(Boolean);
  }

  /** A record the store could take neither in its journal nor in storage must not hide the run's own outcome. */
  private async save(record: RunRecord, log: Logger): Promise<void> {
    try {
      await this.deps.runs.save(record);
    } catch (err) {
      log.error({ err }, "could not store the run record, neither in storage nor in the local journal");
    }
  }

  private describe(key: string): string {
    return `${this.deps.store.location}/${key}`;
  }
}

/** The latest run, when it stopped (failed or interrupted) on this same data and nothing has finished it since. */
function resumable(latest: RunRecord | undefined, dagRunId: string): RunRecord | undefined {
  if (!latest || latest.dag_run_id !== dagRunId || latest.finished_by || latest.superseded_by) return undefined;
  return latest.status === "failed" || latest.status === "interrupted" ? latest : undefined;
}

/** Failures that say the copy was not made: the storage answered, and not with a server error. */
function isDefinite(err: unknown): boolean {
  return err instanceof PreconditionFailedError || err instanceof ObjectNotFoundError;
}

/** For a side effect whose request may have arrived although the call failed: what became of it, and what the next call does. */
function unknownOutcome(step: StepName, err: unknown, record: RunRecord): string | undefined {
  if (!(err instanceof UpstreamError) || err.kind === "rejected") return undefined;
  if (step === "update_ids")
    return "the IDS provider may have received the post; the next call posts again (at least once: the IDS API cannot tell)";
  if (step === "trigger_retraining")
    return `Airflow may have created DAG run ${record.dag_run_id}; the next call triggers the same id, and Airflow's 409 counts as triggered`;
  return undefined;
}

/** For a failed swap: where things stand, read back. */
function swapOutcome(record: RunRecord): string | undefined {
  if (record.reference_state !== "unknown") return undefined;
  return referenceUnknownDetail(record);
}

function stoppedMessage(record: RunRecord, step: StepName, err: unknown): string {
  const prefix = `Drift detected; the run stopped at ${step}`;
  if (err instanceof ReferenceRestoreError)
    return `${prefix} and could not put the reference back: the old one is intact at ${err.archivedAt}`;
  if (record.reference_state === "unknown") return `${prefix}; ${referenceUnknownDetail(record)}`;
  if (step === "replace_reference") return `${prefix} and the reference was left unchanged (read back: it holds the old data)`;
  return `${prefix} and the reference was left unchanged`;
}

function doneIn(run: RunRecord, step: StepName): boolean {
  return run.steps.some((outcome) => outcome.name === step && (outcome.status === "succeeded" || outcome.status === "reused"));
}

/** The step's request went out and its outcome is unknown: in flight when the process died, or its answer lost or a 5xx. */
function mayHaveArrived(run: RunRecord, step: StepName): boolean {
  return run.steps.some(
    (outcome) =>
      outcome.name === step &&
      (outcome.status === "running" ||
        (outcome.status === "failed" && (outcome.upstream?.status === undefined || outcome.upstream.status >= 500))),
  );
}

function summarize(result: DriftResult): DriftSummary {
  return {
    drift_detected: result.drift_detected,
    drift_share: result.drift_share,
    drift_share_threshold: result.drift_share_threshold,
    number_of_columns: result.number_of_columns,
    number_of_drifted_columns: result.number_of_drifted_columns,
    drifted_columns: result.columns.filter((column) => column.drifted).map((column) => column.column),
    rows_reference: result.rows_reference,
    rows_current: result.rows_current,
    columns: result.columns.map((column) => ({
      column: column.column,
      test: column.test,
      score: finiteOrNull(column.adjusted_p_value ?? column.p_value ?? column.statistic),
      threshold: column.threshold,
      drifted: column.drifted,
      effect_size: finiteOrNull(column.effect_size),
    })),
  };
}

/** JSON has no NaN or Infinity; a record holding one could not be read back. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
