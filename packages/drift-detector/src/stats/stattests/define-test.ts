// Builds the drift tests from their measures, so that each verdict rule is stated once, by the test's `drifts`:
// Evidently's p-value tests default to 0.05 and drift when p < threshold (KS: p ≤ threshold); its distance tests
// default to 0.1 and drift when the distance ≥ threshold.
import type { ColumnSamples, ColumnType, DriftDecision, DriftTest, StatTestName, TestOutcome } from "../types.js";
import { requireNonEmpty, StatTestInputError } from "./samples.js";

interface TestSpec {
  name: StatTestName;
  label: string;
  allowedTypes: readonly ColumnType[];
}

export interface PValueMeasure extends TestSpec {
  /** The verdict rule when it is not Evidently's usual p < threshold. */
  drifts?: DriftDecision;
  /** The statistic and p-value of two non-empty samples, with a note when the case is degenerate. */
  measure(samples: ColumnSamples): { statistic: number; pValue: number; note?: string };
}

export interface DistanceMeasure extends TestSpec {
  /** The distance of two non-empty samples, with a note when the case is degenerate. */
  measure(samples: ColumnSamples): { distance: number; note?: string };
}

const pBelowThreshold: DriftDecision = (pValue, threshold) => pValue < threshold;
const distanceReachesThreshold: DriftDecision = (distance, threshold) => distance >= threshold;

export function definePValueTest({ drifts = pBelowThreshold, measure, ...spec }: PValueMeasure): DriftTest {
  return defineTest(spec, "p_value", 0.05, drifts, (samples) => {
    const { statistic, pValue, note } = measure(samples);
    return { statistic, p_value: pValue, decidedBy: pValue, note };
  });
}

export function defineDistanceTest({ measure, ...spec }: DistanceMeasure): DriftTest {
  return defineTest(spec, "distance", 0.1, distanceReachesThreshold, (samples) => {
    const { distance, note } = measure(samples);
    return { statistic: distance, p_value: null, decidedBy: distance, note };
  });
}

function defineTest(
  { name, label, allowedTypes }: TestSpec,
  kind: DriftTest["kind"],
  defaultThreshold: number,
  drifts: DriftDecision,
  measure: (samples: ColumnSamples) => {
    statistic: number;
    p_value: number | null;
    decidedBy: number;
    note?: string | undefined;
  },
): DriftTest {
  return {
    name,
    label,
    kind,
    defaultThreshold,
    allowedTypes,
    drifts,
    run(samples, threshold): TestOutcome {
      if (!allowedTypes.includes(samples.type)) {
        throw new StatTestInputError(
          `${name} applies to ${allowedTypes.join(" or ")} columns only, not to a ${samples.type} column`,
        );
      }
      requireNonEmpty(samples, name);
      const { statistic, p_value, decidedBy, note } = measure(samples);
      return { statistic, p_value, drifted: drifts(decidedBy, threshold), ...(note === undefined ? {} : { note }) };
    },
  };
}
