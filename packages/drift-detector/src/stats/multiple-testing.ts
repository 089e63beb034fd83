// Multiple-testing corrections of per-column p-values (off by default, for Evidently parity): Bonferroni, and
// Benjamini & Hochberg, J. R. Stat. Soc. B 57(1) (1995) step-up adjusted p-values (as statsmodels `multipletests`).

export const P_VALUE_CORRECTIONS = ["none", "bonferroni", "benjamini-hochberg"] as const;
export type PValueCorrection = (typeof P_VALUE_CORRECTIONS)[number];

/** Adjusted p-values in input order; null entries (distance tests) stay null and do not count as tests. */
export function adjustPValues(pValues: ReadonlyArray<number | null>, method: PValueCorrection): Array<number | null> {
  const tested = pValues.flatMap((p, index) => (p === null ? [] : [{ p, index }]));
  for (const { p, index } of tested) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at position ${index} must lie in [0, 1], got ${p}`);
  }
  const adjusted = [...pValues];
  const m = tested.length;
  if (method === "bonferroni") {
    for (const { p, index } of tested) adjusted[index] = Math.min(1, p * m);
  } else if (method === "benjamini-hochberg") {
    // q_(i) = min over j ≥ i of m·p_(j)/j, for p-values ranked ascending.
    tested.sort((a, b) => a.p - b.p);
    let runningMin = 1;
    for (let rank = m; rank >= 1; rank--) {
      const { p, index } = tested[rank - 1]!;
      runningMin = Math.min(runningMin, (p * m) / rank);
      adjusted[index] = runningMin;
    }
  }
  return adjusted;
}
