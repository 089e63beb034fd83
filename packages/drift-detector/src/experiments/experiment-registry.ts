import type { Logger } from "@clarus/common";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import type { ObjectInfo } from "../adapters/storage/object-store.js";
import type { RunRecord } from "../pipeline/run-record.js";
import { SingleFlight } from "../pipeline/single-flight.js";
import { RunQueue } from "../triggers/run-queue.js";
import { newTriggerId, type QueuedTrigger, type TriggerSource } from "../triggers/trigger.js";
import { TriggerTimers } from "../triggers/trigger-timers.js";
import type { Experiment } from "./experiment.js";
import { ExperimentRuntime, type ExperimentServices } from "./experiment-runtime.js";

/** What the registry tells about runs and triggers as they happen (metrics listen). */
export interface RegistryObserver {
  triggerAccepted(experimentId: string, source: TriggerSource): void;
  runFinished(experimentId: string, record: RunRecord): void;
  runFailed(experimentId: string): void;
}

export interface RegistryOptions {
  experiments: Experiment[];
  services: ExperimentServices;
  maxConcurrentRuns: number;
  /** Where the experiments came from, for GET /api/experiments (`EXPERIMENTS_FILE <path>` or `environment`). */
  source: string;
  observer?: RegistryObserver;
}

export interface ReloadState {
  loaded_at: string;
  /** The last reload that failed, kept until one succeeds: the experiments in force are the ones before it. */
  last_error?: { at: string; problems: string[] };
}

/** What a trigger led to, for answers and logs. */
export type TriggerOutcome = { accepted: QueuedTrigger } | { ignored: { object?: string; reason: string } };

/**
 * The experiments in force and everything that starts their runs: the queue (bounded, persistent), the per-experiment
 * single-flight of callers waiting for a run, polls and schedules. A reload swaps the whole set at once.
 */
export class ExperimentRegistry {
  private runtimes = new Map<string, ExperimentRuntime>();
  private order: string[] = [];
  readonly queue: RunQueue;
  private readonly waitingCallers = new SingleFlight<RunRecord>();
  private readonly timers: TriggerTimers;
  private readonly services: ExperimentServices;
  private readonly observer: RegistryObserver | undefined;
  readonly state: ReloadState;
  readonly source: string;

  constructor(options: RegistryOptions) {
    this.services = options.services;
    this.observer = options.observer;
    this.source = options.source;
    this.state = { loaded_at: this.now().toISOString() };
    this.install(options.experiments);
    this.queue = new RunQueue(
      options.maxConcurrentRuns,
      {
        save: (trigger) => this.runtimeOf(trigger).saveTrigger(trigger),
        remove: async (trigger) => {
          // An experiment removed by a reload keeps its journal folder; the trigger is dropped with a log line.
          await this.runtimes.get(trigger.experiment_id)?.removeTrigger(trigger);
        },
      },
      (trigger) => this.handle(trigger),
      this.logger,
    );
    this.timers = new TriggerTimers(this.logger, (experiment, source) => this.scan(experiment.id, source));
  }

  private get logger(): Logger {
    return this.services.logger;
  }

  private now(): Date {
    return (this.services.clock ?? (() => new Date()))();
  }

  /** Picks up triggers journaled before a restart, then starts polls and schedules. */
  async start(): Promise<void> {
    await this.restoreJournals([...this.runtimes.values()]);
    this.timers.apply(this.list());
  }

  /** Settles each experiment's journalled and interrupted runs; by experiment id. */
  async recover(): Promise<Map<string, RunRecord | undefined>> {
    const settled = new Map<string, RunRecord | undefined>();
    for (const runtime of this.runtimes.values()) settled.set(runtime.experiment.id, await runtime.recover());
    return settled;
  }

  stop(): void {
    this.timers.stop();
    for (const runtime of this.runtimes.values()) runtime.close();
  }

  list(): Experiment[] {
    return this.order.map((id) => (this.runtimes.get(id) as ExperimentRuntime).experiment);
  }

  /** The experiment `GET /api/detect_data_drift` runs without `exp_id`: the first one. */
  defaultId(): string {
    return this.order[0] as string;
  }

  get(id: string): ExperimentRuntime | undefined {
    return this.runtimes.get(id);
  }

  nextScheduledRun(id: string): Date | undefined {
    return this.timers.nextRun(id);
  }

  /**
   * Runs the experiment now and answers when done; callers asking while one such run waits or runs join it. Waits for
   * a slot like every run. Always judges (callers asking explicitly get a fresh verdict, never "unchanged").
   */
  async runNow(id: string): Promise<{ record: RunRecord; joined: boolean }> {
    const runtime = this.runtimeById(id);
    const { promise, joined } = this.waitingCallers.run(id, () =>
      this.queue.exclusive(id, async () => {
        const path =
          runtime.defaultNewDataPath() ?? (await this.oldestUnjudgedBatch(runtime)) ?? (await this.newestBatch(runtime));
        return this.finish(id, runtime.run(path));
      }),
    );
    return { record: await promise, joined };
  }

  /**
   * Accepts a trigger for each thing to judge: the new-data path, or every batch under the prefix not judged and not
   * queued yet, oldest first. Journaled before this resolves.
   */
  async trigger(id: string, source: TriggerSource): Promise<TriggerOutcome[]> {
    const runtime = this.runtimeById(id);
    const path = runtime.defaultNewDataPath();
    if (path !== undefined) return [await this.accept(runtime, source, path, undefined)];
    const batches = await this.unjudgedBatches(runtime);
    if (batches.length === 0)
      return [
        {
          ignored: {
            reason: `no batch under ${runtime.experiment.newData.kind === "prefix" ? runtime.experiment.newData.prefix : ""} is waiting to be judged`,
          },
        },
      ];
    const outcomes: TriggerOutcome[] = [];
    for (const batch of batches) outcomes.push(await this.accept(runtime, source, batch.key, batch.etag));
    return outcomes;
  }

  /** An object the storage reported (event): queued unless already queued or judged with this content. */
  async objectChanged(id: string, object: string, etag: string): Promise<TriggerOutcome> {
    const runtime = this.runtimeById(id);
    if (this.queue.holds(id, object, etag)) return { ignored: { object, reason: "already queued with this ETag" } };
    const judgedBy = await runtime.judgedBy(
      { key: object, etag, size: 0, lastModified: new Date(0) },
      await this.referenceOf(runtime),
    );
    if (judgedBy) return { ignored: { object, reason: `already judged with this ETag by run ${judgedBy}` } };
    return this.accept(runtime, "event", object, etag);
  }

  /**
   * Applies a new set of experiments at once. Runs in flight finish under the set they started with; triggers queued for
   * an experiment that is gone are dropped when their turn comes.
   */
  async reload(experiments: Experiment[]): Promise<void> {
    const before = new Map(this.runtimes);
    this.install(experiments);
    this.state.loaded_at = this.now().toISOString();
    delete this.state.last_error;
    for (const [id, runtime] of before) if (this.runtimes.get(id) !== runtime) runtime.close();
    const fresh = [...this.runtimes.values()].filter((runtime) => before.get(runtime.experiment.id) !== runtime);
    for (const runtime of fresh) await runtime.recover();
    await this.restoreJournals(fresh.filter((runtime) => !before.has(runtime.experiment.id)));
    this.timers.apply(this.list());
  }

  reloadFailed(problems: string[]): void {
    this.state.last_error = { at: this.now().toISOString(), problems };
  }

  /** Resolves when no run waits or runs (tests, benchmarks). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private install(experiments: Experiment[]): void {
    const runtimes = new Map<string, ExperimentRuntime>();
    for (const experiment of experiments) {
      const previous = this.runtimes.get(experiment.id);
      // Unchanged experiments keep their runtime (and what it knows it has judged).
      const same = previous && JSON.stringify(previous.experiment) === JSON.stringify(experiment);
      runtimes.set(experiment.id, same ? previous : new ExperimentRuntime(experiment, this.services));
    }
    this.runtimes = runtimes;
    this.order = experiments.map((experiment) => experiment.id);
  }

  private async restoreJournals(runtimes: ExperimentRuntime[]): Promise<void> {
    for (const runtime of runtimes) {
      try {
        const triggers = await runtime.journaledTriggers();
        if (triggers.length > 0)
          runtime.logger.info({ triggers: triggers.length }, "running triggers accepted before the restart");
        this.queue.restore(triggers);
      } catch (err) {
        runtime.logger.error(
          { err },
          "cannot read the queued triggers of this experiment; they run once storage answers and the service restarts",
        );
      }
    }
  }

  /** The queue's handler: one accepted trigger, run or found unchanged. */
  private async handle(trigger: QueuedTrigger): Promise<void> {
    const runtime = this.runtimes.get(trigger.experiment_id);
    if (!runtime) {
      this.logger.warn(
        { trigger: trigger.id, experiment: trigger.experiment_id },
        "dropping a trigger: the experiment is no longer configured",
      );
      return;
    }
    const object = trigger.object ?? runtime.defaultNewDataPath();
    if (object === undefined) return;
    if (trigger.source !== "api") {
      const unchanged = await this.unchangedRun(runtime, object);
      if (unchanged) {
        this.observer?.runFinished(runtime.experiment.id, unchanged);
        return;
      }
    }
    await this.finish(runtime.experiment.id, runtime.run(object));
  }

  /** Records "unchanged" when the object holds data already judged; undefined when it must be judged. */
  private async unchangedRun(runtime: ExperimentRuntime, object: string): Promise<RunRecord | undefined> {
    let current: ObjectInfo;
    let reference: ObjectInfo;
    try {
      [current, reference] = await Promise.all([
        runtime.store.stat(object),
        runtime.store.stat(runtime.experiment.referencePath),
      ]);
    } catch {
      // A missing or unreadable object is the run's to report, in its record.
      return undefined;
    }
    const judgedBy = await runtime.judgedBy(current, reference);
    return judgedBy ? runtime.recordUnchanged(current, reference, judgedBy) : undefined;
  }

  private async finish(id: string, run: Promise<RunRecord>): Promise<RunRecord> {
    try {
      const record = await run;
      this.observer?.runFinished(id, record);
      return record;
    } catch (err) {
      this.observer?.runFailed(id);
      throw err;
    }
  }

  /** A poll or a schedule: what is there to judge now? */
  private async scan(id: string, source: "poll" | "schedule"): Promise<void> {
    const runtime = this.runtimes.get(id);
    if (!runtime) return;
    const path = runtime.defaultNewDataPath();
    if (path === undefined) {
      for (const outcome of await this.trigger(id, source)) this.logIgnored(runtime, source, outcome);
      return;
    }
    if (source === "schedule") {
      // Overlap prevention: a schedule that fires while its previous trigger still waits adds nothing.
      if (this.queue.waitingFrom(id, "schedule")) return;
      await this.accept(runtime, "schedule", path, undefined);
      return;
    }
    let current: ObjectInfo;
    try {
      current = await runtime.store.stat(path);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return;
      throw err;
    }
    if (this.queue.holds(id, path, current.etag)) return;
    if (await runtime.judgedBy(current, await this.referenceOf(runtime))) return;
    await this.accept(runtime, "poll", path, current.etag);
  }

  private logIgnored(runtime: ExperimentRuntime, source: TriggerSource, outcome: TriggerOutcome): void {
    if ("ignored" in outcome) runtime.logger.debug({ source, reason: outcome.ignored.reason }, "nothing to judge");
  }

  private async accept(
    runtime: ExperimentRuntime,
    source: TriggerSource,
    object: string,
    etag: string | undefined,
  ): Promise<TriggerOutcome> {
    const now = this.now();
    const trigger: QueuedTrigger = {
      id: newTriggerId(now),
      experiment_id: runtime.experiment.id,
      source,
      object,
      ...(etag !== undefined ? { etag } : {}),
      accepted_at: now.toISOString(),
    };
    await this.queue.accept(trigger);
    this.observer?.triggerAccepted(runtime.experiment.id, source);
    runtime.logger.info({ trigger: trigger.id, source, object }, "run queued");
    return { accepted: trigger };
  }

  private async referenceOf(runtime: ExperimentRuntime): Promise<ObjectInfo | undefined> {
    return runtime.store.stat(runtime.experiment.referencePath).catch(() => undefined);
  }

  /** Batches under the prefix neither judged nor queued, oldest first (modification time, then key). */
  private async unjudgedBatches(runtime: ExperimentRuntime): Promise<ObjectInfo[]> {
    const { newData } = runtime.experiment;
    if (newData.kind !== "prefix") return [];
    const objects = (await runtime.store.list(newData.prefix)).filter((object) => !object.key.endsWith("/"));
    objects.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const waiting: ObjectInfo[] = [];
    for (const object of objects) {
      if (this.queue.holds(runtime.experiment.id, object.key, object.etag)) continue;
      if (await runtime.judgedBy(object, undefined)) continue;
      waiting.push(object);
    }
    return waiting;
  }

  private async oldestUnjudgedBatch(runtime: ExperimentRuntime): Promise<string | undefined> {
    return (await this.unjudgedBatches(runtime))[0]?.key;
  }

  private async newestBatch(runtime: ExperimentRuntime): Promise<string> {
    const { newData } = runtime.experiment;
    const prefix = newData.kind === "prefix" ? newData.prefix : "";
    const objects = (await runtime.store.list(prefix)).filter((object) => !object.key.endsWith("/"));
    objects.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime());
    const newest = objects.at(-1);
    if (!newest) throw new ObjectNotFoundError(runtime.store.bucket, prefix);
    return newest.key;
  }

  private runtimeById(id: string): ExperimentRuntime {
    const runtime = this.runtimes.get(id);
    if (!runtime) throw new UnknownExperimentError(id);
    return runtime;
  }

  private runtimeOf(trigger: QueuedTrigger): ExperimentRuntime {
    return this.runtimeById(trigger.experiment_id);
  }
}

export class UnknownExperimentError extends Error {
  constructor(readonly experimentId: string) {
    super(`No experiment with id "${experimentId}".`);
    this.name = "UnknownExperimentError";
  }
}
