import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { access, constants, copyFile, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UpstreamError } from "@clarus/common";
import { ObjectNotFoundError, PreconditionFailedError } from "./errors.js";
import type { ObjectInfo, ObjectStore } from "./object-store.js";

const TEMP_MARKER = ".partial-";

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Storage in a folder, laid out as `<dataDir>/<bucket>/<key>`, for machines without MinIO. Writes are temp file + rename. */
export class LocalFolderStore implements ObjectStore {
  /** `DATA_DIR/<bucket>`: what answers and reports show; the absolute folder stays out of them. */
  readonly location: string;
  /** The bucket's folder on this machine. */
  readonly folder: string;

  constructor(
    dataDir: string,
    readonly bucket: string,
  ) {
    this.folder = join(dataDir, bucket);
    this.location = `DATA_DIR/${bucket}`;
  }

  get(key: string): Promise<Readable> {
    return this.guard(`read ${key}`, () => this.getUnguarded(key));
  }

  put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    return this.guard(`write ${key}`, () => this.putUnguarded(key, body, contentType));
  }

  copy(sourceKey: string, destinationKey: string, options: { ifMatch?: string } = {}): Promise<ObjectInfo> {
    return this.guard(`copy ${sourceKey} to ${destinationKey}`, () => this.copyUnguarded(sourceKey, destinationKey, options));
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.guard(`stat ${key}`, () => this.statUnguarded(key));
  }

  remove(key: string): Promise<void> {
    return this.guard(`delete ${key}`, () => rm(this.pathOf(key), { force: true }));
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.guard(`list ${prefix}`, () => this.listUnguarded(prefix));
  }

  check(): Promise<void> {
    return this.guard("check the folder", () => this.checkUnguarded());
  }

  /** File-system failures (permissions, full disk, a file where a folder should be) become storage failures naming the operation. */
  private async guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof ObjectNotFoundError || err instanceof PreconditionFailedError || err instanceof UpstreamError) throw err;
      const code = (err as { code?: string }).code;
      throw new UpstreamError(
        "storage",
        "unreachable",
        `local folder ${this.location}: ${what}: ${this.shown(err instanceof Error ? err.message : String(err))}`,
        {
          cause: err,
          transient: false,
          ...(code ? { body: { code } } : {}),
        },
      );
    }
  }

  /** A text (a file path, an fs error) with the absolute folder replaced by `location`. */
  private shown(text: string): string {
    return text.split(this.folder).join(this.location);
  }

  private pathOf(key: string): string {
    const path = join(this.folder, ...key.split("/"));
    const inside = relative(this.folder, path);
    if (inside === "" || inside.startsWith("..") || inside.split(sep).includes("..")) {
      throw new Error(`Key "${key}" leaves the bucket folder`);
    }
    return path;
  }

  private async getUnguarded(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await this.statFile(key, path);
    return createReadStream(path);
  }

  private async putUnguarded(key: string, body: Buffer | string, _contentType: string): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = this.tempPath(path);
    try {
      await writeFile(temp, body);
      await rename(temp, path);
    } finally {
      await rm(temp, { force: true });
    }
    return this.stat(key);
  }

  private async copyUnguarded(
    sourceKey: string,
    destinationKey: string,
    options: { ifMatch?: string } = {},
  ): Promise<ObjectInfo> {
    const source = this.pathOf(sourceKey);
    const destination = this.pathOf(destinationKey);
    await mkdir(dirname(destination), { recursive: true });
    const temp = this.tempPath(destination);
    try {
      try {
        await copyFile(source, temp);
      } catch (err) {
        if (isMissing(err)) throw new ObjectNotFoundError(this.bucket, sourceKey, this.shown(source));
        throw err;
      }
      // Checked on the copied bytes, so a writer racing the copy cannot slip different content through.
      if (options.ifMatch !== undefined && (await md5Of(temp)) !== options.ifMatch) {
        throw new PreconditionFailedError(this.bucket, sourceKey, options.ifMatch);
      }
      await rename(temp, destination);
    } finally {
      await rm(temp, { force: true });
    }
    return this.stat(destinationKey);
  }

  private async statUnguarded(key: string): Promise<ObjectInfo> {
    return this.statFile(key, this.pathOf(key));
  }

  private async listUnguarded(prefix: string): Promise<ObjectInfo[]> {
    // Only the folder the prefix names is walked, not the whole bucket.
    const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    let entries: string[];
    try {
      entries = await readdir(folder ? this.pathOf(folder) : this.folder, { recursive: true });
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const keys = entries
      .map((entry) => folder + entry.split(sep).join("/"))
      .filter((key) => key.startsWith(prefix) && !key.split("/").pop()?.startsWith(TEMP_MARKER))
      .sort();
    const infos: ObjectInfo[] = [];
    for (const key of keys) {
      const info = await this.statFile(key, this.pathOf(key)).catch((err: unknown) => {
        if (err instanceof ObjectNotFoundError || (err as { code?: string }).code === "EISDIR") return undefined;
        throw err;
      });
      if (info) infos.push(info);
    }
    return infos;
  }

  private async checkUnguarded(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    await access(this.folder, constants.R_OK | constants.W_OK);
  }

  private async statFile(key: string, path: string): Promise<ObjectInfo> {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error(`${this.shown(path)} is a folder`), { code: "EISDIR" });
      return { key, size: info.size, etag: await md5Of(path), lastModified: info.mtime };
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(this.bucket, key, this.shown(path));
      throw err;
    }
  }

  private tempPath(path: string): string {
    return join(dirname(path), `${TEMP_MARKER}${randomBytes(6).toString("hex")}`);
  }
}

/** MD5 hex of a file: the ETag S3 gives a single-part upload, so both stores fingerprint content alike. */
async function md5Of(path: string): Promise<string> {
  const hash = createHash("md5");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}
