import { httpCall, quoteUpstream, type RetryPolicy, UpstreamError } from "@clarus/common";
import type { IdsConfig } from "../../config.js";
import type { DatasetAsset, DatasetPublisher, IdsPublication } from "./dataset-publisher.js";

/**
 * The IDS agent's provider API, as its Postman collection (contracts/ids-agent, request "createExpIDSAsset") shows:
 * `POST /api/provider/asset` with exp_id, exp_description, asset_type "dataset", minio_endpoint, minio_bucket, minio_path.
 */
export class HttpIdsProvider implements DatasetPublisher {
  constructor(
    private readonly config: IdsConfig,
    private readonly policy: RetryPolicy,
  ) {}

  async publishDataset(asset: DatasetAsset): Promise<IdsPublication> {
    const answer = await httpCall("ids", "IDS provider: publish the dataset", this.policy, {
      method: "POST",
      url: `${this.config.baseUrl}/api/provider/asset`,
      json: {
        exp_id: asset.experimentId,
        exp_description: asset.description,
        asset_type: "dataset",
        minio_endpoint: this.config.storageEndpoint,
        minio_bucket: asset.bucket,
        minio_path: asset.path,
      },
      // The provider keys the asset by experiment and path: the same asset posted twice is one asset.
      retryable: true,
    });
    if (answer.status < 200 || answer.status > 299) {
      throw new UpstreamError("ids", "rejected", `IDS provider answered HTTP ${answer.status}: ${quoteUpstream(answer.body)}`, {
        status: answer.status,
        body: answer.body,
        transient: false,
      });
    }
    return { status: answer.status, answer: answer.body };
  }

  async ping(): Promise<void> {
    const answer = await httpCall("ids", "IDS provider: ping", this.policy, {
      method: "GET",
      url: `${this.config.baseUrl}/api/ping`,
    });
    if (answer.status !== 200) {
      throw new UpstreamError(
        "ids",
        "rejected",
        `IDS provider /api/ping answered HTTP ${answer.status}: ${quoteUpstream(answer.body)}`,
        {
          status: answer.status,
          body: answer.body,
        },
      );
    }
  }
}
