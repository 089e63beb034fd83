import type { DriftResult } from "../drift/result.js";
import { formatPercent } from "./format-number.js";

export interface Verdict {
  /** "Drift detected" or "No drift detected". */
  headline: string;
  /** One sentence with the drifted share and the threshold it was compared with. */
  explanation: string;
}

/** The dataset verdict in words; the numbers come from the result so the words cannot disagree with it. */
export function verdictOf(result: DriftResult): Verdict {
  const tested = result.columns.length;
  const drifted = result.number_of_drifted_columns;
  const share = formatPercent(result.drift_share);
  const threshold = formatPercent(result.drift_share_threshold);
  const counted = `${drifted} of ${tested} tested ${tested === 1 ? "column" : "columns"} drifted (${share})`;
  if (tested === 0) {
    return {
      headline: result.drift_detected ? "Drift detected" : "No drift detected",
      explanation: "No column could be tested, so there is no evidence of drift either way.",
    };
  }
  return result.drift_detected
    ? {
        headline: "Drift detected",
        explanation: `${counted}, reaching the ${threshold} share at which the dataset counts as drifted.`,
      }
    : {
        headline: "No drift detected",
        explanation: `${counted}, below the ${threshold} share at which the dataset counts as drifted.`,
      };
}
