// The UCI red wine data (test/fixtures/winequality-red.csv) as columns, and the row selections and shifts that
// make_golden.py applies to it (same IEEE operations, so the values are bit-identical to pandas').
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface WineView {
  rows: [number, number] | "even" | "odd";
  shift?: Record<string, number>;
  scale?: Record<string, number>;
  /** Column → k: every k-th row of the view (0, k, 2k, …) is missing. */
  missing?: Record<string, number>;
}

export interface WineTable {
  columns: string[];
  values: Map<string, number[]>;
}

export function loadWine(): WineTable {
  const text = readFileSync(fileURLToPath(new URL("../../fixtures/winequality-red.csv", import.meta.url)), "utf8");
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header!.split(",").map((name) => name.replaceAll('"', ""));
  const values = new Map(columns.map((name) => [name, [] as number[]]));
  for (const line of lines) {
    const cells = line.split(",");
    for (const [i, name] of columns.entries()) values.get(name)!.push(Number(cells[i]));
  }
  return { columns, values };
}

/** One column of a view: its rows, then shifted (+) or scaled (×) when the view says so; NaN where a cell is missing. */
export function viewColumn(table: WineTable, view: WineView, column: string): number[] {
  const all = table.values.get(column)!;
  const rows =
    view.rows === "even"
      ? all.filter((_, i) => i % 2 === 0)
      : view.rows === "odd"
        ? all.filter((_, i) => i % 2 === 1)
        : all.slice(view.rows[0], view.rows[1]);
  const shift = view.shift?.[column];
  const scale = view.scale?.[column];
  const every = view.missing?.[column];
  return rows.map((v, i) =>
    every !== undefined && i % every === 0 ? Number.NaN : shift !== undefined ? v + shift : scale !== undefined ? v * scale : v,
  );
}

/** Counts per label, the categorical sample shape (labels as pandas prints the integers). */
export function labelCounts(values: number[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return counts;
}
