import type { CsvLimits } from "../csv/limits.js";
import { type DriftEngineSettings, detectDrift } from "../drift/detect-drift.js";
import type { DriftOptions } from "../drift/options.js";
import { renderHtmlReport, reportJson } from "../report/index.js";
import type { DriftAnalysis } from "./drift-pipeline.js";

/** The drift core (engine + report builders) with the service's configured options, CSV limits and engine settings. */
export function coreAnalysis(options: DriftOptions, limits: CsvLimits, engine: DriftEngineSettings = {}): DriftAnalysis {
  return {
    limits,
    detect: (reference, current) => detectDrift(reference, current, options, limits, engine),
    renderReports: (result, meta) => ({
      html: renderHtmlReport(result, meta),
      json: `${JSON.stringify(reportJson(result, meta), null, 2)}\n`,
    }),
  };
}
