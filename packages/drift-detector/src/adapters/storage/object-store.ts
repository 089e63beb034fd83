import type { Readable } from "node:stream";

export interface ObjectInfo {
  key: string;
  size: number;
  /** Content fingerprint (S3 ETag without quotes; MD5 hex for single-part uploads and for the local folder). */
  etag: string;
  lastModified: Date;
}

/** The few storage operations the detector needs, over one bucket; keys are `/`-separated paths inside it. */
export interface ObjectStore {
  readonly bucket: string;
  /** Where the bucket lives, as answers may show it: `s3://127.0.0.1:9000/datasets` or `DATA_DIR/datasets` (no local path). */
  readonly location: string;
  /** Streams an object. Throws ObjectNotFoundError when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Writes a whole object (reports and run records are small). */
  put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo>;
  /**
   * Server-side copy that replaces the destination atomically. With `ifMatch` the copy only happens while the
   * source still has that ETag (PreconditionFailedError otherwise), so the bytes copied are the bytes analysed.
   */
  copy(sourceKey: string, destinationKey: string, options?: { ifMatch?: string }): Promise<ObjectInfo>;
  /** Size and ETag of an object. Throws ObjectNotFoundError when it does not exist. */
  stat(key: string): Promise<ObjectInfo>;
  /** Deletes an object; deleting one that does not exist is not an error. */
  remove(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Resolves when the bucket can be read and written; throws with the reason otherwise. */
  check(): Promise<void>;
}
