// Builds a distance test: Evidently's distances share the default threshold 0.1 and drift when distance ≥ threshold.
import type { ColumnSamples, ColumnType, DriftTest, StatTestName, TestOutcome } from "../types.js";
import { requireNonEmpty, StatTestInputError } from "./samples.js";

export interface DistanceMeasure {
  name: StatTestName;
  label: string;
  allowedTypes: readonly ColumnType[];
  /** The distance of two non-empty samples, with a note when the case is degenerate. */
  measure(samples: ColumnSamples): { distance: number; note?: string };
}

export function defineDistanceTest({ name, label, allowedTypes, measure }: DistanceMeasure): DriftTest {
  return {
    name,
    label,
    kind: "distance",
    defaultThreshold: 0.1,
    allowedTypes,
    run(samples, threshold): TestOutcome {
      if (!allowedTypes.includes(samples.type)) {
        throw new StatTestInputError(
          `${name} applies to ${allowedTypes.join(" or ")} columns only, not to a ${samples.type} column`,
        );
      }
      requireNonEmpty(samples, name);
      const { distance, note } = measure(samples);
      return { statistic: distance, p_value: null, drifted: distance >= threshold, ...(note === undefined ? {} : { note }) };
    },
  };
}
