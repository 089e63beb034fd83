import { closeSync, createWriteStream, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type NumberColumnState, stateArrays } from "../../csv/number-column.js";
import type { DatasetSide, ScratchSpace } from "../../drift/read-dataset.js";

/**
 * Where one spilled part of a column lies in its file (`elements` typed-array elements from `offset`), and how its
 * values are stored: the part's state without its arrays.
 */
type PartOnDisk = { offset: number; elements: number; layout: PartLayout };
type PartLayout =
  | Omit<Extract<NumberColumnState, { storage: "int32" }>, "chunks">
  | Omit<Extract<NumberColumnState, { storage: "float64" }>, "chunks">
  | Omit<Extract<NumberColumnState, { storage: "counts" }>, "counts">;

/** Scratch folders of runs still going; removed when the process exits, however it ends (a signal included). */
const liveFolders = new Set<string>();
let removalOnExitInstalled = false;

/**
 * A run's scratch space: a private folder (mode 0700, as mkdtemp makes it) under `parent`, made on first use and
 * removed by `dispose()`, or on exit if the process ends first (a SIGTERM turned into `process.exit`). Spilled
 * numbers go to one file per column and side, raw as they were stored (4 or 8 bytes a value), parts one after the
 * other; where each part lies is kept here.
 */
export class TempScratchSpace implements ScratchSpace {
  private folder: string | undefined;
  private files = 0;
  private readonly columns = new Map<string, { path: string; parts: PartOnDisk[]; length: number }>();

  constructor(private readonly parent: string) {}

  async spool(stream: AsyncIterable<Uint8Array>, _name: string): Promise<string> {
    const path = join(this.ensureFolder(), `dataset-${++this.files}.bin`);
    await pipeline(Readable.from(stream), createWriteStream(path, { flags: "wx", mode: 0o600 }));
    return path;
  }

  appendNumbers(side: DatasetSide, column: string, part: NumberColumnState): void {
    const key = `${side}\u0000${column}`;
    let file = this.columns.get(key);
    if (!file) {
      file = { path: join(this.ensureFolder(), `${side}-column-${this.columns.size + 1}.bin`), parts: [], length: 0 };
      this.columns.set(key, file);
    }
    const descriptor = openSync(file.path, "a", 0o600);
    let elements = 0;
    let bytes = 0;
    try {
      for (const array of stateArrays(part)) {
        writeSync(descriptor, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
        elements += array.length;
        bytes += array.byteLength;
      }
    } finally {
      closeSync(descriptor);
    }
    file.parts.push({ offset: file.length, elements, layout: layoutOf(part) });
    file.length += bytes;
  }

  holdsNumbers(side: DatasetSide, column: string): boolean {
    return this.columns.has(`${side}\u0000${column}`);
  }

  *readNumbers(side: DatasetSide, column: string): Generator<NumberColumnState> {
    const file = this.columns.get(`${side}\u0000${column}`);
    if (!file) return;
    const descriptor = openSync(file.path, "r");
    try {
      for (const { offset, elements, layout } of file.parts) {
        const read = <T extends Int32Array | Float64Array | Uint32Array>(values: T): T => {
          const bytes = new Uint8Array(values.buffer);
          for (let done = 0; done < bytes.length; ) {
            const got = readSync(descriptor, bytes, done, bytes.length - done, offset + done);
            if (got === 0) throw new Error(`scratch file ${file.path} is shorter than what was written to it`);
            done += got;
          }
          return values;
        };
        if (layout.storage === "int32") yield { ...layout, chunks: [read(new Int32Array(elements))] };
        else if (layout.storage === "float64") yield { ...layout, chunks: [read(new Float64Array(elements))] };
        else yield { ...layout, counts: read(new Uint32Array(elements)) };
      }
    } finally {
      closeSync(descriptor);
    }
  }

  async dispose(): Promise<void> {
    const folder = this.folder;
    if (folder === undefined) return;
    this.folder = undefined;
    this.columns.clear();
    await rm(folder, { recursive: true, force: true });
    liveFolders.delete(folder);
  }

  private ensureFolder(): string {
    if (this.folder === undefined) {
      this.folder = mkdtempSync(join(this.parent, "clarus-drift-"));
      installRemovalOnExit();
      liveFolders.add(this.folder);
    }
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

/** A part's state without its arrays. */
function layoutOf(part: NumberColumnState): PartLayout {
  if (part.storage === "counts") {
    const { counts: _counts, ...layout } = part;
    return layout;
  }
  const { chunks: _chunks, ...layout } = part;
  return layout;
}
