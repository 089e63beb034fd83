export class ObjectNotFoundError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`Object "${key}" not found in bucket "${bucket}"`);
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
