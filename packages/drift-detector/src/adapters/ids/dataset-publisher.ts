/** A dataset the data space should offer: where it lies in the storage and which experiment it belongs to. */
export interface DatasetAsset {
  experimentId: string;
  description: string;
  bucket: string;
  path: string;
}

export interface IdsPublication {
  status: number;
  answer: unknown;
}

/** Announcing new datasets to the IDS provider (the CLARUS data space connector); the pipeline sees only this. */
export interface DatasetPublisher {
  publishDataset(asset: DatasetAsset): Promise<IdsPublication>;
  ping(): Promise<void>;
}
