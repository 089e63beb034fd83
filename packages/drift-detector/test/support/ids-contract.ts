/**
 * The IDS provider request the fake enforces, copied from the shared reference folder's
 * contracts/ids-agent/ClarusIdsAgent.postman_collection.json, request "createExpIDSAsset":
 * `POST /api/provider/asset` with the raw JSON body
 * { exp_id, exp_description, asset_type: "dataset", minio_endpoint: "<host>:9000", minio_bucket, minio_path }.
 */
import { z } from "zod";

export const createAssetBody = z.strictObject({
  exp_id: z.string().min(1),
  exp_description: z.string(),
  asset_type: z.literal("dataset"),
  minio_endpoint: z.string().regex(/^[^/\s:]+:\d{1,5}$/, "host:port, no scheme"),
  minio_bucket: z.string().min(1),
  minio_path: z
    .string()
    .min(1)
    .refine((path) => !path.startsWith("/"), "a path inside the bucket"),
});
export type CreateAssetBody = z.output<typeof createAssetBody>;
