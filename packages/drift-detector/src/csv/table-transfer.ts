import type { MessagePort } from "node:worker_threads";
import type { ColumnValues } from "./column-accumulator.js";
import { CsvFormatError } from "./errors.js";
import { CsvLimitError, type CsvLimitName } from "./limits.js";
import { NumberColumn, type NumberColumnState, stateArrays } from "./number-column.js";
import type { NumberSpill } from "./number-spill.js";
import type { CsvTable, NumberPart } from "./table-builder.js";

/**
 * Chunks from this size up are transferred; smaller ones are copied, which costs less than detaching a buffer (a
 * 100,000-column file of two rows spent seconds in postMessage transferring 100,000 tiny buffers).
 */
const TRANSFER_FROM_BYTES = 1 << 16;

/** One column as it crosses threads: plain data, the large number chunks transferable. */
export type ColumnMessage =
  | { kind: "numbers"; numbers: NumberColumnState; integerOnly: boolean; missing: number }
  | { kind: "labels"; counts: Map<string, number>; missing: number };

/** A CsvTable as a worker thread posts it: plain data, the large number chunks transferred rather than copied. */
export interface TableMessage {
  file: string;
  delimiter: string;
  rows: number;
  columns: Array<{ name: string } & ColumnMessage>;
  untestable?: Map<string, string>;
}

/** Numbers a reading thread hands over to be spilled. */
export interface SpillMessage {
  type: "spill";
  parts: NumberPart[];
}

/** What a reading thread answers: the table, or why the file is not one. */
export type ReadOutcome =
  | { type: "table"; table: TableMessage }
  | { type: "csv-error"; file: string; detail: string; row?: number; column?: string }
  | {
      type: "csv-limit";
      file: string;
      limit: CsvLimitName;
      cap: { value: number; setting: string };
      what: string;
      row?: number;
      column?: string;
    }
  | { type: "error"; message: string };

export function tableToMessage(table: CsvTable): { message: TableMessage; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const columns = [...table.columns].map(([name, values]) => ({ name, ...columnToMessage(values, transfer) }));
  const { file, delimiter, rows, untestable } = table;
  return { message: { file, delimiter, rows, columns, ...(untestable && { untestable }) }, transfer };
}

export function tableFromMessage(message: TableMessage): CsvTable {
  const columns = new Map<string, ColumnValues>();
  for (const column of message.columns) columns.set(column.name, columnFromMessage(column));
  const { file, delimiter, rows, untestable } = message;
  return { file, delimiter, rows, columns, ...(untestable && { untestable }) };
}

/** A column to post to another thread; the buffers of its large number chunks are added to `transfer`. */
export function columnToMessage(values: ColumnValues, transfer: ArrayBuffer[]): ColumnMessage {
  if (values.kind === "labels") return values;
  const numbers = values.numbers.state();
  for (const chunk of stateArrays(numbers)) {
    if (chunk.buffer.byteLength >= TRANSFER_FROM_BYTES) transfer.push(chunk.buffer as ArrayBuffer);
  }
  return { kind: "numbers", numbers, integerOnly: values.integerOnly, missing: values.missing };
}

export function columnFromMessage(message: ColumnMessage): ColumnValues {
  if (message.kind === "labels") return { kind: "labels", counts: message.counts, missing: message.missing };
  const { numbers, integerOnly, missing } = message;
  return { kind: "numbers", numbers: NumberColumn.fromState(numbers), integerOnly, missing };
}

export function errorToOutcome(error: unknown): ReadOutcome {
  if (error instanceof CsvLimitError) {
    const cap = { value: error.limitValue, setting: error.setting };
    return { type: "csv-limit", file: error.file, limit: error.limit, cap, what: error.what, ...placeOf(error) };
  }
  if (error instanceof CsvFormatError) return { type: "csv-error", file: error.file, detail: error.detail, ...placeOf(error) };
  return { type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

export function errorFromOutcome(outcome: Exclude<ReadOutcome, { type: "table" }>): Error {
  if (outcome.type === "csv-limit") {
    return new CsvLimitError(outcome.file, outcome.limit, outcome.cap, outcome.what, placeOf(outcome));
  }
  if (outcome.type === "csv-error") return new CsvFormatError(outcome.file, outcome.detail, placeOf(outcome));
  return new Error(`reading thread failed: ${outcome.message}`);
}

/** Row and column, only those that are known. */
function placeOf(where: { row?: number | undefined; column?: string | undefined }): { row?: number; column?: string } {
  return {
    ...(where.row !== undefined && { row: where.row }),
    ...(where.column !== undefined && { column: where.column }),
  };
}

/**
 * A reading thread's spill: numbers past the threshold are posted to the main thread, which writes them to disk;
 * their buffers move, not copied. None without a threshold.
 */
export function spillToMainThread(port: MessagePort, thresholdBytes: number | undefined): NumberSpill | undefined {
  if (thresholdBytes === undefined) return undefined;
  return {
    thresholdBytes,
    take: (parts) => {
      const transfer = parts.flatMap((part) => stateArrays(part.state).map((array) => array.buffer as ArrayBuffer));
      port.postMessage({ type: "spill", parts } satisfies SpillMessage, transfer);
    },
  };
}
