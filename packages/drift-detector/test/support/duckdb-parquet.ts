// Parquet files written by DuckDB (@duckdb/node-api), an implementation independent of the reader under test.
import { DuckDBInstance } from "@duckdb/node-api";

/** Runs DuckDB statements (COPY … TO '….parquet' …) on a fresh in-memory database. */
export async function duckdb(...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const statement of statements) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A path as a single-quoted SQL string literal. */
export function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}
