import { createWriteStream, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ScratchSpace } from "../../drift/read-dataset.js";

/** Scratch folders of runs still going; removed when the process exits, however it ends (a signal included). */
const liveFolders = new Set<string>();
let removalOnExitInstalled = false;

/**
 * A run's scratch space: a private folder (mode 0700, as mkdtemp makes it) under `parent`, made on first use and
 * removed by `dispose()`, or on exit if the process ends first (a SIGTERM turned into `process.exit`).
 */
export class TempScratchSpace implements ScratchSpace {
  private folder: Promise<string> | undefined;
  private files = 0;

  constructor(private readonly parent: string) {}

  async spool(stream: AsyncIterable<Uint8Array>, _name: string): Promise<string> {
    const path = join(await this.ensureFolder(), `dataset-${++this.files}.bin`);
    await pipeline(Readable.from(stream), createWriteStream(path, { flags: "wx", mode: 0o600 }));
    return path;
  }

  async dispose(): Promise<void> {
    if (!this.folder) return;
    const folder = await this.folder.catch(() => undefined);
    this.folder = undefined;
    if (folder === undefined) return;
    await rm(folder, { recursive: true, force: true });
    liveFolders.delete(folder);
  }

  private ensureFolder(): Promise<string> {
    this.folder ??= mkdtemp(join(this.parent, "clarus-drift-")).then((folder) => {
      installRemovalOnExit();
      liveFolders.add(folder);
      return folder;
    });
    return this.folder;
  }
}

function installRemovalOnExit(): void {
  if (removalOnExitInstalled) return;
  removalOnExitInstalled = true;
  process.on("exit", () => {
    for (const folder of liveFolders) rmSync(folder, { recursive: true, force: true });
  });
}
