import { randomBytes } from "node:crypto";
import { access, constants, type FileHandle, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileProblem, UsageError } from "./usage-error.js";

/** Refuses a report path that cannot be written, before a long comparison would end in "cannot write". */
export async function checkReportTarget(path: string): Promise<void> {
  const folder = dirname(path);
  const folderInfo = await stat(folder).catch(() => undefined);
  if (!folderInfo?.isDirectory()) {
    const why = folderInfo ? "is not a folder" : "does not exist";
    throw new UsageError(`${path}: cannot write the report: folder ${folder} ${why}`);
  }
  if ((await stat(path).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`${path}: cannot write the report: it is a folder; name a file, e.g. ${path}/drift.html`);
  }
  await access(folder, constants.W_OK).catch((error: unknown) => {
    throw new UsageError(`${path}: cannot write the report: ${fileProblem(error)} on folder ${folder}`);
  });
}

/**
 * Written beside the target under a fresh random name, then renamed: a failed write never leaves half a report. The
 * temporary file is created exclusively and never through a symbolic link, so a link planted in the folder cannot
 * redirect the write to another file; the rename replaces `path` itself, never what a link there points to.
 */
export async function writeReportFile(path: string, html: string): Promise<void> {
  const partial = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.partial`);
  let file: FileHandle | undefined;
  try {
    file = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    await file.writeFile(html);
    await file.close();
    file = undefined;
    await rename(partial, path);
  } catch (error) {
    if (file) await file.close().catch(() => undefined);
    // Only a file this run created is removed: O_EXCL failing means the name was someone else's.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") await rm(partial, { force: true });
    throw new UsageError(`${path}: cannot write the report: ${fileProblem(error)}`);
  }
}
