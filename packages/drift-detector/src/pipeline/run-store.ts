import { json } from "node:stream/consumers";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import type { ObjectStore } from "../adapters/storage/object-store.js";
import { type RunRecord, runRecordSchema } from "./run-record.js";

/** Run ids start with a UTC timestamp, so key order is time order. */
const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

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

/** Run records as JSON objects in `<reportPath>/runs/`, next to the reports, so history survives restarts. */
export class RunStore {
  private readonly folder: string;

  /** `isActive(id)` says whether a run is going on in this process; stored `running` records that are not were interrupted. */
  constructor(
    private readonly store: ObjectStore,
    reportPath: string,
    private readonly isActive: (id: string) => boolean = () => false,
  ) {
    this.folder = `${reportPath}/runs/`;
  }

  static isRunId(id: string): boolean {
    return RUN_ID.test(id);
  }

  async save(record: RunRecord): Promise<void> {
    await this.store.put(`${this.folder}${record.id}.json`, `${JSON.stringify(record, null, 2)}\n`, "application/json");
  }

  /** The record, or undefined when there is none with that id. */
  async get(id: string): Promise<RunRecord | undefined> {
    if (!RunStore.isRunId(id)) return undefined;
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
    const record = parsed.data;
    if (record.status !== "running" || this.isActive(id)) return record;
    return {
      ...record,
      status: "interrupted",
      message: "Interrupted: the service stopped during this run; the next call resumes it",
    };
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

  private async ids(): Promise<string[]> {
    const objects = await this.store.list(this.folder);
    return objects
      .map((object) => object.key.slice(this.folder.length).replace(/\.json$/, ""))
      .filter((id) => RunStore.isRunId(id))
      .reverse();
  }
}
