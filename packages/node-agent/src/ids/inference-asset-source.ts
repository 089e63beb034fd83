/** What the v3 deploy needs to know about an experiment's inference image. */
export interface InferenceAsset {
  /** Image reference to pull, e.g. "registry.example:5000/redwine:prod". */
  image: string;
  /** Port the inference REST API listens on inside the container. */
  internalPort: number;
  /** The source's whole answer, for logs and for the caller's reply. */
  raw: unknown;
}

/**
 * Where the inference metadata of an experiment comes from (the local IDS agent in production).
 * Rejects with an IdsLookupError: asset-not-found when the source knows no such experiment, another kind when the
 * source is not configured or fails.
 */
export interface InferenceAssetSource {
  lookup(expId: string): Promise<InferenceAsset>;
}
