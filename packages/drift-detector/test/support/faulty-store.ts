import type { Readable } from "node:stream";
import type { ObjectInfo, ObjectStore } from "../../src/adapters/storage/object-store.js";

type Operation = "get" | "put" | "copy" | "stat" | "list";

interface Rule {
  operation: Operation;
  /** Matched against the key written (put, copy destination) or read. */
  key: (key: string) => boolean;
  error: () => Error;
}

/** A real store that can be told to fail chosen operations on chosen keys, to break one pipeline step at a time. */
export class FaultyStore implements ObjectStore {
  private rules: Rule[] = [];

  constructor(private readonly inner: ObjectStore) {}

  get bucket(): string {
    return this.inner.bucket;
  }

  get location(): string {
    return this.inner.location;
  }

  fail(operation: Operation, key: (key: string) => boolean, error: () => Error): void {
    this.rules.push({ operation, key, error });
  }

  heal(): void {
    this.rules = [];
  }

  private maybeFail(operation: Operation, key: string): void {
    const rule = this.rules.find((r) => r.operation === operation && r.key(key));
    if (rule) throw rule.error();
  }

  async get(key: string): Promise<Readable> {
    this.maybeFail("get", key);
    return this.inner.get(key);
  }

  async put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    this.maybeFail("put", key);
    return this.inner.put(key, body, contentType);
  }

  async copy(sourceKey: string, destinationKey: string, options?: { ifMatch?: string }): Promise<ObjectInfo> {
    this.maybeFail("copy", destinationKey);
    return this.inner.copy(sourceKey, destinationKey, options);
  }

  async stat(key: string): Promise<ObjectInfo> {
    this.maybeFail("stat", key);
    return this.inner.stat(key);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    this.maybeFail("list", prefix);
    return this.inner.list(prefix);
  }

  check(): Promise<void> {
    return this.inner.check();
  }
}
