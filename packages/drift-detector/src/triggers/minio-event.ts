import { z } from "zod";

/** MinIO sends one record per notification; S3-style batches hold up to a handful. More is not a notification. */
export const MAX_EVENT_RECORDS = 100;

const recordSchema = z
  .looseObject({
    eventName: z.string().min(1).max(100).meta({ example: "s3:ObjectCreated:Put" }),
    s3: z.looseObject({
      bucket: z.looseObject({ name: z.string().min(1).max(63).meta({ example: "datasets" }) }),
      object: z.looseObject({
        key: z.string().min(1).max(3072).meta({
          description: "URL-encoded as MinIO sends it (uc_wine%2Fbatches%2Fb1.csv)",
          example: "uc_wine%2Fbatches%2F2026-12-05T10-00.csv",
        }),
        size: z.number().int().nonnegative().optional(),
        eTag: z.string().max(100).optional().meta({ example: "0c5b7b3f2e1f4b0f8a2c9d9e6a1b2c3d" }),
        sequencer: z.string().max(100).optional(),
      }),
    }),
  })
  .meta({ description: "One S3 event record (MinIO's fields beyond these are accepted and ignored)" });

/** The body MinIO's webhook target posts (`notify_webhook`): `EventName`, `Key` and S3-style `Records`. */
export const minioEventSchema = z
  .looseObject({
    EventName: z.string().max(100).optional().meta({ example: "s3:ObjectCreated:Put" }),
    Key: z
      .string()
      .max(3200)
      .optional()
      .meta({ description: "bucket/object, not encoded", example: "datasets/uc_wine/batches/2026-12-05T10-00.csv" }),
    Records: z.array(recordSchema).min(1, "must hold at least one record").max(MAX_EVENT_RECORDS),
  })
  .meta({ description: "A MinIO bucket notification (webhook target)" });
export type MinioEvent = z.output<typeof minioEventSchema>;

export interface StorageChange {
  kind: "created" | "removed" | "other";
  eventName: string;
  bucket: string;
  key: string;
  etag: string | undefined;
  size: number | undefined;
}

/** The object keys in records are query-escaped by MinIO (`/` as %2F, space as +). */
function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, " "));
}

/** The changes an event reports; throws EventKeyError naming the record whose key cannot be decoded. */
export function changesOf(event: MinioEvent): StorageChange[] {
  return event.Records.map((record, index) => {
    let key: string;
    try {
      key = decodeKey(record.s3.object.key);
    } catch {
      throw new EventKeyError(index, record.s3.object.key);
    }
    const name = record.eventName.replace(/^s3:/, "");
    return {
      kind: name.startsWith("ObjectCreated:") ? "created" : name.startsWith("ObjectRemoved:") ? "removed" : "other",
      eventName: record.eventName,
      bucket: record.s3.bucket.name,
      key,
      etag: record.s3.object.eTag?.replace(/^"|"$/g, ""),
      size: record.s3.object.size,
    };
  });
}

export class EventKeyError extends Error {
  constructor(
    readonly index: number,
    readonly key: string,
  ) {
    super(`Records.${index}.s3.object.key is not a URL-encoded object key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = "EventKeyError";
  }
}
