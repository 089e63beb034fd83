// Apart from the options schema, so that the threads comparing columns, which may throw it, do not load zod.

/** Options that do not fit the data (a column neither file has, a test the column's type cannot take). */
export class DriftOptionsError extends Error {
  override name = "DriftOptionsError";
}
