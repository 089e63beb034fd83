import { createHash } from "node:crypto";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import type { ObjectInfo, ObjectStore } from "../adapters/storage/object-store.js";
import { messageOf } from "./run-failure.js";

/** A content as a run knows it: size, ETag and, once analysed, SHA-256. */
export interface ExpectedContent {
  size: number;
  etag: string;
  sha256?: string | undefined;
}

/** What an object holds now, read back after a write whose answer may not tell the truth. */
export type ContentRead = { kind: "found"; info: ObjectInfo } | { kind: "missing" } | { kind: "unreadable"; reason: string };

export async function readContent(store: ObjectStore, key: string): Promise<ContentRead> {
  try {
    return { kind: "found", info: await store.stat(key) };
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return { kind: "missing" };
    return { kind: "unreadable", reason: messageOf(err) };
  }
}

/**
 * Whether an object holds the expected content: same size and ETag; multipart ETags (`<md5>-<parts>`) need not survive
 * a server-side copy, so for those the object's SHA-256 is compared with the one taken while the source was analysed.
 */
export async function sameContent(store: ObjectStore, info: ObjectInfo, expected: ExpectedContent): Promise<boolean> {
  if (info.size !== expected.size) return false;
  if (info.etag === expected.etag) return true;
  if (!(info.etag.includes("-") || expected.etag.includes("-")) || expected.sha256 === undefined) return false;
  const hash = createHash("sha256");
  for await (const chunk of await store.get(info.key)) hash.update(chunk as Buffer);
  return hash.digest("hex") === expected.sha256;
}
