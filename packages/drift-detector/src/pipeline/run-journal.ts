import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type RunRecord, runRecordSchema } from "./run-record.js";

const RECORD_FILE = /^(.+)\.json$/;

/**
 * Run records written to a local folder before they go to storage, fsynced, and removed once storage has them: a
 * record survives a kill -9 at any instant and a storage outage, and is flushed to storage when it is back.
 */
export class RunJournal {
  constructor(readonly folder: string) {}

  /** Resolves with the text written, for `remove`. */
  async write(record: RunRecord): Promise<string> {
    await mkdir(this.folder, { recursive: true });
    const text = `${JSON.stringify(record, null, 2)}\n`;
    const path = this.pathOf(record.id);
    const temp = join(this.folder, `.partial-${randomBytes(6).toString("hex")}`);
    const file = await open(temp, "w");
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    await syncFolder(this.folder);
    return text;
  }

  /** Removes the entry if it still holds `text` (a later save of the same run may have replaced it meanwhile). */
  async remove(id: string, text: string): Promise<void> {
    if ((await this.readText(id)) === text) await rm(this.pathOf(id), { force: true });
  }

  /** The entry, and its text for `remove`; undefined when there is none or it is damaged (a torn write never renames). */
  async read(id: string): Promise<{ record: RunRecord; text: string } | undefined> {
    const text = await this.readText(id);
    if (text === undefined) return undefined;
    try {
      const parsed = runRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? { record: parsed.data, text } : undefined;
    } catch {
      return undefined;
    }
  }

  private async readText(id: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(id), "utf8");
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return undefined;
      throw err;
    }
  }

  /** Ids of the records waiting for storage. */
  async ids(): Promise<string[]> {
    try {
      return (await readdir(this.folder)).flatMap((name) => RECORD_FILE.exec(name)?.[1] ?? []);
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return [];
      throw err;
    }
  }

  private pathOf(id: string): string {
    return join(this.folder, `${id}.json`);
  }
}

/** A rename is durable only once its folder is synced. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
