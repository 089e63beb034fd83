export class ObjectNotFoundError extends Error {
  /** `file`: where the local-folder store looked, so an operator sees where to put the dataset. */
  constructor(
    readonly bucket: string,
    readonly key: string,
    file?: string,
  ) {
    super(`Object "${key}" not found in bucket "${bucket}"${file ? ` (no file ${file})` : ""}`);
    this.name = "ObjectNotFoundError";
  }
}

/** A conditional copy found the source changed since it was read. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly expectedEtag: string,
  ) {
    super(`Object "${key}" in bucket "${bucket}" changed since it was read (expected ETag ${expectedEtag})`);
    this.name = "PreconditionFailedError";
  }
}
