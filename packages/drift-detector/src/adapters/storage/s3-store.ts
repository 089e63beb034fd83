import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { type RetryPolicy, socketFailure, UpstreamError, withRetries } from "@clarus/common";
import { Client, CopyDestinationOptions, CopySourceOptions } from "minio";
import { ObjectNotFoundError, PreconditionFailedError } from "./errors.js";
import type { ObjectInfo, ObjectStore } from "./object-store.js";

export interface S3StoreOptions {
  endPoint: string;
  port: number;
  useSSL: boolean;
  region: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  policy: RetryPolicy;
}

const MISSING_CODES = new Set(["NoSuchKey", "NotFound", "NoSuchBucket"]);
/** S3 error codes that say "try again" (AWS S3 "Error responses": 500/503 codes). */
const TRANSIENT_CODES = new Set(["InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout"]);

/** Storage in an S3-compatible server (MinIO), through the official minio client. */
export class S3Store implements ObjectStore {
  readonly bucket: string;
  readonly location: string;
  private readonly client: Client;
  private readonly policy: RetryPolicy;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.policy = options.policy;
    this.location = `s3://${options.endPoint}:${options.port}/${options.bucket}`;
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      region: options.region,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      pathStyle: true,
    });
  }

  async get(key: string): Promise<Readable> {
    const stream = await this.call(`read ${key}`, key, () => this.client.getObject(this.bucket, key));
    // The per-call deadline ends with the answer's headers; a body that stops flowing would otherwise hold the run forever.
    const response = stream as IncomingMessage;
    response.setTimeout?.(this.policy.timeoutMs, () => {
      stream.destroy(new UpstreamError("storage", "timeout", `MinIO read ${key}: no data for ${this.policy.timeoutMs} ms`));
    });
    // The socket goes back to the keep-alive pool: the idle limit belongs to this body only.
    stream.once("end", () => response.socket?.setTimeout(0));
    return stream;
  }

  async put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    await this.call(`write ${key}`, key, () =>
      this.client.putObject(this.bucket, key, bytes, bytes.length, { "Content-Type": contentType }),
    );
    return this.stat(key);
  }

  async copy(sourceKey: string, destinationKey: string, options: { ifMatch?: string } = {}): Promise<ObjectInfo> {
    const source = new CopySourceOptions({
      Bucket: this.bucket,
      Object: sourceKey,
      ...(options.ifMatch !== undefined ? { MatchETag: options.ifMatch } : {}),
    });
    const destination = new CopyDestinationOptions({ Bucket: this.bucket, Object: destinationKey });
    // Checked here as well because some S3 servers (s3rver among them) ignore x-amz-copy-source-if-match.
    if (options.ifMatch !== undefined && (await this.stat(sourceKey)).etag !== options.ifMatch) {
      throw new PreconditionFailedError(this.bucket, sourceKey, options.ifMatch);
    }
    try {
      await this.call(`copy ${sourceKey} to ${destinationKey}`, sourceKey, () => this.client.copyObject(source, destination));
    } catch (err) {
      if (err instanceof UpstreamError && (err.body as { code?: string })?.code === "PreconditionFailed" && options.ifMatch) {
        throw new PreconditionFailedError(this.bucket, sourceKey, options.ifMatch);
      }
      throw err;
    }
    return this.stat(destinationKey);
  }

  async stat(key: string): Promise<ObjectInfo> {
    const info = await this.call(`stat ${key}`, key, () => this.client.statObject(this.bucket, key));
    return { key, size: info.size, etag: info.etag, lastModified: info.lastModified };
  }

  async remove(key: string): Promise<void> {
    await this.call(`delete ${key}`, key, () => this.client.removeObject(this.bucket, key));
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.call(`list ${prefix}`, prefix, async () => {
      const items: ObjectInfo[] = [];
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        if (item.name !== undefined)
          items.push({ key: item.name, size: item.size, etag: item.etag, lastModified: item.lastModified });
      }
      return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    });
  }

  async check(): Promise<void> {
    const exists = await this.call("check the bucket", "", () => this.client.bucketExists(this.bucket));
    if (!exists) throw new Error(`bucket "${this.bucket}" does not exist at ${this.location}`);
  }

  /** One S3 operation with the retry policy; S3 answers become ObjectNotFoundError or UpstreamError. */
  private call<T>(what: string, key: string, operation: () => Promise<T>): Promise<T> {
    return withRetries("storage", `MinIO ${what}`, this.policy, async () => {
      try {
        return await operation();
      } catch (err) {
        throw this.translate(what, key, err);
      }
    });
  }

  private translate(what: string, key: string, err: unknown): Error {
    const code = (err as { code?: unknown })?.code;
    if (typeof code === "string" && MISSING_CODES.has(code)) return new ObjectNotFoundError(this.bucket, key);
    const message = err instanceof Error ? err.message : String(err);
    const failure = socketFailure(err);
    if (failure) {
      const how = failure.kind === "timeout" ? "no answer in time from" : "cannot reach";
      return new UpstreamError("storage", failure.kind, `MinIO ${what}: ${how} ${this.location} (${failure.code})`, {
        cause: err,
      });
    }
    return new UpstreamError("storage", "rejected", `MinIO ${what}: ${message}`, {
      body: { code, message },
      transient: typeof code === "string" && TRANSIENT_CODES.has(code),
      cause: err,
    });
  }
}
