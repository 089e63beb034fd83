import { describe, expect, it } from "vitest";
import { SAMPLE_META, wineLikeResult } from "../../test/report/sample-results.js";
import { renderHtmlReport, reportJson, verdictOf } from "./index.js";

describe("reportJson", () => {
  it("carries the HTML report's verdict, metadata and column order as JSON", () => {
    const result = wineLikeResult();
    const json = reportJson(result, { ...SAMPLE_META, currentModifiedAt: new Date("2026-11-26T06:00:00Z") });
    expect(json).toMatchObject({
      format: "clarus-drift-report",
      format_version: 1,
      title: "Data drift report: Clarus_RedWine_experiment",
      verdict: { drift_detected: true, ...verdictOf(result) },
      experiment_id: "Clarus_RedWine_experiment",
      reference_source: SAMPLE_META.referenceSource,
      current_source: SAMPLE_META.currentSource,
      reference_modified_at: null,
      current_modified_at: "2026-11-26T06:00:00.000Z",
      generated_at: "2026-11-26T14:30:00.000Z",
      detector_version: "0.1.0",
    });
    const html = renderHtmlReport(result, SAMPLE_META);
    const htmlOrder = [...html.matchAll(/<tr id="row-\d+" data-name="([^"]*)"/g)].map((match) => match[1]);
    expect(json.result.columns.map((column) => column.column.toLowerCase())).toEqual(htmlOrder);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("keeps every field of the drift result", () => {
    const result = wineLikeResult();
    const { columns, ...rest } = reportJson(result, SAMPLE_META).result;
    const { columns: original, ...originalRest } = result;
    expect(rest).toEqual(originalRest);
    expect(new Set(columns)).toEqual(new Set(original));
  });

  it("refuses the same bad metadata as the HTML report", () => {
    expect(() => reportJson(wineLikeResult(), { ...SAMPLE_META, detectorVersion: "" })).toThrow(
      "detectorVersion must be a non-empty string",
    );
  });
});
