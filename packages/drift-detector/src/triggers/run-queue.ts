import type { Logger } from "@clarus/common";
import { contentKey, newTriggerId, type QueuedTrigger, type TriggerSource } from "./trigger.js";

/** Where accepted triggers are kept until they have run, so a restart finds them. */
export interface TriggerJournal {
  save(trigger: QueuedTrigger): Promise<void>;
  remove(trigger: QueuedTrigger): Promise<void>;
}

interface Entry {
  /** Sort key: the trigger's id, or an id of the same form for a waiting caller. */
  order: string;
  experimentId: string;
  trigger: QueuedTrigger | undefined;
  start: () => Promise<void>;
}

/**
 * Runs in acceptance order, at most `limit` at once across experiments and one at a time per experiment, so 50 events
 * are 50 runs one after the other, not 50 parallel parses. Triggers are journaled before they count as accepted and
 * leave the journal only once handled: a process killed in between runs them after it comes back.
 */
export class RunQueue {
  private readonly waiting: Entry[] = [];
  private readonly running = new Map<string, QueuedTrigger | undefined>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly journal: TriggerJournal,
    private readonly handle: (trigger: QueuedTrigger) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Journals the trigger, then queues it. Once this resolves the trigger is accepted: it will run, restart or not. */
  async accept(trigger: QueuedTrigger): Promise<void> {
    await this.journal.save(trigger);
    this.enqueue(trigger);
  }

  /** Triggers found in the journal at start (or when an experiment appears): each once, oldest first. */
  restore(triggers: QueuedTrigger[]): void {
    const known = new Set(this.pending().map((trigger) => trigger.id));
    const fresh = new Map<string, QueuedTrigger>();
    for (const trigger of triggers) if (!known.has(trigger.id)) fresh.set(trigger.id, trigger);
    for (const trigger of fresh.values()) this.enqueue(trigger, false);
    this.pump();
  }

  /** Runs `work` once a slot is free and nothing else runs for the experiment; not journaled (its caller is waiting). */
  exclusive<T>(experimentId: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.insert({
        order: newTriggerId(new Date()),
        experimentId,
        trigger: undefined,
        start: () => work().then(resolve, reject),
      });
      this.pump();
    });
  }

  /** Triggers accepted and not finished (running first), for one experiment or all. */
  pending(experimentId?: string): QueuedTrigger[] {
    const running = [...this.running.values()].filter((t): t is QueuedTrigger => t !== undefined);
    const queued = this.waiting.flatMap((entry) => (entry.trigger ? [entry.trigger] : []));
    return [...running, ...queued].filter((t) => experimentId === undefined || t.experiment_id === experimentId);
  }

  /** Runs waiting for a slot (journaled triggers and callers waiting), per experiment or all. */
  length(experimentId?: string): number {
    return this.waiting.filter((entry) => experimentId === undefined || entry.experimentId === experimentId).length;
  }

  isRunning(experimentId: string): boolean {
    return this.running.has(experimentId);
  }

  /** True when a trigger for this object with this content is waiting or running. */
  holds(experimentId: string, object: string, etag: string | undefined): boolean {
    const key = contentKey(object, etag);
    return this.pending(experimentId).some((t) => t.object !== undefined && contentKey(t.object, t.etag) === key);
  }

  /** True when a trigger from this source is waiting (not running) for the experiment. */
  waitingFrom(experimentId: string, source: TriggerSource): boolean {
    return this.waiting.some((entry) => entry.experimentId === experimentId && entry.trigger?.source === source);
  }

  /** Resolves when nothing waits and nothing runs. */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Keeps `waiting` in acceptance order whatever order the journal writes finished in. */
  private insert(entry: Entry): void {
    let index = this.waiting.length;
    while (index > 0 && (this.waiting[index - 1] as Entry).order > entry.order) index -= 1;
    this.waiting.splice(index, 0, entry);
  }

  private enqueue(trigger: QueuedTrigger, pump = true): void {
    this.insert({
      order: trigger.id,
      experimentId: trigger.experiment_id,
      trigger,
      start: async () => {
        try {
          await this.handle(trigger);
        } catch (err) {
          // The run's own record says what failed; the trigger is done either way (the next trigger retries).
          this.logger.warn({ err, trigger: trigger.id, experiment: trigger.experiment_id }, "triggered run failed");
        }
        await this.journal.remove(trigger).catch((err: unknown) => {
          this.logger.error(
            { err, trigger: trigger.id },
            "could not remove a handled trigger from the queue; it runs again after a restart",
          );
        });
      },
    });
    if (pump) this.pump();
  }

  private pump(): void {
    for (let index = 0; index < this.waiting.length && this.running.size < this.limit; ) {
      const entry = this.waiting[index] as Entry;
      if (this.running.has(entry.experimentId)) {
        index += 1;
        continue;
      }
      this.waiting.splice(index, 1);
      this.running.set(entry.experimentId, entry.trigger);
      void entry.start().finally(() => {
        this.running.delete(entry.experimentId);
        this.pump();
        if (this.waiting.length === 0 && this.running.size === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
    }
  }
}
