import type { NumberPart } from "./table-builder.js";

/**
 * Where a reader hands the numbers it holds once they pass `thresholdBytes` (to be written to disk), and after that
 * first time, every time they pass an eighth of it (`laterSpillThreshold`).
 */
export interface NumberSpill {
  thresholdBytes: number;
  take(parts: NumberPart[]): void;
}

/**
 * The threshold after a first spill. A file that spilled once is large, and its comparison will need its sorted
 * columns (16 bytes a value of both files); the memory its reading leaves behind (numbers held, and what the
 * allocator keeps of them once freed) then adds to that. Measured on 20 M-row pairs with the default 512 MiB budget:
 * spilling every 128 MiB peaked at 820–890 MiB, every 16 MiB after the first time at 543–666 MiB; a file smaller
 * than the first threshold never spills.
 */
export function laterSpillThreshold(spill: NumberSpill): number {
  return spill.thresholdBytes / 8;
}
