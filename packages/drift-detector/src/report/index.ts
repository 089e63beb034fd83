export { renderHtmlReport } from "./html-report.js";
export { type DriftReportJson, reportJson } from "./report-json.js";
export { ReportInputError, type ReportMeta } from "./report-meta.js";
export { type Verdict, verdictOf } from "./verdict.js";
