import { type CsvLimits, csvLimits } from "../csv/limits.js";
import { ThreadGroup } from "../threads/thread-group.js";
import type { CollectGarbage } from "./collect-garbage.js";
import { DEFAULT_DRIFT_OPTIONS } from "./default-options.js";
import type { DriftOptions } from "./options.js";
import { type DatasetSide, type DatasetSource, readDataset, type ScratchSpace } from "./read-dataset.js";
import type { DriftResult } from "./result.js";

/** How a run uses the machine; none of it changes a result. */
export interface DriftEngineSettings {
  /** Most threads comparing columns at once (default: one per core). */
  workers?: number;
  /**
   * A new scratch space for a run: where a Parquet object is written to be read by range, and numbers are spilled
   * past the memory budget. Without one, everything is held in memory.
   */
  scratchSpace?: () => ScratchSpace;
  /** Bytes of values a run may hold in memory (default 512 MiB): half while reading, half while testing. */
  memoryBudgetBytes?: number;
  /**
   * Called on the run's thread after it lets go of large arrays: each batch of numbers spilled, each spilled column
   * joined again. Without one, V8 frees them at its next collection of its own.
   */
  collectGarbage?: CollectGarbage;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 512 * 1024 ** 2;
/**
 * Compares every column the two files share, each with its own test (its verdict corrected for multiple testing
 * when the options ask), and gives the dataset verdict: drift when the share of drifted columns reaches `drift_share`.
 * Both files, each CSV or Parquet, are read at the same time, each within `limits`.
 */
export async function detectDrift(
  reference: DatasetSource,
  current: DatasetSource,
  options: DriftOptions = DEFAULT_DRIFT_OPTIONS,
  limits: CsvLimits = csvLimits({}, (name) => `the ${name} limit`),
  engine: DriftEngineSettings = {},
): Promise<DriftResult> {
  const scratch = engine.scratchSpace?.();
  const budget = engine.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const collectGarbage = engine.collectGarbage ?? (() => {});
  const threads = new ThreadGroup();
  try {
    // The first file to fail stops the reading of the other. Each may hold a quarter of the budget before spilling.
    const abort = new AbortController();
    const memory = { scratch, spillThresholdBytes: budget / 4, collectGarbage };
    const read = (source: DatasetSource, side: DatasetSide) =>
      readDataset(source, side, limits, memory, threads, abort.signal).catch((error: unknown) => {
        abort.abort(error);
        throw error;
      });
    // The tests' modules load while the files are read: the readers start without waiting for them.
    const [referenceTable, currentTable, { compareTables }] = await Promise.all([
      read(reference, "reference"),
      read(current, "current"),
      import("./compare-tables.js"),
    ]);
    return await compareTables([referenceTable, currentTable], {
      options,
      limits,
      workers: engine.workers,
      budget,
      scratch,
      collectGarbage,
      threads,
    });
  } finally {
    await threads.stopAll();
    await scratch?.dispose();
  }
}
