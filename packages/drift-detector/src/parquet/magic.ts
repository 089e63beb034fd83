/** The four bytes a Parquet file starts (and ends) with. */
export const PARQUET_MAGIC = "PAR1";

/** True when the bytes start as a Parquet file does. */
export function isParquet(head: Uint8Array): boolean {
  return head.length >= 4 && String.fromCharCode(head[0] ?? 0, head[1] ?? 0, head[2] ?? 0, head[3] ?? 0) === PARQUET_MAGIC;
}
