import { type ColumnMessage, columnFromMessage, columnToMessage } from "../csv/table-transfer.js";
import type { ColumnSide, ColumnTask } from "./compare-column.js";
import { DriftOptionsError } from "./options-error.js";
import type { ColumnDrift, UntestedColumn } from "./result.js";

/** A ColumnTask as it is posted to a thread comparing columns. */
export interface ColumnTaskMessage {
  column: string;
  reference: SideMessage;
  current: SideMessage;
}

type SideMessage = Omit<ColumnSide, "values"> & { values: ColumnMessage };

export type ToColumnThread = { id: number; task: ColumnTaskMessage };
export type FromColumnThread =
  | { id: number; outcome: ColumnDrift | UntestedColumn }
  | { id: number; error: { name: string; message: string; stack?: string } };

/** The task as plain data; its number chunks go into `transfer`, so the sending thread no longer holds them. */
export function taskToMessage(task: ColumnTask, transfer: ArrayBuffer[]): ColumnTaskMessage {
  const side = ({ values, ...rest }: ColumnSide): SideMessage => ({ ...rest, values: columnToMessage(values, transfer) });
  return { column: task.column, reference: side(task.reference), current: side(task.current) };
}

export function taskFromMessage(message: ColumnTaskMessage): ColumnTask {
  const side = ({ values, ...rest }: SideMessage): ColumnSide => ({ ...rest, values: columnFromMessage(values) });
  return { column: message.column, reference: side(message.reference), current: side(message.current) };
}

export function errorToMessage(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack && { stack: error.stack }) };
  return { name: "Error", message: String(error) };
}

/** The error a thread comparing a column reported, as the same class where the callers tell them apart. */
export function errorFromMessage(error: { name: string; message: string; stack?: string }): Error {
  if (error.name === "DriftOptionsError") return new DriftOptionsError(error.message);
  return new Error(`comparing a column failed on its thread: ${error.stack ?? error.message}`);
}
