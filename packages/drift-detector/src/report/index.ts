export { REPORT_CONTENT_SECURITY_POLICY_HEADER } from "./content-security-policy.js";
export { renderHtmlReport } from "./html-report.js";
export { reportJson } from "./report-json.js";
export { ReportInputError, type ReportMeta } from "./report-meta.js";
export { verdictOf } from "./verdict.js";
