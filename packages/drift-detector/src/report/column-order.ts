import type { ColumnDrift } from "../drift/result.js";

/** Drifted columns first, then the largest effect size, then by name so equal columns keep a stable order. */
export function orderColumns(columns: readonly ColumnDrift[]): ColumnDrift[] {
  return [...columns].sort(
    (a, b) =>
      Number(b.drifted) - Number(a.drifted) ||
      effectForSort(b.effect_size) - effectForSort(a.effect_size) ||
      (a.column < b.column ? -1 : a.column > b.column ? 1 : 0),
  );
}

/** An effect size that could not be computed (NaN) sorts last instead of scrambling the order. */
function effectForSort(effect: number): number {
  return Number.isNaN(effect) ? Number.NEGATIVE_INFINITY : effect;
}
