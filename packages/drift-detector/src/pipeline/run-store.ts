import { json } from "node:stream/consumers";
import type { Logger } from "@clarus/common";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import type { ObjectStore } from "../adapters/storage/object-store.js";
import { currentOwner, ownerAlive } from "./process-owner.js";
import type { RunJournal } from "./run-journal.js";
import { type RunRecord, runRecordSchema } from "./run-record.js";

/** Run ids start with a UTC timestamp, so key order is time order. */
const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;
/** How often records the storage refused are offered to it again, until it takes them all. */
const FLUSH_INTERVAL_MS = 5_000;

export interface RunPage {
  runs: RunRecord[];
  /** Ids on this page whose stored record cannot be read (hand-edited, damaged): listed, not allowed to hide the rest. */
  unreadable: string[];
  total: number;
}

/** A stored run record that is not valid JSON or not a run record. */
export class UnreadableRunRecordError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`The run record ${key} cannot be read: ${reason}`);
    this.name = "UnreadableRunRecordError";
  }
}

export interface RunStoreOptions {
  /** Where records wait, fsynced, until storage has them. */
  journal: RunJournal;
  logger: Logger;
  /** Whether this process is running the run now. */
  isActive?: (id: string) => boolean;
}

/**
 * Run records as JSON objects in `<reportPath>/runs/`, next to the reports, so history survives restarts. Every save
 * goes to the local journal first, so a record is never lost to a kill or a storage outage: the journal's copy is the
 * newest and is shown until storage takes it.
 */
export class RunStore {
  private readonly folder: string;
  private readonly journal: RunJournal;
  private readonly logger: Logger;
  private readonly isActive: (id: string) => boolean;
  /** Saves and flushes one at a time, so an older copy never lands in storage after a newer one. */
  private writes: Promise<unknown> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ObjectStore,
    reportPath: string,
    options: RunStoreOptions,
  ) {
    this.folder = `${reportPath}/runs/`;
    this.journal = options.journal;
    this.logger = options.logger;
    this.isActive = options.isActive ?? (() => false);
  }

  static isRunId(id: string): boolean {
    return RUN_ID.test(id);
  }

  /**
   * Journal, then storage. Resolves `stored`, or `journalled` when storage failed (the record is flushed to it later);
   * throws only when neither took the record.
   */
  save(record: RunRecord): Promise<"stored" | "journalled"> {
    return this.exclusive(async () => {
      const snapshot = structuredClone(record);
      const journalled = await this.journal.write(snapshot).catch((err: unknown) => {
        this.logger.error({ err, folder: this.journal.folder }, "cannot write the run journal");
        return undefined;
      });
      try {
        await this.put(snapshot);
      } catch (err) {
        if (!journalled) throw err;
        this.logger.warn({ err, run: record.id }, "storage refused the run record; it waits in the journal");
        this.scheduleFlush();
        return "journalled";
      }
      if (journalled) await this.journal.remove(record.id, journalled).catch(() => undefined);
      return "stored";
    });
  }

  /** Offers every journalled record to storage; resolves with how many are still waiting. */
  flush(): Promise<number> {
    return this.exclusive(async () => {
      const waiting = await this.journal.ids();
      let left = waiting.length;
      for (const id of waiting) {
        const entry = await this.journal.read(id);
        if (entry) {
          try {
            await this.put(entry.record);
          } catch (err) {
            this.logger.warn({ err, waiting: left }, "storage still refuses journalled run records");
            this.scheduleFlush();
            return left;
          }
          await this.journal.remove(id, entry.text);
          this.logger.info({ run: id }, "journalled run record stored");
        }
        left -= 1;
      }
      return left;
    });
  }

  /** Stops the periodic flush (tests, shutdown); journalled records stay on disk for the next start. */
  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** The record, or undefined when there is none with that id. */
  async get(id: string): Promise<RunRecord | undefined> {
    if (!RunStore.isRunId(id)) return undefined;
    const journalled = await this.journal.read(id).catch(() => undefined);
    if (journalled) return this.present(journalled.record);
    const key = `${this.folder}${id}.json`;
    let content: unknown;
    try {
      content = await json(await this.store.get(key));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      if (err instanceof SyntaxError) throw new UnreadableRunRecordError(key, err.message);
      throw err;
    }
    const parsed = runRecordSchema.safeParse(content);
    if (!parsed.success)
      throw new UnreadableRunRecordError(key, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    return this.present(parsed.data);
  }

  /** Newest first. */
  async page(offset: number, limit: number): Promise<RunPage> {
    const ids = await this.ids();
    const runs: RunRecord[] = [];
    const unreadable: string[] = [];
    for (const id of ids.slice(offset, offset + limit)) {
      try {
        const record = await this.get(id);
        if (record) runs.push(record);
      } catch (err) {
        if (!(err instanceof UnreadableRunRecordError)) throw err;
        unreadable.push(id);
      }
    }
    return { runs, unreadable, total: ids.length };
  }

  async latest(): Promise<RunRecord | undefined> {
    return (await this.page(0, 1)).runs[0];
  }

  /**
   * A stored `running` record is true only while its process lives: one whose process died is `interrupted`, saying
   * where. A live owner that is not running it now ended the run without managing to store its end.
   */
  private present(record: RunRecord): RunRecord {
    if (record.status !== "running" || this.isActive(record.id)) return record;
    const owner = record.owner;
    if (owner && ownerAlive(owner)) {
      const self = currentOwner();
      const isSelf = owner.pid === self.pid && owner.start_ticks === self.start_ticks && owner.boot_id === self.boot_id;
      return {
        ...record,
        message: isSelf
          ? `The process running it (pid ${owner.pid} on ${owner.host}) is alive but could not store how the run ended; its log says`
          : `Running in process ${owner.pid} on ${owner.host}`,
      };
    }
    return { ...record, status: "interrupted", message: interruptedMessage(record) };
  }

  private async put(record: RunRecord): Promise<void> {
    await this.store.put(`${this.folder}${record.id}.json`, `${JSON.stringify(record, null, 2)}\n`, "application/json");
  }

  private async ids(): Promise<string[]> {
    const objects = await this.store.list(this.folder);
    const stored = objects.map((object) => object.key.slice(this.folder.length).replace(/\.json$/, ""));
    const journalled = await this.journal.ids().catch(() => []);
    return [...new Set([...stored, ...journalled])]
      .filter((id) => RunStore.isRunId(id))
      .sort()
      .reverse();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

/** Where a run whose process died stood: the step it was in, and what a later call does about it. */
export function interruptedMessage(record: RunRecord): string {
  const inFlight = record.steps.find((step) => step.status === "running");
  const where = inFlight ? `during ${inFlight.name}` : `after ${record.steps.at(-1)?.name ?? "starting"}`;
  const who = record.owner ? `the process running it (pid ${record.owner.pid} on ${record.owner.host})` : "the service";
  return `Interrupted: ${who} stopped ${where}; a call on the same data resumes it`;
}
