import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import type { ObjectInfo, ObjectStore } from "../../src/adapters/storage/object-store.js";

type Operation = "get" | "put" | "copy" | "stat" | "list" | "remove";

interface Rule {
  operation: Operation;
  /** Matched against the key written (put, copy destination) or read. */
  key: (key: string) => boolean;
  error: () => Error;
  /** Do the operation, then fail: a request the storage carried out whose answer was lost. */
  afterCommit: boolean;
  /** How many more calls it fails. */
  remaining: number;
}

/** A real store that can be told to fail chosen operations on chosen keys, to break one pipeline step at a time. */
export class FaultyStore implements ObjectStore {
  private rules: Rule[] = [];
  /** Reads of these keys send the first line, then fail as a dropped connection. */
  private droppedReads: Array<(key: string) => boolean> = [];
  /** The next copy to each of these keys answers success but stores the first half of the source only. */
  private corruptCopies: Array<(key: string) => boolean> = [];

  constructor(private readonly inner: ObjectStore) {}

  get bucket(): string {
    return this.inner.bucket;
  }

  get location(): string {
    return this.inner.location;
  }

  fail(
    operation: Operation,
    key: (key: string) => boolean,
    error: () => Error,
    options: { afterCommit?: boolean; times?: number } = {},
  ): void {
    this.rules.push({
      operation,
      key,
      error,
      afterCommit: options.afterCommit ?? false,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
    });
  }

  dropWhileReading(key: (key: string) => boolean): void {
    this.droppedReads.push(key);
  }

  corruptCopiesTo(key: (key: string) => boolean): void {
    this.corruptCopies.push(key);
  }

  heal(): void {
    this.rules = [];
    this.droppedReads = [];
    this.corruptCopies = [];
  }

  /** Runs `work` unless a rule fails the call before it; a rule with afterCommit fails it after. */
  private async guarded<T>(operation: Operation, key: string, work: () => Promise<T>): Promise<T> {
    const rule = this.rules.find((r) => r.operation === operation && r.key(key) && r.remaining > 0);
    if (rule) rule.remaining -= 1;
    if (rule && !rule.afterCommit) throw rule.error();
    const result = await work();
    if (rule) throw rule.error();
    return result;
  }

  get(key: string): Promise<Readable> {
    return this.guarded("get", key, () => this.getUnguarded(key));
  }

  private async getUnguarded(key: string): Promise<Readable> {
    if (!this.droppedReads.some((matches) => matches(key))) return this.inner.get(key);
    const firstLine = (await text(await this.inner.get(key))).split("\n")[0];
    return Readable.from(
      (async function* () {
        yield `${firstLine}\n`;
        throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      })(),
    );
  }

  put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    return this.guarded("put", key, () => this.inner.put(key, body, contentType));
  }

  copy(sourceKey: string, destinationKey: string, options?: { ifMatch?: string }): Promise<ObjectInfo> {
    return this.guarded("copy", destinationKey, () => this.copyUnguarded(sourceKey, destinationKey, options));
  }

  private async copyUnguarded(sourceKey: string, destinationKey: string, options?: { ifMatch?: string }): Promise<ObjectInfo> {
    const copy = await this.inner.copy(sourceKey, destinationKey, options);
    const corrupt = this.corruptCopies.findIndex((matches) => matches(destinationKey));
    if (corrupt === -1) return copy;
    this.corruptCopies.splice(corrupt, 1);
    const content = await text(await this.inner.get(destinationKey));
    return this.inner.put(destinationKey, content.slice(0, content.length / 2), "text/csv");
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.guarded("stat", key, () => this.inner.stat(key));
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.guarded("list", prefix, () => this.inner.list(prefix));
  }

  remove(key: string): Promise<void> {
    return this.guarded("remove", key, () => this.inner.remove(key));
  }

  check(): Promise<void> {
    return this.inner.check();
  }
}
