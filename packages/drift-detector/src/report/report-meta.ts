/** What the report says about where the data came from; the drift result says what was found. */
export interface ReportMeta {
  experimentId?: string;
  /** Path or URL of the reference dataset, e.g. `s3://clarus/uc_wine/winequality-red.csv`. */
  referenceSource: string;
  /** Path or URL of the new dataset compared with the reference. */
  currentSource: string;
  generatedAt: Date;
  detectorVersion: string;
  title?: string;
  /** When each dataset was last modified (e.g. the object's Last-Modified in S3), when known. */
  referenceModifiedAt?: Date;
  currentModifiedAt?: Date;
  /** Path of the experiment's monitor page on the detector, linked as "previous runs of this experiment". */
  monitorPath?: string;
}

/** A report asked for with metadata it cannot print truthfully. */
export class ReportInputError extends Error {
  override readonly name = "ReportInputError";
}

export function checkReportMeta(meta: ReportMeta): void {
  for (const field of ["referenceSource", "currentSource", "detectorVersion"] as const) {
    if (typeof meta[field] !== "string" || meta[field].trim() === "") {
      throw new ReportInputError(`report metadata: ${field} must be a non-empty string`);
    }
  }
  for (const field of ["generatedAt", "referenceModifiedAt", "currentModifiedAt"] as const) {
    const instant = meta[field];
    if (instant === undefined && field !== "generatedAt") continue;
    if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
      throw new ReportInputError(`report metadata: ${field} must be a valid Date`);
    }
  }
}

export function reportTitle(meta: ReportMeta): string {
  if (meta.title !== undefined && meta.title.trim() !== "") return meta.title;
  return meta.experimentId ? `Data drift report: ${meta.experimentId}` : "Data drift report";
}
